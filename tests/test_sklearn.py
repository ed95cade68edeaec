"""scikit-learn MLPs: exact import against the model's own computation, logits, errors, the digits model."""
from __future__ import annotations

import json
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from oracles import require_module

require_module("sklearn")  # on CI a missing extra is a failure, not a skip
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

from polyrelu import InvalidInputError, ReLUNetwork  # noqa: E402
from polyrelu.network import load_network  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _eval(net, X):
    return np.array([[float(v) for v in net([Fraction(float(x)) for x in row])] for row in X])


def test_regressor_matches_predict():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (60, 3))
    y = np.stack([np.abs(X).sum(1), X[:, 0] - X[:, 1]], 1)
    m = _fit(MLPRegressor(hidden_layer_sizes=(8, 6), max_iter=300, random_state=0), X, y)
    net = ReLUNetwork.from_sklearn(m)
    assert (net.input_dim, net.widths, net.output_dim) == (3, (8, 6), 2)
    Xt = rng.uniform(-2, 2, (25, 3))
    assert np.allclose(_eval(net, Xt), m.predict(Xt), rtol=1e-12, atol=1e-12)
    # exact weights: the float64 numbers themselves
    assert net.layers[1][0][2][5] == Fraction(float(m.coefs_[1][5, 2]))


def test_multiclass_logits_give_predict_proba_and_predict():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (90, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.3).astype(int)
    m = _fit(MLPClassifier(hidden_layer_sizes=(10,), max_iter=400, random_state=0), X, y)
    net = ReLUNetwork.from_sklearn(m)
    Xt = rng.uniform(-1, 1, (30, 2))
    z = _eval(net, Xt)
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    assert np.allclose(p, m.predict_proba(Xt), rtol=1e-9, atol=1e-12)
    assert (m.classes_[z.argmax(1)] == m.predict(Xt)).all()


def test_binary_classifier_has_one_logit():
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, (50, 2))
    y = (X.sum(1) > 0).astype(int)
    m = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=300, random_state=0), X, y)
    net = ReLUNetwork.from_sklearn(m)
    assert net.output_dim == 1
    Xt = rng.uniform(-1, 1, (20, 2))
    z = _eval(net, Xt)[:, 0]
    assert np.allclose(1 / (1 + np.exp(-z)), m.predict_proba(Xt)[:, 1], rtol=1e-9, atol=1e-12)


def test_round_trip_through_json_is_exact(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (40, 2))
    m = _fit(MLPRegressor(hidden_layer_sizes=(4,), max_iter=100, random_state=0), X, X[:, 0])
    net = ReLUNetwork.from_sklearn(m)
    net.save(tmp_path / "m.json")
    assert load_network(tmp_path / "m.json") == net


@pytest.mark.parametrize("act", ["tanh", "logistic", "identity"])
def test_other_activations_are_refused(act):
    m = _fit(MLPRegressor(hidden_layer_sizes=(3,), activation=act, max_iter=5, random_state=0), [[0], [1]], [0, 1])
    with pytest.raises(InvalidInputError, match=f"activation='{act}'; only 'relu'"):
        ReLUNetwork.from_sklearn(m)


def test_unfitted_and_wrong_objects():
    with pytest.raises(InvalidInputError, match="not fitted"):
        ReLUNetwork.from_sklearn(MLPClassifier())
    with pytest.raises(InvalidInputError, match="got dict"):
        ReLUNetwork.from_sklearn({})


def test_shipped_digits_model():
    """data/digits_mlp.json: 64 inputs (pixels / 16), its accuracy as recorded, logits as sklearn's."""
    from sklearn.datasets import load_digits

    net = load_network(DATA / "digits_mlp.json")
    meta = json.loads((DATA / "digits_mlp.meta.json").read_text())
    assert net.input_dim == 64 and net.output_dim == 10 and list(net.widths) == meta["hidden_layer_sizes"]
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    test = np.array(meta["test_indices"])
    # float64 evaluation of the exact weights is enough for an argmax count (no geometry decided)
    Z = X[test]
    for k, (W, b) in enumerate(net.layers):
        Z = Z @ np.array([[float(w) for w in row] for row in W]).T + np.array([float(v) for v in b])
        if k < len(net.layers) - 1:
            Z = np.maximum(Z, 0)
    pred = Z.argmax(1)
    assert (pred[:20] == _eval(net, X[test[:20]]).argmax(1)).all()
    acc = float((pred == y[test]).mean())
    assert abs(acc - meta["test_accuracy"]) < 1e-12
    assert acc > 0.9
