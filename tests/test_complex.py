"""The exact polyhedral complex: counts against independent routes, invariants, degenerate input."""
from __future__ import annotations

import itertools
import json
from fractions import Fraction as F
from math import comb
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from polyrelu import InvalidInputError, Polytope, PolyhedralComplex, ReLUNetwork, RegionLimitError, count_faces, count_regions
from polyrelu.backends import get_backend
from polyrelu.complex import decision_boundary, degree_statistics, diameter, regions_crossed_by_segment

SHARED = Path(__file__).resolve().parents[2] / "shared"
BENCH = SHARED / "bench"

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- helpers -------------------------------------------------------------------------------------

def signature(cx: PolyhedralComplex):
    """Everything exact about a complex, independent of region order."""
    regs = {}
    for r in cx.regions:
        regs[r.pattern] = (r.vertices, r.rays, r.inequalities, r.affine_map, r.signs)
    edges = set()
    for i, j, d in cx.graph.edges(data=True):
        a, b = sorted([cx[i].pattern, cx[j].pattern])
        edges.add((a, b, d["neurons"]))
    return regs, edges


def brute_force_count(net: ReLUNetwork, lo, hi) -> int:
    """Activation regions meeting the open box, by trying every pattern with an exact LP.

    Independent of the engine: each pattern's polyhedron is written down from the configuration
    formulas (spec 1.1) and tested for an interior point by maximising the slack t.
    """
    n = net.input_dim
    lp = get_backend("cdd")
    count = 0
    widths = net.widths
    for bits in itertools.product((0, 1), repeat=sum(widths)):
        pattern, k = [], 0
        for w in widths:
            pattern.append(bits[k:k + w])
            k += w
        # rows: s * (G x + h) >= t  ->  -s*G x + t <= s*h ; box: x_i - hi <= -t etc.
        A, b = [], []
        Acur = [[F(int(i == j)) for j in range(n)] for i in range(n)]
        ccur = [F(0)] * n
        for (W, bias), s in zip(net.hidden_layers, pattern):
            G = [[sum((W[i][k] * Acur[k][j] for k in range(len(Acur))), F(0)) for j in range(n)] for i in range(len(W))]
            h = [sum((W[i][k] * ccur[k] for k in range(len(ccur))), bias[i]) for i in range(len(W))]
            for i in range(len(W)):
                sg = 1 if s[i] else -1
                if any(G[i]):
                    A.append([-sg * g for g in G[i]] + [F(1)])
                    b.append(sg * h[i])
                elif (h[i] > 0) != bool(s[i]):
                    break
            else:
                Acur = [G[i] if s[i] else [F(0)] * n for i in range(len(W))]
                ccur = [h[i] if s[i] else F(0) for i in range(len(W))]
                continue
            break
        else:
            for i in range(n):
                e = [F(0)] * (n + 1)
                e[i], e[n] = F(1), F(1)
                A.append(e)
                b.append(F(hi[i]))
                e = [F(0)] * (n + 1)
                e[i], e[n] = F(-1), F(1)
                A.append(e)
                b.append(F(-lo[i]))
            e = [F(0)] * n + [F(1)]
            A.append(e)
            b.append(F(1))
            res = lp.lp(n + 1, [F(0)] * n + [F(1)], A, b)
            if res.status == "optimal" and res.value > 0:
                count += 1
    return count


def random_net(draw, n0, widths, lo=-3, hi=3):
    layers = []
    prev = n0
    for w in list(widths) + [1]:
        W = [[draw(st.integers(lo, hi)) for _ in range(prev)] for _ in range(w)]
        b = [draw(st.integers(lo, hi)) for _ in range(w)]
        layers.append((W, b))
        prev = w
    return ReLUNetwork(layers)


@st.composite
def small_nets(draw, max_n0=3):
    n0 = draw(st.integers(1, max_n0))
    depth = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 4)) for _ in range(depth)]
    return random_net(draw, n0, widths)


def general_position(A, c) -> bool:
    """Exact affine general position of the hyperplanes a_i.x + c_i = 0 (spec 2.1)."""
    from sympy import Matrix

    m, n = len(A), len(A[0])
    for k in range(1, min(n, m) + 1):
        for S in itertools.combinations(range(m), k):
            if Matrix([A[i] for i in S]).rank() < k:
                return False
    if m > n:
        for S in itertools.combinations(range(m), n + 1):
            if Matrix([list(A[i]) + [c[i]] for i in S]).det() == 0:
                return False
    return True


