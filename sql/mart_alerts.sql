-- What leadership should hear about: significant drops, low participation
-- and unreliable constructs.
with

changes as (
    select * from mart_team_changes
),

participation as (
    select * from mart_participation
),

reliability as (
    select * from mart_construct_reliability
),

settings as (
    select * from int_settings
),

construct_labels as (
    select * from int_construct_labels
),

alert_labels as (
    select code as alert_type, label as alert_label from int_labels where kind = 'alert_type'
),

drops as (
    select
        to_wave as wave_id,
        'significant_drop' as alert_type,
        group_level, group_id, construct,
        delta as value,
        -settings.min_effect as threshold,
        printf('%s fell %.0f points in %s between %s and %s (q = %.3f)',
               construct_label, -delta, group_id, from_wave, to_wave, q_value) as message
    from changes cross join settings
    where change = 'down'
),

low_participation as (
    select
        wave_id,
        'low_participation' as alert_type,
        group_level, group_id, null as construct,
        participation_rate as value,
        settings.low_participation as threshold,
        printf('Participation in %s was %.0f%% (below %.0f%%)',
               group_id, 100 * participation_rate, 100 * settings.low_participation) as message
    from participation cross join settings
    where participation_rate < settings.low_participation
),

low_alpha as (
    select
        wave_id,
        'low_reliability' as alert_type,
        'org' as group_level, 'Organisation' as group_id, construct,
        cronbach_alpha as value,
        settings.low_alpha as threshold,
        printf('Cronbach''s alpha of %s is %.2f (below %.2f): its items may not measure one thing',
               construct_label, cronbach_alpha, settings.low_alpha) as message
    from reliability cross join settings
    where cronbach_alpha < settings.low_alpha
),

all_alerts as (
    select * from drops
    union all select * from low_participation
    union all select * from low_alpha
),

final as (
    select
        all_alerts.wave_id,
        all_alerts.alert_type,
        alert_labels.alert_label,
        all_alerts.group_level,
        all_alerts.group_id,
        all_alerts.construct,
        construct_labels.construct_label,
        all_alerts.value,
        all_alerts.threshold,
        all_alerts.message
    from all_alerts
    left join alert_labels using (alert_type)
    left join construct_labels using (construct)
)

select * from final
order by wave_id, alert_type, group_level, group_id, construct
