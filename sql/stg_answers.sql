-- One row per answered item (numeric code on the item's own scale, before reverse keying).
with

source as (
    select * from state.answers
),

renamed as (
    select
        -- ids
        response_key,
        wave_id,
        item_id,

        -- numerics
        cast(value as double) as answer_value

    from source
    where value is not null
)

select * from renamed
