-- One row per accepted response with its team, department and demographic
-- cuts resolved. The codebook says how a response joins its team: through a
-- team column in the export, or through the roster by ID or email.
with

responses as (
    select * from stg_responses
),

waves as (
    select * from stg_waves
),

roster as (
    select * from int_roster_by_wave
),

team_departments as (
    select wave_id, team_id, mode(department_id) as department_id
    from roster
    group by all
),

matched as (
    select
        responses.response_key,
        responses.survey_id,
        responses.wave_id,
        responses.enps_score,
        case waves.team_join
            when 'column' then responses.team_exported
            when 'roster_id' then by_id.team_id
            when 'roster_email' then by_email.team_id
        end as team_id,
        coalesce(by_id.tenure_band, by_email.tenure_band, 'unknown') as tenure_band,
        coalesce(by_id.location, by_email.location, 'unknown') as location
    from responses
    join waves using (survey_id, wave_id)
    left join roster as by_id
        on by_id.wave_id = responses.wave_id and by_id.employee_key = responses.respondent_key
    left join roster as by_email
        on by_email.wave_id = responses.wave_id and by_email.email_key = responses.email_key
),

with_department as (
    select
        matched.*,
        case
            when matched.team_id is null then null
            else coalesce(team_departments.department_id, 'Unassigned')
        end as department_id
    from matched
    left join team_departments using (wave_id, team_id)
)

select * from with_department
