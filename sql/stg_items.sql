-- The item bank of every survey, from its codebook.
with

source as (
    select * from state.items
),

renamed as (
    select
        -- ids
        survey_id,
        item_id,
        construct,

        -- flags
        cast(reverse as boolean) as is_reverse_keyed,

        -- scale
        cast(scale_min as double) as scale_min,
        cast(scale_max as double) as scale_max,

        item_text

    from source
)

select * from renamed
