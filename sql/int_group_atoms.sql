-- The finest cells (team x tenure band x location) that every published
-- total is a sum over; the disclosure check works on these.
with

respondents as (
    select * from int_respondents
),

members as (
    select * from int_group_members
),

atom_of_response as (
    select response_key, wave_id,
        coalesce(team_id, '(no team)') || ' | ' || tenure_band || ' | ' || location as atom_id
    from respondents
),

group_atoms as (
    select members.wave_id, members.group_level, members.group_id,
        atom_of_response.atom_id, count(*) as n
    from members
    join atom_of_response using (wave_id, response_key)
    group by all
)

select * from group_atoms