# -- counts ----------------------------------------------------------------------------------------

@FAST
@given(st.data())
def test_one_layer_general_position_count_on_whole_space(data):
    n0 = data.draw(st.integers(1, 3))
    n1 = data.draw(st.integers(1, 6))
    W = [[data.draw(st.integers(-9, 9)) for _ in range(n0)] for _ in range(n1)]
    b = [data.draw(st.integers(-9, 9)) for _ in range(n1)]
    if not general_position(W, b):
        return
    net = ReLUNetwork([(W, b), ([[1] * n1], [0])])
    cx = net.complex(domain=None)
    assert len(cx) == sum(comb(n1, j) for j in range(n0 + 1))
    # spec 2.2: bounded regions C(m-1, n), adjacency edges m*S(m-1, n-1), Euler (-1)^n
    assert len(cx.bounded_regions) == comb(n1 - 1, n0)
    assert cx.graph.number_of_edges() == n1 * sum(comb(n1 - 1, j) for j in range(n0))
    assert cx.euler_characteristic == (-1) ** n0


@settings(max_examples=12, deadline=None)
@given(st.data())
def test_box_count_matches_brute_force_lp(data):
    n0 = data.draw(st.integers(1, 3))
    widths = [data.draw(st.integers(1, 3)) for _ in range(data.draw(st.integers(1, 2)))]
    net = random_net(data.draw, n0, widths)
    lo, hi = [-2] * n0, [3] * n0
    cx = net.complex(domain=Polytope.box(lo, hi))
    assert len(cx) == brute_force_count(net, lo, hi)


def test_bench_d2_16x3_reference_counts():
    ref = json.loads((BENCH / "reference_counts.json").read_text())["d2_16x3"]
    net = ReLUNetwork.load(BENCH / "d2_16x3.json")
    cx = net.complex()
    assert len(cx) == ref["regions"]
    assert cx.graph.number_of_edges() == ref["dual_edges"]
    # pairs of regions whose patterns differ in exactly one neuron (what relucent reports)
    pats = [int("".join(map(str, sum(r.pattern, ()))), 2) for r in cx.regions]
    hamming1 = sum(1 for i, a in enumerate(pats) for b in pats[i + 1:] if (a ^ b).bit_count() == 1)
    assert hamming1 == ref["hamming1_pairs"]
    assert cx.euler_characteristic == 1


def test_pascanu_complex_level_oracles():
    # spec 5.4: k = 2, explicit weights; 44 regions, (35, 78, 44) on R^2, (55, 98, 44) in [-10, 10]^2
    W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    W2 = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1], [1, 1, -1, -1]]
    net = ReLUNetwork([(W1, [0] * 4), (W2, [-1, -1, -3, F(-1, 2)]), ([[1, 1, 1, 1]], [0])])
    cx = net.complex(domain=None)
    assert (len(cx), cx.f_vector, cx.graph.number_of_edges()) == (44, (35, 78, 44), 78)
    assert degree_statistics(cx)["histogram"] == {3: 28, 4: 8, 5: 8}
    ham = [sum(a != b for a, b in zip(sum(cx[i].pattern, ()), sum(cx[j].pattern, ()))) for i, j in cx.graph.edges()]
    assert (ham.count(1), ham.count(2)) == (64, 14)
    boxed = net.complex(domain=Polytope.box([-10, -10], [10, 10]))
    assert boxed.f_vector == (55, 98, 44)


# -- invariants -------------------------------------------------------------------------------------

