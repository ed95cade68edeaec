"""Certified real numbers: real algebraic numbers compared exactly, and square roots of them
known through a float and a proved rational interval.

:class:`CertifiedReal` is what an l2 (spectral) operator norm is: the square root of the largest
eigenvalue of a rational Gram matrix, an :class:`Algebraic` number.

>>> from fractions import Fraction
>>> r = CertifiedReal.sqrt(Fraction(2))
>>> r.lo ** 2 <= 2 <= r.hi ** 2, r.exact
(True, None)
>>> largest_root([Fraction(-2), Fraction(0), Fraction(1)]).compare(Algebraic.rational(Fraction(3, 2)))   # sqrt 2 < 3/2
-1
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import flint

from .exact import InvalidInputError, fraction_to_str

__all__ = ["Algebraic", "CertifiedReal", "largest_root"]

_ZERO = Fraction(0)


def _isqrt_floor(q: Fraction, bits: int) -> Fraction:
    """A rational <= sqrt(q) within 2**-bits."""
    scale = 4**bits
    return Fraction(math.isqrt(math.floor(q * scale)), 2**bits)


def _isqrt_ceil(q: Fraction, bits: int) -> Fraction:
    """A rational >= sqrt(q) within 2**-bits."""
    scale = 4**bits
    t = math.ceil(q * scale)
    r = math.isqrt(t)
    if r * r < t:
        r += 1
    return Fraction(r, 2**bits)


def _exact_sqrt(q: Fraction) -> Fraction | None:
    if q < 0:
        return None
    a, b = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if a * a == q.numerator and b * b == q.denominator:
        return Fraction(a, b)
    return None


def _poly_eval(coeffs: Sequence[Fraction], x: Fraction) -> Fraction:
    """Horner evaluation; ``coeffs`` from the leading coefficient down."""
    acc = _ZERO
    for c in coeffs:
        acc = acc * x + c
    return acc


class Algebraic:
    """A real algebraic number: the unique root of an irreducible rational polynomial in [lo, hi].

    Rational numbers have ``lo == hi`` and a linear polynomial.  Comparisons are exact: two
    numbers with distinct irreducible polynomials are distinct, so refining their isolating
    intervals separates them; with the same polynomial they are equal iff the intervals share a
    root (one exact sign test).

    >>> sqrt2 = Algebraic((Fraction(1), Fraction(0), Fraction(-2)), Fraction(1), Fraction(2))   # x^2 - 2 on [1, 2]
    >>> sqrt2.compare(Algebraic.rational(Fraction(7, 5))), round(float(sqrt2), 9)
    (1, 1.414213562)
    """

    __slots__ = ("coeffs", "lo", "hi")

    def __init__(self, coeffs: tuple[Fraction, ...], lo: Fraction, hi: Fraction):
        self.coeffs = coeffs
        self.lo = lo
        self.hi = hi

    @classmethod
    def rational(cls, q: Fraction) -> "Algebraic":
        """The rational number ``q`` as an algebraic number (polynomial ``x - q``).

        >>> Algebraic.rational(Fraction(3, 2)).is_rational
        True
        """
        return cls((Fraction(1), -q), q, q)

    @property
    def is_rational(self) -> bool:
        """Whether the number is rational (its interval is one point).

        >>> largest_root([Fraction(-2), Fraction(0), Fraction(1)]).is_rational     # sqrt 2
        False
        """
        return self.lo == self.hi

    def _bisect(self) -> None:
        if self.is_rational:
            return
        m = (self.lo + self.hi) / 2
        vm = _poly_eval(self.coeffs, m)
        vl = _poly_eval(self.coeffs, self.lo)
        # irreducible of degree >= 2: no rational roots, so vm != 0 and vl != 0
        if (vm > 0) == (vl > 0):
            self.lo = m
        else:
            self.hi = m

    def refine(self, width: Fraction) -> "Algebraic":
        """Bisect the isolating interval until it is at most ``width`` wide; returns ``self``.

        >>> r = largest_root([Fraction(-2), Fraction(0), Fraction(1)]).refine(Fraction(1, 1000))
        >>> r.hi - r.lo <= Fraction(1, 1000), r.lo ** 2 < 2 < r.hi ** 2
        (True, True)
        """
        while self.hi - self.lo > width:
            self._bisect()
        return self

    def compare(self, other: "Algebraic") -> int:
        """-1, 0 or 1 as self <, ==, > other (exact).

        >>> two = largest_root([Fraction(-2), Fraction(0), Fraction(1)])
        >>> two.compare(largest_root([Fraction(-2), Fraction(0), Fraction(1)])), two.compare(Algebraic.rational(Fraction(2)))
        (0, -1)
        """
        while True:
            if self.hi < other.lo:
                return -1
            if other.hi < self.lo:
                return 1
            if self.is_rational and other.is_rational:
                return (self.lo > other.lo) - (self.lo < other.lo)
            if self.coeffs == other.coeffs:
                a, b = max(self.lo, other.lo), min(self.hi, other.hi)
                # the intervals overlap; the common root exists iff p changes sign on [a, b] or vanishes
                va, vb = _poly_eval(self.coeffs, a), _poly_eval(self.coeffs, b)
                if va == 0 or vb == 0 or (va > 0) != (vb > 0):
                    return 0
            # rational vs irrational, or distinct polynomials: never equal, refine to separate
            self._bisect()
            other._bisect()

    def __float__(self) -> float:
        if self.is_rational:
            return float(self.lo)
        self.refine(max(abs(self.lo), abs(self.hi), Fraction(1)) / 2**70)
        return float((self.lo + self.hi) / 2)


def largest_root(charpoly_coeffs_ascending: Sequence[Fraction]) -> Algebraic:
    """The largest real root of a rational polynomial (given by ascending coefficients).

    >>> r = largest_root([Fraction(-6), Fraction(1), Fraction(1)])     # x^2 + x - 6 = (x - 2)(x + 3)
    >>> r.is_rational, r.lo
    (True, Fraction(2, 1))
    """
    import sympy  # imported on first use: it takes a while to load

    p = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in charpoly_coeffs_ascending])
    _, factors = p.factor()
    best: Algebraic | None = None
    x = sympy.Symbol("x")
    for f, _mult in factors:
        cs = [Fraction(int(c.p), int(c.q)) for c in f.coeffs()]  # ascending
        lead = cs[-1]
        desc = tuple(c / lead for c in reversed(cs))
        deg = len(desc) - 1
        if deg == 1:
            cand = Algebraic.rational(-desc[1])
        else:
            poly = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in desc], x, domain="QQ")
            ivs = poly.intervals()
            if not ivs:
                continue
            (a, b), _m = ivs[-1]
            a, b = Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q))
            cand = Algebraic(desc, a, b)
        if best is None or cand.compare(best) > 0:
            best = cand
    if best is None:  # pragma: no cover - characteristic polynomials of PSD matrices have real roots
        raise InvalidInputError("polynomial without real roots")
    return best


class CertifiedReal:
    """A real number known through a float and a rational interval ``[lo, hi]`` containing it.

    ``exact`` is the value as a Fraction when it is rational, else ``None``.  ``square`` (when
    known) is the exact algebraic number whose square root this is, which makes comparisons of
    two spectral norms exact (:meth:`compare`).

    >>> r = CertifiedReal.sqrt(Fraction(5))
    >>> r.lo ** 2 <= 5 <= r.hi ** 2, r.hi - r.lo < Fraction(1, 2**60), round(float(r), 12)
    (True, True, 2.2360679775)
    >>> CertifiedReal.sqrt(Fraction(9, 4))
    CertifiedReal(3/2)
    """

    __slots__ = ("lo", "hi", "_square", "value")

    def __init__(self, lo: Fraction, hi: Fraction, *, square: Algebraic | None = None, value: float | None = None):
        if lo > hi:
            raise InvalidInputError(f"empty interval [{lo}, {hi}]")
        self.lo = Fraction(lo)
        self.hi = Fraction(hi)
        self._square = square
        self.value = float((self.lo + self.hi) / 2) if value is None else float(value)

    @classmethod
    def exactly(cls, q: Fraction) -> "CertifiedReal":
        """The rational number ``q``, exactly (a one-point interval).

        >>> CertifiedReal.exactly(Fraction(1, 3)).exact
        Fraction(1, 3)
        """
        q = Fraction(q)
        return cls(q, q, square=Algebraic.rational(q * q) if q >= 0 else None)

    @classmethod
    def sqrt_of(cls, lam: Algebraic, bits: int = 64) -> "CertifiedReal":
        """The square root of a non-negative algebraic number, to ``bits`` bits.

        >>> r = CertifiedReal.sqrt_of(largest_root([Fraction(-2), Fraction(0), Fraction(1)]))   # 2^(1/4)
        >>> r.lo ** 4 <= 2 <= r.hi ** 4
        True
        """
        if lam.is_rational:
            r = _exact_sqrt(lam.lo)
            if r is not None:
                return cls(r, r, square=lam)
        lam.refine(max(lam.hi, Fraction(1)) / 2 ** (2 * bits + 8))
        lo = _isqrt_floor(max(lam.lo, _ZERO), bits)
        hi = _isqrt_ceil(lam.hi, bits)
        # the interval is far narrower than a float's spacing: its midpoint rounds correctly
        return cls(lo, hi, square=lam)

    @classmethod
    def sqrt(cls, q: Fraction, bits: int = 64) -> "CertifiedReal":
        """The square root of a non-negative rational, exact when it is rational.

        >>> CertifiedReal.sqrt(Fraction(9, 4)).exact, CertifiedReal.sqrt(Fraction(3)).exact
        (Fraction(3, 2), None)
        """
        q = Fraction(q)
        if q < 0:
            raise InvalidInputError(f"square root of a negative number: {q}")
        return cls.sqrt_of(Algebraic.rational(q), bits)

    @property
    def exact(self) -> Fraction | None:
        """The value as a Fraction when it is known to be rational, else ``None``.

        >>> CertifiedReal.sqrt(Fraction(4)).exact, CertifiedReal.sqrt(Fraction(2)).exact
        (Fraction(2, 1), None)
        """
        return self.lo if self.lo == self.hi else None

    @property
    def square(self) -> Algebraic | None:
        """The exact algebraic number whose square root this is (``None`` when not known).

        >>> CertifiedReal.sqrt(Fraction(2)).square.lo
        Fraction(2, 1)
        """
        return self._square

    def __float__(self) -> float:
        return self.value

    @staticmethod
    def _outward(lo: Fraction, hi: Fraction) -> "CertifiedReal":
        # round the end points outwards to multiples of 2**-80 so that sums and products of
        # certified reals keep short exact end points
        if lo == hi:
            return CertifiedReal(lo, hi)
        scale = 2**80
        return CertifiedReal(Fraction(math.floor(lo * scale), scale), Fraction(math.ceil(hi * scale), scale))

    def __add__(self, other: "CertifiedReal | Fraction | int") -> "CertifiedReal":
        if not isinstance(other, CertifiedReal):
            other = CertifiedReal.exactly(Fraction(other))
        return CertifiedReal._outward(self.lo + other.lo, self.hi + other.hi)

    __radd__ = __add__

    def __mul__(self, other: "CertifiedReal | Fraction | int") -> "CertifiedReal":
        if not isinstance(other, CertifiedReal):
            other = CertifiedReal.exactly(Fraction(other))
        ps = [self.lo * other.lo, self.lo * other.hi, self.hi * other.lo, self.hi * other.hi]
        return CertifiedReal._outward(min(ps), max(ps))

    __rmul__ = __mul__

    def compare(self, other: "CertifiedReal") -> int:
        """Exact comparison when both squares are known (non-negative numbers), else by intervals.

        Raises :class:`InvalidInputError` if neither the intervals nor exact squares decide.

        >>> CertifiedReal.sqrt(Fraction(2)).compare(CertifiedReal.sqrt(Fraction(3))), CertifiedReal.sqrt(Fraction(4)).compare(CertifiedReal.exactly(Fraction(2)))
        (-1, 0)
        """
        if self.hi < other.lo:
            return -1
        if other.hi < self.lo:
            return 1
        if self._square is not None and other._square is not None and self.lo >= 0 and other.lo >= 0:
            return self._square.compare(other._square)
        if self.exact is not None and other.exact is not None:
            return (self.exact > other.exact) - (self.exact < other.exact)
        raise InvalidInputError("cannot compare two interval-only certified reals whose intervals overlap")

    def contains(self, q: Fraction) -> bool:
        """Whether the rational ``q`` lies in the certified interval.

        >>> r = CertifiedReal.sqrt(Fraction(2))
        >>> r.contains(r.lo), r.contains(Fraction(3, 2))
        (True, False)
        """
        return self.lo <= q <= self.hi

    def to_json_dict(self) -> dict:
        """The value as JSON data: the float and the exact interval as ``"p/q"`` strings.

        >>> CertifiedReal.exactly(Fraction(1, 2)).to_json_dict()
        {'value': 0.5, 'interval': ['1/2', '1/2']}
        """
        return {"value": self.value, "interval": [fraction_to_str(self.lo), fraction_to_str(self.hi)]}

    def to_json(self) -> dict:
        """Deprecated name of :meth:`to_json_dict` (``to_json`` writes a file elsewhere in polyrelu).

        >>> CertifiedReal.exactly(Fraction(1, 2)).to_json() == CertifiedReal.exactly(Fraction(1, 2)).to_json_dict()
        True
        """
        return self.to_json_dict()

    def __repr__(self) -> str:
        if self.exact is not None:
            return f"CertifiedReal({fraction_to_str(self.exact)})"
        return f"CertifiedReal({self.value!r} in [{float(self.lo)!r}, {float(self.hi)!r}])"
