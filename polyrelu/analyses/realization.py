"""Realization versus parametrization: equality, canonical forms and exact distances.

The *realization* of a network is the function it computes on a domain.  Many parameter vectors
have the same realization (Berner, Elbrächter & Grohs, "How degenerate is the parametrization of
neural networks with the ReLU activation function?", NeurIPS 2019).  This module decides and
measures that exactly:

* :func:`same_realization` -- do two networks compute the same function on a domain?  Exact, with
  a witness point where they differ.  It builds one network computing ``f1 - f2``
  (:func:`~polyrelu.network.difference_network`: the two networks side by side, hidden layers concatenated), whose
  complex refines both complexes; ``f1 == f2`` on the domain iff every region's affine map is 0.
* :func:`canonical_form` -- one representative of the realization-preserving symmetries: dead units
  removed, always-active units folded into an affine part, positive rescaling fixed, positively
  parallel units merged, units sorted.
* :func:`realization_distance` -- the sup-norm of ``f - g`` and of its gradient over a bounded
  domain, with the maximising points (exact: ``f - g`` is affine on every region of the common
  refinement, so the sup is attained at a region vertex).

>>> from polyrelu.network import ReLUNetwork
>>> from polyrelu.polytope import Polytope
>>> box = Polytope.box([-1], [1])
>>> relu_id = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, -1]], [0])])      # rho(x) - rho(-x) = x
>>> shifted = ReLUNetwork([([[1], [-1]], ["-1/2", "1/2"]), ([[1, -1]], ["1/2"])])
>>> bool(same_realization(relu_id, shifted, box))
True

Sources and what was checked
----------------------------
Berner et al.: only the abstract and reference list were available (``shared/seeds/001``).
*Verified from the abstract*: the realization map, inverse stability ("proximity of realizations
must imply proximity of corresponding parametrizations"), that the paper presents "pathologies
which prevent inverse stability in general", and that for shallow networks it establishes a
restricted parameter space with inverse stability w.r.t. a Sobolev norm.  *Reconstructed*: the
list of degeneracies B1--B8 of math-spec section 9 (positive scaling, permutations, dead units,
always-active units, parallel and opposite units, the scaling counterexample, the Sobolev
example) are mathematical facts tested exactly here and in ``tests/test_realization.py``; that
they are the paper's numbered pathologies, and the paper's exact restricted set (balanced units,
exponent 1/2), are *not* verified.  The canonical form here is our own normalisation (rational
max-norm 1 on the incoming weights, since the Euclidean balancing of the restricted set is
irrational in general).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from ..complex import PolyhedralComplex
from ..exact import InvalidInputError, PolyreluError, fraction_to_str
from ..linalg import rref as _rref
from ..network import NETWORK_DOMAIN, ReLUNetwork, difference_network, pad_depth, resolve_domain  # noqa: F401

# (difference_network and pad_depth are network algebra and live in polyrelu.network; their old
# names here go on working for one release)
from ..polytope import Polytope

__all__ = [
    "RealizationComparison",
    "compare_realizations",
    "same_realization",
    "realization_distance",
    "canonical_form",
]

_ZERO = Fraction(0)
Vector = tuple[Fraction, ...]


# ----------------------------------------------------------------------------------------------
# comparison on the common refinement
# ----------------------------------------------------------------------------------------------
def _apply(A, c, x) -> Vector:
    return tuple(sum((a * xi for a, xi in zip(row, x) if a), ci) for row, ci in zip(A, c))


def _interior_witness(region, A, c) -> Vector:
    """A point in the interior of ``region`` where ``A x + c != 0`` (the map is not 0)."""
    p = tuple(region.interior_point)
    if any(_apply(A, c, p)):
        return p
    k = next(i for i, row in enumerate(A) if any(row))
    d = A[k]  # moving along the gradient of component k changes it by t * |d|^2 != 0
    Aineq, bineq = region.polytope.inequalities
    t = Fraction(1)
    for a, bi in zip(Aineq, bineq):
        rate = sum((ai * di for ai, di in zip(a, d)), _ZERO)
        if rate > 0:
            slack = bi - sum((ai * pi for ai, pi in zip(a, p)), _ZERO)
            t = min(t, slack / (2 * rate))
    return tuple(pi + t * di for pi, di in zip(p, d))


def _norm_of_jacobian(A, which: str) -> Fraction:
    if which == "max":
        return max((abs(a) for row in A for a in row), default=_ZERO)
    if which == "inf":
        return max((sum((abs(a) for a in row), _ZERO) for row in A), default=_ZERO)
    if which == "1":
        return max((sum((abs(a) for a in col), _ZERO) for col in zip(*A)), default=_ZERO)
    raise InvalidInputError(f"unknown gradient norm {which!r}; use 'max', '1' or 'inf'")


@dataclass(frozen=True)
class RealizationComparison:
    """The result of comparing two realizations on a domain.

    ``same`` is the exact answer; ``witness`` an interior point of a region of the common
    refinement where the networks differ (``None`` if they agree).  When the domain is bounded and
    distances were requested: ``sup_distance = max_x ||f(x) - g(x)||_inf`` attained at ``argmax``
    (a vertex of the refinement), and ``sup_gradient_distance`` the largest norm of the Jacobian of
    ``f - g`` over the regions (``gradient_norm``: ``'max'`` = largest absolute partial derivative,
    the W^{1,inf} seminorm; ``'inf'``/``'1'`` = operator norms), attained on the region containing
    ``gradient_argmax`` (an interior point).  ``bool(result)`` is ``same``.

    >>> from polyrelu import ReLUNetwork, Polytope
    >>> f = ReLUNetwork([([[1]], [0]), ([[1]], [0])])            # relu(x)
    >>> g = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 0]], [0])]) # relu(x), with a dead unit
    >>> r = compare_realizations(f, g, Polytope.box([-1], [1]), distances=True)
    >>> bool(r), r.sup_distance
    (True, Fraction(0, 1))
    """

    same: bool
    witness: Vector | None
    n_regions: int
    sup_distance: Fraction | None = None
    argmax: Vector | None = None
    sup_gradient_distance: Fraction | None = None
    gradient_argmax: Vector | None = None
    gradient_norm: str = "max"

    def __bool__(self) -> bool:
        return self.same

    def to_json_dict(self) -> dict:
        """The comparison as JSON data (exact numbers as ``"p/q"`` strings).

        >>> from polyrelu import ReLUNetwork
        >>> compare_realizations(ReLUNetwork([([[1]], [0]), ([[1]], [0])]), ReLUNetwork([([[1]], [0]), ([[2]], [0])])).to_json_dict()["same_realization"]
        False
        """
        pt = lambda v: None if v is None else [fraction_to_str(x) for x in v]  # noqa: E731
        num = lambda q: None if q is None else fraction_to_str(q)  # noqa: E731
        return {
            "same_realization": self.same,
            "witness": pt(self.witness),
            "sup_distance": num(self.sup_distance),
            "sup_gradient_distance": num(self.sup_gradient_distance),
            "argmax": pt(self.argmax),
            "gradient_argmax": pt(self.gradient_argmax),
            "gradient_norm": self.gradient_norm,
            "n_regions": self.n_regions,
        }


def _common_domain(net1: ReLUNetwork, net2: ReLUNetwork, domain) -> Polytope | None:
    """:func:`~polyrelu.network.resolve_domain` for two networks: the default is their own domain
    (one of them may have none); two different domains must be chosen between with ``domain=``."""
    if isinstance(domain, str):
        d1, d2 = resolve_domain(net1, domain), resolve_domain(net2, domain)
        if d1 is not None and d2 is not None and d1 != d2:
            raise InvalidInputError("the networks have different domains: pass domain= (a Polytope, or None for R^n)")
        return d1 if d1 is not None else d2
    return domain


def compare_realizations(
    net1: ReLUNetwork,
    net2: ReLUNetwork,
    domain: Polytope | str | None = NETWORK_DOMAIN,
    *,
    distances: bool = True,
    gradient_norm: str = "max",
    backend: str | None = None,
) -> RealizationComparison:
    """Compare two networks on ``domain`` exactly (``None`` = all of R^n; by default the networks'
    own domain, if they have one; distances need a bounded domain).

    >>> from polyrelu.polytope import Polytope
    >>> f = ReLUNetwork([([[1]], [0]), ([[1]], [0])])                  # rho(x)
    >>> g = ReLUNetwork([([[1]], [0]), ([["1/2"]], [0])])              # rho(x) / 2
    >>> r = compare_realizations(f, g, Polytope.box([-1], [1]))
    >>> r.same, r.sup_distance, r.argmax, r.sup_gradient_distance
    (False, Fraction(1, 2), (Fraction(1, 1),), Fraction(1, 2))
    """
    if gradient_norm not in ("max", "1", "inf"):
        raise InvalidInputError(f"unknown gradient norm {gradient_norm!r}; use 'max', '1' or 'inf'")
    diff = difference_network(net1, net2)
    domain = _common_domain(net1, net2, domain)
    if domain is not None and domain.ambient_dim != diff.input_dim:
        raise InvalidInputError(f"domain lives in R^{domain.ambient_dim}, the networks have {diff.input_dim} inputs")
    if domain is not None and domain.dim < domain.ambient_dim:
        raise InvalidInputError(
            f"the domain must be full-dimensional (it has dimension {domain.dim} in R^{domain.ambient_dim})"
        )
    if distances and domain is not None and not domain.is_bounded:
        raise InvalidInputError("sup distances need a bounded domain (a box or a polytope)")
    kwargs = {} if backend is None else {"backend": backend}
    cx = PolyhedralComplex.from_network(diff, domain=domain, **kwargs)
    regions = list(cx.regions)
    witness = None
    best_d, best_pt = None, None
    best_g, best_gpt = None, None
    for r in regions:
        A, c = r.affine_map
        nonzero = any(c) or any(any(row) for row in A)
        if nonzero and witness is None:
            witness = _interior_witness(r, A, c)
        if distances and domain is not None:
            for v in r.vertices:
                d = max((abs(x) for x in _apply(A, c, v)), default=_ZERO)
                if best_d is None or d > best_d:
                    best_d, best_pt = d, tuple(v)
            gnorm = _norm_of_jacobian(A, gradient_norm)
            if best_g is None or gnorm > best_g:
                best_g, best_gpt = gnorm, tuple(r.interior_point)
    if witness is not None and net1(witness) == net2(witness):  # pragma: no cover - a bug guard
        raise PolyreluError(f"internal error: the witness {witness} does not separate the networks")
    return RealizationComparison(
        same=witness is None,
        witness=witness,
        n_regions=len(regions),
        sup_distance=best_d,
        argmax=best_pt,
        sup_gradient_distance=best_g,
        gradient_argmax=best_gpt,
        gradient_norm=gradient_norm,
    )


def same_realization(net1: ReLUNetwork, net2: ReLUNetwork, domain: Polytope | str | None = NETWORK_DOMAIN, *,
                     backend: str | None = None) -> RealizationComparison:
    """Exactly decide whether two networks compute the same function on ``domain``.

    ``domain`` is a Polytope (full-dimensional), ``None`` for all of R^n, or by default the
    networks' own domain (all of R^n if they have none).  The result is truthy
    iff they agree; ``.witness`` is then ``None``, otherwise a point where they differ.

    >>> f = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])      # |x|
    >>> g = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 2]], [0])])
    >>> r = same_realization(f, g)
    >>> r.same, f(r.witness) != g(r.witness)
    (False, True)
    """
    return compare_realizations(net1, net2, domain, distances=False, backend=backend)


def realization_distance(
    net1: ReLUNetwork, net2: ReLUNetwork, domain: Polytope, *, gradient_norm: str = "max", backend: str | None = None
) -> RealizationComparison:
    """Exact sup-distance of ``f - g`` and of its gradient over a bounded ``domain``.

    >>> from polyrelu.polytope import Polytope
    >>> k, eps = 1000, Fraction(1, 100)
    >>> gamma = ReLUNetwork([([[k]], [0]), ([[0]], [0])])              # realizes 0
    >>> g_eps = ReLUNetwork([([[-1]], [0]), ([[eps]], [0])])           # eps * rho(-x)
    >>> r = realization_distance(gamma, g_eps, Polytope.box([-1], [1]))
    >>> r.sup_distance, r.argmax, r.sup_gradient_distance
    (Fraction(1, 100), (Fraction(-1, 1),), Fraction(1, 100))
    """
    if domain is None:
        raise InvalidInputError("realization_distance needs a bounded domain")
    return compare_realizations(net1, net2, domain, distances=True, gradient_norm=gradient_norm, backend=backend)


# ----------------------------------------------------------------------------------------------
# canonical form
# ----------------------------------------------------------------------------------------------

def _forward_hidden(layers: Sequence, x: Vector, upto: int) -> Vector:
    """Activations ``x^upto`` of the (partially rewritten) hidden layers 1..upto at input x."""
    v = x
    for W, b in layers[:upto]:
        v = tuple(max(sum((w * xi for w, xi in zip(row, v) if w), bi), _ZERO) for row, bi in zip(W, b))
    return v


def _constant_network(n0: int, L: int, m: int, value: Vector) -> ReLUNetwork:
    zero = _ZERO
    layers = [([[zero] * n0], [zero])]
    layers += [([[zero]], [zero]) for _ in range(L - 1)]
    layers.append(([[zero] for _ in range(m)], list(value)))
    return ReLUNetwork(layers)


def _canonical_pass(net: ReLUNetwork, domain, backend) -> ReLUNetwork:
    kwargs = {} if backend is None else {"backend": backend}
    cx = PolyhedralComplex.from_network(net, domain=domain, **kwargs)
    regions = list(cx.regions)
    if not regions:
        raise InvalidInputError("the domain has no full-dimensional region (is it full-dimensional?)")
    n0, L, m = net.input_dim, len(net.widths), net.output_dim
    patterns = [tuple(tuple(1 if s > 0 else 0 for s in layer) for layer in r.pattern) for r in regions]
    verts = sorted({tuple(v) for r in regions for v in r.vertices})
    point = tuple(regions[0].interior_point)
    layers = [[[list(row) for row in W], list(b)] for W, b in net.layers]
    for l in range(L):
        W, b = layers[l]
        Wn, bn = layers[l + 1]
        nprev = len(W[0])
        width = len(W)
        ever = [any(p[l][i] for p in patterns) for i in range(width)]
        always = [all(p[l][i] for p in patterns) for i in range(width)]
        out_col = lambda i: [row[i] for row in Wn]  # noqa: E731
        units: list[tuple[list[Fraction], Fraction, list[Fraction]]] = []
        aa = [i for i in range(width) if ever[i] and always[i]]
        for i in range(width):
            if ever[i] and not always[i]:
                units.append((W[i], b[i], out_col(i)))
        if aa:
            # rho(z) = z on the domain for these units: their total effect on the next layer is the
            # affine map M x^{l-1} + mvec; re-express it with rank(M) always-active units
            M = [[sum((Wn[k][i] * W[i][j] for i in aa), _ZERO) for j in range(nprev)] for k in range(len(Wn))]
            mvec = [sum((Wn[k][i] * b[i] for i in aa), _ZERO) for k in range(len(Wn))]
            V, piv = _rref(M)
            U = [[M[k][p] for p in piv] for k in range(len(Wn))]
            xs = [_forward_hidden(layers, v, l) for v in verts]
            K = []
            for Vj in V:
                low = min(sum((a * x for a, x in zip(Vj, xv) if a), _ZERO) for xv in xs)
                K.append(-low)
            for k in range(len(Wn)):
                bn[k] += mvec[k] - sum((U[k][j] * K[j] for j in range(len(V))), _ZERO)
            for j, Vj in enumerate(V):
                units.append((Vj, K[j], [U[k][j] for k in range(len(Wn))]))
        # positive rescaling: incoming weights and bias scaled to max-norm 1
        merged: dict[tuple, list[Fraction]] = {}
        for w, bi, out in units:
            s = max(max(abs(x) for x in w), abs(bi))
            if s == 0:
                continue  # the zero unit computes rho(0) = 0
            key = tuple(x / s for x in w) + (bi / s,)
            scaled = [o * s for o in out]
            if key in merged:
                merged[key] = [a + c for a, c in zip(merged[key], scaled)]
            else:
                merged[key] = scaled
        keep = sorted((k, o) for k, o in merged.items() if any(o))
        if not keep:
            value = net(point)
            return _constant_network(n0, L, m, value)
        layers[l] = [[list(k[:-1]) for k, _ in keep], [k[-1] for k, _ in keep]]
        layers[l + 1][0] = [[o[k] for _, o in keep] for k in range(len(Wn))]
    return ReLUNetwork([(W, b) for W, b in layers])


def canonical_form(net: ReLUNetwork, domain: Polytope | str | None = NETWORK_DOMAIN, *, check: bool = True, backend: str | None = None) -> ReLUNetwork:
    """A canonical representative of the networks realizing the same function on ``domain``.

    ``domain`` is a bounded, full-dimensional Polytope (default: the network's own domain).
    Layer by layer, using the complex of the network on the domain:

    1. *dead units* (inactive on every region: ``z <= 0`` on the domain) are removed (B3);
    2. *always-active units* (active on every region, so ``rho(z) = z`` there) are replaced by
       ``rank(M)`` units with reduced-row-echelon incoming weights and the smallest bias keeping
       them non-negative on the domain, the rest going into the next layer's bias (B4);
    3. every unit is rescaled by a positive factor so that ``max(|w|, |b|) = 1`` (B1);
    4. units with equal (rescaled) incoming weights and bias are merged, adding their outgoing
       weights; units with zero outgoing weights are removed (B5);
    5. units are sorted by ``(w, b)`` lexicographically (B2).

    Passes repeat until nothing changes, so the result is idempotent.  A function that is
    constant on the domain gets the network with one zero unit per layer and that constant as
    output bias.  Opposite units (B6, ``rho(t) - rho(-t) = t``) are not identified: two networks
    that differ by such a pair may have different canonical forms.  With ``check`` (the default)
    the result is verified with :func:`same_realization`.

    >>> from polyrelu.polytope import Polytope
    >>> box = Polytope.box([-1, -1], [1, 1])
    >>> net = ReLUNetwork([([[2, 0], [0, 3], [4, 0], [0, 1]], [0, 0, 0, -5]), ([[1, 1, "1/2", 7]], [0])])
    >>> canon = canonical_form(net, box)     # unit 3 is dead, units 0 and 2 are parallel
    >>> canon.layers[0]
    (((Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1))), (Fraction(0, 1), Fraction(0, 1)))
    >>> canon.layers[1]
    (((Fraction(3, 1), Fraction(4, 1)),), (Fraction(0, 1),))
    """
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError("canonical_form needs a ReLUNetwork")
    domain = resolve_domain(net, domain)
    if domain is None:
        raise InvalidInputError("canonical_form needs a bounded, full-dimensional domain (units are dead or alive on a domain)")
    if domain.ambient_dim != net.input_dim:
        raise InvalidInputError(f"domain lives in R^{domain.ambient_dim}, the network has {net.input_dim} inputs")
    if not domain.is_bounded or domain.dim < domain.ambient_dim:
        raise InvalidInputError("canonical_form needs a bounded, full-dimensional domain")
    current = net
    for _ in range(net.size + 3):
        nxt = _canonical_pass(current, domain, backend)
        if nxt == current:
            break
        current = nxt
    else:  # pragma: no cover - each pass shrinks or fixes the network
        raise PolyreluError("canonical_form did not reach a fixed point")
    if check:
        res = same_realization(net, current, domain, backend=backend)
        if not res.same:  # pragma: no cover - a bug guard
            raise PolyreluError(f"internal error: canonical form differs from the network at {res.witness}")
    return ReLUNetwork(current.layers, domain=domain)
