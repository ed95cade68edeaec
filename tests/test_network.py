"""ReLUNetwork: exact conversion, evaluation, files, and import from PyTorch-shaped modules."""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from polyrelu import InvalidInputError, Polytope, ReLUNetwork


class _T:
    """Stands in for a torch tensor: from_torch only calls detach().cpu().numpy()."""

    def __init__(self, a):
        self.a = np.asarray(a, dtype=np.float32)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.a


class Linear:
    def __init__(self, W, b):
        self.weight, self.bias = _T(W), _T(b)
        self.out_features = len(W)


class ReLU:
    pass


class Sequential:
    def __init__(self, *mods):
        self.mods = mods

    def children(self):
        return iter(self.mods)


def test_from_torch_converts_float32_exactly():
    seq = Sequential(Linear([[0.1, -2.0]], [0.5]), ReLU(), Linear([[3.0]], [0.25]))
    net = ReLUNetwork.from_torch(seq)
    # float32(0.1) is 13421773/134217728, not 1/10
    assert net.layers[0][0][0][0] == F(13421773, 134217728)
    assert net([1, 0]) == (3 * (F(13421773, 134217728) + F(1, 2)) + F(1, 4),)
    with pytest.raises(InvalidInputError, match="without a ReLU"):
        ReLUNetwork.from_torch(Sequential(Linear([[1.0]], [0.0]), Linear([[1.0]], [0.0])))
    with pytest.raises(InvalidInputError, match="last module"):
        ReLUNetwork.from_torch(Sequential(Linear([[1.0]], [0.0]), ReLU()))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=4, max_size=4))
def test_floats_convert_exactly_and_evaluate_exactly(vals):
    W = [[vals[0], vals[1]]]
    net = ReLUNetwork([(W, [vals[2]]), ([[vals[3]]], [0])])
    assert net.layers[0][0][0] == (F(vals[0]), F(vals[1]))
    x = (F(1, 3), F(-2, 7))
    z = F(vals[0]) * x[0] + F(vals[1]) * x[1] + F(vals[2])
    assert net(x) == (F(vals[3]) * max(z, F(0)),)
    assert net.activation_pattern(x) == (((z > 0) - (z < 0),),)


def test_rationalize_option():
    net = ReLUNetwork([([[0.1]], [0]), ([[1]], [0])], rationalize=True)
    assert net.layers[0][0][0][0] == F(1, 10)


def test_json_and_npz_round_trips(tmp_path):
    net = ReLUNetwork([([[1, "1/3"], [F(-2, 5), 0]], [0, "7/2"]), ([[2, -1]], ["-1/2"])])
    net.save(tmp_path / "n.json")
    assert ReLUNetwork.load(tmp_path / "n.json") == net
    dyadic = ReLUNetwork([([[0.5, -0.25]], [0.125]), ([[2.0]], [0.0])])
    dyadic.save(tmp_path / "n.npz")
    assert ReLUNetwork.load(tmp_path / "n.npz") == dyadic
    with pytest.raises(InvalidInputError, match="float64 cannot"):
        net.save(tmp_path / "lossy.npz")  # 1/3 is not a double: refuse rather than round


def test_affine_map_matches_evaluation():
    net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    A, c = net.affine_map([(1, 0, 1)])
    assert A == ((F(-1), F(-2)),) and c == (F(2),)
    p = (F(2), F(-1, 2))
    assert net(p) == (A[0][0] * p[0] + A[0][1] * p[1] + c[0],)


@pytest.mark.parametrize("layers, match", [
    ([], "at least one layer"),
    ([([[1, 2]], [0]), ([[1], [2]], [0, 0]), ([[1, 1, 1]], [0])], "columns"),
    ([([[1, 2]], [0, 1]), ([[1]], [0])], "length"),
    ([([[float("inf")]], [0]), ([[1]], [0])], "finite"),
    ([([["a"]], [0]), ([[1]], [0])], "rational"),
    ([([[1, 2], [3]], [0, 0]), ([[1, 1]], [0])], "ragged"),
])
def test_bad_networks(layers, match):
    with pytest.raises(InvalidInputError, match=match):
        ReLUNetwork(layers)


def test_bad_files(tmp_path):
    (tmp_path / "a.json").write_text("{not json")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        ReLUNetwork.load(tmp_path / "a.json")
    (tmp_path / "b.json").write_text('{"format": "other", "version": 1, "layers": []}')
    with pytest.raises(InvalidInputError, match="format"):
        ReLUNetwork.load(tmp_path / "b.json")
    (tmp_path / "c.json").write_text('{"format": "polyrelu-network", "version": 1, "layers": '
                                     '[{"weights": [[1]], "bias": [0]}], "domain": {"box": [[0], [1, 2]]}}')
    with pytest.raises(InvalidInputError, match="box"):
        ReLUNetwork.load(tmp_path / "c.json")
    with pytest.raises(InvalidInputError, match="no such"):
        ReLUNetwork.load(tmp_path / "missing.json")


def test_one_domain_default_everywhere_a_network_meets_a_domain():
    """Every function that takes a network and a domain defaults to the network's own domain."""
    import inspect

    from polyrelu import PolyhedralComplex
    from polyrelu.analyses import configuration, configuration_polytope, lipschitz_constant
    from polyrelu.analyses.configurations import Configuration
    from polyrelu.analyses.realization import canonical_form, compare_realizations, same_realization
    from polyrelu.network import NETWORK_DOMAIN

    for fn in (ReLUNetwork.complex, PolyhedralComplex.from_network, configuration, configuration_polytope,
               Configuration, lipschitz_constant, canonical_form, compare_realizations, same_realization):
        assert inspect.signature(fn).parameters["domain"].default == NETWORK_DOMAIN, fn
    box = Polytope.box([0], [1])
    net = ReLUNetwork([([[1], [-1]], [0, "1/2"]), ([[1, 1]], [0])], domain=box)
    assert net.complex().domain == box and net.complex(None).domain is None
    assert configuration(net, [(1, 1)]).polytope == Polytope.box([0], ["1/2"])
    assert same_realization(net, net.with_domain(None)).same


def test_complex_is_a_method_of_the_network_class():
    """net.complex() is defined with the network (issue 16), not attached to it from elsewhere."""
    assert "complex" in vars(ReLUNetwork)
    assert ReLUNetwork.complex.__module__ == "polyrelu.network"
    assert ReLUNetwork.complex.__qualname__ == "ReLUNetwork.complex"
