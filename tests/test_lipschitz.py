"""Configurations, atoms and exact Lipschitz constants (polyrelu.lipschitz).

Oracles: the worked example of math-spec section 1.1 (7 regions, Lip_inf = 3, Lip_2^2 = 5,
layer product 3 sqrt 2), brute-force enumeration of all 2^N configurations against the complex,
exact attainment of the Lipschitz constant by a pair of points, and an exact certificate for the
spectral norm (the characteristic polynomial changes sign in the interval, and hi^2 I - G is
positive definite by Sylvester's criterion).
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
from fractions import Fraction

import oracles
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.complex import PolyhedralComplex
from polyrelu.exact import InvalidInputError
from polyrelu.lipschitz import (
    CertifiedReal,
    hh_path_count_bound,
    max_layer_norm_bound,
    _Algebraic,
    atom_bound,
    atoms,
    atoms_sum,
    configuration,
    configuration_polytope,
    layer_product_bound,
    lipschitz_constant,
    normalize_pattern,
    operator_norm,
    path_atom_bound,
    path_atoms,
    region_atoms,
    spectral_norm,
)
from polyrelu.network import ReLUNetwork
from polyrelu.polytope import Polytope

F = Fraction
TRI = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])

# math-spec section 1.1 table: pattern -> (affine map A, c)
TABLE = {
    (1, 1, 0): ((1, 1), 0),
    (1, 1, 1): ((-1, -1), 2),
    (1, 0, 0): ((1, 0), 0),
    (1, 0, 1): ((-1, -2), 2),
    (0, 1, 0): ((0, 1), 0),
    (0, 1, 1): ((-2, -1), 2),
    (0, 0, 0): ((0, 0), 0),
}


def random_net(rng: random.Random, n0: int, widths, m: int = 1, lo: int = -3, hi: int = 3) -> ReLUNetwork:
    return oracles.random_net(rng, n0, widths, m, lo, hi, weight_dens=(1, 1, 2), bias_dens=(1, 2))


nets = st.builds(
    lambda seed, shape, m: random_net(random.Random(seed), 2, shape, m),
    st.integers(0, 10**6),
    st.sampled_from([(3,), (2, 2), (3, 2), (2, 1, 2)]),
    st.sampled_from([1, 2]),
)
BOX = Polytope.box([-2, -2], [2, 2])


# ----------------------------------------------------------------------------------------------
# the worked example of spec section 1.1
# ----------------------------------------------------------------------------------------------
def test_spec_example_table_and_atoms():
    cx = PolyhedralComplex.from_network(TRI, domain=None)
    got = {r.pattern[0]: r.affine_map for r in cx.regions}
    assert set(got) == set(TABLE)
    for s, (a, c) in TABLE.items():
        A, cc = got[s]
        assert A == (tuple(F(x) for x in a),) and cc == (F(c),)
        cfg = configuration(TRI, [s])
        assert cfg.is_realized and cfg.affine_map == got[s]
        assert atoms_sum(cfg.atoms, (1, 2)) == A
    # region (1,0,1): 1*(1,0) + (-2)*(1,1) = (-1,-2)
    at = atoms(TRI, [(1, 0, 1)])
    assert [(a.unit, a.u, a.w) for a in at] == [(0, (F(1),), (F(1), F(0))), (2, (F(-2),), (F(1), F(1)))]
    # the missing configuration
    cfg = configuration(TRI, [(0, 0, 1)])
    assert cfg.is_empty and not cfg.is_realized and "empty" in repr(cfg)


def test_spec_example_lipschitz_numbers():
    rep = lipschitz_constant(TRI, None, "inf")
    assert rep.value == 3 and rep.n_regions == 7
    assert rep.pattern in {((1, 0, 1),), ((0, 1, 1),)}
    assert lipschitz_constant(TRI, None, "1").value == 2      # one output: the largest |partial derivative|
    rep2 = lipschitz_constant(TRI, None, "2")
    sq = rep2.value.square
    assert sq.is_rational and sq.lo == 5                       # Lip_2^2 = 5 exactly
    assert rep2.value.lo ** 2 <= 5 <= rep2.value.hi ** 2
    naive = layer_product_bound(TRI, "2")                      # sqrt(3) * sqrt(6) = 3 sqrt(2)
    assert naive.lo ** 2 <= 18 <= naive.hi ** 2
    assert rep2.value.hi <= naive.lo
    assert layer_product_bound(TRI, "inf") == 2 * 4 and layer_product_bound(TRI, "1") == 2 * 2


def test_spectral_norm_values():
    assert spectral_norm([[3, 0], [0, 4]]).exact == 4
    assert spectral_norm([[0, 0], [0, 0]]).exact == 0
    r = spectral_norm([[1, 1], [0, 1]])                       # golden ratio: sigma^2 = (3 + sqrt 5)/2
    lam_lo, lam_hi = r.lo ** 2, r.hi ** 2
    assert lam_lo <= F(3, 2) + F(1, 2) * CertifiedReal.sqrt(F(5)).hi
    assert (2 * lam_hi - 3) ** 2 >= 5 >= (2 * lam_lo - 3) ** 2
    assert r.hi - r.lo <= F(1, 2**64)
    assert abs(F(r.value) - r.lo) <= F(r.value) * F(1, 2**52)   # the float is the rounded value


def _charpoly_sign(G, lam):
    """sign of det(G - lam I) computed exactly by fraction Gaussian elimination."""
    n = len(G)
    M = [[G[i][j] - (lam if i == j else 0) for j in range(n)] for i in range(n)]
    det = F(1)
    for c in range(n):
        p = next((i for i in range(c, n) if M[i][c] != 0), None)
        if p is None:
            return 0
        if p != c:
            M[c], M[p] = M[p], M[c]
            det = -det
        det *= M[c][c]
        for i in range(c + 1, n):
            f = M[i][c] / M[c][c]
            M[i] = [a - f * b for a, b in zip(M[i], M[c])]
    return (det > 0) - (det < 0)


def _positive_definite(M):
    n = len(M)
    for k in range(1, n + 1):
        if _charpoly_sign([r[:k] for r in M[:k]], F(0)) <= 0:
            return False
    return True


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 3), st.integers(1, 3))
def test_spectral_norm_certificate(seed, m, n):
    rng = random.Random(seed)
    A = [[F(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(n)] for _ in range(m)]
    r = spectral_norm(A)
    G = [[sum(A[k][i] * A[k][j] for k in range(m)) for j in range(n)] for i in range(n)]
    lo2, hi2 = r.lo ** 2, r.hi ** 2
    # an eigenvalue of G lies in [lo^2, hi^2] ...
    if r.square.is_rational:                                 # e.g. G = 5 I: a double eigenvalue 5
        assert _charpoly_sign(G, r.square.lo) == 0 and lo2 <= r.square.lo <= hi2
    else:
        # n <= 3, so an irrational top eigenvalue is simple: det(G - t I) changes sign across it
        s_lo, s_hi = _charpoly_sign(G, lo2), _charpoly_sign(G, hi2)
        assert s_lo * s_hi == -1
    # ... and every eigenvalue is <= hi^2 (hi^2 I - G is positive semidefinite; definite unless exact)
    H = [[(hi2 if i == j else 0) - G[i][j] for j in range(n)] for i in range(n)]
    if r.exact is None:
        assert _positive_definite(H)
    assert r.hi - r.lo <= F(1, 2**60)
    assert spectral_norm([[1, -2], [2, 1]]).square.lo == 5
    assert r.hi - r.lo <= F(1, 2**60)


def test_algebraic_comparison_is_exact():
    a = spectral_norm([[1, 1], [0, 1]])
    b = spectral_norm([[1, 0], [1, 1]])                       # the transpose: same singular values
    assert a.compare(b) == 0
    c = spectral_norm([[1, 1], [0, F(1000001, 1000000)]])
    assert a.compare(c) == -1 and c.compare(a) == 1
    two = CertifiedReal.sqrt(F(2))
    assert two.compare(CertifiedReal.exactly(F(141421356, 100000000))) == 1
    assert _Algebraic.rational(F(2)).compare(two.square) == 0


# ----------------------------------------------------------------------------------------------
# configurations against the complex (independent computations)
# ----------------------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(nets)
def test_realized_configurations_are_the_regions(net):
    cx = PolyhedralComplex.from_network(net, domain=BOX)
    regions = {r.pattern: r for r in cx.regions}
    realized = []
    for bits in itertools.product((0, 1), repeat=net.size):
        pat, k = [], 0
        for w in net.widths:
            pat.append(tuple(bits[k:k + w]))
            k += w
        cfg = configuration(net, pat, BOX)
        if cfg.is_realized:
            realized.append(cfg.pattern)
            assert cfg.polytope == regions[cfg.pattern].polytope
    assert sorted(realized) == sorted(regions)


@settings(max_examples=20, deadline=None)
@given(nets)
def test_atoms_sum_to_affine_map(net):
    cx = PolyhedralComplex.from_network(net, domain=BOX)
    n0, m = net.input_dim, net.output_dim
    for r in cx.regions:
        A = r.affine_map[0]
        assert atoms_sum(region_atoms(r), (m, n0)) == A
        pa = path_atoms(net, r.pattern)
        assert atoms_sum(pa, (m, n0)) == A
        # Theorem 5: at most |s^1| * |s^L| atoms; the path counts multiply the middle layers' active widths
        act = [sum(s) for s in r.pattern]
        middle = 1
        for a in act[1:-1]:
            middle *= a
        if len(act) == 1:
            assert len(pa) == act[0]                           # one hidden layer: a plain sum of atoms
            assert all(a.first == a.last and a.coefficient == 1 for a in pa)
        else:
            assert len(pa) == (act[0] * act[-1] if middle else 0)
        assert all(a.paths == middle for a in pa)
        # rank A <= min_l |s^l| (spec 1.2): the rows lie in the span of the active first-layer rows
        rank = _rank([list(row) for row in A])
        assert rank <= min(act + [n0])


def _rank(rows):
    rows = [r[:] for r in rows if any(r)]
    rank, col = 0, 0
    ncols = len(rows[0]) if rows else 0
    while rows and col < ncols:
        piv = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if piv is not None:
            rows[rank], rows[piv] = rows[piv], rows[rank]
            for i in range(len(rows)):
                if i != rank and rows[i][col] != 0:
                    f = rows[i][col] / rows[rank][col]
                    rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank])]
            rank += 1
        col += 1
    return rank


def test_lower_dimensional_and_constant_configurations():
    absnet = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    cfg = configuration(absnet, [(1, 1)])
    assert not cfg.is_empty and not cfg.is_realized and cfg.polytope.dim == 0
    assert configuration_polytope(absnet, [(1, 1)]).vertices == ((F(0),),)
    const = ReLUNetwork([([[0, 0]], [1]), ([[1]], [0])])      # a unit that is constantly active
    assert configuration(const, [(1,)]).is_realized
    assert configuration(const, [(0,)]).is_empty
    assert configuration(const, [(1,)], BOX).polytope == BOX


def test_bad_input_is_reported():
    with pytest.raises(InvalidInputError, match="2 layers"):
        normalize_pattern(TRI, [(1, 0, 1), (1,)])
    with pytest.raises(InvalidInputError, match="3 units"):
        atoms(TRI, [(1, 0)])
    with pytest.raises(InvalidInputError, match="unknown norm"):
        operator_norm([[1]], "3")
    with pytest.raises(InvalidInputError, match="unknown norm"):
        lipschitz_constant(TRI, None, "fro")


# ----------------------------------------------------------------------------------------------
# Lipschitz constants
# ----------------------------------------------------------------------------------------------
def _diff_norm(u, v, p):
    d = [a - b for a, b in zip(u, v)]
    return max(abs(x) for x in d) if p == "inf" else sum(abs(x) for x in d)


@settings(max_examples=15, deadline=None)
@given(nets, st.sampled_from(["inf", "1"]))
def test_lipschitz_exact_bounds_and_attainment(net, p):
    rep = lipschitz_constant(net, BOX, p)
    L = rep.value
    # upper bounds (spec 1.3): exact <= atom bound <= path-atom bound, exact <= layer product
    assert L <= rep.atom_bound <= rep.path_atom_bound <= rep.hh_path_count_bound
    assert L <= rep.naive_bound == layer_product_bound(net, p) <= rep.max_layer_norm_bound
    cx = PolyhedralComplex.from_network(net, domain=BOX)
    for r in cx.regions:
        assert operator_norm(r.affine_map[0], p) <= L
        assert operator_norm(r.affine_map[0], p) <= atom_bound(net, r.pattern, p) <= path_atom_bound(net, r.pattern, p)
    # the constant holds for random pairs of rational points (exact evaluation)
    rng = random.Random(0)
    for _ in range(30):
        x = [F(rng.randint(-40, 40), 20) for _ in range(2)]
        y = [F(rng.randint(-40, 40), 20) for _ in range(2)]
        assert _diff_norm(net(x), net(y), p) <= L * _diff_norm(x, y, "inf" if p == "inf" else "1")
    # ... and is attained by two points of the attaining region
    region = next(r for r in cx.regions if r.index == rep.region_index)
    A = region.affine_map[0]
    pt = rep.point
    if p == "inf":
        k = max(range(len(A)), key=lambda i: sum(abs(a) for a in A[i]))
        d = [F(1) if a >= 0 else F(-1) for a in A[k]]
    else:
        j = max(range(len(A[0])), key=lambda j: sum(abs(row[j]) for row in A))
        d = [F(int(i == j)) for i in range(len(A[0]))]
    t = F(1)
    while not region.polytope.contains([a + t * b for a, b in zip(pt, d)]):
        t /= 2
    q = [a + t * b for a, b in zip(pt, d)]
    assert _diff_norm(net(q), net(pt), p) == L * _diff_norm(q, pt, "inf" if p == "inf" else "1")


@settings(max_examples=8, deadline=None)
@given(nets)
def test_lipschitz_two_norm(net):
    rep = lipschitz_constant(net, BOX, "2")
    v = rep.value
    assert abs(F(v.value) - v.lo) <= F(v.value) * F(1, 2**52)
    assert v.hi <= rep.naive_bound.hi and v.lo <= rep.atom_bound.hi
    # the maximum is exact: no region's certified norm exceeds it
    for w in rep.per_region:
        assert w.compare(v) <= 0


def test_cli_lipschitz_json(tmp_path, capsys):
    from polyrelu.cli import lipschitz as cli

    path = tmp_path / "tri.json"
    TRI.save(path)
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["lipschitz", str(path), "--box", "-2", "2", "--json"])
    assert args.func(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"norm", "lipschitz", "region", "naive_bound", "heinecke_hwang_bound"} <= set(d)
    assert (d["norm"], d["lipschitz"], d["naive_bound"], d["heinecke_hwang_bound"]) == ("inf", "3", "8", "6")
    assert d["region"]["pattern"] in ([[1, 0, 1]], [[0, 1, 1]])
    pt = [F(x) for x in d["region"]["interior_point"]]
    assert TRI.activation_pattern(pt)[0] in ((1, -1, 1), (-1, 1, 1))
    args = parser.parse_args(["lipschitz", str(path), "--box", "-2", "2", "--norm", "2", "--json"])
    assert args.func(args) == 0
    d = json.loads(capsys.readouterr().out)
    lo, hi = (F(x) for x in d["interval"])
    assert lo ** 2 <= 5 <= hi ** 2 and isinstance(d["lipschitz"], float)
    args = parser.parse_args(["lipschitz", str(tmp_path / "missing.json")])
    assert args.func(args) == 2
    assert "no such network file" in capsys.readouterr().err


def test_theorem6_shape_under_normalisation():
    # first-layer rows and output columns of unit l2 norm: the (i)-form is mu^(L-1) prod_l |s^l|
    net = ReLUNetwork([
        ([[1, 0], [0, -1], [F(3, 5), F(4, 5)]], [0, 1, -1]),
        ([[F(1, 2), -1, F(1, 4)], [F(-1, 3), F(1, 2), 1]], [1, 0]),
        ([[1, -1]], [0]),
    ])
    cx = PolyhedralComplex.from_network(net, domain=BOX)
    mu = F(1)
    for r in cx.regions:
        act = [sum(s) for s in r.pattern]
        b = hh_path_count_bound(net, r.pattern, "2")
        assert b.exact == mu ** 1 * act[0] * act[1]
        assert operator_norm(r.affine_map[0], "2").compare(b) <= 0
    top = max_layer_norm_bound(net, "2")                    # (max_l ||W^l||_2)^3 >= product
    naive = layer_product_bound(net, "2")
    assert naive.hi <= top.hi and naive.lo <= top.lo
