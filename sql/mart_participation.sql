-- Respondents against the roster headcount at the wave's close. A rate above
-- 100 % means a stale roster and is flagged. The build nulls every figure and
-- count of the YAML contract where `suppressed`.
with

participation as (
    select * from int_participation
),

published as (
    select * from int_published_groups
),

rates as (
    select
        *,
        if(headcount = 0, null, respondents / headcount) as participation_rate,
        if(headcount is null, null, respondents > headcount) as over_100_flag
    from participation
),

final as (
    select
        rates.wave_id,
        rates.group_level,
        rates.group_id,
        rates.headcount,
        rates.respondents,
        rates.participation_rate,
        rates.over_100_flag,
        withheld(published, null) as suppressed,
        withheld_reason(published, null) as suppression_reason
    from rates
    join published using (wave_id, group_level, group_id)
)

select * from final
order by wave_id, group_level, group_id
