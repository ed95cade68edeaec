"""Tests of polyrelu.arrangement against closed forms, named arrangements, independent formulas.

Independent oracles used here (none shares code with the package):
* Zaslavsky closed forms for general position (table T1 of the math spec);
* Whitney's subset formula, computed by brute force over all subsets with a Fraction rank;
* the definition of general position checked by brute force over subsets;
* deletion--restriction identities;
* for lines in the plane, r = 1 + m + sum over intersection points p of (k_p - 1);
* exact enumeration of the regions through the complex machinery.
"""
from __future__ import annotations

import itertools
import json
import math
import random
from fractions import Fraction

import networkx as nx
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu.arrangement import CharacteristicPolynomial, HyperplaneArrangement
from polyrelu.exact import InvalidInputError
from polyrelu.network import ReLUNetwork


HA = HyperplaneArrangement
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ----------------------------------------------------------------------------------------------
# independent helpers
# ----------------------------------------------------------------------------------------------
def frank(rows) -> int:
    """Rank over Q by plain Fraction Gaussian elimination."""
    M = [[Fraction(x) for x in r] for r in rows]
    rank, ncols = 0, (len(M[0]) if M else 0)
    for c in range(ncols):
        piv = next((i for i in range(rank, len(M)) if M[i][c] != 0), None)
        if piv is None:
            continue
        M[rank], M[piv] = M[piv], M[rank]
        for i in range(len(M)):
            if i != rank and M[i][c] != 0:
                f = M[i][c] / M[rank][c]
                M[i] = [a - f * b for a, b in zip(M[i], M[rank])]
        rank += 1
    return rank


def whitney_chi(A: HyperplaneArrangement) -> list[int]:
    """chi_A by Whitney's formula: sum over subsets B with nonempty intersection."""
    n, m = A.dim, len(A)
    coeffs = [0] * (n + 1)
    for p in range(m + 1):
        for B in itertools.combinations(range(m), p):
            normals = [A.normals[j] for j in B]
            aug = [list(A.normals[j]) + [A.offsets[j]] for j in B]
            r = frank(normals) if B else 0
            if B and frank(aug) != r:
                continue
            coeffs[r] += (-1) ** p
    return coeffs


def violates(A: HyperplaneArrangement, B) -> bool:
    """The definition: <= n hyperplanes with dependent normals, or n+1 with a common point."""
    n, p = A.dim, len(B)
    normals = [A.normals[j] for j in B]
    if p <= n:
        return frank(normals) < p
    aug = [list(A.normals[j]) + [A.offsets[j]] for j in B]
    return p == n + 1 and frank(aug) == frank(normals)


def brute_gp_min_violation(A: HyperplaneArrangement, central: bool = False) -> int | None:
    n, m = A.dim, len(A)
    top = min(m, n) if central else min(m, n + 1)
    for p in range(1, top + 1):
        if any(violates(A, B) for B in itertools.combinations(range(m), p)):
            return p
    return None


def lines_regions(A: HyperplaneArrangement) -> int:
    """Regions of a line arrangement: 1 + m + sum over points of (lines through it - 1)."""
    pts: dict[tuple, set] = {}
    L = A.hyperplanes
    for i, j in itertools.combinations(range(len(L)), 2):
        (a1, b1), c1 = L[i]
        (a2, b2), c2 = L[j]
        det = a1 * b2 - a2 * b1
        if det == 0:
            continue
        x = (-c1 * b2 + c2 * b1) / det
        y = (-a1 * c2 + a2 * c1) / det
        pts.setdefault((x, y), set()).update((i, j))
    return 1 + len(L) + sum(len(s) - 1 for s in pts.values())


def random_generic(m: int, n: int, rng: random.Random, central: bool = False) -> HyperplaneArrangement:
    while True:
        N = [[rng.randint(-50, 50) for _ in range(n)] for _ in range(m)]
        C = [0] * m if central else [rng.randint(-50, 50) for _ in range(m)]
        if any(not any(r) for r in N):
            continue
        A = HA(N, C)
        if len(A) == m and A.is_general_position(central=central):
            return A


