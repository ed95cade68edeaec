"""Polytope: canonical forms agree across backends, known f-vectors and volumes, operations, errors."""
from __future__ import annotations

import itertools
import math
import pickle
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polyrelu.polytope as polytope_module
from polyrelu.exact import EmptyDomainError, InvalidInputError
from polyrelu.linalg import rank
from polyrelu.polytope import Polytope

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
F = Fraction


def dot(a, x):
    return sum((F(p) * q for p, q in zip(a, x)), F(0))


def signature(P):
    """Everything canonical about P (what both backends must agree on)."""
    lattice = P.face_lattice()
    faces = sorted((d["dim"], d["vertices"], d["rays"]) for _, d in lattice.nodes(data=True))
    hasse = sorted(
        (lattice.nodes[u]["vertices"], lattice.nodes[u]["rays"], lattice.nodes[v]["vertices"], lattice.nodes[v]["rays"])
        for u, v in lattice.edges
    )
    vol = P.volume if P.is_bounded else None
    return (
        P.ambient_dim, P.dim, P.is_empty, P.is_bounded, P.vertices, P.rays, P.lines,
        P.inequalities, P.equalities, P.incidence, P.f_vector, faces, hasse, vol,
        P.interior_point if not P.is_empty else None, P.as_box(),
    )


@st.composite
def point_clouds(draw, max_dim=5):
    n = draw(st.integers(1, max_dim))
    pt = st.lists(st.integers(-3, 3), min_size=n, max_size=n)
    return draw(st.lists(pt, min_size=1, max_size=min(9, n + 5)))


@st.composite
def h_reps(draw, max_dim=5):
    n = draw(st.integers(1, max_dim))
    m = draw(st.integers(0, 7))
    A = [[draw(st.integers(-3, 3)) for _ in range(n)] for _ in range(m)]
    b = [draw(st.integers(-1, 5)) for _ in range(m)]
    E = [[draw(st.integers(-2, 2)) for _ in range(n)] for _ in range(draw(st.integers(0, 1)))]
    f = [draw(st.integers(-2, 2)) for _ in E]
    return n, A, b, E, f


# -- the two backends give identical canonical answers ------------------------------------------------


@SETTINGS
@given(point_clouds())
def test_backends_agree_on_convex_hulls(V):
    P, Q = (Polytope.from_vertices(V, backend=bk) for bk in ("cdd", "ppl"))
    assert signature(P) == signature(Q)
    assert P == Q and hash(P) == hash(Q)


@SETTINGS
@given(h_reps())
def test_backends_agree_on_h_reps(sys):
    n, A, b, E, f = sys
    P, Q = (Polytope.from_inequalities(A, b, (E, f), backend=bk, ambient_dim=n) for bk in ("cdd", "ppl"))
    assert signature(P) == signature(Q)


@SETTINGS
@given(h_reps())
def test_h_to_v_to_h_round_trip(sys):
    n, A, b, E, f = sys
    P = Polytope.from_inequalities(A, b, (E, f), ambient_dim=n)
    for bk in ("cdd", "ppl"):
        if P.is_empty:
            assert Polytope.from_vertices([], ambient_dim=n, backend=bk) == P
            continue
        Q = Polytope.from_vertices(P.vertices, P.rays, P.lines, backend=bk)
        assert (Q.inequalities, Q.equalities) == (P.inequalities, P.equalities)
        R = Polytope.from_inequalities(*Q.inequalities, Q.equalities, backend=bk, ambient_dim=n)
        assert (R.vertices, R.rays, R.lines) == (P.vertices, P.rays, P.lines)
    # every original constraint holds on every generator, and the canonical rows are implied
    for a, bi in zip(A, b):
        assert all(dot(a, v) <= bi for v in P.vertices)
        assert all(dot(a, r) <= 0 for r in P.rays) and all(dot(a, l) == 0 for l in P.lines)


