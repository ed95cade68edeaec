"""VNN-LIB properties: exact decimals, boxes with fixed inputs, unsafe sets, clear errors, --vnnlib."""
from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest

from polyrelu import InvalidInputError, Polytope, ReLUNetwork
from polyrelu.cli import main
from polyrelu.vnnlib import domain_from_vnnlib, parse_vnnlib

DATA = Path(__file__).resolve().parents[1] / "data" / "acasxu"
HEAD = "".join(f"(declare-const X_{i} Real)" for i in range(2)) + "(declare-const Y_0 Real)(declare-const Y_1 Real)"
BOX = "(assert (>= X_0 -1))(assert (<= X_0 1))(assert (<= X_1 2.5))(assert (>= X_1 0.1))"


def test_acas_property_3_constants_are_the_decimals_written():
    p = parse_vnnlib(DATA / "prop_3.vnnlib")
    assert (p.n_inputs, p.n_outputs) == (5, 5)
    assert p.lo == tuple(Fraction(s) for s in ("-0.303531156", "-0.009549297", "0.493380324", "0.3", "0.3"))
    assert p.hi == tuple(Fraction(s) for s in ("-0.298552812", "0.009549297", "0.5", "0.5", "0.5"))
    assert p.lo[3] == Fraction(3, 10) != Fraction(0.3)  # the decimal, not the float64 nearest to it
    # unsafe: Y_0 <= Y_j for j = 1..4, one conjunction
    assert len(p.unsafe) == 1
    rows = {(c.coeffs, c.rhs, c.strict) for c in p.unsafe[0]}
    want = set()
    for j in range(1, 5):
        co = [Fraction(0)] * 5
        co[0], co[j] = Fraction(1), Fraction(-1)
        want.add((tuple(co), Fraction(0), False))
    assert rows == want
    assert p.is_unsafe([0, 1, 1, 1, 1]) and not p.is_unsafe([1, 0, 2, 2, 2])


def test_acas_property_1_threshold_exact():
    p = parse_vnnlib(DATA / "prop_1.vnnlib")
    (c,), = p.unsafe
    assert c.coeffs == (-1, 0, 0, 0, 0) and c.rhs == -Fraction("3.991125645861615")


def test_fixed_input_gives_flat_box_and_exact_restriction():
    p = parse_vnnlib(DATA / "prop_4.vnnlib")
    assert p.fixed == {2: 0} and p.free == (0, 1, 3, 4)
    box = domain_from_vnnlib(DATA / "prop_4.vnnlib")
    assert box.dim == 4 and box.ambient_dim == 5
    net = ReLUNetwork.from_onnx(DATA / "ACASXU_run2a_1_1_batch_2000.onnx")
    small, fbox = p.restrict(net)
    assert small.input_dim == 4 and fbox.dim == 4
    assert fbox.as_box() == (tuple(p.lo[i] for i in p.free), tuple(p.hi[i] for i in p.free))
    rng = random.Random(0)
    for _ in range(5):
        y = [p.lo[i] + (p.hi[i] - p.lo[i]) * Fraction(rng.randrange(1000), 999) for i in p.free]
        x = p.lift(y)
        assert x[2] == 0 and p.in_box(x)
        assert small(y) == net(x)  # exact equality of the restricted and the original network


def test_or_and_and_give_a_disjunction_of_conjunctions():
    p = parse_vnnlib(HEAD + BOX + "(assert (or (and (<= Y_0 1) (>= Y_1 (* 2 Y_0))) (< Y_0 (- Y_1 0.5))))"
                     "(assert (<= (+ Y_0 Y_1) 10))")
    assert len(p.unsafe) == 2
    a, b = p.unsafe
    assert [(c.coeffs, c.rhs, c.strict) for c in a] == [
        ((1, 0), 1, False), ((2, -1), 0, False), ((1, 1), 10, False)]
    assert [(c.coeffs, c.rhs, c.strict) for c in b] == [((1, -1), Fraction(-1, 2), True), ((1, 1), 10, False)]
    assert p.is_unsafe([1, 2]) and p.is_unsafe([2, 3]) and not p.is_unsafe([3, 3]) and not p.is_unsafe([9, 9])
    assert p.is_unsafe([Fraction(5, 2), 3]) is False and p.is_unsafe([Fraction(249, 100), 3])


def test_bounds_in_either_order_and_tightest_kept():
    p = parse_vnnlib("(declare-const X_0 Real)(declare-const Y_0 Real)(assert (<= -2 X_0))(assert (>= 3 X_0))"
                     "(assert (<= X_0 2))(assert (>= (* 2 X_0) -1))(assert (<= Y_0 0))")
    assert p.lo == (Fraction(-1, 2),) and p.hi == (2,)


