"""Pictures of the polyhedral complex of a ReLU network (matplotlib, Agg; no pyplot state).

* 2-D inputs: :func:`plot_regions` fills each region with one colour (a colour per region, per
  linear region, or by the output value), draws the bent hyperplanes (coloured by layer), and can
  label regions with their activation patterns and draw the adjacency graph on top.
* 3-D (and higher) inputs: :func:`slice_network` restricts the network to the affine plane through
  three points, which is itself a 2-D ReLU network, built exactly; that is what gets drawn.
* 1-D inputs: :func:`plot_function_1d` draws the piecewise-linear function with its breakpoints.
* :func:`save_plot` does all of it from a network and a box, to PNG, SVG or PDF.

The geometry is exact; floats are used only to place ink.

>>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
>>> ax = plot_regions(cx, labels=True, graph=True)
>>> len(ax.collections) >= 2
True
"""
from __future__ import annotations

import colorsys
import os
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

from .complex import PolyhedralComplex
from .exact import InvalidInputError
from .labels import linear_region_ids, pattern_string, region_output
from .network import default_plane, slice_network  # they live with the network now; kept importable from here
from .polygons import polygon_ccw, require_bounded, require_dim
from .polytope import Polytope

__all__ = [
    "region_colors",
    "layer_colors",
    "plot_regions",
    "plot_function_1d",
    "slice_network",
    "default_plane",
    "plot_network",
    "save_plot",
    "save_complex_plot",
]

_COLOR_BY = ("region", "linear", "output")
_LAYER_COLORS = ("#000000", "#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214")

RGBA = tuple[float, float, float, float]


def _new_axes(ax=None, figsize=(6.0, 6.0), dpi: float = 100.0):
    if ax is not None:
        return ax
    from matplotlib.figure import Figure  # a bare Figure renders with Agg and leaves pyplot alone

    fig = Figure(figsize=figsize, dpi=dpi)
    return fig.add_subplot()