@SETTINGS
@given(point_clouds(max_dim=4))
def test_combinatorics_of_random_hulls(V):
    P = Polytope.from_vertices(V)
    d = P.dim
    f = P.f_vector
    assert len(f) == d + 1 and f[-1] == 1
    assert sum((-1) ** k * fk for k, fk in enumerate(f)) == 1  # Euler-Poincare
    assert f[0] == len(P.vertices) and (d <= 0 or f[d - 1] == len(P.inequalities[0]))
    assert_eulerian(P.face_lattice())
    # each vertex of the hull is one of the input points, and each input point is inside
    assert set(P.vertices) <= {tuple(map(F, v)) for v in V}
    assert all(P.contains(v) for v in V)
    x = P.interior_point
    assert_relative_interior(P, x)
    # facets carry a trusted H-representation; it must equal the one a backend computes
    for Fc in P.facets:
        G = Polytope.from_vertices(Fc.vertices)
        assert (Fc.inequalities, Fc.equalities) == (G.inequalities, G.equalities)


@SETTINGS
@given(h_reps(max_dim=4))
def test_euler_relation_for_polyhedra(sys):
    n, A, b, E, f = sys
    P = Polytope.from_inequalities(A, b, (E, f), ambient_dim=n)
    if P.is_empty:
        assert P.f_vector == () and P.dim == -1
        return
    chi = sum((-1) ** k * fk for k, fk in enumerate(P.f_vector))
    # faces of P: a (pointed) polytope gives 1, an unbounded pointed polyhedron 0, and l lines
    # shift every dimension by l
    lin = len(P.lines)
    assert all(P.f_vector[k] == 0 for k in range(lin))
    assert chi == (-1) ** lin * (1 if not P.rays else 0)
    assert_relative_interior(P, P.interior_point)
    # intervals [F, G] with F non-empty are intervals of the homogenised cone: diamonds
    assert_eulerian(P.face_lattice(), skip_empty=not P.is_bounded)


def assert_eulerian(L, skip_empty=False):
    """Every interval of length 2 has exactly 4 elements (2 faces strictly between)."""
    for u in L.nodes:
        if skip_empty and L.nodes[u]["dim"] == -1:
            continue
        ups = set(L.successors(u))
        twos = {w for v in ups for w in L.successors(v)}
        for w in twos:
            middle = [v for v in ups if L.has_edge(v, w)]
            assert len(middle) == 2, (L.nodes[u], L.nodes[w])


def assert_relative_interior(P, x):
    assert P.contains(x)
    A, b = P.inequalities
    assert all(dot(a, x) < bi for a, bi in zip(A, b))


# -- known polytopes ----------------------------------------------------------------------------------


def cube(d):
    return Polytope.box([-1] * d, [1] * d)


def cross_polytope(d):
    pts = []
    for i in range(d):
        for s in (1, -1):
            pts.append([s if j == i else 0 for j in range(d)])
    return Polytope.from_vertices(pts)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_cube_cross_polytope_simplex_f_vectors(d):
    assert cube(d).f_vector == tuple(math.comb(d, k) * 2 ** (d - k) for k in range(d + 1))
    assert cross_polytope(d).f_vector == tuple(2 ** (k + 1) * math.comb(d, k + 1) for k in range(d)) + (1,)
    assert Polytope.simplex(d).f_vector == tuple(math.comb(d + 1, k + 1) for k in range(d + 1))
    for P in (cube(d), cross_polytope(d), Polytope.simplex(d)):
        assert sum((-1) ** k * x for k, x in enumerate(P.f_vector[:-1])) == 1 - (-1) ** d
        assert_eulerian(P.face_lattice())


