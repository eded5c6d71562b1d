"""Every figure in the rendered reports equals its mart value after rounding, in the
HTML and in the PDF."""

from __future__ import annotations

from pipelines.domain.config.settings import DEFAULTS
from pipelines.domain.report.formatting import (
    fmt_alpha,
    fmt_decimal,
    fmt_diff,
    fmt_int,
    fmt_pct,
    fmt_pct_interval,
    fmt_share,
    fmt_signed,
    fmt_with_interval,
    quadrant_label,
)
from pipelines.domain.report.overview import likely_quadrant
from tests.fixtures.marts_fixture import ORG, WAVES
from tests.unit.rendered_reports import all_reports, parse, pdf_text

THRESHOLD = DEFAULTS["quadrant_threshold"]


def _expected(cell: dict, wave: str, rows: dict) -> str | None:
    a, table, metric = cell["attrs"], cell["table"], cell["attrs"]["metric"]
    wave = a.get("wave", wave)
    level, group, construct = a.get("level"), a.get("group"), a.get("construct")

    def one(name: str, **keys) -> dict:
        found = [r for r in rows[name] if all(r[k] == v for k, v in keys.items())]
        assert len(found) == 1, (name, keys)
        return found[0]

    if table in ("scores", "heatmap", "trend") and metric in (
        "score",
        "favorable",
        "neutral",
        "unfavorable",
        "rwg",
        "n",
        "vs_org",
        "diff",
    ):
        r = one(
            "mart_team_construct_scores",
            wave_id=wave,
            group_level=level,
            group_id=group,
            construct=construct,
        )
        org = one(
            "mart_team_construct_scores",
            wave_id=wave,
            group_level="org",
            group_id=ORG,
            construct=construct,
        )
        if table != "scores" and metric == "score":
            return fmt_int(r["score_0_100"])
        return {
            "score": lambda: fmt_with_interval(
                r["score_0_100"], r["score_ci_low"], r["score_ci_high"]
            ),
            "favorable": lambda: fmt_pct_interval(
                r["pct_favorable"], r["favorable_ci_low"], r["favorable_ci_high"]
            ),
            "neutral": lambda: fmt_pct(r["pct_neutral"]),
            "unfavorable": lambda: fmt_pct(r["pct_unfavorable"]),
            "rwg": lambda: fmt_decimal(r["rwg_j"]),
            "n": lambda: fmt_int(r["n_respondents"]),
            "vs_org": lambda: fmt_diff(r["score_0_100"], org["score_0_100"]),
            "diff": lambda: fmt_diff(r["score_0_100"], org["score_0_100"]),
        }[metric]()
    if metric == "delta":
        r = one(
            "mart_team_changes",
            group_level=level,
            group_id=group,
            construct=construct,
            to_wave=wave,
        )
        verdict = "significant" if r["change"] in ("up", "down") else "not significant"
        return f"{fmt_signed(r['delta'])} ({verdict})"
    if metric in ("leadership", "management", "quadrant"):
        r = one("mart_team_balance", wave_id=wave, group_level=level, group_id=group)
        if metric == "quadrant":
            likely = likely_quadrant(r["leadership_index"], r["management_index"], THRESHOLD)
            if r["quadrant"] != "unclear" or likely is None:
                return quadrant_label(r["quadrant"])
            # an interval crosses the line: the report names the point estimates' quadrant
            return f"Most likely {quadrant_label(likely)} (uncertain: an interval crosses the line)"
        return fmt_with_interval(
            r[f"{metric}_index"], r[f"{metric}_ci_low"], r[f"{metric}_ci_high"]
        )
    if metric in ("respondents", "headcount", "participation"):
        r = one("mart_participation", wave_id=wave, group_level=level, group_id=group)
        return (
            fmt_share(r["participation_rate"]) if metric == "participation" else fmt_int(r[metric])
        )
    if metric in ("enps", "promoters", "passives", "detractors"):
        r = one("mart_enps", wave_id=wave, group_level=level, group_id=group)
        if metric == "enps":
            return fmt_with_interval(r["enps"], r["enps_ci_low"], r["enps_ci_high"], signed=True)
        return fmt_share(r[metric])
    if metric == "alpha":
        r = one("mart_construct_reliability", wave_id=wave, construct=construct)
        return (
            f"{fmt_alpha(r['cronbach_alpha'])} ({fmt_alpha(r['alpha_ci_low'])}–"
            f"{fmt_alpha(r['alpha_ci_high'])})"
        )
    if metric == "gap_to_line":  # the organisation's own gap: its score against the line
        r = one("mart_team_construct_scores", wave_id=wave, group_level=level, group_id=group,
                construct=construct)
        return fmt_signed(r["score_0_100"] - THRESHOLD)
    if metric in ("impact", "gap", "priority"):
        r = one(
            "mart_drivers", wave_id=wave, group_level=level, group_id=group, construct=construct
        )
        return {
            "impact": fmt_decimal(r["impact"]),
            "gap": fmt_signed(r["gap_to_org"]),
            "priority": fmt_decimal(r["priority"]),
        }[metric]
    if metric in ("n_comments", "share", "sentiment", "share_change"):
        r = one(
            "mart_comment_themes", wave_id=wave, group_level=level, group_id=group, theme=a["theme"]
        )
        change = r.get("share_change")
        return {
            "n_comments": fmt_int(r["n_comments"]),
            "share": fmt_share(r["share"]),
            "sentiment": fmt_decimal(r["mean_sentiment"]),
            "share_change": "" if change is None else f"{fmt_signed(change * 100)} pts",
        }[metric]
    return None


