"""Exact rational numbers: the package's errors, the conversion of every number that enters
polyrelu, and the limits on number text.

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

Files are read by people we do not know, so the *size* of number text is bounded before it is
parsed (``"1e1000000000"`` would otherwise make Python compute a billion-digit integer).  The
limits (documented in ``docs/formats.md``) are at most 4,000 digits in one number (in its text,
and in the numerator and denominator of its exact value: ``"1e3999"`` has 4,000) and an exponent
of magnitude at most 4,000 -- below Python's own limit of 4,300 digits for converting integers
to text, which polyrelu does when it hands numbers to pycddlib and writes files.  Raise them with
:func:`set_input_limits` or the environment variables ``POLYRELU_MAX_DIGITS`` and
``POLYRELU_MAX_EXPONENT`` (raising the digit limit lifts Python's conversion limit as well).
Every refusal is an :class:`InvalidInputError`; the JSON files themselves are read by
:mod:`polyrelu.validate`, which builds on this module.

>>> parse_number_text("-3/4", "x")
Fraction(-3, 4)
>>> parse_number_text("1e1000000000", "w")
Traceback (most recent call last):
...
polyrelu.exact.InvalidInputError: w: the exponent of '1e1000000000' is larger than the limit 4000 (set_input_limits or POLYRELU_MAX_EXPONENT raise it)
"""
from __future__ import annotations

import decimal
import math
import numbers
import os
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Sequence

__all__ = [
    "PolyreluError",
    "InvalidInputError",
    "EmptyDomainError",
    "InputLimits",
    "input_limits",
    "set_input_limits",
    "reset_input_limits",
    "shorten",
    "describe",
    "is_number_text",
    "parse_number_text",
    "number_text_error",
    "OversizedNumber",
    "to_rational",
    "to_vector",
    "to_matrix",
    "number",
    "fraction_to_str",
    "parse_rational_json",
    "primitive_ints",
    "check_format",
]


class PolyreluError(Exception):
    """Base class of every error polyrelu raises on purpose.

    >>> issubclass(InvalidInputError, PolyreluError), issubclass(EmptyDomainError, InvalidInputError)
    (True, True)
    """


class InvalidInputError(PolyreluError, ValueError):
    """Input of the wrong shape, type or value (NaN, infinity, ragged arrays, bad strings...).

    A ``ValueError`` too, so code that catches ``ValueError`` keeps working:

    >>> try:
    ...     to_rational("one half")
    ... except ValueError as e:
    ...     print(type(e).__name__, e)
    InvalidInputError not a rational number: 'one half'
    """


class EmptyDomainError(InvalidInputError):
    """The domain (or a polytope that must not be empty) is empty.

    >>> from polyrelu.network import domain_from_json
    >>> domain_from_json({"inequalities": {"A": [[1], [-1]], "b": [0, -1]}})
    Traceback (most recent call last):
    ...
    polyrelu.exact.EmptyDomainError: domain: the inequalities describe an empty set
    """


@dataclass(frozen=True)
class InputLimits:
    """Bounds on number text read from files and the command line.

    ``max_digits`` bounds the digits in one number's text (numerator, denominator and decimals
    together) and in the numerator and denominator of its exact value (``"1e3999"`` has 4,000);
    ``max_exponent`` bounds ``|e|`` in ``1.5e-3``-style text.

    >>> InputLimits()
    InputLimits(max_digits=4000, max_exponent=4000)
    """

    max_digits: int = 4_000
    max_exponent: int = 4_000


def _env_limit(name: str, default: int) -> int:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidInputError(f"{name} must be a positive integer, got {shorten(text)!r}") from None
    if value < 1:
        raise InvalidInputError(f"{name} must be a positive integer, got {value}")
    return value


_explicit: dict[str, int] = {}
_current: InputLimits | None = None  # the limits in force, worked out once (numbers are many)


def input_limits() -> InputLimits:
    """The limits in force: those given to :func:`set_input_limits`, else the environment's, else the defaults.

    The environment is read at the first use and again after :func:`reset_input_limits`.

    >>> input_limits().max_digits >= 1
    True
    """
    global _current
    if _current is None:
        base = InputLimits()
        values = {
            "max_digits": _env_limit("POLYRELU_MAX_DIGITS", base.max_digits),
            "max_exponent": _env_limit("POLYRELU_MAX_EXPONENT", base.max_exponent),
        }
        values.update(_explicit)
        _current = InputLimits(**values)
        _allow_int_text(_current.max_digits)
    return _current


