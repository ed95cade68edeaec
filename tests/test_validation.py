"""Issue 14 (items 3, 4a, 4b, 5, 6): every bad input refused with the package's error, limits that hold.

Each test names the item it checks; each checks a value or a message, not only that something runs.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from oracles import require_module  # noqa: E402
from polyrelu import InvalidInputError, ReLUNetwork
from polyrelu.cli import main
from polyrelu.network import domain_from_json, load_network

NET = {"format": "polyrelu-network", "version": 1,
       "layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0]}, {"weights": [[1, 1]], "bias": [0]}]}


def big_int(digits: str) -> int:
    # int() refuses more than 4300 digits (sys.get_int_max_str_digits); decimal does not
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec = len(digits) + 1
        return int(decimal.Decimal(digits))


def write(path: Path, doc) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def net_with(tmp_path, where, value, name="net.json") -> Path:
    d = json.loads(json.dumps(NET))
    layer, key, *idx = where
    target = d["layers"][layer][key]
    for i in idx[:-1]:
        target = target[i]
    target[idx[-1]] = value
    return write(tmp_path / name, d)


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small(tmp_path) -> Path:
    return write(tmp_path / "small.json", NET)


@pytest.fixture(autouse=True)
def default_limits(monkeypatch):
    monkeypatch.delenv("POLYRELU_MAX_DIGITS", raising=False)
    monkeypatch.delenv("POLYRELU_MAX_EXPONENT", raising=False)
    import importlib.util

    validate = importlib.util.find_spec("polyrelu.validate")
    if validate is not None:  # (checked so that this file also runs, and fails, on the code before issue 14)
        from polyrelu.validate import reset_input_limits

        reset_input_limits()
    int_digits = sys.get_int_max_str_digits()
    yield
    if validate is not None:
        reset_input_limits()
    sys.set_int_max_str_digits(int_digits)  # raising polyrelu's limit lifts Python's: put it back


# -- item 3: the size of number text is bounded before it is parsed ---------------------------

def test_item3_huge_exponent_in_a_network_is_refused_at_once(tmp_path):
    p = net_with(tmp_path, (0, "weights", 0, 0), "1e1000000000")
    t = time.perf_counter()
    with pytest.raises(InvalidInputError, match=r"layers\[0\]\.weights\[0\]\[0\]: the exponent of '1e1000000000' "
                                                r"is larger than the limit 4000"):
        load_network(p)
    assert time.perf_counter() - t < 1.0


def test_item3_ten_million_exponent_takes_no_time(tmp_path):
    p = net_with(tmp_path, (0, "bias", 1), "1e10000000")
    t = time.perf_counter()
    with pytest.raises(InvalidInputError, match=r"bias\[1\]: the exponent"):
        load_network(p)
    assert time.perf_counter() - t < 1.0


def test_item3_box_with_huge_exponent_on_the_command_line(capsys, small):
    t = time.perf_counter()
    code, out, err = cli(capsys, "regions", small, "--box", "-1", "1e1000000000")
    assert time.perf_counter() - t < 5.0
    assert code == 2 and out == ""
    assert err == ("polyrelu regions: error: --box HI: the exponent of '1e1000000000' is larger than the limit "
                   "4000 (set_input_limits or POLYRELU_MAX_EXPONENT raise it)\n")


def test_item3_digit_limit_and_raising_it(tmp_path, monkeypatch):
    big = "7" * 4_001
    p = net_with(tmp_path, (1, "bias", 0), big)
    with pytest.raises(InvalidInputError, match=r"layers\[1\]\.bias\[0\]: '7777.*' has 4001 digits, more than the limit 4000"):
        load_network(p)
    from polyrelu.validate import reset_input_limits, set_input_limits

    monkeypatch.setenv("POLYRELU_MAX_DIGITS", "20000")
    reset_input_limits()  # the environment is read at first use and after a reset
    assert load_network(p).layers[1][1][0] == big_int(big)
    monkeypatch.delenv("POLYRELU_MAX_DIGITS")
    reset_input_limits()
    with pytest.raises(InvalidInputError, match="has 4001 digits"):
        load_network(p)

    set_input_limits(max_digits=4_001)
    assert load_network(p).layers[1][1][0] == big_int(big)


def test_item3_exponent_limit_can_be_raised():
    from polyrelu.validate import loads_json, set_input_limits

    with pytest.raises(InvalidInputError, match="exponent"):
        loads_json('["1e20000"]') and ReLUNetwork([([["1e20000"]], [0])])
    # the exact value is bounded too: 10^4000 has 4001 digits, 10^3999 and 10^-3999 are in
    with pytest.raises(InvalidInputError, match="'1e4000' has an exact value of 4001 digits"):
        ReLUNetwork([([["1e4000"]], [0])])
    assert ReLUNetwork([([["1e3999"]], [0])]).layers[0][0][0][0] == 10**3999
    assert ReLUNetwork([([["1e-3999"]], [0])]).layers[0][0][0][0] == Fraction(1, 10**3999)
    with pytest.raises(InvalidInputError, match="'0.5e-3999' has an exact value of 4001 digits"):
        ReLUNetwork([([["0.5e-3999"]], [0])])
    set_input_limits(max_exponent=20_000, max_digits=20_001)
    assert ReLUNetwork([([["1e20000"]], [0])]).layers[0][0][0][0] == 10**20000
    with pytest.raises(InvalidInputError, match="positive integer"):
        set_input_limits(max_digits=0)


def test_item3_json_number_limits_also_for_json_numbers(tmp_path):
    # a JSON *number* (not a string) with an exponent beyond the limit: refused with its path
    p = write(tmp_path / "n.json", json.dumps(NET).replace('"bias": [0]', '"bias": [1e99999999999]'))
    with pytest.raises(InvalidInputError, match=r"layers\[1\]\.bias\[0\]: the exponent"):
        load_network(p)


def test_item3_memory_error_becomes_the_packages_error(capsys, small, monkeypatch):
    import polyrelu

    def exhausted(self, *a, **k):
        raise MemoryError

    monkeypatch.setattr(polyrelu.ReLUNetwork, "complex", exhausted)
    code, out, err = cli(capsys, "regions", small, "--box", "-1", "1")
    assert code == 2 and out == ""
    assert err.startswith("polyrelu regions: error: out of memory: the exact numbers are too large")
    assert err.count("\n") == 1


# -- item 4: malformed input is refused, not misread --------------------------------------------

def test_item4a_domain_strings_are_not_sequences(tmp_path, capsys, small):
    bad = {"inequalities": {"A": ["12", "34"], "b": "56"}}
    with pytest.raises(InvalidInputError, match=r"dom\.json: inequalities\.A\[0\]: expected a list of numbers, "
                                                r"got a string '12'"):
        domain_from_json(bad, 2, source="dom.json")
    with pytest.raises(InvalidInputError, match=r"inequalities\.b: expected a list of numbers, got a string '56'"):
        domain_from_json({"inequalities": {"A": [[1, 2], [3, 4]], "b": "56"}}, 2, source="dom.json")
    d = dict(NET, domain=bad)
    with pytest.raises(InvalidInputError, match=r"net\.json: domain\.inequalities\.A\[0\]: expected a list"):
        load_network(write(tmp_path / "net.json", d))
    code, _, err = cli(capsys, "regions", small, "--domain", write(tmp_path / "d.json", bad))
    assert code == 2 and "d.json: inequalities.A[0]: expected a list of numbers, got a string '12'" in err


def test_item4b_npz_with_a_gap_or_a_stray_bias_is_refused(tmp_path):
    gap = tmp_path / "gap.npz"
    np.savez(gap, W0=np.eye(2), b0=np.zeros(2), W2=np.ones((1, 2)), b2=np.zeros(1))
    with pytest.raises(InvalidInputError, match=r"gap\.npz: holds W0, W2, b0, b2 but W1, b1 are missing"):
        load_network(gap)
    stray = tmp_path / "stray.npz"
    np.savez(stray, W0=np.eye(2), b0=np.zeros(2), W1=np.ones((1, 2)), b1=np.zeros(1), b2=np.zeros(1))
    with pytest.raises(InvalidInputError, match=r"stray\.npz: holds W0, W1, b0, b1, b2 but W2 is missing"):
        load_network(stray)
    other = tmp_path / "other.npz"
    np.savez(other, W0=np.eye(2), b0=np.zeros(2), scale=np.ones(1))
    with pytest.raises(InvalidInputError, match="unexpected array 'scale'"):
        load_network(other)


# -- item 5: the package's errors, never raw tracebacks ---------------------------------------------

def test_item5_directory_as_input(capsys, tmp_path):
    with pytest.raises(InvalidInputError, match="is a directory, expected a network file"):
        load_network(tmp_path)
    code, out, err = cli(capsys, "regions", tmp_path, "--box", "-1", "1")
    assert (code, out) == (2, "") and err == f"polyrelu regions: error: {tmp_path}: is a directory, expected a network file\n"
    code, _, err = cli(capsys, "arrangement", tmp_path)
    assert code == 2 and "is a directory" in err


def test_item5_outputs_that_cannot_be_written(capsys, tmp_path, small):
    code, _, err = cli(capsys, "export", small, "--box", "-1", "1", "--to", "polymake", "-o", tmp_path)
    assert code == 2 and err == f"polyrelu export: error: {tmp_path}: is a directory; give a file name for the output\n"
    missing = tmp_path / "no" / "x.json"
    code, _, err = cli(capsys, "export", small, "--box", "-1", "1", "--to", "json", "-o", missing)
    assert code == 2 and f"cannot write {missing}: folder {missing.parent} does not exist" in err
    f = write(tmp_path / "file.txt", "keep me")
    code, _, err = cli(capsys, "export", small, "--box", "-1", "1", "--to", "cdd", "-o", f)
    assert code == 2 and "exists and is not a folder" in err and f.read_text() == "keep me"
    code, _, err = cli(capsys, "plot", small, "--box", "-1", "1", "-o", tmp_path)
    assert code == 2 and "is a directory; give a file name" in err


def test_item5_npz_object_corrupt_and_longdouble(tmp_path):
    obj = tmp_path / "obj.npz"
    np.savez(obj, W0=np.array([[1, None]], dtype=object), b0=np.zeros(1), W1=np.ones((1, 1)), b1=np.zeros(1))
    with pytest.raises(InvalidInputError, match=r"obj\.npz: array W0 cannot be read \(ValueError: Object arrays"):
        load_network(obj)
    good = tmp_path / "good.npz"
    np.savez(good, W0=np.eye(2), b0=np.zeros(2), W1=np.ones((1, 2)), b1=np.zeros(1))
    data = bytearray(good.read_bytes())
    i = data.find(b"b0.npy")
    data[i + 120:i + 180] = bytes(b ^ 0xFF for b in data[i + 120:i + 180])
    bad = tmp_path / "corrupt.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(InvalidInputError, match=r"corrupt\.npz: "):
        load_network(bad)
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(InvalidInputError, match=r"junk\.npz: not a readable \.npz file"):
        load_network(tmp_path / "junk.npz")
    # np.longdouble converts exactly (it was infinite recursion): 1/3 as an extended double
    ld = np.longdouble(1) / np.longdouble(3)
    ldp = tmp_path / "ld.npz"
    np.savez(ldp, W0=np.array([[ld, 1]], dtype=np.longdouble), b0=np.zeros(1, dtype=np.longdouble),
             W1=np.ones((1, 1)), b1=np.zeros(1))
    w = load_network(ldp).layers[0][0][0][0]
    assert w == Fraction(*ld.as_integer_ratio()) and np.longdouble(w.numerator) / np.longdouble(w.denominator) == ld


def test_item5_domain_A_not_a_list(capsys, tmp_path, small):
    dom = write(tmp_path / "dom.json", {"inequalities": {"A": 5, "b": [1]}})
    code, _, err = cli(capsys, "regions", small, "--domain", dom)
    assert code == 2 and err == (f"polyrelu regions: error: {dom}: inequalities.A: expected a list of rows "
                                 "(lists of numbers), got the integer 5\n")


def test_item5_long_json_integer_and_deep_nesting(tmp_path):
    big = "1" * 5000
    p = write(tmp_path / "big.json", json.dumps(NET).replace('"bias": [0]', f'"bias": [{big}]'))
    with pytest.raises(InvalidInputError, match=r"big\.json: layers\[1\]\.bias\[0\]: '1111.*' has 5000 digits, "
                                                r"more than the limit 4000"):
        load_network(p)
    from polyrelu.validate import set_input_limits

    set_input_limits(max_digits=5000)
    assert load_network(p).layers[1][1][0] == big_int(big)
    deep = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(InvalidInputError, match=r"deep\.json: JSON nested too deeply to read"):
        load_network(deep)


def test_item5_xdmf_without_h5py(capsys, tmp_path, small, monkeypatch):
    require_module("meshio")
    # h5py may well be installed: the test makes it missing, so it runs everywhere
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "h5py" else real(name, *a))
    out = tmp_path / "x.xdmf"
    code, _, err = cli(capsys, "export", small, "--box", "-1", "1", "--to", "vtk", "-o", out)
    assert code == 2 and "XDMF output needs the h5py package" in err and not out.exists()


def test_item5_plot_dpi_bounds(capsys, small, tmp_path):
    for dpi in ("0", "100000", "nan"):
        with pytest.raises(SystemExit) as e:
            main(["plot", str(small), "--box", "-1", "1", "-o", str(tmp_path / "p.png"), "--dpi", dpi])
        assert e.value.code == 2
        assert f"argument --dpi: expected a number from 1 to 2400, got '{dpi}'" in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()


def test_item5_bounds_with_huge_results(capsys):
    code, out, err = cli(capsys, "bounds", "--n0", "2", "--widths", "1000000", "1000000")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("polyrelu bounds: error: a number has too many digits to print")


def test_item5_closed_pipe():
    r, w = os.pipe()
    os.close(r)
    try:
        p = subprocess.run([sys.executable, "-m", "polyrelu", "bounds", "--n0", "2", "--widths", "4", "4", "--json"],
                           stdout=w, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(w)
    assert p.returncode == 141
    assert p.stderr.decode() == "polyrelu bounds: output closed before everything was written (broken pipe)\n"


def test_item5_interrupt_and_internal_errors(capsys, small, monkeypatch):
    from polyrelu.cli import regions

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(regions, "run", interrupted)
    code, _, err = cli(capsys, "regions", small)
    assert (code, err) == (130, "polyrelu regions: interrupted\n")

    def bug(args):
        raise TypeError("'<' not supported between instances of 'str' and 'int'")

    monkeypatch.setattr(regions, "run", bug)
    code, _, err = cli(capsys, "regions", small)
    assert code == 1 and err == ("polyrelu regions: internal error: TypeError: '<' not supported between instances "
                                 "of 'str' and 'int' (run with --debug for the traceback)\n")
    code, _, err = cli(capsys, "regions", small, "--debug")
    assert code == 1 and "Traceback (most recent call last)" in err and "in bug" in err


def test_item5_no_partial_file_when_writing_fails(capsys, small, tmp_path, monkeypatch):
    import polyrelu.export as ex

    def half(cx, fmt, path, region=None):
        Path(path).write_text("{half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ex, "export", half)
    out = write(tmp_path / "cx.json", "old content")
    code, _, err = cli(capsys, "export", small, "--box", "-1", "1", "--to", "json", "-o", out)
    assert code == 1 and "RuntimeError: disk on fire" in err
    assert out.read_text() == "old content" and sorted(p.name for p in tmp_path.iterdir()) == ["cx.json", "small.json"]


# -- item 6: smaller ones ------------------------------------------------------------------------------

def test_item6_max_regions_must_be_a_positive_whole_number(capsys, small):
    for bad in ("-3", "0", "2.5"):
        with pytest.raises(SystemExit):
            main(["regions", str(small), "--box", "-1", "1", "--max-regions", bad])
        assert "argument --max-regions:" in capsys.readouterr().err


def test_item6_version_true_is_not_version_1(tmp_path):
    with pytest.raises(InvalidInputError, match=r"unsupported version true \(expected the integer 1\)"):
        load_network(write(tmp_path / "v.json", dict(NET, version=True)))
    with pytest.raises(InvalidInputError, match=r"unsupported version the number 1.0"):
        load_network(write(tmp_path / "v.json", dict(NET, version=1.0)))


def test_item6_box_and_inequalities_together(tmp_path, capsys, small):
    both = {"box": [[-1, -1], [1, 1]], "inequalities": {"A": [[1, 0]], "b": [0]}}
    code, _, err = cli(capsys, "regions", small, "--domain", write(tmp_path / "both.json", both))
    assert code == 2 and "both.json: has both 'box' and 'inequalities'; give one of them" in err


def test_item6_box_in_scientific_notation(capsys, small):
    code, out, _ = cli(capsys, "regions", small, "--box", "-1e-1", "1e-1", "--json")
    assert code == 0 and json.loads(out)["domain"].startswith("Polytope(dim=2")
    assert json.loads(out)["n_regions"] == 4
    code, out, _ = cli(capsys, "regions", small, "--box", "-1e-1,-2E-1", "1e-1,2e-1", "--json")
    assert code == 0 and json.loads(out)["n_regions"] == 4
    # every command, not only those that asked for it (compare and lipschitz did not)
    code, out, _ = cli(capsys, "lipschitz", small, "--box", "-1e-1", "1e-1", "--json")
    assert code == 0 and json.loads(out)["lipschitz"] == "2"
    code, out, err = cli(capsys, "compare", small, small, "--box", "-1e-1", "-1/20", "--json")
    assert code == 0 and json.loads(out)["same_realization"] is True, err


def test_item6_domain_errors_name_their_file(tmp_path, capsys, small):
    dom = write(tmp_path / "dom.json", {"box": [[-1, "x"], [1, 1]]})
    code, _, err = cli(capsys, "regions", small, "--domain", dom)
    assert code == 2 and f"{dom}: box[0][1]: not a rational number: 'x'" in err


def test_item6_output_suffix_must_match_the_format(capsys, small, tmp_path):
    code, _, err = cli(capsys, "export", small, "--box", "-1", "1", "--to", "geojson", "-o", tmp_path / "x.png")
    assert code == 2 and "a geojson file should end in .geojson or .json, not .png" in err
    assert not (tmp_path / "x.png").exists()


def test_item6_long_strings_are_never_echoed_in_full(tmp_path, capsys):
    p = net_with(tmp_path, (0, "weights", 0, 0), "9" * 5000 + "x")
    code, _, err = cli(capsys, "regions", p, "--box", "-1", "1")
    assert code == 2 and "(5001 characters)" in err and len(err) < 400


# -- the layer itself --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("3", 3), ("-2/4", Fraction(-1, 2)), ("+0.25", Fraction(1, 4)), (".5", Fraction(1, 2)),
    ("5.", 5), ("1e3", 1000), ("1.5E-2", Fraction(3, 200)), (" 7 ", 7), ("-0", 0),
])
def test_number_text_values(text, value):
    from polyrelu.validate import parse_number_text

    assert parse_number_text(text) == value == Fraction(text.strip())


@pytest.mark.parametrize("text", ["", "1/", "/2", "1/2/3", "1e", "e3", "1.2.3", "0x10", "1_000", "nan", "inf", "1/0", "--1"])
def test_number_text_refusals(text):
    from polyrelu.validate import parse_number_text

    with pytest.raises(InvalidInputError):
        parse_number_text(text, "x")


def test_booleans_and_nulls_are_not_numbers(tmp_path):
    with pytest.raises(InvalidInputError, match=r"layers\[0\]\.bias\[1\]: expected a number or a 'p/q' string, got true"):
        load_network(net_with(tmp_path, (0, "bias", 1), True))
    with pytest.raises(InvalidInputError, match=r"layers\[0\]\.weights\[1\]\[0\]: expected a number .* got null"):
        load_network(net_with(tmp_path, (0, "weights", 1, 0), None))
    with pytest.raises(InvalidInputError, match=r"layers\[0\]\.weights\[1\]: expected a list of numbers, got a string"):
        load_network(net_with(tmp_path, (0, "weights", 1), "01"))


def test_points_files_go_through_the_validation_layer(tmp_path):
    # a points file (--plane, --points) is read like every other file: a JSON integer over
    # Python's 4,300 digits was a raw ValueError, deep nesting a RecursionError
    from polyrelu.cli._common import plane_points

    p = write(tmp_path / "pts.json", '{"points": [[0, 0, ' + "1" * 5000 + '], [1, 0, 0], [0, 1, 0]]}')
    with pytest.raises(InvalidInputError, match=r"pts\.json: points\[0\]\[2\]: '1111.*' has 5000 digits"):
        plane_points([str(p)], 3)
    deep = write(tmp_path / "deep.json", "[" * 50_000 + "]" * 50_000)
    with pytest.raises(InvalidInputError, match=r"deep\.json: JSON nested too deeply"):
        plane_points([str(deep)], 3)
    ok = write(tmp_path / "ok.json", '[[0, 0, "1/2"], [1, 0, 0.5], [0, 1, 0]]')
    assert plane_points([str(ok)], 3)[1] == (1, 0, Fraction(1, 2))


def test_vnnlib_numbers_are_bounded_too(tmp_path):
    # a VNN-LIB constant "1e1000000000" hung in Fraction(); now the same limit as every loader
    from polyrelu.vnnlib import parse_vnnlib

    p = write(tmp_path / "p.vnnlib", "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n"
                                     "(assert (>= X_0 -1))\n(assert (<= X_0 1e1000000000))\n(assert (<= Y_0 0))\n")
    t = time.perf_counter()
    with pytest.raises(InvalidInputError, match=r"p\.vnnlib: line 4: the exponent of '1e1000000000' is larger"):
        parse_vnnlib(p)
    assert time.perf_counter() - t < 1.0
    ok = write(tmp_path / "ok.vnnlib", "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n"
                                       "(assert (>= X_0 -0.1))\n(assert (<= X_0 1e-1))\n(assert (<= Y_0 0))\n")
    assert parse_vnnlib(ok).box.as_box() == ((Fraction(-1, 10),), (Fraction(1, 10),))


def test_ctrl_c_while_the_command_line_starts_is_a_clean_interrupt():
    """Issue 14, item 5: Ctrl-C during the imports printed a traceback from inside an import."""
    import signal
    import subprocess
    import sys
    import time

    exe = Path(sys.executable).with_name("polyrelu")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "polyrelu"]
    seen = 0
    for delay in (0.15, 0.3, 0.45, 0.6, 0.8, 1.0):
        p = subprocess.Popen(cmd + ["bounds", "--n0", "2", "--widths", "4", "4"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL) and None)
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        if p.returncode == 0 or p.returncode == -signal.SIGINT:
            continue  # finished before the signal came, or the interpreter itself was not up yet
        seen += 1
        assert p.returncode == 130, err
        assert "Traceback" not in err and err.strip().endswith("interrupted"), err
    assert seen, "every run finished before the signal: nothing was tested"
