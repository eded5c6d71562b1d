-- Every group's result on every question (item), per wave: n, the mean of the
-- keyed answers, the 0-100 score and % favourable / neutral / unfavourable with
-- intervals, and the change of the score since the wave before. The groups and
-- their suppression are those of mart_team_construct_scores (int_published_groups);
-- a question that fewer than k of a shown group answered is withheld too, and so is
-- a sibling that would let it be worked out by subtraction (complementary, below).
-- The build nulls every figure and count of the YAML contract where `suppressed`.
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
        withheld_reason(published, scores.n_respondents) as suppression_reason,
        published.min_group_size
    from scores
    join published using (wave_id, group_level, group_id)
    join waves using (wave_id)
),

-- Complementary suppression of questions. A family is one item's children of one
-- parent and kind: a department's teams, the organisation's departments, a
-- department's (or the organisation's) values of one cut, and one cut value's
-- department-level groups within the organisation-level group of that value.
-- A reader can subtract the shown children from the parent: what is left is the
-- hidden children's answers plus the parent's answers in no child (an 'unknown'
-- cut value, no team), `remainder`. Neither may be 1 to k-1 answers, so the shown
-- children are hidden, smallest n first (a running sum), until both are 0 or
-- >= k. A shown row has n >= k, so hiding it never opens another family.
memberships as (
    select stat_id, wave_id, construct, item_id, group_level as child_level,
        if(parent_group_id = 'Organisation', 'org', 'department') as parent_level,
        parent_group_id as parent_id
    from judged
    where parent_group_id is not null

    union all
    select stat_id, wave_id, construct, item_id, group_level, group_level,
        -- 'Department / value' -> value: the organisation-level group of the same cut
        substr(group_id, length(parent_group_id) + 4)
    from judged
    where group_level not in ('org', 'department', 'team') and parent_group_id <> 'Organisation'
),

families as (
    select memberships.*, judged.group_id, judged.n_respondents as n, judged.suppressed,
        judged.min_group_size as k
    from memberships
    join judged using (stat_id)
),

family_totals as (
    select
        families.wave_id, families.construct, families.item_id, families.child_level,
        families.parent_level, families.parent_id,
        coalesce(sum(families.n) filter (where families.suppressed), 0) as hidden_n,
        coalesce(any_value(parent.n_respondents), sum(families.n)) - sum(families.n) as remainder,
        any_value(families.k) as k
    from families
    left join judged as parent
        on parent.wave_id = families.wave_id
        and parent.item_id = families.item_id
        and parent.construct = families.construct
        and parent.group_level = families.parent_level
        and parent.group_id = families.parent_id
    group by all
),

-- the few families that leave 1 to k-1 answers to subtraction as they stand
exposed as (
    select *
    from family_totals
    where isolates_fewer_than_k(hidden_n, k) or isolates_fewer_than_k(hidden_n + remainder, k)
),

-- per shown child of those: the hidden answers before it, if the smaller shown siblings are hidden
ranked as (
    select
        families.stat_id, exposed.k, exposed.remainder,
        exposed.hidden_n + coalesce(sum(families.n) over (
            partition by families.wave_id, families.construct, families.item_id,
                families.child_level, families.parent_level, families.parent_id
            order by families.n, families.group_id
            rows between unbounded preceding and 1 preceding), 0) as hidden_before
    from families
    join exposed using (wave_id, construct, item_id, child_level, parent_level, parent_id)
    where not families.suppressed
),

complementary as (
    select distinct stat_id
    from ranked
    where isolates_fewer_than_k(hidden_before, k)
        or isolates_fewer_than_k(hidden_before + remainder, k)
),

protected as (
    select
        judged.* replace (
            judged.suppressed or complementary.stat_id is not null as suppressed,
            coalesce(judged.suppression_reason,
                if(complementary.stat_id is not null, 'complementary_suppression', null))
                as suppression_reason)
    from judged
    left join complementary using (stat_id)
),

-- the same group and item in the wave before; a change is shown only when the
-- earlier row is shown too (else it would reveal the withheld score)
with_change as (
    select
        later.*,
        earlier.wave_id as from_wave,
        if(earlier.suppressed, null, later.score_0_100 - earlier.score_0_100) as score_change
    from protected as later
    left join protected as earlier
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