def _allow_int_text(max_digits: int) -> None:
    # Python refuses int <-> text conversions beyond sys.get_int_max_str_digits() (4,300 by
    # default), and polyrelu converts exact numbers to text (pycddlib, files).  The default limit
    # here stays below it; a user who raises it asks for big numbers, so Python's limit goes too.
    import sys

    global _python_limit_before
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is not None and max_digits > 4_000 and get() != 0:
        _python_limit_before = get()
        sys.set_int_max_str_digits(0)


_python_limit_before: int | None = None  # Python's conversion limit before polyrelu lifted it


def set_input_limits(*, max_digits: int | None = None, max_exponent: int | None = None) -> InputLimits:
    """Change the limits for this process; returns the limits that were in force before.

    >>> old = set_input_limits(max_digits=20)
    >>> parse_number_text("1" * 25, "x")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: x: '1111111111111111111111111' has 25 digits, more than the limit 20 (set_input_limits or POLYRELU_MAX_DIGITS raise it)
    >>> reset_input_limits()
    """
    old = input_limits()
    for name, value in (("max_digits", max_digits), ("max_exponent", max_exponent)):
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidInputError(f"{name} must be a positive integer, got {value!r}")
        _explicit[name] = value
    global _current
    _current = None
    return old


def reset_input_limits() -> None:
    """Forget the limits given to :func:`set_input_limits`: the environment's or the defaults apply again
    (and Python's own limit on integer text, if raising them lifted it, is put back).

    >>> _ = set_input_limits(max_exponent=5)
    >>> reset_input_limits()
    >>> input_limits().max_exponent == 4_000 or "POLYRELU_MAX_EXPONENT" in os.environ
    True
    """
    global _python_limit_before, _current
    _explicit.clear()
    _current = None
    if _python_limit_before is not None:
        import sys

        sys.set_int_max_str_digits(_python_limit_before)
        _python_limit_before = None


# -- messages ------------------------------------------------------------------------------

def shorten(text: str, width: int = 60) -> str:
    """``text`` itself if short, else its start and end around the number of characters left out.

    Error messages quote what they refuse, and a 5,000-digit string must not fill a terminal.

    >>> shorten("1" * 5000)
    '111111111111111111111111111111...1111111111 (5000 characters)'
    """
    text = str(text)
    if len(text) <= width:
        return text
    return f"{text[: width // 2]}...{text[-10:]} ({len(text)} characters)"


def describe(x: Any) -> str:
    """What ``x`` is, in JSON words, for "expected ..., got ..." messages.

    >>> describe(True), describe("ab"), describe([1, 2]), describe(None)
    ('true', "a string 'ab'", 'a list of 2 entries', 'null')
    """
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, str):
        return f"a string {shorten(x)!r}"
    if isinstance(x, OversizedNumber):
        return f"the number {shorten(x.text)}"
    if isinstance(x, int):
        if x.bit_length() > 13_000:  # str() refuses more than 4,300 digits; nobody reads them anyway
            return f"an integer of about {int(x.bit_length() * 0.30103)} digits"
        return f"the integer {shorten(str(x))}"
    if isinstance(x, float):
        return f"the number {x!r}"
    if isinstance(x, list):
        return f"a list of {len(x)} entr{'y' if len(x) == 1 else 'ies'}"
    if isinstance(x, dict):
        return "an object" + (f" with keys {shorten(', '.join(map(str, x)))}" if x else " with no keys")
    return f"{type(x).__name__} {shorten(repr(x))}"


def _at(where: str | None) -> str:
    return f"{where}: " if where else ""


# -- number text ---------------------------------------------------------------------------

# the forms fractions.Fraction accepts ("3", "-3/4", "1.5", ".5", "2e-3"), taken apart so that
# their size can be checked before any big integer is made; ASCII digits only ([0-9], where \d
# would also take Arabic-Indic or full-width digits)
_NUMBER = re.compile(
    r"""\s*(?P<sign>[-+]?)
    (?=[0-9]|\.[0-9])(?P<int>[0-9]*)
    (?:/(?P<den>[0-9]+)|(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[-+]?[0-9]+))?)
    \s*\Z""",
    re.VERBOSE,
)


