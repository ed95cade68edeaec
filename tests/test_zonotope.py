"""Zonotopes (polyrelu.zonotope) against math-spec section 3, tables T1 (central column) and T2.

Independent routes compared: Minkowski sums through the backend; vertices from realisable sign
vectors (exact feasibility per sign vector, and the regions of the central arrangement from the
engine); facets from the generators alone; closed forms; the face lattice against the covectors of
the central arrangement; the support-function network's regions against the vertex count.
"""
from __future__ import annotations

from fractions import Fraction as F
from itertools import combinations, product

from oracles import det, solve  # noqa: F401
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.exact import InvalidInputError
from polyrelu.polytope import Polytope
from polyrelu.zonotope import Zonotope, central_region_count, zonotope_f_vector, zonotope_vertex_count


def moment(n, m):
    return [tuple(F(t) ** i for i in range(n)) for t in range(m)]


# T2, typed from the spec (rows n = 1..4, columns m = 1..6)
T2 = {
    1: [(2, 1)] * 6,
    2: [(2, 1), (4, 4, 1), (6, 6, 1), (8, 8, 1), (10, 10, 1), (12, 12, 1)],
    3: [(2, 1), (4, 4, 1), (8, 12, 6, 1), (14, 24, 12, 1), (22, 40, 20, 1), (32, 60, 30, 1)],
    4: [(2, 1), (4, 4, 1), (8, 12, 6, 1), (16, 32, 24, 8, 1), (30, 70, 60, 20, 1), (52, 132, 120, 40, 1)],
}
# the r_c column of T1 (regions of m central hyperplanes in general position in R^n)
T1_CENTRAL = {1: [2] * 7, 2: [2, 4, 6, 8, 10, 12, 14], 3: [2, 4, 8, 14, 22, 32, 44], 4: [2, 4, 8, 16, 30, 52, 84]}


def test_closed_forms_reproduce_T2_and_T1_central_column():
    for n, row in T2.items():
        assert [zonotope_f_vector(m, n) for m in range(1, 7)] == row
    for n, row in T1_CENTRAL.items():
        assert [central_region_count(m, n) for m in range(1, 8)] == row
        assert [zonotope_vertex_count(m, n) for m in range(1, 8)] == row


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6])
def test_T2_by_both_routes(n, m):
    Z = Zonotope(moment(n, m))
    assert Z.is_general_position
    assert Z.f_vector == T2[n][m - 1]
    assert Z.n_vertices == zonotope_vertex_count(m, n) == T1_CENTRAL[n][m - 1]
    assert len(Z.sign_vectors()) == Z.n_vertices
    assert Z.polytope_from_sign_vectors() == Z.polytope
    assert Z.vertices_from_sign_vectors() == Z.vertices
    # Euler-Poincare (spec 11.1): sum_{k<d} (-1)^k f_k = 1 - (-1)^d
    d, f = Z.dim, Z.f_vector
    assert d == min(n, m)
    assert sum((-1) ** k * f[k] for k in range(d)) == 1 - (-1) ** d


def test_hexagon():
    Z = Zonotope([[1, 0], [0, 1], [1, 1]])
    assert set(Z.vertices) == {(2, 2), (2, 0), (0, -2), (-2, -2), (-2, 0), (0, 2)}
    all_signs = set(product((1, -1), repeat=3))
    assert all_signs - set(Z.sign_vectors()) == {(1, 1, -1), (-1, -1, 1)}
    A, b = Z.polytope.inequalities
    assert Polytope.from_inequalities([[1, 0], [-1, 0], [0, 1], [0, -1], [1, -1], [-1, 1]], [2] * 6) == Z.polytope
    assert len(A) == 6 and Z.f_vector == (6, 6, 1)
    assert Z.support_function([F(1, 2), 3]) == F(1, 2) + 3 + F(7, 2)