def test_every_figure_equals_the_mart_value_after_rounding(rendered, mart_rows):
    _, out, _ = rendered
    metrics: set[str] = set()
    for path in all_reports(out, "html"):
        wave = path.parent.name
        for cell in parse(path).cells:
            if "metric" not in cell["attrs"]:
                continue
            expected = _expected(cell, wave, mart_rows)
            assert expected is not None, cell
            assert cell["text"] == expected, (path.name, cell)
            metrics.add(cell["attrs"]["metric"])
    assert {
        "score",
        "favorable",
        "diff",
        "vs_org",
        "leadership",
        "management",
        "delta",
        "participation",
        "enps",
        "alpha",
        "impact",
        "share",
    } <= metrics


def test_rounding_is_half_up_as_shown(rendered):
    _, out, _ = rendered
    page = parse(out / WAVES[1] / "team-platform.html")
    trust = [
        c
        for c in page.cells
        if c["attrs"].get("metric") == "score"
        and c["table"] == "scores"
        and c["attrs"]["construct"] == "trust"
    ]
    assert [c["text"] for c in trust] == ["79 (73–85)"]  # 78.5 ± 6: half-up, not banker's


def test_pdf_holds_the_same_figures(rendered):
    _, out, _ = rendered
    for stem in ("org", "department-sales-success", "team-sales-west"):
        html, pdf = out / WAVES[1] / f"{stem}.html", out / WAVES[1] / f"{stem}.pdf"
        text = pdf_text(pdf)
        flat = " ".join(text.split())
        page = parse(html)
        shown = [
            c["text"]
            for c in page.cells
            if c["attrs"].get("metric")
            in ("score", "leadership", "management", "enps", "participation", "alpha", "delta")
        ]
        assert shown
        for figure in shown:
            assert figure in flat, (stem, figure)
        lines = set(text.splitlines())
        for row in page.rows:
            cells = [c for c in row if c["tag"] == "td"]
            if cells and all(c["table"] == "scores" for c in cells) and " " not in cells[0]["text"]:
                assert " ".join(c["text"] for c in cells) in lines, (stem, cells[0]["text"])
    summary = pdf_text(out / WAVES[1] / "org.pdf")
    assert "clarity of expectations fell 7 points in Sales & Success (significant)" in summary
    assert "Trust rose 6 points in Engineering (significant)" in summary
    assert "Mobile" in summary and "Clarity of expectations fell 6 points in Mobile" not in summary
