"""The exhaustive search of the attack test: the derivable vectors that vanish on every atom
with k or more respondents, in exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

NODE_BUDGET = 2_000_000


class SmallSpace:
    """W: the derivable vectors (row space of the published groups) that vanish on every atom
    with k or more respondents. Every set of atoms holding 1..k-1 respondents lies in W when
    its total is derivable (and only then).

    Exact Gauss-Jordan elimination over the rationals, with the atoms of k or more respondents
    as the first columns: the reduced rows whose pivot lies among the small atoms span W, and a
    vector of W is the sum of those rows weighted by its own values on their pivots."""

    def __init__(self, rows: list[frozenset], counts: dict[str, int], k: int) -> None:
        self.k = k
        big = sorted(a for a, n in counts.items() if n >= k)
        small = sorted(a for a, n in counts.items() if 0 < n < k)
        self.order = big + small
        self.column = {a: i for i, a in enumerate(self.order)}
        self.n_of = [counts[a] for a in self.order]
        pivots: dict[int, dict[int, Fraction]] = {}
        for row in rows:
            vector = {self.column[a]: Fraction(1) for a in row if a in self.column}
            for col in sorted(pivots):
                factor = vector.get(col)
                if factor:
                    _subtract(vector, factor, pivots[col])
            if not vector:
                continue
            lead = min(vector)
            scale = vector[lead]
            vector = {c: v / scale for c, v in vector.items()}
            for other in pivots.values():
                factor = other.get(lead)
                if factor:
                    _subtract(other, factor, vector)
            pivots[lead] = vector
        self.rank = len(pivots)
        self.basis = [(p, pivots[p]) for p in sorted(pivots) if p >= len(big)]
        self.rows = dict(self.basis)

    def contains(self, atoms: frozenset) -> bool:
        """True if the total of `atoms` (all small, with respondents) is derivable."""
        target = {self.column[a] for a in atoms}
        total: dict[int, Fraction] = {}
        for col in target & set(self.rows):
            for c, v in self.rows[col].items():
                total[c] = total.get(c, Fraction(0)) + v
        return {c for c, v in total.items() if v} == target and all(
            v == 1 for v in total.values() if v
        )

    def small_sets(self, budget: int = NODE_BUDGET) -> tuple[list[frozenset], bool]:
        """Every set of 1..k-1 respondents in W: a depth-first search over the subsets T of
        basis rows whose pivot atoms alone hold fewer than k respondents, pruned as soon as a
        column that no later row touches is outside {0, 1} or the fixed 1s reach k.
        Returns (sets, complete)."""
        basis, n_of, k = self.basis, self.n_of, self.k
        last_touch: dict[int, int] = {}
        for i, (_, row) in enumerate(basis):
            for c in row:
                last_touch[c] = i
        found: list[frozenset] = []
        nodes = 0

        def dfs(start: int, total: dict[int, Fraction], pivot_n: int) -> bool:
            nonlocal nodes
            for i in range(start, len(basis)):
                nodes += 1
                if nodes > budget:
                    return False
                p, row = basis[i]
                if pivot_n + n_of[p] >= k:
                    continue
                new = dict(total)
                _subtract(new, Fraction(-1), row)
                fixed = [(c, v) for c, v in new.items() if last_touch[c] <= i]
                if any(v not in (0, 1) for _, v in fixed):
                    continue
                if sum(n_of[c] for c, v in fixed if v == 1) >= k:
                    continue
                if all(v == 1 for v in new.values()):
                    n = sum(n_of[c] for c in new)
                    if 0 < n < k:
                        found.append(frozenset(self.order[c] for c in new))
                if not dfs(i + 1, new, pivot_n + n_of[p]):
                    return False
            return True

        complete = dfs(0, {}, 0)
        return sorted(set(found), key=lambda s: (len(s), sorted(s))), complete


def _subtract(target: dict, factor: Fraction, row: dict) -> None:
    """target -= factor x row, dropping zeros."""
    for c, v in row.items():
        new = target.get(c, Fraction(0)) - factor * v
        if new:
            target[c] = new
        else:
            target.pop(c, None)
