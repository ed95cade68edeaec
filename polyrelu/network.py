"""Exact ReLU networks.

A :class:`ReLUNetwork` is a list of affine layers ``(W, b)`` with exact rational entries; every
layer but the last is followed by ReLU, the last is affine.  Row ``i`` of ``W`` is neuron ``i``
of that layer, so layer ``l`` maps R^{n_{l-1}} to R^{n_l}.

>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> net
ReLUNetwork(2 -> [3] -> 1)
>>> net([Fraction(1, 2), Fraction(1, 2)])
(Fraction(1, 1),)
>>> net.activation_pattern([2, 3])
((1, 1, 1),)
"""
from __future__ import annotations

import json
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import validate as v
from .exact import (
    EmptyDomainError,
    InvalidInputError,
    PolyreluError,
    check_format,
    fraction_to_str,
    shorten,
    to_matrix,
    to_vector,
)
from .importers import sklearn_layers, torch_layers
from .linalg import rank
from .onnx_import import onnx_layers
from .polytope import Polytope

__all__ = ["ReLUNetwork", "Layer", "load_network", "domain_from_json", "domain_to_json", "resolve_domain",
           "register_complex_builder", "pad_depth", "difference_network", "slice_network", "default_plane"]

Matrix = tuple[tuple[Fraction, ...], ...]
Vector = tuple[Fraction, ...]
Layer = tuple[Matrix, Vector]

FORMAT = "polyrelu-network"

#: The default ``domain`` of everything that takes a network and a domain: the network's own
#: domain if it has one (:attr:`ReLUNetwork.domain`), else all of R^n (see :func:`resolve_domain`).
NETWORK_DOMAIN = "network"

_ZERO = Fraction(0)


