"""Configurations, rank-one atoms and exact Lipschitz constants of ReLU networks.

A *configuration* (Heinecke--Hwang) fixes one diagonal 0/1 activation matrix per hidden layer.
Under a configuration the network is one affine map ``x -> A x + c``, valid on the polyhedron of
inputs whose pre-activations have the prescribed signs.  This module computes, exactly:

* the region polyhedron of a configuration (:func:`configuration_polytope`), its affine map and
  whether it is realised at all (:func:`configuration`; an empty or lower-dimensional polyhedron
  is *reported*, it is not an error);
* the atomic decompositions of the linear part ``A`` (:func:`atoms`, :func:`path_atoms`), whose
  sums equal ``A`` exactly;
* operator norms of ``A``: the l1 and l-infinity norms as Fractions, the spectral norm as a
  :class:`CertifiedReal` (a float plus a rational interval proved to contain the true value);
* the Lipschitz constant of the network on a domain, as the maximum over the regions of the
  complex, with the region attaining it and the classical upper bounds, in one
  :class:`LipschitzReport` (:func:`lipschitz_constant`).

>>> from polyrelu.network import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> [str(a) for a in atoms(net, [(1, 0, 1)])]
['unit 0: (1) x (1, 0)', 'unit 2: (-2) x (1, 1)']
>>> operator_norm(net.affine_map([(1, 0, 1)])[0], "inf")
Fraction(3, 1)

Sources and what was checked
----------------------------
Heinecke & Hwang, "Deep Representation with ReLU Neural Networks" (arXiv 1903.12384).  The
text available to us (``shared/seeds/004``) has every displayed formula missing; the running
text was read and gives the following, which this module follows:

* *Verified from the running text*: a configuration is the concatenation of the diagonals of the
  data-dependent 0/1 matrices, one per layer; it is called a configuration "if the polytope is
  non-empty"; a diagonal entry is 0 when the pre-activation is exactly 0 (so their regions are
  half-open; we use the closed polyhedra of the spec, which differ only on measure-zero sets and
  give the same full-dimensional regions).  Consecutive layers refine the partition
  (their Proposition 3).  Theorem 5: the linear part of the configuration's map is a linear
  combination of rank-one *atoms*, each the outer product of a column of the output layer's
  weight matrix and a row of the first layer's (the atoms are "exclusively determined" by those
  two layers), with coefficients that are sums over paths of products of one hidden weight per
  layer; for one hidden layer it is a plain sum of atoms; their number is at most the product of
  the widths of the first and last hidden layers.  Theorem 6 bounds the Lipschitz constant on a
  configuration's region: (i) assumes normalised output-layer columns and first-layer rows and
  uses the maximal absolute hidden weight, and the bound "depends on the number of activated
  rectifiers"; (ii) uses the maximal spectral norm of the weight matrices and "follows directly"
  from the product form of the map.
* *Reconstructed (displays missing)*: the exact inequalities of Theorem 6.  We therefore do not
  claim to reproduce them.  :func:`path_atom_bound` is the triangle inequality applied to the
  Theorem-5 atoms without the normalisation assumption (the paper says the result "can easily be
  modified" for that case); :func:`atom_bound` is the sharper bound obtained by grouping the
  atoms by first-layer unit (math-spec section 1.2/1.3 (ii)); :func:`layer_product_bound` is the
  product of the layer norms (spec section 1.3 (i), and the form Theorem 6 (ii) is derived from).
  :func:`hh_path_count_bound` (number of active paths times the largest hidden weight to the
  power L-1, times the atom norms) and :func:`max_layer_norm_bound` (largest layer norm to the
  power L+1) are our reconstructions of the *shape* of Theorem 6 (i) and (ii) from its stated
  hypotheses and the surrounding discussion.  All are proved upper bounds, checked against the
  exact value in the tests.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterable, Sequence, Union

from .exact import InvalidInputError, fraction_to_str

__all__ = [
    "Atom",
    "PathAtom",
    "Configuration",
    "CertifiedReal",
    "LipschitzReport",
    "normalize_pattern",
    "preactivation_maps",
    "configuration_polytope",
    "configuration",
    "atoms",
    "path_atoms",
    "atoms_sum",
    "region_configuration",
    "region_atoms",
    "region_path_atoms",
    "norm_1",
    "norm_inf",
    "spectral_norm",
    "operator_norm",
    "layer_product_bound",
    "atom_bound",
    "path_atom_bound",
    "hh_path_count_bound",
    "max_layer_norm_bound",
    "region_lipschitz",
    "lipschitz_constant",
]

Matrix = tuple[tuple[Fraction, ...], ...]
Vector = tuple[Fraction, ...]
Pattern = tuple[tuple[int, ...], ...]
NORMS = ("1", "inf", "2")

_ZERO = Fraction(0)


# ----------------------------------------------------------------------------------------------
# small exact linear algebra
# ----------------------------------------------------------------------------------------------
def _matmul(A: Sequence[Sequence[Fraction]], B: Sequence[Sequence[Fraction]]) -> Matrix:
    if not A:
        return ()
    cols = list(zip(*B)) if B else []
    return tuple(tuple(sum((a * b for a, b in zip(row, col) if a and b), _ZERO) for col in cols) for row in A)


def _transpose(A: Sequence[Sequence[Fraction]]) -> Matrix:
    return tuple(zip(*A)) if A else ()


def _matvec(A: Sequence[Sequence[Fraction]], x: Sequence[Fraction]) -> Vector:
    return tuple(sum((a * xi for a, xi in zip(row, x) if a), _ZERO) for row in A)


def _outer(u: Sequence[Fraction], w: Sequence[Fraction]) -> Matrix:
    return tuple(tuple(ui * wj for wj in w) for ui in u)


def _zeros(m: int, n: int) -> Matrix:
    return tuple((_ZERO,) * n for _ in range(m))


def _madd(A: Matrix, B: Matrix) -> Matrix:
    return tuple(tuple(a + b for a, b in zip(r, s)) for r, s in zip(A, B))


# ----------------------------------------------------------------------------------------------
# configurations
# ----------------------------------------------------------------------------------------------
def normalize_pattern(net, pattern: Any) -> Pattern:
    """Check a configuration against the network's widths and return it as 0/1 tuples.

    Entries ``> 0`` count as active (so sign patterns ``+1/0/-1`` are accepted too).

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> normalize_pattern(net, [[1, -1]])
    ((1, 0),)
    >>> normalize_pattern(net, [[1]])
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: configuration layer 1 has 1 entries, the network has 2 units there
    """
    try:
        layers = [list(s) for s in pattern]
    except TypeError:
        raise InvalidInputError(f"a configuration is a sequence of per-layer 0/1 sequences, got {pattern!r}") from None
    widths = net.widths
    if len(layers) != len(widths):
        raise InvalidInputError(
            f"configuration has {len(layers)} layers, the network has {len(widths)} hidden layers"
        )
    out = []
    for l, (s, n) in enumerate(zip(layers, widths), start=1):
        if len(s) != n:
            raise InvalidInputError(f"configuration layer {l} has {len(s)} entries, the network has {n} units there")
        row = []
        for i, v in enumerate(s):
            if isinstance(v, bool) or not isinstance(v, (int, Fraction)) and not hasattr(v, "__int__"):
                raise InvalidInputError(f"configuration entry ({l}, {i}) is not a number: {v!r}")
            row.append(1 if v > 0 else 0)
        out.append(tuple(row))
    return tuple(out)


def preactivation_maps(net, pattern: Any) -> tuple[tuple[Matrix, Vector], ...]:
    """The pre-activations ``z^l = G^l x + h^l`` of every hidden layer under a configuration.

    Spec section 1.1: ``A^0 = I``, ``G^l = W^l A^{l-1}``, ``h^l = W^l c^{l-1} + b^l``,
    ``A^l = D^l G^l``, ``c^l = D^l h^l``.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0]], [0]), ([[2]], [-1]), ([[1]], [0])])
    >>> [(G, h) for G, h in preactivation_maps(net, [(1,), (1,)])][1]
    (((Fraction(2, 1), Fraction(0, 1)),), (Fraction(-1, 1),))
    """
    pattern = normalize_pattern(net, pattern)
    n = net.input_dim
    A: Matrix = tuple(tuple(Fraction(int(i == j)) for j in range(n)) for i in range(n))
    c: Vector = (_ZERO,) * n
    out = []
    for (W, b), s in zip(net.hidden_layers, pattern):
        G = _matmul(W, A)
        h = tuple(v + bi for v, bi in zip(_matvec(W, c), b))
        out.append((G, h))
        A = tuple(g if si else (_ZERO,) * n for g, si in zip(G, s))
        c = tuple(hi if si else _ZERO for hi, si in zip(h, s))
    return tuple(out)


def configuration_polytope(net, pattern: Any, domain=None):
    """The closed region polyhedron ``P_sigma`` of a configuration, intersected with ``domain``.

    One inequality ``(2 s_i - 1)(G_i x + h_i) >= 0`` per hidden unit (spec section 1.1); a unit
    that is constant under the configuration (``G_i = 0``) must have ``h_i > 0`` iff it is active.
    An unrealisable configuration gives an empty polytope; that is an answer, not an error.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> configuration_polytope(net, [(1, 1, 0)]).vertices
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1)))
    >>> configuration_polytope(net, [(0, 0, 1)]).is_empty
    True
    """
    from .polytope import Polytope

    pattern = normalize_pattern(net, pattern)
    n = net.input_dim
    rows: list[tuple[Fraction, ...]] = []
    rhs: list[Fraction] = []
    infeasible = False
    for (G, h), s in zip(preactivation_maps(net, pattern), pattern):
        for g, hi, si in zip(G, h, s):
            sign = 1 if si else -1
            # sign*(g.x + h) >= 0  <=>  -sign*g.x <= sign*h
            row = tuple(-sign * v for v in g)
            if not any(row):
                # a unit that is constant under this configuration must agree with it; one that is
                # identically 0 counts as inactive (Heinecke--Hwang's tie rule, the spec's h > 0 <=> s = 1)
                if (hi > 0) != bool(si):
                    infeasible = True
                continue
            rows.append(row)
            rhs.append(sign * hi)
    if domain is not None:
        if domain.ambient_dim != n:
            raise InvalidInputError(f"domain lives in R^{domain.ambient_dim}, the network has {n} inputs")
        DA, Db = domain.inequalities
        rows.extend(tuple(r) for r in DA)
        rhs.extend(Db)
        E, f = domain.equalities
        equalities = (E, f) if E else None
    else:
        equalities = None
    if infeasible:
        rows, rhs = [tuple([_ZERO] * n)], [Fraction(-1)]
    if not rows:
        # every unit is constant and consistent: the whole space (or the domain)
        if domain is not None:
            return domain
        rows, rhs = [tuple([_ZERO] * n)], [_ZERO]
    return Polytope.from_inequalities(rows, rhs, equalities=equalities)


@dataclass(frozen=True)
class Atom:
    """One rank-one term ``u w^T`` of ``A_sigma = sum_i u_i w_i^T`` (grouped by first-layer unit).

    ``unit`` is the first-layer unit ``i`` (0-based), ``w`` its weight row ``W^1_{i,:}`` and
    ``u = W^{L+1} D^L W^L ... D^2 W^2 e_i`` the output vector it is multiplied by.
    """

    unit: int
    u: Vector
    w: Vector

    @property
    def matrix(self) -> Matrix:
        """The rank-one matrix ``u w^T`` (output_dim x input_dim)."""
        return _outer(self.u, self.w)

    def __str__(self) -> str:
        f = lambda v: "(" + ", ".join(fraction_to_str(x) for x in v) + ")"  # noqa: E731
        return f"unit {self.unit}: {f(self.u)} x {f(self.w)}"


@dataclass(frozen=True)
class PathAtom:
    """Heinecke--Hwang's Theorem-5 atom: ``coefficient * W^{L+1}_{:,k} (W^1_{i,:})^T``.

    ``first`` is the active first-layer unit ``i``, ``last`` the active last-hidden-layer unit
    ``k``; ``coefficient`` is the sum over the active paths ``i -> ... -> k`` through the hidden
    layers 2..L of the products of the weights along them (1 if ``i == k`` for one hidden layer);
    ``paths`` is the number of those paths.
    """

    first: int
    last: int
    coefficient: Fraction
    column: Vector
    row: Vector
    paths: int

    @property
    def matrix(self) -> Matrix:
        return tuple(tuple(self.coefficient * a * b for b in self.row) for a in self.column)

    def __str__(self) -> str:
        return f"({self.last} <- {self.first}): {fraction_to_str(self.coefficient)} * col x row"


def atoms(net, pattern: Any) -> tuple[Atom, ...]:
    """The rank-one atoms of the configuration's linear part, one per active first-layer unit.

    ``A_sigma = sum_{i : s^1_i = 1} u_i w_i^T`` with ``w_i = W^1_{i,:}`` and
    ``u_i = W^{L+1} D^L W^L ... D^2 W^2 e_i`` (spec section 1.2).  The sum equals
    ``net.affine_map(pattern)[0]`` exactly (:func:`atoms_sum`).  Atoms with ``u_i = 0`` are kept,
    so there is exactly one per active first-layer unit.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> atoms_sum(atoms(net, [(1, 0, 1)])) == net.affine_map([(1, 0, 1)])[0]
    True
    """
    pattern = normalize_pattern(net, pattern)
    layers = net.layers
    W1 = layers[0][0]
    n1 = len(W1)
    # V = W^{L+1} D^L W^L ... D^2 W^2 D^1 (output_dim x n_1); column i is u_i for active i
    V: Matrix = tuple(tuple(Fraction(int(i == j)) for j in range(n1)) for i in range(n1))
    for l in range(1, len(pattern) + 1):
        # multiply on the left by D^l then by W^{l+1}
        s = pattern[l - 1]
        V = tuple(row if s[i] else (_ZERO,) * n1 for i, row in enumerate(V))
        V = _matmul(layers[l][0], V)
    out = []
    for i in range(n1):
        if pattern[0][i]:
            out.append(Atom(unit=i, u=tuple(row[i] for row in V), w=tuple(W1[i])))
    return tuple(out)


def path_atoms(net, pattern: Any) -> tuple[PathAtom, ...]:
    """Heinecke--Hwang's atomic decomposition (their Theorem 5), computed exactly.

    ``A_sigma = sum_{k, i} c_{k i} W^{L+1}_{:,k} (W^1_{i,:})^T`` over active first-layer units
    ``i`` and active last-hidden-layer units ``k``, where ``c_{k i}`` is the sum over active paths
    of the products of the hidden-to-hidden weights (for one hidden layer ``c_{k i} = [k = i]``,
    the paper's "sum of atoms").  Pairs with no active path are omitted; pairs whose path sum is
    0 are kept (``coefficient == 0``) because the number of paths is part of the bound.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[2, 3]], [0]), ([[5]], [0])])
    >>> [(a.first, a.last, a.coefficient) for a in path_atoms(net, [(1, 1), (1,)])]
    [(0, 0, Fraction(2, 1)), (1, 0, Fraction(3, 1))]
    >>> atoms_sum(path_atoms(net, [(1, 1), (1,)])) == net.affine_map([(1, 1), (1,)])[0]
    True
    """
    pattern = normalize_pattern(net, pattern)
    layers = net.layers
    L = len(pattern)
    W1 = layers[0][0]
    Wout = layers[-1][0]
    n1 = len(W1)
    # coefficient and path-count matrices from layer 1 to layer l (n_l x n_1), restricted to active units
    C = [[Fraction(int(i == j and pattern[0][i])) for j in range(n1)] for i in range(n1)]
    N = [[int(i == j and pattern[0][i]) for j in range(n1)] for i in range(n1)]
    for l in range(2, L + 1):
        W = layers[l - 1][0]
        s = pattern[l - 1]
        C = [
            [sum((W[k][m] * C[m][j] for m in range(len(C)) if C[m][j] and W[k][m]), _ZERO) if s[k] else _ZERO for j in range(n1)]
            for k in range(len(W))
        ]
        N = [[sum(N[m][j] for m in range(len(N))) if s[k] else 0 for j in range(n1)] for k in range(len(W))]
    out = []
    for k in range(len(C)):
        for i in range(n1):
            if N[k][i]:
                out.append(
                    PathAtom(
                        first=i,
                        last=k,
                        coefficient=C[k][i],
                        column=tuple(row[k] for row in Wout),
                        row=tuple(W1[i]),
                        paths=N[k][i],
                    )
                )
    out.sort(key=lambda a: (a.last, a.first))
    return tuple(out)


def atoms_sum(items: Iterable[Atom | PathAtom], shape: tuple[int, int] | None = None) -> Matrix:
    """The exact sum of the atoms' matrices (``shape`` is needed only for an empty list).

    >>> atoms_sum([Atom(0, (Fraction(1),), (Fraction(2), Fraction(3)))])
    ((Fraction(2, 1), Fraction(3, 1)),)
    """
    items = list(items)
    if not items:
        if shape is None:
            raise InvalidInputError("atoms_sum of no atoms needs the shape (output_dim, input_dim)")
        return _zeros(*shape)
    total = items[0].matrix
    for a in items[1:]:
        total = _madd(total, a.matrix)
    return total


class Configuration:
    """A configuration of a network: its polyhedron, affine map and atoms, computed lazily.

    ``is_empty`` is True when no input has this configuration (also inside ``domain``);
    ``is_realized`` is True when its polyhedron is full-dimensional (an activation region).

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> configuration(net, [(0, 0, 1)])
    Configuration(((0, 0, 1),), empty)
    >>> cfg = configuration(net, [(1, 0, 1)])
    >>> cfg.is_realized, cfg.affine_map
    (True, (((Fraction(-1, 1), Fraction(-2, 1)),), (Fraction(2, 1),)))
    """

    def __init__(self, net, pattern: Any, domain=None):
        self.network = net
        self.pattern: Pattern = normalize_pattern(net, pattern)
        self.domain = domain

    @cached_property
    def polytope(self):
        return configuration_polytope(self.network, self.pattern, self.domain)

    @property
    def is_empty(self) -> bool:
        return self.polytope.is_empty

    @property
    def is_realized(self) -> bool:
        return self.polytope.dim == self.network.input_dim

    @cached_property
    def affine_map(self) -> tuple[Matrix, Vector]:
        return self.network.affine_map(self.pattern)

    @cached_property
    def atoms(self) -> tuple[Atom, ...]:
        return atoms(self.network, self.pattern)

    @cached_property
    def path_atoms(self) -> tuple[PathAtom, ...]:
        return path_atoms(self.network, self.pattern)

    def lipschitz(self, norm: str = "inf") -> "Fraction | CertifiedReal":
        """Operator norm of the linear part (the Lipschitz constant on the region)."""
        return operator_norm(self.affine_map[0], norm)

    def __repr__(self) -> str:
        if self.is_empty:
            state = "empty"
        elif self.is_realized:
            state = "region"
        else:
            state = f"lower-dimensional (dim {self.polytope.dim})"
        return f"Configuration({self.pattern!r}, {state})"


def configuration(net, pattern: Any, domain=None) -> Configuration:
    """The :class:`Configuration` of ``net`` with this 0/1 pattern (optionally inside ``domain``).

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    >>> configuration(net, [(1, 1)]).is_realized     # |x| has no point with both units active
    False
    """
    return Configuration(net, pattern, domain)


def _network_of(region, net):
    if net is not None:
        return net
    for attr in ("network", "net"):
        got = getattr(region, attr, None)
        if got is not None:
            return got
    cx = getattr(region, "complex", None) or getattr(region, "_cx", None)
    if cx is not None and getattr(cx, "network", None) is not None:
        return cx.network
    raise InvalidInputError("this region does not know its network; pass net=")


def region_configuration(region, net=None) -> Configuration:
    """The :class:`Configuration` of a complex's region (uses ``region.pattern``).

    >>> from polyrelu.network import ReLUNetwork
    >>> from polyrelu.complex import PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> cx = PolyhedralComplex.from_network(net)
    >>> all(region_configuration(r, net).affine_map == r.affine_map for r in cx.regions)
    True
    """
    net = _network_of(region, net)
    return Configuration(net, region.pattern)


def region_atoms(region, net=None) -> tuple[Atom, ...]:
    """:func:`atoms` for a complex's region.

    >>> from polyrelu.network import ReLUNetwork
    >>> from polyrelu.complex import PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> cx = PolyhedralComplex.from_network(net)
    >>> all(atoms_sum(region_atoms(r, net), (1, 2)) == r.affine_map[0] for r in cx.regions)
    True
    """
    return atoms(_network_of(region, net), region.pattern)


def region_path_atoms(region, net=None) -> tuple[PathAtom, ...]:
    """:func:`path_atoms` for a complex's region."""
    return path_atoms(_network_of(region, net), region.pattern)


