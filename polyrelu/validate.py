"""The one validation layer every loader goes through: limits, number text, typed JSON access.

Files are read by people we do not know, so nothing in them is trusted: a string is never taken
for a list of characters, a boolean never for a number, and the *size* of number text is bounded
before it is parsed (``"1e1000000000"`` would otherwise make Python compute a billion-digit
integer).  Every refusal is an :class:`~polyrelu.exact.InvalidInputError` naming the file, the
JSON path of the entry (``layers[1].weights[3][0]``) and what was expected.

The limits (documented in ``docs/formats.md``) are at most 4,000 digits in one number (in its
text, and in the numerator and denominator of its exact value: ``"1e3999"`` has 4,000) and an
exponent of magnitude at most 4,000 -- below Python's own limit of 4,300 digits for converting
integers to text, which polyrelu does when it hands numbers to pycddlib and writes files.  Raise
them with :func:`set_input_limits` or the environment variables ``POLYRELU_MAX_DIGITS`` and
``POLYRELU_MAX_EXPONENT`` (raising the digit limit lifts Python's conversion limit as well).

>>> parse_number_text("-3/4", "x")
Fraction(-3, 4)
>>> parse_number_text("1e1000000000", "w")
Traceback (most recent call last):
...
polyrelu.exact.InvalidInputError: w: the exponent of '1e1000000000' is larger than the limit 4000 (set_input_limits or POLYRELU_MAX_EXPONENT raise it)
>>> vector(["1", 2], "b", length=2)
[Fraction(1, 1), Fraction(2, 1)]
>>> vector("12", "b")
Traceback (most recent call last):
...
polyrelu.exact.InvalidInputError: b: expected a list of numbers, got a string '12'
"""
from __future__ import annotations

import contextlib
import decimal
import json
import math
import os
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterator

from .exact import InvalidInputError

__all__ = [
    "InputLimits",
    "input_limits",
    "set_input_limits",
    "reset_input_limits",
    "shorten",
    "describe",
    "parse_number_text",
    "is_number_text",
    "number",
    "integer",
    "expect_list",
    "expect_object",
    "vector",
    "matrix",
    "read_json",
    "loads_json",
    "numeric_array",
    "memory_guard",
]


@dataclass(frozen=True)
class InputLimits:
    """Bounds on number text read from files and the command line.

    ``max_digits`` bounds the digits in one number's text (numerator, denominator and decimals
    together) and in the numerator and denominator of its exact value (``"1e3999"`` has 4,000);
    ``max_exponent`` bounds ``|e|`` in ``1.5e-3``-style text.
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
    if isinstance(x, _Oversized):
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


class _Oversized:
    """A JSON number whose text broke a limit: kept as a marker, so the error can name its path."""

    __slots__ = ("text", "reason")

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason

    def __repr__(self) -> str:
        return shorten(self.text)


def _check_json_number(text: str) -> str | None:
    m = _NUMBER.match(text)
    if m is None:  # cannot happen for text the JSON parser calls a number; float() will say
        return None
    try:
        _check_size(m, text, None, input_limits())
    except InvalidInputError as e:
        return str(e)
    return None


def _json_int(text: str) -> Any:
    if len(text) <= 4000:  # far below every limit: the fast path of almost every file
        return int(text)
    reason = _check_json_number(text)
    return _Oversized(text, reason) if reason else _digits_to_int(text.lstrip("-")) * (-1 if text[0] == "-" else 1)


def _json_float(text: str) -> Any:
    # a JSON float is read as the double it denotes (docs/formats.md); the text is bounded anyway
    reason = _check_json_number(text) if len(text) > 20 or "e" in text or "E" in text else None
    return _Oversized(text, reason) if reason else float(text)


def loads_json(text: str | bytes, source: str = "input") -> Any:
    """Parse JSON text with bounded numbers; errors name ``source``.

    >>> loads_json('{"a": [1, 2.5]}')
    {'a': [1, 2.5]}
    >>> loads_json('[' * 100000, "deep.json")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: deep.json: JSON nested too deeply to read
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InvalidInputError(f"{source}: not valid JSON (not UTF-8 text: {e.reason} at byte {e.start})") from None
    try:
        return json.loads(text, parse_int=_json_int, parse_float=_json_float)
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"{source}: not valid JSON ({e})") from None
    except RecursionError:
        raise InvalidInputError(f"{source}: JSON nested too deeply to read") from None
    except MemoryError:
        raise InvalidInputError(f"{source}: too large to read into memory") from None


def read_json(path: str | os.PathLike, what: str = "file") -> Any:
    """Read a JSON file; a missing file, a directory or an unreadable file is the package's error.

    >>> read_json("/")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: /: is a directory, expected a file
    """
    path = Path(path)
    return loads_json(read_bytes(path, what), str(path))


