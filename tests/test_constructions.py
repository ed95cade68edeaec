"""The papers' record networks (polyrelu.constructions) against the papers' and the spec's numbers.

Oracles: math-spec sections 4-8 and tables T1, T3, T4, 5.4, 6.2, 7.2, 8.  R -> R constructions are
checked twice: by an independent exact 1-D interval propagation written here (no polyhedral code)
and by the enumeration engine.  2-D/3-D constructions are checked by the engine against closed
forms and the spec's complex-level tables (f-vectors, adjacency, Hamming distances).
"""
from __future__ import annotations

import doctest
import math
from collections import Counter
from fractions import Fraction as F
from itertools import combinations
from pathlib import Path

from oracles import det, solve  # noqa: F401
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.constructions import (
    SERRA_WITNESS_BREAKPOINTS,
    arora_depth_gap_network,
    arora_hard_network,
    arora_hard_pieces,
    arora_hat_coefficients,
    arora_shallow_size_lower_bound,
    binomial_sum,
    general_position_arrangement,
    max_network,
    montufar_box_count,
    montufar_domain,
    montufar_network,
    pascanu_deep_count,
    pascanu_network,
    serra_witness,
    shallow_count,
    shallow_network,
    telgarsky_pieces,
    telgarsky_sawtooth,
    zonotope_family_pieces,
    zonotope_family_printed,
    zonotope_network,
)
from polyrelu.exact import InvalidInputError

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------
# an independent exact oracle for R -> R networks
# --------------------------------------------------------------------------------------------
def _intervals_1d(net, lo=None, hi=None):
    """Propagate the layers over intervals of R; on each interval every activation is an affine
    function (slope, intercept) of x, and a unit changing sign inside an interval splits it at its
    exact zero.  Returns [(lo, hi, slope, intercept)] of the output, one per activation interval."""

    def layer(W, b, acts):
        return [
            (sum((w * a[0] for w, a in zip(row, acts)), F(0)), sum((w * a[1] for w, a in zip(row, acts)), bi))
            for row, bi in zip(W, b)
        ]

    def sample(a, c):
        if a is None and c is None:
            return F(0)
        if a is None:
            return c - 1
        if c is None:
            return a + 1
        return (a + c) / 2

    cells = [(lo, hi, [(F(1), F(0))])]
    for W, b in net.hidden_layers:
        new = []
        for clo, chi, acts in cells:
            pre = layer(W, b, acts)
            cuts = {-t / s for s, t in pre if s != 0}
            cuts = sorted(x for x in cuts if (clo is None or x > clo) and (chi is None or x < chi))
            pts = [clo] + cuts + [chi]
            for a, c in zip(pts, pts[1:]):
                xm = sample(a, c)
                new.append((a, c, [(s, t) if s * xm + t > 0 else (F(0), F(0)) for s, t in pre]))
        cells = new
    W, b = net.layers[-1]
    return [(a, c, *layer(W, b, acts)[0]) for a, c, acts in cells]


def pieces_1d(net, lo=None, hi=None):
    """(activation intervals, pieces, breakpoints of the function) on [lo, hi]."""
    cells = _intervals_1d(net, lo, hi)
    breaks = []
    for (_, x, s0, t0), (y, _, s1, t1) in zip(cells, cells[1:]):
        assert x == y and s0 * x + t0 == s1 * x + t1  # continuity: equal slope <=> same affine map
        if s0 != s1:
            breaks.append(x)
    return len(cells), len(breaks) + 1, breaks


# --------------------------------------------------------------------------------------------
# closed forms
# --------------------------------------------------------------------------------------------
def test_pascanu_numbers_in_the_text():
    # Pascanu et al., section 5: 37, 44, 79, 176 (and spec 5.3 table)
    assert (shallow_count(8, 2), pascanu_deep_count(2, 2)) == (37, 44)
    assert (shallow_count(12, 2), pascanu_deep_count(2, 3)) == (79, 176)
    assert (shallow_count(6, 1), pascanu_deep_count(1, 3)) == (7, 12)
    assert (shallow_count(12, 3), pascanu_deep_count(3, 2)) == (299, 336)
    assert (shallow_count(18, 3), pascanu_deep_count(3, 3)) == (988, 2688)


