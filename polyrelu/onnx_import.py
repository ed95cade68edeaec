"""Exact import of fully connected ReLU networks from ONNX files.

:func:`onnx_layers` reads the graph node by node and keeps every computed tensor as an exact affine
function ``c + M y`` of the current variables ``y`` (the network input, or the outputs of the last
``Relu``).  Affine operators compose into it exactly; each ``Relu`` closes one hidden layer.
Weights are read as the numbers they are: a float32 (or float64, float16) is a dyadic rational
and converts to a :class:`~fractions.Fraction` without rounding.

Supported operators: ``Gemm``, ``MatMul``, ``Add``, ``Sub``, ``Mul``/``Div``/``Neg`` by constants,
``Relu``, ``Flatten``, ``Reshape``, ``Transpose``, ``Squeeze``, ``Unsqueeze``, ``Identity``,
``Dropout`` (inference), ``BatchNormalization`` (inference, folded into the affine map),
``Constant`` and initializers, and ``Conv``/``AveragePool``/``GlobalAveragePool`` as exact dense
affine maps when the dense matrix is small enough (at most :data:`MAX_DENSE_PRODUCTS` products).
Anything else (``MaxPool``, ``LeakyRelu``, ``Sigmoid``, an ``Add`` of two tensors computed on
different sides of a ``Relu`` as in a residual block, ...) is an
:class:`~polyrelu.exact.InvalidInputError` naming the file, the node, its operator and its position.

One operator is not rational: ``BatchNormalization`` divides by ``sqrt(var + eps)``.  When
``var + eps`` is the square of a rational the factor is exact; otherwise polyrelu uses
``1/sqrt(var + eps)`` rounded to 64 significant bits (a dyadic rational, relative error below
2^-63, far below the float32 rounding of the original model), and the imported network is then
the exact network with that factor.

:meth:`ReLUNetwork.from_onnx <polyrelu.network.ReLUNetwork.from_onnx>` (and ``load_network`` of
an ``.onnx`` file) builds the network from these layers; this module only reads ONNX, so it
imports nothing from :mod:`polyrelu.network`.

>>> import onnx, onnx.helper as h, numpy as np
>>> W = h.make_tensor("W", onnx.TensorProto.FLOAT, [2, 3], [1, -1, 0.5, 0, 2, -3])
>>> g = h.make_graph([h.make_node("MatMul", ["x", "W"], ["z"]), h.make_node("Relu", ["z"], ["y"])],
...     "g", [h.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 2])],
...     [h.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 3])], [W])
>>> layers = onnx_layers(h.make_model(g))
>>> [len(W) for W, b in layers], layers[0][0]
([3, 3], [[Fraction(1, 1), Fraction(0, 1)], [Fraction(-1, 1), Fraction(2, 1)], [Fraction(1, 2), Fraction(-3, 1)]])
"""
from __future__ import annotations

import itertools
import math
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .exact import InvalidInputError
from .importers import rsqrt as _rsqrt

__all__ = ["onnx_layers", "MAX_DENSE_PRODUCTS", "SUPPORTED_OPERATORS"]

#: The largest number of scalar products a Conv/AveragePool may cost when made a dense affine map.
MAX_DENSE_PRODUCTS = 20_000_000

SUPPORTED_OPERATORS = (
    "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Neg", "Relu", "Flatten", "Reshape", "Transpose",
    "Squeeze", "Unsqueeze", "Identity", "Dropout", "BatchNormalization", "Constant", "Conv",
    "AveragePool", "GlobalAveragePool",
)

_ZERO = Fraction(0)


# -- exact arrays ------------------------------------------------------------------------------------
def _exact(a: Any) -> np.ndarray:
    """An object array of Fractions holding exactly the numbers of ``a``."""
    a = np.asarray(a)
    if a.dtype == object:
        return np.array([Fraction(x) for x in a.ravel()], dtype=object).reshape(a.shape)
    if a.dtype.kind in "iub":
        return np.array([Fraction(int(x)) for x in a.ravel()], dtype=object).reshape(a.shape)
    if a.dtype.kind == "f":
        flat = a.ravel()
        if not np.all(np.isfinite(flat)):
            raise InvalidInputError("not a finite number in a weight tensor")
        return np.array([Fraction(float(x)) for x in flat], dtype=object).reshape(a.shape)
    raise InvalidInputError(f"unsupported tensor element type {a.dtype}")


