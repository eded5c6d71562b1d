"""The README picture is the demo's organisation report, as it is now (issue 18).

docs/img/demo-org-report.png carries the SHA-256 of what it shows; this recomputes it from
the demo's marts. When it fails, make the picture again:

    python -m pipelines.domain.report.picture data/marts/tandem.duckdb docs/img/demo-org-report.png
"""

from pathlib import Path

from pipelines.domain.report.picture import digest_of_png, org_document, source_digest

PICTURE = Path(__file__).resolve().parents[2] / "docs" / "img" / "demo-org-report.png"


def test_readme_picture_shows_the_demos_organisation_report(demo_run):
    settings = demo_run.ws.settings()
    doc = org_document(
        demo_run.ws.marts_file,
        k=settings.min_group_size,
        comment_k=settings.comment_min_group_size,
        threshold=settings.quadrant_threshold,
    )
    assert digest_of_png(PICTURE) == source_digest(doc), (
        "docs/img/demo-org-report.png no longer shows the demo's report: regenerate it with "
        "python -m pipelines.domain.report.picture data/marts/tandem.duckdb "
        "docs/img/demo-org-report.png"
    )
    assert "demo-org-report.png" in (PICTURE.parents[2] / "README.md").read_text()
