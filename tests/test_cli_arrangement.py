"""The ``arrangement`` and ``bounds`` commands, run in-process through argparse."""
from __future__ import annotations

import argparse
import json

import pytest

from polyrelu.cli import arrangement as cli_arrangement
from polyrelu.cli import bounds as cli_bounds
from polyrelu.network import ReLUNetwork


REQUIRED = ["dim", "n_hyperplanes", "rank", "is_central", "is_essential", "is_general_position", "witness",
            "characteristic_polynomial", "n_regions", "n_bounded_regions"]


def run(capsys, *argv):
    parser = argparse.ArgumentParser(prog="polyrelu")
    sub = parser.add_subparsers(dest="command")
    cli_arrangement.register(sub)
    cli_bounds.register(sub)
    args = parser.parse_args([str(a) for a in argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def write_arrangement(path, hyperplanes):
    path.write_text(json.dumps({"format": "polyrelu-arrangement", "version": 1,
                                "hyperplanes": [{"normal": a, "offset": c} for a, c in hyperplanes]}))
    return path


@pytest.fixture
def four_lines(tmp_path):
    # x=0, y=0, x+y=0 (concurrent) and x+2y=1: chi = t^2 - 4t + 5, 10 regions, 2 bounded
    return write_arrangement(tmp_path / "a.json", [([1, 0], 0), ([0, 1], 0), ([1, 1], 0), ([1, 2], -1)])


def test_arrangement_json(capsys, four_lines):
    code, out, err = run(capsys, "arrangement", four_lines, "--json")
    assert code == 0 and err == ""
    r = json.loads(out)
    for key in REQUIRED:
        assert key in r
    assert (r["dim"], r["n_hyperplanes"], r["rank"]) == (2, 4, 2)
    assert (r["is_central"], r["is_essential"], r["is_general_position"]) == (False, True, False)
    assert r["witness"] == [0, 1, 2]
    assert r["characteristic_polynomial"] == [1, -4, 5]
    assert (r["n_regions"], r["n_bounded_regions"]) == (10, 2)
    assert "enumerated_regions" not in r


def test_arrangement_text(capsys, four_lines):
    code, out, _ = run(capsys, "arrangement", four_lines)
    assert code == 0
    assert "4 hyperplanes in R^2 (rank 2, not central, essential)" in out
    assert "general position: no, witness (0, 1, 2)" in out
    assert "characteristic polynomial: t^2 - 4*t + 5" in out
    assert "regions (Zaslavsky): 10" in out
    assert "bounded regions (Zaslavsky): 2" in out


def test_arrangement_general_position_and_nonessential(capsys, tmp_path):
    p = write_arrangement(tmp_path / "gp.json", [([1, 0], "-1"), ([0, 1], -1), ([1, 1], -3), ([1, -1], "-1/2")])
    r = json.loads(run(capsys, "arrangement", p, "--json")[1])
    assert r["is_general_position"] is True and r["witness"] is None
    assert (r["characteristic_polynomial"], r["n_regions"], r["n_bounded_regions"]) == ([1, -4, 6], 11, 3)
    # braid arrangement in R^3 (rank 2): relatively bounded regions are reported, and said to be so
    q = write_arrangement(tmp_path / "braid.json", [([1, -1, 0], 0), ([1, 0, -1], 0), ([0, 1, -1], 0)])
    code, out, _ = run(capsys, "arrangement", q)
    assert code == 0 and "not essential" in out and "literally bounded: 0" in out
    r = json.loads(run(capsys, "arrangement", q, "--json")[1])
    assert (r["rank"], r["is_essential"], r["is_central"], r["n_regions"]) == (2, False, True, 6)
    assert r["characteristic_polynomial"] == [1, -3, 2, 0]


def test_arrangement_from_network_layer(capsys, tmp_path):
    net = ReLUNetwork([
        ([[1, 0], [0, 1], [1, 1], [0, 0]], [0, 0, -1, 2]),
        ([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0]], [0, 0, 0]),
        ([[1, 1, 1]], [0]),
    ])
    p = tmp_path / "net.json"
    net.save(p)
    code, out, _ = run(capsys, "arrangement", p, "--layer", 1, "--json")
    r = json.loads(out)
    assert code == 0 and r["layer"] == 1
    assert (r["n_hyperplanes"], r["n_regions"], r["n_bounded_regions"], r["skipped"]) == (3, 7, 1, [3])
    # layer 2 lives in R^4 (the activations of layer 1): three hyperplanes through 0, rank 2
    r2 = json.loads(run(capsys, "arrangement", p, "--layer", 2, "--json")[1])
    assert (r2["dim"], r2["rank"], r2["n_regions"], r2["is_general_position"]) == (4, 2, 6, False)
    # without --layer a network file means layer 1
    assert json.loads(run(capsys, "arrangement", p, "--json")[1])["n_regions"] == 7
    # .npz networks too
    q = tmp_path / "net.npz"
    net.save(q)
    assert json.loads(run(capsys, "arrangement", q, "--json")[1])["characteristic_polynomial"] == [1, -3, 3]


@pytest.mark.parametrize(
    "content, extra, msg",
    [
        ("{oops", [], "not valid JSON"),
        (json.dumps({"format": "something-else"}), [], "unknown file format 'something-else'"),
        (json.dumps({"format": "polyrelu-arrangement", "version": 1,
                     "hyperplanes": [{"normal": [0, 0], "offset": 1}]}), [], "zero normal"),
        (json.dumps({"format": "polyrelu-arrangement", "version": 1,
                     "hyperplanes": [{"normal": [1, 0]}]}), ["--layer", "1"], "--layer applies to network files"),
        (json.dumps(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]).to_json_dict()), ["--layer", "2"],
         "hidden layer 1..1"),
    ],
)
def test_arrangement_errors(capsys, tmp_path, content, extra, msg):
    p = tmp_path / "bad.json"
    p.write_text(content)
    code, out, err = run(capsys, "arrangement", p, *extra)
    assert code == 2 and out == ""
    assert err.startswith("polyrelu arrangement: error:") and msg in err


