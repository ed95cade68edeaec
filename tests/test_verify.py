"""Exact property checks against brute force, independent per-region LPs and exact thresholds."""
from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest

from oracles import seeded_net
from polyrelu import InvalidInputError, Polytope, ReLUNetwork
from polyrelu.cli import main
from polyrelu.verify import verify
from polyrelu.vnnlib import parse_vnnlib

DATA = Path(__file__).resolve().parents[1] / "data" / "acasxu"


def _random_net(seed, widths=(3, 3), n=2, m=1):
    return seeded_net(seed, n, widths, m)


def _brute_force_extremes(net, lo, hi):
    """min and max of every output over the box, by enumerating all activation patterns (no engine)."""
    n = net.input_dim
    box_A = [[-int(i == j) for j in range(n)] for i in range(n)] + [[int(i == j) for j in range(n)] for i in range(n)]
    box_b = [-x for x in lo] + list(hi)
    neurons = sum(net.widths)
    best_lo = [None] * net.output_dim
    best_hi = [None] * net.output_dim
    for bits in itertools.product((0, 1), repeat=neurons):
        A = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        c = [Fraction(0)] * n
        rows, rhs, k = [], [], 0
        for W, b in net.layers[:-1]:
            zA = [[sum((w * A[q][j] for q, w in enumerate(r)), Fraction(0)) for j in range(n)] for r in W]
            zc = [sum((w * c[q] for q, w in enumerate(r)), bb) for r, bb in zip(W, b)]
            for i in range(len(W)):
                s = bits[k + i]
                # active: z >= 0  <=>  -zA x <= zc ; inactive: z <= 0
                rows.append([-a for a in zA[i]] if s else list(zA[i]))
                rhs.append(zc[i] if s else -zc[i])
            A = [zA[i] if bits[k + i] else [Fraction(0)] * n for i in range(len(W))]
            c = [zc[i] if bits[k + i] else Fraction(0) for i in range(len(W))]
            k += len(W)
        P = Polytope.from_inequalities(box_A + rows, box_b + rhs)
        if P.is_empty:
            continue
        for v in P.vertices:
            y = net(v)
            for j, val in enumerate(y):
                best_lo[j] = val if best_lo[j] is None else min(best_lo[j], val)
                best_hi[j] = val if best_hi[j] is None else max(best_hi[j], val)
    return best_lo, best_hi


def _prop(lo, hi, m, unsafe):
    n = len(lo)
    s = "".join(f"(declare-const X_{i} Real)" for i in range(n)) + "".join(f"(declare-const Y_{j} Real)" for j in range(m))
    for i in range(n):
        s += f"(assert (>= X_{i} {lo[i]}))(assert (<= X_{i} {hi[i]}))"
    return parse_vnnlib(s + unsafe)


def _check_counterexample(net, prop, r):
    assert r.status == "violated"
    x, y = r.counterexample, r.output
    assert all(type(v) is Fraction for v in x)
    assert prop.in_box(x)
    assert net(x) == y
    assert prop.is_unsafe(y)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_thresholds_at_the_exact_minimum(seed):
    net = _random_net(seed)
    lo, hi = [Fraction(-1), Fraction(-1, 2)], [Fraction(1), Fraction(3, 2)]
    mins, maxs = _brute_force_extremes(net, lo, hi)
    m, M = mins[0], maxs[0]
    assert m < M
    fmt = lambda q: f"(/ {q.numerator} {q.denominator})"  # noqa: E731
    box = (["-1", "-0.5"], ["1", "1.5"])
    # the minimum is attained (at a vertex): <= m is violated with output exactly m, < m holds
    r = verify(net, p := _prop(*box, 1, f"(assert (<= Y_0 {fmt(m)}))"))
    _check_counterexample(net, p, r)
    assert r.output[0] == m
    assert verify(net, _prop(*box, 1, f"(assert (< Y_0 {fmt(m)}))")).status == "holds"
    eps = Fraction(1, 1000)
    assert verify(net, _prop(*box, 1, f"(assert (<= Y_0 {fmt(m - eps)}))")).status == "holds"
    r = verify(net, p := _prop(*box, 1, f"(assert (< Y_0 {fmt(m + eps)}))"))
    _check_counterexample(net, p, r)
    # and the same at the maximum
    assert verify(net, _prop(*box, 1, f"(assert (> Y_0 {fmt(M)}))")).status == "holds"
    r = verify(net, p := _prop(*box, 1, f"(assert (>= Y_0 {fmt(M)}))"))
    _check_counterexample(net, p, r)
    assert r.output[0] == M


