-- The waves in their one order (natural sort of the wave id), with the
-- period each survey of the wave covered.
with

wave_order as (
    select * from int_wave_order
),

waves as (
    select * from stg_waves
),

periods as (
    select
        wave_id,
        min(period_start) as period_start,
        max(close_date) as close_date,
        string_agg(distinct survey_id, ', ' order by survey_id) as surveys
    from waves
    group by wave_id
),

final as (
    select
        wave_order.wave_id,
        wave_order.wave_seq,
        periods.period_start,
        periods.close_date,
        periods.surveys
    from wave_order
    left join periods using (wave_id)
)

select * from final
order by wave_seq