class ReLUNetwork:
    """An immutable feed-forward ReLU network with exact rational weights.

    ``layers`` is a sequence of ``(W, b)`` pairs (nested lists, numpy arrays, strings "p/q",
    Fractions, floats -- converted exactly unless ``rationalize`` is given).  ``domain`` is an
    optional input domain the network is studied on (a :class:`~polyrelu.polytope.Polytope`).

    >>> ReLUNetwork([([[1, 2]], [0]), ([[1], [1]], [0, 0])]).widths
    (1,)
    """

    __slots__ = ("_layers", "_domain", "__weakref__", "_cache")

    def __init__(self, layers: Iterable[Any], *, domain: Any = None, rationalize: bool | int = False):
        layers = list(layers)
        if not layers:
            raise InvalidInputError("a network needs at least one layer")
        out: list[Layer] = []
        prev = None
        for l, layer in enumerate(layers, start=1):
            if isinstance(layer, dict):
                W, b = layer.get("weights"), layer.get("bias")
            else:
                try:
                    W, b = layer
                except (TypeError, ValueError):
                    raise InvalidInputError(f"layer {l} must be a pair (W, b)") from None
            W = to_matrix(W, rationalize=rationalize, name=f"layer {l} weights")
            if not W or not W[0]:
                raise InvalidInputError(f"layer {l} weights are empty")
            b = to_vector(b, len(W), rationalize=rationalize, name=f"layer {l} bias")
            if prev is not None and len(W[0]) != prev:
                raise InvalidInputError(
                    f"layer {l} weights have {len(W[0])} columns but layer {l - 1} has {prev} neurons"
                )
            prev = len(W)
            out.append((W, b))
        self._layers = tuple(out)
        self._cache = {}
        if domain is not None:
            if not isinstance(domain, Polytope):
                raise InvalidInputError("domain must be a Polytope (or None for all of R^n)")
            if domain.ambient_dim != self.input_dim:
                raise InvalidInputError(
                    f"domain lives in R^{domain.ambient_dim} but the network has {self.input_dim} inputs"
                )
        self._domain = domain

    # -- shape -----------------------------------------------------------------
    @property
    def layers(self) -> tuple[Layer, ...]:
        """All affine layers ``(W, b)``, hidden ones first, the output layer last.

        >>> ReLUNetwork([([[1, 2]], [3]), ([[4]], [0])]).layers[0]
        (((Fraction(1, 1), Fraction(2, 1)),), (Fraction(3, 1),))
        """
        return self._layers

    @property
    def hidden_layers(self) -> tuple[Layer, ...]:
        """The layers followed by ReLU (all but the output layer).

        >>> len(ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).hidden_layers)
        1
        """
        return self._layers[:-1]

    @property
    def input_dim(self) -> int:
        """The number of inputs ``n_0``.

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).input_dim
        2
        """
        return len(self._layers[0][0][0])

    @property
    def output_dim(self) -> int:
        """The number of outputs.

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).output_dim
        1
        """
        return len(self._layers[-1][0])

    @property
    def widths(self) -> tuple[int, ...]:
        """Hidden widths ``(n_1, ..., n_L)``.

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).widths
        (3,)
        """
        return tuple(len(W) for W, _ in self._layers[:-1])

    @property
    def depth(self) -> int:
        """Number of affine layers (Arora et al.'s depth: hidden layers + 1).

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).depth
        2
        """
        return len(self._layers)

    @property
    def size(self) -> int:
        """Number of hidden units.

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).size
        3
        """
        return sum(self.widths)

    @property
    def domain(self) -> Polytope | None:
        """The input domain attached to the network (a Polytope), or ``None`` (all of R^n).

        >>> ReLUNetwork([([[1]], [0]), ([[1]], [0])], domain=Polytope.box([0], [1])).domain.as_box()
        ((Fraction(0, 1),), (Fraction(1, 1),))
        """
        return self._domain

    def neurons(self) -> list[tuple[int, int]]:
        """All hidden neurons as ``(layer, unit)``, layers counted from 1.

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).neurons()
        [(1, 0), (1, 1), (1, 2)]
        """
        return [(l, i) for l, w in enumerate(self.widths, start=1) for i in range(w)]

    def with_domain(self, domain: Polytope | None) -> "ReLUNetwork":
        """The same layers with another input domain (``None``: all of R^n).

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).with_domain(Polytope.box([0, 0], [1, 1])).domain.as_box()[1]
        (Fraction(1, 1), Fraction(1, 1))
        """
        return ReLUNetwork(self._layers, domain=domain)

    # -- evaluation --------------------------------------------------------------
    def _check_point(self, x: Any) -> Vector:
        return to_vector(x, self.input_dim, name="input point")

    def preactivations(self, x: Any) -> tuple[Vector, ...]:
        """Exact pre-activations ``z^l`` of every hidden layer at ``x``.

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).preactivations([2, "1/2"])
        ((Fraction(2, 1), Fraction(1, 2), Fraction(3, 2)),)
        """
        v = self._check_point(x)
        zs = []
        for W, b in self._layers[:-1]:
            z = tuple(sum((w * xi for w, xi in zip(row, v)), bi) for row, bi in zip(W, b))
            zs.append(z)
            v = tuple(zi if zi > 0 else Fraction(0) for zi in z)
        return tuple(zs)

    def __call__(self, x: Any) -> Vector:
        """Evaluate the network exactly at ``x``."""
        v = self._check_point(x)
        for W, b in self._layers[:-1]:
            v = tuple(max(sum((w * xi for w, xi in zip(row, v)), bi), Fraction(0)) for row, bi in zip(W, b))
        W, b = self._layers[-1]
        return tuple(sum((w * xi for w, xi in zip(row, v)), bi) for row, bi in zip(W, b))

    def activation_pattern(self, x: Any) -> tuple[tuple[int, ...], ...]:
        """Sign (+1, 0, -1) of every hidden neuron's pre-activation at ``x``, per layer.

        >>> ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]).activation_pattern([1, 0])
        ((1, 0, 0),)
        """
        return tuple(tuple((z > 0) - (z < 0) for z in zl) for zl in self.preactivations(x))

    def _compose(self, pattern: Sequence[Sequence[int]], preactivations: bool):
        """The maps of the region with this pattern, composed layer by layer: the per-layer
        pre-activations ``(G^l, h^l)`` (only if asked for) and the affine map ``(A, c)`` of the
        last hidden layer's outputs (spec section 1.1: ``A^0 = I``, ``G^l = W^l A^{l-1}``,
        ``h^l = W^l c^{l-1} + b^l``, ``A^l = D^l G^l``, ``c^l = D^l h^l``; entries > 0 are active)."""
        if len(pattern) != len(self.widths):
            raise InvalidInputError(f"pattern has {len(pattern)} layers, network has {len(self.widths)}")
        n = self.input_dim
        A = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        c = [_ZERO] * n
        pre = []
        for (W, b), s in zip(self._layers[:-1], pattern):
            if len(s) != len(W):
                raise InvalidInputError(f"pattern layer has {len(s)} entries, layer has {len(W)} neurons")
            G, h, newA, newc = [], [], [], []
            for row, bi, si in zip(W, b, s):
                if si > 0 or preactivations:  # an inactive unit's pre-activation is needed only if asked for
                    g = tuple(sum((w * A[k][j] for k, w in enumerate(row) if w), _ZERO) for j in range(n))
                    hi = sum((w * c[k] for k, w in enumerate(row) if w), bi)
                    G.append(g)
                    h.append(hi)
                newA.append(g if si > 0 else (_ZERO,) * n)
                newc.append(hi if si > 0 else _ZERO)
            if preactivations:
                pre.append((tuple(G), tuple(h)))
            A, c = newA, newc
        return tuple(pre), (A, c)

    def preactivation_maps(self, pattern: Sequence[Sequence[int]]) -> tuple[tuple[Matrix, Vector], ...]:
        """The exact pre-activations ``z^l = G^l x + h^l`` of every hidden layer on the region with
        this 0/1 (or sign) pattern, as ``(G^l, h^l)`` per layer; entries > 0 count as active.

        >>> net = ReLUNetwork([([[1, 0]], [0]), ([[2]], [-1]), ([[1]], [0])])
        >>> net.preactivation_maps([(1,), (1,)])[1]
        (((Fraction(2, 1), Fraction(0, 1)),), (Fraction(-1, 1),))
        """
        return self._compose(pattern, True)[0]

    def affine_map(self, pattern: Sequence[Sequence[int]]) -> tuple[Matrix, Vector]:
        """The exact affine map ``(A, c)`` computed on the region with this 0/1 (or sign) pattern.

        Entries > 0 count as active.  (Heinecke--Hwang's configuration map.)

        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> net.affine_map([(1, 0, 1)])
        (((Fraction(-1, 1), Fraction(-2, 1)),), (Fraction(2, 1),))
        """
        _, (A, c) = self._compose(pattern, False)
        n = self.input_dim
        W, b = self._layers[-1]
        outA = tuple(tuple(sum((w * A[k][j] for k, w in enumerate(row) if w), _ZERO) for j in range(n)) for row in W)
        outc = tuple(sum((w * c[k] for k, w in enumerate(row) if w), bi) for row, bi in zip(W, b))
        return outA, outc

    # returns a PolyhedralComplex; annotated Any because the complex sits above the network (not
    # even a type-only import goes up: the builder is registered by polyrelu.complex)
    def complex(self, domain: Any = NETWORK_DOMAIN, **options: Any) -> Any:
        """The exact :class:`~polyrelu.complex.PolyhedralComplex` of this network inside ``domain``:
        ``PolyhedralComplex.from_network(self, domain, **options)`` (see there for the options).

        ``domain`` is a Polytope, ``None`` for all of R^n, or (default) the network's own domain
        (:func:`resolve_domain`).  The complex lives in a layer above the network, which registers
        its constructor here when :mod:`polyrelu` is imported (:func:`register_complex_builder`).

        >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
        >>> len(net.complex()), len(net.complex(domain=Polytope.box([1, 1], [2, 2])))
        (4, 1)
        """
        if _complex_builder is None:  # pragma: no cover - importing polyrelu.network imports the package
            raise PolyreluError("no complex builder is registered: import polyrelu (it registers polyrelu.complex)")
        return _complex_builder(self, domain, **options)

    # -- comparison / hashing ------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReLUNetwork) and self._layers == other._layers

    def __hash__(self) -> int:
        return hash(self._layers)

    def __repr__(self) -> str:
        return f"ReLUNetwork({self.input_dim} -> {list(self.widths)} -> {self.output_dim})"

    # -- construction from other objects ---------------------------------------------
    @classmethod
    def from_torch(cls, module: Any, **kw) -> "ReLUNetwork":
        """Build from a PyTorch ``nn.Sequential`` of ``Linear``, ``ReLU``, ``BatchNorm1d`` (eval mode,
        folded exactly into the neighbouring affine map), ``Flatten``, ``Identity`` and ``Dropout``
        (eval mode) modules (see :func:`polyrelu.importers.torch_layers`).

        Weights convert exactly (a float32 is a dyadic rational).  Two ``Linear`` layers must be
        separated by a ``ReLU``; the last module must be affine.  The first unsupported module is
        named in the error.

        >>> import torch
        >>> seq = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2, 3), torch.nn.ReLU(),
        ...                           torch.nn.Dropout(0.5), torch.nn.Linear(3, 1)).eval()
        >>> ReLUNetwork.from_torch(seq)
        ReLUNetwork(2 -> [3] -> 1)
        >>> ReLUNetwork.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh()))
        Traceback (most recent call last):
        ...
        polyrelu.exact.InvalidInputError: module 1 is Tanh; supported: Linear, ReLU, BatchNorm1d, Flatten, Identity, Dropout
        """
        return cls(torch_layers(module), **kw)

    @classmethod
    def from_onnx(cls, model: Any) -> "ReLUNetwork":
        """The exact network of an ONNX file or ``ModelProto`` (its layers are read by
        :func:`polyrelu.onnx_import.onnx_layers`; see that module for the operators).

        >>> ReLUNetwork.from_onnx("data/acasxu/ACASXU_run2a_3_3_batch_2000.onnx")
        ReLUNetwork(5 -> [50, 50, 50, 50, 50, 50] -> 5)
        """
        return cls(onnx_layers(model))

    @classmethod
    def from_sklearn(cls, model: Any) -> "ReLUNetwork":
        """The exact network of a fitted scikit-learn ``MLPClassifier``/``MLPRegressor`` (ReLU).

        Outputs are the logits before softmax/logistic (see :func:`polyrelu.importers.sklearn_layers`).

        >>> import warnings
        >>> from sklearn.neural_network import MLPRegressor
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = MLPRegressor(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit([[0], [1], [2]], [0, 1, 0])
        >>> ReLUNetwork.from_sklearn(m)
        ReLUNetwork(1 -> [3] -> 1)
        """
        return cls(sklearn_layers(model))

    def restrict(self, A: Any, c: Any = None) -> "ReLUNetwork":
        """The exact network ``y -> net(A y + c)`` on an affine subspace of the input space.

        ``net.restrict(points)`` with ``k + 1`` affinely independent points ``p0, ..., pk`` (two for a
        line, three for a plane) uses the coordinates ``x = p0 + s1 (p1 - p0) + ... + sk (pk - p0)``;
        ``net.restrict(A, c)`` takes an ``n x k`` matrix ``A`` and a point ``c`` (``x = A y + c``).
        Only the first layer changes (``W A`` and ``b + W c``).  A domain of the network becomes its
        exact preimage in the new coordinates.

        >>> net = ReLUNetwork([([[1, 0, 1], [0, 1, -1]], [0, 1]), ([[1, -1]], [0])])
        >>> s = net.restrict([[0, 0, 1], [1, 0, 1], [0, 1, 1]])
        >>> s, s.layers[0]
        (ReLUNetwork(2 -> [2] -> 1), (((Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1))), (Fraction(1, 1), Fraction(0, 1))))
        >>> s([Fraction(1, 3), 2]) == net([Fraction(1, 3), 2, 1])
        True
        >>> net.restrict([[1], [0], [0]], [0, 0, 5]).layers[0]
        (((Fraction(1, 1),), (Fraction(0, 1),)), (Fraction(5, 1), Fraction(-4, 1)))
        """
        n = self.input_dim
        if c is None:
            pts = to_matrix(A, (None, n), name="restrict points")
            if len(pts) < 2:
                raise InvalidInputError(f"restrict needs at least 2 points, got {len(pts)}")
            p0 = pts[0]
            cols = [[a - b for a, b in zip(p, p0)] for p in pts[1:]]
            if rank(cols) < len(cols):
                how = {2: "equal", 3: "collinear"}.get(len(pts), "affinely dependent")
                what = {2: "a line", 3: "a plane"}.get(len(pts), f"a {len(cols)}-dimensional subspace")
                raise InvalidInputError(f"the {len(pts)} points are {how}: they do not span {what}")
            Amat = [[cols[j][i] for j in range(len(cols))] for i in range(n)]
            cvec = p0
        else:
            Amat = to_matrix(A, (n, None), name="restrict A")
            cvec = to_vector(c, n, name="restrict c")
        k = len(Amat[0])
        (W, b), rest = self._layers[0], self._layers[1:]
        W2 = [[sum((w * Amat[i][j] for i, w in enumerate(row) if w), Fraction(0)) for j in range(k)] for row in W]
        b2 = [bi + sum((w * ci for w, ci in zip(row, cvec) if w), Fraction(0)) for row, bi in zip(W, b)]
        dom = None
        if self._domain is not None:
            dom = self._domain.preimage(Amat, cvec)
        return ReLUNetwork([(W2, b2), *rest], domain=dom)

    def to_torch(self) -> Any:
        """A float64 ``nn.Sequential`` computing (a rounding of) this network.

        >>> ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])]).to_torch()
        Sequential(
          (0): Linear(in_features=1, out_features=2, bias=True)
          (1): ReLU()
          (2): Linear(in_features=2, out_features=1, bias=True)
        )
        """
        import torch
        import torch.nn as nn

        mods = []
        for k, (W, b) in enumerate(self._layers):
            lin = nn.Linear(len(W[0]), len(W), dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor([[float(w) for w in r] for r in W], dtype=torch.float64))
                lin.bias.copy_(torch.tensor([float(x) for x in b], dtype=torch.float64))
            mods.append(lin)
            if k < len(self._layers) - 1:
                mods.append(nn.ReLU())
        return nn.Sequential(*mods)

    # -- files -----------------------------------------------------------------------
    def to_json_dict(self) -> dict:
        """The network as exact JSON data (the ``polyrelu-network`` format, docs/formats.md).

        >>> ReLUNetwork([([[1, "1/2"]], [0]), ([[2]], [1])]).to_json_dict()["layers"][0]
        {'weights': [['1', '1/2']], 'bias': ['0']}
        """
        d: dict = {
            "format": FORMAT,
            "version": 1,
            "layers": [
                {"weights": [[fraction_to_str(w) for w in row] for row in W], "bias": [fraction_to_str(x) for x in b]}
                for W, b in self._layers
            ],
        }
        if self._domain is not None:
            d["domain"] = domain_to_json(self._domain)
        return d

    def save(self, path: str | os.PathLike) -> None:
        """Save as ``.json`` (exact "p/q" strings) or ``.npz`` (float64 arrays: refused unless every weight is a double).

        >>> import os, tempfile
        >>> net = ReLUNetwork([([[1, "1/3"]], [0]), ([[2]], [1])])
        >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
        >>> net.save(path); ReLUNetwork.load(path) == net
        True
        >>> net.save(path[:-5] + ".npz")
        Traceback (most recent call last):
        ...
        polyrelu.exact.InvalidInputError: layer 1 has the weight 1/3, which a float64 cannot hold exactly; save as .json to keep the network exact
        """
        path = Path(path)
        if path.suffix == ".npz":
            import numpy as np

            for k, (W, b) in enumerate(self._layers):
                for q in [x for row in W for x in row] + list(b):
                    if Fraction(float(q)) != q:
                        raise InvalidInputError(
                            f"layer {k + 1} has the weight {fraction_to_str(q)}, which a float64 cannot "
                            "hold exactly; save as .json to keep the network exact"
                        )
            arrays = {}
            for k, (W, b) in enumerate(self._layers):
                arrays[f"W{k}"] = np.array([[float(w) for w in r] for r in W])
                arrays[f"b{k}"] = np.array([float(x) for x in b])
            np.savez(path, **arrays)
            return
        path.write_text(json.dumps(self.to_json_dict(), indent=1) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike, *, rationalize: bool | int = False) -> "ReLUNetwork":
        """Load a network file (``.json`` in the polyrelu-network format, ``.npz`` or ``.onnx``):
        :func:`load_network`.

        >>> ReLUNetwork.load("data/acasxu/ACASXU_run2a_1_1_batch_2000.onnx").widths
        (50, 50, 50, 50, 50, 50)
        """
        return load_network(path, rationalize=rationalize)

    @classmethod
    def from_json_dict(cls, d: Any, *, source: str = "network", rationalize: bool | int = False) -> "ReLUNetwork":
        """Build from the parsed ``polyrelu-network`` JSON object; every entry is checked (validate.py).

        >>> ReLUNetwork.from_json_dict({"format": "polyrelu-network", "version": 1,
        ...     "layers": [{"weights": [[1, "1/2"]], "bias": [0]}, {"weights": [["2"]], "bias": [1]}]})
        ReLUNetwork(2 -> [1] -> 1)
        >>> ReLUNetwork.from_json_dict({"format": "polyrelu-network", "version": 1,
        ...     "layers": [{"weights": "12", "bias": [0]}]}, source="net.json")
        Traceback (most recent call last):
        ...
        polyrelu.exact.InvalidInputError: net.json: layers[0].weights: expected a list of rows (lists of numbers), got a string '12'
        """
        check_format(d, FORMAT, source)
        layers = v.expect_list(d.get("layers"), f"{source}: layers", "a non-empty list of layers")
        if not layers:
            raise InvalidInputError(f"{source}: 'layers' must be a non-empty list")
        parsed = []
        for k, layer in enumerate(layers):
            where = f"{source}: layers[{k}]"
            v.expect_object(layer, where, "an object with 'weights' and 'bias'")
            if "weights" not in layer or "bias" not in layer:
                raise InvalidInputError(f"{where} must have 'weights' and 'bias'")
            W = v.matrix(layer["weights"], f"{where}.weights", rationalize=rationalize)
            if not W or not W[0]:
                raise InvalidInputError(f"{where}.weights: expected at least one row of at least one number")
            if parsed and len(W[0]) != len(parsed[-1][0]):
                raise InvalidInputError(
                    f"{where}.weights: rows have {len(W[0])} entries but layers[{k - 1}] has "
                    f"{len(parsed[-1][0])} neurons"
                )
            b = v.vector(layer["bias"], f"{where}.bias", length=len(W), rationalize=rationalize)
            parsed.append((W, b))
        try:
            net = cls(parsed)
        except InvalidInputError as e:
            raise InvalidInputError(f"{source}: {e}") from None
        if "domain" in d and d["domain"] is not None:
            dom = domain_from_json(d["domain"], net.input_dim, source=f"{source}: domain")
            net = cls(net.layers, domain=dom)
        return net