@pytest.mark.parametrize("n, f", [(3, (6, 6, 1)), (4, (24, 36, 14, 1)), (5, (120, 240, 150, 30, 1))])
def test_permutohedron(n, f):
    P = Polytope.from_vertices(list(itertools.permutations(range(1, n + 1))), backend="ppl")
    assert P.dim == n - 1
    assert P.f_vector == f
    assert P.equalities == (((F(1),) * n,), (F(n * (n + 1) // 2),))
    assert P.volume == 0
    if n <= 4:
        assert P == Polytope.from_vertices(list(itertools.permutations(range(1, n + 1))), backend="cdd")
        assert_eulerian(P.face_lattice())


def test_hexagon_and_rhombic_dodecahedron():
    # math-spec 3.2: hexagon from g = (1,0), (0,1), (1,1), centre 0
    Z = zonotope([(1, 0), (0, 1), (1, 1)])
    assert set(Z.vertices) == {(F(x), F(y)) for x, y in [(2, 2), (2, 0), (0, -2), (-2, -2), (-2, 0), (0, 2)]}
    assert Z == Polytope.from_inequalities([[1, 0], [-1, 0], [0, 1], [0, -1], [1, -1], [-1, 1]], [2] * 6)
    assert Z.f_vector == (6, 6, 1)
    assert zonotope([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)]).f_vector == (14, 24, 12, 1)


def zonotope(gens, backend=None):
    """Sum of segments [-g, g], built incrementally with minkowski_sum."""
    Z = None
    for g in gens:
        seg = Polytope.from_vertices([g, [-x for x in g]], backend=backend)
        Z = seg if Z is None else Z.minkowski_sum(seg)
    return Z


@pytest.mark.parametrize(
    "gens, f",
    [
        ([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1), (1, 2, 4)], (22, 40, 20, 1)),
        ([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1), (1, 2, 4), (1, 3, 9)], (32, 60, 30, 1)),
        ([(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (1, 1, 1, 1)], (30, 70, 60, 20, 1)),
        ([(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (1, 1, 1, 1), (1, 2, 4, 8)], (52, 132, 120, 40, 1)),
    ],
)
def test_zonotope_f_vectors_table_t2(gens, f):
    Z = zonotope(gens, backend="ppl")
    assert Z.f_vector == f
    n, m = len(gens[0]), len(gens)
    assert f[0] == 2 * sum(math.comb(m - 1, j) for j in range(n))
    # exact volume of sum of [-g, g]: 2^n * sum over n-subsets of |det|
    assert Z.volume == 2**n * sum(abs(det(S)) for S in itertools.combinations(gens, n))


def det(M):
    M = [list(map(F, r)) for r in M]
    n, d = len(M), F(1)
    for k in range(n):
        p = next((i for i in range(k, n) if M[i][k]), None)
        if p is None:
            return F(0)
        if p != k:
            M[k], M[p] = M[p], M[k]
            d = -d
        d *= M[k][k]
        for i in range(k + 1, n):
            c = M[i][k] / M[k][k]
            M[i] = [a - c * b for a, b in zip(M[i], M[k])]
    return d


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 3).flatmap(lambda n: st.tuples(st.just(n), st.lists(
    st.lists(st.integers(-3, 3), min_size=n, max_size=n), min_size=1, max_size=5))))
def test_random_zonotopes_in_general_position(data):
    n, gens = data
    if any(det(S) == 0 for S in itertools.combinations(gens, n)) or (len(gens) < n and not independent(gens)):
        return  # not in general position; the closed form does not apply
    Z = zonotope(gens)
    m = len(gens)
    assert len(Z.vertices) == 2 * sum(math.comb(m - 1, j) for j in range(n))
    if m >= n:
        assert Z.volume == 2**n * sum(abs(det(S)) for S in itertools.combinations(gens, n))


def independent(vs):
    M = [list(map(F, r)) for r in vs]
    return rank(M, len(M[0])) == len(M)


# -- volume ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_volumes_of_boxes_and_simplices(d):
    lo = [F(-1, 2)] + [0] * (d - 1)
    hi = [F(1, 3)] + list(range(1, d))
    assert Polytope.box(lo, hi).volume == F(5, 6) * math.prod(range(1, d))
    assert Polytope.simplex(d).volume == F(1, math.factorial(d))
    scaled = Polytope.from_vertices([[0] * d] + [[F(3, 2) if j == i else 0 for j in range(d)] for i in range(d)])
    assert scaled.volume == F(3, 2) ** d / math.factorial(d)
    assert cross_polytope(d).volume == F(2**d, math.factorial(d))
    assert Polytope.from_vertices([[0] * d, [1] * d]).volume == (1 if d == 1 else 0)


def facet_volume(P):
    """Independent exact volume: vol(P) = 1/d sum_F (b_F - a_F.p) vol(pi_i F) / |a_F,i|.

    Uses the divergence theorem over the facets (no triangulation): the (d-1)-volume of a facet
    times its distance to p, with the facet measured through its projection that drops a coordinate
    i where its normal a_F has a non-zero entry.
    """
    d = P.ambient_dim
    if d == 1:
        xs = [v[0] for v in P.vertices]
        return max(xs) - min(xs)
    p = P.vertices[0]
    A, b = P.inequalities
    total = F(0)
    for (a, bi), Fc in zip(zip(A, b), P.facets):
        h = bi - dot(a, p)
        if h == 0:
            continue
        i = next(j for j, x in enumerate(a) if x)
        proj = Polytope.from_vertices([v[:i] + v[i + 1:] for v in Fc.vertices])
        total += h * facet_volume(proj) / abs(a[i])
    return total / d