@FAST
@given(small_nets(), st.booleans())
def test_facets_are_the_generators_on_a_supporting_hyperplane(net, whole_space):
    """Each facet the core reports is exactly the set of the region's generators on one supporting
    hyperplane (checked with the exact normal), and is shared by at most two regions."""
    n = net.input_dim
    cx = net.complex(domain=None if whole_space else Polytope.box([-2] * n, [2] * n))
    res = cx.result
    f = res.facets()
    for i in range(len(cx)):
        own = res.cell_generators(i)
        for fid in f["cell_facets"][f["cell_ptr"][i]:f["cell_ptr"][i + 1]].tolist():
            on = set(f["gen_ids"][f["gen_ptr"][fid]:f["gen_ptr"][fid + 1]].tolist())
            assert on < set(own)
            normal = cx._facet_normal(fid)
            vals = {g: sum(a * x for a, x in zip(normal, res.generator(g))) for g in own}
            assert {g for g, v in vals.items() if v == 0} == on
            assert len({v > 0 for v in vals.values() if v != 0}) == 1
            assert i in f["cells"][2 * fid:2 * fid + 2].tolist()


@FAST
@given(small_nets())
def test_affine_maps_volumes_continuity_euler(net):
    n = net.input_dim
    box = Polytope.box([-2] * n, [2] * n)
    cx = net.complex(domain=box)
    assert sum(r.volume for r in cx.regions) == F(4) ** n
    assert cx.euler_characteristic == 1
    for r in cx.regions:
        A, c = r.affine_map
        for p in list(r.vertices) + [r.interior_point]:
            assert net(p) == tuple(sum((a * x for a, x in zip(row, p)), ci) for row, ci in zip(A, c))
        # the interior point really has the region's pattern
        assert net.activation_pattern(r.interior_point) == r.signs or all(
            (s > 0) == (t > 0) for sl, tl in zip(net.activation_pattern(r.interior_point), r.signs) for s, t in zip(sl, tl)
        )
    for i, j, d in cx.graph.edges(data=True):
        fa, fb = cx[i].affine_map, cx[j].affine_map
        for v in d["facet"].vertices:
            va = tuple(sum((a * x for a, x in zip(row, v)), ci) for row, ci in zip(*fa))
            vb = tuple(sum((a * x for a, x in zip(row, v)), ci) for row, ci in zip(*fb))
            assert va == vb
        # the labelled neurons vanish on the facet
        mid = d["facet"].interior_point
        z = net.preactivations(mid)
        assert all(z[l - 1][u] == 0 for l, u in d["neurons"])
    # every facet is shared by two regions or lies on the box boundary
    boundary = cx.boundary_facets
    assert sum(len(r.facets()) for r in cx.regions) == 2 * cx.graph.number_of_edges() + len(boundary)
    for _, f in boundary:
        A, b = box.inequalities
        assert any(all(sum((a * x for a, x in zip(row, v)), F(0)) == bi for v in f.vertices) for row, bi in zip(A, b))


@FAST
@given(small_nets(max_n0=2))
def test_whole_space_euler_and_backends_agree(net):
    cx = net.complex(domain=None, backend="cdd")
    assert cx.euler_characteristic == (-1) ** net.input_dim
    assert signature(cx) == signature(net.complex(domain=None, backend="ppl"))


@FAST
@given(small_nets())
def test_core_reference_order_and_backends_agree(net):
    box = Polytope.box([-3] * net.input_dim, [2] * net.input_dim)
    a = signature(net.complex(domain=box))
    assert a == signature(net.complex(domain=box, engine="reference"))  # the plain exact engine
    assert a == signature(net.complex(domain=box, order="reversed"))
    assert a == signature(net.complex(domain=box, backend="ppl"))


@FAST
@given(small_nets(), st.sampled_from([1, 2]))
def test_count_regions_counts_the_reference_engines_regions(net, workers):
    box = Polytope.box([-3] * net.input_dim, [2] * net.input_dim)
    want = len(net.complex(domain=box, engine="reference"))
    assert count_regions(net, box, workers=workers) == want
    assert count_regions(net, None) == len(net.complex(domain=None))


@FAST
@given(small_nets(), st.sampled_from([1, 2]), st.sampled_from(["given", "reversed"]))
def test_count_faces_is_the_reference_engines_f_vector(net, workers, order):
    # the owner-and-lowest-vertex count against the face poset of the plain exact engine's regions,
    # on an off-centre box and on a simplex (the interior point is the vertices' mean); small
    # integer weights make degenerate vertices (several hyperplanes through one point) common
    n = net.input_dim
    box = Polytope.box([-3] * n, [2] * n)
    simplex = Polytope.from_vertices([[0] * n] + [[3 if j == i else 0 for j in range(n)] for i in range(n)])
    for dom in (box, simplex):
        want = net.complex(domain=dom, engine="reference").f_vector
        got = count_faces(net, dom, workers=workers, order=order)
        assert got == want
        assert got[-1] == count_regions(net, dom) and sum((-1) ** k * f for k, f in enumerate(got)) == 1


