-- Sufficient statistics per group and item, from respondents' answers: n (one
-- answer per response and item), the sums of the keyed answers and of their
-- squares on the item's scale, the sum on 0-100 (the to_0_100 macro, as the
-- construct scores), and the favourable and unfavourable counts
-- (int_answers_scored's top and bottom two boxes). mart_item_scores and the
-- within-group item variances (int_group_item_variances) both read it, so the
-- answers are joined to their groups once.
with

members as (
    select * from int_group_members
),

answers as (
    select * from int_answers_scored
),

joined as (
    select members.wave_id, members.group_level, members.group_id, members.parent_group_id,
        answers.construct, answers.item_id, answers.value_keyed,
        to_0_100(answers.value_keyed, answers.scale_min, answers.scale_max) as value_0_100,
        answers.scale_max - answers.scale_min + 1 as n_options,
        answers.is_favorable, answers.is_unfavorable
    from members
    join answers using (wave_id, response_key)
),

aggregated as (
    select
        wave_id, group_level, group_id, parent_group_id, construct, item_id,
        count(*) as n_respondents,
        sum(value_keyed) as sum_value,
        sum(value_keyed * value_keyed) as sum_value_sq,
        sum(value_0_100) as sum_0_100,
        count(*) filter (where is_favorable) as favorable,
        count(*) filter (where is_unfavorable) as unfavorable,
        any_value(n_options) as n_options
    from joined
    group by all
)

select * from aggregated