def _load_npz(path: Path, rationalize: bool | int) -> ReLUNetwork:
    """The network of an ``.npz`` file holding exactly W0, b0, ..., W{L-1}, b{L-1} (no gaps, nothing else)."""
    import numpy as np

    v.read_bytes(path, "network file")  # the same refusals as every loader: missing, directory, unreadable
    # allow_pickle=False: an .npz from a stranger must never run code (object arrays are refused).
    # A damaged archive raises whatever zipfile, zlib or numpy's header parser meets first
    # (BadZipFile, zlib.error, EOFError, NotImplementedError for an unknown zip version, ...),
    # so every ordinary exception while reading counts as "not readable"
    broken = (Exception, MemoryError)
    try:
        data = np.load(path, allow_pickle=False)
        names = list(data.files)
    except broken as e:
        raise InvalidInputError(f"{path}: not a readable .npz file ({type(e).__name__}: {shorten(str(e))})") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise InvalidInputError(f"{path}: a single .npy array, expected an .npz archive with W0, b0, W1, b1, ...")
    with data:
        pattern = re.compile(r"([Wb])(0|[1-9][0-9]{0,5})\Z")
        found: dict[tuple[str, int], str] = {}
        for name in names:
            m = pattern.match(name)
            if m is None:
                raise InvalidInputError(
                    f"{path}: unexpected array {name!r} (a network .npz holds only W0, b0, W1, b1, ...)"
                )
            found[(m.group(1), int(m.group(2)))] = name
        L = 1 + max((k for _, k in found), default=-1)
        if L == 0:
            raise InvalidInputError(f"{path}: no arrays W0, b0, ... found")
        missing = [f"{c}{k}" for k in range(L) for c in "Wb" if (c, k) not in found]
        if missing:
            # a gap (W0, b0, W2, b2) or a stray b2 would otherwise silently drop layers
            raise InvalidInputError(
                f"{path}: holds {', '.join(sorted(names))} but {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing; a network .npz holds W0, b0, ..., "
                f"W{L - 1}, b{L - 1} with none left out"
            )
        layers = []
        for k in range(L):
            pair = []
            for c, ndim in (("W", 2), ("b", 1)):
                name = f"{c}{k}"
                try:
                    a = data[name]
                except broken as e:
                    raise InvalidInputError(
                        f"{path}: array {name} cannot be read ({type(e).__name__}: {shorten(str(e), 100)})"
                    ) from None
                pair.append(v.numeric_array(a, f"{path}: {name}", ndim))
            layers.append(tuple(pair))
    try:
        return ReLUNetwork(layers, rationalize=rationalize)
    except InvalidInputError as e:
        raise InvalidInputError(f"{path}: {e}") from None