# ----------------------------------------------------------------------------------------------
# certified real numbers: square roots of algebraic numbers
# ----------------------------------------------------------------------------------------------
def _isqrt_floor(q: Fraction, bits: int) -> Fraction:
    """A rational <= sqrt(q) within 2**-bits."""
    scale = 4**bits
    return Fraction(math.isqrt(math.floor(q * scale)), 2**bits)


def _isqrt_ceil(q: Fraction, bits: int) -> Fraction:
    """A rational >= sqrt(q) within 2**-bits."""
    scale = 4**bits
    t = math.ceil(q * scale)
    r = math.isqrt(t)
    if r * r < t:
        r += 1
    return Fraction(r, 2**bits)


def _exact_sqrt(q: Fraction) -> Fraction | None:
    if q < 0:
        return None
    a, b = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if a * a == q.numerator and b * b == q.denominator:
        return Fraction(a, b)
    return None


def _poly_eval(coeffs: Sequence[Fraction], x: Fraction) -> Fraction:
    """Horner evaluation; ``coeffs`` from the leading coefficient down."""
    acc = _ZERO
    for c in coeffs:
        acc = acc * x + c
    return acc


class _Algebraic:
    """A real algebraic number: the unique root of an irreducible rational polynomial in [lo, hi].

    Rational numbers have ``lo == hi`` and a linear polynomial.  Comparisons are exact: two
    numbers with distinct irreducible polynomials are distinct, so refining their isolating
    intervals separates them; with the same polynomial they are equal iff the intervals share a
    root (one exact sign test).
    """

    __slots__ = ("coeffs", "lo", "hi")

    def __init__(self, coeffs: tuple[Fraction, ...], lo: Fraction, hi: Fraction):
        self.coeffs = coeffs
        self.lo = lo
        self.hi = hi

    @classmethod
    def rational(cls, q: Fraction) -> "_Algebraic":
        return cls((Fraction(1), -q), q, q)

    @property
    def is_rational(self) -> bool:
        return self.lo == self.hi

    def _bisect(self) -> None:
        if self.is_rational:
            return
        m = (self.lo + self.hi) / 2
        vm = _poly_eval(self.coeffs, m)
        vl = _poly_eval(self.coeffs, self.lo)
        # irreducible of degree >= 2: no rational roots, so vm != 0 and vl != 0
        if (vm > 0) == (vl > 0):
            self.lo = m
        else:
            self.hi = m

    def refine(self, width: Fraction) -> "_Algebraic":
        while self.hi - self.lo > width:
            self._bisect()
        return self

    def compare(self, other: "_Algebraic") -> int:
        """-1, 0 or 1 as self <, ==, > other (exact)."""
        while True:
            if self.hi < other.lo:
                return -1
            if other.hi < self.lo:
                return 1
            if self.is_rational and other.is_rational:
                return (self.lo > other.lo) - (self.lo < other.lo)
            if self.coeffs == other.coeffs:
                a, b = max(self.lo, other.lo), min(self.hi, other.hi)
                # the intervals overlap; the common root exists iff p changes sign on [a, b] or vanishes
                va, vb = _poly_eval(self.coeffs, a), _poly_eval(self.coeffs, b)
                if va == 0 or vb == 0 or (va > 0) != (vb > 0):
                    return 0
            # rational vs irrational, or distinct polynomials: never equal, refine to separate
            self._bisect()
            other._bisect()

    def __float__(self) -> float:
        if self.is_rational:
            return float(self.lo)
        self.refine(max(abs(self.lo), abs(self.hi), Fraction(1)) / 2**70)
        return float((self.lo + self.hi) / 2)


