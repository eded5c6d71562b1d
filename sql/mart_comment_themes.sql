-- Themes of the free-text comments per group and wave, only for groups with
-- at least the comment threshold of commenters.
with

themes as (
    select * from int_comment_themes
),

final as (
    select
        wave_id,
        group_level,
        group_id,
        theme,
        theme_label,
        construct,
        n_comments,
        round(share, 4) as share,
        round(mean_sentiment, 4) as mean_sentiment
    from themes
)

select * from final
order by wave_id, group_level, group_id, theme
