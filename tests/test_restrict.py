"""Restrictions and slices: exact composition, equality with the full complex, the --plane option."""
from __future__ import annotations

import json
import random
from fractions import Fraction

import numpy as np
import pytest

from oracles import require_module, seeded_net
from polyrelu import InvalidInputError, Polytope, ReLUNetwork
from polyrelu.cli import main
from polyrelu.network import slice_network


def _net(seed, n=3, widths=(4, 3), m=1):
    return seeded_net(seed, n, widths, m, w=7, w_den=3, b=4, b_den=2)


def _by_hand(net, p0, p1, p2):
    """The plane's network, composed here entry by entry."""
    (W, b), rest = net.layers[0], net.layers[1:]
    u = [Fraction(a) - Fraction(c) for a, c in zip(p1, p0)]
    v = [Fraction(a) - Fraction(c) for a, c in zip(p2, p0)]
    W2, b2 = [], []
    for row, bi in zip(W, b):
        W2.append([sum(w * x for w, x in zip(row, u)), sum(w * x for w, x in zip(row, v))])
        b2.append(bi + sum(w * Fraction(x) for w, x in zip(row, p0)))
    return ReLUNetwork([(W2, b2), *rest])


@pytest.mark.parametrize("seed", range(4))
def test_slice_equals_hand_composition_and_counts_agree(seed):
    net = _net(seed)
    rng = random.Random(100 + seed)
    p0, p1, p2 = ([Fraction(rng.randint(-3, 3), 2) for _ in range(3)] for _ in range(3))
    s = net.restrict([p0, p1, p2])
    hand = _by_hand(net, p0, p1, p2)
    assert s == hand
    box = Polytope.box([-1, -1], [2, 2])
    assert len(s.complex(domain=box)) == len(hand.complex(domain=box))
    # and pointwise: the slice at (s, t) is the network at p0 + s (p1 - p0) + t (p2 - p0)
    for _ in range(5):
        a, b = Fraction(rng.randint(-9, 9), 7), Fraction(rng.randint(-9, 9), 5)
        x = [c0 + a * (c1 - c0) + b * (c2 - c0) for c0, c1, c2 in zip(p0, p1, p2)]
        assert s([a, b]) == net(x)


@pytest.mark.parametrize("seed", range(3))
def test_slice_of_a_2d_network_is_the_full_complex_in_new_coordinates(seed):
    net = _net(seed, n=2, widths=(5, 4))
    p0, p1, p2 = [Fraction(1, 2), -1], [2, Fraction(-1, 3)], [0, 1]
    s = net.restrict([p0, p1, p2])
    st_box = Polytope.box([0, 0], [1, 1])
    M = [[Fraction(p1[i]) - Fraction(p0[i]), Fraction(p2[i]) - Fraction(p0[i])] for i in range(2)]
    image = st_box.image(M, p0)  # the parallelogram in x
    full = net.complex(domain=image)
    sliced = s.complex(domain=st_box)
    assert len(full) == len(sliced)

    def to_x(y):
        return tuple(Fraction(p0[i]) + M[i][0] * y[0] + M[i][1] * y[1] for i in range(2))

    want = {frozenset(r.vertices) for r in full.regions}
    got = {frozenset(to_x(v) for v in r.vertices) for r in sliced.regions}
    assert got == want
    assert full.f_vector == sliced.f_vector


def test_general_affine_restriction_and_line():
    net = _net(7)
    A = [[1, 0], [0, 2], [Fraction(1, 3), -1]]
    c = [0, Fraction(1, 2), 1]
    r = net.restrict(A, c)
    for y in ([0, 0], [1, -2], [Fraction(3, 7), Fraction(5, 2)]):
        x = [sum(Fraction(a) * v for a, v in zip(row, y)) + Fraction(ci) for row, ci in zip(A, c)]
        assert r(y) == net(x)
    line = net.restrict([[0, 0, 0], [1, 1, 1]])
    assert line.input_dim == 1 and line([Fraction(1, 2)]) == net([Fraction(1, 2)] * 3)
    assert slice_network(net, [0, 0, 0], [1, 0, 0], [0, 1, 0]) == net.restrict([[1, 0], [0, 1], [0, 0]], [0, 0, 0])


