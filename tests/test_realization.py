"""Realization vs parametrization (polyrelu.realization): math-spec section 9, B1-B8.

Every check is exact.  Independent oracles: direct exact evaluation of both networks (witnesses,
argmax points, random points), brute-force maxima over rational grids, and the complexes of the
individual networks (B1/B2: identical region decompositions and affine maps).
"""
from __future__ import annotations

import argparse
import json
import random
from fractions import Fraction

import oracles
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.complex import PolyhedralComplex
from polyrelu.exact import InvalidInputError
from polyrelu.network import ReLUNetwork, difference_network, pad_depth
from polyrelu.polytope import Polytope
from polyrelu.realization import (
    canonical_form,
    compare_realizations,
    realization_distance,
    same_realization,
)

F = Fraction
BOX = Polytope.box([-1, -1], [1, 1])
LINE = Polytope.box([-1], [1])


def random_net(rng: random.Random, n0: int, widths, m: int = 1) -> ReLUNetwork:
    return oracles.random_net(rng, n0, widths, m, weight_dens=(1, 2), bias_dens=(1, 2))


nets = st.builds(
    lambda seed, shape, m: random_net(random.Random(seed), 2, shape, m),
    st.integers(0, 10**6),
    st.sampled_from([(3,), (2, 2), (3, 2)]),
    st.sampled_from([1, 1, 2]),
)


def _mutable(net):
    return [[[list(r) for r in W], list(b)] for W, b in net.layers]


def _build(layers):
    return ReLUNetwork([(W, b) for W, b in layers])


def rescale(net, l, i, lam):
    """B1: scale unit i of hidden layer l (0-based) by lam > 0."""
    L = _mutable(net)
    L[l][0][i] = [lam * x for x in L[l][0][i]]
    L[l][1][i] *= lam
    for row in L[l + 1][0]:
        row[i] /= lam
    return _build(L)


def permute(net, l, perm):
    """B2: permute the units of hidden layer l."""
    L = _mutable(net)
    L[l][0] = [L[l][0][p] for p in perm]
    L[l][1] = [L[l][1][p] for p in perm]
    L[l + 1][0] = [[row[p] for p in perm] for row in L[l + 1][0]]
    return _build(L)


def split(net, l, i, lam, share):
    """B5: replace unit i by itself (outgoing share*a) plus a copy scaled by lam (outgoing (1-share)a/lam)."""
    L = _mutable(net)
    L[l][0].append([lam * x for x in L[l][0][i]])
    L[l][1].append(lam * L[l][1][i])
    for row in L[l + 1][0]:
        a = row[i]
        row[i] = share * a
        row.append((1 - share) * a / lam)
    return _build(L)


def add_unit(net, l, w, b, out):
    L = _mutable(net)
    L[l][0].append(list(w))
    L[l][1].append(b)
    for row, o in zip(L[l + 1][0], out):
        row.append(o)
    return _build(L)


def _maps_by_pattern(net, domain):
    cx = PolyhedralComplex.from_network(net, domain=domain)
    return {r.pattern: (r.affine_map, r.polytope) for r in cx.regions}


# ----------------------------------------------------------------------------------------------
# basic facts
# ----------------------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(nets, nets)
def test_difference_network_computes_the_difference(f, g):
    if f.output_dim != g.output_dim:
        return
    d = difference_network(f, g)
    rng = random.Random(1)
    for _ in range(10):
        x = [F(rng.randint(-30, 30), 7) for _ in range(2)]
        assert d(x) == tuple(a - b for a, b in zip(f(x), g(x)))
    deep = pad_depth(f, 4)
    assert len(deep.widths) == 4
    assert bool(same_realization(f, deep))                  # on all of R^2


@settings(max_examples=10, deadline=None)
@given(nets)
def test_perturbed_network_differs_with_a_true_witness(net):
    L = _mutable(net)
    L[-1][1][0] += F(1, 1000)                                  # output bias: differs everywhere
    other = _build(L)
    r = same_realization(net, other, BOX)
    assert not r.same and net(r.witness) != other(r.witness) and BOX.contains(r.witness)
    assert bool(same_realization(net, net, BOX))
    d = realization_distance(net, other, BOX)
    assert d.sup_distance == F(1, 1000) and d.sup_gradient_distance == 0


