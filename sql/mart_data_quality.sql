-- One row per raw file and wave: how its rows were accounted for.
-- rows_read = rows_accepted + rows_excluded + rows_quarantined + rows_rejected.
with

loads as (
    select * from stg_file_loads
),

final as (
    -- every column of the staged load record but the raw path, which names a folder of
    -- the server; the file name is enough to find it
    select * exclude (source_path) from loads
)

select * from final
order by wave_id, survey_id, file_name