def test_montufar_counts_T3_column():
    # T3 "Montufar14 (LB)" column, every row with widths >= n0
    rows = {
        (1, (3,)): 4, (1, (3, 3)): 12, (1, (4, 2)): 12, (1, (2, 2, 2)): 12, (1, (3, 3, 3)): 36,
        (2, (2, 2)): 4, (2, (3, 3)): 7, (2, (4, 4)): 44, (2, (4, 4, 4)): 176, (2, (6, 4)): 99,
        (2, (6, 6)): 198, (2, (6, 6, 6)): 1782, (2, (8,)): 37, (3, (6, 6)): 336, (3, (9, 9)): 3510,
        (2, (10, 10, 10)): 35000,
    }
    for (n0, widths), value in rows.items():
        assert montufar_box_count(n0, widths) == value, (n0, widths)


def test_arora_closed_forms():
    assert [arora_hard_pieces(w, k) for w, k in [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (4, 2), (4, 3)]] == [
        (2, 3), (4, 6), (8, 10), (3, 4), (9, 10), (27, 28), (16, 18), (64, 66)]
    # section 4.4 gap table: 1/2 k^{k+1} - 1
    assert [arora_shallow_size_lower_bound(k) for k in (2, 3, 4, 5, 6)] == [3, F(79, 2), 511, F(15623, 2), 139967]
    assert zonotope_family_pieces(2, 2, 2, 3) == 25 and zonotope_family_pieces(2, 2, 3, 3) == 54