def _independent_region_check(net, prop):
    """Whether some region holds an unsafe input, decided with the engine's affine maps and Polytope."""
    cx = net.complex(domain=prop.box)
    for region in cx.regions:
        A, c = region.affine_map
        RA, Rb = region.inequalities
        for conj in prop.unsafe:
            G = [[sum(a * A[j][k] for j, a in enumerate(con.coeffs)) for k in range(net.input_dim)] for con in conj]
            h = [con.rhs - sum(a * cc for a, cc in zip(con.coeffs, c)) for con in conj]
            P = Polytope.from_inequalities(list(RA) + G, list(Rb) + h)
            if P.is_empty:
                continue
            if not any(con.strict for con in conj):
                return True
            # strict rows: satisfiable iff none is constant = rhs on P
            if all(-P.maximize([-g for g in G[i]]).value < h[i] for i, con in enumerate(conj) if con.strict):
                return True
    return False


@pytest.mark.parametrize("seed", range(6))
def test_two_outputs_disjunction_against_every_region(seed):
    net = _random_net(10 + seed, widths=(4, 3), m=2)
    box = (["-1", "-1"], ["1", "1"])
    mins, maxs = _brute_force_extremes(net, [-1, -1], [1, 1])
    t = (maxs[0] + mins[0]) / 2
    q = lambda v: f"(/ {v.numerator} {v.denominator})"  # noqa: E731
    unsafe = f"(assert (or (and (>= Y_0 Y_1) (>= Y_0 {q(t)})) (and (< Y_1 {q(mins[1])}) (<= Y_0 0))))"
    p = _prop(*box, 2, unsafe)
    r = verify(net, p)
    assert r.status == ("violated" if _independent_region_check(net, p) else "holds")
    if r.status == "violated":
        _check_counterexample(net, p, r)
    else:
        assert r.n_regions_examined == r.n_regions == len(net.complex(domain=p.box))


def test_holds_is_confirmed_region_by_region():
    net = _random_net(3)
    box = (["-1", "-1"], ["1", "1"])
    mins, _ = _brute_force_extremes(net, [-1, -1], [1, 1])
    m = mins[0]
    p = _prop(*box, 1, f"(assert (< Y_0 (/ {m.numerator} {m.denominator})))")
    r = verify(net, p)
    assert r.status == "holds" and r.n_regions_examined == r.n_regions
    assert not _independent_region_check(net, p)


def test_fixed_inputs_are_substituted():
    net = _random_net(4)
    # X_1 fixed at 1/3: the question is about the 1-D restriction, solved by brute force
    mins, _ = _brute_force_extremes(net.restrict([[1], [0]], [0, Fraction(1, 3)]), [-1], [1])
    m = mins[0]
    p = _prop(["-1", "1/3"], ["1", "1/3"], 1, f"(assert (<= Y_0 (/ {m.numerator} {m.denominator})))")
    r = verify(net, p)
    _check_counterexample(net, p, r)
    assert r.counterexample[1] == Fraction(1, 3) and r.output[0] == m and r.fixed_inputs == {1: Fraction(1, 3)}
    assert verify(net, _prop(["-1", "1/3"], ["1", "1/3"], 1,
                             f"(assert (< Y_0 (/ {m.numerator} {m.denominator})))")).status == "holds"


def test_acas_xu_small_box_exact():
    net = ReLUNetwork.from_onnx(DATA / "ACASXU_run2a_1_1_batch_2000.onnx")
    p3 = parse_vnnlib(DATA / "prop_3.vnnlib")
    # a small box in the middle of property 3's box, with property 3's unsafe set: holds there
    mid = [(a + b) / 2 for a, b in zip(p3.lo, p3.hi)]
    w = [(b - a) / 100 for a, b in zip(p3.lo, p3.hi)]
    lo = [str(a - d) for a, d in zip(mid, w)]
    hi = [str(a + d) for a, d in zip(mid, w)]
    prop = _prop(lo, hi, 5, "(assert (<= Y_0 Y_1))(assert (<= Y_0 Y_2))(assert (<= Y_0 Y_3))(assert (<= Y_0 Y_4))")
    r = verify(net, prop)
    assert r.status == "holds" and r.n_regions >= 1
    assert not _independent_region_check(net, prop)
    # a threshold just below the largest output at the centre is reached: an exact counterexample
    y = net(mid)
    j = max(range(5), key=lambda k: y[k])
    t = y[j] - Fraction(1, 10**6)
    prop = _prop(lo, hi, 5, f"(assert (>= Y_{j} (/ {t.numerator} {t.denominator})))")
    r = verify(net, prop)
    _check_counterexample(net, prop, r)


