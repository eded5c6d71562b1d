-- Sums over the people who answered two consecutive waves, paired through their
-- pseudonymous key (the employee ID's keyed hash, else the email's), per group
-- of the later wave, group of the earlier wave (same level) and measure. The
-- change test uses them to see a change among the same people (see
-- docs/change-detection.md). A person with several responses in one wave is
-- not paired. Respondent-level data never leaves the build: only sums do.
with

responses as (
    select response_key, wave_id, coalesce(respondent_key, email_key) as person_key
    from stg_responses
    where coalesce(respondent_key, email_key) is not null
),

single_responses as (
    select *
    from responses
    qualify count(*) over (partition by wave_id, person_key) = 1
),

waves as (
    select wave_id as from_wave, lead(wave_id) over (order by wave_id) as to_wave
    from (select distinct wave_id from int_respondents)
),

pairs as (
    select waves.from_wave, waves.to_wave,
        earlier.response_key as earlier_key, later.response_key as later_key
    from waves
    join single_responses as earlier on earlier.wave_id = waves.from_wave
    join single_responses as later
        on later.wave_id = waves.to_wave and later.person_key = earlier.person_key
),

members as (
    select * from int_group_members
    where group_level in ('team', 'department', 'org')
),

measures as (
    select * from int_respondent_measures
),

joined as (
    select
        pairs.from_wave,
        pairs.to_wave,
        later_group.group_level,
        later_group.group_id,
        earlier_group.group_id as from_group_id,
        earlier_score.measure,
        earlier_score.score_0_100 as x,
        later_score.score_0_100 as y
    from pairs
    join members as later_group
        on later_group.wave_id = pairs.to_wave and later_group.response_key = pairs.later_key
    join members as earlier_group
        on earlier_group.wave_id = pairs.from_wave and earlier_group.response_key = pairs.earlier_key
        and earlier_group.group_level = later_group.group_level
    join measures as earlier_score on earlier_score.response_key = pairs.earlier_key
    join measures as later_score
        on later_score.response_key = pairs.later_key and later_score.measure = earlier_score.measure
),

aggregated as (
    select
        from_wave, to_wave, group_level, group_id, from_group_id, measure,
        count(*) as n_paired,
        sum(x) as pair_sum_earlier,
        sum(y) as pair_sum_later,
        sum(x * x) as pair_sum_sq_earlier,
        sum(y * y) as pair_sum_sq_later,
        sum(x * y) as pair_cross
    from joined
    group by all
)

select * from aggregated
