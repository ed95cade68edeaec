"""Export a polyhedral complex to geometry software, meshes, maps and graph files.

One function per target; every format gets exact rationals where it can hold them:

* polymake: :func:`to_polymake` (``fan::PolyhedralComplex<Rational>``) and
  :func:`polytope_to_polymake` (``polytope::Polytope<Rational>``) -- exact ``"p/q"`` strings;
* SageMath: :func:`to_sage` (live ``PolyhedralComplex`` over ``QQ``) and :func:`write_sage_script`;
* cddlib: :func:`to_cdd` / :func:`polytope_to_cdd` write ``.ine``/``.ext``, :func:`read_cdd` and
  :func:`polytope_from_cdd` read them -- exact;
* ParaView/VTK through meshio: :func:`to_meshio`, :func:`to_vtk` -- float64 points;
* GeoJSON (2-D): :func:`to_geojson` -- float coordinates, exact properties;
* the adjacency graph: :func:`adjacency_graph`, :func:`to_graphml`, :func:`to_node_link` -- exact strings;
* the whole complex: :func:`to_json` (``PolyhedralComplex.save``) -- exact;
* :func:`export` picks one by name, :func:`export_all` / :func:`demo` write every kind that applies.

>>> import tempfile, pathlib, json
>>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
>>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
>>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
>>> d = polymake_complex_data(cx)
>>> d["_type"], len(d["INPUT_POLYTOPES"]) - 1
('fan::PolyhedralComplex<Rational>', 4)
>>> with tempfile.TemporaryDirectory() as tmp:
...     p = to_geojson(cx, pathlib.Path(tmp) / "cx.geojson")
...     len(json.loads(p.read_text())["features"])
4
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Sequence

from .exact import InvalidInputError, fraction_to_str

__all__ = [
    "FORMATS",
    "export",
    "pattern_string",
    "signs_string",
    "pattern_hash",
    "region_output",
    "polymake_complex_data",
    "polymake_polytope_data",
    "to_polymake",
    "polytope_to_polymake",
    "sage_available",
    "to_sage",
    "polytope_to_sage",
    "sage_script",
    "write_sage_script",
    "polytope_to_cdd",
    "to_cdd",
    "read_cdd",
    "polytope_from_cdd",
    "to_meshio",
    "to_vtk",
    "geojson_data",
    "to_geojson",
    "adjacency_graph",
    "to_graphml",
    "to_node_link",
    "read_node_link",
    "to_json",
    "export_all",
    "demo",
]

#: The ``_ns`` tag polymake writes into its JSON files; the files below were checked with 4.6.
POLYMAKE_NS = {"polymake": ["https://polymake.org", "4.6"]}

Point = tuple[Fraction, ...]

# ---------------------------------------------------------------------------------------------
# small helpers shared by every format
# ---------------------------------------------------------------------------------------------


def _q(x: Fraction | int) -> str:
    return fraction_to_str(x)


def _path(path: str | os.PathLike) -> Path:
    p = Path(path)
    if p.parent and not p.parent.exists():
        raise InvalidInputError(f"cannot write {p}: directory {p.parent} does not exist")
    return p


def pattern_string(region: Any) -> str:
    """The activation pattern of a region as text: one 0/1 digit per neuron, layers split by ``|``.

    >>> from types import SimpleNamespace
    >>> pattern_string(SimpleNamespace(pattern=((1, 0, 1), (0, 1))))
    '101|01'
    """
    return "|".join("".join(str(int(a)) for a in layer) for layer in region.pattern)


def signs_string(region: Any) -> str:
    """The sign vector of a region as text: ``+``/``-``/``0`` per neuron, layers split by ``|``.

    ``0`` marks a neuron that is identically zero on the region.

    >>> from types import SimpleNamespace
    >>> signs_string(SimpleNamespace(signs=((1, -1, 0), (1,))))
    '+-0|+'
    """
    sym = {1: "+", -1: "-", 0: "0"}
    return "|".join("".join(sym[int(s)] for s in layer) for layer in region.signs)


def pattern_hash(region_or_pattern: Any) -> int:
    """A stable 31-bit integer naming an activation pattern (same value in every run and file).

    It is meant for colouring and grouping cells in viewers that only hold numbers (VTK cell
    data); two patterns can share a hash only by a (rare) collision.

    >>> pattern_hash(((1, 0, 1), (0, 1))) == pattern_hash(((1, 0, 1), (0, 1)))
    True
    >>> pattern_hash(((1, 0, 1), (0, 1))) != pattern_hash(((1, 0, 1), (1, 1)))
    True
    """
    pattern = getattr(region_or_pattern, "pattern", region_or_pattern)
    text = "|".join("".join(str(int(a)) for a in layer) for layer in pattern)
    digest = hashlib.blake2b(text.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF


def region_output(cx: Any, region: Any) -> tuple[Fraction, ...] | None:
    """The exact network output at the region's interior point (``None`` for an arrangement).

    >>> from polyrelu import ReLUNetwork, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[2]], [1])]))
    >>> sorted(region_output(cx, r)[0] > 1 for r in cx.regions)
    [False, True]
    """
    net = getattr(cx, "network", None)
    if net is None or getattr(cx, "_arrangement", None) is not None:
        return None
    return tuple(net(region.interior_point))


def _linear_region_ids(cx: Any) -> dict[int, int]:
    """Region index -> index of its linear region (pieces numbered by their smallest region)."""
    try:
        pieces = cx.linear_regions()
    except Exception:  # an arrangement has no affine maps: every region is its own piece
        return {r.index: r.index for r in cx.regions}
    pieces = sorted((sorted(p) for p in pieces), key=lambda p: p[0])
    return {i: k for k, piece in enumerate(pieces) for i in piece}


def _generators(P: Any) -> tuple[tuple[Point, ...], tuple[Point, ...], tuple[Point, ...]]:
    return tuple(map(tuple, P.vertices)), tuple(map(tuple, P.rays)), tuple(map(tuple, P.lines))


def _require_bounded(cx: Any, what: str) -> None:
    for r in cx.regions:
        if not r.is_bounded:
            raise InvalidInputError(
                f"{what} needs bounded regions, but region {r.index} is unbounded: "
                "build the complex on a bounded domain (e.g. --box LO HI)"
            )


def _require_dim(cx: Any, dims: Sequence[int], what: str) -> None:
    if cx.dim not in dims:
        raise InvalidInputError(
            f"{what} is for {' or '.join(f'{d}-D' for d in dims)} inputs; this complex is {cx.dim}-D"
        )


# ---------------------------------------------------------------------------------------------
# exact cyclic order of the vertices of a convex polygon (2-D regions, 3-D facets)
# ---------------------------------------------------------------------------------------------


def _sub(a: Sequence[Fraction], b: Sequence[Fraction]) -> tuple[Fraction, ...]:
    return tuple(x - y for x, y in zip(a, b))


def _dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def _cross(a: Sequence[Fraction], b: Sequence[Fraction]) -> tuple[Fraction, ...]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _cyclic_order(points: Sequence[Sequence[Fraction]], normal: Sequence[Fraction]) -> list[int]:
    """Indices of coplanar 3-D points (vertices of a convex polygon) in counterclockwise order
    seen from the tip of ``normal`` -- decided exactly, by signs of triple products."""
    k = len(points)
    if k < 3:
        return list(range(k))
    c = tuple(sum(p[j] for p in points) / k for j in range(3))
    d = [_sub(p, c) for p in points]
    u = d[0]

    def orient(a, b) -> Fraction:
        return _dot(normal, _cross(a, b))

    def half(v) -> int:
        o = orient(u, v)
        if o > 0 or (o == 0 and _dot(u, v) > 0):
            return 0
        return 1

    def cmp(i: int, j: int) -> int:
        hi, hj = half(d[i]), half(d[j])
        if hi != hj:
            return hi - hj
        o = orient(d[i], d[j])
        return -1 if o > 0 else (1 if o < 0 else 0)

    return sorted(range(k), key=functools.cmp_to_key(cmp))


def _polygon_ccw(vertices: Sequence[Sequence[Fraction]]) -> list[Point]:
    """The vertices of a convex polygon in the plane, counterclockwise."""
    lifted = [(v[0], v[1], Fraction(0)) for v in vertices]
    order = _cyclic_order(lifted, (Fraction(0), Fraction(0), Fraction(1)))
    return [tuple(vertices[i]) for i in order]


def _polyhedron_faces(P: Any) -> list[list[Point]]:
    """The facets of a bounded 3-D polytope as vertex lists, each counterclockwise seen from
    outside (right-hand rule gives the outward normal, as VTK expects)."""
    A, b = P.inequalities
    V = [tuple(v) for v in P.vertices]
    faces = []
    for a, beta in zip(A, b):
        on = [v for v in V if _dot(a, v) == beta]
        order = _cyclic_order(on, a)  # a is the outward normal of a.x <= beta
        faces.append([on[i] for i in order])
    return faces


# ---------------------------------------------------------------------------------------------
# polymake
# ---------------------------------------------------------------------------------------------


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

    gens = [_generators(r.polytope) for r in cx.regions]
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
        "_info": {"description": f"polyrelu: {len(cx)} regions of {_describe(cx)}"},
        "POINTS": _matrix(points, n + 1),
        "INPUT_POLYTOPES": _incidence(cells, len(points)),
    }
    if common:
        data["INPUT_LINEALITY"] = _matrix(((zero,) + l for l in common), n + 1)
    return data


def _describe(cx: Any) -> str:
    net = getattr(cx, "network", None)
    dom = "R^%d" % cx.dim if getattr(cx, "domain", None) is None else "a bounded domain" if cx.domain.is_bounded else "an unbounded domain"
    return f"{net!r} on {dom}" if net is not None else f"an arrangement on {dom}"


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
        V, R, L = _generators(P)
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


def _write_json(data: Any, path: str | os.PathLike) -> Path:
    p = _path(path)
    p.write_text(json.dumps(data) + "\n")
    return p


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
    return _write_json(polymake_complex_data(cx), path)


def polytope_to_polymake(P: Any, path: str | os.PathLike, *, representation: str = "points") -> Path:
    """Write one polyhedron (e.g. ``region.polytope``) as a polymake ``Polytope<Rational>`` file.

    >>> import tempfile, pathlib, json
    >>> from polyrelu import Polytope
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = polytope_to_polymake(Polytope.simplex(2), pathlib.Path(tmp) / "s.json")
    ...     json.loads(p.read_text())["_type"]
    'polytope::Polytope<Rational>'
    """
    return _write_json(polymake_polytope_data(P, representation=representation), path)


# ---------------------------------------------------------------------------------------------
# SageMath
# ---------------------------------------------------------------------------------------------

SAGE_INSTALL_HINT = "pip install passagemath-polyhedra passagemath-graphs"


def _sage_modules():
    """Import Sage's ``Polyhedron``, ``QQ`` and ``PolyhedralComplex`` (full Sage or passagemath)."""
    try:
        from sage.all import PolyhedralComplex, Polyhedron, QQ  # a full Sage installation
    except ImportError:
        try:
            # passagemath: the polyhedra part must be initialised before sage.geometry is imported
            from sage.all__sagemath_polyhedra import QQ, Polyhedron
            from sage.geometry.polyhedral_complex import PolyhedralComplex
        except ImportError as e:
            raise ImportError(f"SageMath is not importable ({e}); install it with: {SAGE_INSTALL_HINT}") from e
    return Polyhedron, QQ, PolyhedralComplex