def load_network(path: str | os.PathLike, *, rationalize: bool | int = False) -> ReLUNetwork:
    """Load a network from a ``.json`` (polyrelu-network) or ``.npz`` (W0, b0, W1, b1, ...) file.

    >>> load_network("/")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: /: is a directory, expected a network file
    """
    path = Path(path)
    if path.suffix == ".onnx":
        return ReLUNetwork.from_onnx(path)
    if path.suffix == ".npz":
        return _load_npz(path, rationalize)
    d = v.read_json(path, "network file")
    return ReLUNetwork.from_json_dict(d, source=str(path), rationalize=rationalize)


def domain_from_json(d: Any, dim: int | None = None, *, source: str = "domain") -> Polytope:
    """Parse a domain object: ``{"box": [[lo...], [hi...]]}`` or ``{"inequalities": {"A": ..., "b": ...}}``.

    A file holding ``{"domain": {...}}`` is accepted too.  Exactly one of ``box`` and
    ``inequalities`` may be given (with both, which one is meant is not clear).

    >>> domain_from_json({"box": [[0, 0], [1, "1/2"]]})
    Polytope(dim=2 in R^2, bounded, 4 vertices, 4 facets)
    >>> domain_from_json({"inequalities": {"A": ["12", "34"], "b": "56"}}, source="dom.json")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: dom.json: inequalities.A[0]: expected a list of numbers, got a string '12'
    """
    if isinstance(d, dict) and "domain" in d and "box" not in d and "inequalities" not in d:
        d = d["domain"]
    v.expect_object(d, source, "an object with 'box' or 'inequalities'")
    # the JSON path of an entry continues the source's path ("net.json: domain.box[0]") or starts one
    sub = f"{source}." if ": " in source else f"{source}: "
    if "box" in d and "inequalities" in d:
        raise InvalidInputError(f"{source}: has both 'box' and 'inequalities'; give one of them")
    if "box" in d:
        box = d["box"]
        if not (isinstance(box, list) and len(box) == 2 and all(isinstance(r, list) for r in box)):
            raise InvalidInputError(f"{source}: 'box' must be [[lo, ...], [hi, ...]], got {v.describe(box)}")
        lo = v.vector(box[0], f"{sub}box[0]")
        hi = v.vector(box[1], f"{sub}box[1]")
        if len(lo) != len(hi):
            raise InvalidInputError(f"{source}: box corners have lengths {len(lo)} and {len(hi)}")
        if dim is not None and len(lo) != dim:
            raise InvalidInputError(f"{source}: box is in R^{len(lo)} but the network has {dim} inputs")
        return Polytope.box(lo, hi)
    if "inequalities" in d:
        ineq = d["inequalities"]
        if not isinstance(ineq, dict) or "A" not in ineq or "b" not in ineq:
            raise InvalidInputError(f"{source}: 'inequalities' must be {{'A': [[...]], 'b': [...]}}")
        A = v.matrix(ineq["A"], f"{sub}inequalities.A", cols=dim)
        if not A or not A[0]:
            raise InvalidInputError(f"{sub}inequalities.A: expected at least one row of at least one number")
        b = v.vector(ineq["b"], f"{sub}inequalities.b", length=len(A))
        P = Polytope.from_inequalities(A, b)
        if P.is_empty:
            raise EmptyDomainError(f"{source}: the inequalities describe an empty set")
        return P
    raise InvalidInputError(f"{source}: expected 'box' or 'inequalities', got keys {sorted(map(str, d))}")


