-- Sufficient statistics per group and measure, from respondent scores:
-- n, sum and sum of squares (for the mean and its t-interval), and the
-- cluster sums that the ratio-estimator interval of % favourable needs
-- (x = favourable answers of a respondent, m = answers of a respondent).
with

members as (
    select * from int_group_members
),

measures as (
    select * from int_respondent_measures
),

joined as (
    select members.wave_id, members.group_level, members.group_id, members.parent_group_id,
        measures.measure, measures.score_0_100,
        measures.n_answered as m, measures.n_favorable as x, measures.n_unfavorable as u
    from members
    join measures using (wave_id, response_key)
),

aggregated as (
    select
        wave_id, group_level, group_id, parent_group_id, measure,
        count(*) as n_respondents,
        sum(score_0_100) as sum_score,
        sum(score_0_100 * score_0_100) as sum_score_sq,
        sum(m) as answers,
        sum(x) as favorable,
        sum(u) as unfavorable,
        sum(x * x) as sum_x_sq,
        sum(x * m) as sum_x_m,
        sum(m * m) as sum_m_sq
    from joined
    group by all
)

select * from aggregated
