-- How much of the variation in each construct lies between teams (ICC(1))
-- and how reliable team means are (ICC(2)), per wave.
with

icc as (
    select * from int_icc
),

final as (
    select
        wave_id,
        construct,
        n_groups,
        round(icc1, 4) as icc1,
        round(icc2, 4) as icc2
    from icc
)

select * from final
order by wave_id, construct