# T4 rows: (n, m, w, k, V, exact pieces, printed, Serra T7)
T4 = [
    (n, m, w, k, V, exact, printed, serra)
    for (n, m, V) in [(2, 2, 4), (2, 3, 6), (2, 4, 8), (2, 5, 10), (3, 3, 8), (3, 4, 14), (3, 5, 22)]
    for (w, k, exact, printed, serra) in [
        (2, 1, 2 * V, V, 3 * V), (2, 2, 4 * V + 1, 2 * V, 9 * V), (2, 3, 8 * V + 1, 4 * V, 27 * V),
        (3, 1, 3 * V, 3 * V // 2, 4 * V), (3, 2, 9 * V, 9 * V // 2, 16 * V), (3, 3, 27 * V, 27 * V // 2, 64 * V),
    ]
]


def test_T4_closed_forms_and_architecture():
    # spot values typed from the printed table
    printed_rows = {(2, 3, 2, 2): (25, 12, 54), (3, 5, 3, 3): (594, 297, 1408), (2, 2, 2, 3): (33, 16, 108)}
    for (n, m, w, k), (exact, printed, serra) in printed_rows.items():
        assert zonotope_family_pieces(n, k, w, m) == exact
        assert zonotope_family_printed(n, k, w, m) == printed
        assert 2 * binomial_sum(m - 1, n - 1) * (w + 1) ** k == serra
    for n, m, w, k, V, exact, printed, serra in T4:
        assert zonotope_family_pieces(n, k, w, m) == exact
        assert zonotope_family_printed(n, k, w, m) == printed
        net = zonotope_network(n, k, w, m)
        assert (net.depth, net.size, len(net.widths)) == (k + 2, 2 * m + w * k, k + 1)


# --------------------------------------------------------------------------------------------
# explicit weights (math-spec 5.4, 6.2, 7.2)
# --------------------------------------------------------------------------------------------
def _as_str(layer):
    W, b = layer
    return [[str(x) for x in r] for r in W], [str(x) for x in b]


def test_pascanu_weights_are_the_spec_weights():
    W1 = ([["1", "0"], ["-1", "0"], ["0", "1"], ["0", "-1"]], ["0"] * 4)
    net2, net3 = pascanu_network(2, 2), pascanu_network(2, 3)
    assert _as_str(net2.layers[0]) == W1 == _as_str(net3.layers[0])
    last = [["1", "1", "0", "0"], ["0", "0", "1", "1"], ["1", "1", "1", "1"], ["1", "1", "-1", "-1"]]
    assert _as_str(net2.layers[1]) == (last, ["-1", "-1", "-3", "-1/2"])
    fold = [["1", "1", "0", "0"], ["-1", "-1", "0", "0"], ["0", "0", "1", "1"], ["0", "0", "-1", "-1"]]
    assert _as_str(net3.layers[1]) == (fold, ["-1", "1", "-1", "1"])
    assert _as_str(net3.layers[2]) == (last, ["-1/4", "-1/4", "-3/4", "-1/8"])


def test_montufar_weights_are_the_spec_weights():
    net = montufar_network(2, (6, 4))
    assert _as_str(net.layers[0]) == (
        [["1", "0"], ["1", "0"], ["1", "0"], ["0", "1"], ["0", "1"], ["0", "1"]], ["0", "-1", "-2", "0", "-1", "-2"])
    assert _as_str(net.layers[1]) == (
        [["1", "-2", "2", "0", "0", "0"], ["0", "0", "0", "1", "-2", "2"], ["1", "-2", "2", "1", "-2", "2"],
         ["1", "-2", "2", "-1", "2", "-2"]], ["-1/4", "-1/4", "-3/4", "-1/8"])


def test_serra_witness_weights_and_breakpoints():
    net = serra_witness()
    assert _as_str(net.layers[1]) == (
        [["-8/3", "2", "-4/3"], ["-5", "9/2", "-11/3"], ["3", "-11/4", "3/2"]], ["7/2", "8", "-4"])
    regions, pieces, breaks = pieces_1d(net)
    assert (regions, pieces) == (16, 16)  # Serra Thm 5: (3+1)(3+1)
    assert tuple(breaks) == SERRA_WITNESS_BREAKPOINTS


def test_arora_hat_coefficients_match_spec():
    assert arora_hat_coefficients([F(1, 2)]) == ((0, F(1, 2)), (2, -4))
    assert arora_hat_coefficients([F(1, 3), F(2, 3)]) == ((0, F(1, 3), F(2, 3)), (3, -6, 6))


# --------------------------------------------------------------------------------------------
# R -> R constructions, by the independent 1-D oracle
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_telgarsky_sawtooth_pieces_and_breakpoints(k):
    net = telgarsky_sawtooth(k)
    assert net.widths == (3,) * k
    inner, total = telgarsky_pieces(k)
    assert pieces_1d(net)[1] == total == 2**k + 2
    _, p01, breaks = pieces_1d(net, F(0), F(1))
    assert p01 == inner == 2**k
    assert breaks == [F(j, 2**k) for j in range(1, 2**k)]
    # exact values: 0 at even, 1 at odd multiples of 2^-k, 1/2 at the midpoints
    assert [net([F(j, 2**k)])[0] for j in range(2**k + 1)] == [j % 2 for j in range(2**k + 1)]
    assert all(net([F(2 * j + 1, 2 ** (k + 1))])[0] == F(1, 2) for j in range(2**k))


@pytest.mark.parametrize("w,k", [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (4, 2), (4, 3)])
def test_arora_hard_functions_table(w, k):
    net = arora_hard_network(w, k)
    assert (net.depth, net.size, net.widths) == (k + 1, w * k, (w,) * k)
    inner, total = arora_hard_pieces(w, k)
    assert pieces_1d(net, F(0), F(1))[1] == inner == w**k
    assert pieces_1d(net)[1] == total
    assert [net([F(j, w**k)])[0] for j in range(w**k + 1)] == [j % 2 for j in range(w**k + 1)]


def test_arora_hard_function_with_uneven_breakpoints_and_M():
    # Lemma B.1: any a^i in Delta^{w-1}_M gives w^k pieces on [0, M], each onto [0, M]
    a = [(F(1, 5), F(1, 2)), (F(2, 3), F(5, 7))]
    net = arora_hard_network(3, 2, a=a, M=1)
    _, p, breaks = pieces_1d(net, F(0), F(1))
    assert p == 9
    pts = [F(0)] + breaks + [F(1)]
    assert sorted({net([x])[0] for x in pts}) == [0, 1]
    net = arora_hard_network(2, 3, M=3)
    assert pieces_1d(net, F(0), F(3))[1] == 8 and pieces_1d(net)[1] == 10


def test_depth_gap_network_k2():
    net = arora_depth_gap_network(2)
    assert (len(net.widths), net.size) == (4, 8)  # k^2 hidden layers, size k^3
    assert pieces_1d(net, F(0), F(1))[1] == 16 and pieces_1d(net)[1] == 18
    net3 = arora_depth_gap_network(3)
    assert (len(net3.widths), net3.size, set(net3.widths)) == (9, 27, {3})


# --------------------------------------------------------------------------------------------
# networks evaluated exactly
# --------------------------------------------------------------------------------------------
small = st.fractions(min_value=-5, max_value=5, max_denominator=7)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(small, small, small), min_size=1, max_size=5), st.tuples(small, small))
def test_max_network_computes_the_max(rows, x):
    A = [r[:2] for r in rows]
    c = [r[2] for r in rows]
    net = max_network(A, c)
    assert len(net.widths) == math.ceil(math.log2(len(rows)))
    assert net(x)[0] == max(a[0] * x[0] + a[1] * x[1] + ci for a, ci in zip(A, c))


