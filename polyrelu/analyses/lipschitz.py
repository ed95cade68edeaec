"""Exact Lipschitz constants of ReLU networks on a domain, and the classical upper bounds.

>>> from polyrelu.network import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> lipschitz_constant(net, norm="1").value, layer_product_bound(net, "1")
(Fraction(2, 1), Fraction(4, 1))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence, Union

from ..complex import PolyhedralComplex
from ..exact import InvalidInputError, fraction_to_str
from ..network import NETWORK_DOMAIN, ReLUNetwork, resolve_domain
from ..numbers import CertifiedReal
from .configurations import Pattern, Vector, atoms, normalize_pattern, path_atoms
from .norms import check_norm, operator_norm, rank_one_norm, norm_sum

__all__ = [
    "LipschitzReport",
    "layer_product_bound",
    "atom_bound",
    "path_atom_bound",
    "hh_path_count_bound",
    "max_layer_norm_bound",
    "region_lipschitz",
    "lipschitz_constant",
]

_ZERO = Fraction(0)


def layer_product_bound(net: ReLUNetwork, norm: str = "inf") -> "Fraction | CertifiedReal":
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
    norm = check_norm(norm)
    result: Any = Fraction(1)
    for W, _b in net.layers:
        v = operator_norm(W, norm)
        result = v * result if isinstance(v, CertifiedReal) else result * v
    return result


def atom_bound(net: ReLUNetwork, pattern: Any, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Triangle inequality on :func:`atoms`: ``sum_i ||u_i||_p ||w_i||_{p*}`` (spec section 1.3 (ii)).

    An upper bound of the configuration's operator norm.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> atom_bound(net, [(1, 0, 1)], "inf")      # |1|*1 + |-2|*2, exact value is 3
    Fraction(5, 1)
    """
    norm = check_norm(norm)
    return norm_sum([rank_one_norm(a.u, a.w, norm) for a in atoms(net, pattern)], norm)


def path_atom_bound(net: ReLUNetwork, pattern: Any, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Triangle inequality on Heinecke--Hwang's atoms: ``sum |c_ki| ||W^{L+1}_{:,k}||_p ||W^1_{i,:}||_{p*}``.

    This is the form of their Theorem 6 without the normalisation assumption (reconstructed, see
    the module docstring); it is never below :func:`atom_bound`.

    >>> from polyrelu.network import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, -1], [1, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> atom_bound(net, [(1, 1), (1, 1)], "inf"), path_atom_bound(net, [(1, 1), (1, 1)], "inf")
    (Fraction(2, 1), Fraction(4, 1))
    """
    norm = check_norm(norm)
    terms = []
    for a in path_atoms(net, pattern):
        t = rank_one_norm(a.column, a.row, norm)
        c = abs(a.coefficient)
        terms.append(t * c if isinstance(t, CertifiedReal) else c * t)
    return norm_sum(terms, norm)


def hh_path_count_bound(net: ReLUNetwork, pattern: Any, norm: str = "inf") -> "Fraction | CertifiedReal":
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
    norm = check_norm(norm)
    mu = max((abs(w) for W, _ in net.layers[1:-1] for row in W for w in row), default=_ZERO)
    scale = mu ** (len(net.widths) - 1)
    terms = []
    for a in path_atoms(net, pattern):
        t = rank_one_norm(a.column, a.row, norm)
        c = scale * a.paths
        terms.append(t * c if isinstance(t, CertifiedReal) else c * t)
    return norm_sum(terms, norm)


def max_layer_norm_bound(net: ReLUNetwork, norm: str = "inf") -> "Fraction | CertifiedReal":
    """Heinecke--Hwang Theorem 6 (ii), reconstructed: ``(max_l ||W^l||)^(L+1)``, a global bound.

    Never below :func:`layer_product_bound`; at most 1 whenever every layer norm is at most 1
    (their depth-independent stability condition).

    >>> from polyrelu.network import ReLUNetwork
    >>> max_layer_norm_bound(ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]), "inf")
    Fraction(16, 1)
    """
    norm = check_norm(norm)
    norms = [operator_norm(W, norm) for W, _ in net.layers]
    top = norms[_max_index(norms)]
    result: Any = Fraction(1)
    for _ in net.layers:
        result = top * result if isinstance(top, CertifiedReal) else result * top
    return result


def region_lipschitz(region_or_net: Any, pattern: Any = None, norm: str = "inf") -> "Fraction | CertifiedReal":
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

    >>> from polyrelu.network import ReLUNetwork
    >>> rep = lipschitz_constant(ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])]))   # |x|
    >>> rep.value, rep.n_regions, rep.naive_bound
    (Fraction(1, 1), 2, Fraction(2, 1))
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
        """The report as JSON data (exact numbers as ``"p/q"`` strings, l2 values with their interval).

        >>> from polyrelu.network import ReLUNetwork
        >>> lipschitz_constant(ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])).to_json_dict()["lipschitz"]
        '1'
        """
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


def lipschitz_constant(net: ReLUNetwork, domain: Any = NETWORK_DOMAIN, norm: str = "inf", *, cx: PolyhedralComplex | None = None,
                       backend: str | None = None, complex: PolyhedralComplex | None = None) -> LipschitzReport:
    """The exact Lipschitz constant of ``net`` on ``domain`` for the ``norm`` on inputs and outputs.

    A continuous piecewise-affine function on a convex set is Lipschitz with constant equal to the
    largest operator norm of its affine pieces, so this is the maximum over the regions of the
    complex (``domain`` a Polytope, ``None`` for all of R^n, or by default the network's own
    domain if it has one, else R^n).  Pass ``cx=`` to reuse an
    already computed complex (``complex=``, its old name, still works; it shadowed the builtin).

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
    >>> cx = net.complex()
    >>> lipschitz_constant(net, norm="1", cx=cx).value == lipschitz_constant(net, norm="1", complex=cx).value
    True
    """
    norm = check_norm(norm)
    domain = resolve_domain(net, domain)
    if cx is None:
        cx = complex
    if cx is None:
        kwargs = {} if backend is None else {"backend": backend}
        cx = PolyhedralComplex.from_network(net, domain=domain, **kwargs)
    regions = list(cx.regions)
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
