-- Employee Net Promoter Score per group and wave, with its interval. The build
-- nulls every figure and count of the YAML contract where `suppressed`.
with

enps as (
    select * from int_enps
),

published as (
    select * from int_published_groups
),

final as (
    select
        enps.*,
        withheld(published, enps.n_respondents) as suppressed,
        withheld_reason(published, enps.n_respondents) as suppression_reason
    from enps
    join published using (wave_id, group_level, group_id)
)

select * from final
order by wave_id, group_level, group_id
