-- Internal consistency of each construct per wave, over all respondents.
with

reliability as (
    select * from int_reliability
),

labels as (
    select * from int_construct_labels
),

final as (
    select
        reliability.wave_id,
        reliability.construct,
        labels.construct_label,
        reliability.n_respondents,
        reliability.n_items,
        reliability.cronbach_alpha,
        reliability.alpha_ci_low,
        reliability.alpha_ci_high,
        reliability.omega
    from reliability
    left join labels using (construct)
)

select * from final
order by wave_id, construct