def _largest_root(charpoly_coeffs_ascending: Sequence[Fraction]) -> _Algebraic:
    """The largest real root of a rational polynomial (given by ascending coefficients)."""
    import flint
    import sympy

    p = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in charpoly_coeffs_ascending])
    _, factors = p.factor()
    best: _Algebraic | None = None
    x = sympy.Symbol("x")
    for f, _mult in factors:
        cs = [Fraction(int(c.p), int(c.q)) for c in f.coeffs()]  # ascending
        lead = cs[-1]
        desc = tuple(c / lead for c in reversed(cs))
        deg = len(desc) - 1
        if deg == 1:
            cand = _Algebraic.rational(-desc[1])
        else:
            poly = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in desc], x, domain="QQ")
            ivs = poly.intervals()
            if not ivs:
                continue
            (a, b), _m = ivs[-1]
            a, b = Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q))
            cand = _Algebraic(desc, a, b)
        if best is None or cand.compare(best) > 0:
            best = cand
    if best is None:  # pragma: no cover - characteristic polynomials of PSD matrices have real roots
        raise InvalidInputError("polynomial without real roots")
    return best


class CertifiedReal:
    """A real number known through a float and a rational interval ``[lo, hi]`` containing it.

    ``exact`` is the value as a Fraction when it is rational, else ``None``.  ``square`` (when
    known) is the exact algebraic number whose square root this is, which makes comparisons of
    two spectral norms exact (:meth:`compare`).

    >>> r = CertifiedReal.sqrt(Fraction(5))
    >>> r.lo ** 2 <= 5 <= r.hi ** 2, r.hi - r.lo < Fraction(1, 2**60), round(float(r), 12)
    (True, True, 2.2360679775)
    >>> CertifiedReal.sqrt(Fraction(9, 4))
    CertifiedReal(3/2)
    """

    __slots__ = ("lo", "hi", "_square", "value")

    def __init__(self, lo: Fraction, hi: Fraction, *, square: _Algebraic | None = None, value: float | None = None):
        if lo > hi:
            raise InvalidInputError(f"empty interval [{lo}, {hi}]")
        self.lo = Fraction(lo)
        self.hi = Fraction(hi)
        self._square = square
        self.value = float((self.lo + self.hi) / 2) if value is None else float(value)

    @classmethod
    def exactly(cls, q: Fraction) -> "CertifiedReal":
        q = Fraction(q)
        return cls(q, q, square=_Algebraic.rational(q * q) if q >= 0 else None)

    @classmethod
    def sqrt_of(cls, lam: _Algebraic, bits: int = 64) -> "CertifiedReal":
        if lam.is_rational:
            r = _exact_sqrt(lam.lo)
            if r is not None:
                return cls(r, r, square=lam)
        lam.refine(max(lam.hi, Fraction(1)) / 2 ** (2 * bits + 8))
        lo = _isqrt_floor(max(lam.lo, _ZERO), bits)
        hi = _isqrt_ceil(lam.hi, bits)
        # the interval is far narrower than a float's spacing: its midpoint rounds correctly
        return cls(lo, hi, square=lam)

    @classmethod
    def sqrt(cls, q: Fraction, bits: int = 64) -> "CertifiedReal":
        """The square root of a non-negative rational, exact when it is rational."""
        q = Fraction(q)
        if q < 0:
            raise InvalidInputError(f"square root of a negative number: {q}")
        return cls.sqrt_of(_Algebraic.rational(q), bits)

    @property
    def exact(self) -> Fraction | None:
        return self.lo if self.lo == self.hi else None

    @property
    def square(self) -> _Algebraic | None:
        return self._square

    def __float__(self) -> float:
        return self.value

    @staticmethod
    def _outward(lo: Fraction, hi: Fraction) -> "CertifiedReal":
        # round the end points outwards to multiples of 2**-80 so that sums and products of
        # certified reals keep short exact end points
        if lo == hi:
            return CertifiedReal(lo, hi)
        scale = 2**80
        return CertifiedReal(Fraction(math.floor(lo * scale), scale), Fraction(math.ceil(hi * scale), scale))

    def __add__(self, other: "CertifiedReal | Fraction | int") -> "CertifiedReal":
        if not isinstance(other, CertifiedReal):
            other = CertifiedReal.exactly(Fraction(other))
        return CertifiedReal._outward(self.lo + other.lo, self.hi + other.hi)

    __radd__ = __add__

    def __mul__(self, other: "CertifiedReal | Fraction | int") -> "CertifiedReal":
        if not isinstance(other, CertifiedReal):
            other = CertifiedReal.exactly(Fraction(other))
        ps = [self.lo * other.lo, self.lo * other.hi, self.hi * other.lo, self.hi * other.hi]
        return CertifiedReal._outward(min(ps), max(ps))

    __rmul__ = __mul__

    def compare(self, other: "CertifiedReal") -> int:
        """Exact comparison when both squares are known (non-negative numbers), else by intervals.

        Raises :class:`InvalidInputError` if neither the intervals nor exact squares decide.
        """
        if self.hi < other.lo:
            return -1
        if other.hi < self.lo:
            return 1
        if self._square is not None and other._square is not None and self.lo >= 0 and other.lo >= 0:
            return self._square.compare(other._square)
        if self.exact is not None and other.exact is not None:
            return (self.exact > other.exact) - (self.exact < other.exact)
        raise InvalidInputError("cannot compare two interval-only certified reals whose intervals overlap")

    def contains(self, q: Fraction) -> bool:
        return self.lo <= q <= self.hi

    def to_json(self) -> dict:
        return {"value": self.value, "interval": [fraction_to_str(self.lo), fraction_to_str(self.hi)]}

    def __repr__(self) -> str:
        if self.exact is not None:
            return f"CertifiedReal({fraction_to_str(self.exact)})"
        return f"CertifiedReal({self.value!r} in [{float(self.lo)!r}, {float(self.hi)!r}])"