def is_number_text(text: str) -> bool:
    """Whether ``text`` has the form of a number (``"3"``, ``"-2/5"``, ``"1.5e-3"``); its size is not checked.

    >>> is_number_text("1/2"), is_number_text("12a")
    (True, False)
    """
    return _NUMBER.match(text) is not None


def _digits_to_int(digits: str) -> int:
    # int() refuses more than sys.get_int_max_str_digits() (4300) digits; our own limit is the
    # one that counts here, and decimal converts long digit strings in near-linear time
    if len(digits) <= 4000:
        return int(digits)
    with decimal.localcontext() as ctx:
        ctx.prec = len(digits) + 1
        return int(decimal.Decimal(digits))


def parse_number_text(text: str, where: str | None = None) -> Fraction:
    """The exact value of number text (``"3"``, ``"-2/5"``, ``"0.25"``, ``"1e-3"``), within the limits.

    >>> parse_number_text(" 1.5e-2 ")
    Fraction(3, 200)
    >>> parse_number_text("1/0", "x")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: x: '1/0' has a zero denominator
    """
    m = _NUMBER.match(text)
    if m is None:
        raise InvalidInputError(f"{_at(where)}not a rational number: {shorten(text)!r}")
    lim = input_limits()
    # short text without an exponent is within any limit of 18 digits or more: skip the count
    if len(text) > 18 or m.group("exp") is not None or lim.max_digits < 18:
        e = _check_size(m, text, where, lim)
    else:
        e = 0
    ip, den, frac = m.group("int"), m.group("den"), m.group("frac") or ""
    sign = -1 if m.group("sign") == "-" else 1
    if den is not None:
        d = _digits_to_int(den)
        if d == 0:
            raise InvalidInputError(f"{_at(where)}{shorten(text.strip())!r} has a zero denominator")
        return Fraction(sign * _digits_to_int(ip), d)
    num = _digits_to_int(ip + frac) if ip + frac else 0
    e -= len(frac)
    if e >= 0:
        return Fraction(sign * num * 10**e)
    return Fraction(sign * num, 10**-e)


def _check_size(m: re.Match, text: str, where: str | None, lim: InputLimits) -> int:
    """Refuse number text beyond the limits (before any big integer is made); returns its exponent."""
    ip, den, frac, exp = m.group("int"), m.group("den"), m.group("frac") or "", m.group("exp")
    n_digits = len(ip) + len(den or "") + len(frac)
    if n_digits > lim.max_digits:
        raise InvalidInputError(
            f"{_at(where)}{shorten(text.strip())!r} has {n_digits} digits, more than the limit "
            f"{lim.max_digits} (set_input_limits or POLYRELU_MAX_DIGITS raise it)"
        )
    e = 0
    if exp is not None:
        body = exp.lstrip("+-").lstrip("0") or "0"
        # compare the digit count first: int() of a huge exponent is itself work to avoid
        if len(body) > len(str(lim.max_exponent)) or int(body) > lim.max_exponent:
            raise InvalidInputError(
                f"{_at(where)}the exponent of {shorten(text.strip())!r} is larger than the limit "
                f"{lim.max_exponent} (set_input_limits or POLYRELU_MAX_EXPONENT raise it)"
            )
        e = -int(body) if exp.startswith("-") else int(body)
    # the exact value's numerator and denominator are bounded too ("1e3999" has 4 characters and
    # 4000 digits): every number read can then be converted to text under Python's own limit
    if den is None:
        shift = e - len(frac)
        significant = len((ip + frac).lstrip("0"))
        value_digits = max(significant + shift if significant else 1, 1 - shift if shift < 0 else 1)
        if value_digits > lim.max_digits:
            raise InvalidInputError(
                f"{_at(where)}{shorten(text.strip())!r} has an exact value of {value_digits} digits, more than "
                f"the limit {lim.max_digits} (set_input_limits or POLYRELU_MAX_DIGITS raise it)"
            )
    return e