@st.composite
def small_arrangements(draw, max_m=6, max_n=3, lo=-2, hi=2, min_n=1):
    """Random non-generic integer arrangements (small entries: parallel and concurrent ones)."""
    n = draw(st.integers(min_n, max_n))
    m = draw(st.integers(1, max_m))
    rows = []
    for _ in range(m):
        a = draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n).filter(any))
        c = draw(st.integers(lo, hi))
        rows.append((a, c))
    return HA([a for a, _ in rows], [c for _, c in rows])


def S(m, n):
    return sum(math.comb(m, j) for j in range(n + 1))


# ----------------------------------------------------------------------------------------------
# the named arrangements of the spec (section 2.3)
# ----------------------------------------------------------------------------------------------
NAMED = [
    # normals, offsets (a.x + c = 0), chi, r, b, GP
    ([[1, 0], [0, 1], [1, 1]], [0, 0, -1], (1, -3, 3), 7, 1, True),
    ([[1, 0], [0, 1], [1, 1], [1, -1]], [-1, -1, -3, "-1/2"], (1, -4, 6), 11, 3, True),
    ([[1, 0], [0, 1], [1, -1]], [0, 0, 0], (1, -3, 2), 6, 0, False),
    ([[1, 0], [1, 0], [0, 1]], [0, -1, 0], (1, -3, 2), 6, 0, False),
    ([[1, 0], [0, 1], [1, 1], [1, 2]], [0, 0, 0, -1], (1, -4, 5), 10, 2, False),
    ([[1, -1, 0], [1, 0, -1], [0, 1, -1]], [0, 0, 0], (1, -3, 2, 0), 6, 0, False),
    ([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], (1, -3, 3, -1), 8, 0, True),
]


@pytest.mark.parametrize("normals, offsets, chi, r, b, gp", NAMED)
def test_named_arrangements(normals, offsets, chi, r, b, gp):
    A = HA(normals, offsets)
    assert A.characteristic_polynomial() == chi
    assert tuple(whitney_chi(A)) == chi
    assert A.n_regions() == r
    assert A.n_bounded_regions() == b
    assert bool(A.is_general_position()) is gp
    assert (A.is_general_position().witness is None) is gp


def test_named_sympy_forms():
    t = sympy.Symbol("t")
    A = HA([[1, -1, 0], [1, 0, -1], [0, 1, -1]])
    assert A.characteristic_polynomial().as_sympy().as_expr() == sympy.expand(t**3 - 3 * t**2 + 2 * t)
    assert str(HA([[1, 0], [0, 1], [1, 1], [1, 2]], [0, 0, 0, -1]).characteristic_polynomial()) == "t^2 - 4*t + 5"


# ----------------------------------------------------------------------------------------------
# closed forms: table T1 (general position) and the classical families
# ----------------------------------------------------------------------------------------------
T1 = {  # (n, m): (r, b, r_c)
    (1, 1): (2, 0, 2), (1, 2): (3, 1, 2), (1, 3): (4, 2, 2), (1, 4): (5, 3, 2), (1, 5): (6, 4, 2),
    (1, 6): (7, 5, 2), (1, 7): (8, 6, 2),
    (2, 1): (2, 0, 2), (2, 2): (4, 0, 4), (2, 3): (7, 1, 6), (2, 4): (11, 3, 8), (2, 5): (16, 6, 10),
    (2, 6): (22, 10, 12), (2, 7): (29, 15, 14),
    (3, 1): (2, 0, 2), (3, 2): (4, 0, 4), (3, 3): (8, 0, 8), (3, 4): (15, 1, 14), (3, 5): (26, 4, 22),
    (3, 6): (42, 10, 32), (3, 7): (64, 20, 44),
    (4, 1): (2, 0, 2), (4, 2): (4, 0, 4), (4, 3): (8, 0, 8), (4, 4): (16, 0, 16), (4, 5): (31, 1, 30),
    (4, 6): (57, 5, 52), (4, 7): (99, 15, 84),
}


