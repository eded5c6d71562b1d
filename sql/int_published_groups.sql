-- What may be shown: one row per group of each wave (and per lineage union of
-- an earlier wave's teams), whether it is withheld and why. Every mart joins
-- this model; none decides suppression by itself.
with

suppression as (
    select * from int_suppression
),

settings as (
    select * from int_settings
),

final as (
    select
        suppression.wave_id,
        suppression.group_level,
        suppression.group_id,
        suppression.suppressed as is_suppressed,
        case when suppression.suppressed
            then coalesce(suppression.suppression_reason, 'fewer_than_k_respondents')
        end as suppression_reason,
        settings.min_group_size
    from suppression
    cross join settings
)

select * from final