class OversizedNumber:
    """A number whose text broke a limit, kept as a marker by the JSON reader
    (:func:`polyrelu.validate.loads_json`) so that the error can name the entry's path.

    >>> OversizedNumber("1e99999", "too large")
    1e99999
    """

    __slots__ = ("text", "reason")

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason

    def __repr__(self) -> str:
        return shorten(self.text)




def number_text_error(text: str) -> str | None:
    """Why number text is refused by the limits (the error message), or ``None`` if it is within
    them (or is not number text at all: the caller's parser has its own message for that).

    >>> number_text_error("1.5"), number_text_error("1e99999")
    (None, "the exponent of '1e99999' is larger than the limit 4000 (set_input_limits or POLYRELU_MAX_EXPONENT raise it)")
    """
    m = _NUMBER.match(text)
    if m is None:
        return None
    try:
        _check_size(m, text, None, input_limits())
    except InvalidInputError as err:
        return str(err)
    return None


# -- conversion ------------------------------------------------------------------------------

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
        # number text is bounded before it is parsed: "1e1000000000" must not hang
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


def number(x: Any, where: str, *, rationalize: bool | int = False) -> Fraction:
    """An exact number from JSON: an integer, a float (its exact double, or the nearest simple
    fraction with ``rationalize``) or number text ``"p/q"``.

    >>> number(0.5, "w"), number("2/6", "w")
    (Fraction(1, 2), Fraction(1, 3))
    >>> number(True, "layers[0].bias[1]")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: layers[0].bias[1]: expected a number or a 'p/q' string, got true
    """
    t = type(x)  # exact types first: JSON gives only these, and files hold many numbers
    if t is str:
        return parse_number_text(x, where)
    if t is int:
        return Fraction(x)
    if isinstance(x, OversizedNumber):
        raise InvalidInputError(f"{_at(where)}{x.reason}")
    if isinstance(x, bool) or not isinstance(x, (int, float, str)):
        raise InvalidInputError(f"{_at(where)}expected a number or a 'p/q' string, got {describe(x)}")
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, str):
        return parse_number_text(x, where)
    if not math.isfinite(x):
        raise InvalidInputError(f"{_at(where)}not a finite number: {x!r}")
    q = Fraction(x)
    if rationalize:
        q = q.limit_denominator(10**6 if rationalize is True else int(rationalize))
    return q


def parse_rational_json(x: Any, where: str) -> Fraction:
    """Deprecated name of :func:`number` (kept for one release).

    >>> parse_rational_json("1/3", "w")
    Fraction(1, 3)
    """
    return number(x, where)


def primitive_ints(values: Sequence[Any]) -> tuple[int, ...]:
    """The positive multiple of a rational vector that is a vector of coprime integers.

    Scaling by a positive number keeps a hyperplane and its side, and gives every exact object
    one canonical integer form.

    >>> primitive_ints([Fraction(1, 2), Fraction(-3, 4), 0])
    (2, -3, 0)
    """
    # integer ratios and math.lcm (in C): Fraction arithmetic per entry was the cost
    ratios = [v.as_integer_ratio() if isinstance(v, (int, Fraction)) else Fraction(v).as_integer_ratio()
              for v in values]
    den = math.lcm(1, *(d for _, d in ratios))
    ints = [p * (den // d) for p, d in ratios]
    g = math.gcd(*ints)
    return tuple(x // g for x in ints) if g > 1 else tuple(ints)


def check_format(d: Any, fmt: str, source: str) -> dict:
    """Check the header of one of polyrelu's JSON files: an object with this format, version 1.

    >>> check_format({"format": "polyrelu-network", "version": 1}, "polyrelu-network", "net.json")
    {'format': 'polyrelu-network', 'version': 1}
    >>> check_format({"format": "polyrelu-network", "version": True}, "polyrelu-network", "net.json")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: net.json: unsupported version true (expected the integer 1)
    """
    if not isinstance(d, dict):
        raise InvalidInputError(f"{source}: expected a JSON object")
    if d.get("format") != fmt:
        raise InvalidInputError(f"{source}: 'format' must be {fmt!r}, got {describe(d.get('format'))}")
    version = d.get("version")
    # True == 1 in Python, so the type is checked first: "version": true is not version 1
    if isinstance(version, bool) or not isinstance(version, int) or version != 1:
        raise InvalidInputError(f"{source}: unsupported version {describe(version)} (expected the integer 1)")
    return d
