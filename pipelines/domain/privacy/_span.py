"""Floating-point row space of the published groups, in bordered block form.

Every published total is a linear function of the unknown atom totals, so what an adversary can
compute from the published groups is exactly their row space: the total of a set S of atoms is
derivable iff the indicator vector of S lies in the row space of the published indicator matrix.

Most groups live inside one department (teams, department cuts), so the published rows split into
small blocks (connected components, one SVD each) plus a few *border* rows that cross them (the
organisation, organisation-level cuts, lineage groups across departments). With Q the projector
onto the complement of the blocks' row spaces and B the border rows, the row space is the
orthogonal sum of the blocks' row spaces and span(Q B^T), so a vector x is derivable iff Q x lies
in span(Q B^T). Cost per update: the blocks' SVDs (tiny) plus one SVD of the b x atoms matrix
Q B^T, instead of one SVD of the whole groups x atoms matrix.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from ._search import kernel_basis

RANK_TOL = 1e-8  # relative singular value below which a direction is rounding noise
KERNEL_TOL = 1e-9  # eigenvalue-1 test of a restricted projector
RESIDUAL_TOL = 1e-9  # squared distance below which an indicator vector counts as derivable
COEF_TOL = 1e-7  # weight below which a group takes no part in a derivation
LEVERAGE_TOL = 1e-7  # tolerance of the tests for a row in no linear dependency


def _svd(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    # Rounding leaves ~1e-15 * s[0] where the exact singular value is 0, while the non-zero
    # singular values of these 0/1 (and projected 0/1) matrices are far above 1e-8 * s[0]: a
    # residual of a 0/1 vector against a span of 0/1 vectors is a rational with a denominator
    # bounded by the block's size. Keeping a rounding artefact would corrupt the projector.
    tol = RANK_TOL * max(1.0, float(s[0])) if s.size else 0.0
    return u, s, vt, int((s > tol).sum())


class _Block:
    __slots__ = ("rows", "cols", "u", "s", "vt", "leverage")

    def __init__(self, rows: np.ndarray, cols: np.ndarray, matrix: np.ndarray) -> None:
        u, s, vt, rank = _svd(matrix)
        self.rows, self.cols = rows, cols
        self.u, self.s, self.vt = u[:, :rank], s[:rank], vt[:rank]
        self.leverage = (self.u**2).sum(axis=1)


class Span:
    """Row space of `incidence[published]`; `border` marks the rows that may cross blocks."""

    def __init__(self, incidence: np.ndarray, published: np.ndarray, border: np.ndarray) -> None:
        shown = np.flatnonzero(published)
        inner_rows, self.border_rows = shown[~border[shown]], shown[border[shown]]
        self.blocks: list[_Block] = []
        self.block_of_row: dict[int, tuple[int, int]] = {}
        if inner_rows.size:
            inner = incidence[inner_rows]
            sparse = csr_matrix(inner.astype(np.float64))
            _, labels = connected_components(sparse.T @ sparse, directed=False)
            covered = inner.any(axis=0)
            row_label = labels[inner.argmax(axis=1)]
            for label in np.unique(labels[covered]):
                cols = np.flatnonzero(covered & (labels == label))
                local = np.flatnonzero(row_label == label)
                matrix = inner[np.ix_(local, cols)].astype(np.float64)
                block = _Block(inner_rows[local], cols, matrix)
                for position, row in enumerate(block.rows):
                    self.block_of_row[int(row)] = (len(self.blocks), position)
                self.blocks.append(block)
        size = incidence.shape[1]
        if self.blocks:
            pieces = [
                (
                    np.repeat(b.cols, b.cols.size),
                    np.tile(b.cols, b.cols.size),
                    (b.vt.T @ b.vt).ravel(),
                )
                for b in self.blocks
            ]
            i, j, v = (np.concatenate(x) for x in zip(*pieces, strict=True))
            self.block_projector = csr_matrix((v, (i, j)), shape=(size, size))
        else:
            self.block_projector = csr_matrix((size, size))
        self.border = incidence[self.border_rows].astype(np.float64)
        self.border_index = {int(r): i for i, r in enumerate(self.border_rows)}
        b = len(self.border_rows)
        if b:
            a, s, et, rank = _svd(self._q(self.border))
            self.a_r, self.s_r, self.e_r = a[:, :rank], s[:rank], et[:rank]
            self.a_null = a[:, rank:]  # dependencies among the columns of Q B^T
        else:
            self.a_r = self.a_null = np.zeros((0, 0))
            self.s_r, self.e_r = np.zeros(0), np.zeros((0, incidence.shape[1]))

    def _q(self, vectors: np.ndarray) -> np.ndarray:
        """Project each row of `vectors` onto the complement of the blocks' row spaces."""
        vectors = vectors.astype(np.float64)
        return vectors - np.asarray((self.block_projector @ vectors.T).T)

    def residual2(self, vectors: np.ndarray) -> np.ndarray:
        """Squared distance of each row of `vectors` (c x atoms) from the row space."""
        q = self._q(np.atleast_2d(vectors))
        return (q**2).sum(axis=1) - ((q @ self.e_r.T) ** 2).sum(axis=1)

    def derivable(self, vectors: np.ndarray) -> np.ndarray:
        return self.residual2(vectors) < RESIDUAL_TOL

    def coefficients(self, vector: np.ndarray) -> dict[int, float]:
        """Weights of published groups whose weighted sum is `vector` (which must be derivable):
        minimum-norm for the border rows, then minimum-norm within each block."""
        weights: dict[int, float] = {}
        rest = vector.astype(np.float64)
        if len(self.border_rows):
            c = self.a_r @ ((self.e_r @ self._q(rest[None, :])[0]) / self.s_r)
            rest = rest - c @ self.border
            for row, value in zip(self.border_rows, c, strict=True):
                if abs(value) > COEF_TOL:
                    weights[int(row)] = float(value)
        for block in self.blocks:
            part = rest[block.cols]
            if np.abs(part).max() <= COEF_TOL:
                continue
            y = block.u @ ((block.vt @ part) / block.s)
            for row, value in zip(block.rows, y, strict=True):
                if abs(value) > COEF_TOL:
                    weights[int(row)] = float(value)
        return weights

    def irredundant(self, row: int) -> bool:
        """True if the row is in no linear dependency among the published rows: suppressing it
        alone then breaks every derivation in which it has a non-zero weight."""
        if row in self.border_index:
            dependent = self.a_null[self.border_index[row]]
            return bool((dependent**2).sum() < LEVERAGE_TOL)
        index, position = self.block_of_row[row]
        block = self.blocks[index]
        if block.leverage[position] <= 1.0 - LEVERAGE_TOL:
            return False
        if not self.a_null.size:
            return True
        # the direction only this row contributes within its block, seen by the border rows
        dual = block.vt.T @ (block.u[position] / block.s)
        seen = self.a_null.T @ (self.border[:, block.cols] @ dual)
        return bool((seen**2).sum() < LEVERAGE_TOL)

    def projector(self, cols: np.ndarray) -> np.ndarray:
        """The orthogonal projector onto the row space, restricted to rows and columns `cols`."""
        out = self.e_r[:, cols].T @ self.e_r[:, cols]
        where = {int(c): i for i, c in enumerate(cols)}
        for block in self.blocks:
            mine = [(where[int(c)], j) for j, c in enumerate(block.cols) if int(c) in where]
            if mine:
                at, local = (np.array(x) for x in zip(*mine, strict=True))
                v = block.vt[:, local]
                out[np.ix_(at, at)] += v.T @ v
        return out

    def derivable_atom_pairs(self, atom_n: np.ndarray, k: int) -> list[tuple[int, int]]:
        """Every pair of atoms {a, b} with n_a + n_b < k whose joint total is derivable:
        ||(I - P)(e_a + e_b)||^2 = (1 - P_aa) + (1 - P_bb) - 2 P_ab = 0."""
        cols = np.flatnonzero(atom_n <= k - 2)
        if cols.size < 2:
            return []
        p = self.projector(cols)
        q = 1.0 - np.diag(p)
        value = q[:, None] + q[None, :] - 2.0 * p
        small = atom_n[cols]
        ok = (value < RESIDUAL_TOL) & (small[:, None] + small[None, :] < k)
        return [
            (int(cols[i]), int(cols[j])) for i, j in zip(*np.nonzero(np.triu(ok, 1)), strict=True)
        ]

    def block_kernels(self, cols: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each block: (its columns among `cols`, basis of the vectors on them derivable
        from the block's rows alone)."""
        wanted = np.zeros(self.e_r.shape[1], dtype=bool)
        wanted[cols] = True
        out = []
        for block in self.blocks:
            local = np.flatnonzero(wanted[block.cols])
            if local.size:
                v = block.vt[:, local]
                out.append((block.cols[local], kernel_basis(v.T @ v)))
        return out

    def kernel(self, cols: np.ndarray) -> np.ndarray:
        """Basis (rows, over `cols`) of the derivable vectors that are zero outside `cols`.

        With x supported on cols, ||Px||^2 = x'Dx + ||E x||^2, D the blocks' projectors
        restricted to cols (block diagonal) and E the border directions. The eigenvalue-1 space
        of D (derivable within a block) is part of the kernel; on the rest, C = I - D is positive
        definite and the kernel is C^(-1/2) times the right singular vectors of E C^(-1/2) with
        singular value 1. Only small eigen-problems (one per block, one of border rank)."""
        where = {int(c): i for i, c in enumerate(cols)}
        local_parts, scaled_parts = [], []
        unblocked = np.ones(cols.size, dtype=bool)
        for block in self.blocks:
            mine = [(where[int(c)], j) for j, c in enumerate(block.cols) if int(c) in where]
            if not mine:
                continue
            at, local = (np.array(x) for x in zip(*mine, strict=True))
            unblocked[at] = False
            values, vectors = np.linalg.eigh(block.vt[:, local].T @ block.vt[:, local])
            one = values > 1.0 - KERNEL_TOL
            local_parts.append((at, vectors[:, one]))
            scaled_parts.append((at, vectors[:, ~one] / np.sqrt(1.0 - values[~one])))
        for c in np.flatnonzero(unblocked):
            scaled_parts.append((np.array([c]), np.ones((1, 1))))
        rows = []
        for at, basis in local_parts:
            for vector in basis.T:
                full = np.zeros(cols.size)
                full[at] = vector
                rows.append(full)
        if self.e_r.shape[0] and scaled_parts:
            transform = np.zeros((cols.size, sum(p.shape[1] for _, p in scaled_parts)))
            offset = 0
            for at, part in scaled_parts:
                transform[at, offset : offset + part.shape[1]] = part
                offset += part.shape[1]
            _, s, vt = np.linalg.svd(self.e_r[:, cols] @ transform, full_matrices=False)
            for z in vt[s**2 > 1.0 - KERNEL_TOL]:
                vector = transform @ z
                rows.append(vector / np.linalg.norm(vector))
        return np.array(rows) if rows else np.zeros((0, cols.size))
