-- Leadership index (trust, empowerment) against management index (clarity,
-- accountability) for every group, and its balance quadrant. The build nulls
-- every figure of the YAML contract (the quadrant too) where `suppressed`.
with

balance as (
    select * from int_balance
),

published as (
    select * from int_published_groups
),

labels as (
    select code, label from int_labels where kind = 'quadrant'
),

final as (
    select
        balance.*,
        labels.label as quadrant_label,
        withheld(published, null) as suppressed,
        withheld_reason(published, null) as suppression_reason
    from balance
    join published using (wave_id, group_level, group_id)
    left join labels on labels.code = balance.quadrant
)

select * from final
order by wave_id, group_level, group_id
