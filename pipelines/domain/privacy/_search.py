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

ZERO_TOL = 1e-9
VALUE_TOL = 1e-6
NODE_BUDGET = 200_000


def kernel_basis(projector: np.ndarray) -> np.ndarray:
    """Orthonormal basis (rows) of the vectors x with x' P x = x' x: the eigenvalue-1
    eigenvectors of the projector restricted to some coordinates."""
    if not projector.size:
        return np.zeros((0, projector.shape[0]))
    values, vectors = np.linalg.eigh(projector)
    return vectors[:, values > 1.0 - 1e-9].T


def rref(basis: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Gauss-Jordan elimination with complete pivoting; returns (R, pivot columns)."""
    r = basis.astype(np.float64, copy=True)
    pivots: list[int] = []
    for i in range(r.shape[0]):
        rest = np.abs(r[i:])
        if not rest.size or rest.max() < ZERO_TOL:
            r = r[:i]
            break
        row, col = np.unravel_index(int(rest.argmax()), rest.shape)
        r[[i, i + row]] = r[[i + row, i]]
        r[i] /= r[i, col]
        others = np.arange(r.shape[0]) != i
        r[others] -= np.outer(r[others, col], r[i])
        pivots.append(int(col))
    r[np.abs(r) < ZERO_TOL] = 0.0
    return r, pivots


def small_sets(basis: np.ndarray, n: np.ndarray, k: int, budget: int = NODE_BUDGET
               ) -> tuple[list[tuple[int, ...]], bool]:
    """0/1 vectors of span(basis) holding 1..k-1 respondents (n: respondents per column).

    Returns (sets as sorted column tuples, complete): complete is False if the node budget ran
    out, in which case some sets may have been missed."""
    if not basis.shape[0]:
        return [], True
    r, pivots = rref(basis)
    touching = [np.flatnonzero(r[:, c]) for c in range(r.shape[1])]
    pivot_n = n[pivots]
    found: set[tuple[int, ...]] = set()
    seen: set[frozenset[int]] = set()
    nodes = 0

    def explore(start: int, members: frozenset[int], total: np.ndarray, used: int) -> None:
        nonlocal nodes
        if members in seen or nodes >= budget:
            return
        seen.add(members)
        nodes += 1
        wrong = np.minimum(np.abs(total), np.abs(total - 1.0)) > VALUE_TOL
        if wrong.any():
            branch = touching[int(np.argmax(wrong))]
        else:
            ones = total > 0.5
            held = int(n[ones].sum())
            if 0 < held < k:
                found.add(tuple(int(c) for c in np.flatnonzero(ones)))
                return
            free_ones = [c for c in np.flatnonzero(ones) if c not in pivot_set]
            branch = np.unique(np.concatenate([touching[c] for c in free_ones] or [[]]))
        for row in branch.astype(int):
            if row > start and row not in members and used + pivot_n[row] < k:
                explore(start, members | {row}, total + r[row], used + int(pivot_n[row]))

    pivot_set = set(pivots)
    for start in range(r.shape[0]):
        if pivot_n[start] < k:
            explore(start, frozenset([start]), r[start].copy(), int(pivot_n[start]))
    return sorted(found), nodes < budget
