"""Display rounding and labels shared by the HTML and the PDF renderers.

Every figure a report shows passes through one of these functions, so a test can
recompute the exact string from the mart value. Rounding is half away from zero
(72.5 -> 73), never banker's rounding, and the only transformation is rounding.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from pipelines.domain.config.waves import natural_key  # noqa: F401  (the one wave order)
from pipelines.domain.marts.labels import CONSTRUCT_LABELS, QUADRANT_LABELS  # noqa: F401

SUPPRESSED_TEMPLATE = "fewer than {k} responses"
NO_DATA = "n/a"

CONSTRUCT_ORDER = ["trust", "empowerment", "clarity", "accountability"]
LEADERSHIP = ("trust", "empowerment")
MANAGEMENT = ("clarity", "accountability")

QUADRANT_SHORT = {
    "in_tandem": "In tandem",
    "chaos_risk": "Chaos risk",
    "stagnation_risk": "Stagnation risk",
    "adrift": "Adrift",
    "unclear": "Unclear",
}
LEVEL_LABELS = {"org": "Organisation", "department": "Department", "team": "Team"}


def suppressed_text(k: int) -> str:
    """The only thing a report ever shows for a suppressed figure."""
    return SUPPRESSED_TEMPLATE.format(k=k)


def is_missing(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)


def round_half_up(value: float, digits: int = 0) -> Decimal:
    """Round like a person does: half away from zero (Decimal, so 0.125 -> 0.13)."""
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def to_int(value: float) -> int:
    return int(round_half_up(value, 0))


def fmt_int(value: object) -> str:
    """A 0-100 score, a count or any figure shown as a whole number."""
    if is_missing(value):
        return NO_DATA
    return str(to_int(float(value)))


def fmt_signed(value: object) -> str:
    """A whole number with an explicit sign: +5, -3, 0."""
    if is_missing(value):
        return NO_DATA
    number = to_int(float(value))
    return f"+{number}" if number > 0 else str(number)


def fmt_range(low: object, high: object, signed: bool = False) -> str:
    """An interval: '65–79', or '-3 to +27' when a bound can be negative."""
    if is_missing(low) or is_missing(high):
        return NO_DATA
    if signed:
        return f"{fmt_signed(low)} to {fmt_signed(high)}"
    return f"{fmt_int(low)}–{fmt_int(high)}"


def fmt_with_interval(value: object, low: object, high: object, signed: bool = False) -> str:
    """'72 (65–79)': the figure, then its interval in brackets when the mart has one."""
    main = fmt_signed(value) if signed else fmt_int(value)
    if main == NO_DATA or is_missing(low) or is_missing(high):
        return main
    return f"{main} ({fmt_range(low, high, signed)})"


def fmt_pct_interval(value: object, low: object, high: object) -> str:
    """'64% (58–70)': a 0-100 percentage with its interval."""
    main = fmt_pct(value)
    if main == NO_DATA or is_missing(low) or is_missing(high):
        return main
    return f"{main} ({fmt_range(low, high)})"


def outcome_label(outcome: object) -> str:
    text = str(outcome or "the outcome")
    return {"enps": "eNPS", "engagement": "engagement"}.get(text.lower(), text)


def fmt_pct(value: object) -> str:
    """A percentage already on the 0-100 scale: '64%'."""
    if is_missing(value):
        return NO_DATA
    return f"{fmt_int(value)}%"


def fmt_share(value: object) -> str:
    """A share on the 0-1 scale shown as a percentage: 0.456 -> '46%'."""
    if is_missing(value):
        return NO_DATA
    return f"{to_int(float(value) * 100)}%"


def fmt_decimal(value: object, digits: int = 2) -> str:
    """Alpha, omega, ICC, rwg, impact: two decimals."""
    if is_missing(value):
        return NO_DATA
    return f"{round_half_up(float(value), digits):.{digits}f}"


def fmt_alpha(value: object) -> str:
    return fmt_decimal(value, 2)


def fmt_diff(value: object, reference: object) -> str:
    """Difference between two displayed scores, so '72' vs '64' always reads '+8'."""
    if is_missing(value) or is_missing(reference):
        return NO_DATA
    return fmt_signed(to_int(float(value)) - to_int(float(reference)))


def diff_value(value: object, reference: object) -> int | None:
    if is_missing(value) or is_missing(reference):
        return None
    return to_int(float(value)) - to_int(float(reference))


def fmt_points(delta: object) -> str:
    """'7 points' for a change of -7.2 (the direction is said in words)."""
    if is_missing(delta):
        return NO_DATA
    number = abs(to_int(float(delta)))
    return f"{number} point" if number == 1 else f"{number} points"


def construct_label(construct: str) -> str:
    if construct in CONSTRUCT_LABELS:
        return CONSTRUCT_LABELS[construct]
    return construct.replace("_", " ").strip().capitalize() or construct


def construct_sort_key(construct: str) -> tuple[int, str]:
    if construct in CONSTRUCT_ORDER:
        return (CONSTRUCT_ORDER.index(construct), construct)
    return (len(CONSTRUCT_ORDER), construct)


def quadrant_label(quadrant: str | None, short: bool = False) -> str:
    if not quadrant:
        return "Not placed"
    table = QUADRANT_SHORT if short else QUADRANT_LABELS
    return table.get(quadrant, quadrant.replace("_", " ").capitalize())


def slugify(text: str) -> str:
    """ASCII file-name slug: 'Sales & Success' -> 'sales-success'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "group"


_LATIN1_REPLACEMENTS = {
    "–": "-",
    "—": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "*",
    "≥": ">=",
    "≤": "<=",
    "→": "->",
    "\u00a0": " ",
}


def to_latin1(text: str) -> str:
    """Fallback for a PDF core font: keep what latin-1 can show, spell out the rest."""
    for source, target in _LATIN1_REPLACEMENTS.items():
        text = text.replace(source, target)
    return text.encode("latin-1", "replace").decode("latin-1")
