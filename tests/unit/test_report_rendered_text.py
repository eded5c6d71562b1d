"""The words of the rendered reports: summaries that call only marked changes
significant, practices that follow the quadrant and weak constructs, and the data
quality appendix."""

from __future__ import annotations

from pipelines.domain.report.formatting import construct_label
from tests.fixtures.marts_fixture import WAVES
from tests.unit.rendered_reports import parse


def test_summary_calls_only_marked_changes_significant(rendered):
    _, out, _ = rendered
    text = " ".join(parse(out / WAVES[1] / "department-engineering.html").text)
    assert "trust rose 6 points in Engineering (significant)" in text
    assert "in Mobile (significant)" not in text  # delta -5.6 but q = 0.21: change 'none'
    west = " ".join(parse(out / WAVES[1] / "team-sales-west.html").text)
    assert "accountability fell 9 points in Sales West (significant)" in west
    assert "Participation is below 60%" in west
    platform = " ".join(parse(out / WAVES[1] / "team-platform.html").text)
    assert "roster is probably out of date" in platform
    first = " ".join(parse(out / WAVES[0] / "org.html").text)
    assert "This is the first wave" in first


def test_practices_follow_quadrant_and_weak_constructs(rendered):
    _, out, _ = rendered
    mobile = " ".join(parse(out / WAVES[1] / "team-mobile.html").text)
    assert "Chaos risk (vision without execution): add structure" in mobile
    assert f"{construct_label('clarity')} (48, below 60)" in mobile
    assert "one-to-ones" in mobile
    east = " ".join(parse(out / WAVES[1] / "team-sales-east.html").text)
    assert "order without inspiration" in east and "Delegate outcomes" in east
    assert "psychological safety" in east


def test_data_quality_appendix(rendered):
    _, out, _ = rendered
    text = " ".join(parse(out / WAVES[1] / "team-platform.html").text)
    for name in (
        "engagement_2026-03.csv",
        "pulse_extra.xlsx",
        "broken.csv",
        "Partly quarantined",
        "Rejected",
        "Below 0.70: read with caution",
    ):
        assert name in text