@settings(max_examples=10, deadline=None)
@given(nets, nets)
def test_sup_distance_is_attained_and_dominates_a_grid(f, g):
    if f.output_dim != g.output_dim:
        return
    r = realization_distance(f, g, BOX)
    dist = lambda x: max(abs(a - b) for a, b in zip(f(x), g(x)))  # noqa: E731
    assert dist(r.argmax) == r.sup_distance and BOX.contains(r.argmax)
    grid = [F(k, 4) for k in range(-4, 5)]
    assert max(dist([a, b]) for a in grid for b in grid) <= r.sup_distance
    # the gradient distance is attained around gradient_argmax: exact difference quotients inside
    # the region (both activation patterns unchanged; the set of points with one pattern is convex,
    # so f - g is affine on the segment), and it bounds every difference quotient
    p = r.gradient_argmax
    pats = (f.activation_pattern(p), g.activation_pattern(p))
    quotients = []
    for j in range(2):
        t = F(1)
        while True:
            q = list(p)
            q[j] += t
            if (f.activation_pattern(q), g.activation_pattern(q)) == pats:
                break
            t /= 2
        diff_q = [a - b for a, b in zip(f(q), g(q))]
        diff_p = [a - b for a, b in zip(f(p), g(p))]
        quotients += [abs(a - b) / t for a, b in zip(diff_q, diff_p)]
    assert max(quotients) == r.sup_gradient_distance
    rng = random.Random(2)
    for _ in range(10):
        x = [F(rng.randint(-10, 10), 10) for _ in range(2)]
        y = [F(rng.randint(-10, 10), 10), x[1]]
        if x[0] != y[0]:
            dx = [a - b for a, b in zip(f(x), g(x))]
            dy = [a - b for a, b in zip(f(y), g(y))]
            assert all(abs(a - b) / abs(x[0] - y[0]) <= r.sup_gradient_distance for a, b in zip(dx, dy))
    assert r.same == (r.sup_distance == 0)


# ----------------------------------------------------------------------------------------------
# the degeneracies of math-spec section 9
# ----------------------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(nets, st.integers(0, 2), st.fractions(F(1, 5), F(7)))
def test_B1_positive_scaling(net, i, lam):
    if lam <= 0:
        return
    l = 0
    i = i % net.widths[l]
    other = rescale(net, l, i, lam)
    assert bool(same_realization(net, other))                 # on all of R^2
    # identical region decomposition, affine maps and polytopes (positive homogeneity)
    assert _maps_by_pattern(net, BOX) == _maps_by_pattern(other, BOX)
    assert canonical_form(net, BOX) == canonical_form(other, BOX)


@settings(max_examples=10, deadline=None)
@given(nets, st.randoms(use_true_random=False))
def test_B2_permutations(net, rnd):
    l = len(net.widths) - 1
    perm = list(range(net.widths[l]))
    rnd.shuffle(perm)
    other = permute(net, l, perm)
    assert bool(same_realization(net, other))
    a, b = _maps_by_pattern(net, BOX), _maps_by_pattern(other, BOX)
    # the configuration labels permute accordingly
    permuted = {}
    for pat, v in a.items():
        pat = list(pat)
        pat[l] = tuple(pat[l][p] for p in perm)
        permuted[tuple(pat)] = v
    assert permuted == b
    assert canonical_form(net, BOX) == canonical_form(other, BOX)


@settings(max_examples=10, deadline=None)
@given(nets, st.fractions(-5, 5))
def test_B3_dead_units(net, out):
    # z = x1 + x2 - 3 <= -1 on the box: dead there, alive near (2, 2)
    other = add_unit(net, 0, [1, 1], F(-3), [out] * len(net.layers[1][0]))
    assert bool(same_realization(net, other, BOX))
    assert canonical_form(net, BOX) == canonical_form(other, BOX)
    whole = same_realization(net, other)
    if len(net.widths) == 1:                                  # shallow: on R^2 they differ iff out != 0
        assert whole.same == (out == 0)
    elif out == 0:
        assert whole.same
    if not whole.same:
        assert net(whole.witness) != other(whole.witness) and not BOX.contains(whole.witness)


