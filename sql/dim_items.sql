-- The items of every survey: construct, reverse keying and scale.
with

items as (
    select * from stg_items
),

final as (
    select survey_id, item_id, construct, is_reverse_keyed, scale_min, scale_max, item_text
    from items
)

select * from final
order by survey_id, item_id
