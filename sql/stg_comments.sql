-- Free-text comments, already cleaned and masked at load time.
with

source as (
    select * from state.comments
),

renamed as (
    select
        response_key,
        wave_id,
        text as comment_text
    from source
)

select * from renamed
