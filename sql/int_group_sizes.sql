-- Respondents per group, and the eNPS answer counts (promoters 9-10,
-- passives 7-8, detractors 0-6).
with

members as (
    select * from int_group_members
),

respondents as (
    select response_key, enps_score from int_respondents
),

sized as (
    select
        members.wave_id, members.group_level, members.group_id, members.parent_group_id,
        count(*) as n_respondents,
        count(respondents.enps_score) as n_enps,
        count(*) filter (where respondents.enps_score >= 9) as promoters,
        count(*) filter (where respondents.enps_score between 7 and 8) as passives,
        count(*) filter (where respondents.enps_score <= 6) as detractors
    from members
    join respondents using (response_key)
    group by all
)

select * from sized