@pytest.mark.parametrize("seed, n0, widths", [(0, 6, (5, 4)), (1, 7, (4, 3)), (2, 6, (3, 3, 2))])
def test_count_faces_in_six_and_seven_dimensions(seed, n0, widths):
    # from 6 inputs the core keeps each cell's edge graph (edges.hpp), and the count reads its edges
    # from there: float32 weights, against the core's own face poset of the kept complex
    rng = np.random.default_rng(seed)
    layers, prev = [], n0
    for w in list(widths) + [1]:
        layers.append((rng.normal(size=(w, prev)).astype(np.float32).tolist(), rng.normal(size=w).astype(np.float32).tolist()))
        prev = w
    net = ReLUNetwork(layers)
    box = Polytope.box([-1] * n0, [1] * n0)
    assert count_faces(net, box, workers=2) == net.complex(domain=box).f_vector


def test_count_faces_of_acas_xu_on_property_3s_box():
    # a real network: 5 inputs, six layers of 50, a small box far from the origin where the float
    # filter leaves hundreds of signs to exact arithmetic; against the kept complex's face poset
    net = ReLUNetwork.load(BENCH / "acasxu" / "json" / "acasxu_5_1_prop_3.json")
    fv = count_faces(net, workers=2)
    assert fv == net.complex().f_vector and fv[-1] == 9556
    assert sum((-1) ** k * f for k, f in enumerate(fv)) == 1


def test_count_faces_refuses_unbounded_domains():
    net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    with pytest.raises(InvalidInputError, match="bounded domain"):
        count_faces(net, None)


def test_count_regions_of_the_shared_workloads_and_its_time_limit():
    ref = json.loads((BENCH / "reference_counts.json").read_text())
    for w in ("d2_16x3", "d3_16x2"):
        assert count_regions(ReLUNetwork.load(BENCH / f"{w}.json"), workers=2) == ref[w]["regions"]
    from polyrelu.engine import TimeLimitError

    with pytest.raises(TimeLimitError, match="max_seconds=0.05"):
        count_regions(ReLUNetwork.load(BENCH / "d8_16x2.json"), max_seconds=0.05)


def test_parallel_equals_serial():
    net = ReLUNetwork.load(BENCH / "d2_16x3.json")
    a = net.complex()
    b = net.complex(workers=2)
    assert [r.pattern for r in a.regions] == [r.pattern for r in b.regions]
    assert signature(a) == signature(b)


def test_save_load_round_trip(tmp_path):
    W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    W2 = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1], [1, 1, -1, -1]]
    net = ReLUNetwork([(W1, [0] * 4), (W2, [-1, -1, -3, F(-1, 2)]), ([[1, 1, 1, 1]], [0])])
    cx = net.complex(domain=Polytope.box([-3, -3], [3, 3]))
    cx.save(tmp_path / "c.json")
    back = PolyhedralComplex.load(tmp_path / "c.json")
    assert signature(back) == signature(cx)
    assert back.f_vector == cx.f_vector and back.domain == cx.domain


# -- degenerate networks ------------------------------------------------------------------------------

def test_coincident_hyperplanes_are_one_bend_labelled_twice():
    # relu(x) and relu(2x) share a hyperplane; relu(-x) is its opposite
    net = ReLUNetwork([([[1], [2], [-1]], [0, 0, 0]), ([[1, 1, 1]], [0])])
    cx = net.complex(domain=None)
    assert len(cx) == 2 and cx.f_vector == (1, 2)
    (_, _, d), = cx.graph.edges(data=True)
    assert d["neurons"] == ((1, 0), (1, 1), (1, 2))


def test_dead_zero_and_missing_units():
    # unit 0 dead (weights 0, bias -1), unit 1 identically zero (0, 0), unit 2 misses the box
    net = ReLUNetwork([([[0, 0], [0, 0], [1, 0], [0, 1]], [-1, 0, 5, 0]), ([[1, 1, 1, 1]], [0])])
    cx = net.complex(domain=Polytope.box([-1, -1], [1, 1]))
    assert len(cx) == 2
    for r in cx.regions:
        assert r.signs[0][:3] == (-1, 0, 1)


