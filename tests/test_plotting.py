"""Pictures checked by their pixels: the rendered PNG has, at each region's interior point, the
colour assigned to that region; slices are exact restrictions of the network; the 1-D plot goes
through the exact values at the breakpoints."""
from __future__ import annotations

from fractions import Fraction as F

import matplotlib
import matplotlib.image as mpimg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu import plotting as pl
from polyrelu.complex import PolyhedralComplex
from polyrelu.exact import InvalidInputError
from polyrelu.network import ReLUNetwork
from polyrelu.polytope import Polytope

NET2 = ReLUNetwork(
    [
        ([[1, 1], [1, -1], [-1, "1/2"], [0, 1]], [0, "1/2", "1/3", "-1/3"]),
        ([[1, -1, 1, 0], [0, 1, 1, -1]], [0, "-1/2"]),
        ([[1, -2]], [0]),
    ]
)
NET3 = ReLUNetwork([([[1, 0, 1], [0, 1, -1], [1, -1, 0], [0, 0, 1]], [0, "1/3", "-1/2", "1/4"]), ([[1, 1, -1, 1]], [0])])
BOX2 = Polytope.box([-1, -1], [1, 1])

MARGIN_PX = 4.0


@pytest.fixture(scope="module")
def cx2():
    return PolyhedralComplex.from_network(NET2, domain=BOX2)


def _render(ax, path):
    fig = ax.figure
    fig.savefig(path, dpi=fig.dpi)
    img = mpimg.imread(path)
    assert img.shape[:2] == (round(fig.get_figheight() * fig.dpi), round(fig.get_figwidth() * fig.dpi))
    return img


def _pixel_checks(cx, ax, img, colors):
    """Compare the pixel at each region's interior point with the region's colour, for every
    region whose point is at least MARGIN_PX pixels from the region's boundary (so that no
    boundary line or antialiasing can touch it).  Returns how many regions were checked."""
    trans = ax.transData
    H = img.shape[0]
    legend = ax.get_legend()
    covered = legend.get_window_extent().expanded(1.1, 1.1) if legend is not None else None
    checked = 0
    for r in cx.regions:
        candidates = [r.interior_point]
        vs = r.polytope.vertices
        candidates.append(tuple(sum(v[j] for v in vs) / len(vs) for j in range(2)))
        for p in candidates:
            px, py = trans.transform((float(p[0]), float(p[1])))
            # distance in pixels from p to each facet line a.x = b of the region
            A, b = r.polytope.inequalities
            dist = min(
                abs(float(bi - (a[0] * p[0] + a[1] * p[1]))) / (float(a[0]) ** 2 + float(a[1]) ** 2) ** 0.5
                for a, bi in zip(A, b)
            )
            scale = abs(trans.transform((1.0, 0.0))[0] - trans.transform((0.0, 0.0))[0])
            if dist * scale < MARGIN_PX or (covered is not None and covered.contains(px, py)):
                continue
            got = img[int(H - py), int(px)][:3]
            want = matplotlib.colors.to_rgba(colors[r.index])[:3]
            assert all(abs(float(g) - w) <= 1.5 / 255 for g, w in zip(got, want)), (r.index, got, want)
            checked += 1
            break
    return checked


@pytest.mark.parametrize("color_by", ["region", "linear", "output"])
def test_png_pixels_have_the_region_colours(cx2, tmp_path, color_by):
    ax = pl.plot_regions(cx2, color_by=color_by)
    img = _render(ax, tmp_path / "r.png")
    colors = pl.region_colors(cx2, color_by)
    checked = _pixel_checks(cx2, ax, img, colors)
    assert checked >= 0.8 * len(cx2)


def test_region_colours_mean_what_they_say(cx2):
    by_region = pl.region_colors(cx2, "region")
    assert len(set(by_region.values())) == len(cx2)  # one colour per activation region
    pieces = cx2.linear_regions()
    by_piece = pl.region_colors(cx2, "linear")
    piece_of = {i: k for k, p in enumerate(pieces) for i in p}
    for i in by_piece:
        for j in by_piece:
            assert (by_piece[i] == by_piece[j]) == (piece_of[i] == piece_of[j])
    # by output: the colormap value at the normalised exact output at the interior point
    outs = {r.index: NET2(r.interior_point)[0] for r in cx2.regions}
    lo, hi = min(outs.values()), max(outs.values())
    cm = matplotlib.colormaps["viridis"]
    by_out = pl.region_colors(cx2, "output")
    for i, v in outs.items():
        assert by_out[i] == tuple(float(c) for c in cm(float((v - lo) / (hi - lo))))
    with pytest.raises(InvalidInputError, match="color_by"):
        pl.region_colors(cx2, "rainbow")


def test_hyperplanes_labels_and_graph_are_drawn(cx2):
    ax = pl.plot_regions(cx2, labels=True, graph=True)
    # one segment per adjacency (bent hyperplane pieces) and the graph's edges through facet midpoints
    from matplotlib.collections import LineCollection

    lcs = [c for c in ax.collections if isinstance(c, LineCollection)]
    boundary, hyper, graph = lcs
    assert len(boundary.get_segments()) == len(cx2.boundary_facets)
    assert len(hyper.get_segments()) == cx2.graph.number_of_edges()
    hyper_segs = {frozenset(map(tuple, s.tolist())) for s in hyper.get_segments()}
    facets = {frozenset(tuple(float(x) for x in v) for v in d["facet"].vertices) for *_, d in cx2.graph.edges(data=True)}
    assert hyper_segs == facets
    assert len(graph.get_segments()) == cx2.graph.number_of_edges()
    texts = sorted(t.get_text() for t in ax.texts)
    from polyrelu.labels import pattern_string

    assert texts == sorted(pattern_string(r) for r in cx2.regions)
    # layers are told apart: two layers, two colours, a legend
    assert len({tuple(c) for c in hyper.get_colors()}) == 2 and ax.get_legend() is not None