@pytest.mark.parametrize("n, m", sorted(T1))
def test_table_T1_general_position(n, m):
    r, b, rc = T1[(n, m)]
    rng = random.Random(1000 * n + m)
    A = random_generic(m, n, rng)
    assert (r, b) == (S(m, n), math.comb(m - 1, n))  # the table is the closed form
    assert A.n_regions() == r
    assert A.n_bounded_regions() == b
    chi = tuple((-1) ** j * math.comb(m, j) for j in range(n + 1))
    assert A.characteristic_polynomial() == chi
    # in R^1 all hyperplanes through one point coincide: one point, whatever m is
    C = random_generic(m if n > 1 else 1, n, rng, central=True)
    assert C.is_central
    assert C.n_regions() == rc == 2 * S(m - 1, n - 1)
    assert C.n_bounded_regions(relative=False) == 0


@pytest.mark.parametrize("m, n", [(20, 2), (15, 3), (12, 4)])
def test_sizes_people_try_by_hand(m, n):
    A = random_generic(m, n, random.Random(m * n))
    assert A.n_regions() == S(m, n)
    assert A.n_bounded_regions() == math.comb(m - 1, n)
    assert A.whitney_numbers(2) == tuple(math.comb(m, k) for k in range(n + 1))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_braid_arrangement(n):
    normals = [[int(k == i) - int(k == j) for k in range(n)] for i, j in itertools.combinations(range(n), 2)]
    A = HA(normals)
    t = sympy.Symbol("t")
    expected = sympy.Poly(sympy.prod([t - k for k in range(n)]), t)
    assert A.characteristic_polynomial().as_sympy() == expected
    assert A.n_regions() == math.factorial(n)
    assert A.rank == n - 1 and not A.is_essential and A.is_central
    assert A.n_bounded_regions() == (1 if n == 1 else 0)
    # flats of the braid arrangement = set partitions of {1..n}: Bell numbers
    assert A.n_flats == [1, 1, 2, 5, 15, 52, 203][n]
    assert bool(A.is_general_position()) is (n == 2)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_coordinate_arrangement(n):
    A = HA([[int(i == j) for j in range(n)] for i in range(n)])
    assert A.n_regions() == 2**n
    t = sympy.Symbol("t")
    assert A.characteristic_polynomial().as_sympy() == sympy.Poly((t - 1) ** n, t)
    assert A.is_general_position() and A.is_essential and A.is_central
    # translating the coordinate hyperplanes keeps everything
    B = HA(A.normals, [i + 1 for i in range(n)])
    assert B.characteristic_polynomial() == A.characteristic_polynomial()


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8])
def test_concurrent_lines(m):
    # m distinct lines through (1, 2): a translate of a central arrangement
    normals = [[1, k] for k in range(m)]
    offsets = [-(a * 1 + b * 2) for a, b in normals]
    A = HA(normals, offsets)
    assert A.n_regions() == 2 * m
    assert A.n_bounded_regions() == 0
    assert A.is_central
    gp = A.is_general_position()
    assert bool(gp) is (m <= 2)
    if m >= 3:
        assert len(gp.witness) == 3
    assert A.is_general_position(central=True)


def test_parallel_lines_and_relative_boundedness():
    # m parallel lines in R^2: m + 1 regions, m - 1 relatively bounded strips, none bounded
    A = HA([[1, 2]] * 4, [0, 1, 2, 3])
    assert A.n_regions() == 5
    assert A.n_bounded_regions() == 3
    assert A.n_bounded_regions(relative=False) == 0
    assert A.essentialization().n_bounded_regions(relative=False) == 3
    assert A.is_general_position().witness == (0, 1)


# ----------------------------------------------------------------------------------------------
# independent formulas on random non-generic arrangements
# ----------------------------------------------------------------------------------------------
@SETTINGS
@given(small_arrangements(max_m=6, max_n=3))
def test_whitney_subset_formula_matches_poset(A):
    chi = whitney_chi(A)
    assert list(A.characteristic_polynomial()) == chi
    # the subset forms of Zaslavsky
    r = sum(w for w in map(abs, chi))
    assert A.n_regions() == r
    assert A.n_bounded_regions() == abs(sum(chi))


