"""Local complexity against the full complex, brute force over activation patterns, and exact extremes."""
from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction

import numpy as np
import pytest

from oracles import seeded_net
from polyrelu import InvalidInputError, Polytope, ReLUNetwork
from polyrelu.cli import main
from polyrelu.local import ball, local_complexity


def _net(seed, n=2, widths=(4, 3), m=1):
    return seeded_net(seed, n, widths, m)


def _pattern_pieces(net, B):
    """Every activation pattern's polytope inside B, built from the layers here (no engine):
    yields (polytope, per-layer preactivation affine maps [(g, h), ...])."""
    n = net.input_dim
    BA, Bb = B.inequalities
    for bits in itertools.product((0, 1), repeat=sum(net.widths)):
        A = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        c = [Fraction(0)] * n
        rows, rhs, pre, k = [], [], [], 0
        for W, b in net.layers[:-1]:
            zA = [[sum((w * A[q][j] for q, w in enumerate(r)), Fraction(0)) for j in range(n)] for r in W]
            zc = [sum((w * c[q] for q, w in enumerate(r)), bb) for r, bb in zip(W, b)]
            pre.append(list(zip(zA, zc)))
            for i in range(len(W)):
                rows.append([-a for a in zA[i]] if bits[k + i] else list(zA[i]))
                rhs.append(zc[i] if bits[k + i] else -zc[i])
            A = [zA[i] if bits[k + i] else [Fraction(0)] * n for i in range(len(W))]
            c = [zc[i] if bits[k + i] else Fraction(0) for i in range(len(W))]
            k += len(W)
        P = Polytope.from_inequalities(list(BA) + rows, list(Bb) + rhs)
        if not P.is_empty:
            yield P, pre


def _brute(net, p, r, norm):
    """(regions meeting the open ball, neurons whose pre-activation changes sign on it) by brute force.

    Regions: full-dimensional pattern pieces of the closed ball.  Neurons: min < 0 < max of the
    pre-activation over the ball (its extremes over the ball are attained at piece vertices); for
    these random rational weights no neuron touches zero without crossing it.
    """
    B = ball(p, r, norm)
    n = net.input_dim
    regions = 0
    lo, hi = {}, {}
    for P, pre in _pattern_pieces(net, B):
        if P.dim == n:
            regions += 1
        for l, layer in enumerate(pre):
            for i, (g, h) in enumerate(layer):
                for v in P.vertices:
                    z = sum(a * x for a, x in zip(g, v)) + h
                    lo[l, i] = min(lo.get((l, i), z), z)
                    hi[l, i] = max(hi.get((l, i), z), z)
    neurons = sum(1 for key in lo if lo[key] < 0 < hi[key])
    return regions, neurons


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("norm", ["inf", "1"])
def test_against_brute_force(seed, norm):
    net = _net(seed)
    rng = random.Random(seed)
    pts = [[Fraction(rng.randint(-10, 10), 10), Fraction(rng.randint(-10, 10), 10)] for _ in range(3)]
    r = Fraction(3, 5)
    got = local_complexity(net, pts, r, norm)
    for p, d in zip(pts, got):
        assert (d["n_regions"], d["n_neurons"]) == _brute(net, p, r, norm)
        assert d["n_neurons"] == sum(d["n_neurons_per_layer"])


@pytest.mark.parametrize("seed", range(3))
def test_against_the_full_complex_on_a_larger_box(seed):
    """Regions of the complex on [-2, 2]^2 whose intersection with the small ball is full-dimensional."""
    net = _net(20 + seed, widths=(6, 5))
    full = net.complex(domain=Polytope.box([-2, -2], [2, 2]))
    rng = random.Random(seed)
    pts = [[Fraction(rng.randint(-12, 12), 10), Fraction(rng.randint(-12, 12), 10)] for _ in range(4)]
    got = local_complexity(net, pts, "1/4")
    for p, d in zip(pts, got):
        B = ball(p, "1/4")
        meets = sum(1 for reg in full.regions if reg.polytope.intersection(B).dim == 2)
        assert d["n_regions"] == meets == len(net.complex(domain=B))


def test_boundary_hyperplanes_do_not_count():
    # lines x = 0, y = 0, x + y = 1; the box [0, 1]^2 around (1/2, 1/2) meets only x + y = 1 inside
    net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
    (d,) = local_complexity(net, [["1/2", "1/2"]], "1/2")
    assert (d["n_regions"], d["n_neurons"]) == (2, 1)
    # a line through a vertex of the l1 ball only: touches the closed ball, misses the open one
    net = ReLUNetwork([([[1, 0]], [-1]), ([[1]], [0])])
    (d,) = local_complexity(net, [[0, 0]], 1, "1")
    assert (d["n_regions"], d["n_neurons"]) == (1, 0)
    (d,) = local_complexity(net, [[0, 0]], "1001/1000", "1")
    assert (d["n_regions"], d["n_neurons"]) == (2, 1)


