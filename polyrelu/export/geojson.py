"""GeoJSON (2-D): one ``Polygon`` Feature per region, float coordinates, exact properties."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..exact import fraction_to_str as _q
from ..labels import linear_region_ids, pattern_hash, pattern_string, region_output, signs_string
from ..polygons import polygon_ccw, require_bounded, require_dim
from .common import write_json

__all__ = ["geojson_data", "to_geojson"]

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
    require_dim(cx, (2,), "GeoJSON export")
    require_bounded(cx, "GeoJSON export")
    lin_ids = linear_region_ids(cx)
    feats = []
    for r in cx.regions:
        ring = polygon_ccw(r.polytope.vertices)
        coords = [[float(x), float(y)] for x, y in ring]
        coords.append(coords[0])
        props = _region_properties(cx, r, lin_ids)
        props["vertices_exact"] = [[_q(x), _q(y)] for x, y in ring]
        props["area_exact"] = _q(r.polytope.volume)
        feats.append({"type": "Feature", "id": r.index, "geometry": {"type": "Polygon", "coordinates": [coords]}, "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def to_geojson(cx: Any, path: str | os.PathLike) -> Path:
    """Write :func:`geojson_data` to ``path`` (QGIS and any GIS tool open it).

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
    >>> import json
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     json.loads(to_geojson(cx, pathlib.Path(tmp) / "cx.geojson").read_text())["type"]
    'FeatureCollection'
    """
    return write_json(geojson_data(cx), path)