# ----------------------------------------------------------------------------------------------
# operator norms
# ----------------------------------------------------------------------------------------------
def _check_norm(norm: Any) -> str:
    s = str(norm).strip().lower()
    if s in ("inf", "infinity", "oo", "max"):
        return "inf"
    if s in ("1", "l1"):
        return "1"
    if s in ("2", "l2", "spectral"):
        return "2"
    raise InvalidInputError(f"unknown norm {norm!r}; use '1', 'inf' or '2'")


def norm_inf(A: Sequence[Sequence[Fraction]]) -> Fraction:
    """The l-infinity operator norm: the largest absolute row sum (exact).

    >>> norm_inf([[1, -2], [3, 0]])
    Fraction(3, 1)
    """
    return max((sum((abs(Fraction(a)) for a in row), _ZERO) for row in A), default=_ZERO)


def norm_1(A: Sequence[Sequence[Fraction]]) -> Fraction:
    """The l1 operator norm: the largest absolute column sum (exact).

    >>> norm_1([[1, -2], [3, 0]])
    Fraction(4, 1)
    """
    return norm_inf(_transpose(A))


def _spectral_square(A: Sequence[Sequence[Fraction]]) -> _Algebraic:
    """The largest eigenvalue of ``A^T A`` as an exact algebraic number."""
    import flint

    A = [[Fraction(a) for a in row] for row in A]
    if not A or not A[0]:
        return _Algebraic.rational(_ZERO)
    m, n = len(A), len(A[0])
    G = _matmul(A, _transpose(A)) if m <= n else _matmul(_transpose(A), A)
    k = len(G)
    if k == 1:
        return _Algebraic.rational(G[0][0])
    M = flint.fmpq_mat(k, k, [flint.fmpq(g.numerator, g.denominator) for row in G for g in row])
    coeffs = [Fraction(int(c.p), int(c.q)) for c in M.charpoly().coeffs()]
    return _largest_root(coeffs)


