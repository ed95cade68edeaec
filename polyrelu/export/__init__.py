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

One module per format family: :mod:`.polymake`, :mod:`.sage`, :mod:`.cdd`, :mod:`.mesh` (VTK),
:mod:`.geojson`, :mod:`.graph`; every name is importable from ``polyrelu.export`` itself.

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

import os
from pathlib import Path
from typing import Any

from ..complex import PolyhedralComplex
from ..exact import InvalidInputError
from ..labels import pattern_hash, pattern_string, region_output, signs_string
from ..network import ReLUNetwork
from ..plotting import save_complex_plot
from ..polytope import Polytope
from .cdd import polytope_from_cdd, polytope_to_cdd, read_cdd, to_cdd
from .common import checked_path
from .geojson import geojson_data, to_geojson
from .graph import adjacency_graph, read_node_link, to_graphml, to_node_link
from .mesh import to_meshio, to_vtk
from .polymake import POLYMAKE_NS, polymake_complex_data, polymake_polytope_data, polytope_to_polymake, to_polymake
from .sage import SAGE_INSTALL_HINT, polytope_to_sage, sage_available, sage_script, to_sage, write_sage_script

__all__ = [
    "FORMATS",
    "POLYMAKE_NS",
    "SAGE_INSTALL_HINT",
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


def to_json(cx: Any, path: str | os.PathLike) -> Path:
    """Save the whole complex as one exact JSON document (``PolyhedralComplex.save``);
    ``PolyhedralComplex.load(path)`` gives it back, so a long enumeration is never lost.

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     len(PolyhedralComplex.load(to_json(cx, pathlib.Path(tmp) / "cx.json")))
    4
    """
    p = checked_path(path)
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

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(p.suffix for p in export_all(cx, tmp))
    ['.ext', '.geojson', '.graphml', '.ine', '.json', '.json', '.json', '.json', '.png', '.sage', '.vtu']
    """
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
