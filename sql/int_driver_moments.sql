-- Sufficient statistics for the drivers of eNPS: per wave, group (organisation
-- and departments) and pair of variables (the constructs and the outcome), over
-- the group's complete cases (a score on every construct of the group and an
-- eNPS answer): n, Σa and Σab. The drivers are computed from the covariance
-- matrix these give.
with

members as (
    select * from int_group_members where group_level in ('org', 'department')
),

measures as (
    select wave_id, response_key, measure, score_0_100
    from int_respondent_measures
    where measure not like '%_index'
),

outcomes as (
    select response_key, enps_score from int_respondents where enps_score is not null
),

scored as (
    select members.wave_id, members.group_level, members.group_id, members.response_key,
        measures.measure, measures.score_0_100, outcomes.enps_score
    from members
    join measures using (wave_id, response_key)
    join outcomes using (response_key)
),

group_constructs as (
    select wave_id, group_level, group_id, count(distinct measure) as n_constructs
    from scored
    group by all
),

respondent_constructs as (
    select wave_id, group_level, group_id, response_key, count(*) as n_constructs
    from scored
    group by all
),

complete as (
    select scored.*
    from scored
    join respondent_constructs using (wave_id, group_level, group_id, response_key)
    join group_constructs using (wave_id, group_level, group_id, n_constructs)
),

variables as (
    select wave_id, group_level, group_id, response_key, measure as variable,
        score_0_100 as value
    from complete
    union all
    select distinct wave_id, group_level, group_id, response_key, '(enps)' as variable,
        enps_score as value
    from complete
),

final as (
    select
        a.wave_id,
        a.group_level,
        a.group_id,
        a.variable as variable_a,
        b.variable as variable_b,
        count(*) as n,
        sum(a.value) as sum_a,
        sum(b.value) as sum_b,
        sum(a.value * b.value) as sum_ab
    from variables as a
    join variables as b
        on b.wave_id = a.wave_id
        and b.group_level = a.group_level
        and b.group_id = a.group_id
        and b.response_key = a.response_key
        and b.variable >= a.variable
    group by all
)

select * from final
