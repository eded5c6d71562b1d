-- Roster headcount at each wave's close beside the respondents, per team,
-- department and organisation. A census, so no interval.
with

roster as (
    select * from int_roster_by_wave
),

sizes as (
    select * from int_group_sizes where group_level in ('team', 'department', 'org')
),

headcounts as (
    select wave_id, 'team' as group_level, team_id as group_id, count(*) as headcount
    from roster group by all
    union all
    select wave_id, 'department', department_id, count(*) from roster group by all
    union all
    select wave_id, 'org', 'Organisation', count(*) from roster group by all
),

joined as (
    select
        coalesce(sizes.wave_id, headcounts.wave_id) as wave_id,
        coalesce(sizes.group_level, headcounts.group_level) as group_level,
        coalesce(sizes.group_id, headcounts.group_id) as group_id,
        headcounts.headcount,
        coalesce(sizes.n_respondents, 0) as respondents
    from sizes
    full outer join headcounts using (wave_id, group_level, group_id)
    where coalesce(sizes.wave_id, headcounts.wave_id) in (select distinct wave_id from int_respondents)
)

select * from joined