@SETTINGS
@given(small_arrangements(max_m=7, max_n=4))
def test_deletion_restriction(A):
    for i in range(len(A)):
        D, R = A.deletion(i), A.restriction(i)
        assert A.n_regions() == D.n_regions() + R.n_regions()
        # chi_A(t) = chi_{A\H}(t) - chi_{A^H}(t), with chi_{A^H} of degree n - 1
        chiA, chiD, chiR = A.characteristic_polynomial(), D.characteristic_polynomial(), R.characteristic_polynomial()
        assert list(chiA) == [d - r for d, r in zip(chiD, (0,) + tuple(chiR))]


@SETTINGS
@given(small_arrangements(max_m=8, max_n=2, lo=-3, hi=3, min_n=2))
def test_line_arrangements_point_count_formula(A):
    assert A.n_regions() == lines_regions(A)


@SETTINGS
@given(small_arrangements(max_m=6, max_n=3), st.booleans())
def test_general_position_against_the_definition(A, central):
    gp = A.is_general_position(central=central)
    smallest = brute_gp_min_violation(A, central)
    assert bool(gp) is (smallest is None)
    if smallest is not None:
        w = gp.witness
        assert list(w) == sorted(set(w))
        assert len(w) == smallest
        assert violates(A, w)


@SETTINGS
@given(small_arrangements(max_m=6, max_n=3))
def test_general_position_iff_closed_forms(A):
    m, n = len(A), A.dim
    if A.is_general_position():
        assert A.n_regions() == S(m, n)
        assert A.n_bounded_regions() == math.comb(m - 1, n)
    else:
        assert A.n_regions() < S(m, n)  # Zaslavsky's maximum is attained only in general position


@SETTINGS
@given(small_arrangements(max_m=6, max_n=4))
def test_essentialization_and_rank(A):
    E = A.essentialization()
    assert E.is_essential and E.dim == A.rank == E.rank
    assert A.rank == frank(A.normals)
    assert A.n_regions() == E.n_regions()
    assert A.n_bounded_regions() == E.n_bounded_regions() == E.n_bounded_regions(relative=False)
    # chi_A(t) = t^{n - rank} chi_E(t)
    assert list(A.characteristic_polynomial()) == list(E.characteristic_polynomial()) + [0] * (A.dim - A.rank)
    central = frank([list(a) + [c] for a, c in A.hyperplanes]) == frank(A.normals)
    assert A.is_central is central


@SETTINGS
@given(small_arrangements(max_m=6, max_n=3))
def test_poset_structure(A):
    P = A.intersection_poset()
    assert nx.is_directed_acyclic_graph(P)
    assert P.nodes[()]["dim"] == A.dim and P.nodes[()]["mobius"] == 1
    for u, v in P.edges:
        assert set(u) < set(v) and P.nodes[v]["rank"] == P.nodes[u]["rank"] + 1
    for X, data in P.nodes(data=True):
        assert data["dim"] == A.dim - data["rank"]
        # the equations cut out exactly the flat: every hyperplane of X contains it
        eqs = data["equations"]
        assert len(eqs) == data["rank"]
        for j in X:
            a, c = A.hyperplanes[j]
            assert frank([list(e) + [f] for e, f in eqs] + [list(a) + [c]]) == len(eqs)
        # Moebius: sum over the interval [R^n, X] is 0 except at the bottom
        below = nx.ancestors(P, X) | {X}
        assert sum(P.nodes[Y]["mobius"] for Y in below) == (1 if X == () else 0)
    mu = A.mobius_function()
    assert mu == {X: d["mobius"] for X, d in P.nodes(data=True)}
    assert A.whitney_numbers(2) == tuple(
        sum(1 for _, d in P.nodes(data=True) if d["rank"] == k) for k in range(A.rank + 1)
    )


# ----------------------------------------------------------------------------------------------
# construction, normalisation, errors, files
# ----------------------------------------------------------------------------------------------
def test_duplicates_merged_and_reported():
    A = HA([[1, 2], [-2, -4], [0, 1], ["1/2", 1], [0, 3]], [1, -2, 0, "1/2", 0])
    assert len(A) == 2
    assert A.merged == ((0, 1, 3), (2, 4))
    assert A.origin == ((0, 1, 3), (2, 4))
    assert A.normals[0] == (1, 2) and A.offsets[0] == 1  # first occurrence kept as given
    # a parallel but different hyperplane is NOT merged
    assert len(HA([[1, 2], [1, 2]], [0, 1])) == 2