def test_B4_always_active_units_fold_into_the_affine_part():
    # units x1 + 3 and x2 + 3 are positive on the box: together one affine unit, rank 1 for one output
    net = ReLUNetwork([([[1, 0], [0, 1], [1, -1]], [3, 3, 0]), ([[1, 2, 1]], [0])])
    canon = canonical_form(net, BOX)
    assert canon.widths == (2,)
    assert bool(same_realization(net, canon, BOX))
    assert not same_realization(net, canon, None).same       # off the box (R^n: not canon's own domain) it kinks
    # an always-active unit with any hyperplane position outside the box gives the same canonical form
    moved = ReLUNetwork([([[1, 0], [0, 1], [1, -1]], [5, 1, 0]), ([[1, 2, 1]], [2])])
    assert bool(same_realization(net, moved, BOX))
    assert canonical_form(moved, BOX) == canon


@settings(max_examples=10, deadline=None)
@given(nets, st.fractions(F(1, 3), F(5)), st.fractions(-2, 3))
def test_B5_parallel_units_merge(net, lam, share):
    if lam <= 0:
        return
    l = len(net.widths) - 1
    other = split(net, l, 0, lam, share)
    assert other.size == net.size + 1
    assert bool(same_realization(net, other))
    canon = canonical_form(other, BOX)
    assert canon == canonical_form(net, BOX)
    assert canon.size <= net.size


def test_B6_opposite_units_linear_function_has_many_representations():
    ident = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, -1]], [0])])          # rho(x) - rho(-x) = x
    for c in (F(1, 2), F(-3), F(7, 3)):
        moved = ReLUNetwork([([[1], [-1]], [-c, c]), ([[1, -1]], [c])])     # breakpoint at c
        assert bool(same_realization(ident, moved))                         # on all of R
        assert realization_distance(ident, moved, LINE).sup_distance == 0
    # a rho(t) + a' rho(-lam t) = (a + lam a') rho(t) - lam a' t
    a, a2, lam = F(2), F(-3), F(1, 2)
    lhs = ReLUNetwork([([[1], [-lam]], [0, 0]), ([[a, a2]], [0])])
    rhs = ReLUNetwork([([[1], [1], [-1]], [0, 0, 0]), ([[a + lam * a2, -lam * a2, lam * a2]], [0])])
    assert bool(same_realization(lhs, rhs))
    # the canonical form does not identify B6 pairs (documented)
    shifted = ReLUNetwork([([[1], [-1]], [F(-1, 2), F(1, 2)]), ([[1, -1]], [F(1, 2)])])
    assert canonical_form(ident, LINE) != canonical_form(shifted, LINE)


@pytest.mark.parametrize("k, eps", [(10, F(1, 10)), (1000, F(1, 1000))])
def test_B7_non_inverse_stability_numbers(k, eps):
    gamma = ReLUNetwork([([[k]], [0]), ([[0]], [0])])                      # w = k, b = 0, a = 0: realizes 0
    g_eps = ReLUNetwork([([[-1]], [0]), ([[eps]], [0])])                   # eps * rho(-x)
    r = realization_distance(gamma, g_eps, LINE)
    assert (r.sup_distance, r.argmax, r.sup_gradient_distance) == (eps, (F(-1),), eps)
    # every one-neuron parametrization of g_eps is a positive rescaling of (w, b) = (-1, 0): its
    # canonical form is unique, so w = -lam < 0 and |w - k| > k
    for lam in (F(1, 7), F(1), F(9)):
        phi = ReLUNetwork([([[-lam]], [0]), ([[eps / lam]], [0])])
        assert canonical_form(phi, LINE) == canonical_form(g_eps, LINE)
        assert abs(-lam - k) >= k
    canon = canonical_form(g_eps, LINE)
    assert canon.layers[0] == (((F(-1),),), (F(0),)) and canon.layers[1] == (((eps,),), (F(0),))


def test_B8_narrow_hat_is_close_in_sup_norm_but_not_in_W1inf():
    eps, x0 = F(1, 100), F(1, 3)
    # eps * hat((x - x0)/eps), hat(t) = 2 rho(t) - 4 rho(t - 1/2) + 2 rho(t - 1): height eps, slopes +-2
    hat = ReLUNetwork([([[1 / eps], [1 / eps], [1 / eps]], [-x0 / eps, -x0 / eps - F(1, 2), -x0 / eps - 1]),
                       ([[2 * eps, -4 * eps, 2 * eps]], [0])])
    zero = ReLUNetwork([([[0]], [0]), ([[0]], [0])])
    r = realization_distance(hat, zero, LINE)
    assert r.sup_distance == eps and r.argmax == (x0 + eps / 2,)
    assert r.sup_gradient_distance == 2