def test_max_network_shapes():
    assert max_network([[1, 0], [0, 1]]).widths == (3,)
    assert max_network([[1, 0, 0], [0, 1, 0], [0, 0, 1]]).widths == (5, 3)
    assert max_network([[1]] * 4).widths == (6, 3)


@settings(max_examples=30, deadline=None)
@given(st.tuples(small, small))
def test_zonotope_network_is_H_of_gamma(r):
    G = [(1, 0), (1, 1), (1, 2)]
    net = zonotope_network(2, 2, 3, 3, generators=G)
    H = arora_hard_network(3, 2)
    gamma = sum(abs(g[0] * r[0] + g[1] * r[1]) for g in G)
    assert net(r) == H([gamma])


@settings(max_examples=30, deadline=None)
@given(st.tuples(small, small))
def test_pascanu_network_folds(x):
    # k = 2: invariant under x_i -> -x_i; k = 3 additionally under |x_i| -> 2 - |x_i| (fold at 1)
    net = pascanu_network(2, 3)
    assert net(x) == net((-x[0], x[1])) == net((x[0], -x[1]))
    if abs(x[0]) <= 2:
        assert net(x) == net((2 - abs(x[0]), x[1]))


@settings(max_examples=30, deadline=None)
@given(st.tuples(st.fractions(0, 3, max_denominator=9), st.fractions(0, 3, max_denominator=9)))
def test_montufar_network_zigzag(x):
    # the first layer folds [0,3] three times: x -> Z_3(x); shifting by 2 reflects twice
    net = montufar_network(2, (6, 4))
    z = lambda t: t if t <= 1 else (2 - t if t <= 2 else t - 2)  # noqa: E731
    assert net(x) == net((z(x[0]), z(x[1])))


def test_general_position_arrangement():
    for n, m in [(1, 3), (2, 4), (2, 8), (3, 6), (4, 6)]:
        for box in (None, (0, 1), (F(-1, 2), 7)):
            A, c = general_position_arrangement(n, m, box=box)
            assert len(A) == m and all(len(a) == n for a in A)
            assert all(x.denominator == 1 for a, ci in zip(A, c) for x in a + (ci,))
            for S in combinations(range(m), n):  # any n normals independent
                assert det([list(A[j]) for j in S]) != 0
            for S in combinations(range(m), n + 1):  # no n+1 hyperplanes through one point
                assert det([list(A[j]) + [c[j]] for j in S]) != 0
            if box is not None:
                lo, hi = F(box[0]), F(box[1])
                for S in combinations(range(m), n):
                    v = solve([list(A[j]) for j in S], [-c[j] for j in S])
                    assert all(lo < x < hi for x in v)


def test_bad_input_is_rejected():
    with pytest.raises(InvalidInputError, match="n0"):
        pascanu_network(0, 2)
    with pytest.raises(InvalidInputError, match="width"):
        montufar_network(2, (6, 1))
    with pytest.raises(InvalidInputError, match="a\\^1"):
        arora_hard_network(3, 1, a=[(F(1, 2), F(1, 3))])
    with pytest.raises(InvalidInputError, match="w - 1"):
        arora_hard_network(3, 1, a=[(F(1, 2),)])
    with pytest.raises(InvalidInputError, match="k = 2"):
        arora_hard_network(2, 2, a=[(F(1, 2),)])
    with pytest.raises(InvalidInputError, match="generators"):
        zonotope_network(2, 1, 2, 3, generators=[(1, 0), (0, 1)])
    with pytest.raises(InvalidInputError, match="integer"):
        telgarsky_sawtooth(2.0)


# --------------------------------------------------------------------------------------------
# exact enumeration (the engine) against the spec's tables
# --------------------------------------------------------------------------------------------
from polyrelu import PolyhedralComplex, Polytope  # noqa: E402
from polyrelu.bounds import report  # noqa: E402