@pytest.mark.parametrize(
    "text, words",
    [
        (HEAD + "(assert (>= X_0 -1))(assert (<= X_0 1))(assert (>= X_1 0))", ["X_1", "no upper bound"]),
        (HEAD + "(assert (<= X_0 1))(assert (<= X_1 1))(assert (>= X_1 0))", ["X_0", "no lower bound"]),
        (HEAD + BOX + "(assert (<= X_0 Y_0))", ["mixes inputs"]),
        (HEAD + BOX + "(assert (<= Z 1))", ["'Z'", "not a declared"]),
        (HEAD + BOX + "(assert (<= (* Y_0 Y_1) 1))", ["not linear"]),
        (HEAD + BOX + "(assert (< X_0 0.5))", ["strict bound"]),
        (HEAD + BOX + "(assert (or (<= X_0 0) (>= X_0 0.5)))", ["disjunction of input"]),
        (HEAD + BOX + "(assert (<= Y_0 1)", ["never closed"]),
        (HEAD + "(assert (>= X_0 2))(assert (<= X_0 1))(assert (>= X_1 0))(assert (<= X_1 1))", ["empty box"]),
        ("(declare-const X_1 Real)(assert (<= X_1 1))", ["X_0 .. X_0"]),
    ],
)
def test_bad_properties_are_clear_errors(text, words):
    with pytest.raises(InvalidInputError) as e:
        parse_vnnlib(text, source="bad.vnnlib")
    msg = str(e.value)
    assert "bad.vnnlib" in msg
    for w in words:
        assert w in msg, msg


def test_missing_file_and_error_names_file_and_line(tmp_path):
    with pytest.raises(InvalidInputError, match="no such VNN-LIB file"):
        parse_vnnlib(tmp_path / "nope.vnnlib")
    f = tmp_path / "p.vnnlib"
    f.write_text(HEAD + "\n\n(assert (<= X_0 foo))\n")
    with pytest.raises(InvalidInputError, match=r"p\.vnnlib: line 3: 'foo'"):
        parse_vnnlib(f)


def _small_net():
    return ReLUNetwork([([[1, -1], [1, 1], [-1, 2]], [0, -1, "1/2"]), ([[1, -2, 1], [0, 1, 1]], [0, 1])])


def test_cli_regions_vnnlib_equals_box(tmp_path, capsys):
    net_path = tmp_path / "net.json"
    _small_net().save(net_path)
    prop = tmp_path / "p.vnnlib"
    prop.write_text(HEAD + BOX)
    assert main(["regions", str(net_path), "--vnnlib", str(prop), "--json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["regions", str(net_path), "--box", "-1,0.1", "1,2.5", "--json"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert a["n_regions"] == b["n_regions"] == len(_small_net().complex(domain=Polytope.box([-1, "0.1"], [1, "2.5"])))
    assert a["f_vector"] == b["f_vector"]


def test_cli_regions_vnnlib_with_fixed_input_restricts_and_says_so(tmp_path, capsys):
    net_path = tmp_path / "net.json"
    net = _small_net()
    net.save(net_path)
    prop = tmp_path / "p.vnnlib"
    prop.write_text(HEAD + "(assert (>= X_0 -1))(assert (<= X_0 1))(assert (<= X_1 0.5))(assert (>= X_1 0.5))")
    assert main(["regions", str(net_path), "--vnnlib", str(prop), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["fixed_inputs"] == {"X_1": "1/2"} and d["free_inputs"] == ["X_0"] and d["input_dim"] == 1
    # by hand: x1 = 1/2 substituted into the first layer, the 1-D complex on [-1, 1]
    hand = ReLUNetwork([([[1], [1], [-1]], [Fraction(-1, 2), Fraction(-1, 2), Fraction(3, 2)]), net.layers[1]])
    assert d["n_regions"] == len(hand.complex(domain=Polytope.box([-1], [1])))
    assert main(["regions", str(net_path), "--vnnlib", str(prop)]) == 0
    assert "X_1 = 1/2 fixed" in capsys.readouterr().out
    # a command that needs a full-dimensional domain says why it refuses
    assert main(["export", str(net_path), "--vnnlib", str(prop), "--to", "geojson", "-o", str(tmp_path / "o.geojson")]) == 2
    assert "fixes X_1 = 1/2" in capsys.readouterr().err


def test_cli_vnnlib_with_wrong_number_of_inputs(tmp_path, capsys):
    net_path = tmp_path / "net.json"
    _small_net().save(net_path)
    assert main(["regions", str(net_path), "--vnnlib", str(DATA / "prop_3.vnnlib")]) == 2
    assert "declares 5 inputs" in capsys.readouterr().err