# ----------------------------------------------------------------------------------------------
# canonical form
# ----------------------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(nets)
def test_canonical_form_is_idempotent_and_faithful(net):
    canon = canonical_form(net, BOX)                          # checks same_realization internally
    assert bool(same_realization(net, canon, BOX))
    assert canonical_form(canon, BOX) == canon
    assert canon.size <= net.size
    # canonical rows: max-norm 1, distinct, sorted, with non-zero outgoing weights
    for l, (W, b) in enumerate(canon.hidden_layers):
        rows = [tuple(w) + (bi,) for w, bi in zip(W, b)]
        if rows == [tuple([F(0)] * (len(rows[0])))]:
            continue                                          # the constant network
        assert all(max(abs(x) for x in r) == 1 for r in rows)
        assert rows == sorted(set(rows))
        nxt = canon.layers[l + 1][0]
        assert all(any(row[i] for row in nxt) for i in range(len(rows)))


def test_constant_function_canonical_form():
    net = ReLUNetwork([([[1, 1], [1, -1]], [-5, -5]), ([[2, 3]], [F(7, 2)])])
    canon = canonical_form(net, BOX)
    assert canon.widths == (1,) and canon.layers[-1] == (((F(0),),), (F(7, 2),))
    assert canonical_form(canon, BOX) == canon


def test_bad_input():
    a = ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])])
    b = ReLUNetwork([([[1]], [0]), ([[1]], [0])])
    with pytest.raises(InvalidInputError, match="inputs"):
        same_realization(a, b)
    c = ReLUNetwork([([[1, 0]], [0]), ([[1], [1]], [0, 0])])
    with pytest.raises(InvalidInputError, match="outputs"):
        same_realization(a, c)
    with pytest.raises(InvalidInputError, match="domain"):
        canonical_form(a, None)
    with pytest.raises(InvalidInputError, match="bounded"):
        realization_distance(a, a, None)
    with pytest.raises(InvalidInputError, match="R\\^1"):
        compare_realizations(a, a, LINE)
    flat = Polytope.from_inequalities([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 1, 1])
    with pytest.raises(InvalidInputError, match="full-dimensional"):
        same_realization(a, a, flat)
    with pytest.raises(InvalidInputError, match="gradient norm"):
        compare_realizations(a, a, BOX, gradient_norm="2")


def test_cli_compare_json(tmp_path, capsys):
    from polyrelu.cli import compare as cli

    f = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, -1]], [0])])
    g = ReLUNetwork([([[1], [-1]], [F(-1, 2), F(1, 2)]), ([[1, -1]], [F(1, 2)])])
    h = ReLUNetwork([([[1]], [0]), ([[1]], [0])])
    for name, net in (("f", f), ("g", g), ("h", h)):
        net.save(tmp_path / f"{name}.json")
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["compare", str(tmp_path / "f.json"), str(tmp_path / "g.json"), "--box", "-1", "1", "--json"])
    assert args.func(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"same_realization", "witness", "sup_distance", "sup_gradient_distance", "argmax"} <= set(d)
    assert d["same_realization"] is True and d["witness"] is None and d["sup_distance"] == "0"
    args = parser.parse_args(["compare", str(tmp_path / "f.json"), str(tmp_path / "h.json"), "--box", "-1", "1", "--json"])
    assert args.func(args) == 0
    d = json.loads(capsys.readouterr().out)
    # f - h = x - rho(x) = -rho(-x): sup 1 at x = -1, slope 1
    assert d["same_realization"] is False
    assert (d["sup_distance"], d["argmax"], d["sup_gradient_distance"]) == ("1", ["-1"], "1")
    w = [F(x) for x in d["witness"]]
    assert f(w) != h(w)
    args = parser.parse_args(["compare", str(tmp_path / "f.json"), str(tmp_path / "h.json"), "--box", "0,0", "1"])
    assert args.func(args) == 2
    assert "coordinates" in capsys.readouterr().err
