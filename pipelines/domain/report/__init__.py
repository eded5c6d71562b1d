"""Leadership reports from the published marts: HTML and PDF, self-contained and offline.

from pipelines.domain.report import render_all
render_all(Path("data/marts/tandem.duckdb"), Path("reports"))
"""

from .render import DEFAULT_SCOPES, RenderResult, parse_scope, render_all, report_options

__all__ = ["DEFAULT_SCOPES", "RenderResult", "parse_scope", "render_all", "report_options"]