def read_bytes(path: str | os.PathLike, what: str = "file") -> bytes:
    """The bytes of an input file, with the package's error for a missing file, a directory, no permission."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInputError(f"{path}: is a directory, expected a {what}")
    if not path.exists():
        raise InvalidInputError(f"no such {what}: {path}")
    try:
        return path.read_bytes()
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read the {what} ({e.strerror or e})") from None
    except MemoryError:
        raise InvalidInputError(f"{path}: too large to read into memory") from None


# -- typed access to parsed JSON -------------------------------------------------------------

def expect_object(x: Any, where: str, what: str = "an object") -> dict:
    """``x`` if it is a JSON object (a dict), else the error naming ``where``."""
    if not isinstance(x, dict):
        raise InvalidInputError(f"{_at(where)}expected {what}, got {describe(x)}")
    return x


def expect_list(x: Any, where: str, what: str = "a list") -> list:
    """``x`` if it is a JSON list; a string is never taken for a list of characters.

    >>> expect_list("56", "b")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: b: expected a list, got a string '56'
    """
    if not isinstance(x, list):
        raise InvalidInputError(f"{_at(where)}expected {what}, got {describe(x)}")
    return x


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
    if isinstance(x, _Oversized):
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


def integer(x: Any, where: str, *, minimum: int | None = None) -> int:
    """A JSON integer (not a boolean, not a float), at least ``minimum``.

    >>> integer(True, "version")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: version: expected an integer, got true
    """
    if isinstance(x, bool) or not isinstance(x, int):
        raise InvalidInputError(f"{_at(where)}expected an integer, got {describe(x)}")
    if minimum is not None and x < minimum:
        raise InvalidInputError(f"{_at(where)}expected an integer >= {minimum}, got {x}")
    return x


def vector(x: Any, where: str, *, length: int | None = None, rationalize: bool | int = False) -> list[Fraction]:
    """A JSON list of numbers, of ``length`` entries if given."""
    items = expect_list(x, where, "a list of numbers")
    if length is not None and len(items) != length:
        raise InvalidInputError(f"{_at(where)}expected {length} numbers, got {len(items)}")
    return [number(v, f"{where}[{i}]", rationalize=rationalize) for i, v in enumerate(items)]


def matrix(
    x: Any, where: str, *, rows: int | None = None, cols: int | None = None, rationalize: bool | int = False
) -> list[list[Fraction]]:
    """A JSON list of rows of numbers, all of one length (``cols`` if given), ``rows`` of them if given.

    >>> matrix([[1, 2], [3]], "A")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: A[1]: expected 2 numbers (the length of row 0), got 1
    """
    items = expect_list(x, where, "a list of rows (lists of numbers)")
    if rows is not None and len(items) != rows:
        raise InvalidInputError(f"{_at(where)}expected {rows} rows, got {len(items)}")
    out: list[list[Fraction]] = []
    for i, r in enumerate(items):
        row = vector(r, f"{where}[{i}]", rationalize=rationalize)
        want = cols if cols is not None else (len(out[0]) if out else None)
        if want is not None and len(row) != want:
            why = "" if cols is not None else " (the length of row 0)"
            raise InvalidInputError(f"{where}[{i}]: expected {want} numbers{why}, got {len(row)}")
        out.append(row)
    return out


# -- arrays ------------------------------------------------------------------------------------

def numeric_array(a: Any, where: str, ndim: int) -> Any:
    """``a`` if it is a numpy array of real numbers (integers or binary floats) with ``ndim`` axes.

    Object, string, boolean and complex arrays are refused: none of them is a table of weights.

    >>> import numpy as np
    >>> numeric_array(np.zeros((2, 3)), "W0", 2).shape
    (2, 3)
    >>> numeric_array(np.zeros(3, dtype=complex), "b0", 1)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: b0: expected an array of real numbers, got dtype complex128
    """
    import numpy as np

    if not isinstance(a, np.ndarray):
        raise InvalidInputError(f"{_at(where)}expected an array, got {describe(a)}")
    if a.dtype.kind not in "iuf":
        raise InvalidInputError(f"{_at(where)}expected an array of real numbers, got dtype {a.dtype}")
    if a.ndim != ndim:
        raise InvalidInputError(f"{_at(where)}expected a {ndim}-D array, got shape {a.shape}")
    return a


@contextlib.contextmanager
def memory_guard(what: str = "the computation") -> Iterator[None]:
    """Turn a :class:`MemoryError` (exact values too large for this machine) into the package's error.

    >>> with memory_guard("a test"):
    ...     raise MemoryError
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: out of memory in a test: the exact numbers are too large for this machine (use smaller or simpler numbers, or a smaller domain)
    """
    try:
        yield
    except MemoryError:
        raise InvalidInputError(
            f"out of memory in {what}: the exact numbers are too large for this machine "
            "(use smaller or simpler numbers, or a smaller domain)"
        ) from None