def test_rhombic_dodecahedron():
    Z = Zonotope([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
    f = Z.f_vector
    assert f == (14, 24, 12, 1) and f[0] - f[1] + f[2] == 2 and f[1] == 2 * f[2]
    assert all(len(face.vertices) == 4 for face in Z.polytope.faces(2))  # parallelograms


@pytest.mark.parametrize(
    "gens,vertices",
    [
        ([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1), (1, 2, 4)], 22),
        ([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1), (1, 2, 4), (1, 3, 9)], 32),
        ([(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (1, 1, 1, 1)], 30),
        ([(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (1, 1, 1, 1), (1, 2, 4, 8)], 52),
    ],
)
def test_further_vertex_counts(gens, vertices):
    Z = Zonotope(gens)
    assert Z.is_general_position
    assert Z.n_vertices == vertices == len(Z.sign_vectors())
    n = len(gens[0])
    assert Z.f_vector == zonotope_f_vector(len(gens), n)


def test_degenerate_generators():
    Z = Zonotope([[1, 0], [2, 0], [0, 1]])
    assert not Z.is_general_position
    assert Z.n_vertices == 4 < zonotope_vertex_count(3, 2) == 6
    assert Z.polytope == Polytope.box([-3, -1], [3, 1]) == Z.polytope_from_sign_vectors()
    # parallel generators share a hyperplane: their signs always agree
    assert all(s[0] == s[1] for s in Z.sign_vectors())
    # a zero generator adds nothing and gets sign 0
    Z0 = Zonotope([[1, 0], [0, 0], [0, 1]])
    assert Z0.polytope == Polytope.box([-1, -1], [1, 1]) == Z0.polytope_from_sign_vectors()
    assert {s[1] for s in Z0.sign_vectors()} == {0}
    # lower-dimensional: all generators on a line in R^2
    Z1 = Zonotope([[1, 1], [2, 2]], center=[1, 0])
    assert Z1.dim == 1 and set(Z1.vertices) == {(4, 3), (-2, -3)} and Z1.f_vector == (2, 1)
    assert Z1.polytope_from_sign_vectors() == Z1.polytope


def test_center_translates():
    Z = Zonotope([[1, 0], [0, 1], [1, 1]], center=[F(1, 2), -3])
    Z0 = Zonotope([[1, 0], [0, 1], [1, 1]])
    assert set(Z.vertices) == {(x + F(1, 2), y - 3) for x, y in Z0.vertices}
    assert Z.polytope_from_sign_vectors() == Z.polytope
    assert "center (1/2, -3)" in repr(Z)


def _volume_formula(gens):
    n = len(gens[0])
    return 2**n * sum(abs(det([list(map(F, gens[i])) for i in S])) for S in combinations(range(len(gens)), n))


gen_entries = st.integers(-3, 3)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 3).flatmap(lambda n: st.lists(st.tuples(*[gen_entries] * n), min_size=1, max_size=5)))
def test_random_generators_routes_agree(gens):
    Z = Zonotope(gens)
    n, m = len(gens[0]), len(gens)
    P = Z.polytope
    assert Z.polytope_from_sign_vectors() == P
    # vertex count <= 2 S(m-1, n-1) with equality iff general position (and no zero generator)
    if all(any(g) for g in gens):
        assert Z.n_vertices <= zonotope_vertex_count(m, n)
        assert (Z.n_vertices == zonotope_vertex_count(m, n)) == Z.is_general_position
    if P.dim == n:
        A, b = Z.facet_inequalities()
        assert Polytope.from_inequalities(A, b) == P
        assert Z.volume == _volume_formula(gens)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(gen_entries, gen_entries, gen_entries), min_size=1, max_size=5),
    st.tuples(gen_entries, gen_entries, gen_entries),
    st.tuples(st.fractions(-3, 3, max_denominator=5), st.fractions(-3, 3, max_denominator=5), st.fractions(-3, 3, max_denominator=5)),
)
def test_support_function(gens, center, u):
    Z = Zonotope(gens, center=center)
    assert Z.support_function(u) == max(sum(a * b for a, b in zip(u, v)) for v in Z.vertices)
    gamma = Z.support_function_network()(u)[0]
    assert gamma == Z.support_function(u) - sum(a * b for a, b in zip(u, center))
    assert Z.support_function_network().widths == (2 * len(gens),)


