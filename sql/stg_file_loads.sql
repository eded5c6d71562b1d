-- The latest load of every raw file, with its row accounting.
with

source as (
    select * from state.file_loads
),

renamed as (
    select
        -- ids
        survey_id,
        wave_id,
        file_name,
        path as source_path,
        file_hash,
        format,

        -- outcome
        status,
        message,

        -- row accounting: rows_read = accepted + excluded + quarantined + rejected
        rows_read,
        rows_accepted,
        rows_excluded,
        excluded_preview_test_spam,
        excluded_partial,
        excluded_duplicate,
        rows_quarantined,
        rows_rejected,
        comments_truncated,
        dedup_possible

    from source
)

select * from renamed