@settings(max_examples=25, deadline=None)
@given(point_clouds(max_dim=4))
def test_volume_against_facet_formula(V):
    P = Polytope.from_vertices(V)
    if P.dim < P.ambient_dim:
        assert P.volume == 0
        return
    assert P.volume == facet_volume(P)
    assert P.volume == Polytope.from_vertices(V, backend="ppl").volume
    if P.ambient_dim >= 2:
        from scipy.spatial import ConvexHull

        assert float(P.volume) == pytest.approx(ConvexHull(np.array(V, dtype=float)).volume)


def test_volume_of_polygon_matches_shoelace():
    pts = [(0, 0), (4, 0), (5, 2), (3, 5), (F(1, 2), 4), (2, 2)]
    P = Polytope.from_vertices(pts)
    order = [(0, 0), (4, 0), (5, 2), (3, 5), (F(1, 2), 4)]
    shoelace = sum(F(x1) * y2 - F(x2) * y1 for (x1, y1), (x2, y2) in zip(order, order[1:] + order[:1])) / 2
    assert set(P.vertices) == {tuple(map(F, q)) for q in order}
    assert P.volume == abs(shoelace) == F(73, 4)


def test_volume_errors_and_degenerate_cases():
    with pytest.raises(InvalidInputError, match="unbounded"):
        Polytope.from_inequalities([[-1, 0]], [0]).volume
    assert Polytope.empty(3).volume == 0
    assert Polytope.box([0, 0], [1, 0]).volume == 0


# -- unbounded polyhedra ------------------------------------------------------------------------------------


def test_unbounded_face_lattices():
    quadrant = Polytope.from_inequalities([[-1, 0], [0, -1]], [0, 0])
    assert quadrant.f_vector == (1, 2, 1)
    assert quadrant.rays == ((0, 1), (1, 0))
    half_plane = Polytope.from_inequalities([[0, -1]], [0])
    assert half_plane.f_vector == (0, 1, 1)
    assert half_plane.lines == ((1, 0),) and half_plane.rays == ((0, 1),)
    strip = Polytope.from_inequalities([[0, 1], [0, -1]], [1, 1])
    assert strip.f_vector == (0, 2, 1) and strip.vertices == ((0, -1), (0, 1))
    assert [F.lines for F in strip.facets] == [((1, 0),), ((1, 0),)]
    # a 3-d cone over a square: apex, 4 rays; faces: 1 vertex, 4 edges, 4 facets
    cone = Polytope.from_vertices([[0, 0, 0]], rays=[[1, 1, 1], [-1, 1, 1], [1, -1, 1], [-1, -1, 1]])
    assert cone.f_vector == (1, 4, 4, 1)
    # a square prism going up to infinity: far face dropped, everything else kept
    prism = Polytope.from_vertices([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], rays=[[0, 0, 1]])
    assert prism.f_vector == (4, 8, 5, 1)
    L = prism.face_lattice()
    assert L.nodes[0]["dim"] == -1 and L.nodes[len(L) - 1]["rays"] == ((0, 0, 1),)
    assert repr(prism) == "Polytope(dim=3 in R^3, unbounded, 4 vertices, 1 ray, 0 lines, 5 facets)"


def test_universe_and_lines():
    U = Polytope.from_inequalities([], [], ambient_dim=3)
    assert U == Polytope.universe(3)
    assert U.dim == 3 and U.f_vector == (0, 0, 0, 1) and U.inequalities == ((), ())
    assert U.contains([10**9, -5, F(1, 7)])
    line = Polytope.from_vertices([[1, 1]], lines=[[2, 4]])
    assert line.lines == ((1, 2),) and line.vertices == ((0, -1),)
    assert line == Polytope.from_inequalities([], [], ([[2, -1]], [1]))
    assert line.f_vector == (0, 1)


# -- operations ------------------------------------------------------------------------------------------


