"""Leadership reports from the published marts: HTML and PDF, self-contained and offline.

from pipelines.domain.report import render_reports
render_reports(Path("data/marts/tandem.duckdb"), Path("reports"))
"""

from .render import RenderResult, render_all, render_reports

__all__ = ["RenderResult", "render_all", "render_reports"]