def spectral_norm(A: Sequence[Sequence[Fraction]], bits: int = 64) -> CertifiedReal:
    """The l2 operator (spectral) norm: a float and a certified rational interval.

    The largest eigenvalue of the Gram matrix is isolated exactly (characteristic polynomial over
    Q, factored; largest real root refined by exact bisection) and the square-root bounds are
    rational, so ``lo <= ||A||_2 <= hi`` is proved, with ``hi - lo <= 2**-bits``.

    >>> r = spectral_norm([[1, 1, 0], [0, 1, 1]])
    >>> r.lo ** 2 <= 3 <= r.hi ** 2
    True
    >>> spectral_norm([[3, 0], [0, 4]])
    CertifiedReal(4)
    """
    return CertifiedReal.sqrt_of(_spectral_square(A), bits)


def operator_norm(A: Sequence[Sequence[Fraction]], norm: str = "inf") -> "Fraction | CertifiedReal":
    """The induced operator norm for ``norm`` in ``'1'``, ``'inf'`` (Fractions) or ``'2'``.

    >>> operator_norm([[1, 2]], "1"), operator_norm([[1, 2]], "inf")
    (Fraction(2, 1), Fraction(3, 1))
    >>> operator_norm([[1, 2]], "2").lo ** 2 <= 5
    True
    """
    norm = _check_norm(norm)
    if norm == "inf":
        return norm_inf(A)
    if norm == "1":
        return norm_1(A)
    return spectral_norm(A)


