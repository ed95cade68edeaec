"""Exact rational numbers and input validation.

Every number that enters polyrelu passes through this module, so that the rest of the
package can assume exact :class:`fractions.Fraction` entries of the right shape.

A float converts *exactly* (``Fraction(0.1) == 3602879701896397/36028797018963968``), because
a float is a dyadic rational and rounding it silently would change the network.  Pass
``rationalize=True`` (or a maximal denominator) to get the nearest simple fraction instead.

>>> to_rational("3/7")
Fraction(3, 7)
>>> to_rational(0.5)
Fraction(1, 2)
>>> to_rational(0.1, rationalize=1000)
Fraction(1, 10)
>>> to_matrix([[1, 2], [3, "1/2"]])
((Fraction(1, 1), Fraction(2, 1)), (Fraction(3, 1), Fraction(1, 2)))
"""
from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Iterable, Sequence

__all__ = [
    "PolyreluError",
    "InvalidInputError",
    "EmptyDomainError",
    "to_rational",
    "to_vector",
    "to_matrix",
    "fraction_to_str",
    "parse_rational_json",
    "primitive_ints",
    "check_format",
]


class PolyreluError(Exception):
    """Base class of every error polyrelu raises on purpose."""


class InvalidInputError(PolyreluError, ValueError):
    """Input of the wrong shape, type or value (NaN, infinity, ragged arrays, bad strings...)."""


class EmptyDomainError(InvalidInputError):
    """The domain (or a polytope that must not be empty) is empty."""


def _where(where: str | None) -> str:
    return f" at {where}" if where else ""