def test_constructor_errors():
    with pytest.raises(InvalidInputError, match="hyperplane 1 has a zero normal"):
        HA([[1, 0], [0, 0]], [0, 3])
    with pytest.raises(InvalidInputError, match="ragged"):
        HA([[1, 0], [1]])
    with pytest.raises(InvalidInputError, match="offsets has length 1, expected 2"):
        HA([[1, 0], [0, 1]], [1])
    with pytest.raises(InvalidInputError, match="dim=3"):
        HA([[1, 0]], dim=3)
    with pytest.raises(InvalidInputError, match="needs dim"):
        HA([])
    with pytest.raises(InvalidInputError, match="not a finite number"):
        HA([[float("nan"), 1]])
    with pytest.raises(InvalidInputError, match="index"):
        HA([[1, 0]]).restriction(3)


def test_empty_and_zero_dimensional_arrangements():
    E = HA([], dim=3)
    assert E.n_regions() == 1 and E.characteristic_polynomial() == (1, 0, 0, 0)
    assert E.n_bounded_regions() == 1 and E.n_bounded_regions(relative=False) == 0
    assert E.is_general_position() and E.is_central and not E.is_essential
    P = HA([[1]], [-2]).restriction(0)  # a point of the line
    assert P.dim == 0 and P.n_regions() == 1 and P.n_bounded_regions(relative=False) == 1


def test_from_layer_skips_zero_rows_and_merges():
    net = ReLUNetwork(
        [
            ([[1, 0], [0, 0], [-3, 0], [0, 1], [1, 1]], [1, 5, -3, 0, 0]),
            ([[1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], [0, 1]),
            ([[1, 1]], [0]),
        ]
    )
    A = HA.from_layer(net, 1)
    assert A.skipped == (1,)
    assert A.merged == ((0, 2),)
    assert len(A) == 3 and A.n_regions() == 7 and A.n_bounded_regions() == 1
    B = HA.from_layer(net, 2)
    assert B.dim == 5 and len(B) == 1 and B.skipped == (1,)
    with pytest.raises(InvalidInputError, match="hidden layer 1..2"):
        HA.from_layer(net, 3)
    with pytest.raises(InvalidInputError, match="hidden layer"):
        HA.from_layer(net, 0)


def test_restriction_coordinates():
    # planes z = 0, x = 1, y = 2, x + y + z = 6 ; restrict to x + y + z = 6 (solve for x)
    A = HA([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 1, 1]], [0, -1, -2, -6])
    R = A.restriction(3)
    assert R.dim == 2
    # on the plane, x = 6 - y - z: z = 0 -> (0, 1); x = 1 -> -y - z + 5 = 0 ; y = 2 -> (1, 0)
    assert set(R.hyperplanes) == {((0, 1), 0), ((-1, -1), 5), ((1, 0), -2)}
    assert R.origin == ((0,), (1,), (2,))


def test_file_roundtrip_exact(tmp_path):
    A = HA([[1, "1/3"], [0, 1], [2, "2/3"]], ["-1/7", 0, 5])
    p = tmp_path / "a.json"
    A.save(p)
    d = json.loads(p.read_text())
    assert d["format"] == "polyrelu-arrangement" and d["version"] == 1
    assert d["hyperplanes"][0] == {"normal": ["1", "1/3"], "offset": "-1/7"}
    B = HA.load(p)
    assert B.hyperplanes == A.hyperplanes and B == A
    assert HA.from_file(p).characteristic_polynomial() == A.characteristic_polynomial()


