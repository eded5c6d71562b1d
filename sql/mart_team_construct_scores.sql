-- Every group's score on every construct, per wave, with its uncertainty.
-- A suppressed row carries no figure at all, not even its count.
with

scores as (
    select * from int_group_scores
    where measure not in ('leadership_index', 'management_index')
),

suppression as (
    select * from int_suppression
),

settings as (
    select * from int_settings
),

protected as (
    select
        scores.*,
        coalesce(suppression.suppressed, true)
            or scores.n_respondents < settings.min_group_size as is_suppressed,
        case
            when coalesce(suppression.suppressed, true) then coalesce(suppression.suppression_reason, 'fewer_than_k_respondents')
            when scores.n_respondents < settings.min_group_size then 'fewer_than_k_respondents'
        end as reason
    from scores
    cross join settings
    left join suppression using (wave_id, group_level, group_id)
),

final as (
    select
        wave_id,
        group_level,
        group_id,
        parent_group_id,
        measure as construct,
        if(is_suppressed, null, n_respondents) as n_respondents,
        if(is_suppressed, null, round(score_0_100, 4)) as score_0_100,
        if(is_suppressed, null, round(score_ci_low, 4)) as score_ci_low,
        if(is_suppressed, null, round(score_ci_high, 4)) as score_ci_high,
        if(is_suppressed, null, round(pct_favorable, 4)) as pct_favorable,
        if(is_suppressed, null, round(pct_neutral, 4)) as pct_neutral,
        if(is_suppressed, null, round(pct_unfavorable, 4)) as pct_unfavorable,
        if(is_suppressed, null, round(favorable_ci_low, 4)) as favorable_ci_low,
        if(is_suppressed, null, round(favorable_ci_high, 4)) as favorable_ci_high,
        if(is_suppressed, null, round(rwg_j, 4)) as rwg_j,
        is_suppressed as suppressed,
        reason as suppression_reason
    from protected
)

select * from final
order by wave_id, group_level, group_id, construct
