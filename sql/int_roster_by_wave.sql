-- The roster that applies to each surveyed wave: the wave's own roster if
-- there is one, else the all-waves roster (wave '*').
with

roster as (
    select * from stg_roster
),

waves as (
    select distinct wave_id from stg_waves
),

waves_with_own_roster as (
    select distinct roster_wave_id as wave_id from roster where roster_wave_id <> '*'
),

applicable as (
    select waves.wave_id, roster.*
    from waves
    join roster
        on roster.roster_wave_id = waves.wave_id
        or (
            roster.roster_wave_id = '*'
            and waves.wave_id not in (select wave_id from waves_with_own_roster)
        )
),

one_row_per_employee as (
    select * exclude (roster_wave_id)
    from applicable
    qualify row_number() over (partition by wave_id, employee_key order by team_id) = 1
)

select * from one_row_per_employee