def domain_to_json(P: Polytope) -> dict:
    """The file form of a domain polytope (a box if it is an axis-parallel box, else inequalities).

    >>> domain_to_json(Polytope.box([0, 0], [1, "1/2"]))
    {'box': [['0', '0'], ['1', '1/2']]}
    >>> domain_from_json(domain_to_json(Polytope.simplex(2))) == Polytope.simplex(2)
    True
    """
    box = P.as_box() if hasattr(P, "as_box") else None
    if box is not None:
        lo, hi = box
        return {"box": [[fraction_to_str(x) for x in lo], [fraction_to_str(x) for x in hi]]}
    A, b = P.inequalities
    return {"inequalities": {"A": [[fraction_to_str(x) for x in r] for r in A], "b": [fraction_to_str(x) for x in b]}}


def slice_network(net: ReLUNetwork, p0: Sequence[Any], p1: Sequence[Any], p2: Sequence[Any]) -> ReLUNetwork:
    """The restriction of ``net`` to the plane ``x = p0 + s (p1 - p0) + t (p2 - p0)``, as an exact
    2-D network in ``(s, t)`` (``net.restrict([p0, p1, p2])``).

    >>> net = ReLUNetwork([([[1, 0, 1], [0, 1, -1]], [0, 1]), ([[1, -1]], [0])])
    >>> slice_network(net, [0, 0, 1], [1, 0, 1], [0, 1, 1]) == net.restrict([[0, 0, 1], [1, 0, 1], [0, 1, 1]])
    True
    """
    n = net.input_dim
    pts = [to_vector(p, n, name=f"plane point p{k}") for k, p in enumerate((p0, p1, p2))]
    return net.restrict(pts)


