-- Employee Net Promoter Score per group and wave, with its interval.
with

enps as (
    select * from int_enps
),

suppression as (
    select * from int_suppression
),

settings as (
    select * from int_settings
),

protected as (
    select
        enps.*,
        coalesce(suppression.suppressed, true)
            or enps.n_respondents < settings.min_group_size as is_suppressed,
        case
            when coalesce(suppression.suppressed, true) then coalesce(suppression.suppression_reason, 'fewer_than_k_respondents')
            when enps.n_respondents < settings.min_group_size then 'fewer_than_k_respondents'
        end as reason
    from enps
    cross join settings
    left join suppression using (wave_id, group_level, group_id)
),

final as (
    select
        wave_id,
        group_level,
        group_id,
        parent_group_id,
        if(is_suppressed, null, n_respondents) as n_respondents,
        if(is_suppressed, null, round(promoters, 4)) as promoters,
        if(is_suppressed, null, round(passives, 4)) as passives,
        if(is_suppressed, null, round(detractors, 4)) as detractors,
        if(is_suppressed, null, round(enps, 4)) as enps,
        if(is_suppressed, null, round(enps_ci_low, 4)) as enps_ci_low,
        if(is_suppressed, null, round(enps_ci_high, 4)) as enps_ci_high,
        is_suppressed as suppressed,
        reason as suppression_reason
    from protected
)

select * from final
order by wave_id, group_level, group_id
