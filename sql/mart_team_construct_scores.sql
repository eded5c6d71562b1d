-- Every group's score on every construct, per wave, with its uncertainty.
-- A suppressed row carries no figure at all, not even its count: the build
-- nulls every figure and count of the YAML contract where `suppressed`.
with

scores as (
    select * from int_group_scores
    where measure not in ('leadership_index', 'management_index')
),

published as (
    select * from int_published_groups
),

labels as (
    select * from int_construct_labels
),

final as (
    select
        scores.wave_id,
        scores.group_level,
        scores.group_id,
        scores.parent_group_id,
        scores.measure as construct,
        labels.construct_label,
        scores.n_respondents,
        scores.score_0_100,
        scores.score_ci_low,
        scores.score_ci_high,
        scores.pct_favorable,
        scores.pct_neutral,
        scores.pct_unfavorable,
        scores.favorable_ci_low,
        scores.favorable_ci_high,
        scores.rwg_j,
        withheld(published, scores.n_respondents) as suppressed,
        withheld_reason(published, scores.n_respondents) as suppression_reason
    from scores
    join published using (wave_id, group_level, group_id)
    left join labels on labels.construct = scores.measure
)

select * from final
order by wave_id, group_level, group_id, construct
