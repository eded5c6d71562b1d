-- Which groups each response counts in: its team, its department, the
-- organisation, and demographic cuts (tenure band, location) at department
-- and organisation level. Every group figure is computed from respondents.
with

respondents as (
    select * from int_respondents
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
    select wave_id, 'tenure_band', department_id || ' / ' || tenure_band, department_id, response_key
    from respondents where department_id is not null and tenure_band <> 'unknown'

    union all
    select wave_id, 'tenure_band', tenure_band, 'Organisation', response_key
    from respondents where tenure_band <> 'unknown'

    union all
    select wave_id, 'location', department_id || ' / ' || location, department_id, response_key
    from respondents where department_id is not null and location <> 'unknown'

    union all
    select wave_id, 'location', location, 'Organisation', response_key
    from respondents where location <> 'unknown'
)

select * from memberships