def test_cli_verify_json(tmp_path, capsys):
    net = _random_net(5)
    path = tmp_path / "n.json"
    net.save(path)
    mins, _ = _brute_force_extremes(net, [-1, -1], [1, 1])
    m = mins[0]
    prop = tmp_path / "p.vnnlib"
    prop.write_text("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
                    "(assert (>= X_0 -1))(assert (<= X_0 1))(assert (>= X_1 -1))(assert (<= X_1 1))"
                    f"(assert (<= Y_0 (/ {m.numerator} {m.denominator})))")
    assert main(["verify", str(path), str(prop), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "violated"
    x = [Fraction(v) for v in d["counterexample"]]
    assert net(x)[0] == m == Fraction(d["output"][0])
    assert main(["verify", str(path), str(prop)]) == 0
    assert "violated" in capsys.readouterr().out
    assert main(["verify", str(path), str(DATA / "prop_3.vnnlib")]) == 2
    assert "declares 5 inputs" in capsys.readouterr().err


def test_wrong_outputs_is_an_error():
    with pytest.raises(InvalidInputError, match="declares 2 outputs"):
        verify(_random_net(0), _prop(["0", "0"], ["1", "1"], 2, "(assert (<= Y_0 Y_1))"))


def test_no_output_constraint_means_every_input_is_unsafe_and_false_means_none():
    net = _random_net(1)
    r = verify(net, _prop(["0", "0"], ["1", "1"], 1, ""))
    _check_counterexample(net, _prop(["0", "0"], ["1", "1"], 1, ""), r)
    assert verify(net, _prop(["0", "0"], ["1", "1"], 1, "(assert (<= 1 0))")).status == "holds"


def test_the_exact_lp_decides_when_no_vertex_does():
    # f(x) = x on the square [-1, 1]^2 (one region, four vertices); the unsafe sets below contain
    # no vertex although each of their rows holds at some vertex, so only the exact LP can decide
    net = ReLUNetwork([([[1, 0], [0, 1]], [10, 10]), ([[1, 0], [0, 1]], [-10, -10])])
    box = (["-1", "-1"], ["1", "1"])
    band = "(assert (<= (+ Y_0 Y_1) 0.2))(assert (>= (+ Y_0 Y_1) -0.2))"
    p = _prop(*box, 2, band + "(assert (<= (- Y_0 Y_1) 0.1))(assert (>= (- Y_0 Y_1) -0.1))")
    r = verify(net, p)
    _check_counterexample(net, p, r)
    assert r.n_lps == 1 and r.n_regions == 1
    p = _prop(*box, 2, "(assert (>= (+ Y_0 Y_1) 1.9))(assert (>= (- Y_0 Y_1) 0.5))")
    r = verify(net, p)
    assert r.status == "holds" and r.n_lps == 1
    assert not _independent_region_check(net, p)
    # strict rows: the closure meets the line Y_0 - Y_1 = 1/10 only, so < and > cannot both hold
    p = _prop(*box, 2, band + "(assert (< (- Y_0 Y_1) 0.1))(assert (> (- Y_0 Y_1) 0.1))")
    assert verify(net, p).status == "holds"
    p = _prop(*box, 2, band + "(assert (<= (- Y_0 Y_1) 0.1))(assert (> (- Y_0 Y_1) 0.1))")
    assert verify(net, p).status == "holds"
    p = _prop(*box, 2, band + "(assert (< (- Y_0 Y_1) 0.1))(assert (> (- Y_0 Y_1) 0.0999))")
    r = verify(net, p)
    _check_counterexample(net, p, r)
    y = r.output
    assert Fraction("0.0999") < y[0] - y[1] < Fraction("0.1")


def test_parallel_checks_give_the_serial_answer():
    from concurrent.futures import ThreadPoolExecutor

    for seed in (10, 11, 12):
        net = _random_net(seed, widths=(4, 3), m=2)
        mins, maxs = _brute_force_extremes(net, [-1, -1], [1, 1])
        t = (maxs[0] + mins[0]) / 2
        p = _prop(["-1", "-1"], ["1", "1"], 2, f"(assert (>= Y_0 Y_1))(assert (>= Y_0 (/ {t.numerator} {t.denominator})))")
        a = verify(net, p)
        with ThreadPoolExecutor(2) as ex:
            b = verify(net, p, executor=ex)
        c = verify(net, p, workers=2)
        assert a.status == b.status == c.status
        assert a.counterexample == b.counterexample == c.counterexample
        if a.status == "holds":
            assert a.n_regions_examined == b.n_regions_examined == c.n_regions_examined == a.n_regions