@settings(max_examples=30, deadline=None)
@given(st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=7), min_size=11, max_size=11))
def test_slice_network_is_the_restriction(vals):
    p0, p1, p2, (s, t) = vals[0:3], vals[3:6], vals[6:9], vals[9:11]
    u = [a - b for a, b in zip(p1, p0)]
    v = [a - b for a, b in zip(p2, p0)]
    if all(u[i] * v[j] - u[j] * v[i] == 0 for i in range(3) for j in range(i + 1, 3)):
        with pytest.raises(InvalidInputError, match="collinear"):
            pl.slice_network(NET3, p0, p1, p2)
        return
    sn = pl.slice_network(NET3, p0, p1, p2)
    x = [a + s * b + t * c for a, b, c in zip(p0, u, v)]
    assert sn((s, t)) == NET3(x)
    assert sn.activation_pattern((s, t)) == NET3.activation_pattern(x)


def test_3d_slice_picture(tmp_path):
    ax = pl.plot_network(NET3, ([-1] * 3, [1] * 3))
    img = _render(ax, tmp_path / "s.png")
    # the slice x3 = 0 drawn in (x1, x2): its regions, computed here from the definition
    (p0, p1, p2), _ = pl.default_plane([-1] * 3, [1] * 3)
    assert [list(map(F, p)) for p in (p0, p1, p2)] == [[0, 0, 0], [1, 0, 0], [0, 1, 0]]
    sn = ReLUNetwork([([[w[0], w[1]] for w in NET3.layers[0][0]], NET3.layers[0][1]), NET3.layers[1]])
    cx = PolyhedralComplex.from_network(sn, domain=BOX2)
    for r in cx.regions:  # every slice region is a region of the 3-D network cut by x3 = 0
        x = (*r.interior_point, F(0))
        assert tuple(int(z > 0) for z in NET3.preactivations(x)[0]) == r.pattern[0]
    assert _pixel_checks(cx, ax, img, pl.region_colors(cx)) >= 0.8 * len(cx)
    assert ax.get_xlabel() == "x1" and ax.get_ylabel() == "x2"


def test_1d_function_plot(tmp_path):
    net = ReLUNetwork([([[1], [1], [-1]], [0, "-1/2", "-1/3"]), ([[1, -2, 0]], [0])])
    # the third neuron switches at -1/3 without reaching the output: a region boundary, no bend
    cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1], [1]))
    ax = pl.plot_function_1d(cx)
    xs = [F(-1), F(-1, 3), F(0), F(1, 2), F(1)]
    assert [tuple(p) for p in ax.lines[0].get_xydata().tolist()] == [(float(x), float(net((x,))[0])) for x in xs]
    bent, straight = ax.lines[1], ax.lines[2]
    assert bent.get_xydata().tolist() == [[0.0, 0.0], [0.5, 0.5]]
    assert straight.get_xydata().tolist() == [[-1 / 3, 0.0]]
    assert straight.get_markerfacecolor() == "none"
    img = _render(ax, tmp_path / "f.png")
    H = img.shape[0]
    for x, y in bent.get_xydata():
        px, py = ax.transData.transform((x, y))
        got = img[int(H - py), int(px)][:3]
        want = matplotlib.colors.to_rgb("#b2182b")
        assert all(abs(float(g) - w) <= 1.5 / 255 for g, w in zip(got, want))


def test_save_plot_formats_and_errors(tmp_path):
    for suffix, magic in ((".png", b"\x89PNG"), (".pdf", b"%PDF"), (".svg", b"<?xml")):
        p = pl.save_plot(NET2, tmp_path / f"r{suffix}", box=(-1, 1), dpi=50, figsize=(4, 3))
        assert p.read_bytes()[: len(magic)] == magic
    assert mpimg.imread(tmp_path / "r.png").shape[:2] == (150, 200)
    with pytest.raises(InvalidInputError, match=r"\.png, \.svg or \.pdf"):
        pl.save_plot(NET2, tmp_path / "r.gif", box=(-1, 1))
    with pytest.raises(InvalidInputError, match="bounded domain"):
        pl.save_plot(NET2, tmp_path / "r.png")
    with pytest.raises(InvalidInputError, match="unbounded"):
        pl.plot_regions(PolyhedralComplex.from_network(NET2))


def test_cli_plot_png_contains_every_region_colour(cx2, tmp_path, capsys):
    import argparse
    import json

    from polyrelu.cli import plot as cli_plot

    net = tmp_path / "net.json"
    NET2.save(net)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    cli_plot.register(sub)
    out = tmp_path / "p.png"
    args = parser.parse_args(["plot", str(net), "--box", "-1", "1", "-o", str(out), "--dpi", "80"])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out)["written"] == str(out)
    img = (mpimg.imread(out)[:, :, :3] * 255).round().astype(int)
    present = {tuple(px) for px in img.reshape(-1, 3).tolist()}
    for c in pl.region_colors(cx2).values():
        assert tuple(round(x * 255) for x in c[:3]) in present
    # a 3-D network through an explicit plane
    net3 = tmp_path / "net3.json"
    NET3.save(net3)
    args = parser.parse_args(["plot", str(net3), "--plane", "0,0,0", "1,0,0", "0,1,1", "-o", str(tmp_path / "s.svg")])
    assert args.func(args) == 0
    with pytest.raises(InvalidInputError, match="coordinates"):
        args = parser.parse_args(["plot", str(net3), "--plane", "0,0", "1,0,0", "0,1,1", "-o", str(tmp_path / "s.svg")])
        args.func(args)
