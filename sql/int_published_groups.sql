-- What may be shown: one row per group of each wave (and per lineage union of
-- an earlier wave's teams), whether it is withheld and why. Every mart joins
-- this model; none decides suppression by itself. A group is withheld when the
-- confidentiality step says so (fewer than k respondents, or complementary
-- suppression against differencing), or when its participation rate is below
-- the min_participation setting (off unless set).
with

suppression as (
    select * from int_suppression
),

participation as (
    select wave_id, group_level, group_id, respondents / headcount as rate
    from int_participation
    where headcount > 0
),

settings as (
    select * from int_settings
),

final as (
    select
        suppression.wave_id,
        suppression.group_level,
        suppression.group_id,
        suppression.suppressed
            or coalesce(participation.rate < settings.min_participation, false) as is_suppressed,
        case
            when suppression.suppressed
                then coalesce(suppression.suppression_reason, 'fewer_than_k_respondents')
            when participation.rate < settings.min_participation then 'participation_below_minimum'
        end as suppression_reason,
        settings.min_group_size
    from suppression
    cross join settings
    left join participation using (wave_id, group_level, group_id)
)

select * from final