def _scaled(a: np.ndarray) -> tuple[np.ndarray, int]:
    """``(I, D)`` with ``a == I / D``, ``I`` an object array of Python ints."""
    flat = a.ravel()
    D = 1
    for q in flat:
        d = q.denominator
        if D % d:
            D = D * d // math.gcd(D, d)
    ints = np.array([q.numerator * (D // q.denominator) for q in flat], dtype=object).reshape(a.shape)
    return ints, D


def _unscale(ints: np.ndarray, D: int) -> np.ndarray:
    return np.array([Fraction(int(v), D) for v in ints.ravel()], dtype=object).reshape(ints.shape)


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact ``a @ b`` of Fraction arrays (products of integers, one division at the end)."""
    ia, da = _scaled(a)
    ib, db = _scaled(b)
    return _unscale(np.matmul(ia, ib), da * db)


# -- symbolic tensors ----------------------------------------------------------------------------------
class _Aff:
    """A tensor ``c + sum_j y_j M[j]`` affine in the variables ``y`` of one epoch."""

    __slots__ = ("c", "M", "epoch")

    def __init__(self, c: np.ndarray, M: np.ndarray, epoch: int):
        self.c, self.M, self.epoch = c, M, epoch

    @property
    def shape(self) -> tuple[int, ...]:
        return self.c.shape

    def map(self, f) -> "_Aff":
        """Apply a linear map ``f`` (acting on the trailing axes) to the tensor."""
        return _Aff(f(self.c), f(self.M), self.epoch)


def _identity(shape: tuple[int, ...], epoch: int) -> _Aff:
    N = int(np.prod(shape)) if shape else 1
    M = np.full((N, N), 0, dtype=object)
    for i in range(N):
        M[i, i] = 1
    M = np.array([Fraction(x) for x in M.ravel()], dtype=object).reshape((N,) + tuple(shape))
    c = np.full(shape, _ZERO, dtype=object)
    return _Aff(c, M, epoch)


def _bcast_M(M: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    n, S = M.shape[0], M.shape[1:]
    M = M.reshape((n,) + (1,) * (len(shape) - len(S)) + S)
    return np.broadcast_to(M, (n,) + tuple(shape))


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _tensor_array(t) -> np.ndarray:
    from onnx import numpy_helper

    return numpy_helper.to_array(t)


def _conv_linear(x: np.ndarray, Wt: np.ndarray, strides, pads, dilations, group: int) -> np.ndarray:
    """Exact n-D convolution (no bias) of integer object arrays: x (B, C, *sp), Wt (O, C/g, *k)."""
    B, C = x.shape[:2]
    sp = x.shape[2:]
    O, Cg = Wt.shape[:2]
    ks = Wt.shape[2:]
    d = len(sp)
    pad_width = [(0, 0), (0, 0)] + [(pads[i], pads[i + d]) for i in range(d)]
    xp = np.pad(x, pad_width, mode="constant", constant_values=0)
    out_sp = [
        (sp[i] + pads[i] + pads[i + d] - dilations[i] * (ks[i] - 1) - 1) // strides[i] + 1 for i in range(d)
    ]
    if any(o <= 0 for o in out_sp):
        raise InvalidInputError("the convolution output is empty")
    out = np.full((B, O) + tuple(out_sp), 0, dtype=object)
    Og = O // group
    for off in itertools.product(*[range(k) for k in ks]):
        sl = tuple(
            slice(off[i] * dilations[i], off[i] * dilations[i] + strides[i] * (out_sp[i] - 1) + 1, strides[i])
            for i in range(d)
        )
        patch = xp[(slice(None), slice(None)) + sl]  # (B, C, *out_sp)
        for g in range(group):
            w = Wt[g * Og:(g + 1) * Og, :, *off]  # (Og, Cg)
            p = patch[:, g * Cg:(g + 1) * Cg]  # (B, Cg, *out)
            out[:, g * Og:(g + 1) * Og] += np.moveaxis(np.tensordot(w, p, axes=([1], [1])), 0, 1)
    return out


class _Importer:
    def __init__(self, model, source: str):
        self.model = model
        self.source = source
        self.env: dict[str, Any] = {}
        self.layers: list[tuple[np.ndarray, np.ndarray]] = []
        self.epoch = 0
        self.node_desc = ""

    def err(self, msg: str) -> InvalidInputError:
        return InvalidInputError(f"{self.source}: {self.node_desc}{msg}")

    # -- values ---------------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        if name not in self.env:
            raise self.err(f"input tensor {name!r} is not computed by any supported node")
        v = self.env[name]
        if isinstance(v, _Unsupported):
            raise self.err(f"uses {v.what} ({name!r}), which polyrelu does not compute")
        return v

    def const(self, name: str, what: str) -> np.ndarray:
        v = self.get(name)
        if isinstance(v, _Aff):
            raise self.err(f"{what} must be a constant (an initializer or Constant), but it depends on the input")
        return v

    def exact_const(self, name: str, what: str) -> np.ndarray:
        return _exact(self.const(name, what))

    def check_epoch(self, a: _Aff) -> None:
        if a.epoch != self.epoch:
            raise self.err(
                "uses a tensor computed before the last Relu (a skip/residual connection or a parallel "
                "branch): only a chain of affine maps and Relus is a feed-forward ReLU network"
            )

    # -- the graph --------------------------------------------------------------------------------
    def run(self):
        g = self.model.graph
        for t in g.initializer:
            self.env[t.name] = _tensor_array(t)
        inputs = [i for i in g.input if i.name not in self.env]
        if len(inputs) != 1:
            raise InvalidInputError(
                f"{self.source}: the graph has {len(inputs)} inputs {[i.name for i in inputs]}; exactly one is supported"
            )
        inp = inputs[0]
        shape = []
        for k, dim in enumerate(inp.type.tensor_type.shape.dim):
            if dim.HasField("dim_value") and dim.dim_value > 0:
                shape.append(int(dim.dim_value))
            elif k == 0:
                shape.append(1)  # a symbolic batch dimension: one input at a time
            else:
                raise InvalidInputError(
                    f"{self.source}: input {inp.name!r} has a symbolic dimension at axis {k}; "
                    "only the batch axis 0 may be symbolic"
                )
        if not shape:
            shape = [1]
        self.input_shape = tuple(shape)
        self.env[inp.name] = _identity(self.input_shape, 0)
        for pos, node in enumerate(g.node):
            label = f" {node.name!r}" if node.name else ""
            self.node_desc = f"node {pos}{label} (operator {node.op_type}): "
            fn = getattr(self, "op_" + node.op_type, None)
            if fn is None or node.domain not in ("", "ai.onnx"):
                raise self.err(
                    "unsupported operator; polyrelu imports " + ", ".join(SUPPORTED_OPERATORS)
                )
            outs = fn(node, _attrs(node))
            if not isinstance(outs, (list, tuple)):
                outs = [outs]
            for name, v in zip(node.output, outs):
                if name:
                    self.env[name] = v
        self.node_desc = ""
        if len(g.output) != 1:
            raise self.err(f"the graph has {len(g.output)} outputs; exactly one is supported")
        out = self.get(g.output[0].name)
        if not isinstance(out, _Aff):
            raise self.err(f"the output {g.output[0].name!r} does not depend on the input")
        self.node_desc = f"graph output {g.output[0].name!r}: "
        self.check_epoch(out)
        self.emit(out)
        return [(W.tolist(), b.tolist()) for W, b in self.layers]

    def emit(self, a: _Aff) -> None:
        n = a.M.shape[0]
        W = np.ascontiguousarray(a.M).reshape(n, -1).T
        b = a.c.reshape(-1)
        self.layers.append((W, b))

    # -- binary arithmetic -----------------------------------------------------------------------------
    def _binary(self, node, op: str):
        x, y = self.get(node.input[0]), self.get(node.input[1])
        ax, ay = isinstance(x, _Aff), isinstance(y, _Aff)
        if not ax and not ay:
            X, Y = _exact(x), _exact(y)
            return {"Add": X + Y, "Sub": X - Y, "Mul": X * Y, "Div": _div(X, Y, self)}[op]
        if ax and ay:
            if op in ("Mul", "Div"):
                raise self.err("multiplies two tensors that both depend on the input (not affine)")
            self.check_epoch(x)
            self.check_epoch(y)
            shape = np.broadcast_shapes(x.shape, y.shape)
            c = x.c + y.c if op == "Add" else x.c - y.c
            Mx, My = _bcast_M(x.M, shape), _bcast_M(y.M, shape)
            return _Aff(np.broadcast_to(c, shape).copy(), Mx + My if op == "Add" else Mx - My, x.epoch)
        a, k, first = (x, y, True) if ax else (y, x, False)
        self.check_epoch(a)
        K = _exact(k)
        shape = np.broadcast_shapes(a.shape, K.shape)
        M = _bcast_M(a.M, shape)
        c = np.broadcast_to(a.c, shape)
        if op == "Add":
            return _Aff(c + K, M.copy(), a.epoch)
        if op == "Sub":
            return _Aff(c - K, M.copy(), a.epoch) if first else _Aff(K - c, -M, a.epoch)
        if op == "Mul":
            return _Aff(c * K, M * K, a.epoch)
        if not first:
            raise self.err("divides by a tensor that depends on the input (not affine)")
        return _Aff(_div(c, K, self), _div(M, K, self), a.epoch)

    def op_Add(self, node, at):
        return self._binary(node, "Add")

    def op_Sub(self, node, at):
        return self._binary(node, "Sub")

    def op_Mul(self, node, at):
        return self._binary(node, "Mul")

    def op_Div(self, node, at):
        return self._binary(node, "Div")

    def op_Neg(self, node, at):
        x = self.get(node.input[0])
        if isinstance(x, _Aff):
            self.check_epoch(x)
            return x.map(lambda t: -t)
        return -_exact(x)

    # -- linear algebra ---------------------------------------------------------------------------------
    def _matmul(self, x, y):
        ax, ay = isinstance(x, _Aff), isinstance(y, _Aff)
        if not ax and not ay:
            return _matmul(_exact(x), _exact(y))
        if ax and ay:
            raise self.err("multiplies two tensors that both depend on the input (not affine)")
        if ax:
            self.check_epoch(x)
            K = _exact(y)
            if K.ndim != 2:
                raise self.err(f"the constant factor must be a matrix, got shape {K.shape}")
            if x.shape[-1] != K.shape[0]:
                raise self.err(f"shapes {x.shape} and {K.shape} do not multiply")
            return _Aff(_matmul(x.c, K), _matmul(x.M, K), x.epoch)
        self.check_epoch(y)
        K = _exact(x)
        if K.ndim != 2:
            raise self.err(f"the constant factor must be a matrix, got shape {K.shape}")
        if y.shape[0 if len(y.shape) == 1 else -2] != K.shape[1]:
            raise self.err(f"shapes {K.shape} and {y.shape} do not multiply")
        if len(y.shape) == 1:
            return _Aff(_matmul(K, y.c), _matmul(y.M, K.T), y.epoch)
        return _Aff(_matmul(K, y.c), _matmul(K, y.M), y.epoch)

    def op_MatMul(self, node, at):
        return self._matmul(self.get(node.input[0]), self.get(node.input[1]))

    def op_Gemm(self, node, at):
        A, B = self.get(node.input[0]), self.get(node.input[1])

        def tr(v):
            if isinstance(v, _Aff):
                if len(v.shape) != 2:
                    raise self.err(f"Gemm needs 2-D operands, got shape {v.shape}")
                return v.map(lambda t: np.swapaxes(t, -1, -2))
            return np.asarray(v).T

        if at.get("transA", 0):
            A = tr(A)
        if at.get("transB", 0):
            B = tr(B)
        Y = self._matmul(A, B)
        alpha = Fraction(at.get("alpha", 1.0))
        if alpha != 1:
            Y = Y.map(lambda t: t * alpha) if isinstance(Y, _Aff) else Y * alpha
        if len(node.input) > 2 and node.input[2]:
            C = self.exact_const(node.input[2], "Gemm's C") * Fraction(at.get("beta", 1.0))
            if isinstance(Y, _Aff):
                shape = np.broadcast_shapes(Y.shape, C.shape)
                Y = _Aff(np.broadcast_to(Y.c, shape) + C, _bcast_M(Y.M, shape).copy(), Y.epoch)
            else:
                Y = Y + C
        return Y

    # -- shapes ------------------------------------------------------------------------------------
    def _reshape(self, x, shape):
        if isinstance(x, _Aff):
            n = x.M.shape[0]
            return _Aff(x.c.reshape(shape), np.ascontiguousarray(x.M).reshape((n,) + tuple(shape)), x.epoch)
        return np.asarray(x).reshape(shape)

    def op_Identity(self, node, at):
        return self.get(node.input[0])

    def op_Dropout(self, node, at):
        if len(node.input) > 2 and node.input[2]:
            mode = self.const(node.input[2], "Dropout's training_mode")
            if bool(np.asarray(mode).ravel()[0]):
                raise self.err("training_mode is true; only inference (identity) Dropout is exact")
        if len(node.output) > 1 and node.output[1]:
            return [self.get(node.input[0]), _Unsupported("the Dropout mask")]
        return self.get(node.input[0])

    def op_Flatten(self, node, at):
        x = self.get(node.input[0])
        S = np.shape(x.c if isinstance(x, _Aff) else x)
        axis = at.get("axis", 1)
        if axis < 0:
            axis += len(S)
        return self._reshape(x, (int(np.prod(S[:axis])), int(np.prod(S[axis:]))))

    def op_Reshape(self, node, at):
        x = self.get(node.input[0])
        S = np.shape(x.c if isinstance(x, _Aff) else x)
        target = [int(v) for v in np.asarray(self.const(node.input[1], "Reshape's shape")).ravel()]
        if not at.get("allowzero", 0):
            target = [S[i] if v == 0 else v for i, v in enumerate(target)]
        if target.count(-1) > 1:
            raise self.err("more than one -1 in the target shape")
        if -1 in target:
            known = int(np.prod([v for v in target if v != -1]))
            target[target.index(-1)] = int(np.prod(S)) // max(known, 1)
        if int(np.prod(target)) != int(np.prod(S)):
            raise self.err(f"cannot reshape {tuple(S)} to {tuple(target)}")
        return self._reshape(x, tuple(target))

    def op_Transpose(self, node, at):
        x = self.get(node.input[0])
        S = np.shape(x.c if isinstance(x, _Aff) else x)
        perm = list(at.get("perm", list(range(len(S)))[::-1]))
        if isinstance(x, _Aff):
            return _Aff(x.c.transpose(perm), x.M.transpose([0] + [p + 1 for p in perm]), x.epoch)
        return np.asarray(x).transpose(perm)

    def _axes(self, node, at, ndim):
        if "axes" in at:
            axes = list(at["axes"])
        elif len(node.input) > 1 and node.input[1]:
            axes = [int(v) for v in np.asarray(self.const(node.input[1], "axes")).ravel()]
        else:
            axes = None
        return None if axes is None else [a + ndim if a < 0 else a for a in axes]

    def op_Squeeze(self, node, at):
        x = self.get(node.input[0])
        S = list(np.shape(x.c if isinstance(x, _Aff) else x))
        axes = self._axes(node, at, len(S))
        if axes is None:
            axes = [i for i, s in enumerate(S) if s == 1]
        if any(S[a] != 1 for a in axes):
            raise self.err(f"cannot squeeze axes {axes} of shape {tuple(S)}")
        return self._reshape(x, tuple(s for i, s in enumerate(S) if i not in axes))

    def op_Unsqueeze(self, node, at):
        x = self.get(node.input[0])
        S = list(np.shape(x.c if isinstance(x, _Aff) else x))
        raw = self._axes(node, at, 0)
        if raw is None:
            raise self.err("Unsqueeze needs axes")
        axes = [a + len(S) + len(raw) if a < 0 else a for a in raw]
        out = list(S)
        for a in sorted(axes):
            out.insert(a, 1)
        return self._reshape(x, tuple(out))

    def op_Constant(self, node, at):
        if "value" in at:
            return _tensor_array(at["value"])
        for key in ("value_float", "value_floats", "value_int", "value_ints"):
            if key in at:
                return np.asarray(at[key], dtype=np.float64 if "float" in key else np.int64)
        raise self.err(f"unsupported Constant attribute(s) {sorted(at)}")

    # -- ReLU and the folded operators ---------------------------------------------------------------
    def op_Relu(self, node, at):
        x = self.get(node.input[0])
        if not isinstance(x, _Aff):
            return np.maximum(_exact(x), _ZERO)
        self.check_epoch(x)
        self.emit(x)
        self.epoch += 1
        return _identity(x.shape, self.epoch)

    def op_BatchNormalization(self, node, at):
        if at.get("training_mode", 0):
            raise self.err("training_mode is set; only inference BatchNormalization folds exactly")
        x = self.get(node.input[0])
        scale, bias, mean, var = (
            self.exact_const(node.input[k], name) for k, name in ((1, "scale"), (2, "B"), (3, "mean"), (4, "var"))
        )
        eps = Fraction(at.get("epsilon", 1e-5))
        factor = np.array([s * _rsqrt(v + eps) for s, v in zip(scale.ravel(), var.ravel())], dtype=object)
        shift = np.array([b - m * f for b, m, f in zip(bias.ravel(), mean.ravel(), factor)], dtype=object)
        S = np.shape(x.c if isinstance(x, _Aff) else x)
        if len(S) < 2 or S[1] != len(factor):
            raise self.err(f"input shape {tuple(S)} does not have {len(factor)} channels on axis 1")
        bshape = (1, len(factor)) + (1,) * (len(S) - 2)
        f, sh = factor.reshape(bshape), shift.reshape(bshape)
        if isinstance(x, _Aff):
            self.check_epoch(x)
            return _Aff(x.c * f + sh, x.M * f, x.epoch)
        return _exact(x) * f + sh

    def _dense_budget(self, n: int, out_elems: int, per_output: int) -> None:
        cost = n * out_elems * per_output
        if cost > MAX_DENSE_PRODUCTS:
            raise self.err(
                f"as a dense exact affine map this costs {cost:,} products (more than {MAX_DENSE_PRODUCTS:,}); "
                "the input is too large for an exact dense convolution"
            )

    def op_Conv(self, node, at):
        x = self.get(node.input[0])
        if not isinstance(x, _Aff):
            raise self.err("a Conv of a constant tensor is not supported")
        self.check_epoch(x)
        Wt = self.exact_const(node.input[1], "Conv's weight")
        S = x.shape
        d = len(S) - 2
        if d < 1 or Wt.ndim != d + 2:
            raise self.err(f"input shape {S} and weight shape {Wt.shape} do not fit a convolution")
        group = int(at.get("group", 1))
        ks = Wt.shape[2:]
        strides = list(at.get("strides", [1] * d))
        dil = list(at.get("dilations", [1] * d))
        pads = list(at.get("pads", [0] * (2 * d)))
        auto = at.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if auto in ("SAME_UPPER", "SAME_LOWER"):
            pads = [0] * (2 * d)
            for i in range(d):
                out = -(-S[2 + i] // strides[i])
                total = max(0, (out - 1) * strides[i] + dil[i] * (ks[i] - 1) + 1 - S[2 + i])
                lo = total // 2 if auto == "SAME_UPPER" else total - total // 2
                pads[i], pads[i + d] = lo, total - lo
        elif auto == "VALID":
            pads = [0] * (2 * d)
        if S[1] != Wt.shape[1] * group:
            raise self.err(f"input has {S[1]} channels, weight expects {Wt.shape[1] * group}")
        n = x.M.shape[0]
        out_sp = [(S[2 + i] + pads[i] + pads[i + d] - dil[i] * (ks[i] - 1) - 1) // strides[i] + 1 for i in range(d)]
        self._dense_budget(n + 1, S[0] * Wt.shape[0] * int(np.prod(out_sp)), Wt.shape[1] * int(np.prod(ks)))
        iW, dW = _scaled(Wt)
        stacked = np.concatenate([x.c[None], x.M], axis=0)  # (n+1, N, C, ...)
        iX, dX = _scaled(stacked)
        flat = iX.reshape((-1,) + S[1:])
        out = _conv_linear(flat, iW, strides, pads, dil, group)
        out = _unscale(out, dW * dX).reshape((n + 1, S[0]) + out.shape[1:])
        c, M = out[0], out[1:]
        if len(node.input) > 2 and node.input[2]:
            B = self.exact_const(node.input[2], "Conv's bias")
            c = c + B.reshape((1, -1) + (1,) * d)
        return _Aff(c, M, x.epoch)

    def op_AveragePool(self, node, at):
        x = self.get(node.input[0])
        if not isinstance(x, _Aff):
            raise self.err("an AveragePool of a constant tensor is not supported")
        self.check_epoch(x)
        if at.get("ceil_mode", 0):
            raise self.err("ceil_mode = 1 is not supported")
        S = x.shape
        d = len(S) - 2
        ks = list(at["kernel_shape"])
        strides = list(at.get("strides", [1] * d))
        dil = list(at.get("dilations", [1] * d))
        pads = list(at.get("pads", [0] * (2 * d)))
        auto = at.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if auto not in ("NOTSET", "VALID"):
            raise self.err(f"auto_pad = {auto} is not supported")
        C = S[1]
        ones = np.full((C, 1) + tuple(ks), 1, dtype=object)
        n = x.M.shape[0]
        out_sp = [(S[2 + i] + pads[i] + pads[i + d] - dil[i] * (ks[i] - 1) - 1) // strides[i] + 1 for i in range(d)]
        self._dense_budget(n + 1, S[0] * C * int(np.prod(out_sp)), int(np.prod(ks)))
        stacked = np.concatenate([x.c[None], x.M], axis=0)
        iX, dX = _scaled(stacked)
        summed = _conv_linear(iX.reshape((-1,) + S[1:]), ones, strides, pads, dil, C)
        if at.get("count_include_pad", 0):
            count = np.full(summed.shape[1:], int(np.prod(ks)), dtype=object)
        else:
            cnt = _conv_linear(np.full((1,) + S[1:], 1, dtype=object), ones, strides, pads, dil, C)
            count = cnt[0]
        out = np.array([Fraction(int(v), dX * int(k)) for v, k in zip(summed.reshape(summed.shape[0], -1).ravel(),
                        np.broadcast_to(count.ravel(), (summed.shape[0], count.size)).ravel())],
                       dtype=object).reshape((n + 1, S[0]) + summed.shape[1:])
        return _Aff(out[0], out[1:], x.epoch)

    def op_GlobalAveragePool(self, node, at):
        x = self.get(node.input[0])
        if not isinstance(x, _Aff):
            raise self.err("a GlobalAveragePool of a constant tensor is not supported")
        self.check_epoch(x)
        S = x.shape
        axes = tuple(range(2, len(S)))
        cnt = int(np.prod(S[2:]))

        def f(t):
            ax = tuple(a + t.ndim - len(S) for a in axes)
            return t.sum(axis=ax, keepdims=True) / cnt

        return x.map(f)


class _Unsupported:
    def __init__(self, what: str):
        self.what = what


def _div(a: np.ndarray, b: np.ndarray, imp: _Importer) -> np.ndarray:
    if any(v == 0 for v in np.asarray(b).ravel()):
        raise imp.err("divides by zero")
    return a / b


def onnx_layers(model: Any) -> list[tuple[list[list[Fraction]], list[Fraction]]]:
    """The exact affine layers ``(W, b)`` of an ONNX model (a path or a ``ModelProto``), the
    hidden ones first: what :meth:`ReLUNetwork.from_onnx <polyrelu.network.ReLUNetwork.from_onnx>`
    builds its network from.

    The model must be a chain of affine operators and ``Relu`` with one input and one output (see
    the module docstring for the operators); the output layer is the affine map after the last
    ``Relu``.  The input tensor is flattened in C order (a batch axis of size 1 is dropped), so
    ``net(x)`` equals the model on ``x.reshape(input shape)``.

    >>> layers = onnx_layers("data/acasxu/ACASXU_run2a_1_1_batch_2000.onnx")
    >>> [len(W) for W, b in layers], type(layers[0][0][0][0]).__name__
    ([50, 50, 50, 50, 50, 50, 5], 'Fraction')
    >>> from polyrelu import ReLUNetwork
    >>> net = ReLUNetwork(layers)
    >>> net, float(net([0, 0, 0, 0, 0])[0])
    (ReLUNetwork(5 -> [50, 50, 50, 50, 50, 50] -> 5), -0.0211...)
    """
    try:
        import onnx
    except ImportError:  # pragma: no cover
        raise InvalidInputError("reading ONNX files needs the onnx package: pip install onnx") from None
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        if not path.exists():
            raise InvalidInputError(f"no such ONNX file: {path}")
        try:
            proto = onnx.load(str(path))
        except Exception as e:
            raise InvalidInputError(f"{path}: not a readable ONNX model ({e})") from None
        source = str(path)
    else:
        proto, source = model, "ONNX model"
    imp = _Importer(proto, source)
    return imp.run()
