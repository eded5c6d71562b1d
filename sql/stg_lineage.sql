-- Team lineage across reorganisations: from_team became to_team from wave_id on.
with

source as (
    select * from state.lineage
),

renamed as (
    select
        trim(from_team) as from_team_id,
        trim(to_team) as to_team_id,
        wave_id as effective_wave_id
    from source
)

select * from renamed
