"""Configurations (Heinecke--Hwang): one 0/1 activation pattern per hidden layer, its region
polyhedron, its affine map, and the rank-one atoms whose sum is the map's linear part.

>>> from polyrelu.network import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> [str(a) for a in atoms(net, [(1, 0, 1)])]
['unit 0: (1) x (1, 0)', 'unit 2: (-2) x (1, 1)']
>>> configuration(net, [(1, 0, 1)]).is_realized
True
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterable

from ..complex import register_region_atoms
from ..exact import InvalidInputError, fraction_to_str
from ..linalg import mat_add, matmul, outer, zeros
from ..network import NETWORK_DOMAIN, ReLUNetwork, resolve_domain
from ..numbers import CertifiedReal
from ..polytope import Polytope
from .norms import operator_norm

__all__ = [
    "Atom",
    "PathAtom",
    "Configuration",
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
]

Matrix = tuple[tuple[Fraction, ...], ...]
Vector = tuple[Fraction, ...]
Pattern = tuple[tuple[int, ...], ...]

_ZERO = Fraction(0)


def normalize_pattern(net: ReLUNetwork, pattern: Any) -> Pattern:
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


def preactivation_maps(net: ReLUNetwork, pattern: Any) -> tuple[tuple[Matrix, Vector], ...]:
    """The pre-activations ``z^l = G^l x + h^l`` of every hidden layer under a configuration:
    :meth:`ReLUNetwork.preactivation_maps <polyrelu.network.ReLUNetwork.preactivation_maps>` (the
    one home of the composition, beside ``affine_map``), with the pattern checked by
    :func:`normalize_pattern` first.  Kept under this name for one release.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0]], [0]), ([[2]], [-1]), ([[1]], [0])])
    >>> preactivation_maps(net, [(1,), (1,)]) == net.preactivation_maps([(1,), (1,)])
    True
    """
    return net.preactivation_maps(normalize_pattern(net, pattern))


def configuration_polytope(net: ReLUNetwork, pattern: Any, domain: Polytope | str | None = NETWORK_DOMAIN) -> Polytope:
    """The closed region polyhedron ``P_sigma`` of a configuration, intersected with ``domain``
    (a Polytope, ``None`` for all of R^n, or by default the network's own domain if it has one).

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
    pattern = normalize_pattern(net, pattern)
    n = net.input_dim
    rows: list[tuple[Fraction, ...]] = []
    rhs: list[Fraction] = []
    infeasible = False
    domain = resolve_domain(net, domain)
    for (G, h), s in zip(net.preactivation_maps(pattern), pattern):
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

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> a = atoms(net, [(1, 0, 1)])[1]
    >>> a.unit, a.u, a.w
    (2, (Fraction(-2, 1),), (Fraction(1, 1), Fraction(1, 1)))
    """

    unit: int
    u: Vector
    w: Vector

    @property
    def matrix(self) -> Matrix:
        """The rank-one matrix ``u w^T`` (output_dim x input_dim).

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> atoms(net, [(1, 0, 1)])[1].matrix
        ((Fraction(-2, 1), Fraction(-2, 1)),)
        """
        return outer(self.u, self.w)

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

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> [(p.first, p.last, p.coefficient, p.paths) for p in path_atoms(net, [(1, 0, 1)])]
    [(0, 0, Fraction(1, 1), 1), (2, 2, Fraction(1, 1), 1)]
    """

    first: int
    last: int
    coefficient: Fraction
    column: Vector
    row: Vector
    paths: int

    @property
    def matrix(self) -> Matrix:
        """The matrix ``coefficient * column row^T`` of this term.

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> path_atoms(net, [(1, 0, 1)])[0].matrix
        ((Fraction(1, 1), Fraction(0, 1)),)
        """
        return tuple(tuple(self.coefficient * a * b for b in self.row) for a in self.column)

    def __str__(self) -> str:
        return f"({self.last} <- {self.first}): {fraction_to_str(self.coefficient)} * col x row"


def atoms(net: ReLUNetwork, pattern: Any) -> tuple[Atom, ...]:
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
        V = matmul(layers[l][0], V)
    out = []
    for i in range(n1):
        if pattern[0][i]:
            out.append(Atom(unit=i, u=tuple(row[i] for row in V), w=tuple(W1[i])))
    return tuple(out)


def path_atoms(net: ReLUNetwork, pattern: Any) -> tuple[PathAtom, ...]:
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
        return zeros(*shape)
    total = items[0].matrix
    for a in items[1:]:
        total = mat_add(total, a.matrix)
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

    def __init__(self, net: ReLUNetwork, pattern: Any, domain: Polytope | str | None = NETWORK_DOMAIN):
        self.network = net
        self.pattern: Pattern = normalize_pattern(net, pattern)
        self.domain = resolve_domain(net, domain)

    @cached_property
    def polytope(self) -> Polytope:
        """The closed region polyhedron of the configuration (inside the domain, if one was given).

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> len(configuration(net, [(1, 1, 0)]).polytope.vertices)
        3
        """
        return configuration_polytope(self.network, self.pattern, self.domain)

    @property
    def is_empty(self) -> bool:
        """True when no input has this configuration (also inside the domain).

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> configuration(net, [(0, 0, 1)]).is_empty, configuration(net, [(1, 1, 1)]).is_empty
        (True, False)
        """
        return self.polytope.is_empty

    @property
    def is_realized(self) -> bool:
        """True when the polyhedron is full-dimensional: the configuration is an activation region.

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> configuration(net, [(1, 1, 1)]).is_realized
        True
        """
        return self.polytope.dim == self.network.input_dim

    @cached_property
    def affine_map(self) -> tuple[Matrix, Vector]:
        """The exact affine map ``(A, c)`` of the network under the configuration: ``f(x) = A x + c``.

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> configuration(net, [(1, 1, 1)]).affine_map
        (((Fraction(-1, 1), Fraction(-1, 1)),), (Fraction(2, 1),))
        """
        return self.network.affine_map(self.pattern)

    @cached_property
    def atoms(self) -> tuple[Atom, ...]:
        """The rank-one atoms of the linear part (:func:`atoms`).

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> len(configuration(net, [(1, 1, 1)]).atoms)
        3
        """
        return atoms(self.network, self.pattern)

    @cached_property
    def path_atoms(self) -> tuple[PathAtom, ...]:
        """Heinecke--Hwang's path atoms of the linear part (:func:`path_atoms`).

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> len(configuration(net, [(1, 0, 0)]).path_atoms)
        1
        """
        return path_atoms(self.network, self.pattern)

    def lipschitz(self, norm: str = "inf") -> "Fraction | CertifiedReal":
        """Operator norm of the linear part (the Lipschitz constant on the region).

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> configuration(net, [(1, 0, 1)]).lipschitz("inf")
        Fraction(3, 1)
        """
        return operator_norm(self.affine_map[0], norm)

    def __repr__(self) -> str:
        if self.is_empty:
            state = "empty"
        elif self.is_realized:
            state = "region"
        else:
            state = f"lower-dimensional (dim {self.polytope.dim})"
        return f"Configuration({self.pattern!r}, {state})"


def configuration(net: ReLUNetwork, pattern: Any, domain: Polytope | str | None = NETWORK_DOMAIN) -> Configuration:
    """The :class:`Configuration` of ``net`` with this 0/1 pattern, inside ``domain`` (a Polytope,
    ``None`` for all of R^n, or by default the network's own domain if it has one).

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
    cx = getattr(region, "complex", None)
    if cx is not None and getattr(cx, "network", None) is not None:
        return cx.network
    raise InvalidInputError("this region does not know its network; pass net=")


def region_configuration(region: Any, net: ReLUNetwork | None = None) -> Configuration:
    """The :class:`Configuration` of a complex's region (uses ``region.pattern``).

    >>> from polyrelu.network import ReLUNetwork
    >>> from polyrelu.complex import PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> cx = PolyhedralComplex.from_network(net)
    >>> all(region_configuration(r, net).affine_map == r.affine_map for r in cx.regions)
    True
    """
    net = _network_of(region, net)
    return Configuration(net, region.pattern, None)


def region_atoms(region: Any, net: ReLUNetwork | None = None) -> tuple[Atom, ...]:
    """:func:`atoms` for a complex's region.

    >>> from polyrelu.network import ReLUNetwork
    >>> from polyrelu.complex import PolyhedralComplex
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> cx = PolyhedralComplex.from_network(net)
    >>> all(atoms_sum(region_atoms(r, net), (1, 2)) == r.affine_map[0] for r in cx.regions)
    True
    """
    return atoms(_network_of(region, net), region.pattern)


register_region_atoms(region_atoms)  # the deprecated Region.atoms() calls it


def region_path_atoms(region: Any, net: ReLUNetwork | None = None) -> tuple[PathAtom, ...]:
    """:func:`path_atoms` for a complex's region.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> cx = net.complex()
    >>> all(atoms_sum(region_path_atoms(r), (1, 2)) == r.affine_map[0] for r in cx.regions)
    True
    """
    return path_atoms(_network_of(region, net), region.pattern)