def default_plane(lo: Sequence[Any], hi: Sequence[Any]) -> tuple[tuple[list[Fraction], list[Fraction], list[Fraction]], tuple[list[Fraction], list[Fraction]]]:
    """The plane through the middle of a box in which ``(s, t)`` are the coordinates ``x1, x2``:
    returns ``(p0, p1, p2)`` and the ``(s, t)`` box ``([lo1, lo2], [hi1, hi2])``.

    >>> (p0, p1, p2), st_box = default_plane([0, 0, 0], [1, 2, 1])
    >>> [str(x) for x in p0], st_box
    (['0', '0', '1/2'], ([Fraction(0, 1), Fraction(0, 1)], [Fraction(1, 1), Fraction(2, 1)]))
    """
    lo = to_vector(lo, name="box lower corner")
    hi = to_vector(hi, len(lo), name="box upper corner")
    n = len(lo)
    if n < 3:
        raise InvalidInputError("a slicing plane is for inputs of dimension 3 or more")
    mid = [(a + b) / 2 for a, b in zip(lo, hi)]
    p0 = [Fraction(0), Fraction(0)] + mid[2:]
    p1 = [Fraction(1), Fraction(0)] + mid[2:]
    p2 = [Fraction(0), Fraction(1)] + mid[2:]
    return (p0, p1, p2), ([lo[0], lo[1]], [hi[0], hi[1]])