def sage_available() -> bool:
    """Whether Sage (or passagemath with polyhedra and topology) can be imported here."""
    try:
        _sage_modules()
    except ImportError:
        return False
    return True


def polytope_to_sage(P: Any):
    """One polyhedron as a Sage ``Polyhedron`` over ``QQ`` (needs Sage / passagemath)."""
    Polyhedron, QQ, _ = _sage_modules()
    V, R, L = _generators(P)
    conv = lambda rows: [[QQ(_q(x)) for x in r] for r in rows]  # noqa: E731
    return Polyhedron(vertices=conv(V), rays=conv(R), lines=conv(L), base_ring=QQ, ambient_dim=P.ambient_dim)


def to_sage(cx: Any, *, face_to_face_check: bool = False):
    """The complex as a Sage ``PolyhedralComplex`` of ``Polyhedron(base_ring=QQ)`` cells.

    Needs Sage or passagemath (``pip install passagemath-polyhedra passagemath-graphs``); without
    it, :func:`write_sage_script` writes a script that builds the same object inside Sage.
    ``face_to_face_check=True`` makes Sage verify that the cells meet face to face.
    """
    _, _, PolyhedralComplex = _sage_modules()
    cells = [polytope_to_sage(r.polytope) for r in cx.regions]
    return PolyhedralComplex(cells, face_to_face_check=face_to_face_check, ambient_dim=cx.dim)


