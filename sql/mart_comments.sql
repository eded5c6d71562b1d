-- A few representative comments per group and theme, for the reports. Only
-- groups at or above the comment threshold; never a respondent key. The same
-- words from several people are one quote.
with

quotes as (
    select * from int_comment_quotes
),

final as (
    select distinct wave_id, group_level, group_id, theme, sentiment_label, text
    from quotes
)

select * from final
order by wave_id, group_level, group_id, theme, text
