"""cddlib: ``.ine`` (H-) and ``.ext`` (V-representation) files, written and read exactly."""
from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

import cdd.gmp as cg

from ..exact import InvalidInputError
from ..polytope import Polytope
from .common import checked_path, generators

__all__ = ["polytope_to_cdd", "to_cdd", "read_cdd", "polytope_from_cdd"]

def _cdd_text(rows: list[list[Fraction]], lin: set[int], rep: str, cols: int) -> str:
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
    p = checked_path(path)
    n = P.ambient_dim
    if p.suffix == ".ine":
        A, b = P.inequalities
        E, f = P.equalities
        rows = [[beta] + [-x for x in a] for a, beta in zip(A, b)]
        lin = set(range(len(rows), len(rows) + len(E)))
        rows += [[phi] + [-x for x in e] for e, phi in zip(E, f)]
        p.write_text(_cdd_text(rows, lin, "H", n + 1))
    elif p.suffix == ".ext":
        V, R, L = generators(P)
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


def _linearity(p: Path, no: int, raw: str) -> list[int]:
    """The 0-based rows of a ``linearity k i_1 ... i_k`` line."""
    parts = raw.split()[1:]
    try:
        k, idx = int(parts[0]), [int(x) for x in parts[1:]]
    except (ValueError, IndexError):
        raise InvalidInputError(f"{p}:{no}: bad linearity line {raw!r}") from None
    if k != len(idx):
        raise InvalidInputError(f"{p}:{no}: linearity announces {k} rows but lists {len(idx)}")
    return [i - 1 for i in idx]


def _matrix_rows(p: Path, lines) -> list[list[Fraction]]:
    """The ``m n rational`` header after ``begin`` and the m rows of n exact numbers after it."""
    try:
        no, head = next(lines)
        m_s, n_s, kind = head.split()[:3]
        m, n = int(m_s), int(n_s)
    except (StopIteration, ValueError):
        raise InvalidInputError(f"{p}: expected 'm n rational' after 'begin'") from None
    rows = []
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
    return rows


def read_cdd(path: str | os.PathLike) -> cg.Matrix:
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
            lin = _linearity(p, no, raw)
        elif low == "begin":
            rows = _matrix_rows(p, lines)
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


def polytope_from_cdd(source: Any) -> Polytope:
    """A cddlib file (path) or a ``cdd.gmp.Matrix`` as a :class:`~polyrelu.polytope.Polytope` (exact).

    A V-representation without any point is a cone with apex at the origin (cddlib leaves the
    origin out of the generators of a homogeneous cone).

    >>> import cdd.gmp as cg
    >>> m = cg.matrix_from_array([[0, -1, 0], [0, 0, 1]], lin_set=[1], rep_type=cg.RepType.GENERATOR)
    >>> polytope_from_cdd(m).inequalities   # the half-plane x <= 0
    (((Fraction(1, 1), Fraction(0, 1)),), (Fraction(0, 1),))
    """
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
