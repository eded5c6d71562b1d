-- The groups of each wave and their place in the hierarchy (names only: no counts).
with

sizes as (
    select * from int_group_sizes
),

final as (
    select distinct wave_id, group_level, group_id, parent_group_id
    from sizes
)

select * from final
order by wave_id, group_level, group_id
