-- Which constructs move eNPS (relative weights over respondents, only where
-- n > 25), and where acting would matter most.
with

drivers as (
    select * from int_drivers
),

suppression as (
    select * from int_suppression
),

reportable as (
    select drivers.*
    from drivers
    join suppression using (wave_id, group_level, group_id)
    where not suppression.suppressed
),

final as (
    select
        wave_id,
        group_level,
        group_id,
        outcome,
        construct,
        round(impact, 4) as impact,
        method,
        n,
        round(gap_to_org, 4) as gap_to_org,
        round(priority, 4) as priority
    from reportable
)

select * from final
order by wave_id, group_level, group_id, priority desc, construct
