-- Respondents against the roster headcount at the wave's close. A rate above
-- 100 % means a stale roster and is flagged.
with

participation as (
    select * from int_participation
),

suppression as (
    select * from int_suppression
),

protected as (
    select
        participation.*,
        coalesce(suppression.suppressed, true) as is_suppressed,
        if(coalesce(suppression.suppressed, true),
           coalesce(suppression.suppression_reason, 'fewer_than_k_respondents'), null) as reason
    from participation
    left join suppression using (wave_id, group_level, group_id)
),

final as (
    select
        wave_id,
        group_level,
        group_id,
        if(is_suppressed, null, headcount) as headcount,
        if(is_suppressed, null, respondents) as respondents,
        if(is_suppressed or headcount is null or headcount = 0, null,
           round(respondents / headcount, 4)) as participation_rate,
        if(is_suppressed or headcount is null, null, respondents > headcount) as over_100_flag,
        is_suppressed as suppressed,
        reason as suppression_reason
    from protected
)

select * from final
order by wave_id, group_level, group_id