def test_image_preimage_project():
    sq = Polytope.box([0, 0], [1, 1])
    shear = sq.image([[1, 1], [0, 1]], [1, 0])
    assert shear.vertices == ((1, 0), (2, 0), (2, 1), (3, 1))
    assert shear.volume == 1
    flat = sq.image([[1, 2], [2, 4]])
    assert flat.dim == 1 and flat.vertices == ((0, 0), (3, 6))
    back = shear.preimage([[1, 1], [0, 1]], [1, 0])
    assert back == sq
    # preimage membership: x in M^-1(P) iff M x + t in P, checked on a grid
    M, t = [[1, -1], [2, 1]], [F(1, 2), 0]
    Q = sq.preimage(M, t)
    for x in itertools.product([F(k, 4) for k in range(-4, 5)], repeat=2):
        y = [dot(r, x) + ti for r, ti in zip(M, t)]
        assert Q.contains(x) == sq.contains(y)
    cube3 = Polytope.box([0, 0, 0], [1, 2, 3])
    assert cube3.project([2, 0]) == Polytope.box([0, 0], [3, 1])
    assert Polytope.simplex(3).project([1]) == Polytope.box([0], [1])
    assert Polytope.empty(2).image([[1, 0]]).is_empty


def test_intersection_and_minkowski_sum():
    P = Polytope.box([0, 0], [2, 2], backend="ppl")
    h = F(3, 2)  # the diamond |x - 1| + |y - 1| <= 3/2 cuts a triangle of area 1/8 off each corner
    Q = Polytope.from_vertices([[1, 1 - h], [1 + h, 1], [1, 1 + h], [1 - h, 1]])
    R = P.intersection(Q)
    for x in itertools.product([F(k, 2) for k in range(-2, 7)], repeat=2):
        assert R.contains(x) == (P.contains(x) and Q.contains(x))
    assert R.volume == 4 - 4 * F(1, 8) and len(R.vertices) == 8
    assert P.intersection(Polytope.box([5, 5], [6, 6])).is_empty
    S = P.minkowski_sum(Q)
    assert S == Polytope.from_vertices([[a + c, b + d] for a, b in P.vertices for c, d in Q.vertices])
    assert S.minkowski_sum(Polytope.empty(2)).is_empty
    ray = Polytope.from_vertices([[0, 0]], rays=[[1, 0]])
    assert P.minkowski_sum(ray) == Polytope.from_inequalities([[0, 1], [0, -1], [-1, 0]], [2, 0, 0])


def test_contains_is_exact():
    T = Polytope.from_vertices([[0, 0], [1, 0], [0, 1]])
    assert T.contains([F(1, 3), F(2, 3)])
    assert not T.contains([F(1, 3), F(2, 3) + F(1, 10**30)])
    assert T.contains(np.array([0.25, 0.75]))
    assert not T.contains([0.1, 0.9])  # 0.1 + 0.9 as exact binary fractions exceed 1
    seg = Polytope.from_vertices([[0, 0], [2, 2]])
    assert seg.contains([1, 1]) and not seg.contains([1, F(1) + F(1, 10**12)])
    assert not Polytope.empty(2).contains([0, 0])


def test_maximize():
    P = Polytope.from_vertices([[0, 0], [3, 1], [1, 2]])
    for bk in ("cdd", "ppl"):
        r = Polytope.from_vertices(P.vertices, backend=bk).maximize([1, 1])
        assert (r.status, r.value) == ("optimal", 4)
    assert Polytope.from_inequalities([[-1, 0]], [0]).maximize([1, 0]).status == "unbounded"


def test_as_box():
    assert Polytope.box([0, F(-1, 3)], [2, 5]).as_box() == ((0, F(-1, 3)), (2, 5))
    assert Polytope.from_vertices([[0, 0], [1, 0], [0, 2], [1, 2]]).as_box() == ((0, 0), (1, 2))
    assert Polytope.box([1, 1], [1, 2]).as_box() == ((1, 1), (1, 2))
    assert Polytope.simplex(2).as_box() is None
    assert Polytope.from_inequalities([[-1, 0], [0, -1]], [0, 0]).as_box() is None
    assert Polytope.empty(2).as_box() is None


# -- empty polytope, equality, laziness, misc ---------------------------------------------------------------


