"""The one order of waves: natural sort of the wave id.

Wave ids are folder names (`2025-11`, `w9`, `2026-Q1`); a plain string sort
puts `w10` before `w9`. Every stage orders waves with `wave_order`, and the
marts carry it as `dim_waves.wave_seq`, which every SQL lag and every report
uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def natural_key(text: str) -> list[object]:
    """Sort key that compares digit runs as numbers: 'w2' < 'w10', '2025-09' < '2026-03'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", plain)]


def wave_order(waves: Iterable[str]) -> list[str]:
    """The distinct wave ids in their one order (ties in the natural key by the plain string).

    >>> wave_order(["w10", "w9", "w1"])
    ['w1', 'w9', 'w10']
    >>> wave_order(["2026-05", "2025-11", "2026-11"])
    ['2025-11', '2026-05', '2026-11']
    """
    return sorted(set(waves), key=lambda w: (natural_key(w), w))
