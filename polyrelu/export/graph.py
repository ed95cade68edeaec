"""The adjacency graph with plain attributes: GraphML (Gephi) and networkx node-link JSON."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import networkx as nx

from ..exact import fraction_to_str as _q
from ..labels import linear_region_ids, pattern_hash, pattern_string, region_output, signs_string
from .common import checked_path, write_json

__all__ = ["adjacency_graph", "to_graphml", "to_node_link", "read_node_link"]

def adjacency_graph(cx: Any) -> nx.Graph:
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
    lin_ids = linear_region_ids(cx)
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
    p = checked_path(path)
    nx.write_graphml(adjacency_graph(cx), p)
    return p


def to_node_link(cx: Any, path: str | os.PathLike) -> Path:
    """Write :func:`adjacency_graph` as networkx node-link JSON (``"nodes"`` / ``"edges"`` lists).

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     G = read_node_link(to_node_link(cx, pathlib.Path(tmp) / "g.json"))
    >>> G.number_of_nodes(), G.number_of_edges()
    (4, 4)
    """
    return write_json(nx.node_link_data(adjacency_graph(cx), edges="edges"), path)


def read_node_link(path: str | os.PathLike) -> nx.Graph:
    """Read a node-link JSON file written by :func:`to_node_link` back into a ``networkx.Graph``.

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork, PolyhedralComplex
    >>> relu = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     H = read_node_link(to_node_link(relu, pathlib.Path(tmp) / "relu.json"))
    >>> sorted(H.edges(data="neurons")), sorted(H.nodes[0])[:2]
    ([(0, 1, '1:0')], ['bounded', 'interior_point'])
    """
    return nx.node_link_graph(json.loads(Path(path).read_text()), edges="edges")
