-- Sums over the people who answered two waves, paired through their
-- pseudonymous key (the employee ID's keyed hash, else the email's), per pair
-- of waves, group in each wave (same level) and measure. The change test uses
-- them to see a change among the same people (docs/change-detection.md). The
-- waves' one order is Python's (config/waves.py), so every pair of waves is
-- summed here, wave_a < wave_b as strings, and the Python layer keeps the
-- consecutive ones. A person with several responses in one wave is not paired.
-- Respondent-level data never leaves the build: only sums do.
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

pairs as (
    select a.wave_id as wave_a, b.wave_id as wave_b,
        a.response_key as key_a, b.response_key as key_b
    from single_responses as a
    join single_responses as b
        on b.person_key = a.person_key and a.wave_id < b.wave_id
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
        pairs.wave_a,
        pairs.wave_b,
        group_a.group_level,
        group_a.group_id as group_a,
        group_b.group_id as group_b,
        score_a.measure,
        score_a.score_0_100 as x,
        score_b.score_0_100 as y
    from pairs
    join members as group_a
        on group_a.wave_id = pairs.wave_a and group_a.response_key = pairs.key_a
    join members as group_b
        on group_b.wave_id = pairs.wave_b and group_b.response_key = pairs.key_b
        and group_b.group_level = group_a.group_level
    join measures as score_a on score_a.response_key = pairs.key_a
    join measures as score_b
        on score_b.response_key = pairs.key_b and score_b.measure = score_a.measure
),

aggregated as (
    select
        wave_a, wave_b, group_level, group_a, group_b, measure,
        count(*) as n_paired,
        sum(x) as pair_sum_a,
        sum(y) as pair_sum_b,
        sum(x * x) as pair_sum_sq_a,
        sum(y * y) as pair_sum_sq_b,
        sum(x * y) as pair_cross
    from joined
    group by all
)

select * from aggregated