def complex_stats(cx):
    G = cx.graph
    ham = Counter()
    for i, j in G.edges():
        pi, pj = G.nodes[i]["pattern"], G.nodes[j]["pattern"]
        ham[sum(a != b for la, lb in zip(pi, pj) for a, b in zip(la, lb))] += 1
    return cx.f_vector, G.number_of_edges(), dict(ham), dict(Counter(d for _, d in G.degree()))


BOX10 = Polytope.box([-10, -10], [10, 10])


@pytest.mark.parametrize(
    "k,regions,f_plane,edges,hamming,degrees,f_box",
    [
        (2, 44, (35, 78, 44), 78, {1: 64, 2: 14}, {3: 28, 4: 8, 5: 8}, (55, 98, 44)),
        (3, 176, (159, 334, 176), 334, {1: 256, 2: 78}, {3: 72, 4: 68, 5: 36}, (195, 370, 176)),
    ],
)
def test_pascanu_complex_table(k, regions, f_plane, edges, hamming, degrees, f_box):
    # math-spec 5.4 complex-level oracles
    for last_signs in (None, (-1, -1, 1, 1)):  # orientation changes no region, face or adjacency
        net = pascanu_network(2, k, last_signs=last_signs)
        cx = PolyhedralComplex.from_network(net)
        assert len(cx) == regions == pascanu_deep_count(2, k)
        assert complex_stats(cx) == (f_plane, edges, hamming, degrees)
        assert f_plane[0] - f_plane[1] + f_plane[2] == 1  # spec 11.3: complete complex on R^2
        cxb = PolyhedralComplex.from_network(net, domain=BOX10)
        assert len(cxb) == regions and cxb.f_vector == f_box
        assert f_box[0] - f_box[1] + f_box[2] == 1  # spec 11.2: subdivided box
        r = report(net, cx)
        assert r["violations"] == [] and r["bounds"]["pascanu_thm2_lower"]["value"] == regions


def test_pascanu_pieces_depend_on_orientation():
    # spec weights: the 4 activation regions around the origin where every last-layer unit is off
    # carry one constant map, so pieces < regions; the flipped orientation separates all of them
    net = pascanu_network(2, 2)
    cx = PolyhedralComplex.from_network(net)
    quarter = [cx.region_containing((F(sx, 2), F(sy, 2))) for sx in (1, -1) for sy in (1, -1)]
    assert len({r.index for r in quarter}) == 4
    assert len({r.affine_map for r in quarter}) == 1
    assert cx.n_linear_regions < 44
    for k, n in [(1, 11), (2, 44), (3, 176)]:
        cx = PolyhedralComplex.from_network(pascanu_network(2, k, last_signs=(-1, -1, 1, 1)))
        assert len(cx) == cx.n_linear_regions == n


@pytest.mark.parametrize("n0,k", [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (3, 2)])
def test_pascanu_general_n0(n0, k):
    cx = PolyhedralComplex.from_network(pascanu_network(n0, k))
    assert len(cx) == pascanu_deep_count(n0, k) == 2 ** ((k - 1) * n0) * binomial_sum(2 * n0, n0)


@pytest.mark.parametrize("n0,n1,count", [(2, 8, 37), (2, 12, 79), (3, 6, 42), (1, 5, 6)])
def test_shallow_networks(n0, n1, count):
    cx = PolyhedralComplex.from_network(shallow_network(n0, n1))
    assert len(cx) == cx.n_linear_regions == count == shallow_count(n1, n0)
    assert report(shallow_network(n0, n1), cx)["bounds"]["serra_upper"]["value"] == count  # tight, 1 layer


# T1: regions / bounded regions of m hyperplanes in general position in R^n
T1 = {
    1: [(2, 0), (3, 1), (4, 2), (5, 3), (6, 4), (7, 5), (8, 6)],
    2: [(2, 0), (4, 0), (7, 1), (11, 3), (16, 6), (22, 10), (29, 15)],
    3: [(2, 0), (4, 0), (8, 0), (15, 1), (26, 4), (42, 10), (64, 20)],
    4: [(2, 0), (4, 0), (8, 0), (16, 0), (31, 1), (57, 5), (99, 15)],
}


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_T1_by_enumeration(n):
    for m, (r, b) in enumerate(T1[n], start=1):
        cx = PolyhedralComplex.from_network(shallow_network(n, m))
        assert (len(cx), len(cx.bounded_regions)) == (r, b), (n, m)


