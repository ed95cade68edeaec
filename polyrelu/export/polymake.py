"""polymake: the complex as ``fan::PolyhedralComplex<Rational>``, one polyhedron as
``polytope::Polytope<Rational>``, exact ``"p/q"`` strings in polymake's JSON format."""
from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..exact import InvalidInputError
from ..exact import fraction_to_str as _q
from .common import describe_complex, generators, write_json

__all__ = ["POLYMAKE_NS", "polymake_complex_data", "polymake_polytope_data", "to_polymake", "polytope_to_polymake"]

#: The ``_ns`` tag polymake writes into its JSON files; the files below were checked with 4.6.
POLYMAKE_NS = {"polymake": ["https://polymake.org", "4.6"]}


def _incidence(rows: list[list[int]], cols: int) -> list:
    # polymake writes an IncidenceMatrix as its rows followed by {"cols": n}
    return [sorted(r) for r in rows] + [{"cols": cols}]


def _matrix(rows: Iterable[Sequence[Fraction]], cols: int) -> list:
    out = [[_q(x) for x in r] for r in rows]
    return out if out else [{"cols": cols}]


def polymake_complex_data(cx: Any) -> dict:
    """The complex as a polymake ``fan::PolyhedralComplex<Rational>`` (JSON-ready dict).

    Points are homogenised (leading 1 for a point, 0 for a ray direction) with exact ``"p/q"``
    entries in ``POINTS``; ``INPUT_POLYTOPES`` lists one cell per region, in region order; a
    lineality space shared by all regions goes to ``INPUT_LINEALITY``.  polymake computes
    ``VERTICES``, ``MAXIMAL_POLYTOPES``, ``F_VECTOR``... from this input itself.

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]),
    ...                                     domain=Polytope.box([-1, 0], [1, 1]))
    >>> d = polymake_complex_data(cx)
    >>> sorted(d["POINTS"])
    [['1', '-1', '0'], ['1', '-1', '1'], ['1', '0', '0'], ['1', '0', '1'], ['1', '1', '0'], ['1', '1', '1']]
    >>> [len(cell) for cell in d["INPUT_POLYTOPES"][:-1]], d["INPUT_POLYTOPES"][-1]
    ([4, 4], {'cols': 6})
    """
    n = cx.dim
    points: list[tuple[Fraction, ...]] = []
    index: dict[tuple[Fraction, ...], int] = {}

    def idx(row: tuple[Fraction, ...]) -> int:
        if row not in index:
            index[row] = len(points)
            points.append(row)
        return index[row]

    gens = [generators(r.polytope) for r in cx.regions]
    line_sets = {tuple(sorted(L)) for _, _, L in gens}
    common = next(iter(line_sets)) if len(line_sets) == 1 else None
    one, zero = Fraction(1), Fraction(0)
    cells = []
    for V, R, L in gens:
        ids = [idx((one,) + v) for v in V] + [idx((zero,) + r) for r in R]
        if common is None:  # different lineality per cell: spell lines out as opposite rays
            for l in L:
                ids += [idx((zero,) + l), idx((zero,) + tuple(-x for x in l))]
        cells.append(ids)
    data: dict[str, Any] = {
        "_type": "fan::PolyhedralComplex<Rational>",
        "_ns": POLYMAKE_NS,
        "_info": {"description": f"polyrelu: {len(cx)} regions of {describe_complex(cx)}"},
        "POINTS": _matrix(points, n + 1),
        "INPUT_POLYTOPES": _incidence(cells, len(points)),
    }
    if common:
        data["INPUT_LINEALITY"] = _matrix(((zero,) + l for l in common), n + 1)
    return data



def polymake_polytope_data(P: Any, *, representation: str = "points") -> dict:
    """One polyhedron as a polymake ``polytope::Polytope<Rational>`` (JSON-ready dict).

    ``representation="points"`` writes ``POINTS`` (+ ``INPUT_LINEALITY``); ``"inequalities"``
    writes ``INEQUALITIES`` and ``EQUATIONS`` (polymake's rows ``(c, a)`` mean ``c + a.x >= 0``).

    >>> from polyrelu import Polytope
    >>> polymake_polytope_data(Polytope.box([0], ["1/2"]))["POINTS"]
    [['1', '0'], ['1', '1/2']]
    >>> polymake_polytope_data(Polytope.box([0], ["1/2"]), representation="inequalities")["INEQUALITIES"]
    [['0', '1'], ['1', '-2']]
    """
    n = P.ambient_dim
    data: dict[str, Any] = {"_type": "polytope::Polytope<Rational>", "_ns": POLYMAKE_NS}
    one, zero = Fraction(1), Fraction(0)
    if representation == "points":
        V, R, L = generators(P)
        data["POINTS"] = _matrix([(one,) + v for v in V] + [(zero,) + r for r in R], n + 1)
        if L:
            data["INPUT_LINEALITY"] = _matrix([(zero,) + l for l in L], n + 1)
    elif representation == "inequalities":
        A, b = P.inequalities
        E, f = P.equalities
        data["INEQUALITIES"] = _matrix([(beta,) + tuple(-x for x in a) for a, beta in zip(A, b)], n + 1)
        if E:
            data["EQUATIONS"] = _matrix([(-phi,) + tuple(e) for e, phi in zip(E, f)], n + 1)
    else:
        raise InvalidInputError(f"representation must be 'points' or 'inequalities', got {representation!r}")
    return data



def to_polymake(cx: Any, path: str | os.PathLike) -> Path:
    """Write the complex as a polymake JSON file; load it in polymake with ``load_data(path)``.

    >>> import tempfile, pathlib, json
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]),
    ...                                     domain=Polytope.box([-1], [1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(json.loads(to_polymake(cx, pathlib.Path(tmp) / "cx.json").read_text())["POINTS"])
    [['1', '-1'], ['1', '0'], ['1', '1']]
    """
    return write_json(polymake_complex_data(cx), path)


def polytope_to_polymake(P: Any, path: str | os.PathLike, *, representation: str = "points") -> Path:
    """Write one polyhedron (e.g. ``region.polytope``) as a polymake ``Polytope<Rational>`` file.

    >>> import tempfile, pathlib, json
    >>> from polyrelu import Polytope
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = polytope_to_polymake(Polytope.simplex(2), pathlib.Path(tmp) / "s.json")
    ...     json.loads(p.read_text())["_type"]
    'polytope::Polytope<Rational>'
    """
    return write_json(polymake_polytope_data(P, representation=representation), path)