def test_later_neuron_identically_zero_on_a_region():
    # z2 = relu(x) vanishes identically where x < 0 and is positive where x > 0
    net = ReLUNetwork([([[1]], [0]), ([[1]], [0]), ([[1]], [0])])
    cx = net.complex(domain=None)
    assert len(cx) == 2
    signs = sorted(r.signs for r in cx.regions)
    assert signs == [((-1,), (0,)), ((1,), (1,))]
    (_, _, d), = cx.graph.edges(data=True)
    assert d["neurons"] == ((1, 0), (2, 0))


def test_rank_deficient_first_layer_has_lines():
    # depends on x1 + x2 only: regions are strips/half-planes with a line (1, -1)
    net = ReLUNetwork([([[1, 1], [1, 1]], [0, -1]), ([[1, -1]], [0])])
    cx = net.complex(domain=None)
    assert len(cx) == 3
    assert all(r.lines == ((F(1), F(-1)),) or r.lines == ((F(-1), F(1)),) for r in cx.regions)
    assert cx.f_vector == (0, 2, 3)
    r = cx.region_containing([F(1, 4), F(1, 4)])
    assert r.affine_map == (((F(1), F(1)),), (F(0),))


def test_point_queries_and_segment():
    net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    cx = net.complex(domain=None)
    assert len(cx.regions_containing([0, 0])) == 4  # (0,0) is a vertex of 4 regions
    assert len(cx.regions_containing([F(1, 2), F(1, 2)])) == 2
    crossed = regions_crossed_by_segment(cx, [-1, F(1, 3)], [2, F(1, 3)])
    assert [cx[i].pattern for i, _, _ in crossed] == [((0, 1, 0),), ((1, 1, 0),), ((1, 1, 1),)]
    assert diameter(cx) == 3


def test_decision_boundary_pieces():
    net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, -1]], [0])])  # relu(x) - relu(y)
    cx = net.complex(domain=Polytope.box([-1, -1], [1, 1]))
    pieces = decision_boundary(cx)
    # zero set: the diagonal x = y in the positive quadrant, and the whole negative quadrant
    dims = sorted(p.dim for _, p in pieces)
    assert dims == [1, 2]


# -- bad input ----------------------------------------------------------------------------------------

def test_bad_input_errors():
    net = ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])])
    with pytest.raises(InvalidInputError, match="R\\^3"):
        net.complex(domain=Polytope.box([0, 0, 0], [1, 1, 1]))
    with pytest.raises(InvalidInputError, match="unknown backend|known"):
        net.complex(domain=None, backend="nope")
    with pytest.raises(InvalidInputError, match="dimension"):
        net.complex(domain=Polytope.box([0, 0], [0, 1]))
    with pytest.raises(InvalidInputError, match="outside"):
        net.complex(domain=Polytope.box([0, 0], [1, 1])).region_containing([5, 5])
    big = ReLUNetwork.load(BENCH / "d2_16x3.json")
    with pytest.raises(RegionLimitError, match="max_regions"):
        big.complex(max_regions=50)
    with pytest.raises(InvalidInputError, match="ragged|columns"):
        ReLUNetwork([([[1, 0], [1]], [0, 0]), ([[1, 1]], [0])])
    with pytest.raises(InvalidInputError, match="finite"):
        ReLUNetwork([([[float("nan")]], [0]), ([[1]], [0])])


def test_numbers_beyond_the_float_range_are_decided_exactly():
    big = 2 ** 1100  # weights and vertex coordinates a float cannot hold
    net = ReLUNetwork([([[big, 1], [1, -big]], [1, 0]), ([[big, big]], [-big]), ([[1]], [0])])
    box = Polytope.box([-1, -1], [1, 1])
    assert signature(net.complex(domain=box)) == signature(net.complex(domain=box, engine="reference"))
    far = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -big]), ([[1, 1, 1]], [0])])
    cx = far.complex(domain=None)
    assert (len(cx), cx.f_vector) == (7, (3, 9, 7))
    assert (F(big), F(0)) in {v for r in cx.regions for v in r.vertices}


