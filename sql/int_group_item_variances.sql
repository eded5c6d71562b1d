-- Mean within-group item variance per construct (s-bar squared of rwg(j)),
-- with the number of items and of response options.
with

members as (
    select * from int_group_members
),

answers as (
    select * from int_answers_scored
),

item_variances as (
    select members.wave_id, members.group_level, members.group_id, answers.construct,
        answers.item_id,
        var_samp(answers.value_keyed) as item_variance,
        any_value(answers.scale_max - answers.scale_min + 1) as n_options
    from members
    join answers using (wave_id, response_key)
    group by all
),

per_construct as (
    select wave_id, group_level, group_id, construct as measure,
        avg(item_variance) as mean_item_variance,
        count(*) as n_items,
        max(n_options) as n_options
    from item_variances
    where item_variance is not null
    group by all
)

select * from per_construct
