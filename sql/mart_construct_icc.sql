-- How much of the variation in each construct lies between teams (ICC(1))
-- and how reliable team means are (ICC(2)), per wave.
with

icc as (
    select * from int_icc
),

labels as (
    select * from int_construct_labels
),

final as (
    select
        icc.wave_id,
        icc.construct,
        labels.construct_label,
        icc.n_groups,
        icc.icc1,
        icc.icc2
    from icc
    left join labels using (construct)
)

select * from final
order by wave_id, construct
