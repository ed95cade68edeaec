"""Operator norms of exact matrices: l1 and l-infinity as Fractions, l2 (spectral) as a
:class:`~polyrelu.numbers.CertifiedReal`; norms of rank-one matrices and sums of norms.

>>> operator_norm([[1, -2], [3, 0]], "inf"), operator_norm([[1, -2], [3, 0]], "1")
(Fraction(3, 1), Fraction(4, 1))
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Sequence

import flint

from ..exact import InvalidInputError
from ..linalg import matmul, transpose
from ..numbers import Algebraic, CertifiedReal, largest_root

__all__ = ["NORMS", "check_norm", "norm_1", "norm_inf", "spectral_norm", "operator_norm", "vector_norm",
           "rank_one_norm", "norm_sum"]

NORMS = ("1", "inf", "2")

_ZERO = Fraction(0)


def check_norm(norm: Any) -> str:
    """The canonical name ('1', 'inf' or '2') of a norm given by any of its usual names.

    >>> check_norm("spectral"), check_norm("oo"), check_norm("L1")
    ('2', 'inf', '1')
    """
    s = str(norm).strip().lower()
    if s in ("inf", "infinity", "oo", "max"):
        return "inf"
    if s in ("1", "l1"):
        return "1"
    if s in ("2", "l2", "spectral"):
        return "2"
    raise InvalidInputError(f"unknown norm {norm!r}; use '1', 'inf' or '2'")


def norm_inf(A: Sequence[Sequence[Fraction]]) -> Fraction:
    """The l-infinity operator norm: the largest absolute row sum (exact).

    >>> norm_inf([[1, -2], [3, 0]])
    Fraction(3, 1)
    """
    return max((sum((abs(Fraction(a)) for a in row), _ZERO) for row in A), default=_ZERO)


def norm_1(A: Sequence[Sequence[Fraction]]) -> Fraction:
    """The l1 operator norm: the largest absolute column sum (exact).

    >>> norm_1([[1, -2], [3, 0]])
    Fraction(4, 1)
    """
    return norm_inf(transpose(A))


def _spectral_square(A: Sequence[Sequence[Fraction]]) -> Algebraic:
    """The largest eigenvalue of ``A^T A`` as an exact algebraic number."""
    A = [[Fraction(a) for a in row] for row in A]
    if not A or not A[0]:
        return Algebraic.rational(_ZERO)
    m, n = len(A), len(A[0])
    G = matmul(A, transpose(A)) if m <= n else matmul(transpose(A), A)
    k = len(G)
    if k == 1:
        return Algebraic.rational(G[0][0])
    M = flint.fmpq_mat(k, k, [flint.fmpq(g.numerator, g.denominator) for row in G for g in row])
    coeffs = [Fraction(int(c.p), int(c.q)) for c in M.charpoly().coeffs()]
    return largest_root(coeffs)


def spectral_norm(A: Sequence[Sequence[Fraction]], bits: int = 64) -> CertifiedReal:
    """The l2 operator (spectral) norm: a float and a certified rational interval.

    The largest eigenvalue of the Gram matrix is isolated exactly (characteristic polynomial over
    Q, factored; largest real root refined by exact bisection) and the square-root bounds are
    rational, so ``lo <= ||A||_2 <= hi`` is proved, with ``hi - lo <= 2**-bits``.

    >>> r = spectral_norm([[1, 1, 0], [0, 1, 1]])
    >>> r.lo ** 2 <= 3 <= r.hi ** 2
    True
    >>> spectral_norm([[3, 0], [0, 4]])
    CertifiedReal(4)
    """
    return CertifiedReal.sqrt_of(_spectral_square(A), bits)


def operator_norm(A: Sequence[Sequence[Fraction]], norm: str = "inf") -> "Fraction | CertifiedReal":
    """The induced operator norm for ``norm`` in ``'1'``, ``'inf'`` (Fractions) or ``'2'``.

    >>> operator_norm([[1, 2]], "1"), operator_norm([[1, 2]], "inf")
    (Fraction(2, 1), Fraction(3, 1))
    >>> operator_norm([[1, 2]], "2").lo ** 2 <= 5
    True
    """
    norm = check_norm(norm)
    if norm == "inf":
        return norm_inf(A)
    if norm == "1":
        return norm_1(A)
    return spectral_norm(A)


def vector_norm(v: Sequence[Fraction], p: str) -> Fraction:
    """l1 / l-inf vector norm (exact); for p == '2' the squared norm.

    >>> vector_norm([3, -4], "1"), vector_norm([3, -4], "inf"), vector_norm([3, -4], "2")
    (Fraction(7, 1), 4, Fraction(25, 1))
    """
    if p == "1":
        return sum((abs(x) for x in v), _ZERO)
    if p == "inf":
        return max((abs(x) for x in v), default=_ZERO)
    return sum((x * x for x in v), _ZERO)


_DUAL = {"1": "inf", "inf": "1", "2": "2"}


def rank_one_norm(u: Sequence[Fraction], w: Sequence[Fraction], norm: str) -> "Fraction | CertifiedReal":
    """``||u w^T||`` for the operator norm ``norm``: ``||u||_p * ||w||_{p*}`` (p* the dual exponent).

    >>> rank_one_norm([1, 2], [3, -1], "inf")
    Fraction(8, 1)
    """
    if norm == "2":
        return CertifiedReal.sqrt(vector_norm(u, "2") * vector_norm(w, "2"))
    return vector_norm(u, norm) * vector_norm(w, _DUAL[norm])


def norm_sum(values: list, norm: str) -> "Fraction | CertifiedReal":
    """The sum of norm values; for ``norm == '2'`` always a certified real (also the empty sum).

    >>> norm_sum([Fraction(1), Fraction(2)], "1"), norm_sum([], "2")
    (Fraction(3, 1), CertifiedReal(0))
    """
    total: Any = CertifiedReal.exactly(_ZERO) if norm == "2" else _ZERO
    for v in values:
        total = v + total if isinstance(v, CertifiedReal) else total + v
    return total