def test_empty_polytope():
    for P in (
        Polytope.from_inequalities([[1, 0], [-1, 0]], [0, -1]),
        Polytope.from_inequalities([[1, 0]], [0], ([[1, 0]], [1])),
        Polytope.from_vertices([], ambient_dim=2),
        Polytope.empty(2),
    ):
        assert P.is_empty and P.dim == -1 and P.f_vector == () and P.vertices == ()
        assert P.inequalities == (((0, 0),), (-1,)) and P.equalities == ((), ())
        assert P.facets == () and P.faces(0) == () and P.volume == 0 and P.is_bounded
        assert repr(P) == "Polytope(empty in R^2)"
        assert P == Polytope.empty(2) and hash(P) == hash(Polytope.empty(2))
        assert P.face_lattice().number_of_nodes() == 1
        with pytest.raises(EmptyDomainError):
            P.interior_point


def test_equality_and_hash():
    P = Polytope.box([0, 0], [1, 1])
    Q = Polytope.from_vertices([[0, 0], [1, 0], [1, 1], [0, 1], [F(1, 2), F(1, 2)]], backend="ppl")
    R = Polytope.from_inequalities([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1]], [1, 1, 0, 0, 5])
    assert P == Q == R and len({P, Q, R}) == 1
    assert P != Polytope.box([0, 0], [1, 2])
    assert P != Polytope.box([0, 0, 0], [1, 1, 1])
    assert P != "a square"
    # two V-only polytopes compare by V without needing H
    A = Polytope.from_certified(1, lambda: {"vertices": [[0], [1]]})
    B = Polytope.from_certified(1, lambda: {"vertices": [[1], [0]]})
    assert A == B and hash(A) == hash(B)


def test_from_trusted_is_lazy_and_avoids_backend(monkeypatch):
    calls = []

    def loader():
        calls.append(1)
        return {
            "vertices": [[0, 0], [2, 0], [0, 2]],
            "inequalities": ([[-1, 0], [0, -1], [1, 1]], [0, 0, 2]),
        }

    P = Polytope.from_certified(2, loader)
    assert calls == []
    monkeypatch.setattr(polytope_module, "get_backend", lambda *a: pytest.fail("backend was called"))
    assert P.f_vector == (3, 3, 1) and P.volume == 2 and P.dim == 2
    assert P.interior_point == (F(2, 3), F(2, 3))
    facets = P.facets
    assert all(len(Fc.vertices) == 2 and Fc.dim == 1 and Fc.f_vector == (2, 1) for Fc in facets)
    facet_h = [(Fc.inequalities, Fc.equalities) for Fc in facets]
    assert calls == [1]
    monkeypatch.undo()
    assert facet_h == [(G.inequalities, G.equalities) for G in (Polytope.from_vertices(Fc.vertices) for Fc in facets)]
    # a field the loader did not give comes from the backend
    T = Polytope.from_certified(2, lambda: {"inequalities": ([[-1, 0], [0, -1], [1, 1]], [0, 0, 2])})
    assert T.vertices == ((0, 0), (0, 2), (2, 0))
    with pytest.raises(InvalidInputError, match="neither"):
        Polytope.from_certified(2, lambda: {"rays": [[1, 0]]}).dim


def test_facets_faces_and_incidence():
    P = cube(3)
    A, b = P.inequalities
    assert len(P.facets) == 6 == len(A)
    for row, (a, bi), Fc in zip(P.incidence, zip(A, b), P.facets):
        assert sum(row) == 4
        assert {v for v, on in zip(P.vertices, row) if on} == set(Fc.vertices)
        assert all(dot(a, v) == bi for v in Fc.vertices)
        assert Fc.volume == 0 and Fc.dim == 2 and Fc.f_vector == (4, 4, 1)
    assert P.faces(2) == P.facets and P.faces(3) == (P,) and P.faces(4) == () and P.faces(-1) == ()
    edges = P.faces(1)
    assert len(edges) == 12 and all(len(e.vertices) == 2 for e in edges)
    assert len(P.faces(0)) == 8
    with pytest.raises(InvalidInputError):
        P.faces(1.5)


def test_repr_immutability_pickle():
    P = Polytope.box([0, 0], [1, 1])
    assert repr(P) == "Polytope(dim=2 in R^2, bounded, 4 vertices, 4 facets)"
    assert repr(Polytope.from_vertices([[1, 2]])) == "Polytope(dim=0 in R^2, bounded, 1 vertex, 0 facets)"
    assert repr(Polytope.from_inequalities([[-1]], [0])) == (
        "Polytope(dim=1 in R^1, unbounded, 1 vertex, 1 ray, 0 lines, 1 facet)"
    )
    with pytest.raises(AttributeError):
        P._n = 3
    with pytest.raises(TypeError):
        Polytope()
    Q = pickle.loads(pickle.dumps(Polytope.from_vertices([[0, 0], [1, 0], [0, 1]], backend="ppl")))
    assert Q == Polytope.simplex(2) and Q.backend == "ppl"


