-- The roster at each wave's close (wave_id '*' = one roster for every wave).
with

source as (
    select * from state.roster
),

renamed as (
    select
        -- ids
        wave_id as roster_wave_id,
        employee_key,
        email_key,
        manager_key,

        -- hierarchy
        trim(team) as team_id,
        coalesce(nullif(trim(department), ''), 'Unassigned') as department_id,

        -- demographic cuts
        coalesce(nullif(trim(tenure_band), ''), 'unknown') as tenure_band,
        coalesce(nullif(trim(location), ''), 'unknown') as location

    from source
)

select * from renamed
