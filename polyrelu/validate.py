"""The one validation layer every loader goes through: typed access to JSON files and arrays.

Files are read by people we do not know, so nothing in them is trusted: a string is never taken
for a list of characters, a boolean never for a number, and number text is bounded before it is
parsed (the limits and the number text itself are :mod:`polyrelu.exact`'s: :func:`~polyrelu.exact.
set_input_limits`, :func:`~polyrelu.exact.parse_number_text`, :func:`~polyrelu.exact.number`; their
old names here go on working).  Every refusal is an :class:`~polyrelu.exact.InvalidInputError`
naming the file, the JSON path of the entry (``layers[1].weights[3][0]``) and what was expected.

>>> loads_json('[1, 1e1000000000]')  # a marker, refused where the number is used
[1, 1e1000000000]
>>> vector(loads_json('[1, 1e1000000000]'), "w")
Traceback (most recent call last):
...
polyrelu.exact.InvalidInputError: w[1]: the exponent of '1e1000000000' is larger than the limit 4000 (set_input_limits or POLYRELU_MAX_EXPONENT raise it)
>>> vector(["1", 2], "b", length=2)
[Fraction(1, 1), Fraction(2, 1)]
>>> vector("12", "b")
Traceback (most recent call last):
...
polyrelu.exact.InvalidInputError: b: expected a list of numbers, got a string '12'
"""
from __future__ import annotations

import contextlib
import json
import os
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterator

from .exact import (  # noqa: F401  (input_limits ... is_number_text: their old home was here)
    InputLimits,
    InvalidInputError,
    OversizedNumber,
    describe,
    input_limits,
    is_number_text,
    number,
    number_text_error,
    parse_number_text,
    reset_input_limits,
    set_input_limits,
    shorten,
)

__all__ = [
    "integer",
    "expect_list",
    "expect_object",
    "vector",
    "matrix",
    "read_json",
    "read_bytes",
    "loads_json",
    "numeric_array",
    "memory_guard",
]


def _at(where: str | None) -> str:
    return f"{where}: " if where else ""


def _json_int(text: str) -> Any:
    if len(text) <= 4000:  # far below every limit: the fast path of almost every file
        return int(text)
    reason = number_text_error(text)
    return OversizedNumber(text, reason) if reason else int(parse_number_text(text))


def _json_float(text: str) -> Any:
    # a JSON float is read as the double it denotes (docs/formats.md); the text is bounded anyway
    reason = number_text_error(text) if len(text) > 20 or "e" in text or "E" in text else None
    return OversizedNumber(text, reason) if reason else float(text)


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
    """The bytes of an input file, with the package's error for a missing file, a directory, no permission.

    >>> read_bytes("no/such/file.json", "network file")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: no such network file: no/such/file.json
    """
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
    """``x`` if it is a JSON object (a dict), else the error naming ``where``.

    >>> expect_object([1], "domain", "an object with 'box' or 'inequalities'")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: domain: expected an object with 'box' or 'inequalities', got a list of 1 entry
    """
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
    """A JSON list of numbers, of ``length`` entries if given.

    >>> vector([1, "1/2", 0.25], "b")
    [Fraction(1, 1), Fraction(1, 2), Fraction(1, 4)]
    >>> vector([1, 2], "b", length=3)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: b: expected 3 numbers, got 2
    """
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

