"""Exhaustive search for small derivable sets inside a subspace.

Let K be the derivable vectors supported on the small atoms (n <= k-1): the vectors of the
published row space that are zero on every other atom. Any set of 1..k-1 respondents whose
total is derivable is a 0/1 vector of K. Bring a basis of K to reduced row echelon form R with
pivot columns p_i: a vector of K is the sum of R_i weighted by its own values on the pivots, so a
0/1 vector of K is the sum of the rows of a subset T of pivots, and its pivot atoms alone hold
sum(n[p_i], i in T) respondents, so |T| <= k-1. A depth-first search over T, started at each
row as the smallest member, only ever adds a row that touches a column the current sum gets
wrong (a value outside {0, 1}, or a 1 that has to go to bring n under k): this finds a small
derivable set whenever one exists, in time bounded by the node budget.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix

ZERO_TOL = 1e-9
VALUE_TOL = 1e-6
NODE_BUDGET = 250_000


def kernel_basis(projector: np.ndarray) -> np.ndarray:
    """Orthonormal basis (rows) of the vectors x with x' P x = x' x: the eigenvalue-1
    eigenvectors of the projector restricted to some coordinates."""
    if not projector.size:
        return np.zeros((0, projector.shape[0]))
    values, vectors = np.linalg.eigh(projector)
    return vectors[:, values > 1.0 - 1e-9].T


def rref(basis: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Gauss-Jordan elimination (pivot: the largest entry of the row); returns (R, pivots).
    Only the rows with a non-zero entry in the pivot column are updated, which keeps the cost
    near the basis' fill-in when it is block sparse."""
    r = basis.astype(np.float64, copy=True)
    r[np.abs(r) < ZERO_TOL] = 0.0
    pivots: list[int] = []
    keep: list[int] = []
    for i in range(r.shape[0]):
        row = r[i]
        col = int(np.argmax(np.abs(row)))
        if abs(row[col]) < ZERO_TOL:
            continue  # dependent row (cannot happen for a basis, kept for safety)
        row /= row[col]
        hit = np.flatnonzero(r[:, col])
        hit = hit[hit != i]
        if hit.size:
            sub = r[hit] - np.outer(r[hit, col], row)
            sub[np.abs(sub) < ZERO_TOL] = 0.0
            r[hit] = sub
        pivots.append(col)
        keep.append(i)
    return r[keep], pivots


def small_sets(
    basis: np.ndarray, n: np.ndarray, k: int, budget: int = NODE_BUDGET
) -> tuple[list[tuple[int, ...]], bool]:
    """0/1 vectors of span(basis) holding 1..k-1 respondents (n: respondents per column).

    Returns (sets as sorted column tuples, complete): complete is False if the node budget ran
    out, in which case some sets may have been missed."""
    if not basis.shape[0]:
        return [], True
    used_cols = np.flatnonzero(np.abs(basis).max(axis=0) > ZERO_TOL)
    r, pivots = rref(basis[:, used_cols])
    n = n[used_cols]
    by_col, by_row = csc_matrix(r), csr_matrix(r)
    touching = [by_col.indices[by_col.indptr[c] : by_col.indptr[c + 1]] for c in range(r.shape[1])]
    support = [by_row.indices[by_row.indptr[i] : by_row.indptr[i + 1]] for i in range(r.shape[0])]
    values = [by_row.data[by_row.indptr[i] : by_row.indptr[i + 1]] for i in range(r.shape[0])]
    reach = np.diff(by_col.indptr)
    pivot_n = n[pivots]
    is_pivot = np.zeros(r.shape[1], dtype=bool)
    is_pivot[pivots] = True
    total = np.zeros(r.shape[1])
    found: set[tuple[int, ...]] = set()
    seen: set[frozenset[int]] = set()
    nodes = 0

    def explore(start: int, members: frozenset[int], used: int) -> None:
        nonlocal nodes
        if members in seen or nodes >= budget:
            return
        seen.add(members)
        nodes += 1
        cols = np.unique(np.concatenate([support[i] for i in members]))
        current = total[cols]
        wrong = np.minimum(np.abs(current), np.abs(current - 1.0)) > VALUE_TOL
        if wrong.any():
            # branch on the wrong column touched by the fewest rows
            bad = cols[wrong]
            branch = touching[int(bad[np.argmin(reach[bad])])]
        else:
            ones = cols[current > 0.5]
            if 0 < int(n[ones].sum()) < k:
                found.add(tuple(int(used_cols[c]) for c in ones))
                return
            free_ones = ones[~is_pivot[ones]]
            branch = np.unique(np.concatenate([touching[c] for c in free_ones] or [[]]))
        for row in branch.astype(int).tolist():
            if row > start and row not in members and used + pivot_n[row] < k:
                total[support[row]] += values[row]
                explore(start, members | {row}, used + int(pivot_n[row]))
                total[support[row]] -= values[row]

    for start in range(r.shape[0]):
        if pivot_n[start] < k:
            total[:] = 0.0
            total[support[start]] = values[start]
            explore(start, frozenset([start]), int(pivot_n[start]))
    return sorted(found), nodes < budget
