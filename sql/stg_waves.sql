-- Survey waves with their period, from the codebooks.
with

source as (
    select * from state.waves
),

renamed as (
    select
        survey_id,
        wave_id,
        cast(period_start as date) as period_start,
        cast(close_date as date) as close_date,
        team_join
    from source
)

select * from renamed
