-- Themes of the free-text comments per group and wave, only for groups with
-- at least the comment threshold of commenters, with the change in each
-- theme's share since the group's previous shown wave.
with

themes as (
    select * from int_comment_themes
),

wave_order as (
    select * from int_wave_order
),

group_waves as (
    select distinct wave_id, group_level, group_id from themes
),

previous_wave as (
    select
        group_waves.wave_id, group_waves.group_level, group_waves.group_id,
        lag(group_waves.wave_id) over (
            partition by group_waves.group_level, group_waves.group_id
            order by wave_order.wave_seq
        ) as previous_wave_id
    from group_waves
    join wave_order using (wave_id)
),

with_previous as (
    select
        themes.*,
        previous_wave.previous_wave_id,
        -- a theme nobody raised in the previous wave had a share of 0 there
        if(previous_wave.previous_wave_id is null, null, coalesce(earlier.share, 0)) as previous_share
    from themes
    join previous_wave using (wave_id, group_level, group_id)
    left join themes as earlier
        on earlier.wave_id = previous_wave.previous_wave_id
        and earlier.group_level = themes.group_level
        and earlier.group_id = themes.group_id
        and earlier.theme = themes.theme
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
        share,
        mean_sentiment,
        previous_wave_id,
        share - previous_share as share_change
    from with_previous
)

select * from final
order by wave_id, group_level, group_id, theme