def test_domain_becomes_its_preimage():
    net = _net(8).with_domain(Polytope.box([0, 0, 0], [1, 1, 1]))
    r = net.restrict([[0, 0, Fraction(1, 2)], [1, 0, Fraction(1, 2)], [0, 1, Fraction(1, 2)]])
    assert r.domain.as_box() == ((0, 0), (1, 1))


@pytest.mark.parametrize(
    "args, match",
    [
        (([[0, 0, 0], [1, 1, 1], [2, 2, 2]],), "collinear"),
        (([[0, 0, 0], [0, 0, 0]],), "equal"),
        (([[0, 0, 0]],), "at least 2 points"),
        (([[0, 0], [1, 1]],), "expected"),
        (([[1], [0]], [0, 0, 0]), "shape"),
    ],
)
def test_bad_restrictions(args, match):
    with pytest.raises(InvalidInputError, match=match):
        _net(0).restrict(*args)


def test_cli_regions_plane_json_npy_and_inline(tmp_path, capsys):
    net = _net(3)
    path = tmp_path / "n.json"
    net.save(path)
    pts = [[0, 0, "1/2"], [1, 0, "1/2"], [0, 1, "1/2"]]
    (tmp_path / "p.json").write_text(json.dumps({"points": pts}))
    np.save(tmp_path / "p.npy", np.array([[0, 0, 0.5], [1, 0, 0.5], [0, 1, 0.5]]))
    want = len(_by_hand(net, *[[Fraction(x) for x in p] for p in pts]).complex(domain=Polytope.box([-1, -1], [1, 1])))
    outs = []
    for plane in (["p.json"], ["p.npy"], ["0,0,1/2", "1,0,1/2", "0,1,1/2"]):
        args = ["regions", str(path), "--plane", *[str(tmp_path / a) if a.startswith("p.") else a for a in plane],
                "--box", "-1", "1", "--json"]
        assert main(args) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert [d["n_regions"] for d in outs] == [want] * 3
    assert outs[0]["plane"]["coordinates"] == "x = p0 + s (p1 - p0) + t (p2 - p0)"
    # a line through 2 points: a 1-D complex
    (tmp_path / "l.json").write_text(json.dumps({"points": pts[:2]}))
    assert main(["regions", str(path), "--plane", str(tmp_path / "l.json"), "--box", "-1", "1", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    line = net.restrict([[Fraction(x) for x in p] for p in pts[:2]])
    assert d["input_dim"] == 1 and d["n_regions"] == len(line.complex(domain=Polytope.box([-1], [1])))


def test_cli_plane_errors(tmp_path, capsys):
    path = tmp_path / "n.json"
    _net(3).save(path)
    (tmp_path / "p.json").write_text(json.dumps({"points": [[0, 0], [1, 0], [0, 1]]}))
    assert main(["regions", str(path), "--plane", str(tmp_path / "p.json"), "--box", "0", "1"]) == 2
    assert "--plane point 0 has 2 coordinates but the network has 3 inputs" in capsys.readouterr().err
    (tmp_path / "q.json").write_text(json.dumps({"points": [[0, 0, 0], [1, 1, 1], [2, 2, 2]]}))
    assert main(["regions", str(path), "--plane", str(tmp_path / "q.json"), "--box", "0", "1"]) == 2
    assert "collinear" in capsys.readouterr().err
    assert main(["regions", str(path), "--plane", str(tmp_path / "nope.json"), "--box", "0", "1"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_plot_plane(tmp_path, capsys):
    require_module("matplotlib")
    path = tmp_path / "n.json"
    _net(3).save(path)
    out = tmp_path / "s.png"
    assert main(["plot", str(path), "--plane", "0,0,0", "1,0,0", "0,1,0", "--box", "-1", "1", "-o", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == str(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