# -- the default domain, and the complex one layer up ----------------------------------------------

def resolve_domain(net: ReLUNetwork, domain: Any = NETWORK_DOMAIN) -> Polytope | None:
    """The domain meant by a ``domain`` argument: the default ``"network"`` is the network's own
    domain (``None``, all of R^n, if it has none); a Polytope or ``None`` is itself.

    Every function that takes a network and a domain defaults to ``"network"`` and reads it here.

    >>> net = ReLUNetwork([([[1]], [0]), ([[1]], [0])], domain=Polytope.box([0], [1]))
    >>> resolve_domain(net), resolve_domain(net, None), resolve_domain(net.with_domain(None))
    (Polytope(dim=1 in R^1, bounded, 2 vertices, 2 facets), None, None)
    >>> resolve_domain(net, "everywhere")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: domain must be a Polytope, None (all of R^n) or 'network' (the network's own), got 'everywhere'
    """
    if isinstance(domain, str):
        if domain != NETWORK_DOMAIN:
            raise InvalidInputError(
                f"domain must be a Polytope, None (all of R^n) or 'network' (the network's own), got {shorten(domain)!r}")
        return net.domain
    return domain


_complex_builder: Callable[..., Any] | None = None


def register_complex_builder(build: Callable[..., Any]) -> None:
    """Set the function :meth:`ReLUNetwork.complex` calls as ``build(net, domain, **options)``.

    :mod:`polyrelu.complex` registers ``PolyhedralComplex.from_network`` when it is imported, so
    that the method is defined with the network while the network layer imports nothing above it.

    >>> import polyrelu.network as network
    >>> network.register_complex_builder(PolyhedralComplex.from_network)   # what polyrelu.complex does
    """
    global _complex_builder
    if not callable(build):
        raise InvalidInputError(f"the complex builder must be callable, got {type(build).__name__}")
    _complex_builder = build


