-- Every group's result on every question (item), per wave: n, the mean of the
-- keyed answers, the 0-100 score and % favourable / neutral / unfavourable with
-- intervals, and the change of the score since the wave before. The groups and
-- their suppression are those of mart_team_construct_scores (int_published_groups):
-- the build nulls every figure and count of the YAML contract where `suppressed`.
with

-- the sums (with their keys) and the figures that the Python layer computed from them
item_stats as (
    select rowid as stat_id, * from int_group_item_stats
),

figures as (
    select * from int_item_figures
),

scores as (
    select item_stats.*, figures.* exclude (stat_id)
    from item_stats
    join figures using (stat_id)
),

published as (
    select * from int_published_groups
),

labels as (
    select * from int_construct_labels
),

waves as (
    select wave_id, wave_seq from dim_waves
),

-- the item's wording and keying in the wave's codebook(s)
item_texts as (
    select stg_waves.wave_id, stg_items.item_id,
        min(stg_items.item_text) as item_text,
        bool_or(stg_items.is_reverse_keyed) as is_reverse_keyed
    from stg_items
    join stg_waves using (survey_id)
    group by all
),

judged as (
    select
        scores.*,
        waves.wave_seq,
        withheld(published, scores.n_respondents) as suppressed,
        withheld_reason(published, scores.n_respondents) as suppression_reason
    from scores
    join published using (wave_id, group_level, group_id)
    join waves using (wave_id)
),

-- the same group and item in the wave before; a change is shown only when the
-- earlier row is shown too (else it would reveal the withheld score)
with_change as (
    select
        later.*,
        earlier.wave_id as from_wave,
        if(earlier.suppressed, null, later.score_0_100 - earlier.score_0_100) as score_change
    from judged as later
    left join judged as earlier
        on earlier.group_level = later.group_level
        and earlier.group_id = later.group_id
        and earlier.construct = later.construct
        and earlier.item_id = later.item_id
        and earlier.wave_seq = later.wave_seq - 1
),

final as (
    select
        with_change.wave_id,
        with_change.group_level,
        with_change.group_id,
        with_change.parent_group_id,
        with_change.construct,
        labels.construct_label,
        with_change.item_id,
        item_texts.item_text,
        item_texts.is_reverse_keyed,
        with_change.n_respondents,
        with_change.mean,
        with_change.score_0_100,
        with_change.pct_favorable,
        with_change.favorable_ci_low,
        with_change.favorable_ci_high,
        with_change.pct_neutral,
        with_change.neutral_ci_low,
        with_change.neutral_ci_high,
        with_change.pct_unfavorable,
        with_change.unfavorable_ci_low,
        with_change.unfavorable_ci_high,
        with_change.from_wave,
        with_change.score_change,
        with_change.suppressed,
        with_change.suppression_reason
    from with_change
    left join labels on labels.construct = with_change.construct
    left join item_texts using (wave_id, item_id)
)

select * from final
order by wave_id, group_level, group_id, construct, item_id
