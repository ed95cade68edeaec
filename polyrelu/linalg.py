"""Exact linear algebra over Q for the small matrices polyrelu meets (Gauss--Jordan on Fractions).

>>> from fractions import Fraction as F
>>> rref([[F(2), F(4)], [F(1), F(3)]])
([[Fraction(1, 1), Fraction(0, 1)], [Fraction(0, 1), Fraction(1, 1)]], [0, 1])
>>> nullspace([[F(1), F(1), F(0)]], 3)
[[Fraction(-1, 1), Fraction(1, 1), Fraction(0, 1)], [Fraction(0, 1), Fraction(0, 1), Fraction(1, 1)]]
>>> rank([[F(1), F(2)], [F(2), F(4)]])
1
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

__all__ = [
    "rref", "rank", "nullspace", "solve", "right_inverse", "express",
    "matmul", "transpose", "matvec", "outer", "zeros", "mat_add",
]

Matrix = list[list[Fraction]]


def rref(rows: Sequence[Sequence[Fraction]], ncols: int | None = None) -> tuple[Matrix, list[int]]:
    """Reduced row echelon form: ``(nonzero rows, pivot columns)``."""
    M = [[Fraction(x) for x in r] for r in rows]
    if ncols is None:
        ncols = len(M[0]) if M else 0
    pivots: list[int] = []
    r = 0
    for col in range(ncols):
        piv = next((i for i in range(r, len(M)) if M[i][col] != 0), None)
        if piv is None:
            continue
        M[r], M[piv] = M[piv], M[r]
        inv = 1 / M[r][col]
        M[r] = [x * inv for x in M[r]]
        for i in range(len(M)):
            if i != r and M[i][col] != 0:
                f = M[i][col]
                M[i] = [a - f * b for a, b in zip(M[i], M[r])]
        pivots.append(col)
        r += 1
        if r == len(M):
            break
    return M[:r], pivots


def rank(rows: Sequence[Sequence[Fraction]]) -> int:
    """Rank of a matrix given by its rows."""
    return len(rref(rows)[1]) if rows else 0


def nullspace(rows: Sequence[Sequence[Fraction]], n: int) -> Matrix:
    """A basis of ``{x in Q^n : rows x = 0}`` (one vector per free column)."""
    R, pivots = rref(rows, n) if rows else ([], [])
    basis = []
    for fc in (c for c in range(n) if c not in pivots):
        v = [Fraction(0)] * n
        v[fc] = Fraction(1)
        for i, pc in enumerate(pivots):
            v[pc] = -R[i][fc]
        basis.append(v)
    return basis


def solve(A: Sequence[Sequence[Fraction]], b: Sequence[Fraction]) -> list[Fraction] | None:
    """The solution of the square system ``A x = b``, or None when A is singular.

    >>> from fractions import Fraction as F
    >>> solve([[F(2), F(1)], [F(1), F(3)]], [F(3), F(4)])
    [Fraction(1, 1), Fraction(1, 1)]
    """
    n = len(A)
    R, pivots = rref([list(A[i]) + [b[i]] for i in range(n)], n)
    if pivots != list(range(n)):
        return None
    return [row[n] for row in R]


def _solve_square(A: Matrix, B: Matrix) -> Matrix:
    """``A^{-1} B`` for an invertible square A."""
    m = len(A)
    aug = [list(A[i]) + list(B[i]) for i in range(m)]
    R, pivots = rref(aug, m)
    if pivots != list(range(m)):
        raise ValueError("singular matrix")
    return [row[m:] for row in R]


def right_inverse(M: Sequence[Sequence[Fraction]]) -> Matrix:
    """``M^T (M M^T)^{-1}`` for a matrix of full row rank (n x m result), so ``M @ result = I``."""
    m, n = len(M), len(M[0])
    MMt = [[sum((M[i][k] * M[j][k] for k in range(n)), Fraction(0)) for j in range(m)] for i in range(m)]
    inv = _solve_square(MMt, [[Fraction(int(i == j)) for j in range(m)] for i in range(m)])
    return [[sum((M[k][i] * inv[k][j] for k in range(m)), Fraction(0)) for j in range(m)] for i in range(n)]


def express(rows: Sequence[Sequence[Fraction]], M: Sequence[Sequence[Fraction]]) -> Matrix:
    """Coefficients ``C`` with ``rows = C M``, for rows in the row space of M (full row rank).

    >>> from fractions import Fraction as F
    >>> express([[F(2), F(2)]], [[F(1), F(1)]])
    [[Fraction(2, 1)]]
    """
    if not M:
        return [[] for _ in rows]
    P = right_inverse(M)  # rows = C M  =>  C = rows P
    return [[sum((r[k] * P[k][j] for k in range(len(P))), Fraction(0)) for j in range(len(M))] for r in rows]


# -- products of small exact matrices, as tuples of tuples ----------------------------------------
_ZERO = Fraction(0)


def matmul(A: Sequence[Sequence[Fraction]], B: Sequence[Sequence[Fraction]]) -> tuple[tuple[Fraction, ...], ...]:
    """The product ``A B`` (zero entries skipped).

    >>> from fractions import Fraction as F
    >>> matmul([[F(1), F(2)]], [[F(3)], [F(4)]])
    ((Fraction(11, 1),),)
    """
    if not A:
        return ()
    cols = list(zip(*B)) if B else []
    return tuple(tuple(sum((a * b for a, b in zip(row, col) if a and b), _ZERO) for col in cols) for row in A)


def transpose(A: Sequence[Sequence[Fraction]]) -> tuple[tuple[Fraction, ...], ...]:
    """The transpose of ``A``.

    >>> transpose([[1, 2], [3, 4]])
    ((1, 3), (2, 4))
    """
    return tuple(zip(*A)) if A else ()


def matvec(A: Sequence[Sequence[Fraction]], x: Sequence[Fraction]) -> tuple[Fraction, ...]:
    """The product ``A x``.

    >>> from fractions import Fraction as F
    >>> matvec([[F(1), F(2)], [F(0), F(1)]], [F(1), F(1)])
    (Fraction(3, 1), Fraction(1, 1))
    """
    return tuple(sum((a * xi for a, xi in zip(row, x) if a), _ZERO) for row in A)


def outer(u: Sequence[Fraction], w: Sequence[Fraction]) -> tuple[tuple[Fraction, ...], ...]:
    """The rank-one matrix ``u w^T``.

    >>> outer([1, 2], [3, 4])
    ((3, 4), (6, 8))
    """
    return tuple(tuple(ui * wj for wj in w) for ui in u)


def zeros(m: int, n: int) -> tuple[tuple[Fraction, ...], ...]:
    """The m x n zero matrix.

    >>> zeros(1, 2)
    ((Fraction(0, 1), Fraction(0, 1)),)
    """
    return tuple((_ZERO,) * n for _ in range(m))


def mat_add(A: Sequence[Sequence[Fraction]], B: Sequence[Sequence[Fraction]]) -> tuple[tuple[Fraction, ...], ...]:
    """The sum ``A + B``.

    >>> mat_add([[1, 2]], [[3, 4]])
    ((4, 6),)
    """
    return tuple(tuple(a + b for a, b in zip(r, s)) for r, s in zip(A, B))