# -- network algebra ---------------------------------------------------------------------------------

def pad_depth(net: ReLUNetwork, hidden_layers: int) -> ReLUNetwork:
    """A network with ``hidden_layers`` hidden layers computing the same function everywhere.

    Extra layers pass the output ``y`` through as the pair ``(rho(y), rho(-y))``, since
    ``y = rho(y) - rho(-y)``.

    >>> net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])     # |x|
    >>> deep = pad_depth(net, 3)
    >>> deep.widths, deep([-3]), deep([2])
    ((2, 2, 2), (Fraction(3, 1),), (Fraction(2, 1),))
    """
    L = len(net.widths)
    if hidden_layers < L:
        raise InvalidInputError(f"cannot pad a network with {L} hidden layers to {hidden_layers}")
    if hidden_layers == L:
        return net
    layers = list(net.layers)
    W, b = layers.pop()
    m = len(W)
    one, zero = Fraction(1), _ZERO
    layers.append((tuple(W) + tuple(tuple(-x for x in r) for r in W), tuple(b) + tuple(-x for x in b)))
    I2 = [[one if j == i else (-one if j == i + m else zero) for j in range(2 * m)] for i in range(m)]
    I2 += [[-one if j == i else (one if j == i + m else zero) for j in range(2 * m)] for i in range(m)]
    for _ in range(hidden_layers - L - 1):
        layers.append((I2, [zero] * (2 * m)))
    layers.append(([[one if j == i else (-one if j == i + m else zero) for j in range(2 * m)] for i in range(m)], [zero] * m))
    return ReLUNetwork(layers)


def difference_network(net1: ReLUNetwork, net2: ReLUNetwork) -> ReLUNetwork:
    """One network computing ``net1(x) - net2(x)``: both networks side by side.

    Hidden layer 1 stacks both first layers; later hidden layers are block diagonal (the shallower
    network is padded with :func:`pad_depth`); the output layer is ``[W1_out, -W2_out]``.  Its
    complex refines the complexes of both networks.

    >>> f = ReLUNetwork([([[1]], [0]), ([[1]], [0])])                  # rho(x)
    >>> g = ReLUNetwork([([[1]], [-1]), ([[2]], [0])])                 # 2 rho(x - 1)
    >>> d = difference_network(f, g)
    >>> d.widths, d([3]), d([Fraction(1, 2)])
    ((2,), (Fraction(-1, 1),), (Fraction(1, 2),))
    """
    if not isinstance(net1, ReLUNetwork) or not isinstance(net2, ReLUNetwork):
        raise InvalidInputError("difference_network needs two ReLUNetworks")
    if net1.input_dim != net2.input_dim:
        raise InvalidInputError(f"the networks have {net1.input_dim} and {net2.input_dim} inputs")
    if net1.output_dim != net2.output_dim:
        raise InvalidInputError(f"the networks have {net1.output_dim} and {net2.output_dim} outputs")
    L = max(len(net1.widths), len(net2.widths))
    a, b = pad_depth(net1, L), pad_depth(net2, L)
    layers = []
    for l in range(L):
        (Wa, ba), (Wb, bb) = a.layers[l], b.layers[l]
        if l == 0:
            W = tuple(Wa) + tuple(Wb)
        else:
            na, nb = len(Wa[0]), len(Wb[0])
            W = tuple(tuple(r) + (_ZERO,) * nb for r in Wa) + tuple((_ZERO,) * na + tuple(r) for r in Wb)
        layers.append((W, tuple(ba) + tuple(bb)))
    (Wa, ba), (Wb, bb) = a.layers[-1], b.layers[-1]
    W = tuple(tuple(r) + tuple(-x for x in s) for r, s in zip(Wa, Wb))
    layers.append((W, tuple(x - y for x, y in zip(ba, bb))))
    return ReLUNetwork(layers)
