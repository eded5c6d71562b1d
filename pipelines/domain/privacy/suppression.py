"""Primary and complementary (differencing) suppression of the groups of one wave.

protect() decides, for every group Tandem could publish, whether its figures are shown. Primary:
a group with fewer than k respondents is suppressed. Complementary: while the published groups'
totals let an adversary compute the total of a set of 1..k-1 respondents (a department minus its
reported teams, the organisation minus its departments, one cut minus another, old teams minus new
ones across a reorganisation...), one more published group that takes part in that derivation is
suppressed, the smallest first and the organisation last. See docs/confidentiality.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, diags

from ._input import ORG_LEVEL, Wave, check_k, parents_of, read_wave
from ._search import small_sets
from ._span import Span
from ._units import protect_by_unit

PRIMARY = "fewer_than_k_respondents"
COMPLEMENTARY = "complementary_suppression"
DENSE_CELLS = 50_000  # groups x atoms up to which plain numpy beats scipy.sparse


def protect(
    groups: pd.DataFrame, atoms: pd.DataFrame, k: int, *, complementary: bool = True
) -> pd.DataFrame:
    """Decide which groups are suppressed.

    groups: group_key (unique), group_level (team|department|org|tenure_band|location|lineage),
    group_id, parent_group_id, n, atoms (atom ids); atoms: atom_id, n. Returns one row per group,
    in the input order: group_key, suppressed (bool), suppression_reason (None,
    'fewer_than_k_respondents' or 'complementary_suppression'). complementary=False applies the
    primary rule only (for diagnostics; never publish that). Raises ValueError if k < 3 or the
    tables disagree (unknown atom, a group n that is not the sum of its atoms' n).
    The result's attrs["confidentiality"] records k, the rounds, and whether the exhaustive
    search for small derivable sets was "complete" or (node budget exhausted) "partial".
    """
    k = check_k(k)
    wave = read_wave(groups, atoms)
    reasons: list[str | None] = [PRIMARY if n < k else None for n in wave.n]
    audit = {"k": k, "rounds": 0, "exhaustive_search": "not run"}
    if complementary and (wave.n >= k).any():
        extra, units = protect_by_unit(_Protector, Span, wave, k, wave.n >= k)
        for index in extra:
            reasons[index] = COMPLEMENTARY
        audit.update(
            rounds=units.rounds,
            exhaustive_search="complete" if units.search_complete else "partial",
            units=units.units,
            coupled_departments=units.coupled,
        )
    by_key = dict(zip(wave.keys, reasons, strict=True))
    keys = [str(key) for key in groups["group_key"].tolist()]
    out = pd.DataFrame(
        {
            "group_key": groups["group_key"].tolist(),
            "suppressed": [by_key[key] is not None for key in keys],
            "suppression_reason": pd.Series([by_key[key] for key in keys], dtype=object),
        }
    )
    # for the run log: "complete" means no set of 1..k-1 respondents is derivable at all
    out.attrs["confidentiality"] = audit
    return out


class _Protector:
    """Candidate sets below k, and the greedy loop that makes none of them derivable."""

    def __init__(self, wave: Wave, k: int) -> None:
        self.wave, self.k = wave, k
        column = {atom: i for i, atom in enumerate(wave.atom_ids)}
        self.incidence = np.zeros((len(wave.keys), len(wave.atom_ids)), dtype=bool)
        for row, members in enumerate(wave.members):
            self.incidence[row, [column[a] for a in members]] = True
        self.is_org = wave.org_mask
        self.levels = np.array(wave.levels, dtype=object)
        sparse = csr_matrix(self.incidence.astype(np.float64))
        self.sparse = sparse
        size = self.incidence.sum(axis=1)
        overlap = (sparse @ sparse.T).toarray()
        self.overlap_n = (sparse @ diags(wave.atom_n.astype(np.float64)) @ sparse.T).toarray()
        # contains[c, p]: group c is a proper subset of group p (identical sets are not children)
        self.contains = (overlap == size[:, None]) & (size[:, None] < size[None, :])
        parent_rows = [(p, c) for c, ps in enumerate(parents_of(wave)) for p in ps]
        self.parent_of = np.zeros_like(self.contains)  # parent_of[c, p]: p is c's named parent
        for p, c in parent_rows:
            if size[c] < size[p]:
                self.parent_of[c, p] = True
        # small waves: dense arithmetic, whose overhead is lower than scipy.sparse's
        self.dense = self.incidence.size <= DENSE_CELLS
        relation = np.asarray if self.dense else csr_matrix
        self.named_children = relation(self.parent_of.T.astype(np.float64))
        self.contained_children = relation(self.contains.T.astype(np.float64))
        self.static = self._static_candidates(overlap)
        self.static_matrix = np.array([v for v, _ in self.static.values()]).reshape(
            len(self.static), len(wave.atom_ids)
        )
        self.live = np.arange(len(self.static))
        # border rows of the bordered block form: the organisation and whatever no department
        # contains (organisation-level cuts, lineage across departments)
        is_dept = self.levels == "department"
        inside = (overlap == size[:, None]) & (size[:, None] > 0)
        in_dept = inside[:, is_dept].any(axis=1) if is_dept.any() else np.ones_like(self.is_org)
        self.border = self.is_org | ~in_dept

    # -- candidate sets ---------------------------------------------------------------------
    def _static_candidates(self, overlap: np.ndarray) -> dict[bytes, tuple[np.ndarray, str]]:
        """Sets whose derivability is checked every round: every group and every atom below k,
        and for every overlapping pair of groups A, B the difference A - B and the intersection
        A & B when they hold 1..k-1 respondents (A - B covers every nested difference)."""
        wave, k, inc = self.wave, self.k, self.incidence
        found: dict[bytes, tuple[np.ndarray, str]] = {}
        for row in np.flatnonzero((wave.n > 0) & (wave.n < k)):
            _add(found, inc[row], f"group {wave.keys[row]}")
        for col in np.flatnonzero(wave.atom_n < k):
            vector = np.zeros(inc.shape[1], dtype=bool)
            vector[col] = True
            _add(found, vector, f"atom {wave.atom_ids[col]!r}")
        shared = (overlap > 0) & ~np.eye(len(wave.keys), dtype=bool)
        difference = wave.n[:, None] - self.overlap_n
        for a, b in zip(*np.nonzero(shared & (difference > 0) & (difference < k)), strict=True):
            _add(found, inc[a] & ~inc[b], f"{wave.keys[a]} minus {wave.keys[b]}")
        both = shared & (self.overlap_n < k) & np.triu(np.ones_like(shared), 1)
        for a, b in zip(*np.nonzero(both), strict=True):
            _add(found, inc[a] & inc[b], f"{wave.keys[a]} and {wave.keys[b]}")
        return found

    def _residual_candidates(self, published: np.ndarray) -> dict[bytes, tuple[np.ndarray, str]]:
        """Every group minus the union of its published children of one level, children being
        either its named children (parent_group_id) or every published group it strictly
        contains; kept when 1..k-1 respondents remain."""
        found: dict[bytes, tuple[np.ndarray, str]] = {}
        for level in sorted(set(self.wave.levels)):
            children = np.flatnonzero(published & (self.levels == level))
            if not children.size:
                continue
            for relation, how in (
                (self.named_children, "reported"),
                (self.contained_children, "contained"),
            ):
                links = relation[:, children]  # [parent, child]
                has = np.asarray(links.sum(axis=1)).ravel() > 0
                if not has.any():
                    continue
                if self.dense:
                    covered = (links @ self.incidence[children].astype(np.float64)) > 0
                else:
                    covered = (links @ self.sparse[children]).toarray() > 0
                residual = self.incidence & ~covered
                n = residual.astype(np.int64) @ self.wave.atom_n
                for p in np.flatnonzero(has & (n > 0) & (n < self.k)):
                    label = f"{self.wave.keys[p]} minus its {how} {level} groups"
                    _add(found, residual[p], label)
        return found

    def _leaks(self, span: Span, published: np.ndarray) -> list[tuple[int, tuple, np.ndarray]]:
        """Derivable candidate sets below k; if there are none, the exhaustive search."""
        leaks = []
        # the row space only shrinks within a loop: a candidate found underivable stays so
        if self.live.size:
            derivable = span.derivable(self.static_matrix[self.live])
            self.live = self.live[derivable]
            leaks.extend(self.static_matrix[self.live])
        dynamic = [
            v
            for key, (v, _) in self._residual_candidates(published).items()
            if key not in self.static
        ]
        if dynamic:
            vectors = np.array(dynamic)
            leaks.extend(vectors[span.derivable(vectors)])
        if not leaks:
            leaks = [self._vector(cols) for cols in self._search(span)]
        found = {}
        for vector in leaks:
            cols = tuple(int(c) for c in np.flatnonzero(vector))
            found[cols] = (int(self.wave.atom_n[list(cols)].sum()), cols, vector)
        return sorted(found.values(), key=lambda leak: (leak[0], len(leak[1]), leak[1]))

    def _vector(self, cols: tuple[int, ...]) -> np.ndarray:
        vector = np.zeros(self.incidence.shape[1], dtype=bool)
        vector[list(cols)] = True
        return vector

    def _search(self, span: Span) -> list[tuple[int, ...]]:
        """Every small derivable set, found by the exhaustive search over the kernel (the
        derivable vectors on the atoms below k). Should the node budget run out, the search is
        repeated block by block (smaller spaces) and every pair of atoms is checked, and the
        result's attrs say that the search was partial."""
        small = np.flatnonzero(self.wave.atom_n < self.k)
        atom_n = self.wave.atom_n
        sets, complete = small_sets(span.kernel(small), atom_n[small], self.k)
        found = [tuple(int(small[i]) for i in one) for one in sets]
        if not complete:
            self.search_complete = False
            for cols, basis in span.block_kernels(small):
                sets, _ = small_sets(basis, atom_n[cols], self.k)
                found.extend(tuple(int(cols[i]) for i in one) for one in sets)
            found.extend(span.derivable_atom_pairs(atom_n, self.k))
        return found

    # -- the greedy loop ------------------------------------------------------------------------
    def _choose(
        self, span: Span, vector: np.ndarray, chosen: set[int], published: np.ndarray
    ) -> int | None:
        """The group to suppress against one derivation, or None to revisit it next round."""
        weights = span.coefficients(vector)
        if not weights:  # numerically degenerate: fall back to every published overlapping group
            overlapping = np.flatnonzero(published & self.incidence[:, vector].any(axis=1))
            weights = {int(row): 1.0 for row in overlapping}
        if chosen & weights.keys():
            return None  # a suppression of this round touches it already: re-check next round
        essential = {row for row in weights if span.irredundant(row)}
        # suppressing an essential group breaks the derivation for sure; a redundant one only
        # reduces the redundancy, so it is the fallback. Organisation last, smallest n first.
        pool = sorted(
            weights,
            key=lambda row: (
                bool(self.is_org[row]),
                row not in essential,
                int(self.wave.n[row]),
                self.wave.keys[row],
            ),
        )
        return pool[0]

    def _loop(self, published: np.ndarray) -> tuple[list[int], Span]:
        """Suppress (in place) until no candidate or searched set below k is derivable."""
        extra: list[int] = []
        self.live = np.arange(len(self.static))
        while True:
            span = Span(self.incidence, published, self.border)
            leaks = self._leaks(span, published)
            if not leaks:
                return extra, span
            chosen: set[int] = set()
            for _, _, vector in leaks:
                row = self._choose(span, vector, chosen, published)
                if row is not None:
                    chosen.add(row)
            self.rounds += 1
            for row in sorted(chosen):
                published[row] = False
                extra.append(row)

    def extra_suppressions(self, published: np.ndarray) -> list[int]:
        """Complementary suppressions (group indices) for a primary-only published mask."""
        published = published.copy()
        self.rounds, self.search_complete = 0, True
        extra, span = self._loop(published)
        back = self._republish(span, published, extra)
        if back:
            more, _ = self._loop(published)
            extra = [row for row in extra if row not in back] + more
        return sorted(set(extra))

    def _republish(self, span: Span, published: np.ndarray, extra: list[int]) -> set[int]:
        """Publish again the complementary suppressions whose totals the published groups
        determine anyway (they add nothing to the row space), unless a new residual leaks."""
        back = set()
        for row in sorted(extra, key=lambda r: (-int(self.wave.n[r]), self.wave.keys[r])):
            if not span.derivable(self.incidence[row][None, :])[0]:
                continue
            published[row] = True
            residuals = [v for v, _ in self._residual_candidates(published).values()]
            if residuals and span.derivable(np.array(residuals)).any():
                published[row] = False
            else:
                back.add(row)
        return back


def _add(found: dict[bytes, tuple[np.ndarray, str]], vector: np.ndarray, label: str) -> None:
    if vector.any():
        found.setdefault(np.packbits(vector).tobytes(), (vector.copy(), label))


__all__ = ["COMPLEMENTARY", "ORG_LEVEL", "PRIMARY", "protect"]
