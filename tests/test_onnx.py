"""ONNX import: exact evaluation against onnxruntime, exact round trips, clear errors."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from oracles import require_module

onnx = require_module("onnx")  # on CI these must run: a missing extra is a failure, not a skip
ort = require_module("onnxruntime")
from onnx import TensorProto, helper as h  # noqa: E402

from polyrelu import InvalidInputError, ReLUNetwork  # noqa: E402
from polyrelu.network import load_network  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "acasxu"
F32 = TensorProto.FLOAT


def _init(name, arr):
    arr = np.asarray(arr, dtype=np.float32)
    return h.make_tensor(name, F32, list(arr.shape), arr.ravel().tolist())


def _model(nodes, inp_shape, out_shape, inits, opset=13):
    g = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", F32, inp_shape)],
                     [h.make_tensor_value_info("y", F32, out_shape)], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def _ort(model, x):
    s = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return s.run(None, {s.get_inputs()[0].name: x})[0]


def _compare(model, inp_shape, rng, k=20, scale=1.0):
    """polyrelu's exact network equals onnxruntime's float32 evaluation within float32 rounding."""
    net = ReLUNetwork.from_onnx(model)
    worst = 0.0
    for _ in range(k):
        x = (rng.standard_normal(inp_shape) * scale).astype(np.float32)
        got = np.array([float(v) for v in net([Fraction(float(v)) for v in x.ravel()])])
        want = _ort(model, x).ravel().astype(np.float64)
        assert got.shape == want.shape
        err = np.abs(got - want) / (1.0 + np.abs(want))
        worst = max(worst, float(err.max()))
    assert worst < 2e-5, worst
    return net


def test_gemm_chain_matches_onnxruntime():
    rng = np.random.default_rng(1)
    W1, b1 = rng.standard_normal((6, 4)), rng.standard_normal(6)
    W2, b2 = rng.standard_normal((3, 6)), rng.standard_normal(3)
    nodes = [
        h.make_node("Gemm", ["x", "W1", "b1"], ["z1"], transB=1),
        h.make_node("Relu", ["z1"], ["a1"]),
        h.make_node("Gemm", ["a1", "W2t", "b2"], ["y"], alpha=0.5, beta=2.0),
    ]
    m = _model(nodes, [1, 4], [1, 3], [_init("W1", W1), _init("b1", b1), _init("W2t", W2.T), _init("b2", b2)])
    net = _compare(m, (1, 4), rng)
    assert net.widths == (6,)
    # the weights are the float32 numbers, exactly; alpha and beta fold in exactly
    assert net.layers[0][0][2][1] == Fraction(float(np.float32(W1[2, 1])))
    assert net.layers[1][0][1][4] == Fraction(float(np.float32(W2[1, 4]))) / 2
    assert net.layers[1][1][0] == 2 * Fraction(float(np.float32(b2[0])))


def test_matmul_add_sub_flatten_reshape_identity_dropout_constant():
    rng = np.random.default_rng(2)
    W1, b1, W2 = rng.standard_normal((6, 5)), rng.standard_normal(5), rng.standard_normal((5, 2))
    shift = rng.standard_normal((1, 2, 3))
    nodes = [
        h.make_node("Sub", ["x", "shift"], ["s"]),
        h.make_node("Flatten", ["s"], ["f"], axis=1),
        h.make_node("MatMul", ["f", "W1"], ["m1"]),
        h.make_node("Add", ["b1", "m1"], ["z1"]),  # constant first
        h.make_node("Identity", ["z1"], ["i1"]),
        h.make_node("Relu", ["i1"], ["a1"]),
        h.make_node("Dropout", ["a1"], ["d1"]),
        h.make_node("Constant", [], ["shape"], value=h.make_tensor("sv", TensorProto.INT64, [2], [1, -1])),
        h.make_node("Reshape", ["d1", "shape"], ["r1"]),
        h.make_node("MatMul", ["r1", "W2"], ["m2"]),
        h.make_node("Constant", [], ["c2"], value_floats=[0.25, -1.5]),
        h.make_node("Sub", ["c2", "m2"], ["y"]),  # constant minus tensor
    ]
    m = _model(nodes, [1, 2, 3], [1, 2], [_init("shift", shift), _init("W1", W1), _init("b1", b1), _init("W2", W2)])
    net = _compare(m, (1, 2, 3), rng)
    assert net.widths == (5,)
    # the output layer is -W2^T exactly, its bias the constant exactly
    assert net.layers[1][0][0][3] == -Fraction(float(np.float32(W2[3, 0])))
    assert net.layers[1][1] == (Fraction(1, 4), Fraction(-3, 2))


def test_batchnorm_folds_and_transpose_mul_div():
    rng = np.random.default_rng(3)
    W1, b1, W2 = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((3, 2))
    scale, B = rng.standard_normal(3), rng.standard_normal(3)
    mean, var = rng.standard_normal(3), rng.uniform(0.2, 2.0, 3)
    nodes = [
        h.make_node("MatMul", ["x", "W1"], ["m1"]),
        h.make_node("Add", ["m1", "b1"], ["z1"]),
        h.make_node("BatchNormalization", ["z1", "scale", "B", "mean", "var"], ["bn"], epsilon=1e-3),
        h.make_node("Relu", ["bn"], ["a1"]),
        h.make_node("Transpose", ["a1"], ["t1"], perm=[1, 0]),
        h.make_node("Transpose", ["t1"], ["t2"], perm=[1, 0]),
        h.make_node("Mul", ["t2", "three"], ["u"]),
        h.make_node("Div", ["u", "two"], ["v"]),
        h.make_node("MatMul", ["v", "W2"], ["y"]),
    ]
    inits = [_init("W1", W1), _init("b1", b1), _init("scale", scale), _init("B", B), _init("mean", mean),
             _init("var", var), _init("three", [3.0]), _init("two", [2.0]), _init("W2", W2)]
    net = _compare(_model(nodes, [1, 4], [1, 2], inits), (1, 4), rng)
    assert net.widths == (3,)


def test_batchnorm_exact_when_variance_is_a_square():
    # var + eps = 1/4 exactly (eps = 0 is allowed in the attribute): factor 2, no rounding at all
    nodes = [h.make_node("BatchNormalization", ["x", "s", "B", "m", "v"], ["z"], epsilon=0.0),
             h.make_node("Relu", ["z"], ["y"])]
    inits = [_init("s", [1.0, 3.0]), _init("B", [0.5, 0.0]), _init("m", [1.0, -1.0]), _init("v", [0.25, 0.25])]
    net = ReLUNetwork.from_onnx(_model(nodes, [1, 2], [1, 2], inits))
    assert net.layers[0] == (((2, 0), (0, 6)), (Fraction(-3, 2), Fraction(6)))


def test_conv_and_average_pool_as_dense_affine_maps():
    rng = np.random.default_rng(4)
    K = rng.standard_normal((3, 1, 3, 3))
    cb = rng.standard_normal(3)
    W = rng.standard_normal((3 * 2 * 2, 2))
    nodes = [
        h.make_node("Conv", ["x", "K", "cb"], ["c1"], pads=[1, 1, 1, 1], strides=[1, 1]),
        h.make_node("Relu", ["c1"], ["a1"]),
        h.make_node("AveragePool", ["a1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        h.make_node("Flatten", ["p1"], ["f"]),
        h.make_node("MatMul", ["f", "W"], ["y"]),
    ]
    m = _model(nodes, [1, 1, 4, 4], [1, 2], [_init("K", K), _init("cb", cb), _init("W", W)])
    net = _compare(m, (1, 1, 4, 4), rng)
    assert net.input_dim == 16 and net.widths == (48,)


def test_acasxu_matches_onnxruntime_and_the_shared_json():
    path = DATA / "ACASXU_run2a_1_1_batch_2000.onnx"
    net = ReLUNetwork.from_onnx(path)
    assert (net.input_dim, net.widths, net.output_dim) == (5, (50,) * 6, 5)
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(5)
    for _ in range(20):
        x = rng.uniform(-0.5, 0.5, (1, 1, 1, 5)).astype(np.float32)
        want = s.run(None, {s.get_inputs()[0].name: x})[0].ravel()
        got = [float(v) for v in net([Fraction(float(v)) for v in x.ravel()])]
        assert np.allclose(got, want, rtol=1e-5, atol=1e-6)
    # the same weights as the independently converted file in ../shared (float32 -> float64 -> JSON)
    shared = Path(__file__).resolve().parents[2] / "shared" / "bench" / "acasxu" / "json" / "acasxu_1_1_prop_3.json"
    if shared.exists():
        assert load_network(shared).layers == net.layers


def test_round_trip_through_json_is_exact(tmp_path):
    net = ReLUNetwork.from_onnx(DATA / "ACASXU_run2a_3_3_batch_2000.onnx")
    p = tmp_path / "n.json"
    net.save(p)
    assert load_network(p) == net
    assert ReLUNetwork.from_json_dict(json.loads(p.read_text())).layers == net.layers


def test_load_network_reads_onnx():
    path = DATA / "ACASXU_run2a_1_1_batch_2000.onnx"
    assert load_network(path) == ReLUNetwork.from_onnx(path)


def _err(model) -> str:
    with pytest.raises(InvalidInputError) as e:
        ReLUNetwork.from_onnx(model)
    return str(e.value)


def test_unsupported_operator_names_node_operator_position(tmp_path):
    W = _init("W", np.ones((2, 2)))
    m = _model([h.make_node("MatMul", ["x", "W"], ["z"]), h.make_node("LeakyRelu", ["z"], ["y"], name="lrelu")],
               [1, 2], [1, 2], [W])
    p = tmp_path / "bad.onnx"
    onnx.save(m, p)
    msg = _err(p)
    assert str(p) in msg and "node 1 'lrelu'" in msg and "LeakyRelu" in msg and "unsupported operator" in msg
    m = _model([h.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2])], [1, 1, 4, 4], [1, 1, 3, 3], [])
    assert "node 0 (operator MaxPool)" in _err(m)
    m = _model([h.make_node("MatMul", ["x", "W"], ["z"]), h.make_node("Sigmoid", ["z"], ["y"])], [1, 2], [1, 2], [W])
    assert "Sigmoid" in _err(m)


def test_residual_add_is_refused():
    W = _init("W", np.ones((2, 2)))
    nodes = [h.make_node("MatMul", ["x", "W"], ["z"]), h.make_node("Relu", ["z"], ["a"]),
             h.make_node("Add", ["a", "x"], ["y"], name="skip")]
    msg = _err(_model(nodes, [1, 2], [1, 2], [W]))
    assert "node 2 'skip' (operator Add)" in msg and "residual" in msg


def test_product_of_two_computed_tensors_is_refused():
    W = _init("W", np.ones((2, 2)))
    nodes = [h.make_node("MatMul", ["x", "W"], ["z"]), h.make_node("Mul", ["z", "x"], ["y"])]
    assert "node 1 (operator Mul)" in _err(_model(nodes, [1, 2], [1, 2], [W]))


def test_missing_file_and_garbage(tmp_path):
    assert "no such ONNX file" in _err(tmp_path / "nope.onnx")
    p = tmp_path / "junk.onnx"
    p.write_bytes(b"\x00not a model")
    assert str(p) in _err(p)


def test_conv_groups_strides_dilation_same_padding_and_pools():
    rng = np.random.default_rng(6)
    K = rng.standard_normal((4, 1, 3, 3))  # group = 2: 2 input channels, 4 output channels
    W = rng.standard_normal((4 * 2 * 2, 3))
    nodes = [
        h.make_node("Conv", ["x", "K"], ["c1"], group=2, strides=[2, 2], dilations=[1, 1], auto_pad="SAME_UPPER"),
        h.make_node("Relu", ["c1"], ["a1"]),
        h.make_node("AveragePool", ["a1"], ["p1"], kernel_shape=[2, 2], pads=[1, 1, 0, 0], count_include_pad=0),
        h.make_node("Conv", ["p1", "K2"], ["c2"], dilations=[1, 1], pads=[0, 0, 0, 0]),
        h.make_node("Relu", ["c2"], ["a2"]),
        h.make_node("GlobalAveragePool", ["a2"], ["g"]),
        h.make_node("Squeeze", ["g", "axes"], ["s"]),
        h.make_node("Unsqueeze", ["s", "axes0"], ["u"]),
        h.make_node("Flatten", ["u"], ["f"]),
        h.make_node("Gemm", ["Wt", "f"], ["yt"], transA=0, transB=1),
        h.make_node("Transpose", ["yt"], ["y"], perm=[1, 0]),
    ]
    K2 = rng.standard_normal((3, 4, 2, 2))
    inits = [_init("K", K), _init("K2", K2), _init("Wt", rng.standard_normal((2, 3))),
             h.make_tensor("axes", TensorProto.INT64, [2], [2, 3]), h.make_tensor("axes0", TensorProto.INT64, [1], [0])]
    del W
    m = _model(nodes, [1, 2, 6, 6], [1, 2], inits)
    net = _compare(m, (1, 2, 6, 6), rng)
    assert net.input_dim == 72 and net.widths == (36, 12)


def test_cli_regions_reads_onnx_with_a_vnnlib_box(tmp_path, capsys):
    from polyrelu import Polytope
    from polyrelu.cli import main
    from polyrelu.vnnlib import parse_vnnlib

    path = DATA / "ACASXU_run2a_3_3_batch_2000.onnx"
    p4 = parse_vnnlib(DATA / "prop_4.vnnlib")  # X_2 fixed at 0
    mid = [(a + b) / 2 for a, b in zip(p4.lo, p4.hi)]
    w = [(b - a) / 50 for a, b in zip(p4.lo, p4.hi)]
    text = "".join(f"(declare-const X_{i} Real)" for i in range(5))
    for i in range(5):
        lo, hi = mid[i] - w[i], mid[i] + w[i]
        text += f"(assert (>= X_{i} (/ {lo.numerator} {lo.denominator})))(assert (<= X_{i} (/ {hi.numerator} {hi.denominator})))"
    f = tmp_path / "small.vnnlib"
    f.write_text(text)
    assert main(["regions", str(path), "--vnnlib", str(f), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    net = ReLUNetwork.from_onnx(path)
    free = [0, 1, 3, 4]
    hand = net.restrict([[int(i == j) for j in free] for i in range(5)], [0, 0, 0, 0, 0])
    box = Polytope.box([mid[i] - w[i] for i in free], [mid[i] + w[i] for i in free])
    assert d["fixed_inputs"] == {"X_2": "0"} and d["n_regions"] == len(hand.complex(domain=box)) >= 1
