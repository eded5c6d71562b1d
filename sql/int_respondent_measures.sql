-- One row per response and measure: the four (or the customer's own)
-- construct scores, and the leadership and management indices.
-- A construct score needs at least half of the construct's items answered.
with

answers as (
    select * from int_answers_scored
),

construct_sizes as (
    select survey_id, construct, count(*) as n_items
    from stg_items
    where construct is not null
    group by all
),

per_construct as (
    select
        response_key,
        wave_id,
        survey_id,
        construct,
        count(*) as n_answered,
        avg(to_0_100(value_keyed, scale_min, scale_max)) as mean_0_100,
        count(*) filter (where is_favorable) as n_favorable,
        count(*) filter (where is_unfavorable) as n_unfavorable
    from answers
    group by all
),

construct_scores as (
    select
        per_construct.response_key,
        per_construct.wave_id,
        per_construct.construct as measure,
        per_construct.mean_0_100 as score_0_100,
        per_construct.n_answered,
        per_construct.n_favorable,
        per_construct.n_unfavorable
    from per_construct
    join construct_sizes using (survey_id, construct)
    where per_construct.n_answered * 2 >= construct_sizes.n_items
),

indices as (
    select
        response_key,
        wave_id,
        case when measure in ('trust', 'empowerment') then 'leadership_index'
             else 'management_index' end as measure,
        avg(score_0_100) as score_0_100,
        count(*) as n_parts
    from construct_scores
    where measure in ('trust', 'empowerment', 'clarity', 'accountability')
    group by all
),

complete_indices as (
    select response_key, wave_id, measure, score_0_100,
        null::bigint as n_answered, null::bigint as n_favorable, null::bigint as n_unfavorable
    from indices
    where n_parts = 2
),

measures as (
    select * from construct_scores
    union all
    select * from complete_indices
)

select * from measures