def sage_script(cx: Any) -> str:
    """A self-contained Python/Sage script that rebuilds the complex in Sage as ``complex``.

    Numbers are written as ``QQ("p/q")`` so the script means the same as a ``.sage`` file and as a
    plain ``.py`` file run with passagemath.  Run directly, it prints the f-vector and the number
    of maximal cells as JSON.

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]),
    ...                                     domain=Polytope.box([-1], [1]))
    >>> script = sage_script(cx)
    >>> 'Polyhedron(vertices=[[q("-1")], [q("0")]], rays=[], lines=[], base_ring=QQ, ambient_dim=1)' in script
    True
    >>> script.count("Polyhedron(vertices=")
    2
    """

    def rows(rs) -> str:
        return "[" + ", ".join("[" + ", ".join(f'q("{_q(x)}")' for x in r) + "]" for r in rs) + "]"

    cells = []
    for r in cx.regions:
        V, R, L = _generators(r.polytope)
        cells.append(
            f"    Polyhedron(vertices={rows(V)}, rays={rows(R)}, lines={rows(L)}, base_ring=QQ, ambient_dim={cx.dim}),"
        )
    body = "\n".join(cells)
    return f'''# Generated by polyrelu: {len(cx)} regions of {_describe(cx)}.
# Run with `sage {{this file}}`, or with a Python that has passagemath:
#   {SAGE_INSTALL_HINT}
try:
    from sage.all import Polyhedron, QQ, PolyhedralComplex
except ImportError:
    from sage.all__sagemath_polyhedra import Polyhedron, QQ
    from sage.geometry.polyhedral_complex import PolyhedralComplex


def q(s):
    return QQ(s)


cells = [
{body}
]
complex = PolyhedralComplex(cells, ambient_dim={cx.dim})

if __name__ == "__main__":
    import json
    by_dim = complex.cells()
    print(json.dumps({{
        "f_vector": [len(by_dim.get(k, ())) for k in range(complex.dimension() + 1)],
        "maximal_cells": sum(len(c) for c in complex.maximal_cells().values()),
    }}))
'''


def write_sage_script(cx: Any, path: str | os.PathLike) -> Path:
    """Write :func:`sage_script` to ``path`` (``.sage`` or ``.py``)."""
    p = _path(path)
    p.write_text(sage_script(cx))
    return p


