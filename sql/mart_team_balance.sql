-- Leadership index (trust, empowerment) against management index (clarity,
-- accountability) for every group, and its balance quadrant.
with

balance as (
    select * from int_balance
),

suppression as (
    select * from int_suppression
),

protected as (
    select
        balance.*,
        coalesce(suppression.suppressed, true) as is_suppressed,
        if(coalesce(suppression.suppressed, true),
           coalesce(suppression.suppression_reason, 'fewer_than_k_respondents'), null) as reason
    from balance
    left join suppression using (wave_id, group_level, group_id)
),

final as (
    select
        wave_id,
        group_level,
        group_id,
        parent_group_id,
        if(is_suppressed, null, round(leadership_index, 4)) as leadership_index,
        if(is_suppressed, null, round(leadership_ci_low, 4)) as leadership_ci_low,
        if(is_suppressed, null, round(leadership_ci_high, 4)) as leadership_ci_high,
        if(is_suppressed, null, round(management_index, 4)) as management_index,
        if(is_suppressed, null, round(management_ci_low, 4)) as management_ci_low,
        if(is_suppressed, null, round(management_ci_high, 4)) as management_ci_high,
        if(is_suppressed, null, quadrant) as quadrant,
        is_suppressed as suppressed,
        reason as suppression_reason
    from protected
)

select * from final
order by wave_id, group_level, group_id