def test_montufar_box_and_plane_counts():
    net = montufar_network(2, (6, 4))
    box = montufar_domain(2, (6, 4))
    assert box == Polytope.box([0, 0], [3, 3])
    cx = PolyhedralComplex.from_network(net, domain=box)
    assert len(cx) == 99 == montufar_box_count(2, (6, 4))
    f = cx.f_vector
    assert f[0] - f[1] + f[2] == 1
    assert report(net, cx)["bounds"]["montufar14_lower"]["value"] == 99
    cx_plane = PolyhedralComplex.from_network(net)
    assert len(cx_plane) == 121 <= report(net, cx_plane)["bounds"]["serra_upper"]["value"] == 242
    flipped = montufar_network(2, (6, 4), last_signs=(-1, -1, 1, 1))
    cxf = PolyhedralComplex.from_network(flipped, domain=box)
    assert len(cxf) == cxf.n_linear_regions == 99


@pytest.mark.parametrize("n0,widths", [(1, (3,)), (1, (3, 3)), (1, (4, 2)), (1, (2, 2, 2)), (2, (4, 4)),
                                       (2, (4, 4, 4)), (2, (3, 3)), (2, (8,)), (3, (6, 6)), (2, (5, 4)),
                                       (2, (7, 5, 4))])
def test_montufar_T3_rows(n0, widths):
    # T3 "Montufar14 (LB)": the construction attains it exactly in its box
    net = montufar_network(n0, widths)
    cx = PolyhedralComplex.from_network(net, domain=montufar_domain(n0, widths))
    assert len(cx) == montufar_box_count(n0, widths)
    assert report(net, cx)["violations"] == []


@pytest.mark.parametrize("n,m,w,k,V,exact,printed,serra", [r for r in T4 if r[0] == 2 or r[3] <= 2])
def test_T4_by_enumeration(n, m, w, k, V, exact, printed, serra):
    net = zonotope_network(n, k, w, m)
    cx = PolyhedralComplex.from_network(net)
    assert cx.n_linear_regions == exact
    assert len(cx) >= exact > printed
    if w % 2 == 1 or k == 1:
        assert len(cx) == exact  # activation regions and pieces differ only for even w, k >= 2
    assert report(net, cx)["violations"] == []


def test_zonotope_family_small_cases():
    cx = PolyhedralComplex.from_network(zonotope_network(2, 2, 2, 3))
    assert (len(cx), cx.n_linear_regions) == (30, 25)  # spec 12.4
    for n, m in [(2, 3), (3, 5)]:  # k = 0: gamma_Z alone has V pieces
        cx = PolyhedralComplex.from_network(zonotope_network(n, 0, 2, m))
        assert cx.n_linear_regions == 2 * binomial_sum(m - 1, n - 1)
    for n, k, w, m in [(2, 2, 2, 1), (1, 2, 2, 2), (2, 3, 2, 1), (1, 3, 3, 2)]:  # degenerate: +2, not +1
        cx = PolyhedralComplex.from_network(zonotope_network(n, k, w, m))
        assert cx.n_linear_regions == zonotope_family_pieces(n, k, w, m)
    # any a^i in Delta^{w-1}_M and other general-position generators: the same count
    net = zonotope_network(2, 2, 3, 3, generators=[(2, 1), (-1, 3), (1, 1)], a=[(F(1, 7), F(1, 2)), (F(1, 3), F(4, 5))])
    assert PolyhedralComplex.from_network(net).n_linear_regions == 54


def _engine_1d(net, box=None):
    dom = None if box is None else Polytope.box([box[0]], [box[1]])
    cx = PolyhedralComplex.from_network(net, domain=dom)
    ends = sorted({v[0] for r in cx.regions for v in r.vertices})
    return len(cx), cx.n_linear_regions, ends