def test_face_lattice_matches_covectors():
    # faces of Z <-> covectors sigma of the central arrangement: F_sigma has the vertices v_eps of
    # the topes eps conforming to sigma, and dim F_sigma = rank {g_i : sigma_i = 0}
    gens = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)]
    Z = Zonotope(gens)
    topes = Z.sign_vectors()
    vert = dict(zip(topes, [tuple(sum(e * g[j] for e, g in zip(eps, gens)) for j in range(3)) for eps in topes]))
    expected = set()
    for sigma in product((1, 0, -1), repeat=len(gens)):
        rows = [tuple(-s * x for x in g) for s, g in zip(sigma, gens) if s]
        eqs = [g for s, g in zip(sigma, gens) if not s]
        if rows:
            P = Polytope.from_inequalities(rows, [-1] * len(rows), equalities=(eqs, [0] * len(eqs)) if eqs else None)
            if P.is_empty:
                continue
        face = frozenset(v for eps, v in vert.items() if all(s == 0 or s == e for s, e in zip(sigma, eps)))
        expected.add((_rank_of(eqs) if eqs else 0, face))
    L = Z.face_lattice()
    got = {(d["dim"], frozenset(d["vertices"])) for _, d in L.nodes(data=True) if d["dim"] >= 0}
    assert got == expected
    assert L.number_of_nodes() == sum(Z.f_vector) + 1
    # diamond property: every length-2 interval has exactly 4 elements
    for F0 in L.nodes:
        for G in L.successors(F0):
            for H in L.successors(G):
                mids = set(L.successors(F0)) & set(L.predecessors(H))
                assert len(mids) == 2


def _rank_of(rows):
    M = [list(map(F, r)) for r in rows]
    rank = 0
    for c in range(len(M[0]) if M else 0):
        p = next((r for r in range(rank, len(M)) if M[r][c]), None)
        if p is None:
            continue
        M[rank], M[p] = M[p], M[rank]
        for r in range(len(M)):
            if r != rank and M[r][c]:
                f = M[r][c] / M[rank][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[rank])]
        rank += 1
    return rank


@pytest.mark.parametrize("n,m", [(2, 3), (2, 5), (3, 4), (3, 5), (4, 5)])
def test_support_function_network_regions_equal_vertices(n, m):
    from polyrelu.complex import PolyhedralComplex

    Z = Zonotope(moment(n, m))
    cx = PolyhedralComplex.from_network(Z.support_function_network())
    assert len(cx) == Z.n_vertices == zonotope_vertex_count(m, n)
    assert cx.n_linear_regions == Z.n_vertices
    # on the region (normal cone) of vertex v the support function is <v, r>
    verts = set(Z.vertices)
    maps = {tuple(r.affine_map[0][0]) for r in cx.regions}
    assert maps == verts
    # the central-arrangement route gives the same sign vectors
    assert Z.sign_vectors("arrangement") == Z.sign_vectors("lp")


def test_support_network_degenerate():
    from polyrelu.complex import PolyhedralComplex

    Z = Zonotope([[1, 0], [2, 0], [0, 1], [-1, -1]])
    cx = PolyhedralComplex.from_network(Z.support_function_network())
    assert len(cx) == Z.n_vertices == 6
    assert Z.sign_vectors("arrangement") == Z.sign_vectors("lp")


def test_immutable_and_hashable():
    Z = Zonotope([[1, 0], [0, 1]])
    with pytest.raises(AttributeError):
        Z._generators = ()
    assert Z == Zonotope([["1", 0], [0, 1.0]]) and len({Z, Zonotope([[1, 0], [0, 1]])}) == 1
    assert Z != Zonotope([[1, 0], [0, 1]], center=[0, 1])


def test_bad_input():
    with pytest.raises(InvalidInputError, match="generator"):
        Zonotope([])
    with pytest.raises(InvalidInputError, match="ragged"):
        Zonotope([[1, 0], [1]])
    with pytest.raises(InvalidInputError, match="center"):
        Zonotope([[1, 0]], center=[1, 2, 3])
    with pytest.raises(InvalidInputError, match="full-dimensional"):
        Zonotope([[1, 1], [2, 2]]).facet_inequalities()
    with pytest.raises(InvalidInputError, match="method"):
        Zonotope([[1, 1]]).sign_vectors("magic")
