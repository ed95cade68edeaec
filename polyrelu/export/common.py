"""What every export format shares: checked output paths, JSON files, a polyhedron's generators,
one line describing a complex.

>>> from polyrelu import Polytope
>>> generators(Polytope.box([0], [1]))
(((Fraction(0, 1),), (Fraction(1, 1),)), (), ())
"""
from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..exact import InvalidInputError

__all__ = ["Point", "checked_path", "write_json", "generators", "describe_complex"]

Point = tuple[Fraction, ...]


def checked_path(path: str | os.PathLike) -> Path:
    """``path`` as a ``Path``, after checking that its directory exists.

    >>> checked_path("/no/such/dir/x.json")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: cannot write /no/such/dir/x.json: directory /no/such/dir does not exist
    """
    p = Path(path)
    if p.parent and not p.parent.exists():
        raise InvalidInputError(f"cannot write {p}: directory {p.parent} does not exist")
    return p


def write_json(data: Any, path: str | os.PathLike) -> Path:
    """Write ``data`` as one line of JSON (and a newline) to ``path``; returns the path.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_json({"a": [1, "1/2"]}, pathlib.Path(tmp) / "x.json").read_text()
    '{"a": [1, "1/2"]}\\n'
    """
    p = checked_path(path)
    p.write_text(json.dumps(data) + "\n")
    return p


def generators(P: Any) -> tuple[tuple[Point, ...], tuple[Point, ...], tuple[Point, ...]]:
    """``(vertices, rays, lines)`` of a polyhedron as tuples of exact points.

    >>> from polyrelu import Polytope
    >>> generators(Polytope.from_inequalities([[-1, 0]], [0]))     # the half-plane x >= 0
    (((Fraction(0, 1), Fraction(0, 1)),), ((Fraction(1, 1), Fraction(0, 1)),), ((Fraction(0, 1), Fraction(1, 1)),))
    """
    return tuple(map(tuple, P.vertices)), tuple(map(tuple, P.rays)), tuple(map(tuple, P.lines))


def describe_complex(cx: Any) -> str:
    """What a complex is of, in a few words (for file headers).

    >>> from polyrelu import ReLUNetwork, PolyhedralComplex
    >>> describe_complex(PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])])))
    'ReLUNetwork(1 -> [1] -> 1) on R^1'
    """
    net = getattr(cx, "network", None)
    dom = "R^%d" % cx.dim if getattr(cx, "domain", None) is None else "a bounded domain" if cx.domain.is_bounded else "an unbounded domain"
    return f"{net!r} on {dom}" if net is not None else f"an arrangement on {dom}"
