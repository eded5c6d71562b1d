-- Change of each group's construct score between consecutive waves, with the
-- partially overlapping samples t-test (people who answered both waves are
-- paired), the Benjamini-Hochberg q over the group's own constructs and
-- Hedges' g. A change is called only when q < 0.05 and |delta| reaches the
-- minimum effect (docs/change-detection.md).
with

changes as (
    select * from int_changes
),

suppression as (
    select * from int_suppression
),

protected as (
    select
        changes.*,
        coalesce(later.suppressed, true) or coalesce(earlier.suppressed, true) as is_suppressed,
        case
            when coalesce(later.suppressed, true) then coalesce(later.suppression_reason, 'fewer_than_k_respondents')
            when coalesce(earlier.suppressed, true) then 'earlier_wave_' || coalesce(earlier.suppression_reason, 'fewer_than_k_respondents')
        end as reason
    from changes
    left join suppression as later
        on later.wave_id = changes.to_wave
        and later.group_level = changes.group_level
        and later.group_id = changes.group_id
    left join suppression as earlier
        on earlier.wave_id = changes.from_wave
        and earlier.group_level = changes.from_group_level
        and earlier.group_id = changes.from_group_id
),

final as (
    select
        group_level,
        group_id,
        construct,
        from_wave,
        to_wave,
        if(is_suppressed, null, from_group_id) as from_group_id,
        if(is_suppressed, null, round(delta, 4)) as delta,
        if(is_suppressed, null, round(p_value, 6)) as p_value,
        if(is_suppressed, null, round(q_value, 6)) as q_value,
        if(is_suppressed, null, round(hedges_g, 4)) as hedges_g,
        if(is_suppressed, null, change) as change,
        if(is_suppressed, null, n_paired > 0) as paired,
        is_suppressed as suppressed,
        reason as suppression_reason
    from protected
)

select * from final
order by from_wave, to_wave, group_level, group_id, construct