# ---------------------------------------------------------------------------------------------
# cddlib
# ---------------------------------------------------------------------------------------------


def _cdd_text(rows: list[list[Fraction]], lin: set[int], rep: str, cols: int) -> str:
    import cdd.gmp as cg

    if not rows:
        # cdd cannot infer the width of an empty matrix; "1 >= 0" / no generator keeps it valid
        if rep == "H":
            rows = [[Fraction(1)] + [Fraction(0)] * (cols - 1)]
        else:
            return f"V-representation\nbegin\n 0 {cols} rational\nend\n"
    rt = cg.RepType.INEQUALITY if rep == "H" else cg.RepType.GENERATOR
    return str(cg.matrix_from_array(rows, lin_set=sorted(lin), rep_type=rt)) + "\n"


def polytope_to_cdd(P: Any, path: str | os.PathLike) -> Path:
    """Write one polyhedron as a cddlib file: ``.ine`` (H-representation) or ``.ext`` (V-).

    The text is produced by pycddlib (``cdd.gmp``), exact rationals; cddlib's ``scdd_gmp`` and
    :func:`read_cdd` read it back.  ``.ine`` rows are ``b -A`` for ``A x <= b``, equalities in
    the ``linearity`` set; ``.ext`` rows are ``1 v`` (vertices) and ``0 r`` (rays; lines in the
    ``linearity`` set).

    >>> import tempfile, pathlib
    >>> from polyrelu import Polytope
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print(polytope_to_cdd(Polytope.box([0], ["1/2"]), pathlib.Path(tmp) / "i.ext").read_text())
    V-representation
    begin
     2 2 rational
     1 0
     1 1/2
    end
    <BLANKLINE>
    """
    p = _path(path)
    n = P.ambient_dim
    if p.suffix == ".ine":
        A, b = P.inequalities
        E, f = P.equalities
        rows = [[beta] + [-x for x in a] for a, beta in zip(A, b)]
        lin = set(range(len(rows), len(rows) + len(E)))
        rows += [[phi] + [-x for x in e] for e, phi in zip(E, f)]
        p.write_text(_cdd_text(rows, lin, "H", n + 1))
    elif p.suffix == ".ext":
        V, R, L = _generators(P)
        rows = [[Fraction(1)] + list(v) for v in V] + [[Fraction(0)] + list(r) for r in R]
        lin = set(range(len(rows), len(rows) + len(L)))
        rows += [[Fraction(0)] + list(l) for l in L]
        p.write_text(_cdd_text(rows, lin, "V", n + 1))
    else:
        raise InvalidInputError(f"a cdd file name must end in .ine or .ext, got {p.name!r}")
    return p


