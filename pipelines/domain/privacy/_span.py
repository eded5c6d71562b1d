"""Floating-point row space of the published groups, split by connected component.

Every published total is a linear function of the unknown atom totals, so what an adversary can
compute from the published groups is exactly their row space: the total of a set S of atoms is
derivable iff the indicator vector of S lies in the row space of the published indicator matrix.
The row space is a direct sum over connected components (groups linked through shared atoms), so
each component gets its own thin SVD, which is numerically well conditioned on 0/1 matrices.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

RESIDUAL_TOL = 1e-9  # squared distance below which an indicator vector counts as derivable
COEF_TOL = 1e-7  # coefficient magnitude below which a group takes no part in a derivation
LEVERAGE_TOL = 1e-7  # a row with leverage above 1 - this is in no dependency (irredundant)


class _Block:
    __slots__ = ("rows", "cols", "u", "s", "vt", "leverage")

    def __init__(self, rows: np.ndarray, cols: np.ndarray, matrix: np.ndarray) -> None:
        u, s, vt = np.linalg.svd(matrix, full_matrices=False)
        # numpy's matrix_rank tolerance: a 0/1 matrix has no true singular value this small, and
        # keeping a spurious one only makes more sets look derivable (the safe direction).
        tol = s[0] * max(matrix.shape) * np.finfo(float).eps if s.size else 0.0
        rank = int((s > tol).sum())
        self.rows, self.cols = rows, cols
        self.u, self.s, self.vt = u[:, :rank], s[:rank], vt[:rank]
        self.leverage = (self.u**2).sum(axis=1)


class Span:
    """Row space of `incidence[published]` (published: boolean mask over groups)."""

    def __init__(self, incidence: np.ndarray, published: np.ndarray) -> None:
        self.n_atoms = incidence.shape[1]
        self.row_ids = np.flatnonzero(published)
        rows = incidence[self.row_ids]
        self.covered = rows.any(axis=0)
        self.blocks: list[_Block] = []
        self.block_of_row: dict[int, tuple[int, int]] = {}
        if not self.row_ids.size:
            return
        # atoms linked by a published group share a component
        sparse_rows = csr_matrix(rows.astype(np.float64))
        adjacency = (sparse_rows.T @ sparse_rows).tocsr()
        _, labels = connected_components(adjacency, directed=False)
        row_label = labels[rows.argmax(axis=1)]
        for label in np.unique(labels[self.covered]):
            cols = np.flatnonzero(self.covered & (labels == label))
            local = np.flatnonzero(row_label == label)
            block = _Block(self.row_ids[local], cols, rows[np.ix_(local, cols)].astype(np.float64))
            for position, row in enumerate(block.rows):
                self.block_of_row[int(row)] = (len(self.blocks), position)
            self.blocks.append(block)

    def residual2(self, vectors: np.ndarray) -> np.ndarray:
        """Squared distance of each row of `vectors` (c x atoms) from the row space."""
        vectors = np.atleast_2d(vectors).astype(np.float64)
        out = (vectors[:, ~self.covered] ** 2).sum(axis=1)
        for block in self.blocks:
            part = vectors[:, block.cols]
            projected = (part @ block.vt.T) @ block.vt
            out = out + ((part - projected) ** 2).sum(axis=1)
        return out

    def derivable(self, vectors: np.ndarray) -> np.ndarray:
        return self.residual2(vectors) < RESIDUAL_TOL

    def coefficients(self, vector: np.ndarray) -> dict[int, float]:
        """Minimum-norm weights of the published groups that add up to `vector` (derivable)."""
        weights: dict[int, float] = {}
        vector = vector.astype(np.float64)
        for block in self.blocks:
            part = vector[block.cols]
            if not part.any():
                continue
            y = block.u @ ((block.vt @ part) / block.s)
            for row, value in zip(block.rows, y, strict=True):
                if abs(value) > COEF_TOL:
                    weights[int(row)] = float(value)
        return weights

    def irredundant(self, row: int) -> bool:
        """True if the group's row is in no linear dependency among the published rows, so that
        suppressing it alone removes every derivation in which it has a non-zero weight."""
        block, position = self.block_of_row[row]
        return bool(self.blocks[block].leverage[position] > 1.0 - LEVERAGE_TOL)

    def derivable_atom_pairs(self, atom_n: np.ndarray, k: int) -> list[tuple[int, int]]:
        """Every pair of atoms {a, b} with n_a + n_b < k whose joint total is derivable.

        ||(I - P)(e_a + e_b)||^2 = (1 - P_aa) + (1 - P_bb) - 2 P_ab with P the projector on
        the row space; pairs in different components or uncovered never qualify unless both atoms
        are derivable alone, which the single-atom check already catches."""
        pairs: list[tuple[int, int]] = []
        for block in self.blocks:
            local = np.flatnonzero(atom_n[block.cols] <= k - 2)
            if local.size < 2:
                continue
            v = block.vt[:, local]
            projector = v.T @ v
            q = 1.0 - np.diag(projector)
            value = q[:, None] + q[None, :] - 2.0 * projector
            small = atom_n[block.cols[local]]
            ok = (value < RESIDUAL_TOL) & (small[:, None] + small[None, :] < k)
            for i, j in zip(*np.nonzero(np.triu(ok, 1)), strict=True):
                pairs.append((int(block.cols[local[i]]), int(block.cols[local[j]])))
        return pairs