def test_face_poset_cells_are_sign_vectors_on_faces_of_the_domain():
    # spec: a cell = {x in the domain : pattern(x) = s, x in relint of a face G of the domain};
    # the pairs (signs, domain face) must be distinct and the incidences must raise dimension by 1
    net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    cx = net.complex(domain=Polytope.box([-2, -2], [2, 2]))
    P = cx.face_poset()
    keys = [(d["signs"], d["domain_face"]) for _, d in P.nodes(data=True)]
    assert len(keys) == len(set(keys)) == sum(cx.f_vector)
    assert all(P.nodes[b]["dim"] == P.nodes[a]["dim"] + 1 for a, b in P.edges())
    corners = [n for n, d in P.nodes(data=True) if len(d["domain_face"]) == 2]
    assert len(corners) == 4 and all(P.nodes[n]["dim"] == 0 for n in corners)
    inside = [n for n, d in P.nodes(data=True) if not d["domain_face"]]
    assert sorted(P.nodes[n]["dim"] for n in inside).count(2) == 7
    # vertices of the arrangement inside the box have 2 zero signs; boundary ones 1, corners 0
    zeros = sorted(sum(s == 0 for layer in P.nodes[n]["signs"] for s in layer)
                   for n, d in P.nodes(data=True) if d["dim"] == 0)
    assert zeros == [0] * 4 + [1] * 6 + [2] * 3


def test_network_without_hidden_layers_is_one_region():
    # nothing bends: the complex is the domain itself, with the network's own affine map
    net = ReLUNetwork([([[1, 2], [0, 1]], [3, 0])])
    whole = net.complex(domain=None)
    assert (len(whole), whole.f_vector, whole.euler_characteristic) == (1, (0, 0, 1), 1)
    assert whole[0].affine_map == net.layers[0] and len(whole[0].lines) == 2
    box = net.complex(domain=Polytope.box([0, 0], [1, 1]))
    assert (len(box), box.f_vector, box[0].volume) == (1, (4, 4, 1), 1)
    half = net.complex(domain=Polytope.from_inequalities([[1, 0]], [1]))
    assert half.f_vector == (0, 1, 1)  # the open half-plane and its boundary line


@settings(max_examples=25, deadline=None)
@given(small_nets(max_n0=2))
def test_diameter_equals_networkx(net):
    import networkx as nx

    cx = net.complex(domain=Polytope.box([-3] * net.input_dim, [3] * net.input_dim))
    assert diameter(cx) == nx.diameter(cx.graph)


@pytest.mark.parametrize("seed, n0, widths", [(1, 3, (4, 3)), (2, 3, (3, 3, 2)), (3, 4, (3, 3)), (4, 4, (5, 4)),
                                              (5, 3, (6, 3))])
def test_higher_dimensional_counts_match_brute_force_lp(seed, n0, widths):
    import random

    rnd = random.Random(seed)
    layers, prev = [], n0
    for w in list(widths) + [1]:
        layers.append(([[rnd.randint(-4, 4) for _ in range(prev)] for _ in range(w)],
                       [rnd.randint(-4, 4) for _ in range(w)]))
        prev = w
    net = ReLUNetwork(layers)
    lo, hi = [-2] * n0, [3] * n0
    cx = net.complex(domain=Polytope.box(lo, hi))
    assert len(cx) == brute_force_count(net, lo, hi)
    assert cx.euler_characteristic == 1
    assert sum(r.volume for r in cx.regions) == F(5) ** n0


@FAST
@given(small_nets(), st.booleans())
def test_graph_nodes_carry_each_regions_pattern(net, no_hidden):
    """Every region is a node of the graph, with the pattern the network computes at its interior
    point (also for a network without hidden layers: one region, the empty pattern)."""
    if no_hidden:
        net = ReLUNetwork([([[1] * net.input_dim], [0])])
    n = net.input_dim
    cx = net.complex(domain=Polytope.box([-2] * n, [2] * n))
    G = cx.graph
    assert G.number_of_nodes() == len(cx)
    for i, data in G.nodes(data=True):
        signs = net.activation_pattern(cx[i].interior_point)
        assert data["pattern"] == tuple(tuple(int(v > 0) for v in layer) for layer in signs)
        assert data["region"] is cx[i]
