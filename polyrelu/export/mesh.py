"""ParaView/VTK through meshio: 2-D regions as polygons, 3-D regions as polyhedron cells."""
from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..exact import InvalidInputError
from ..labels import linear_region_ids, pattern_hash, region_output
from ..polygons import polygon_ccw, polyhedron_faces, require_bounded, require_dim
from .common import checked_path

__all__ = ["to_meshio", "to_vtk"]

def to_meshio(cx: Any) -> Any:
    """The regions of a bounded 2-D or 3-D complex as a ``meshio.Mesh``.

    2-D regions become ``polygon`` cells (counterclockwise), 3-D regions ``polyhedron<k>`` cells
    whose faces are listed counterclockwise seen from outside.  Cell data: ``region`` (index),
    ``pattern_hash`` (:func:`~polyrelu.labels.pattern_hash`), ``linear_region`` and ``output`` (the first output
    coordinate at the region's interior point, as float64).  Points are float64 (the format has
    no rationals), padded with z = 0 in 2-D; equal exact vertices share one point.

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> m = to_meshio(PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1])))
    >>> len(m.points), [b.type for b in m.cells]
    (9, ['polygon'])
    """
    import meshio  # optional (the vtk extra)

    require_dim(cx, (2, 3), "VTK export")
    require_bounded(cx, "VTK export")
    points: list[tuple[Fraction, ...]] = []
    index: dict[tuple[Fraction, ...], int] = {}

    def idx(v) -> int:
        v = tuple(v)
        if v not in index:
            index[v] = len(points)
            points.append(v)
        return index[v]

    lin_ids = linear_region_ids(cx)
    cells = []  # (block key, connectivity, region)
    for r in cx.regions:
        if cx.dim == 2:
            conn = [idx(v) for v in polygon_ccw(r.polytope.vertices)]
            cells.append((len(conn), conn, r))
        else:
            faces = [[idx(v) for v in face] for face in polyhedron_faces(r.polytope)]
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

    p = checked_path(path)
    if p.suffix not in (".vtu", ".vtk", ".xdmf", ".xmf"):
        raise InvalidInputError(f"VTK export writes .vtu (or .vtk/.xdmf), got {p.name!r}")
    meshio.write(p, to_meshio(cx))
    return p
