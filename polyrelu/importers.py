"""Exact import of scikit-learn MLPs and PyTorch ``nn.Sequential`` models.

Weights convert exactly (a float32 or float64 is a dyadic rational).  Batch normalisation (in
inference mode) folds into the neighbouring affine map; its factor ``1/sqrt(var + eps)`` is exact
when ``var + eps`` is a rational square and otherwise rounded to 64 significant bits, as in
:mod:`polyrelu.onnx_import` (far below the original's own float32 rounding).

>>> from sklearn.neural_network import MLPRegressor
>>> import numpy as np
>>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
>>> m = MLPRegressor(hidden_layer_sizes=(4,), max_iter=2000, random_state=0).fit(X, np.abs(X).ravel())
>>> from polyrelu import ReLUNetwork
>>> net = ReLUNetwork(sklearn_layers(m))
>>> net
ReLUNetwork(1 -> [4] -> 1)

The network is the model's exactly: its value is the model's formula evaluated in rationals.

>>> from fractions import Fraction as F
>>> (W1, W2), (b1, b2) = m.coefs_, m.intercepts_
>>> h = [max(F(0), F(1, 2) * F(W1[0, j]) + F(b1[j])) for j in range(4)]
>>> net([F(1, 2)])[0] == sum(F(W2[j, 0]) * h[j] for j in range(4)) + F(b2[0])
True
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from .exact import InvalidInputError

__all__ = ["sklearn_layers", "torch_layers", "rsqrt"]


def sklearn_layers(model: Any) -> list:
    """The exact layers ``(W, b)`` of a fitted ``MLPClassifier``/``MLPRegressor`` (see
    :meth:`ReLUNetwork.from_sklearn <polyrelu.network.ReLUNetwork.from_sklearn>`).

    The network's outputs are the last layer's values *before* the output activation: the
    logits of a classifier (softmax over them for several classes, the logistic function of the
    single output of a binary classifier), the predictions of a regressor.  Only
    ``activation="relu"`` is piecewise linear; any other activation is an error.

    >>> sklearn_layers(object())
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: from_sklearn needs a fitted MLPClassifier or MLPRegressor, got object
    """
    name = type(model).__name__
    if not hasattr(model, "activation") or not hasattr(model, "hidden_layer_sizes"):
        raise InvalidInputError(f"from_sklearn needs a fitted MLPClassifier or MLPRegressor, got {name}")
    if not hasattr(model, "coefs_"):
        raise InvalidInputError(f"the {name} is not fitted yet (call fit first)")
    if model.activation != "relu":
        raise InvalidInputError(
            f"the {name} has activation={model.activation!r}; only 'relu' networks are piecewise linear"
        )
    return [([[Fraction(float(x)) for x in row] for row in W.T], [Fraction(float(x)) for x in b])
            for W, b in zip(model.coefs_, model.intercepts_)]


def rsqrt(q: Fraction) -> Fraction:
    """``1/sqrt(q)`` for batch normalisation: exact if ``q`` is the square of a rational, else
    rounded down to 64 significant bits (a dyadic rational).

    >>> rsqrt(Fraction(1, 4)), float(rsqrt(Fraction(2))) == 2 ** -0.5
    (Fraction(2, 1), True)
    """
    import math

    if q <= 0:
        raise InvalidInputError(f"BatchNormalization needs var + epsilon > 0, got {q}")
    rn, rd = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if rn * rn == q.numerator and rd * rd == q.denominator:
        return Fraction(rd, rn)
    r = Fraction(q.denominator, q.numerator)  # 1/sqrt(q) = sqrt(r); scale so the root has 64 bits
    k = max(0, 128 - (r.numerator.bit_length() - r.denominator.bit_length()))
    k += k % 2
    s = math.isqrt((r.numerator << k) // r.denominator)
    return Fraction(s, 1 << (k // 2))


def _tensor(t: Any) -> list:
    return t.detach().cpu().numpy().tolist() if hasattr(t, "detach") else list(t)


def _modules(module: Any) -> list:
    mods = list(module.children()) if hasattr(module, "children") else list(module)
    out = []
    for m in mods:
        if type(m).__name__ == "Sequential":
            out.extend(_modules(m))
        else:
            out.append(m)
    return out


def torch_layers(module: Any) -> list:
    """The exact layers ``(W, b)`` of a PyTorch ``nn.Sequential`` (see :meth:`ReLUNetwork.from_torch`).

    Supported modules: ``Linear``, ``ReLU``, ``BatchNorm1d`` (eval mode, folded into the
    neighbouring affine map), ``Flatten``, ``Identity``, ``Dropout`` (eval mode: the identity);
    nested ``Sequential`` containers are flattened.  Two ``Linear`` layers need a ``ReLU``
    between them and the model must end with an affine module.  Only class names, weights and
    buffers are read, so this needs no torch import of its own.

    >>> torch_layers([])
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: the model has no Linear layer
    """
    layers: list = []
    pending = None  # (A, c) exact: the affine map since the last ReLU (None: the identity)
    seen_linear_since_relu = False
    any_linear = False
    for k, m in enumerate(_modules(module)):
        name = type(m).__name__
        if name == "Linear":
            if seen_linear_since_relu:
                raise InvalidInputError(f"module {k}: two Linear layers without a ReLU between them")
            W = [[Fraction(x) for x in row] for row in _tensor(m.weight)]
            b = [Fraction(x) for x in _tensor(m.bias)] if m.bias is not None else [Fraction(0)] * len(W)
            if pending is None:
                pending = (W, b)
            else:
                A, c = pending
                if len(W[0]) != len(A):
                    raise InvalidInputError(f"module {k}: Linear takes {len(W[0])} features, gets {len(A)}")
                pending = (
                    [[sum((w * A[j][i] for j, w in enumerate(row) if w), Fraction(0)) for i in range(len(A[0]))] for row in W],
                    [sum((w * c[j] for j, w in enumerate(row) if w), bi) for row, bi in zip(W, b)],
                )
            seen_linear_since_relu = any_linear = True
        elif name == "ReLU":
            if pending is None:
                if not layers:
                    raise InvalidInputError(f"module {k}: ReLU must follow a Linear layer")
                n = len(layers[-1][0])
                pending = ([[Fraction(int(i == j)) for j in range(n)] for i in range(n)], [Fraction(0)] * n)
            layers.append(pending)
            pending, seen_linear_since_relu = None, False
        elif name in ("BatchNorm1d", "BatchNorm"):
            if getattr(m, "training", False):
                raise InvalidInputError(f"module {k}: BatchNorm1d is in training mode; call model.eval() first")
            mean = [Fraction(x) for x in _tensor(m.running_mean)]
            var = [Fraction(x) for x in _tensor(m.running_var)]
            eps = Fraction(float(m.eps))
            gamma = [Fraction(x) for x in _tensor(m.weight)] if getattr(m, "weight", None) is not None else [Fraction(1)] * len(mean)
            beta = [Fraction(x) for x in _tensor(m.bias)] if getattr(m, "bias", None) is not None else [Fraction(0)] * len(mean)
            s = [g * rsqrt(v + eps) for g, v in zip(gamma, var)]
            t = [bb - mu * si for bb, mu, si in zip(beta, mean, s)]
            if pending is None:
                n = len(layers[-1][0]) if layers else len(s)
                if n != len(s):
                    raise InvalidInputError(f"module {k}: BatchNorm1d has {len(s)} features, gets {n}")
                pending = ([[s[i] if i == j else Fraction(0) for j in range(n)] for i in range(n)], list(t))
            else:
                A, c = pending
                if len(A) != len(s):
                    raise InvalidInputError(f"module {k}: BatchNorm1d has {len(s)} features, gets {len(A)}")
                pending = ([[si * a for a in row] for si, row in zip(s, A)], [si * ci + ti for si, ci, ti in zip(s, c, t)])
        elif name in ("Flatten", "Identity"):
            continue
        elif name in ("Dropout", "AlphaDropout"):
            if getattr(m, "training", False):
                raise InvalidInputError(f"module {k}: Dropout is in training mode; call model.eval() first")
            continue
        else:
            raise InvalidInputError(
                f"module {k} is {name}; supported: Linear, ReLU, BatchNorm1d, Flatten, Identity, Dropout"
            )
    if not any_linear:
        raise InvalidInputError("the model has no Linear layer")
    if pending is None:
        raise InvalidInputError("the last module must be Linear (the output layer is affine)")
    layers.append(pending)
    return layers