def _distinct_color(i: int) -> RGBA:
    # golden-ratio walk on the hue circle: neighbouring indices get far-apart hues
    h = (i * 0.6180339887498949) % 1.0
    s = (0.45, 0.6, 0.35)[i % 3]
    v = (0.95, 0.85, 0.75)[(i // 3) % 3]
    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return (r, g, b, 1.0)


def layer_colors(n_layers: int) -> list[str]:
    """Line colours of the bent hyperplanes, one per hidden layer (black for layer 1).

    >>> layer_colors(2)
    ['#000000', '#b2182b']
    """
    return [_LAYER_COLORS[k % len(_LAYER_COLORS)] for k in range(n_layers)]


def region_colors(cx: Any, color_by: str = "region", *, cmap: str = "viridis") -> dict[int, RGBA]:
    """The fill colour (RGBA floats) of every region, by region index.

    ``color_by``: ``"region"`` (a distinct colour per activation region), ``"linear"`` (one colour
    per linear region, i.e. per piece of the function) or ``"output"`` (the first output
    coordinate at the region's interior point through ``cmap``).

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])  # |x|
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1], [1]))
    >>> c = region_colors(cx)
    >>> len(c), c[0] != c[1]
    (2, True)
    >>> c = region_colors(cx, "output")
    >>> c[0] == c[1]  # |x| takes the same value at symmetric interior points
    True
    """
    if color_by not in _COLOR_BY:
        raise InvalidInputError(f"color_by must be one of {_COLOR_BY}, got {color_by!r}")
    regions = cx.regions
    if color_by == "region":
        return {r.index: _distinct_color(r.index) for r in regions}
    if color_by == "linear":
        ids = linear_region_ids(cx)
        return {r.index: _distinct_color(ids[r.index]) for r in regions}
    import matplotlib

    values = {}
    for r in regions:
        out = region_output(cx, r)
        if out is None:
            raise InvalidInputError("color_by='output' needs a network (this complex is an arrangement)")
        values[r.index] = out[0]
    lo, hi = min(values.values()), max(values.values())
    cm = matplotlib.colormaps[cmap]
    span = hi - lo
    return {i: tuple(float(c) for c in cm(float((v - lo) / span) if span else 0.5)) for i, v in values.items()}


def _polygon(region) -> list[tuple[Fraction, Fraction]]:
    return polygon_ccw(region.polytope.vertices)


def plot_regions(
    cx: Any,
    ax: Any = None,
    *,
    color_by: str = "region",
    colors: dict[int, Any] | None = None,
    hyperplanes: bool = True,
    labels: bool = False,
    graph: bool = False,
    boundary: bool = True,
    cmap: str = "viridis",
    aspect: str = "equal",
    linewidth: float = 1.0,
) -> Any:
    """Draw a bounded 2-D complex: regions filled, bent hyperplanes, optional labels and graph.

    ``colors`` overrides :func:`region_colors` (region index -> any matplotlib colour).  The bent
    hyperplane of a neuron is drawn as the facets between regions across which it changes sign,
    coloured by layer (:func:`layer_colors`).  ``labels`` writes each region's 0/1 pattern at its
    interior point; ``graph`` draws the adjacency graph with nodes at interior points and each edge
    bent through the midpoint of the shared facet (so it stays inside the two regions).
    Returns the matplotlib ``Axes`` (a new Figure's if ``ax`` is None).

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> ax = plot_regions(PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1])), color_by="linear")
    >>> len(ax.collections[0].get_paths())     # one filled polygon per region
    4
    """
    from matplotlib.collections import LineCollection, PolyCollection

    require_dim(cx, (2,), "plot_regions")
    require_bounded(cx, "plotting")
    ax = _new_axes(ax)
    fill = region_colors(cx, color_by, cmap=cmap) if colors is None else colors
    polys, faces = [], []
    for r in cx.regions:
        polys.append([(float(x), float(y)) for x, y in _polygon(r)])
        faces.append(fill[r.index])
    ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors="none", linewidths=0))
    if colors is None and color_by == "output":
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        vals = [float(region_output(cx, r)[0]) for r in cx.regions]
        sm = ScalarMappable(Normalize(min(vals), max(vals)), cmap=cmap)
        ax.figure.colorbar(sm, ax=ax, shrink=0.8, label="output 1 (at the region's interior point)")

    xs = [p[0] for poly in polys for p in poly]
    ys = [p[1] for poly in polys for p in poly]
    if boundary and cx.boundary_facets:
        segs = [[tuple(float(x) for x in v) for v in F.vertices] for _, F in cx.boundary_facets]
        ax.add_collection(LineCollection(segs, colors="#555555", linewidths=0.6 * linewidth))

    if hyperplanes:
        _draw_bent_hyperplanes(cx, ax, linewidth)
    if graph:
        _draw_adjacency_graph(cx, ax, linewidth)
    if labels:
        for r in cx.regions:
            x, y = (float(c) for c in r.interior_point)
            ax.annotate(pattern_string(r), (x, y), fontsize=6, ha="center", va="bottom", zorder=4)

    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))
    ax.set_aspect(aspect)
    return ax