@pytest.mark.parametrize(
    "doc, msg",
    [
        ({"format": "polyrelu-network", "version": 1, "hyperplanes": []}, "'format' must be"),
        ({"format": "polyrelu-arrangement", "version": 2, "hyperplanes": []}, "unsupported version"),
        ({"format": "polyrelu-arrangement", "version": 1}, "'hyperplanes' must be a list"),
        ({"format": "polyrelu-arrangement", "version": 1, "hyperplanes": [{"offset": 1}]}, "hyperplanes\\[0\\] must be"),
        ({"format": "polyrelu-arrangement", "version": 1, "hyperplanes": [{"normal": [1, "x"]}]}, "normal\\[1\\]"),
        (
            {"format": "polyrelu-arrangement", "version": 1, "hyperplanes": [{"normal": [1, 0]}, {"normal": [1]}]},
            "hyperplanes\\[1\\].normal has 1 entries, expected 2",
        ),
        ({"format": "polyrelu-arrangement", "version": 1, "hyperplanes": [{"normal": [0, 0], "offset": 1}]}, "zero normal"),
        ({"format": "polyrelu-arrangement", "version": 1, "hyperplanes": []}, "needs dim"),
    ],
)
def test_bad_files(tmp_path, doc, msg):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(InvalidInputError, match=msg):
        HA.load(p)


def test_bad_json_and_missing_file(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{not json")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        HA.load(p)
    with pytest.raises(InvalidInputError, match="no such arrangement file"):
        HA.load(tmp_path / "missing.json")


def test_report_keys_and_values():
    A = HA([[1, 0], [0, 1], [1, 1], [1, 2]], [0, 0, 0, -1])
    r = A.report()
    for key in ("dim", "n_hyperplanes", "rank", "is_central", "is_essential", "is_general_position",
                "witness", "characteristic_polynomial", "n_regions", "n_bounded_regions"):
        assert key in r
    assert r["witness"] == [0, 1, 2] and r["is_general_position"] is False
    assert r["characteristic_polynomial"] == [1, -4, 5]
    assert (r["n_regions"], r["n_bounded_regions"]) == (10, 2)
    json.dumps(r)  # JSON-ready


def test_characteristic_polynomial_object():
    chi = CharacteristicPolynomial((1, -4, 6))
    assert chi == (1, -4, 6) and chi(2) == 2 and chi.degree == 2
    assert json.loads(json.dumps(chi)) == [1, -4, 6]
    assert str(CharacteristicPolynomial((1, 0, -1, 0))) == "t^3 - t"


def test_repr_and_equality():
    A = HA([[1, 0], [0, 1]], [0, 1])
    assert repr(A) == "HyperplaneArrangement(2 hyperplanes in R^2, rank 2)"
    assert A == HA([[0, -2], [3, 0]], [-2, 0])  # same set of hyperplanes
    assert hash(A) == hash(HA([[0, -2], [3, 0]], [-2, 0]))
    assert A != HA([[1, 0], [0, 1]], [0, 2])


# ----------------------------------------------------------------------------------------------
# enumeration through the complex machinery
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("normals, offsets, chi, r, b, gp", NAMED)
def test_enumeration_named(normals, offsets, chi, r, b, gp):
    A = HA(normals, offsets)
    assert A.enumerate_regions() == (r, A.n_bounded_regions(relative=False))
    rep = A.report(enumerate=True)
    assert rep["zaslavsky_agrees"] is True


@pytest.mark.parametrize("n, m, fvec", [(2, 3, (3, 9, 7)), (2, 4, (6, 16, 11)), (3, 4, (4, 18, 28, 15)), (3, 5, (10, 40, 55, 26))])
def test_enumeration_face_vectors_general_position(n, m, fvec):
    A = random_generic(m, n, random.Random(7 * n + m))
    cx = A.complex()
    assert tuple(cx.f_vector) == fvec
    # closed form f_k = C(m, n-k) S(m-n+k, k), and Euler's relation for R^n
    assert fvec == tuple(math.comb(m, n - k) * S(m - n + k, k) for k in range(n + 1))
    assert sum((-1) ** k * f for k, f in enumerate(fvec)) == (-1) ** n
    assert cx.graph.number_of_edges() == fvec[n - 1] == m * S(m - 1, n - 1)
    assert len(cx) == A.n_regions() and sum(1 for R in cx.regions if R.is_bounded) == math.comb(m - 1, n)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_arrangements(max_m=6, max_n=3))
def test_enumeration_agrees_with_zaslavsky(A):
    assert A.enumerate_regions() == (A.n_regions(), A.n_bounded_regions(relative=False))