def test_arrangement_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "arrangement", tmp_path / "nope.json")
    assert code == 2 and "no such file" in err


def test_arrangement_enumerate(capsys, four_lines):
    r = json.loads(run(capsys, "arrangement", four_lines, "--json", "--enumerate")[1])
    assert (r["enumerated_regions"], r["enumerated_bounded_regions"]) == (10, 2)
    assert r["zaslavsky_agrees"] is True
    code, out, _ = run(capsys, "arrangement", four_lines, "--enumerate")
    assert "enumerated: 10 regions, 2 bounded (agrees with Zaslavsky)" in out


def test_bounds_json(capsys):
    code, out, err = run(capsys, "bounds", "--n0", 2, "--widths", 4, 4, "--json")
    assert code == 0 and err == ""
    r = json.loads(out)
    assert r["n0"] == 2 and r["widths"] == [4, 4]
    # row (2; 4,4) of table T3
    assert (r["pascanu_thm1_lower"], r["montufar14_lower"], r["serra_thm6_lower"], r["pascanu_thm2_lower"],
            r["serra_upper"], r["montufar17_upper"], r["product_upper"], r["trivial_upper"],
            r["shallow_max"]) == (22, 44, None, 44, 121, 121, 121, 256, 37)


def test_bounds_text(capsys):
    code, out, _ = run(capsys, "bounds", "--n0", 4, "--widths", 2, 3)
    assert code == 0
    lines = {ln.split()[0]: ln.split()[1:] for ln in out.splitlines() if ln.startswith("  ")}
    assert lines["serra_upper"] == ["upper", "16"] and lines["montufar17_upper"] == ["upper", "28"]
    assert lines["pascanu_thm1_lower"] == ["lower", "-"]
    assert "best upper bound: 16 (serra_upper)" in out


def test_bounds_bad_input(capsys):
    code, out, err = run(capsys, "bounds", "--n0", 0, "--widths", 3)
    assert code == 2 and out == "" and "n0 (the input dimension) must be at least 1" in err