def _draw_bent_hyperplanes(cx: Any, ax: Any, linewidth: float) -> None:
    """The facets between regions, coloured by the first layer whose neuron bends there, with a
    legend when more than one layer shows."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    n_layers = len(cx.network.widths) if getattr(cx, "network", None) is not None else 1
    pal = layer_colors(max(n_layers, 1))
    segs, cols, used = [], [], set()
    for _, _, d in cx.graph.edges(data=True):
        F = d.get("facet")
        if F is None:
            continue
        neurons = d.get("neurons") or ((1, 0),)
        layer = min(l for l, _ in neurons)
        used.add(layer)
        segs.append([tuple(float(x) for x in v) for v in F.vertices])
        cols.append(pal[(layer - 1) % len(pal)])
    if segs:
        ax.add_collection(LineCollection(segs, colors=cols, linewidths=linewidth))
    if len(used) > 1:
        handles = [Line2D([], [], color=pal[l - 1], lw=linewidth, label=f"layer {l}") for l in sorted(used)]
        ax.legend(handles=handles, loc="upper right", fontsize="small", framealpha=0.8)


def _draw_adjacency_graph(cx: Any, ax: Any, linewidth: float) -> None:
    """Nodes at the interior points, each edge bent through the middle of the shared facet."""
    from matplotlib.collections import LineCollection

    pts = {r.index: tuple(float(x) for x in r.interior_point) for r in cx.regions}
    edges = []
    for u, v, d in cx.graph.edges(data=True):
        F = d.get("facet")
        if F is not None and F.vertices:
            vs = F.vertices
            m = tuple(float(sum(p[j] for p in vs) / len(vs)) for j in range(2))
            edges.append([pts[u], m, pts[v]])
        else:
            edges.append([pts[u], pts[v]])
    ax.add_collection(LineCollection(edges, colors="#333333", linewidths=0.8 * linewidth, linestyles="dotted"))
    ax.scatter([p[0] for p in pts.values()], [p[1] for p in pts.values()], s=10, c="#111111", zorder=3)


def plot_function_1d(cx: Any, ax: Any = None, *, breakpoints: bool = True, linewidth: float = 1.5) -> Any:
    """Draw the piecewise-linear function of a 1-D complex, one line per output coordinate.

    Region boundaries inside the domain are marked: filled dots where the slope really changes
    (breakpoints), hollow ones where a neuron switches without bending the function.  The values
    at the vertices are exact; matplotlib only joins them.

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])  # |x|
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1], [2]))
    >>> ax = plot_function_1d(cx)
    >>> [tuple(map(float, xy)) for xy in ax.lines[0].get_xydata()]
    [(-1.0, 1.0), (0.0, 0.0), (2.0, 2.0)]
    """
    require_dim(cx, (1,), "plot_function_1d")
    require_bounded(cx, "plotting")
    net = cx.network
    if net is None:
        raise InvalidInputError("plot_function_1d needs a network (this complex is an arrangement)")
    ax = _new_axes(ax, figsize=(7.0, 4.5))
    regions = sorted(cx.regions, key=lambda r: r.polytope.vertices[0][0])
    xs = sorted({v[0] for r in regions for v in r.polytope.vertices})
    values = [net((x,)) for x in xs]
    for k in range(net.output_dim):
        ax.plot([float(x) for x in xs], [float(v[k]) for v in values], lw=linewidth,
                label=f"output {k + 1}" if net.output_dim > 1 else None)
    if breakpoints and len(regions) > 1:
        bent, straight = [], []
        for left, right in zip(regions, regions[1:]):
            x = left.polytope.vertices[-1][0]
            (bent if left.affine_map != right.affine_map else straight).append(x)
        for k in range(net.output_dim):
            if bent:
                ax.plot([float(x) for x in bent], [float(net((x,))[k]) for x in bent], "o", color="#b2182b", ms=5, zorder=3)
            if straight:
                ax.plot([float(x) for x in straight], [float(net((x,))[k]) for x in straight], "o",
                        mfc="none", color="#b2182b", ms=5, zorder=3)
    if net.output_dim > 1:
        ax.legend(fontsize="small")
    ax.set_xlim(float(xs[0]), float(xs[-1]))
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    return ax


def _as_box(box: Any, dim: int):
    if box is None:
        return None
    if isinstance(box, Polytope):
        return box
    try:
        lo, hi = box
    except (TypeError, ValueError):
        raise InvalidInputError("box must be a pair (lo, hi) or a Polytope") from None
    B = Polytope.box(lo, hi, dim=dim)
    if B.dim < dim:
        raise InvalidInputError("box needs lo < hi in every coordinate")
    return B


def plot_network(
    net: Any,
    box: Any = None,
    ax: Any = None,
    *,
    plane: Sequence[Sequence[Any]] | None = None,
    plane_box: Any = None,
    backend: str | None = None,
    **kwargs: Any,
) -> Any:
    """Plot a network on a box: 1-D function graph, 2-D regions, or a 2-D slice of a 3-D+ input.

    ``box`` is ``(lo, hi)`` (scalars or vectors) or a Polytope; the network's own domain is used when
    it is None.  For inputs of dimension >= 3, ``plane=(p0, p1, p2)`` picks the slice (drawn over
    ``plane_box`` in ``(s, t)``, default the unit square); without it the slice is the plane
    ``x3 = ... = mid`` of the box, drawn in the coordinates ``x1, x2``.  Extra keyword arguments go
    to :func:`plot_regions` / :func:`plot_function_1d`.

    >>> from polyrelu import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0, 0], [0, 1, 1]], [0, 0]), ([[1, 1]], [0])])   # 3 inputs: a slice is drawn
    >>> plot_network(net, box=(-1, 1)).get_xlabel()
    'x1'
    """
    n = net.input_dim
    if n >= 3:
        if plane is None:
            B = _as_box(box, n) if box is not None else net.domain
            if B is None or B.as_box() is None:
                raise InvalidInputError("slicing a 3-D+ input needs plane=(p0, p1, p2) or a box")
            plane, st = default_plane(*B.as_box())
            labels = ("x1", "x2")
            plane_box = plane_box if plane_box is not None else st
        else:
            if len(plane) != 3:
                raise InvalidInputError("plane must be three points p0, p1, p2")
            labels = ("s", "t")
            plane_box = plane_box if plane_box is not None else ([0, 0], [1, 1])
        snet = slice_network(net, *plane)
        ax = plot_network(snet, plane_box, ax, backend=backend, **kwargs)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        return ax
    domain = _as_box(box, n) if box is not None else net.domain
    if domain is None:
        raise InvalidInputError("plotting needs a bounded domain: give a box (lo, hi)")
    cx = PolyhedralComplex.from_network(net, domain=domain, **({"backend": backend} if backend else {}))
    if n == 1:
        kwargs = {k: v for k, v in kwargs.items() if k in ("breakpoints", "linewidth")}
        return plot_function_1d(cx, ax, **kwargs)
    ax = plot_regions(cx, ax, **kwargs)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax


def save_plot(
    net: Any,
    path: str | os.PathLike,
    box: Any = None,
    *,
    plane: Sequence[Sequence[Any]] | None = None,
    figsize: tuple[float, float] = (6.0, 6.0),
    dpi: float = 150.0,
    title: str | None = None,
    **kwargs: Any,
) -> Path:
    """Plot ``net`` (see :func:`plot_network`) and write PNG, SVG or PDF (chosen by the suffix).

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = save_plot(net, pathlib.Path(tmp) / "r.svg", box=(-1, 1))
    ...     p.read_text().lstrip().startswith("<?xml")
    True
    """
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise InvalidInputError(f"plot files are .png, .svg or .pdf, got {p.name!r}")
    if p.parent and not p.parent.exists():
        raise InvalidInputError(f"cannot write {p}: directory {p.parent} does not exist")
    ax = _new_axes(None, figsize=figsize, dpi=dpi)
    plot_network(net, box, ax, plane=plane, **kwargs)
    if title is None:
        title = repr(net)
        if net.input_dim >= 3 and plane is not None:
            pts = "; ".join("(" + ", ".join(str(Fraction(x)) for x in p) + ")" for p in plane)
            title += f"\nslice through {pts}"
        elif net.input_dim >= 3:
            B = _as_box(box, net.input_dim) if box is not None else net.domain
            lo, hi = B.as_box()
            fixed = ", ".join(f"x{k + 1} = {(lo[k] + hi[k]) / 2}" for k in range(2, net.input_dim))
            title += f"\nslice {fixed}"
    ax.set_title(title, fontsize="small")
    ax.figure.savefig(p, format=fmt, dpi=dpi)
    return p


def save_complex_plot(
    cx: Any,
    path: str | os.PathLike,
    *,
    figsize: tuple[float, float] = (6.0, 6.0),
    dpi: float = 150.0,
    **kwargs: Any,
) -> Path:
    """Draw an already computed bounded complex and write PNG, SVG or PDF.

    1-D: the function; 2-D: the regions (keyword arguments go to :func:`plot_regions`); 3-D and
    more: the middle slice of the domain box (computed afresh by :func:`save_plot`).

    >>> import tempfile, pathlib
    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_complex_plot(cx, pathlib.Path(tmp) / "cx.pdf", dpi=50).read_bytes()[:4]
    b'%PDF'
    """
    if cx.dim >= 3:
        if cx.domain is None or cx.domain.as_box() is None:
            raise InvalidInputError("a picture of a 3-D+ complex needs a box domain (it shows the middle slice)")
        return save_plot(cx.network, path, cx.domain, figsize=figsize, dpi=dpi, **kwargs)
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise InvalidInputError(f"plot files are .png, .svg or .pdf, got {p.name!r}")
    ax = _new_axes(None, figsize=figsize, dpi=dpi)
    if cx.dim == 1:
        kwargs = {k: v for k, v in kwargs.items() if k in ("breakpoints", "linewidth")}
        plot_function_1d(cx, ax, **kwargs)
    else:
        plot_regions(cx, ax, **kwargs)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    ax.set_title(repr(cx.network), fontsize="small")
    ax.figure.savefig(p, format=fmt, dpi=dpi)
    return p
