-- Every answer reverse keyed (x' = min + max - x) and classified as
-- favourable (top two boxes), unfavourable (bottom two) or neutral.
with

answers as (
    select * from stg_answers
),

responses as (
    select response_key, survey_id from stg_responses
),

items as (
    select * from stg_items where construct is not null
),

keyed as (
    select
        answers.response_key,
        answers.wave_id,
        items.survey_id,
        items.item_id,
        items.construct,
        items.scale_min,
        items.scale_max,
        case
            when items.is_reverse_keyed then items.scale_min + items.scale_max - answers.answer_value
            else answers.answer_value
        end as value_keyed
    from answers
    join responses using (response_key)
    join items on items.survey_id = responses.survey_id and items.item_id = answers.item_id
),

classified as (
    select
        *,
        value_keyed >= scale_max - 1 as is_favorable,
        value_keyed <= scale_min + 1 as is_unfavorable
    from keyed
)

select * from classified
