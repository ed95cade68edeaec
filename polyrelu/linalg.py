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
import math
from typing import Iterable, Sequence

from .exact import primitive_ints

__all__ = [
    "echelon", "rref", "reduce_row", "rank", "det", "nullspace", "solve", "right_inverse", "express",
    "matmul", "transpose", "matvec", "outer", "zeros", "mat_add",
]

Matrix = list[list[Fraction]]


def echelon(rows: Iterable[Sequence[Fraction]], npiv: int | None = None) -> tuple[Matrix, list[int], bool]:
    """Reduced row echelon form with pivots only in the first ``npiv`` columns (all by default).

    Returns the non-zero rows (pivot entries 1), the pivot columns, and whether some row became
    zero in the first ``npiv`` columns but not in the rest (for an augmented system ``[A | b]``:
    an inconsistent equation ``0 = c``).

    >>> from fractions import Fraction as F
    >>> echelon([[F(1), F(1), F(2)], [F(2), F(2), F(5)]], 2)      # x + y = 2, 2x + 2y = 5
    ([[Fraction(1, 1), Fraction(1, 1), Fraction(2, 1)]], [0], True)
    """
    M = [[x if type(x) is Fraction else Fraction(x) for x in r] for r in rows]
    m = len(M)
    if npiv is None:
        npiv = len(M[0]) if M else 0
    pivots: list[int] = []
    r = 0
    for col in range(npiv):
        if r == m:
            break
        p = next((i for i in range(r, m) if M[i][col]), None)
        if p is None:
            continue
        M[r], M[p] = M[p], M[r]
        pv = M[r][col]
        if pv != 1:
            M[r] = [x / pv for x in M[r]]
        R = M[r]
        for i in range(m):
            if i != r:
                fac = M[i][col]
                if fac:
                    M[i] = [a - fac * c for a, c in zip(M[i], R)]
        pivots.append(col)
        r += 1
    inconsistent = any(any(x for x in M[i][npiv:]) for i in range(r, m))
    return M[:r], pivots, inconsistent


def rref(rows: Sequence[Sequence[Fraction]], ncols: int | None = None) -> tuple[Matrix, list[int]]:
    """Reduced row echelon form: ``(nonzero rows, pivot columns)``, pivots in the first ``ncols``
    columns (all by default); :func:`echelon` without the consistency flag.

    >>> from fractions import Fraction as F
    >>> rref([[F(0), F(2)], [F(0), F(1)]])
    ([[Fraction(0, 1), Fraction(1, 1)]], [1])
    """
    M, pivots, _ = echelon(rows, ncols)
    return M, pivots


def reduce_row(x: Sequence[Fraction], basis: Sequence[Sequence[Fraction]], pivots: Sequence[int]) -> list[Fraction]:
    """Subtract multiples of reduced echelon rows so that ``x`` is zero at every pivot column.

    >>> from fractions import Fraction as F
    >>> reduce_row([F(3), F(1)], [[F(1), F(1)]], [0])
    [Fraction(0, 1), Fraction(-2, 1)]
    """
    x = list(x)
    for R, p in zip(basis, pivots):
        c = x[p]
        if c:
            x = [a - c * b for a, b in zip(x, R)]
    return x


def rank(rows: Sequence[Sequence[Fraction]], ncols: int | None = None) -> int:
    """Rank of a matrix given by its rows (of its first ``ncols`` columns, if given).

    >>> rank([[1, 2], [2, 4]]), rank([[1, 2], [2, 5]], 1)
    (1, 1)
    """
    if not rows:
        return 0
    # fraction-free: each row made a primitive integer row (the rank does not change), then
    # elimination with every new row divided by its gcd, so that entries stay small (Fraction
    # arithmetic was most of the start cells' set-up)
    n = len(rows[0]) if ncols is None else ncols
    A = [list(row) for row in (primitive_ints(r[:n]) for r in rows) if any(row)]
    r = 0
    for col in range(n):
        p = next((i for i in range(r, len(A)) if A[i][col]), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        piv, R = A[r][col], A[r]
        for i in range(r + 1, len(A)):
            f = A[i][col]
            if f:
                row = [a * piv - f * b for a, b in zip(A[i], R)]
                g = math.gcd(*row)
                A[i] = [x // g for x in row] if g > 1 else row
        r += 1
    return r


def det(M: Sequence[Sequence[Fraction]]) -> Fraction:
    """Exact determinant of a square matrix: rows scaled to integers, then fraction-free (Bareiss)
    elimination.

    >>> from fractions import Fraction as F
    >>> det([[F(1, 2), F(1)], [F(3), F(4)]])
    Fraction(-1, 1)
    """
    n = len(M)
    scale = 1
    A = []
    for r in M:
        d = math.lcm(*(Fraction(x).denominator for x in r))
        scale *= d
        A.append([int(x * d) for x in r])
    sign = 1
    prev = 1
    for k in range(n - 1):
        if A[k][k] == 0:
            p = next((i for i in range(k + 1, n) if A[i][k]), None)
            if p is None:
                return Fraction(0)
            A[k], A[p] = A[p], A[k]
            sign = -sign
        akk = A[k][k]
        for i in range(k + 1, n):
            aik = A[i][k]
            Ai, Ak = A[i], A[k]
            for j in range(k + 1, n):
                Ai[j] = (Ai[j] * akk - aik * Ak[j]) // prev
        prev = akk
    return Fraction(sign * A[n - 1][n - 1], scale)

def nullspace(rows: Sequence[Sequence[Fraction]], n: int) -> Matrix:
    """A basis of ``{x in Q^n : rows x = 0}`` (one vector per free column).

    >>> from fractions import Fraction as F
    >>> nullspace([[F(1), F(2)]], 2)
    [[Fraction(-2, 1), Fraction(1, 1)]]
    """
    if rows and rank(rows, n) == n:  # the usual case, decided in integers: nothing to solve
        return []
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
    """``M^T (M M^T)^{-1}`` for a matrix of full row rank (n x m result), so ``M @ result = I``.

    >>> from fractions import Fraction as F
    >>> right_inverse([[F(1), F(1)]])
    [[Fraction(1, 2)], [Fraction(1, 2)]]
    """
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