def to_rational(x: Any, *, rationalize: bool | int = False, where: str | None = None) -> Fraction:
    """Convert one number to an exact :class:`Fraction`.

    Accepts ints, Fractions, decimal or ``"p/q"`` strings, Python and numpy floats and ints,
    gmpy2 ``mpz``/``mpq`` and anything with ``numerator``/``denominator``.  Floats convert
    exactly unless ``rationalize`` is true (denominator at most 10**6) or an int (that bound).

    >>> to_rational("-2/4")
    Fraction(-1, 2)
    >>> to_rational(float("nan"))
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: not a finite number: nan
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise InvalidInputError(f"a boolean is not a number{_where(where)}: {x!r}")
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, str):
        # number text is bounded before it is parsed (validate.py): "1e1000000000" must not hang
        from .validate import is_number_text, parse_number_text, shorten

        if not is_number_text(x):
            raise InvalidInputError(f"not a rational number{_where(where)}: {shorten(x)!r}")
        return parse_number_text(x, where)
    if isinstance(x, float) or _is_numpy_float(x):
        try:
            finite = math.isfinite(x)
        except (TypeError, OverflowError):
            finite = True
        if not finite:
            raise InvalidInputError(f"not a finite number{_where(where)}: {float(x)!r}")
        # as_integer_ratio is exact for every binary float, np.longdouble included (float()
        # would round an 80-bit value to a double, and .item() hands a longdouble back unchanged)
        try:
            value = Fraction(*x.as_integer_ratio())
        except (AttributeError, OverflowError, ValueError):
            f = float(x)
            if not math.isfinite(f):
                raise InvalidInputError(f"not a finite number{_where(where)}: {f!r}") from None
            value = Fraction(f)
        if rationalize:
            bound = 10**6 if rationalize is True else int(rationalize)
            value = value.limit_denominator(bound)
        return value
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    if isinstance(x, numbers.Rational) or (hasattr(x, "numerator") and hasattr(x, "denominator")):
        try:
            return Fraction(int(x.numerator), int(x.denominator))
        except (TypeError, ValueError, ZeroDivisionError):
            pass
    if hasattr(x, "item") and getattr(x, "shape", None) == ():  # numpy / torch scalar
        item = x.item()
        if type(item) is not type(x):  # .item() of a numpy scalar without a Python twin is itself
            return to_rational(item, rationalize=rationalize, where=where)
    from .validate import shorten

    raise InvalidInputError(f"not a number{_where(where)}: {shorten(repr(x))} (type {type(x).__name__})")


def _is_numpy_float(x: Any) -> bool:
    t = type(x)
    if t.__module__ != "numpy":
        return False
    import numpy as np

    return isinstance(x, np.floating)



def _as_list(x: Any, where: str) -> list:
    if hasattr(x, "detach"):  # torch tensor
        x = x.detach().cpu().numpy()
    if hasattr(x, "tolist") and not isinstance(x, (str, bytes)):
        x = x.tolist()
    if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
        raise InvalidInputError(f"expected a sequence{_where(where)}, got {x!r}")
    return list(x)


def to_vector(
    x: Any, length: int | None = None, *, rationalize: bool | int = False, name: str = "vector"
) -> tuple[Fraction, ...]:
    """Convert a sequence (list, tuple, numpy array) to a tuple of Fractions.

    >>> to_vector([1, 0.5, "2/3"])
    (Fraction(1, 1), Fraction(1, 2), Fraction(2, 3))
    >>> to_vector([1, 2], length=3, name="bias")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: bias has length 2, expected 3
    """
    items = _as_list(x, name)
    if length is not None and len(items) != length:
        raise InvalidInputError(f"{name} has length {len(items)}, expected {length}")
    out = []
    for i, v in enumerate(items):
        if isinstance(v, (list, tuple)) or (hasattr(v, "shape") and getattr(v, "shape", ()) != ()):
            raise InvalidInputError(f"{name}[{i}] is a sequence, expected a number")
        out.append(to_rational(v, rationalize=rationalize, where=f"{name}[{i}]"))
    return tuple(out)


def to_matrix(
    x: Any,
    shape: tuple[int | None, int | None] | None = None,
    *,
    rationalize: bool | int = False,
    name: str = "matrix",
) -> tuple[tuple[Fraction, ...], ...]:
    """Convert a 2-D array-like to a tuple of row tuples of Fractions, checking the shape.

    ``shape`` may hold ``None`` for a free dimension.  Ragged rows raise an error naming the row.

    >>> to_matrix([[1, 2], [3]], name="W")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: W is ragged: row 1 has 1 entries, row 0 has 2
    """
    rows = _as_list(x, name)
    out = []
    width = None
    for i, r in enumerate(rows):
        row = to_vector(r, rationalize=rationalize, name=f"{name}[{i}]")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise InvalidInputError(
                f"{name} is ragged: row {i} has {len(row)} entries, row 0 has {width}"
            )
        out.append(row)
    if shape is not None:
        m, n = shape
        got_n = width if width is not None else (n if n is not None else 0)
        if (m is not None and len(out) != m) or (n is not None and out and got_n != n):
            raise InvalidInputError(
                f"{name} has shape ({len(out)}, {got_n}), expected "
                f"({'*' if m is None else m}, {'*' if n is None else n})"
            )
    return tuple(out)


def fraction_to_str(q: Fraction | int) -> str:
    """The exact text form used in files: ``"3"`` or ``"-2/5"``.

    >>> fraction_to_str(Fraction(-2, 5))
    '-2/5'
    """
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def parse_rational_json(x: Any, where: str) -> Fraction:
    """Read a number from a JSON file: an int, a float (exactly), or a ``"p/q"`` string.

    The same check as :func:`polyrelu.validate.number`, which loaders use.

    >>> parse_rational_json("1/3", "w")
    Fraction(1, 3)
    """
    from .validate import number

    return number(x, where)


def primitive_ints(values: Sequence[Any]) -> tuple[int, ...]:
    """The positive multiple of a rational vector that is a vector of coprime integers.

    Scaling by a positive number keeps a hyperplane and its side, and gives every exact object
    one canonical integer form.

    >>> primitive_ints([Fraction(1, 2), Fraction(-3, 4), 0])
    (2, -3, 0)
    """
    qs = [Fraction(v) for v in values]
    den = 1
    for q in qs:
        den = den * q.denominator // math.gcd(den, q.denominator)
    ints = [int(q * den) for q in qs]
    g = math.gcd(*ints)
    return tuple(x // g for x in ints) if g > 1 else tuple(ints)


def check_format(d: Any, fmt: str, source: str) -> dict:
    """Check the header of one of polyrelu's JSON files: an object with this format, version 1."""
    if not isinstance(d, dict):
        raise InvalidInputError(f"{source}: expected a JSON object")
    from .validate import describe

    if d.get("format") != fmt:
        raise InvalidInputError(f"{source}: 'format' must be {fmt!r}, got {describe(d.get('format'))}")
    version = d.get("version")
    # True == 1 in Python, so the type is checked first: "version": true is not version 1
    if isinstance(version, bool) or not isinstance(version, int) or version != 1:
        raise InvalidInputError(f"{source}: unsupported version {describe(version)} (expected the integer 1)")
    return d