def _vec_norm(v: Sequence[Fraction], p: str) -> Fraction:
    """l1 / l-inf vector norm (exact); for p == '2' the squared norm."""
    if p == "1":
        return sum((abs(x) for x in v), _ZERO)
    if p == "inf":
        return max((abs(x) for x in v), default=_ZERO)
    return sum((x * x for x in v), _ZERO)


_DUAL = {"1": "inf", "inf": "1", "2": "2"}


def _rank_one_norm(u: Sequence[Fraction], w: Sequence[Fraction], norm: str) -> "Fraction | CertifiedReal":
    # ||u w^T||_{p->p} = ||u||_p * ||w||_{p*}
    if norm == "2":
        return CertifiedReal.sqrt(_vec_norm(u, "2") * _vec_norm(w, "2"))
    return _vec_norm(u, norm) * _vec_norm(w, _DUAL[norm])


def _sum(values: list, norm: str) -> "Fraction | CertifiedReal":
    # l2 quantities are always certified reals, also the empty sum
    total: Any = CertifiedReal.exactly(_ZERO) if norm == "2" else _ZERO
    for v in values:
        total = v + total if isinstance(v, CertifiedReal) else total + v
    return total


def layer_product_bound(net, norm: str = "inf") -> "Fraction | CertifiedReal":
    """The naive bound: the product of the operator norms of all weight matrices.

    Valid for every configuration, because ``||D^l|| <= 1`` (spec section 1.3 (i)).

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> layer_product_bound(net, "inf")
    Fraction(8, 1)
    >>> b = layer_product_bound(net, "2")     # sqrt(3) * sqrt(6) = 3 sqrt(2)
    >>> b.lo ** 2 <= 18 <= b.hi ** 2
    True
    """
    norm = _check_norm(norm)
    result: Any = Fraction(1)
    for W, _b in net.layers:
        v = operator_norm(W, norm)
        result = v * result if isinstance(v, CertifiedReal) else result * v
    return result


