"""PyTorch import with Flatten, Identity, Dropout and BatchNorm1d: exact against torch's own evaluation."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from oracles import require_module  # noqa: E402

torch = require_module("torch")
nn = torch.nn

from polyrelu import InvalidInputError, ReLUNetwork  # noqa: E402
from polyrelu.network import load_network  # noqa: E402


def _randomise_bn(bn, g):
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(bn.num_features, generator=g))
        bn.running_var.copy_(torch.rand(bn.num_features, generator=g) + 0.3)
        bn.weight.copy_(torch.randn(bn.num_features, generator=g))
        bn.bias.copy_(torch.randn(bn.num_features, generator=g))


def _compare(model, shape, k=30):
    net = ReLUNetwork.from_torch(model)
    g = torch.Generator().manual_seed(1)
    x = torch.randn((k,) + shape, generator=g)
    with torch.no_grad():
        want = model(x).double().numpy()
    got = np.array([[float(v) for v in net([Fraction(float(t)) for t in row.flatten()])] for row in x])
    assert got.shape == want.shape
    assert np.allclose(got, want, rtol=1e-5, atol=1e-5), np.abs(got - want).max()
    return net


def test_batchnorm_flatten_dropout_identity_fold_exactly():
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    bn0, bn1, bn2 = nn.BatchNorm1d(6), nn.BatchNorm1d(5), nn.BatchNorm1d(3)
    for bn in (bn0, bn1, bn2):
        _randomise_bn(bn, g)
    model = nn.Sequential(
        nn.Flatten(), bn0, nn.Linear(6, 5), bn1, nn.ReLU(), nn.Dropout(0.3),
        nn.Sequential(nn.Identity(), nn.Linear(5, 3)), nn.ReLU(), bn2, nn.Linear(3, 2),
    ).eval()
    net = _compare(model, (2, 3))
    assert (net.input_dim, net.widths, net.output_dim) == (6, (5, 3), 2)


def test_plain_linear_relu_is_exact():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).eval()
    net = _compare(model, (3,))
    assert net.layers[0][0][1][2] == Fraction(float(model[0].weight.detach()[1, 2]))


def test_round_trip(tmp_path):
    torch.manual_seed(2)
    bn = nn.BatchNorm1d(4)
    _randomise_bn(bn, torch.Generator().manual_seed(2))
    net = ReLUNetwork.from_torch(nn.Sequential(nn.Linear(2, 4), bn, nn.ReLU(), nn.Linear(4, 1)).eval())
    net.save(tmp_path / "t.json")
    assert load_network(tmp_path / "t.json") == net


def test_errors_name_the_module():
    with pytest.raises(InvalidInputError, match="module 2 is Sigmoid"):
        ReLUNetwork.from_torch(nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Sigmoid(), nn.Linear(2, 1)))
    with pytest.raises(InvalidInputError, match="module 1: BatchNorm1d is in training mode"):
        ReLUNetwork.from_torch(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2), nn.ReLU(), nn.Linear(2, 1)).train())
    with pytest.raises(InvalidInputError, match="module 2: Dropout is in training mode"):
        ReLUNetwork.from_torch(nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Dropout(), nn.Linear(2, 1)).train())
    with pytest.raises(InvalidInputError, match="module 1: two Linear layers"):
        ReLUNetwork.from_torch(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1)))
    with pytest.raises(InvalidInputError, match="last module must be Linear"):
        ReLUNetwork.from_torch(nn.Sequential(nn.Linear(2, 2), nn.ReLU()))


def test_torch_exported_to_onnx_imports_like_from_torch(tmp_path):
    """The same model through torch's ONNX exporter and through from_torch: the same exact network
    up to the batch-norm factor's rounding, and both equal to torch and onnxruntime."""
    import io
    import warnings

    require_module("onnx")
    ort = require_module("onnxruntime")
    torch.manual_seed(3)
    bn = nn.BatchNorm1d(5)
    _randomise_bn(bn, torch.Generator().manual_seed(3))
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 5), bn, nn.ReLU(), nn.Dropout(0.1), nn.Linear(5, 3)).eval()
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.randn(1, 2, 3), f, dynamo=False)
    path = tmp_path / "m.onnx"
    path.write_bytes(f.getvalue())
    a = ReLUNetwork.from_onnx(path)
    b = _compare(model, (2, 3))
    assert a.widths == b.widths == (5,)
    # the Linear weights of the output layer are the same float32 numbers, exactly
    assert a.layers[1] == b.layers[1]
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((1, 2, 3)).astype(np.float32)
    want = s.run(None, {s.get_inputs()[0].name: x})[0].ravel()
    got = [float(v) for v in a([Fraction(float(t)) for t in x.ravel()])]
    assert np.allclose(got, want, rtol=1e-5, atol=1e-5)