def to_cdd(cx: Any, directory: str | os.PathLike, *, regions: Iterable[int] | None = None) -> list[Path]:
    """Write ``region_<i>.ine`` and ``region_<i>.ext`` for each region into ``directory``.

    The directory is created if missing.  Returns the paths written, in region order.

    >>> import tempfile
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]),
    ...                                     domain=Polytope.box([-1], [1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in to_cdd(cx, tmp)]
    ['region_0.ine', 'region_0.ext', 'region_1.ine', 'region_1.ext']
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    chosen = range(len(cx)) if regions is None else list(regions)
    width = len(str(max(len(cx) - 1, 0)))
    out = []
    for i in chosen:
        if not 0 <= i < len(cx):
            raise InvalidInputError(f"region {i} does not exist (the complex has {len(cx)} regions)")
        P = cx.regions[i].polytope
        for suffix in (".ine", ".ext"):
            out.append(polytope_to_cdd(P, d / f"region_{i:0{width}d}{suffix}"))
    return out


def read_cdd(path: str | os.PathLike):
    """Read a cddlib ``.ine``/``.ext`` file (rational, integer or decimal) into a ``cdd.gmp.Matrix``.

    pycddlib 3 has no file reader, so this parses cddlib's documented text format; the numbers
    are read exactly.

    >>> import tempfile, pathlib
    >>> from polyrelu import Polytope
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     m = read_cdd(polytope_to_cdd(Polytope.box([0], ["1/2"]), pathlib.Path(tmp) / "i.ine"))
    >>> m.array, m.rep_type.name
    ([[Fraction(0, 1), Fraction(1, 1)], [Fraction(1, 1), Fraction(-2, 1)]], 'INEQUALITY')
    """
    import cdd.gmp as cg

    p = Path(path)
    if not p.exists():
        raise InvalidInputError(f"no such cdd file: {p}")
    rep = None
    lin: list[int] = []
    rows: list[list[Fraction]] = []
    lines = iter(enumerate(p.read_text().splitlines(), start=1))
    for no, raw in lines:
        line = raw.strip()
        if not line or line.startswith("*"):
            continue
        low = line.lower()
        if low.startswith("h-representation"):
            rep = cg.RepType.INEQUALITY
        elif low.startswith("v-representation"):
            rep = cg.RepType.GENERATOR
        elif low.startswith("linearity"):
            parts = line.split()[1:]
            try:
                k, idx = int(parts[0]), [int(x) for x in parts[1:]]
            except (ValueError, IndexError):
                raise InvalidInputError(f"{p}:{no}: bad linearity line {raw!r}") from None
            if k != len(idx):
                raise InvalidInputError(f"{p}:{no}: linearity announces {k} rows but lists {len(idx)}")
            lin = [i - 1 for i in idx]
        elif low == "begin":
            try:
                no, head = next(lines)
                m_s, n_s, kind = head.split()[:3]
                m, n = int(m_s), int(n_s)
            except (StopIteration, ValueError):
                raise InvalidInputError(f"{p}: expected 'm n rational' after 'begin'") from None
            for _ in range(m):
                try:
                    no, row = next(lines)
                except StopIteration:
                    raise InvalidInputError(f"{p}: file ends before its {m} rows") from None
                try:
                    vals = [Fraction(x) for x in row.split()]
                except (ValueError, ZeroDivisionError):
                    raise InvalidInputError(f"{p}:{no}: not a row of numbers: {row!r}") from None
                if len(vals) != n:
                    raise InvalidInputError(f"{p}:{no}: row has {len(vals)} entries, expected {n}")
                rows.append(vals)
            break
    else:
        raise InvalidInputError(f"{p}: no 'begin' line: not a cdd file")
    if rep is None:
        rep = cg.RepType.UNSPECIFIED
    if not rows:
        raise InvalidInputError(f"{p}: the matrix has no rows")
    if any(not 0 <= i < len(rows) for i in lin):
        raise InvalidInputError(f"{p}: linearity names a row that does not exist")
    return cg.matrix_from_array(rows, lin_set=lin, rep_type=rep)


def polytope_from_cdd(source: Any):
    """A cddlib file (path) or a ``cdd.gmp.Matrix`` as a :class:`~polyrelu.polytope.Polytope` (exact).

    A V-representation without any point is a cone with apex at the origin (cddlib leaves the
    origin out of the generators of a homogeneous cone).

    >>> import cdd.gmp as cg
    >>> m = cg.matrix_from_array([[0, -1, 0], [0, 0, 1]], lin_set=[1], rep_type=cg.RepType.GENERATOR)
    >>> polytope_from_cdd(m).inequalities   # the half-plane x <= 0
    (((Fraction(1, 1), Fraction(0, 1)),), (Fraction(0, 1),))
    """
    import cdd.gmp as cg

    from .polytope import Polytope

    path = source if isinstance(source, (str, os.PathLike)) else "matrix"
    m = read_cdd(source) if isinstance(source, (str, os.PathLike)) else source
    rows, lin = m.array, set(m.lin_set)
    if not rows:
        raise InvalidInputError(f"{path}: the matrix has no rows")
    if m.rep_type == cg.RepType.GENERATOR:
        V, R, L = [], [], []
        for i, r in enumerate(rows):
            t, x = r[0], r[1:]
            if t != 0:
                if i in lin:
                    raise InvalidInputError(f"{path}: a point in the linearity set is not supported")
                V.append([xi / t for xi in x])
            else:
                (L if i in lin else R).append(x)
        if not V:
            V = [[Fraction(0)] * (len(rows[0]) - 1)]
        return Polytope.from_vertices(V, rays=R, lines=L)
    A = [[-x for x in r[1:]] for i, r in enumerate(rows) if i not in lin]
    b = [r[0] for i, r in enumerate(rows) if i not in lin]
    E = [[-x for x in r[1:]] for i, r in enumerate(rows) if i in lin]
    f = [r[0] for i, r in enumerate(rows) if i in lin]
    n = len(rows[0]) - 1
    if not A:
        A, b = [[Fraction(0)] * n], [Fraction(1)]
    return Polytope.from_inequalities(A, b, equalities=(E, f) if E else None)


# ---------------------------------------------------------------------------------------------
# ParaView / VTK through meshio
# ---------------------------------------------------------------------------------------------


def to_meshio(cx: Any):
    """The regions of a bounded 2-D or 3-D complex as a ``meshio.Mesh``.

    2-D regions become ``polygon`` cells (counterclockwise), 3-D regions ``polyhedron<k>`` cells
    whose faces are listed counterclockwise seen from outside.  Cell data: ``region`` (index),
    ``pattern_hash`` (:func:`pattern_hash`), ``linear_region`` and ``output`` (the first output
    coordinate at the region's interior point, as float64).  Points are float64 (the format has
    no rationals), padded with z = 0 in 2-D; equal exact vertices share one point.
    """
    import meshio
    import numpy as np

    _require_dim(cx, (2, 3), "VTK export")
    _require_bounded(cx, "VTK export")
    points: list[tuple[Fraction, ...]] = []
    index: dict[tuple[Fraction, ...], int] = {}

    def idx(v) -> int:
        v = tuple(v)
        if v not in index:
            index[v] = len(points)
            points.append(v)
        return index[v]

    lin_ids = _linear_region_ids(cx)
    cells = []  # (block key, connectivity, region)
    for r in cx.regions:
        if cx.dim == 2:
            conn = [idx(v) for v in _polygon_ccw(r.polytope.vertices)]
            cells.append((len(conn), conn, r))
        else:
            faces = [[idx(v) for v in face] for face in _polyhedron_faces(r.polytope)]
            cells.append((len({i for f in faces for i in f}), faces, r))
    # meshio reads polyhedra back grouped by vertex count (ascending): write them that way
    cells.sort(key=lambda c: (c[0], c[2].index))
    blocks, data = [], {"region": [], "pattern_hash": [], "linear_region": [], "output": []}
    for k in sorted({c[0] for c in cells}):
        group = [c for c in cells if c[0] == k]
        if cx.dim == 2:
            blocks.append(meshio.CellBlock("polygon", np.array([c[1] for c in group], dtype=np.int64)))
        else:
            blocks.append(
                meshio.CellBlock(f"polyhedron{k}", [[np.array(f, dtype=np.int64) for f in c[1]] for c in group])
            )
        data["region"].append(np.array([c[2].index for c in group], dtype=np.int64))
        data["pattern_hash"].append(np.array([pattern_hash(c[2]) for c in group], dtype=np.int64))
        data["linear_region"].append(np.array([lin_ids[c[2].index] for c in group], dtype=np.int64))
        outs = [region_output(cx, c[2]) for c in group]
        data["output"].append(np.array([float(o[0]) if o else 0.0 for o in outs], dtype=np.float64))
    pts = np.array([[float(x) for x in p] + [0.0] * (3 - cx.dim) for p in points], dtype=np.float64)
    return meshio.Mesh(pts, blocks, cell_data=data)


def to_vtk(cx: Any, path: str | os.PathLike) -> Path:
    """Write :func:`to_meshio`'s mesh for ParaView; the format follows the suffix (``.vtu`` is best:
    it holds polyhedron cells).

    >>> import tempfile, pathlib, meshio
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     m = meshio.read(to_vtk(cx, pathlib.Path(tmp) / "cx.vtu"))
    >>> sorted(int(i) for block in m.cell_data["region"] for i in block)
    [0, 1, 2, 3]
    """
    import meshio

    p = _path(path)
    if p.suffix not in (".vtu", ".vtk", ".xdmf", ".xmf"):
        raise InvalidInputError(f"VTK export writes .vtu (or .vtk/.xdmf), got {p.name!r}")
    meshio.write(p, to_meshio(cx))
    return p


# ---------------------------------------------------------------------------------------------
# GeoJSON
# ---------------------------------------------------------------------------------------------


def _region_properties(cx: Any, r: Any, lin_ids: dict[int, int]) -> dict:
    out = region_output(cx, r)
    props: dict[str, Any] = {
        "region": r.index,
        "pattern": pattern_string(r),
        "signs": signs_string(r),
        "pattern_hash": pattern_hash(r),
        "linear_region": lin_ids[r.index],
        "neighbors": sorted(int(j) for j in r.neighbors),
        "interior_point": [_q(x) for x in r.interior_point],
    }
    if out is not None:
        props["output"] = [float(x) for x in out]
        props["output_exact"] = [_q(x) for x in out]
    return props


def geojson_data(cx: Any) -> dict:
    """A GeoJSON ``FeatureCollection`` with one ``Polygon`` Feature per region of a bounded 2-D complex.

    Coordinates are floats (GeoJSON has nothing else), the exterior ring counterclockwise and
    closed as RFC 7946 asks; the properties carry the exact data as ``"p/q"`` strings:
    ``vertices_exact``, ``area_exact``, ``interior_point``, ``output_exact``, and ``region``,
    ``pattern``, ``signs``, ``pattern_hash``, ``linear_region``, ``neighbors``, ``output``.

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]),
    ...                                     domain=Polytope.box([-1, 0], [1, 1]))
    >>> f = geojson_data(cx)["features"][0]
    >>> f["geometry"]["coordinates"], f["properties"]["area_exact"]
    ([[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]], '1')
    """
    _require_dim(cx, (2,), "GeoJSON export")
    _require_bounded(cx, "GeoJSON export")
    lin_ids = _linear_region_ids(cx)
    feats = []
    for r in cx.regions:
        ring = _polygon_ccw(r.polytope.vertices)
        coords = [[float(x), float(y)] for x, y in ring]
        coords.append(coords[0])
        props = _region_properties(cx, r, lin_ids)
        props["vertices_exact"] = [[_q(x), _q(y)] for x, y in ring]
        props["area_exact"] = _q(r.polytope.volume)
        feats.append({"type": "Feature", "id": r.index, "geometry": {"type": "Polygon", "coordinates": [coords]}, "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def to_geojson(cx: Any, path: str | os.PathLike) -> Path:
    """Write :func:`geojson_data` to ``path`` (QGIS and any GIS tool open it)."""
    return _write_json(geojson_data(cx), path)


# ---------------------------------------------------------------------------------------------
# the adjacency graph
# ---------------------------------------------------------------------------------------------


def adjacency_graph(cx: Any):
    """The adjacency graph with plain attributes only (str, int, float, bool), ready for
    GraphML, Gephi and JSON.

    Node = region index; node attributes ``pattern``, ``signs``, ``pattern_hash``,
    ``linear_region``, ``interior_point`` (exact, ``"p/q"`` comma-separated), ``bounded``,
    ``n_vertices``, ``volume`` (exact string, ``""`` if unbounded), ``output`` (exact string, ``""``
    for an arrangement) and ``x``, ``y`` (floats: the interior point's first two coordinates, a
    layout for Gephi).  Edge attributes: ``neurons`` (``"layer:unit"`` joined by ``;``, layers from 1,
    units from 0), ``n_neurons``, ``facet_vertices`` (exact) and ``bent`` (``True`` when the affine
    maps on the two sides differ).

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> G = adjacency_graph(PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1])))
    >>> G.number_of_nodes(), G.number_of_edges(), sorted({d["neurons"] for *_, d in G.edges(data=True)})
    (4, 4, ['1:0', '1:1'])
    """
    import networkx as nx

    lin_ids = _linear_region_ids(cx)
    G = nx.Graph()
    maps = {}
    for r in cx.regions:
        out = region_output(cx, r)
        ip = r.interior_point
        try:
            maps[r.index] = r.affine_map
        except Exception:  # an arrangement has no network, hence no affine map
            maps[r.index] = None
        G.add_node(
            r.index,
            pattern=pattern_string(r),
            signs=signs_string(r),
            pattern_hash=pattern_hash(r),
            linear_region=lin_ids[r.index],
            interior_point=",".join(_q(x) for x in ip),
            bounded=bool(r.is_bounded),
            n_vertices=len(r.polytope.vertices),
            volume=_q(r.polytope.volume) if r.is_bounded else "",
            output="" if out is None else ",".join(_q(x) for x in out),
            x=float(ip[0]),
            y=float(ip[1]) if len(ip) > 1 else 0.0,
        )
    for u, v, d in cx.graph.edges(data=True):
        neurons = tuple(d.get("neurons", ()))
        facet = d.get("facet")
        fv = ";".join(",".join(_q(x) for x in p) for p in facet.vertices) if facet is not None else ""
        G.add_edge(
            u,
            v,
            neurons=";".join(f"{l}:{i}" for l, i in neurons),
            n_neurons=len(neurons),
            facet_vertices=fv,
            bent=maps[u] != maps[v],
        )
    return G


def to_graphml(cx: Any, path: str | os.PathLike) -> Path:
    """Write :func:`adjacency_graph` as GraphML (read back with ``nx.read_graphml(path, node_type=int)``).

    >>> import tempfile, pathlib, networkx as nx
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]),
    ...                                     domain=Polytope.box([-1], [1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     G = nx.read_graphml(to_graphml(cx, pathlib.Path(tmp) / "g.graphml"), node_type=int)
    >>> sorted(G.edges(data="neurons"))
    [(0, 1, '1:0')]
    """
    import networkx as nx

    p = _path(path)
    nx.write_graphml(adjacency_graph(cx), p)
    return p


def to_node_link(cx: Any, path: str | os.PathLike) -> Path:
    """Write :func:`adjacency_graph` as networkx node-link JSON (``"nodes"`` / ``"edges"`` lists)."""
    import networkx as nx

    return _write_json(nx.node_link_data(adjacency_graph(cx), edges="edges"), path)


def read_node_link(path: str | os.PathLike):
    """Read a node-link JSON file written by :func:`to_node_link` back into a ``networkx.Graph``."""
    import networkx as nx

    return nx.node_link_graph(json.loads(Path(path).read_text()), edges="edges")


# ---------------------------------------------------------------------------------------------
# the complex itself
# ---------------------------------------------------------------------------------------------


def to_json(cx: Any, path: str | os.PathLike) -> Path:
    """Save the whole complex as one exact JSON document (``PolyhedralComplex.save``);
    ``PolyhedralComplex.load(path)`` gives it back, so a long enumeration is never lost."""
    p = _path(path)
    cx.save(p)
    return p


# ---------------------------------------------------------------------------------------------
# one entry point for the command line
# ---------------------------------------------------------------------------------------------

#: target name -> what ``path`` is for it
FORMATS: dict[str, str] = {
    "polymake": "a .json file (fan::PolyhedralComplex<Rational>; with region=I a polytope::Polytope<Rational>)",
    "sage": "a .sage/.py script building a Sage PolyhedralComplex",
    "cdd": "a directory receiving region_<i>.ine and region_<i>.ext",
    "vtk": "a .vtu file (2-D and 3-D, bounded)",
    "geojson": "a .geojson file (2-D, bounded)",
    "graphml": "a .graphml file (adjacency graph)",
    "nodelink": "a .json file (adjacency graph, networkx node-link)",
    "json": "a .json file (the whole complex; PolyhedralComplex.load reads it)",
}


def export(cx: Any, fmt: str, path: str | os.PathLike, *, region: int | None = None) -> list[Path]:
    """Write ``cx`` in format ``fmt`` (a key of :data:`FORMATS`) to ``path``; returns the paths written.

    ``region`` restricts ``polymake`` (one ``Polytope``) and ``cdd`` (one file pair) to one region.

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]),
    ...                                     domain=Polytope.box([-1], [1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in export(cx, "cdd", tmp, region=1)]
    ['region_1.ine', 'region_1.ext']
    """
    if fmt not in FORMATS:
        raise InvalidInputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if region is not None and not (isinstance(region, int) and 0 <= region < len(cx)):
        raise InvalidInputError(f"region {region!r} does not exist (the complex has {len(cx)} regions)")
    if region is not None and fmt not in ("polymake", "cdd"):
        raise InvalidInputError(f"a single region can be exported to polymake or cdd, not {fmt}")
    if fmt == "polymake":
        if region is not None:
            return [polytope_to_polymake(cx.regions[region].polytope, path)]
        return [to_polymake(cx, path)]
    if fmt == "sage":
        return [write_sage_script(cx, path)]
    if fmt == "cdd":
        return to_cdd(cx, path, regions=None if region is None else [region])
    if fmt == "vtk":
        return [to_vtk(cx, path)]
    if fmt == "geojson":
        return [to_geojson(cx, path)]
    if fmt == "graphml":
        return [to_graphml(cx, path)]
    if fmt == "nodelink":
        return [to_node_link(cx, path)]
    return [to_json(cx, path)]


def _demo_networks():
    from .network import ReLUNetwork

    net2 = ReLUNetwork(
        [
            ([[1, 1], [1, -1], [-1, "1/2"], [0, 1]], [0, "1/2", "1/3", "-1/3"]),
            ([[1, -1, 1, 0], [0, 1, 1, -1]], [0, "-1/2"]),
            ([[1, -2]], [0]),
        ]
    )
    net3 = ReLUNetwork([([[1, 0, 1], [0, 1, -1], [1, -1, 0]], [0, "1/3", "-1/2"]), ([[1, 1, -1]], [0])])
    return net2, net3


def export_all(cx: Any, output_dir: str | os.PathLike, *, stem: str = "complex") -> list[Path]:
    """Write ``cx`` in every format that applies to it into ``output_dir``, plus a PNG picture.

    Always: polymake (the complex, and region 0 as a ``Polytope``), a Sage script, cdd files of
    region 0, GraphML, node-link JSON and the complex's own JSON.  Bounded 2-D/3-D complexes add
    VTK, bounded 2-D ones GeoJSON, and bounded complexes a PNG.  Returns the paths written.
    """
    from .plotting import save_complex_plot

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    bounded = all(r.is_bounded for r in cx.regions)
    paths = export(cx, "polymake", out / f"{stem}.polymake.json")
    paths += export(cx, "polymake", out / f"{stem}.region0.polymake.json", region=0)
    paths += export(cx, "sage", out / f"{stem}.sage")
    paths += export(cx, "cdd", out / f"{stem}_cdd", region=0)
    if bounded and cx.dim in (2, 3):
        paths += export(cx, "vtk", out / f"{stem}.vtu")
    if bounded and cx.dim == 2:
        paths += export(cx, "geojson", out / f"{stem}.geojson")
    paths += export(cx, "graphml", out / f"{stem}.graph.graphml")
    paths += export(cx, "nodelink", out / f"{stem}.graph.json")
    paths += export(cx, "json", out / f"{stem}.json")
    if bounded:
        paths.append(save_complex_plot(cx, out / f"{stem}.png", graph=cx.dim == 2))
    return paths


def demo(cx_or_dir: Any, output_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write one file of each export kind, and pictures, into a folder; used by ``polyrelu demo``.

    ``demo(folder)`` uses two small built-in networks (2-D and 3-D, on boxes) and also saves them;
    ``demo(cx, folder)`` exports the given complex with :func:`export_all`.  The folder is created
    if missing; returns the paths written.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(p.name for p in demo(tmp))  # doctest: +NORMALIZE_WHITESPACE
    ['complex.geojson', 'complex.graph.graphml', 'complex.graph.json', 'complex.json', 'complex.png',
     'complex.polymake.json', 'complex.region0.polymake.json', 'complex.sage', 'complex.vtu',
     'complex3d.png', 'complex3d.vtu', 'network2d.json', 'network3d.json', 'region_00.ext',
     'region_00.ine']
    """
    from .complex import PolyhedralComplex
    from .plotting import save_complex_plot
    from .polytope import Polytope

    if output_dir is not None:
        return export_all(cx_or_dir, output_dir)
    out = Path(cx_or_dir)
    out.mkdir(parents=True, exist_ok=True)
    net2, net3 = _demo_networks()
    cx = PolyhedralComplex.from_network(net2, domain=Polytope.box([-1, -1], [1, 1]))
    cx3 = PolyhedralComplex.from_network(net3, domain=Polytope.box([-1, -1, -1], [1, 1, 1]))
    net2.save(out / "network2d.json")
    net3.save(out / "network3d.json")
    paths = [out / "network2d.json", out / "network3d.json"]
    paths += export_all(cx, out)
    paths += export(cx3, "vtk", out / "complex3d.vtu")
    paths.append(save_complex_plot(cx3, out / "complex3d.png"))
    return paths
