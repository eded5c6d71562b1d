-- Sufficient statistics for reliability: per wave, construct and pair of items
-- (item_a <= item_b), over the respondents who answered both: n, the two sums
-- and the sum of products. Alpha and omega are computed from the covariance
-- matrix these give, so no answer leaves DuckDB.
with

answers as (
    select wave_id, construct, response_key, item_id, value_keyed from int_answers_scored
),

respondents as (
    select wave_id, construct, count(distinct response_key) as n_respondents
    from answers
    group by all
),

pairs as (
    select
        a.wave_id,
        a.construct,
        a.item_id as item_a,
        b.item_id as item_b,
        count(*) as n,
        sum(a.value_keyed) as sum_a,
        sum(b.value_keyed) as sum_b,
        sum(a.value_keyed * b.value_keyed) as sum_ab
    from answers as a
    join answers as b
        on b.wave_id = a.wave_id
        and b.construct = a.construct
        and b.response_key = a.response_key
        and b.item_id >= a.item_id
    group by all
),

final as (
    select pairs.*, respondents.n_respondents
    from pairs
    join respondents using (wave_id, construct)
)

select * from final
