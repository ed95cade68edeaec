"""Fuzzing the loaders (issue 14): mutated network, domain and arrangement files, and ``.npz`` archives.

Every outcome must be a correct result or the package's own error -- never another exception and
never a hang (each case runs under an alarm).  "Correct" is checked, not assumed: a network that
loads saves and reloads to itself and gives the exact outputs of its own layers; a domain reloads
to the same polytope; an arrangement reloads to the same hyperplanes and Zaslavsky's count agrees
with the enumeration on small cases.

The runs are derandomised (the same cases every time, so CI never fails by chance); set
``POLYRELU_FUZZ_EXAMPLES=2000 POLYRELU_FUZZ_RANDOM=1`` for a longer, fresh search.  Inputs that
once broke a loader are kept in ``tests/fuzz_corpus/`` and run every time.
"""
from __future__ import annotations

import copy
import io
import json
import os
import signal
import warnings
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu import HyperplaneArrangement, InvalidInputError, ReLUNetwork
from polyrelu.cli import main
from polyrelu.network import domain_from_json, domain_to_json, load_network

CORPUS = Path(__file__).parent / "fuzz_corpus"
EXAMPLES = int(os.environ.get("POLYRELU_FUZZ_EXAMPLES", "120"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the alarm below bounds each case; hypothesis' deadline would only report
    derandomize=os.environ.get("POLYRELU_FUZZ_RANDOM", "") in ("", "0"),
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
CASE_SECONDS = 10

NETWORK = {"format": "polyrelu-network", "version": 1,
           "layers": [{"weights": [[1, "-1/2"], [0, 1], ["3/4", 1]], "bias": [0, "1/3", -1]},
                      {"weights": [[1, -1, 2]], "bias": [0.5]}],
           "domain": {"box": [[-1, -1], [1, 1]]}}
DOMAIN = {"inequalities": {"A": [[1, 0], [0, 1], [-1, -1]], "b": [1, 1, "1/2"]}}
ARRANGEMENT = {"format": "polyrelu-arrangement", "version": 1, "dim": 2,
               "hyperplanes": [{"normal": [1, 0], "offset": 0}, {"normal": [0, 1], "offset": "-1/2"},
                               {"normal": [1, 1], "offset": -1}]}

# values that broke, or could break, a loader: look-alike numbers, huge text, wrong JSON types
NASTY = [
    "12", "1e1000000000", "-1e-1000000000", "1e10001", "1e9999", "1/0", "0/5", "-0", "", " ", "x", "1/2/3",
    "1" * 5000, "9" * 10_001, "１", "NaN", "Infinity", "0x10", "1_0", True, False, None, [], {}, [[]], [1, 2],
    [[1, 2], [3, 4]], {"a": 1}, {"box": [[0], [1]]}, 0, -1, 10**30, 2**53 + 1, 1e308, 5e-324, -0.0,
    float("nan"), float("inf"), 0.1, "1e4000",
]
# JSON integers over 4,300 digits cannot be written by json.dumps; this text stands for one
HUGE_INT_TEXT = "7" * 6000


def _nodes(doc, path=()):
    yield path
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _nodes(v, path + (i,))


def _get(doc, path):
    for k in path:
        doc = doc[k]
    return doc


@st.composite
def mutated_text(draw, seed: dict) -> str:
    """JSON text: ``seed`` with one to three structural mutations, then perhaps one on the text itself."""
    doc = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_nodes(doc))
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "replace", "delete", "duplicate", "wrap", "add_key", "huge"]))
        if not path:
            if op in ("replace", "wrap"):
                doc = copy.deepcopy(draw(st.sampled_from(NASTY))) if op == "replace" else [doc]
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        if op == "replace":
            value = draw(st.one_of(st.sampled_from(NASTY), st.integers(), st.floats(), st.text(max_size=6)))
            parent[key] = copy.deepcopy(value)  # later mutations must not change NASTY itself
        elif op == "huge":
            parent[key] = "__HUGE__"
        elif op == "delete":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == "wrap":
            parent[key] = [parent[key]]
        elif op == "add_key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["box", "inequalities", "domain", "extra", "dim", "version"]))] = copy.deepcopy(parent[key])
    text = json.dumps(doc).replace('"__HUGE__"', HUGE_INT_TEXT)
    cut = draw(st.sampled_from(["none", "none", "none", "truncate", "flip", "insert"]))
    if cut != "none" and text:
        i = draw(st.integers(0, len(text) - 1))
        if cut == "truncate":
            text = text[:i]
        elif cut == "flip":
            text = text[:i] + draw(st.sampled_from(list('[]{}",:0-e/.x '))) + text[i + 1:]
        else:
            text = text[:i] + draw(st.sampled_from(["[" * 5000, "1e999999999", '"', ",", "-", "7" * 5000])) + text[i:]
    return text


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int = CASE_SECONDS):
    """Fail a case that runs longer than ``seconds`` (a hang is a failure, not a slow pass)."""
    def alarm(signum, frame):
        raise Hang(f"case ran longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _small(q: Fraction) -> bool:
    return abs(q.numerator) < 2**64 and q.denominator < 2**64


def check_network_file(path: Path) -> None:
    """Load ``path``; a network that loads must be right, anything else must be InvalidInputError."""
    with time_limit():
        try:
            net = load_network(path)
        except InvalidInputError:
            return
        # a loaded network is the one the file describes: it saves and reloads to itself ...
        back = ReLUNetwork.from_json_dict(json.loads(json.dumps(net.to_json_dict())))
        assert back == net and (back.domain is None) == (net.domain is None)
        # ... and computes its own layers exactly (checked at a point against the layer arithmetic)
        x = [Fraction(1, 3)] * net.input_dim
        v = x
        for k, (W, b) in enumerate(net.layers):
            v = [sum((w * xi for w, xi in zip(row, v)), bi) for row, bi in zip(W, b)]
            if k < len(net.layers) - 1:
                v = [max(z, Fraction(0)) for z in v]
        assert list(net(x)) == v
        # small exact networks on a bounded domain: the regions tile it (volumes sum to its volume)
        entries = [q for W, b in net.layers for row in W for q in row] + [q for _, b in net.layers for q in b]
        dom = net.domain
        if (dom is not None and dom.is_bounded and dom.dim == net.input_dim <= 2 and net.size <= 6
                and all(_small(q) for q in entries)):
            cx = net.complex(domain=dom)
            assert sum(r.volume for r in cx.regions) == dom.volume


def check_domain_text(text: str, tmp_path: Path) -> None:
    p = tmp_path / "dom.json"
    p.write_text(text)
    from polyrelu.validate import read_json

    with time_limit():
        try:
            P = domain_from_json(read_json(p, "domain file"), 2, source=str(p))
        except InvalidInputError:
            return
        again = domain_from_json(json.loads(json.dumps(domain_to_json(P))), 2)
        assert again.inequalities == P.inequalities or (again.vertices == P.vertices and again.rays == P.rays)


def check_arrangement_text(text: str, tmp_path: Path, capsys) -> None:
    p = tmp_path / "arr.json"
    p.write_text(text)
    with time_limit():
        try:
            A = HyperplaneArrangement.from_file(p)
        except InvalidInputError:
            A = None
        if A is not None:
            assert HyperplaneArrangement.from_json_dict(json.loads(json.dumps(A.to_json_dict()))) == A
            if A.dim <= 3 and len(A.hyperplanes) <= 6:
                r = A.report(enumerate=True)
                assert r["zaslavsky_agrees"], r
        # the command line: the same file gives a result (0) or a one-line refusal (2), never a bug (1)
        code = main(["arrangement", str(p), "--json"])
        out, err = capsys.readouterr()
        assert code in (0, 2), err
        assert (code == 0) == (A is not None), (code, err)
        if code == 2:
            assert err.count("\n") == 1 and len(err) < 1200, err


# -- the fuzz tests ------------------------------------------------------------------------------

def check_network_cli(path: Path, capsys) -> None:
    """The command line on the same file: a refusal is exit 2 with one line, never a bug (exit 1)."""
    with time_limit():
        try:
            net = load_network(path)
        except InvalidInputError as e:
            code = main(["regions", str(path), "--box", "-1", "1", "--json"])
            out, err = capsys.readouterr()
            assert code == 2 and out == "" and err.count("\n") == 1, err
            assert len(err) < 1200 and str(e)[:40] in err, (err, str(e))
            return
        if net.input_dim <= 2 and net.size <= 6 and all(
                _small(q) for W, b in net.layers for q in [*b, *(x for r in W for x in r)]):
            code = main(["regions", str(path), "--box", "-1", "1", "--json"])
            out, err = capsys.readouterr()
            assert code == 0, err
            from polyrelu import Polytope

            assert json.loads(out)["n_regions"] == len(net.complex(domain=Polytope.box([-1] * net.input_dim,
                                                                                         [1] * net.input_dim)))


@SETTINGS
@given(text=mutated_text(NETWORK))
def test_fuzz_network_files(tmp_path_factory, capsys, text):
    p = tmp_path_factory.mktemp("net") / "net.json"
    p.write_text(text)
    check_network_file(p)
    check_network_cli(p, capsys)


@SETTINGS
@given(text=mutated_text(DOMAIN))
def test_fuzz_domain_files(tmp_path_factory, text):
    check_domain_text(text, tmp_path_factory.mktemp("dom"))


@SETTINGS
@given(text=mutated_text(ARRANGEMENT))
def test_fuzz_arrangement_files(tmp_path_factory, capsys, text):
    check_arrangement_text(text, tmp_path_factory.mktemp("arr"), capsys)


def _npz_bytes(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@st.composite
def mutated_npz(draw) -> bytes:
    """An ``.npz`` network with arrays renamed, dropped, retyped or reshaped, or its bytes damaged."""
    arrays = {"W0": np.array([[1.0, -0.5], [0.25, 1.0]]), "b0": np.array([0.0, 1.0]),
              "W1": np.array([[1.0, -1.0]]), "b1": np.array([0.5])}
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(arrays) or ["W0"]))
        op = draw(st.sampled_from(["drop", "rename", "dtype", "shape", "extra", "values"]))
        if name not in arrays:
            continue
        if op == "drop":
            del arrays[name]
        elif op == "rename":
            arrays[draw(st.sampled_from(["W2", "b2", "W01", "w0", "x"]))] = arrays.pop(name)
        elif op == "dtype":
            dt = draw(st.sampled_from([np.float16, np.float32, np.longdouble, np.int64, np.uint8, bool, complex, "U3", object]))
            with warnings.catch_warnings():  # complex -> real drops the imaginary part: wanted here
                warnings.simplefilter("ignore")
                try:
                    arrays[name] = arrays[name].astype(dt)
                except (ValueError, TypeError):  # e.g. text "1.0" to int64: keep the array as it is
                    pass
        elif op == "shape":
            arrays[name] = arrays[name].reshape(-1) if arrays[name].ndim == 2 else arrays[name].reshape(1, -1, 1)
        elif op == "extra":
            arrays[draw(st.sampled_from(["b2", "W3", "meta"]))] = np.zeros(1)
        else:
            arrays[name] = np.full(arrays[name].shape, draw(st.sampled_from([np.nan, np.inf, 1e308, -0.0, 2.0**-1074])))
    data = bytearray(_npz_bytes(arrays))
    if draw(st.booleans()) and data:
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    if draw(st.integers(0, 5)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@SETTINGS
@given(data=mutated_npz())
def test_fuzz_npz_files(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("npz") / "net.npz"
    p.write_bytes(data)
    check_network_file(p)


# -- the corpus of inputs that once went wrong ---------------------------------------------------

def _corpus(kind: str) -> list[Path]:
    return sorted(CORPUS.glob(f"{kind}-*"))


EXPECTED = json.loads((CORPUS / "expected.json").read_text())


def _expected_outcome(path: Path, load) -> None:
    """The corpus file gives exactly the outcome recorded in expected.json (a result, or this error)."""
    want = EXPECTED[path.name]
    with time_limit():
        if want is None:
            load(path)
            return
        with pytest.raises(InvalidInputError) as e:
            load(path)
    assert str(e.value).startswith(f"{path}: {want}"), str(e.value)[:300]


def _load_domain(path: Path):
    from polyrelu.validate import read_json

    return domain_from_json(read_json(path, "domain file"), 2, source=str(path))


@pytest.mark.parametrize("path", _corpus("network") + _corpus("domain") + _corpus("arrangement"), ids=lambda p: p.name)
def test_corpus_outcomes(path):
    load = {"network": load_network, "domain": _load_domain, "arrangement": HyperplaneArrangement.from_file}
    _expected_outcome(path, load[path.name.split("-")[0]])
    assert path.name in EXPECTED


@pytest.mark.parametrize("path", _corpus("network"), ids=lambda p: p.name)
def test_corpus_networks(path):
    check_network_file(path)


@pytest.mark.parametrize("path", _corpus("domain"), ids=lambda p: p.name)
def test_corpus_domains(path, tmp_path):
    check_domain_text(path.read_text(), tmp_path)


@pytest.mark.parametrize("path", _corpus("arrangement"), ids=lambda p: p.name)
def test_corpus_arrangements(path, tmp_path, capsys):
    check_arrangement_text(path.read_text(), tmp_path, capsys)


def test_corpus_is_there():
    # the corpus is part of the test: an empty folder would make the tests above vanish silently
    assert len(_corpus("network")) >= 5 and _corpus("domain") and _corpus("arrangement")
    files = {p.name for p in CORPUS.iterdir()} - {"expected.json"}
    assert files == set(EXPECTED) - {"_comment"}


def test_check_network_file_catches_wrong_results(tmp_path, monkeypatch):
    # the checker itself must notice a loader that misreads a file (here: one that drops the domain)
    p = tmp_path / "net.json"
    p.write_text(json.dumps(NETWORK))
    import polyrelu.network as network

    real = network.ReLUNetwork.to_json_dict

    def lossy(self):
        d = real(self)
        d["layers"][0]["bias"][0] = "7"
        return d

    monkeypatch.setattr(network.ReLUNetwork, "to_json_dict", lossy)
    with pytest.raises(AssertionError):
        check_network_file(p)
