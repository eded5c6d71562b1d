-- One row per accepted response, as loaded into the state database.
with

source as (
    select * from state.responses
),

renamed as (
    select
        -- ids
        response_key,
        respondent_key,
        email_key,
        survey_id,
        wave_id,
        path as source_path,

        -- team as exported (used when the codebook joins teams by column)
        nullif(trim(team_raw), '') as team_exported,

        -- timestamps
        cast(submitted_at as timestamp) as submitted_at,

        -- numerics
        cast(enps as double) as enps_score

    from source
)

select * from renamed
