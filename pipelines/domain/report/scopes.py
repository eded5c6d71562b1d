"""Which reports are rendered: the scopes of the settings and of `tandem report`."""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_SCOPES = {"org": "all", "department": "all", "team": "latest"}
SCOPE_CHOICES = ("all", "latest", "none")


def _wanted(scopes: Mapping[str, str], level: str, wave: str, latest: str) -> bool:
    which = scopes.get(level, "none")
    return which == "all" or (which == "latest" and wave == latest)


def report_options(settings) -> dict:
    """render_all's keyword arguments from a workspace's Settings (one place for the
    mapping, used by the `tandem report` command and meant for the leadership_reports asset)."""
    return {
        "min_group_size": settings.min_group_size,
        "comment_min_group_size": settings.comment_min_group_size,
        "quadrant_threshold": settings.quadrant_threshold,
        "team_reports": settings.team_reports,
        "formats": tuple(settings.report_formats),
        "scopes": dict(settings.report_scopes),
    }


def parse_scope(text: str) -> tuple[str, str]:
    """'org', 'department:Sales' or 'team:Payments' -> (level, group_id); the organisation's
    id is looked up by render_all."""
    level, _, gid = text.partition(":")
    level = level.strip().lower()
    if level in ("org", "organisation", "organization") and not gid:
        return "org", ""
    if level not in ("department", "team") or not gid.strip():
        raise ValueError(
            f"scope {text!r}: expected org, department:NAME or team:NAME (names as in the marts)"
        )
    return level, gid.strip()
