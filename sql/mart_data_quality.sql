-- One row per raw file and wave: how its rows were accounted for.
-- rows_read = rows_accepted + rows_excluded + rows_quarantined + rows_rejected.
with

loads as (
    select * from stg_file_loads
),

final as (
    select
        wave_id,
        survey_id,
        file_name,
        file_hash,
        format,
        status,
        rows_read,
        rows_accepted,
        rows_excluded,
        excluded_preview_test_spam,
        excluded_partial,
        excluded_duplicate,
        rows_quarantined,
        rows_rejected,
        comments_truncated,
        dedup_possible,
        message
    from loads
)

select * from final
order by wave_id, survey_id, file_name
