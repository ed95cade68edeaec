"""Exports checked by the programs they are for.

* polymake loads the complex (and single regions) and computes F_VECTOR, N_MAXIMAL_POLYTOPES,
  VOLUME itself from the exported points; compared with polyrelu's numbers.
* Sage (passagemath) builds the PolyhedralComplex (with its face-to-face check) directly and
  from the generated script; cells per dimension compared with cx.f_vector.
* cddlib's own ``scdd_gmp`` converts the exported ``.ine`` to vertices; pycddlib/read_cdd round trips.
* meshio, GeoJSON, GraphML and node-link JSON round trips give back identical data, and the
  orientation of exported polygons/polyhedra is checked by exact signed areas/volumes.

Tests that need polymake, sage or scdd_gmp skip when the program is missing, except under
CI=true, where a missing program is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu import export as ex
from polyrelu.complex import PolyhedralComplex
from polyrelu.exact import InvalidInputError
from polyrelu.labels import linear_region_ids
from polyrelu.polygons import polygon_ccw
from polyrelu.network import ReLUNetwork
from polyrelu.polytope import Polytope

from oracles import under_ci


# ---------------------------------------------------------------------------------------------
# programs that may be missing locally but must be there under CI
# ---------------------------------------------------------------------------------------------


def require_program(name: str) -> str:
    """Path of program ``name``; skip when missing, but FAIL when CI=true."""
    path = shutil.which(name)
    if path is None:
        if under_ci():
            pytest.fail(f"{name} is required under CI=true but is not on PATH")
        pytest.skip(f"{name} is not installed")
    return path


def require_sage() -> None:
    if not ex.sage_available():
        if under_ci():
            pytest.fail(f"Sage (passagemath) is required under CI=true: {ex.SAGE_INSTALL_HINT}")
        pytest.skip("Sage/passagemath is not importable")


def test_require_program_skips_locally_and_fails_under_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_program("polymake")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI=true"):
        require_program("polymake")
    monkeypatch.setattr(ex, "sage_available", lambda: False)
    with pytest.raises(pytest.fail.Exception, match="passagemath"):
        require_sage()


# ---------------------------------------------------------------------------------------------
# the complexes under test
# ---------------------------------------------------------------------------------------------

NET2 = ReLUNetwork(
    [
        ([[1, 1], [1, -1], [-1, "1/2"], [0, 1]], [0, "1/2", "1/3", "-1/3"]),
        ([[1, -1, 1, 0], [0, 1, 1, -1]], [0, "-1/2"]),
        ([[1, -2]], [0]),
    ]
)
NET3 = ReLUNetwork([([[1, 0, 1], [0, 1, -1], [1, -1, 0], [0, 0, 1]], [0, "1/3", "-1/2", "1/4"]), ([[1, 1, -1, 1]], [0])])
# a smaller 3-D network for Sage, whose PolyhedralComplex compares all pairs of faces (slow)
NET3S = ReLUNetwork([([[1, 0, 1], [0, 1, -1], [1, -1, 0]], [0, "1/3", "-1/2"]), ([[1, 1, -1]], [0])])
# first layer of rank 1: every region of R^2 contains the line direction (0, 1)
NET_LINES = ReLUNetwork([([[1, 0], [1, 0]], [0, -1]), ([[1, -1]], [0])])
BOX2 = Polytope.box([-1, -1], [1, 1])
BOX3 = Polytope.box([-1, -1, -1], [1, 1, 1])


@pytest.fixture(scope="module")
def cx2():
    return PolyhedralComplex.from_network(NET2, domain=BOX2)


@pytest.fixture(scope="module")
def cx3():
    return PolyhedralComplex.from_network(NET3, domain=BOX3)


@pytest.fixture(scope="module")
def cx3s():
    return PolyhedralComplex.from_network(NET3S, domain=BOX3)


@pytest.fixture(scope="module")
def cx2_whole():
    return PolyhedralComplex.from_network(NET2)


@pytest.fixture(scope="module")
def cx_lines():
    return PolyhedralComplex.from_network(NET_LINES)


def test_complexes_are_not_trivial(cx2, cx3, cx2_whole):
    # the checks below mean something only if the complexes have several cells of every kind
    assert len(cx2) >= 8 and len(cx3) >= 8 and len(cx2_whole) >= 6
    assert any(not r.is_bounded for r in cx2_whole.regions)
    assert sum(r.polytope.volume for r in cx2.regions) == 4
    assert sum(r.polytope.volume for r in cx3.regions) == 8


# ---------------------------------------------------------------------------------------------
# polymake
# ---------------------------------------------------------------------------------------------

POLYMAKE_SCRIPT = r"""
use application "fan";
foreach my $f (@ARGV) {
    my $o = load_data($f);
    my $t = $o->type->name;
    if ($t eq "PolyhedralComplex") {
        print "RESULT\t$f\t", $o->F_VECTOR, "\t", $o->N_MAXIMAL_POLYTOPES, "\t",
              $o->FAR_VERTICES->size(), "\t", $o->LINEALITY_DIM, "\n";
    } else {
        print "RESULT\t$f\t", $o->F_VECTOR, "\t", $o->N_VERTICES, "\t", $o->VOLUME, "\n";
    }
}
"""


def _run_polymake(files: list[Path], workdir: Path) -> dict[str, list[str]]:
    pm = require_program("polymake")
    script = workdir / "check.pl"
    script.write_text(POLYMAKE_SCRIPT)
    env = dict(os.environ, POLYMAKE_USER_DIR=str(workdir / ".polymake"))
    res = subprocess.run(
        [pm, "--script", str(script), *map(str, files)], capture_output=True, text=True, env=env, timeout=600
    )
    assert res.returncode == 0, res.stderr[-3000:]
    out = {}
    for line in res.stdout.splitlines():
        if line.startswith("RESULT\t"):
            _, f, *fields = line.split("\t")
            out[f] = fields
    assert len(out) == len(files), (res.stdout[-2000:], res.stderr[-2000:])
    return out


def test_polymake_loads_complexes_and_regions(cx2, cx3, cx2_whole, cx_lines, tmp_path):
    files = {
        "cx2": ex.to_polymake(cx2, tmp_path / "cx2.json"),
        "cx3": ex.to_polymake(cx3, tmp_path / "cx3.json"),
        "whole": ex.to_polymake(cx2_whole, tmp_path / "whole.json"),
        "lines": ex.to_polymake(cx_lines, tmp_path / "lines.json"),
    }
    regions = {}
    for name, cx in (("r2", cx2), ("r3", cx3)):
        for i in (0, len(cx) // 2, len(cx) - 1):
            P = cx.regions[i].polytope
            regions[f"{name}_{i}_v"] = (P, ex.polytope_to_polymake(P, tmp_path / f"{name}_{i}_v.json"))
            regions[f"{name}_{i}_h"] = (
                P,
                ex.polytope_to_polymake(P, tmp_path / f"{name}_{i}_h.json", representation="inequalities"),
            )
    res = _run_polymake(list(files.values()) + [p for _, p in regions.values()], tmp_path)

    for name, cx in (("cx2", cx2), ("cx3", cx3)):
        fvec, nmax, nfar, lin = res[str(files[name])]
        # polymake's own face count of the complex = polyrelu's cells per dimension (boundary included)
        assert tuple(int(x) for x in fvec.split()) == tuple(cx.f_vector)
        assert int(nmax) == len(cx)
        assert nfar == "0" and lin == "0"
    fvec, nmax, nfar, lin = res[str(files["lines"])]
    assert int(nmax) == len(cx_lines) == 3 and lin == "1"
    fvec, nmax, nfar, lin = res[str(files["whole"])]
    assert int(nmax) == len(cx2_whole) and lin == "0"
    # polymake's far vertices are the distinct ray directions of the unbounded regions
    assert int(nfar) == len({ray for r in cx2_whole.regions for ray in r.polytope.rays}) > 0
    for P, path in regions.values():
        fvec, nv, vol = res[str(path)]
        # polymake's F_VECTOR of a polytope stops at the facets; polyrelu's ends with f_dim = 1
        assert tuple(int(x) for x in fvec.split()) + (1,) == tuple(P.f_vector)
        assert int(nv) == len(P.vertices)
        assert F(vol) == P.volume


def test_polymake_data_is_exact_and_homogenised(cx2):
    d = ex.polymake_complex_data(cx2)
    pts = [tuple(F(x) for x in row) for row in d["POINTS"]]
    assert all(p[0] == 1 for p in pts)  # bounded complex: points only, no rays
    assert set(p[1:] for p in pts) == {v for r in cx2.regions for v in r.polytope.vertices}
    *cells, cols = d["INPUT_POLYTOPES"]
    assert cols == {"cols": len(pts)}
    for r, cell in zip(cx2.regions, cells):
        assert {pts[i][1:] for i in cell} == set(r.polytope.vertices)


def test_polymake_whole_space_has_rays(cx2_whole):
    d = ex.polymake_complex_data(cx2_whole)
    pts = [tuple(F(x) for x in row) for row in d["POINTS"]]
    *cells, _ = d["INPUT_POLYTOPES"]
    for r, cell in zip(cx2_whole.regions, cells):
        assert {pts[i][1:] for i in cell if pts[i][0] == 1} == set(r.polytope.vertices)
        assert {pts[i][1:] for i in cell if pts[i][0] == 0} == set(r.polytope.rays)


# ---------------------------------------------------------------------------------------------
# Sage
# ---------------------------------------------------------------------------------------------


def _sage_counts(pc) -> list[int]:
    cells = pc.cells()
    return [len(cells.get(k, ())) for k in range(pc.dimension() + 1)]


@pytest.mark.parametrize("which", ["cx3s", "cx2_whole", "cx_lines"])
def test_sage_builds_the_complex(which, request):
    require_sage()
    cx = request.getfixturevalue(which)
    pc = ex.to_sage(cx, face_to_face_check=True)  # Sage itself checks that cells meet face to face
    assert _sage_counts(pc) == list(cx.f_vector)
    assert sum(len(c) for c in pc.maximal_cells().values()) == len(cx)
    for r in cx.regions[:5]:
        P = ex.polytope_to_sage(r.polytope)
        assert tuple(int(x) for x in P.f_vector()[1:]) == tuple(r.polytope.f_vector)
        if r.is_bounded:
            assert F(str(P.volume())) == r.polytope.volume


def test_sage_script_runs_in_sage(cx2, tmp_path):
    require_sage()
    path = ex.write_sage_script(cx2, tmp_path / "cx2.py")
    res = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got == {"f_vector": list(cx2.f_vector), "maximal_cells": len(cx2)}


# ---------------------------------------------------------------------------------------------
# cdd
# ---------------------------------------------------------------------------------------------


def test_cdd_round_trip_is_exact(cx2, cx3, cx2_whole, cx_lines, tmp_path):
    import cdd.gmp as cg

    for name, cx in (("b2", cx2), ("b3", cx3), ("w2", cx2_whole), ("lines", cx_lines)):
        paths = ex.to_cdd(cx, tmp_path / name)
        assert len(paths) == 2 * len(cx)
        for r in cx.regions:
            ine, ext = paths[2 * r.index], paths[2 * r.index + 1]
            P = r.polytope
            m = ex.read_cdd(ext)
            assert m.rep_type == cg.RepType.GENERATOR
            V = {tuple(row[1:]) for row in m.array if row[0] == 1}
            R = {tuple(row[1:]) for i, row in enumerate(m.array) if row[0] == 0 and i not in m.lin_set}
            L = {tuple(row[1:]) for i, row in enumerate(m.array) if i in m.lin_set}
            assert V == set(P.vertices) and R == set(P.rays) and L == set(P.lines)
            h = ex.read_cdd(ine)
            assert h.rep_type == cg.RepType.INEQUALITY
            A, b = P.inequalities
            assert sorted(tuple(row) for row in h.array) == sorted((beta, *(-x for x in a)) for a, beta in zip(A, b))
            # pycddlib itself converts the H-file to generators: the same vertices
            gens = cg.copy_generators(cg.polyhedron_from_matrix(h))
            assert ex.polytope_from_cdd(gens) == P
            if not P.lines:  # pointed: the generators are unique
                assert {tuple(x / row[0] for x in row[1:]) for row in gens.array if row[0] != 0} == set(P.vertices)
            assert ex.polytope_from_cdd(ine) == P and ex.polytope_from_cdd(ext) == P


def test_cddlib_program_reads_the_files(cx3, cx2_whole, cx_lines, tmp_path):
    scdd = require_program("scdd_gmp")
    for name, cx in (("b3", cx3), ("w2", cx2_whole), ("lines", cx_lines)):
        for r in cx.regions[:6]:
            d = tmp_path / f"{name}_{r.index}"
            d.mkdir()
            ine = ex.polytope_to_cdd(r.polytope, d / "p.ine")
            res = subprocess.run([scdd, str(ine)], capture_output=True, text=True, cwd=d, timeout=120)
            assert res.returncode == 0, res.stderr
            back = ex.polytope_from_cdd(d / "p.ext")  # written by cddlib, not by us
            assert back == r.polytope
            assert back.vertices == r.polytope.vertices and back.rays == r.polytope.rays
            assert back.lines == r.polytope.lines


# ---------------------------------------------------------------------------------------------
# meshio / VTK
# ---------------------------------------------------------------------------------------------


def _exact_points(cx) -> dict[tuple[float, ...], tuple[F, ...]]:
    pts = {}
    for r in cx.regions:
        for v in r.polytope.vertices:
            key = tuple(float(x) for x in v) + (0.0,) * (3 - len(v))
            assert pts.setdefault(key, v) == v  # no two exact vertices collapse to one float point
    return pts


def _signed_area(poly) -> F:
    return sum((p[0] * q[1] - q[0] * p[1] for p, q in zip(poly, poly[1:] + poly[:1])), F(0)) / 2


def _signed_volume(faces) -> F:
    # divergence theorem over a fan triangulation of each face: sum of det(a, b, c) / 6
    tot = F(0)
    for f in faces:
        a = f[0]
        for b, c in zip(f[1:-1], f[2:]):
            tot += (
                a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])
            )
    return tot / 6


@pytest.mark.parametrize("which", ["cx2", "cx3"])
def test_vtk_round_trip_with_meshio(which, request, tmp_path):
    import meshio

    cx = request.getfixturevalue(which)
    path = ex.to_vtk(cx, tmp_path / "cx.vtu")
    m = meshio.read(path)
    exact = _exact_points(cx)
    P = [exact[tuple(float(x) for x in p)] for p in m.points]
    lin_ids = linear_region_ids(cx)
    seen = set()
    for k, block in enumerate(m.cells):
        for j, cell in enumerate(block.data):
            i = int(m.cell_data["region"][k][j])
            r = cx.regions[i]
            seen.add(i)
            assert int(m.cell_data["pattern_hash"][k][j]) == ex.pattern_hash(r)
            assert int(m.cell_data["linear_region"][k][j]) == lin_ids[i]
            assert float(m.cell_data["output"][k][j]) == float(NET2(r.interior_point)[0] if cx.dim == 2 else NET3(r.interior_point)[0])
            if cx.dim == 2:
                assert block.type == "polygon"
                poly = [P[int(t)] for t in cell]
                assert set(poly) == set(r.polytope.vertices)
                # counterclockwise and really the region: exact shoelace area = region area
                assert _signed_area(poly) == r.polytope.volume
            else:
                assert block.type.startswith("polyhedron")
                faces = [[P[int(t)] for t in face] for face in cell]
                assert {v for f in faces for v in f} == set(r.polytope.vertices)
                assert len(faces) == len(r.polytope.inequalities[0])
                # outward-oriented faces: the exact divergence-theorem volume is the region volume
                assert _signed_volume(faces) == r.polytope.volume
    assert seen == set(range(len(cx)))


def test_vtk_needs_bounded_2d_or_3d(cx2_whole):
    with pytest.raises(InvalidInputError, match="unbounded"):
        ex.to_meshio(cx2_whole)
    cx1 = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]), domain=Polytope.box([-1], [1]))
    with pytest.raises(InvalidInputError, match="2-D or 3-D"):
        ex.to_meshio(cx1)


# ---------------------------------------------------------------------------------------------
# GeoJSON
# ---------------------------------------------------------------------------------------------


def test_geojson_features(cx2, tmp_path):
    data = json.loads(ex.to_geojson(cx2, tmp_path / "cx.geojson").read_text())
    assert data["type"] == "FeatureCollection"
    feats = data["features"]
    assert [f["properties"]["region"] for f in feats] == list(range(len(cx2)))
    total = F(0)
    for f, r in zip(feats, cx2.regions):
        ring = f["geometry"]["coordinates"][0]
        assert f["geometry"]["type"] == "Polygon" and ring[0] == ring[-1]
        exact = [tuple(F(x) for x in v) for v in f["properties"]["vertices_exact"]]
        assert [[float(x) for x in v] for v in exact] == ring[:-1]
        assert set(exact) == set(r.polytope.vertices)
        area = _signed_area(exact)
        assert area > 0 and area == F(f["properties"]["area_exact"]) == r.polytope.volume  # CCW (RFC 7946)
        assert f["properties"]["pattern"] == ex.pattern_string(r)
        assert [F(x) for x in f["properties"]["output_exact"]] == list(NET2(r.interior_point))
        assert sorted(f["properties"]["neighbors"]) == sorted(cx2.graph.neighbors(r.index))
        total += area
    assert total == 4


def test_geojson_is_2d_only(cx3):
    with pytest.raises(InvalidInputError, match="2-D"):
        ex.geojson_data(cx3)


# ---------------------------------------------------------------------------------------------
# the adjacency graph
# ---------------------------------------------------------------------------------------------


def _same_graph(G, H):
    assert set(G.nodes) == set(H.nodes)
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in H.edges}
    for n in G.nodes:
        assert G.nodes[n] == H.nodes[n]
    for u, v in G.edges:
        assert G.edges[u, v] == H.edges[u, v]


@pytest.mark.parametrize("which", ["cx2", "cx3", "cx2_whole"])
def test_graph_round_trips(which, request, tmp_path):
    cx = request.getfixturevalue(which)
    G = ex.adjacency_graph(cx)
    for _, d in list(G.nodes(data=True)) + [(None, d) for *_, d in G.edges(data=True)]:
        assert all(type(v) in (str, int, float, bool) for v in d.values())
    _same_graph(G, nx.read_graphml(ex.to_graphml(cx, tmp_path / "g.graphml"), node_type=int))
    _same_graph(G, ex.read_node_link(ex.to_node_link(cx, tmp_path / "g.json")))
    # the attributes say what the complex says
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in cx.graph.edges}
    for u, v, d in cx.graph.edges(data=True):
        assert G.edges[u, v]["neurons"] == ";".join(f"{l}:{i}" for l, i in d["neurons"])
    for r in cx.regions:
        assert G.nodes[r.index]["pattern"] == ex.pattern_string(r)
        assert tuple(F(x) for x in G.nodes[r.index]["interior_point"].split(",")) == tuple(r.interior_point)
    # cutting the bent edges leaves the linear regions as connected components
    flat = nx.Graph()
    flat.add_nodes_from(G.nodes)
    flat.add_edges_from((u, v) for u, v, b in G.edges(data="bent") if not b)
    assert nx.number_connected_components(flat) == cx.n_linear_regions


# ---------------------------------------------------------------------------------------------
# the complex as one JSON document
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["cx2", "cx2_whole"])
def test_json_round_trip(which, request, tmp_path):
    cx = request.getfixturevalue(which)
    back = PolyhedralComplex.load(ex.to_json(cx, tmp_path / "cx.json"))
    assert len(back) == len(cx) and tuple(back.f_vector) == tuple(cx.f_vector)
    for r, s in zip(cx.regions, back.regions):
        assert s.pattern == r.pattern and s.polytope == r.polytope
        assert s.vertices == r.vertices and s.affine_map == r.affine_map
    assert {frozenset(e) for e in back.graph.edges} == {frozenset(e) for e in cx.graph.edges}


# ---------------------------------------------------------------------------------------------
# exact polygon order (hypothesis)
# ---------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 20), st.integers(-20, 20)), min_size=3, max_size=12), st.randoms())
def test_polygon_order_is_counterclockwise(pts, rnd):
    P = Polytope.from_vertices(pts)
    if P.dim < 2:
        return
    V = list(P.vertices)
    rnd.shuffle(V)
    ring = polygon_ccw(V)
    assert set(ring) == set(P.vertices)
    n = len(ring)
    for k in range(n):  # every turn is a strict left turn
        a, b, c = ring[k], ring[(k + 1) % n], ring[(k + 2) % n]
        assert (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) > 0
    assert _signed_area(ring) == P.volume


# ---------------------------------------------------------------------------------------------
# the dispatcher, the command line and the demo
# ---------------------------------------------------------------------------------------------


def test_export_rejects_bad_requests(cx2, cx3, tmp_path):
    with pytest.raises(InvalidInputError, match="unknown export format"):
        ex.export(cx2, "stl", tmp_path / "x")
    with pytest.raises(InvalidInputError, match="region 99"):
        ex.export(cx2, "polymake", tmp_path / "x.json", region=99)
    with pytest.raises(InvalidInputError, match="single region"):
        ex.export(cx2, "vtk", tmp_path / "x.vtu", region=0)
    with pytest.raises(InvalidInputError, match="does not exist"):
        ex.to_polymake(cx2, tmp_path / "no" / "such" / "dir.json")
    with pytest.raises(InvalidInputError, match=r"\.ine or \.ext"):
        ex.polytope_to_cdd(cx2.regions[0].polytope, tmp_path / "x.txt")
    bad = tmp_path / "bad.ine"
    bad.write_text("H-representation\nbegin\n 2 3 rational\n 1 0 x\n")
    with pytest.raises(InvalidInputError, match="bad.ine:4"):
        ex.read_cdd(bad)


def _cli(argv):
    import argparse

    from polyrelu.cli import export as cli_export
    from polyrelu.cli import plot as cli_plot

    parser = argparse.ArgumentParser(prog="polyrelu")
    sub = parser.add_subparsers(dest="command")
    cli_export.register(sub)
    cli_plot.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_export_every_format(cx2, tmp_path, capsys):
    net = tmp_path / "net.json"
    NET2.save(net)
    targets = {
        "polymake": tmp_path / "cx.poly.json",
        "sage": tmp_path / "cx.sage",
        "cdd": tmp_path / "cdd",
        "vtk": tmp_path / "cx.vtu",
        "geojson": tmp_path / "cx.geojson",
        "graphml": tmp_path / "g.graphml",
        "nodelink": tmp_path / "g.json",
        "json": tmp_path / "cx.json",
    }
    assert set(targets) == set(ex.FORMATS)
    for fmt, out in targets.items():
        assert _cli(["export", str(net), "--box", "-1", "1", "--to", fmt, "-o", str(out)]) == 0
        summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert summary["regions"] == len(cx2) and summary["f_vector"] == list(cx2.f_vector)
    assert json.loads(targets["polymake"].read_text()) == json.loads(json.dumps(ex.polymake_complex_data(cx2)))
    assert targets["sage"].read_text() == ex.sage_script(cx2)
    assert len(list(targets["cdd"].iterdir())) == 2 * len(cx2)
    assert json.loads(targets["geojson"].read_text()) == json.loads(json.dumps(ex.geojson_data(cx2)))
    _same_graph(ex.adjacency_graph(cx2), nx.read_graphml(targets["graphml"], node_type=int))
    # a single region, and the whole space
    one = tmp_path / "r0.json"
    _cli(["export", str(net), "--box", "-1,-1", "1,1", "--to", "polymake", "--region", "0", "-o", str(one)])
    assert json.loads(one.read_text())["_type"] == "polytope::Polytope<Rational>"
    whole = tmp_path / "whole.json"
    _cli(["export", str(net), "--whole-space", "--to", "polymake", "-o", str(whole)])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["regions"] == len(PolyhedralComplex.from_network(NET2))
    dom = tmp_path / "dom.json"
    dom.write_text(json.dumps({"box": [[-1, -1], [1, 1]]}))
    _cli(["export", str(net), "--domain", str(dom), "--to", "json", "-o", str(tmp_path / "d.json")])
    assert json.loads(capsys.readouterr().out.strip())["f_vector"] == list(cx2.f_vector)


def test_cli_rejects_bad_boxes(tmp_path):
    from polyrelu.cli.export import parse_box

    with pytest.raises(InvalidInputError, match="LO < HI"):
        parse_box("1", "0", 2)
    with pytest.raises(InvalidInputError, match="--box HI"):
        parse_box("0", "1,2,x", 3)
    net = tmp_path / "net.json"
    NET2.save(net)
    with pytest.raises(InvalidInputError, match="unbounded"):
        _cli(["export", str(net), "--to", "vtk", "-o", str(tmp_path / "x.vtu")])


def test_demo_writes_one_file_of_each_kind(cx3s, cx2_whole, tmp_path):
    paths = ex.demo(tmp_path / "demo")
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
    names = {p.name for p in paths}
    for expected in ("complex.polymake.json", "complex.region0.polymake.json", "complex.sage", "complex.vtu",
                     "complex3d.vtu", "complex.geojson", "complex.graph.graphml", "complex.graph.json",
                     "complex.json", "complex.png", "complex3d.png", "region_00.ine", "region_00.ext"):
        assert expected in names
    # the saved complex is the demo network's complex
    net = ReLUNetwork.load(tmp_path / "demo" / "network2d.json")
    back = PolyhedralComplex.load(tmp_path / "demo" / "complex.json")
    assert tuple(back.f_vector) == tuple(PolyhedralComplex.from_network(net, domain=BOX2).f_vector)
    # demo(cx, folder), as `polyrelu demo` calls it: only the kinds that apply
    kinds = lambda ps: sorted(p.name.split(".", 1)[1] if "." in p.name else p.name for p in ps)  # noqa: E731
    assert kinds(ex.demo(cx3s, tmp_path / "d3")) == [
        "ext", "graph.graphml", "graph.json", "ine", "json", "png", "polymake.json", "region0.polymake.json",
        "sage", "vtu"]
    assert kinds(ex.demo(cx2_whole, tmp_path / "w2")) == [
        "ext", "graph.graphml", "graph.json", "ine", "json", "polymake.json", "region0.polymake.json", "sage"]