# -- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Polytope.from_inequalities([[1, float("nan")]], [0]), r"not a finite number at A\[0\]\[1\]"),
        (lambda: Polytope.from_inequalities([[1, 0]], [float("inf")]), r"not a finite number at b\[0\]"),
        (lambda: Polytope.from_inequalities([[1, 0], [1]], [0, 0]), "ragged|has shape"),
        (lambda: Polytope.from_inequalities([[1, 0]], [0, 1]), "b has length 2, expected 1"),
        (lambda: Polytope.from_inequalities([[1, "x"]], [0]), r"not a rational number at A\[0\]\[1\]"),
        (lambda: Polytope.from_inequalities([[True, 0]], [0]), "boolean"),
        (lambda: Polytope.from_inequalities([[1, 0]], [0], ([[1, 0, 0]], [0])), r"E has shape \(1, 3\)"),
        (lambda: Polytope.from_inequalities([[1, 0]], [0], ([[1, 0]],)), "pair"),
        (lambda: Polytope.from_inequalities([], []), "ambient_dim"),
        (lambda: Polytope.from_inequalities([[1, 0]], [0], ambient_dim=3), "ambient_dim"),
        (lambda: Polytope.from_inequalities([1, 2], [0]), r"A\[0\] = 1 is not a row"),
        (lambda: Polytope.from_vertices([[0, 0], [1, None]]), r"V\[1\]\[1\]"),
        (lambda: Polytope.from_vertices([[0, 0], [1, 2, 3]]), "ragged"),
        (lambda: Polytope.from_vertices([[0, 0]], rays=[[1]]), r"rays has shape \(1, 1\)"),
        (lambda: Polytope.from_vertices([], rays=[[1, 0]]), "apex"),
        (lambda: Polytope.from_vertices([]), "ambient_dim"),
        (lambda: Polytope.from_vertices(np.array([[0.0, np.inf]])), r"V\[0\]\[1\]"),
        (lambda: Polytope.from_vertices("abc"), "V must be a list of rows"),
        (lambda: Polytope.from_vertices(5), "V must be a list of rows"),
        (lambda: Polytope.box([0, 2], [1, 1]), r"lo\[1\] = 2 > hi\[1\] = 1"),
        (lambda: Polytope.box([0, 0], [1]), "hi has length 1, expected 2"),
        (lambda: Polytope.box([], []), "positive integer"),
        (lambda: Polytope.box(["1/0"], [1]), r"lo\[0\]"),
        (lambda: Polytope.simplex(0), "positive integer"),
        (lambda: Polytope.simplex(2.0), "positive integer"),
        (lambda: Polytope.box([0], [1], backend="cddlib"), "known backends: 'cdd', 'ppl'"),
        (lambda: Polytope.simplex(2).contains([1]), "x has length 1, expected 2"),
        (lambda: Polytope.simplex(2).contains([0, float("nan")]), r"x\[1\]"),
        (lambda: Polytope.simplex(2).image([[1, 0, 0]]), r"M has shape \(1, 3\)"),
        (lambda: Polytope.simplex(2).image([[1, 0]], [0, 0]), "t has length 2, expected 1"),
        (lambda: Polytope.simplex(2).image([]), "no rows"),
        (lambda: Polytope.simplex(2).preimage([[1, 0]]), r"M has shape \(1, 2\)"),
        (lambda: Polytope.simplex(2).project([0, 2]), r"coords\[1\] = 2"),
        (lambda: Polytope.simplex(2).project([0, 0]), "repeated"),
        (lambda: Polytope.simplex(2).project([]), "empty"),
        (lambda: Polytope.simplex(2).intersection(Polytope.simplex(3)), "ambient dimensions differ"),
        (lambda: Polytope.simplex(2).minkowski_sum([[0, 0]]), "needs a Polytope"),
        (lambda: Polytope.simplex(2).maximize([1, "a"]), r"c\[1\]"),
        (lambda: Polytope.empty(0), "positive integer"),
    ],
)
def test_bad_input_raises_invalid_input_error(make, message):
    with pytest.raises(InvalidInputError, match=message):
        make()
