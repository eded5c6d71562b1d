"""Drivers: Johnson's relative weights and the driver table."""

import numpy as np
import pandas as pd
import pytest

from pipelines.domain.stats import driver_analysis, relative_weights

# R's mtcars (Henderson & Velleman 1981): mpg, cyl, disp, hp, wt, gear.
MTCARS = np.array([
    [21.0, 6, 160.0, 110, 2.620, 4], [21.0, 6, 160.0, 110, 2.875, 4], [22.8, 4, 108.0, 93, 2.320, 4],
    [21.4, 6, 258.0, 110, 3.215, 3], [18.7, 8, 360.0, 175, 3.440, 3], [18.1, 6, 225.0, 105, 3.460, 3],
    [14.3, 8, 360.0, 245, 3.570, 3], [24.4, 4, 146.7, 62, 3.190, 4], [22.8, 4, 140.8, 95, 3.150, 4],
    [19.2, 6, 167.6, 123, 3.440, 4], [17.8, 6, 167.6, 123, 3.440, 4], [16.4, 8, 275.8, 180, 4.070, 3],
    [17.3, 8, 275.8, 180, 3.730, 3], [15.2, 8, 275.8, 180, 3.780, 3], [10.4, 8, 472.0, 205, 5.250, 3],
    [10.4, 8, 460.0, 215, 5.424, 3], [14.7, 8, 440.0, 230, 5.345, 3], [32.4, 4, 78.7, 66, 2.200, 4],
    [30.4, 4, 75.7, 52, 1.615, 4], [33.9, 4, 71.1, 65, 1.835, 4], [21.5, 4, 120.1, 97, 2.465, 3],
    [15.5, 8, 318.0, 150, 3.520, 3], [15.2, 8, 304.0, 150, 3.435, 3], [13.3, 8, 350.0, 245, 3.840, 3],
    [19.2, 8, 400.0, 175, 3.845, 3], [27.3, 4, 79.0, 66, 1.935, 4], [26.0, 4, 120.3, 91, 2.140, 5],
    [30.4, 4, 95.1, 113, 1.513, 5], [15.8, 8, 351.0, 264, 3.170, 5], [19.7, 6, 145.0, 175, 2.770, 5],
    [15.0, 8, 301.0, 335, 3.570, 5], [21.4, 4, 121.0, 109, 2.780, 4],
])  # fmt: skip
MT = pd.DataFrame(MTCARS, columns=["mpg", "cyl", "disp", "hp", "wt", "gear"])


def test_relative_weights_rwa_vignette_example():
    # R package rwa (Chan), vignette "Introduction to rwa":
    #   rwa(mtcars, outcome = "mpg", predictors = c("cyl", "disp", "hp", "gear"))
    #   hp 0.2321744, cyl 0.2284797, disp 0.2221469, gear 0.0963886; rsquare 0.7791896
    w = relative_weights(MT[["cyl", "disp", "hp", "gear"]], MT["mpg"])
    np.testing.assert_allclose(w, [0.2284797, 0.2221469, 0.2321744, 0.0963886], atol=5e-8)
    assert w.sum() == pytest.approx(0.7791896, abs=5e-8)


def test_relative_weights_rwa_regression_methods_example():
    # rwa vignette "regression methods": rwa_multiregress(mtcars, "mpg", c("cyl", "disp", "hp", "wt"))
    #   cyl 0.2096904, disp 0.1883043, hp 0.1799590, wt 0.2706812
    w = relative_weights(MT[["cyl", "disp", "hp", "wt"]].to_numpy(), MT["mpg"].to_numpy())
    np.testing.assert_allclose(w, [0.2096904, 0.1883043, 0.1799590, 0.2706812], atol=5e-8)


def test_relative_weights_sum_to_ols_r_squared():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 4)) @ np.array(
        [[1, 0.5, 0.3, 0], [0, 1, 0.4, 0.2], [0, 0, 1, 0.6], [0, 0, 0, 1]]
    )
    y = x @ np.array([0.5, -0.3, 0.2, 0.0]) + rng.normal(size=300)
    design = np.column_stack([np.ones(300), x])
    resid = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - resid.var() / y.var()
    assert relative_weights(x, y).sum() == pytest.approx(r2, rel=1e-10)
    # a single predictor's weight is its r²
    assert relative_weights(x[:, 0], y)[0] == pytest.approx(np.corrcoef(x[:, 0], y)[0, 1] ** 2)


def _scores(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        rng.normal(3.5, 0.7, size=(n, 4)),
        columns=["trust", "empowerment", "clarity", "accountability"],
    )
    outcome = pd.Series(2 + 1.2 * frame["trust"] + 0.6 * frame["clarity"] + rng.normal(0, 1, n))
    return frame, outcome


def test_driver_analysis_relative_weights():
    frame, outcome = _scores(200)
    out = driver_analysis(frame, outcome)
    assert list(out.columns[:4]) == ["construct", "impact", "method", "n"]
    assert (out["method"] == "relative_weights").all() and (out["n"] == 200).all()
    ranked = out.sort_values("impact", ascending=False)["construct"].tolist()
    assert ranked[:2] == ["trust", "clarity"]
    np.testing.assert_allclose(out["impact"], relative_weights(frame, outcome))


def test_driver_analysis_needs_more_than_25_complete_cases():
    frame, outcome = _scores(30)
    frame.iloc[:4, 0] = np.nan  # 26 complete cases remain
    assert len(driver_analysis(frame, outcome)) == 4
    frame.iloc[4, 1] = np.nan  # 25 complete cases
    empty = driver_analysis(frame, outcome)
    assert empty.empty and list(empty.columns[:4]) == ["construct", "impact", "method", "n"]


def test_driver_analysis_single_predictor_falls_back_to_correlation():
    frame, outcome = _scores(60)
    out = driver_analysis(frame[["trust"]], outcome)
    assert out["method"].tolist() == ["correlation"]
    assert out["impact"].iloc[0] == pytest.approx(np.corrcoef(frame["trust"], outcome)[0, 1])


def test_driver_analysis_constant_construct_is_undefined():
    frame, outcome = _scores(60)
    frame["accountability"] = 4.0
    out = driver_analysis(frame, outcome).set_index("construct")
    assert out.loc["accountability", "method"] == "undefined"
    assert np.isnan(out.loc["accountability", "impact"])
    assert (out.drop("accountability")["method"] == "relative_weights").all()
