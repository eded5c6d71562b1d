-- Which constructs move eNPS (relative weights over respondents, only where
-- there are at least driver_min_n of them), and where acting would matter most.
-- Only groups that may be shown have drivers.
with

drivers as (
    select * from int_drivers
),

published as (
    select * from int_published_groups
),

labels as (
    select * from int_construct_labels
),

reportable as (
    select drivers.*
    from drivers
    join published using (wave_id, group_level, group_id)
    where not published.is_suppressed
),

final as (
    select
        reportable.wave_id,
        reportable.group_level,
        reportable.group_id,
        reportable.outcome,
        reportable.construct,
        labels.construct_label,
        reportable.impact,
        reportable.method,
        reportable.n,
        reportable.gap_to_org,
        reportable.priority
    from reportable
    left join labels using (construct)
)

select * from final
order by wave_id, group_level, group_id, priority desc, construct
