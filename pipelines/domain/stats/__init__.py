"""Survey statistics for Tandem: pure numpy/scipy functions, one per figure.

Every public function documents its formula and the source it follows (BRIEF.md
section 2 is the contract). Nothing here touches Dagster, files or the network.
"""

from pipelines.domain.stats.agreement import (
    icc_bliese,
    icc_from_group_sums,
    rwg_j,
    rwg_j_from_mean_variance,
)
from pipelines.domain.stats.change import (
    benjamini_hochberg,
    change_test,
    detect_changes,
    hedges_g,
    hedges_g_from_summary,
    welch_from_summary,
    welch_t_test,
)
from pipelines.domain.stats.drivers import (
    driver_analysis,
    driver_analysis_from_cov,
    relative_weights,
    relative_weights_from_corr,
)
from pipelines.domain.stats.intervals import (
    clustered_proportion,
    clustered_proportion_from_sums,
    t_interval,
    t_interval_from_summary,
    wilson_interval,
)
from pipelines.domain.stats.moments import (
    covariance_from_sums,
    mean_var_from_sums,
    pairwise_covariance,
)
from pipelines.domain.stats.overlap import overlap_difference_from_sums, overlap_t_from_sums
from pipelines.domain.stats.reliability import (
    cronbach_alpha,
    cronbach_alpha_from_cov,
    feldt_interval,
    mcdonald_omega,
    mcdonald_omega_from_cov,
)
from pipelines.domain.stats.scoring import (
    enps,
    enps_from_counts,
    favorability_shares,
    favorable_counts,
    respondent_scores,
    reverse_key,
    to_0_100,
)

__all__ = [
    "benjamini_hochberg",
    "change_test",
    "clustered_proportion",
    "clustered_proportion_from_sums",
    "covariance_from_sums",
    "cronbach_alpha",
    "cronbach_alpha_from_cov",
    "detect_changes",
    "driver_analysis",
    "driver_analysis_from_cov",
    "enps",
    "enps_from_counts",
    "favorability_shares",
    "favorable_counts",
    "feldt_interval",
    "hedges_g",
    "hedges_g_from_summary",
    "icc_bliese",
    "icc_from_group_sums",
    "mcdonald_omega",
    "overlap_difference_from_sums",
    "overlap_t_from_sums",
    "mcdonald_omega_from_cov",
    "mean_var_from_sums",
    "pairwise_covariance",
    "relative_weights",
    "relative_weights_from_corr",
    "respondent_scores",
    "reverse_key",
    "rwg_j",
    "rwg_j_from_mean_variance",
    "t_interval",
    "t_interval_from_summary",
    "to_0_100",
    "welch_from_summary",
    "welch_t_test",
    "wilson_interval",
]
