-- Which groups each response counts in: its team, its department, the
-- organisation, and demographic cuts (tenure band, location) at department
-- and organisation level. Every group figure is computed from respondents.
with

respondents as (
    select * from int_respondents
),

-- one row per respondent and demographic cut (tenure_band, location)
cuts as (
    select wave_id, department_id, response_key, cut, cut_value
    from (unpivot respondents on tenure_band, location into name cut value cut_value)
),

memberships as (
    select wave_id, 'org' as group_level, 'Organisation' as group_id,
        null as parent_group_id, response_key
    from respondents

    union all
    select wave_id, 'department', department_id, 'Organisation', response_key
    from respondents where department_id is not null

    union all
    select wave_id, 'team', team_id, department_id, response_key
    from respondents where team_id is not null

    union all
    select wave_id, cut, department_id || ' / ' || cut_value, department_id, response_key
    from cuts where department_id is not null and cut_value <> 'unknown'

    union all
    select wave_id, cut, cut_value, 'Organisation', response_key
    from cuts where cut_value <> 'unknown'
)

select * from memberships