@pytest.mark.parametrize(
    "net",
    [telgarsky_sawtooth(3), telgarsky_sawtooth(5), arora_hard_network(3, 2), arora_hard_network(2, 3),
     arora_hard_network(4, 2), arora_depth_gap_network(2), serra_witness(), pascanu_network(1, 3),
     montufar_network(1, (3, 3, 3))],
    ids=["tel3", "tel5", "H32", "H23", "H42", "gap2", "serra", "pascanu1", "montufar1"],
)
def test_1d_engine_agrees_with_interval_oracle(net):
    for box in (None, (F(0), F(1)), (F(-1, 3), F(5, 2))):
        regions, pieces, ends = _engine_1d(net, box)
        o_regions, o_pieces, _ = pieces_1d(net, *(box or (None, None)))
        assert (regions, pieces) == (o_regions, o_pieces)
        cells = _intervals_1d(net, *(box or (None, None)))
        o_ends = sorted({x for c in cells for x in c[:2] if x is not None})
        assert ends == o_ends


def test_serra_witness_by_engine():
    net = serra_witness()
    cx = PolyhedralComplex.from_network(net)
    assert len(cx) == cx.n_linear_regions == 16
    assert tuple(sorted({v[0] for r in cx.regions for v in r.vertices})) == SERRA_WITNESS_BREAKPOINTS
    r = report(net, cx)
    assert r["bounds"]["serra_upper"]["value"] == r["bounds"]["serra_thm5_exact"]["value"] == 16


def test_max_networks_by_engine():
    cx = PolyhedralComplex.from_network(max_network([[1, 0], [0, 1]]))
    assert (len(cx), cx.n_linear_regions) == (4, 2)
    cx = PolyhedralComplex.from_network(max_network([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
    assert cx.n_linear_regions == 3
    cx = PolyhedralComplex.from_network(max_network([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]))
    assert cx.n_linear_regions == 4 and len(cx.network.widths) == 2


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=2, max_size=6, unique=True))
def test_max_of_linear_forms_pieces_are_hull_vertices(rows):
    # max_i <a_i, x>: piece i exists iff a_i is a vertex of conv{a_j} (an exposed point)
    cx = PolyhedralComplex.from_network(max_network(rows))
    hull = Polytope.from_vertices(rows)
    expected = len(hull.vertices) if hull.dim > 0 else 1
    assert cx.n_linear_regions == expected


# --------------------------------------------------------------------------------------------
# reference tables, the reproduce command and the docs pages
# --------------------------------------------------------------------------------------------
from polyrelu.reproduce import PAPERS, format_table, load_reference_table, reproduce, row_specs  # noqa: E402


def test_reference_tables_are_current_and_correct():
    for paper in PAPERS:
        stored = load_reference_table(paper)
        assert [r["id"] for r in stored] == [s.id for s in row_specs(paper)]
        assert all(r["matches_expected"] for r in stored), paper
        fresh = {r["id"]: r for r in reproduce(paper, include_slow=False)}
        for r in stored:
            if not r["slow"]:
                assert fresh[r["id"]] == r, r["id"]


def test_reference_rows_mark_the_errata():
    rows = {r["id"]: r for r in load_reference_table("arora")}
    r = rows["thm3.9-n=2-m=3-w=2-k=2"]
    assert (r["paper_value"], r["expected"], r["pieces"], r["regions"], r["mark"]) == (12, 25, 25, 30, "*")
    assert rows["thm3.9-n=3-m=5-w=3-k=3"]["pieces"] == 594  # T4 row marked '*' (not enumerated) in the spec
    assert rows["cor3.4-gap-k=3"]["pieces"] == 3**9
    assert all(r["mark"] == "" for r in load_reference_table("pascanu"))


def test_reproduce_cli(capsys):
    import argparse
    import json

    from polyrelu.cli import reproduce as cli

    parser = argparse.ArgumentParser(prog="polyrelu")
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["reproduce", "--paper", "serra", "--json"])
    assert args.func(args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [s.id for s in row_specs("serra")]
    args = parser.parse_args(["reproduce", "--paper", "serra"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out == format_table(reproduce("serra")) + "\n"
    marked = [line for line in out.splitlines() if line.startswith("serra") and line.rstrip().endswith("*")]
    assert len(marked) == 2  # Serra's quote of Arora et al. misses the +1 for even w, k >= 2


def test_cli_paper_choices_match():
    from polyrelu.cli import reproduce as cli

    assert cli.PAPERS == PAPERS


def test_reproduce_bad_paper():
    with pytest.raises(InvalidInputError, match="unknown paper"):
        reproduce("nobody")


@pytest.mark.parametrize("page", sorted((ROOT / "docs" / "papers").glob("*.md")), ids=lambda p: p.stem)
def test_docs_pages_doctests(page):
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