def atom_bound(net, pattern: Any, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Triangle inequality on :func:`atoms`: ``sum_i ||u_i||_p ||w_i||_{p*}`` (spec section 1.3 (ii)).

    An upper bound of the configuration's operator norm.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> atom_bound(net, [(1, 0, 1)], "inf")      # |1|*1 + |-2|*2, exact value is 3
    Fraction(5, 1)
    """
    norm = _check_norm(norm)
    return _sum([_rank_one_norm(a.u, a.w, norm) for a in atoms(net, pattern)], norm)


def path_atom_bound(net, pattern: Any, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Triangle inequality on Heinecke--Hwang's atoms: ``sum |c_ki| ||W^{L+1}_{:,k}||_p ||W^1_{i,:}||_{p*}``.

    This is the form of their Theorem 6 without the normalisation assumption (reconstructed, see
    the module docstring); it is never below :func:`atom_bound`.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, -1], [1, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> atom_bound(net, [(1, 1), (1, 1)], "inf"), path_atom_bound(net, [(1, 1), (1, 1)], "inf")
    (Fraction(2, 1), Fraction(4, 1))
    """
    norm = _check_norm(norm)
    terms = []
    for a in path_atoms(net, pattern):
        t = _rank_one_norm(a.column, a.row, norm)
        c = abs(a.coefficient)
        terms.append(t * c if isinstance(t, CertifiedReal) else c * t)
    return _sum(terms, norm)


def hh_path_count_bound(net, pattern: Any, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Heinecke--Hwang Theorem 6 (i), reconstructed: ``mu^(L-1) sum_{k,i} N_ki ||W^{L+1}_{:,k}|| ||W^1_{i,:}||_*``.

    ``mu`` is the largest absolute hidden-to-hidden weight (layers 2..L) and ``N_ki`` the number of
    active paths from first-layer unit ``i`` to last-hidden-layer unit ``k``, so each path-sum
    coefficient is at most ``N_ki mu^(L-1)``.  With normalised output columns and first-layer rows
    (the theorem's hypothesis) this is ``mu^(L-1) prod_l |s^l|``, a bound depending only on the
    number of active units.  Never below :func:`path_atom_bound`.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, -1], [1, "1/2"]], [0, 0]), ([[1, 1]], [0])])
    >>> path_atom_bound(net, [(1, 1), (1, 1)], "inf"), hh_path_count_bound(net, [(1, 1), (1, 1)], "inf")
    (Fraction(7, 2), Fraction(4, 1))
    """
    norm = _check_norm(norm)
    mu = max((abs(w) for W, _ in net.layers[1:-1] for row in W for w in row), default=_ZERO)
    scale = mu ** (len(net.widths) - 1)
    terms = []
    for a in path_atoms(net, pattern):
        t = _rank_one_norm(a.column, a.row, norm)
        c = scale * a.paths
        terms.append(t * c if isinstance(t, CertifiedReal) else c * t)
    return _sum(terms, norm)


def max_layer_norm_bound(net, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Heinecke--Hwang Theorem 6 (ii), reconstructed: ``(max_l ||W^l||)^(L+1)``, a global bound.

    Never below :func:`layer_product_bound`; at most 1 whenever every layer norm is at most 1
    (their depth-independent stability condition).

    >>> from polyrelu.network import ReLUNetwork
    >>> max_layer_norm_bound(ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]), "inf")
    Fraction(16, 1)
    """
    norm = _check_norm(norm)
    norms = [operator_norm(W, norm) for W, _ in net.layers]
    top = norms[_max_index(norms)]
    result: Any = Fraction(1)
    for _ in net.layers:
        result = top * result if isinstance(top, CertifiedReal) else result * top
    return result