def test_a_neuron_that_only_touches_zero_inside_the_ball_counts():
    # z = relu(x) - relu(-x)... here z2 = relu(x1) is >= 0 and vanishes on the half-box x1 <= 0
    net = ReLUNetwork([([[1, 0]], [0]), ([[1]], [-1]), ([[1]], [0])])
    (d,) = local_complexity(net, [[0, 0]], "1/2")
    # layer 1: x1 = 0 crosses; layer 2: relu(x1) - 1 < 0 on the whole ball: no zero
    assert d["n_neurons_per_layer"] == [1, 0]
    net = ReLUNetwork([([[1, 0]], [0]), ([[1]], [0]), ([[1]], [0])])
    (d,) = local_complexity(net, [[0, 0]], "1/2")
    # layer 2: z = relu(x1) vanishes on {x1 <= 0} inside the open ball: its zero set meets the ball
    assert d["n_neurons_per_layer"] == [1, 1]


def test_directions_are_a_section_of_the_ball():
    net = _net(5, n=4, widths=(5, 4))
    D = [[1, 0, 1, 0], [0, 1, 0, -1]]
    p = [Fraction(1, 3), 0, Fraction(-1, 2), 1]
    (d,) = local_complexity(net, [p], "1/2", directions=D)
    sub = net.restrict([[D[0][i], D[1][i]] for i in range(4)], p)
    (e,) = local_complexity(sub, [[0, 0]], "1/2")
    assert (d["n_regions"], d["n_neurons"]) == (e["n_regions"], e["n_neurons"]) == _brute(sub, [0, 0], Fraction(1, 2), "inf")


def test_workers_give_the_same_answers():
    net = _net(6)
    pts = [[Fraction(k, 4), Fraction(-k, 5)] for k in range(4)]
    assert [(d["n_regions"], d["n_neurons"]) for d in local_complexity(net, pts, "1/3", workers=2)] == \
        [(d["n_regions"], d["n_neurons"]) for d in local_complexity(net, pts, "1/3")]


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(points=[[0, 0, 0]], radius=1), "point 0 has length 3, expected 2"),
        (dict(points=[[0, 0]], radius=0), "radius must be > 0"),
        (dict(points=[[0, 0]], radius="-1/2"), "radius must be > 0"),
        (dict(points=[[0, 0]], radius=1, norm="2"), "norm must be"),
        (dict(points=[[0, "x"]], radius=1), "point 0"),
        (dict(points=[[0, 0]], radius=1, directions=[[1, 1], [2, 2]]), "linearly independent"),
    ],
)
def test_bad_inputs(kw, match):
    with pytest.raises(InvalidInputError, match=match):
        local_complexity(_net(0), **kw)


def test_l1_ball_dimension_limit():
    with pytest.raises(InvalidInputError, match="2\\^64 facets"):
        ball([0] * 64, 1, "1")


def test_cli_local_npy_csv_json(tmp_path, capsys):
    net = _net(7)
    path = tmp_path / "n.json"
    net.save(path)
    pts = [[0.25, -0.5], [1.0, 0.75]]
    np.save(tmp_path / "x.npy", np.array(pts))
    (tmp_path / "x.csv").write_text("0.25,-0.5\n1,0.75\n")
    (tmp_path / "x.json").write_text(json.dumps(pts))
    want = [(d["n_regions"], d["n_neurons"]) for d in local_complexity(net, pts, "1/5")]
    for f in ("x.npy", "x.csv", "x.json"):
        assert main(["local", str(path), "--points", str(tmp_path / f), "--radius", "0.2", "--json"]) == 0
        lines = [json.loads(s) for s in capsys.readouterr().out.splitlines()]
        assert [(d["n_regions"], d["n_neurons"]) for d in lines] == want
        assert all(d["radius"] == "1/5" for d in lines)
    (tmp_path / "bad.json").write_text(json.dumps([[0, 0, 0]]))
    assert main(["local", str(path), "--points", str(tmp_path / "bad.json"), "--radius", "0.2"]) == 2
    assert "point 0 has length 3, expected 2" in capsys.readouterr().err
    assert main(["local", str(path), "--points", str(tmp_path / "x.json"), "--radius", "0"]) == 2
    assert "radius must be > 0" in capsys.readouterr().err
