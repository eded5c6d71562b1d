-- Internal consistency of each construct per wave, over all respondents.
with

reliability as (
    select * from int_reliability
),

final as (
    select
        wave_id,
        construct,
        n_respondents,
        n_items,
        round(cronbach_alpha, 4) as cronbach_alpha,
        round(alpha_ci_low, 4) as alpha_ci_low,
        round(alpha_ci_high, 4) as alpha_ci_high,
        round(omega, 4) as omega
    from reliability
)

select * from final
order by wave_id, construct