def region_lipschitz(region_or_net, pattern: Any = None, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Operator norm of the affine map of a region (``region_lipschitz(region, norm=...)``) or of a
    configuration (``region_lipschitz(net, pattern, norm)``).

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> region_lipschitz(net, [(0, 1, 1)], "inf")
    Fraction(3, 1)
    """
    if pattern is None:
        A = region_or_net.affine_map[0]
    else:
        A = region_or_net.affine_map(normalize_pattern(region_or_net, pattern))[0]
    return operator_norm(A, norm)


# ----------------------------------------------------------------------------------------------
# the network on a domain
# ----------------------------------------------------------------------------------------------
Number = Union[Fraction, CertifiedReal]


def _num_json(v: Number) -> Any:
    if isinstance(v, CertifiedReal):
        return v.value
    return fraction_to_str(v)


def _max_index(values: Sequence[Number]) -> int:
    """Index of an exact maximum (first one on ties)."""
    best = 0
    for i in range(1, len(values)):
        a, b = values[i], values[best]
        if isinstance(a, CertifiedReal):
            if a.compare(b) > 0:
                best = i
        elif a > b:
            best = i
    return best


def _interval_max(values: Sequence[Number]) -> Number:
    """The maximum as a number; for certified reals an interval valid whichever attains it."""
    if not values:
        return _ZERO
    if not any(isinstance(v, CertifiedReal) for v in values):
        return max(values)
    values = [v if isinstance(v, CertifiedReal) else CertifiedReal.exactly(v) for v in values]
    return CertifiedReal(max(v.lo for v in values), max(v.hi for v in values), value=max(v.value for v in values))


@dataclass(frozen=True)
class LipschitzReport:
    """The exact Lipschitz constant of a network on a domain, the region attaining it, and bounds.

    ``value`` is a Fraction for the norms ``'1'`` and ``'inf'`` and a :class:`CertifiedReal` for
    ``'2'``.  ``naive_bound`` is :func:`layer_product_bound`; ``atom_bound`` and
    ``path_atom_bound`` are the maxima over the regions of :func:`atom_bound` and
    :func:`path_atom_bound` (the Heinecke--Hwang-style bounds); ``hh_path_count_bound`` (max over
    regions) and ``max_layer_norm_bound`` are the reconstructed forms of their Theorem 6 (i), (ii).  ``per_region`` lists the
    operator norm of every region, in region order.
    """

    norm: str
    value: Number
    region_index: int
    pattern: Pattern
    point: Vector
    naive_bound: Number
    atom_bound: Number
    path_atom_bound: Number
    hh_path_count_bound: Number
    max_layer_norm_bound: Number
    n_regions: int
    per_region: tuple = field(repr=False, default=())

    def to_json_dict(self) -> dict:
        d: dict = {"norm": self.norm}
        if isinstance(self.value, CertifiedReal):
            d["lipschitz"] = self.value.value
            d["interval"] = [fraction_to_str(self.value.lo), fraction_to_str(self.value.hi)]
        else:
            d["lipschitz"] = fraction_to_str(self.value)
        d["region"] = {
            "index": self.region_index,
            "pattern": [list(s) for s in self.pattern],
            "interior_point": [fraction_to_str(x) for x in self.point],
        }
        d["naive_bound"] = _num_json(self.naive_bound)
        d["heinecke_hwang_bound"] = _num_json(self.atom_bound)
        d["path_atom_bound"] = _num_json(self.path_atom_bound)
        d["hh_path_count_bound"] = _num_json(self.hh_path_count_bound)
        d["max_layer_norm_bound"] = _num_json(self.max_layer_norm_bound)
        extra = (
            ("naive_bound", self.naive_bound),
            ("heinecke_hwang_bound", self.atom_bound),
            ("path_atom_bound", self.path_atom_bound),
            ("hh_path_count_bound", self.hh_path_count_bound),
            ("max_layer_norm_bound", self.max_layer_norm_bound),
        )
        for key, v in extra:
            if isinstance(v, CertifiedReal):
                d[key + "_interval"] = [fraction_to_str(v.lo), fraction_to_str(v.hi)]
        d["n_regions"] = self.n_regions
        return d

    def __str__(self) -> str:
        def show(v: Number) -> str:
            if isinstance(v, CertifiedReal):
                return f"{v.value!r} (in [{float(v.lo)!r}, {float(v.hi)!r}])" if v.exact is None else fraction_to_str(v.exact)
            return fraction_to_str(v)

        pt = "(" + ", ".join(fraction_to_str(x) for x in self.point) + ")"
        return "\n".join(
            [
                f"Lipschitz constant (l{self.norm} -> l{self.norm}): {show(self.value)}",
                f"  attained on region {self.region_index} (pattern {list(map(list, self.pattern))}, interior point {pt})",
                f"  regions: {self.n_regions}",
                f"  naive bound (product of layer norms): {show(self.naive_bound)}",
                f"  Heinecke-Hwang atom bound: {show(self.atom_bound)}",
                f"  path-atom bound (Theorem 5 atoms): {show(self.path_atom_bound)}",
                f"  Theorem 6 (i) form (path counts x largest hidden weight): {show(self.hh_path_count_bound)}",
                f"  Theorem 6 (ii) form (largest layer norm ^ depth): {show(self.max_layer_norm_bound)}",
            ]
        )


def lipschitz_constant(net, domain: Any = "network", norm: str = "inf", *, complex=None, backend: str | None = None) -> LipschitzReport:
    """The exact Lipschitz constant of ``net`` on ``domain`` for the ``norm`` on inputs and outputs.

    A continuous piecewise-affine function on a convex set is Lipschitz with constant equal to the
    largest operator norm of its affine pieces, so this is the maximum over the regions of the
    complex (``domain`` a Polytope, ``None`` for all of R^n, or by default the network's own
    domain if it has one, else R^n).  Pass ``complex=`` to reuse an
    already computed complex.

    >>> from polyrelu.network import ReLUNetwork
    >>> from polyrelu.polytope import Polytope
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> rep = lipschitz_constant(net, norm="inf")
    >>> rep.value, rep.naive_bound, rep.atom_bound
    (Fraction(3, 1), Fraction(8, 1), Fraction(6, 1))
    >>> rep.pattern in {((1, 0, 1),), ((0, 1, 1),)}          # the two regions with gradient norm 3
    True
    >>> rep2 = lipschitz_constant(net, norm="2")
    >>> rep2.value.lo ** 2 <= 5 <= rep2.value.hi ** 2, rep2.value.square.is_rational   # Lip_2 = sqrt(5)
    (True, True)
    >>> lipschitz_constant(net, Polytope.box([0, 0], [1, 1])).value   # only the maps x1+x2, 2-x1-x2
    Fraction(2, 1)
    """
    from .complex import PolyhedralComplex

    norm = _check_norm(norm)
    if isinstance(domain, str) and domain == "network":
        domain = net.domain
    if complex is None:
        kwargs = {} if backend is None else {"backend": backend}
        complex = PolyhedralComplex.from_network(net, domain=domain, **kwargs)
    regions = list(complex.regions)
    if not regions:
        raise InvalidInputError("the complex has no full-dimensional region (is the domain full-dimensional?)")
    per_region = []
    abounds, pbounds, hbounds = [], [], []
    for r in regions:
        per_region.append(operator_norm(r.affine_map[0], norm))
        abounds.append(atom_bound(net, r.pattern, norm))
        pbounds.append(path_atom_bound(net, r.pattern, norm))
        hbounds.append(hh_path_count_bound(net, r.pattern, norm))
    k = _max_index(per_region)
    value = per_region[k]
    best = regions[k]
    return LipschitzReport(
        norm=norm,
        value=value,
        region_index=getattr(best, "index", k),
        pattern=normalize_pattern(net, best.pattern),
        point=tuple(best.interior_point),
        naive_bound=layer_product_bound(net, norm),
        atom_bound=_interval_max(abounds),
        path_atom_bound=_interval_max(pbounds),
        hh_path_count_bound=_interval_max(hbounds),
        max_layer_norm_bound=max_layer_norm_bound(net, norm),
        n_regions=len(regions),
        per_region=tuple(per_region),
    )
