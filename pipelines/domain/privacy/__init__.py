"""Confidentiality of published figures: minimum group size and differencing protection.

protect() decides which groups of a wave are suppressed; adversary.attack() checks a published
set of groups the way a curious analyst would, by differencing totals. Pure functions: no I/O.
See docs/confidentiality.md.
"""

from ._input import DEFAULT_COMMENT_K, DEFAULT_K, LEVELS, MIN_K, check_k
from .adversary import attack, derivable_sets
from .suppression import COMPLEMENTARY, PRIMARY, protect

__all__ = [
    "COMPLEMENTARY",
    "DEFAULT_COMMENT_K",
    "DEFAULT_K",
    "LEVELS",
    "MIN_K",
    "PRIMARY",
    "attack",
    "check_k",
    "derivable_sets",
    "protect",
]
