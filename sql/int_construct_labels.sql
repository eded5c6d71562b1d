-- Each construct code with its label, for the marts to join by `construct`.
with

labels as (
    select * from int_labels
),

final as (
    select code as construct, label as construct_label
    from labels
    where kind = 'construct'
)

select * from final
