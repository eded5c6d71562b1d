-- Change of each group's construct score between consecutive waves, with the
-- partially overlapping samples t-test (people who answered both waves are
-- paired), the Benjamini-Hochberg q over the group's own constructs and
-- Hedges' g (docs/change-detection.md). A change is called only when q < 0.05
-- and |delta| reaches the minimum effect. A change is shown
-- only when both waves' groups may be; the build nulls every figure of the
-- YAML contract where `suppressed`.
with

changes as (
    select * from int_changes
),

published as (
    select * from int_published_groups
),

construct_labels as (
    select * from int_construct_labels
),

change_labels as (
    select code as change, label as change_label from int_labels where kind = 'change'
),

both_waves as (
    select
        changes.*,
        later.is_suppressed or earlier.is_suppressed as hidden,
        case
            when later.is_suppressed then later.suppression_reason
            when earlier.is_suppressed then 'earlier_wave_' || earlier.suppression_reason
        end as reason
    from changes
    join published as later
        on later.wave_id = changes.to_wave
        and later.group_level = changes.group_level
        and later.group_id = changes.group_id
    join published as earlier
        on earlier.wave_id = changes.from_wave
        and earlier.group_level = changes.from_group_level
        and earlier.group_id = changes.from_group_id
),

final as (
    select
        both_waves.group_level,
        both_waves.group_id,
        both_waves.construct,
        construct_labels.construct_label,
        both_waves.from_wave,
        both_waves.to_wave,
        if(hidden, null, both_waves.from_group_id) as from_group_id,
        both_waves.delta,
        both_waves.p_value,
        both_waves.q_value,
        both_waves.hedges_g,
        both_waves.change,
        change_labels.change_label,
        both_waves.n_paired > 0 as paired,
        hidden as suppressed,
        reason as suppression_reason
    from both_waves
    left join construct_labels using (construct)
    left join change_labels using (change)
)

select * from final
order by from_wave, to_wave, group_level, group_id, construct
