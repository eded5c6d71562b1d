-- Mean within-group item variance per construct (s-bar squared of rwg(j)),
-- with the number of items and of response options. Each item's sample
-- variance comes from its sums in int_group_item_stats:
-- s^2 = (sum x^2 - (sum x)^2 / n) / (n - 1), for n >= 2.
with

item_stats as (
    select * from int_group_item_stats
),

item_variances as (
    select wave_id, group_level, group_id, construct, item_id,
        case when n_respondents >= 2
            then greatest(sum_value_sq - sum_value * sum_value / n_respondents, 0)
                / (n_respondents - 1)
        end as item_variance,
        n_options
    from item_stats
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
