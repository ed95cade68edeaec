"""Hyperplane arrangements: general position, intersection poset, Zaslavsky counts.

A :class:`HyperplaneArrangement` is a finite set of affine hyperplanes ``a.x + c = 0`` in R^n,
written like a neuron's pre-activation ``W x + b``, with exact rational data.  Everything here
is computed exactly from the *intersection poset* (the flats), which is built rank by rank;
no subset of hyperplanes is ever enumerated blindly, so arrangements of a few dozen
hyperplanes in low dimension are fast.

>>> A = HyperplaneArrangement([[1, 0], [0, 1], [1, 1]], [0, 0, -1])   # x=0, y=0, x+y=1
>>> A
HyperplaneArrangement(3 hyperplanes in R^2, rank 2)
>>> print(A.characteristic_polynomial())
t^2 - 3*t + 3
>>> A.n_regions, A.n_bounded_regions
(7, 1)
>>> bool(A.is_general_position())
True
"""
from __future__ import annotations

import json
import math
import os
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

import networkx as nx

from . import validate
from .complex import PolyhedralComplex
from .exact import InvalidInputError, check_format, fraction_to_str, primitive_ints, to_matrix, to_vector
from .linalg import rank as matrix_rank
from .linalg import rref as _rref
from .validate import read_json

__all__ = [
    "HyperplaneArrangement",
    "GeneralPositionResult",
    "CharacteristicPolynomial",
    "FORMAT",
]

FORMAT = "polyrelu-arrangement"

Vector = tuple[Fraction, ...]
IntRow = tuple[int, ...]


# --------------------------------------------------------------------------------------------
# exact integer linear algebra on augmented rows [a | c]
# --------------------------------------------------------------------------------------------
def _primitive(row: Sequence[int]) -> IntRow:
    """Divide an integer row by its gcd and make the first nonzero entry positive (a canonical
    projective form).  The elimination below calls this on every new integer row, so it works on
    ints directly; rational rows go through :func:`~polyrelu.exact.primitive_ints` first."""
    g = math.gcd(*row)
    if g == 0:
        return tuple(row)
    if next(x for x in row if x) < 0:
        g = -g
    return tuple(x // g for x in row)


def _integer_row(values: Sequence[Fraction]) -> IntRow:
    """The primitive integer row proportional to a rational row, first nonzero entry positive."""
    return _primitive(primitive_ints(values))


def _reduce(row: IntRow, basis: Sequence[tuple[int, IntRow]]) -> IntRow:
    """Eliminate the pivot columns of a reduced integer echelon basis from ``row``.

    The basis rows vanish at each other's pivots, so a single pass leaves ``row`` zero at every
    pivot, and ``row`` is then zero iff it lies in the span of the basis.
    """
    r = list(row)
    changed = False
    for p, f in basis:
        x = r[p]
        if x:
            fp = f[p]
            g = math.gcd(fp, x)
            a, b = fp // g, x // g
            r = [a * ri - b * fi for ri, fi in zip(r, f)]
            changed = True
    return _primitive(r) if changed else tuple(r)


def _insert(basis: Sequence[tuple[int, IntRow]], row: IntRow, pivot: int) -> tuple[tuple[int, IntRow], ...]:
    """Add a row (already reduced against ``basis``, with pivot ``pivot``) keeping the basis reduced."""
    q = row[pivot]
    out = []
    for p, f in basis:
        x = f[pivot]
        if x:
            g = math.gcd(q, x)
            f = _primitive([(q // g) * fi - (x // g) * ri for fi, ri in zip(f, row)])
        out.append((p, f))
    out.append((pivot, row))
    out.sort()
    return tuple(out)


# --------------------------------------------------------------------------------------------
# the intersection poset, built rank by rank
# --------------------------------------------------------------------------------------------
class _Flat:
    __slots__ = ("rank", "hyperplanes", "basis", "below")

    def __init__(self, rank: int, hyperplanes: frozenset, basis, below: list):
        self.rank = rank
        self.hyperplanes = hyperplanes  # every hyperplane containing the flat
        self.basis = basis  # reduced integer echelon rows of [a | c] cutting out the flat
        self.below = below  # ids of the flats it covers (one rank lower, containing it)


def _build_flats(rows: Sequence[IntRow], dim: int, max_rank: int | None = None) -> list[_Flat]:
    """All nonempty intersections of the hyperplanes ``rows`` ([a | c], a != 0), by rank.

    A flat is identified by the set S(X) of hyperplanes containing it.  From a flat F, the
    hyperplanes not containing F are reduced against F's equations; H_j and H_i cut F in the
    same flat exactly when their reduced rows are proportional, so grouping the reduced rows by
    their primitive form gives every flat covering F together with its full set S(G) at once.
    """
    top = dim if max_rank is None else min(dim, max_rank)
    flats = [_Flat(0, frozenset(), (), [])]
    index: dict[frozenset, int] = {frozenset(): 0}
    level = [0]
    m = len(rows)
    for k in range(top):
        nxt = []
        for fid in level:
            F = flats[fid]
            groups: dict[IntRow, list[int]] = {}
            for j in range(m):
                if j in F.hyperplanes:
                    continue
                r = _reduce(rows[j], F.basis)
                if not any(r[:dim]):
                    continue  # parallel to F inside its affine hull: empty intersection
                groups.setdefault(r, []).append(j)
            for r, js in groups.items():
                S = F.hyperplanes.union(js)
                gid = index.get(S)
                if gid is None:
                    pivot = next(i for i in range(dim) if r[i])
                    gid = len(flats)
                    flats.append(_Flat(k + 1, S, _insert(F.basis, r, pivot), []))
                    index[S] = gid
                    nxt.append(gid)
                flats[gid].below.append(fid)
        level = nxt
        if not level:
            break
    return flats


def _mobius(flats: Sequence[_Flat]) -> list[int]:
    """mu(R^n, X) for every flat X (flats given in rank order, R^n first)."""
    mu = [0] * len(flats)
    mu[0] = 1
    for gid in range(1, len(flats)):
        G = flats[gid]
        if len(G.hyperplanes) == G.rank:
            # k independent hyperplanes: the interval below G is Boolean
            mu[gid] = -1 if G.rank % 2 else 1
            continue
        seen = {gid}
        stack = [gid]
        while stack:
            for y in flats[stack.pop()].below:
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        seen.discard(gid)
        mu[gid] = -sum(mu[y] for y in seen)
    return mu


def _circuit_witness(flats: Sequence[_Flat], rows: Sequence[IntRow]) -> tuple[int, ...] | None:
    """A smallest dependent subset of ``rows`` among those lying in a common flat, or None.

    A flat X with more hyperplanes than its rank k holds a dependent (k+1)-subset; conversely a
    dependent subset with a common point spans a flat of rank < its size.  So the smallest such
    subsets come from the lowest-rank flats with |S(X)| > rank(X): a basis of S(X) plus one more
    hyperplane.  Among the candidates the lexicographically smallest is returned.
    """
    best: tuple[int, ...] | None = None
    best_rank = None
    for X in flats:
        if best_rank is not None and X.rank > best_rank:
            break
        if len(X.hyperplanes) <= X.rank:
            continue
        basis: tuple = ()
        chosen = []
        extra = None
        for j in sorted(X.hyperplanes):
            r = _reduce(rows[j], basis)
            piv = next((i for i, x in enumerate(r) if x), None)
            if piv is None:
                if extra is None:
                    extra = j
            elif len(chosen) < X.rank:
                basis = _insert(basis, r, piv)
                chosen.append(j)
            if len(chosen) == X.rank and extra is not None:
                break
        cand = tuple(sorted(chosen + [extra]))
        if best is None or cand < best:
            best, best_rank = cand, X.rank
    return best


# --------------------------------------------------------------------------------------------
# result objects
# --------------------------------------------------------------------------------------------
class GeneralPositionResult:
    """The answer of :meth:`HyperplaneArrangement.is_general_position`.

    Truthy iff the arrangement is in general position.  ``witness`` is ``None`` then; otherwise
    it is a sorted tuple of hyperplane indices forming a *smallest* violating subset, and
    ``reason`` says what goes wrong with it.

    >>> r = HyperplaneArrangement([[1, 0], [0, 1], [1, -1]]).is_general_position()
    >>> bool(r), r.witness
    (False, (0, 1, 2))
    >>> r.reason
    '3 hyperplanes through one point in R^2 (at most 2 may meet in a point)'
    """

    __slots__ = ("_ok", "witness", "reason")

    def __init__(self, ok: bool, witness: tuple[int, ...] | None, reason: str):
        self._ok = ok
        self.witness = witness
        self.reason = reason

    def __bool__(self) -> bool:
        return self._ok

    def __eq__(self, other: object) -> bool:
        if isinstance(other, bool):
            return self._ok is other
        if isinstance(other, GeneralPositionResult):
            return (self._ok, self.witness) == (other._ok, other.witness)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._ok:
            return "GeneralPositionResult(True)"
        return f"GeneralPositionResult(False, witness={self.witness})"


class CharacteristicPolynomial(tuple):
    """Integer coefficients of chi_A(t), highest degree first (a plain tuple of ints).

    It also evaluates exactly at a number and converts to sympy.

    >>> chi = CharacteristicPolynomial((1, -3, 2))
    >>> chi
    CharacteristicPolynomial(t^2 - 3*t + 2)
    >>> chi(-1), chi(1), chi.degree
    (6, 0, 2)
    >>> chi.as_sympy()
    Poly(t**2 - 3*t + 2, t, domain='ZZ')
    """

    @property
    def degree(self) -> int:
        """The degree of the polynomial (the dimension n of the ambient space).

        >>> HyperplaneArrangement([[1, 0], [0, 1]]).characteristic_polynomial().degree
        2
        """
        return len(self) - 1

    def __call__(self, t: Any) -> Any:
        v = 0
        for c in self:
            v = v * t + c
        return v

    def as_sympy(self, symbol: str = "t") -> Any:
        """A ``sympy.Poly`` with integer coefficients in ``symbol``.

        >>> HyperplaneArrangement([[1, 0], [0, 1]]).characteristic_polynomial().as_sympy().as_expr()
        t**2 - 2*t + 1
        """
        import sympy

        return sympy.Poly(list(self), sympy.Symbol(symbol), domain="ZZ")

    def __str__(self) -> str:
        d = self.degree
        terms = []
        for k, c in enumerate(self):
            if c == 0:
                continue
            e = d - k
            mon = "" if e == 0 else ("t" if e == 1 else f"t^{e}")
            a = abs(c)
            body = str(a) if not mon else (mon if a == 1 else f"{a}*{mon}")
            sign = "-" if c < 0 else "+"
            terms.append((sign, body))
        if not terms:
            return "0"
        out = ("-" if terms[0][0] == "-" else "") + terms[0][1]
        for sign, body in terms[1:]:
            out += f" {sign} {body}"
        return out

    def __repr__(self) -> str:
        return f"CharacteristicPolynomial({self})"


# --------------------------------------------------------------------------------------------
# the arrangement
# --------------------------------------------------------------------------------------------
class _Count(int):
    """A count that can also be called: ``A.n_regions`` is a property now, and the old method
    call ``A.n_regions()`` (with the arguments the method took) keeps working for one release."""

    def __new__(cls, value: int, fn=None):
        self = super().__new__(cls, value)
        self._fn = fn
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        return int(self) if self._fn is None else self._fn(*args, **kwargs)


class HyperplaneArrangement:
    """A finite arrangement of affine hyperplanes ``{x in R^n : a_i.x + c_i = 0}``, exactly.

    ``normals`` is an m x n array-like of rationals, ``offsets`` a length-m vector (default all
    zero, i.e. every hyperplane through the origin).  Pass ``dim`` when ``m = 0``.

    Normalisation (documented, never silent):

    * a zero normal raises :class:`~polyrelu.exact.InvalidInputError` (``0.x + c = 0`` is the
      whole space or empty, not a hyperplane); so do ragged rows and mismatched lengths;
    * two rows describing the same hyperplane -- ``[a | c]`` proportional by any nonzero factor,
      negative included -- are merged into one.  The first occurrence is kept (with its own
      normal and offset), and ``merged`` lists every group of merged input indices.
      ``origin[i]`` gives the input indices that hyperplane ``i`` came from.

    Hyperplanes are then indexed ``0..m'-1`` in order of first occurrence.  The object is
    immutable; the intersection poset and everything derived from it is computed once, lazily.

    >>> A = HyperplaneArrangement([[1, 0], [-2, 0], [0, 1]], [1, -2, 0])
    >>> len(A), A.merged, A.origin
    (2, ((0, 1),), ((0, 1), (2,)))
    >>> HyperplaneArrangement([[0, 0]], [1])
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: hyperplane 0 has a zero normal vector (0.x + 1 = 0 is not a hyperplane)
    """

    __slots__ = ("_dim", "_normals", "_offsets", "_rows", "_origin", "_skipped", "__dict__", "__weakref__")

    def __init__(self, normals: Any, offsets: Any = None, *, dim: int | None = None):
        N = to_matrix(normals, name="normals")
        if dim is None:
            if not N:
                raise InvalidInputError("an arrangement with no hyperplanes needs dim=... to know its space")
            dim = len(N[0])
        if not isinstance(dim, int) or isinstance(dim, bool) or dim < 0:
            raise InvalidInputError(f"dim must be a non-negative integer, got {dim!r}")
        if N and len(N[0]) != dim:
            raise InvalidInputError(f"normals have {len(N[0])} coordinates but dim={dim}")
        if offsets is None:
            C = tuple(Fraction(0) for _ in N)
        else:
            C = to_vector(offsets, len(N), name="offsets")
        self._init(dim, N, C, tuple((i,) for i in range(len(N))), ())

    def _init(self, dim: int, N, C, labels: Sequence[tuple], skipped: tuple) -> None:
        """Shared constructor: ``labels[i]`` are the source labels of input row ``i``."""
        normals, offsets, rows, origin = [], [], [], []
        seen: dict[IntRow, int] = {}
        for i, (a, c) in enumerate(zip(N, C)):
            if not any(a):
                raise InvalidInputError(
                    f"hyperplane {labels[i][0]} has a zero normal vector "
                    f"(0.x + {fraction_to_str(c)} = 0 is not a hyperplane)"
                )
            row = _integer_row(tuple(a) + (c,))
            k = seen.get(row)
            if k is None:
                seen[row] = len(rows)
                normals.append(tuple(a))
                offsets.append(c)
                rows.append(row)
                origin.append(list(labels[i]))
            else:
                origin[k].extend(labels[i])
        self._dim = dim
        self._normals = tuple(normals)
        self._offsets = tuple(offsets)
        self._rows = tuple(rows)
        self._origin = tuple(tuple(o) for o in origin)
        self._skipped = tuple(skipped)

    @classmethod
    def _make(cls, dim: int, N, C, labels, skipped=()) -> "HyperplaneArrangement":
        obj = cls.__new__(cls)
        obj._init(dim, N, C, labels, skipped)
        return obj

    # -- constructors --------------------------------------------------------------------------
    @classmethod
    def from_layer(cls, net: Any, layer: int = 1) -> "HyperplaneArrangement":
        """The hyperplanes ``W^l_i . x + b^l_i = 0`` of hidden layer ``layer`` (1-based) of a network.

        For ``layer = 1`` this is the arrangement the first layer draws on the input space; for
        ``layer > 1`` it lives in R^{n_{l-1}}, the space of the previous layer's activations.
        A neuron with a zero weight row is constant, not a hyperplane: it is skipped, and its
        unit index is listed in ``skipped``.  Units defining the same hyperplane are merged;
        ``origin`` and ``merged`` hold unit indices.

        >>> from polyrelu.network import ReLUNetwork
        >>> net = ReLUNetwork([([[1, 0], [0, 0], [2, 0], [0, 1]], [0, 1, 0, -1]), ([[1, 1, 1, 1]], [0])])
        >>> A = HyperplaneArrangement.from_layer(net, 1)
        >>> A, A.skipped, A.merged
        (HyperplaneArrangement(2 hyperplanes in R^2, rank 2, 1 duplicate merged), (1,), ((0, 2),))
        """
        widths = getattr(net, "widths", None)
        if widths is None:
            raise InvalidInputError("from_layer needs a ReLUNetwork")
        if not isinstance(layer, int) or isinstance(layer, bool) or not 1 <= layer <= len(widths):
            raise InvalidInputError(
                f"layer must be a hidden layer 1..{len(widths)} of this network, got {layer!r}"
            )
        W, b = net.layers[layer - 1]
        keep = [i for i, row in enumerate(W) if any(row)]
        skipped = tuple(i for i in range(len(W)) if i not in set(keep))
        return cls._make(
            len(W[0]), [W[i] for i in keep], [b[i] for i in keep], [(i,) for i in keep], skipped
        )

    @classmethod
    def from_json_dict(cls, d: Any, *, source: str = "arrangement") -> "HyperplaneArrangement":
        """Parse ``{"format": "polyrelu-arrangement", "version": 1, "hyperplanes": [...]}``.

        Each hyperplane is ``{"normal": [...], "offset": ...}`` (numbers, or exact ``"p/q"``
        strings; floats are read exactly); ``"offset"`` defaults to 0.  An optional ``"dim"``
        is required only when there are no hyperplanes.

        >>> HyperplaneArrangement.from_json_dict({"format": "polyrelu-arrangement", "version": 1,
        ...     "hyperplanes": [{"normal": [1, "1/2"], "offset": "-1/3"}]}).hyperplanes
        (((Fraction(1, 1), Fraction(1, 2)), Fraction(-1, 3)),)
        """
        check_format(d, FORMAT, source)
        hs = d.get("hyperplanes")
        if not isinstance(hs, list):
            raise InvalidInputError(f"{source}: 'hyperplanes' must be a list, got {validate.describe(hs)}")
        N, C = [], []
        for k, h in enumerate(hs):
            where = f"{source}: hyperplanes[{k}]"
            if not isinstance(h, dict) or "normal" not in h:
                raise InvalidInputError(f"{where} must be an object with 'normal' (and 'offset'), got {validate.describe(h)}")
            N.append(validate.vector(h["normal"], f"{where}.normal"))
            C.append(validate.number(h.get("offset", 0), f"{where}.offset"))
        dim = d.get("dim")
        if dim is not None:
            dim = validate.integer(dim, f"{source}: dim", minimum=0)
        for k, a in enumerate(N):
            want = dim if dim is not None else len(N[0])
            if len(a) != want:
                raise InvalidInputError(
                    f"{source}: hyperplanes[{k}].normal has {len(a)} entries, expected {want}"
                )
        try:
            return cls(N, C, dim=dim)
        except InvalidInputError as e:
            raise InvalidInputError(f"{source}: {e}") from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> "HyperplaneArrangement":
        """Load an arrangement file (see :meth:`from_json_dict` for the format), as :meth:`save` writes it.

        >>> import tempfile, pathlib
        >>> A = HyperplaneArrangement([[1, 0], [0, 1]], [0, "-1/2"])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     A.save(pathlib.Path(tmp) / "a.json")
        ...     HyperplaneArrangement.load(pathlib.Path(tmp) / "a.json") == A
        True
        """
        path = Path(path)
        return cls.from_json_dict(read_json(path, "arrangement file"), source=str(path))

    #: Deprecated name of :meth:`load` (``load``/``save`` as everywhere else in polyrelu); kept for one release.
    from_file = load

    def to_json_dict(self) -> dict:
        """The file form: exact ``"p/q"`` strings, the merged hyperplanes only.

        >>> HyperplaneArrangement([[1, 0]], ["1/2"]).to_json_dict()["hyperplanes"]
        [{'normal': ['1', '0'], 'offset': '1/2'}]
        """
        return {
            "format": FORMAT,
            "version": 1,
            "dim": self._dim,
            "hyperplanes": [
                {"normal": [fraction_to_str(x) for x in a], "offset": fraction_to_str(c)}
                for a, c in zip(self._normals, self._offsets)
            ],
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write the arrangement as JSON (read back by :meth:`load`).

        >>> import tempfile, pathlib, json
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     HyperplaneArrangement([[1, 0]], [1]).save(pathlib.Path(tmp) / "a.json")
        ...     json.loads((pathlib.Path(tmp) / "a.json").read_text())["format"]
        'polyrelu-arrangement'
        """
        Path(path).write_text(json.dumps(self.to_json_dict(), indent=1) + "\n")

    # -- basic data ------------------------------------------------------------------------------
    @property
    def ambient_dim(self) -> int:
        """Dimension n of the ambient space R^n (as :attr:`Polytope.ambient_dim <polyrelu.polytope.Polytope.ambient_dim>`).

        >>> HyperplaneArrangement([[1, 0, 0]]).ambient_dim
        3
        """
        return self._dim

    @property
    def dim(self) -> int:
        """Dimension n of the ambient space R^n: the same as :attr:`ambient_dim`, the name to use
        (on a Polytope or Zonotope, ``dim`` is the affine dimension).

        >>> HyperplaneArrangement([[1, 0, 0]]).dim
        3
        """
        return self._dim

    @property
    def normals(self) -> tuple[Vector, ...]:
        """The normal vectors a_i (after merging repeated hyperplanes).

        >>> HyperplaneArrangement([[2, 0], [1, 0]], [0, 0]).normals     # one hyperplane x = 0, twice
        ((Fraction(2, 1), Fraction(0, 1)),)
        """
        return self._normals

    @property
    def offsets(self) -> Vector:
        """The offsets c_i: hyperplane i is ``a_i . x + c_i = 0``.

        >>> HyperplaneArrangement([[1, 0]], ["-1/2"]).offsets
        (Fraction(-1, 2),)
        """
        return self._offsets

    @property
    def hyperplanes(self) -> tuple[tuple[Vector, Fraction], ...]:
        """``((a_0, c_0), (a_1, c_1), ...)``: hyperplane i is ``a_i . x + c_i = 0``.

        >>> HyperplaneArrangement([[0, 1]], [3]).hyperplanes
        (((Fraction(0, 1), Fraction(1, 1)), Fraction(3, 1)),)
        """
        return tuple(zip(self._normals, self._offsets))

    @property
    def n_hyperplanes(self) -> int:
        """Number of (distinct) hyperplanes; ``len(A)`` is the same.

        >>> HyperplaneArrangement([[1, 0], [0, 1], [2, 0]]).n_hyperplanes
        2
        """
        return len(self._normals)

    def __len__(self) -> int:
        return len(self._normals)

    @property
    def origin(self) -> tuple[tuple[int, ...], ...]:
        """For each hyperplane, the input indices (or network units) it was built from.

        >>> HyperplaneArrangement([[1, 0], [0, 1], [2, 0]]).origin
        ((0, 2), (1,))
        """
        return self._origin

    @property
    def merged(self) -> tuple[tuple[int, ...], ...]:
        """Groups of input indices that described the same hyperplane and were merged.

        >>> HyperplaneArrangement([[1, 0], [0, 1], [2, 0]]).merged
        ((0, 2),)
        """
        return tuple(o for o in self._origin if len(o) > 1)

    @property
    def skipped(self) -> tuple[int, ...]:
        """Input labels that gave no hyperplane (zero weight rows in :meth:`from_layer`;
        hyperplanes parallel to H in :meth:`restriction`).

        >>> HyperplaneArrangement([[1, 0]]).skipped
        ()
        """
        return self._skipped

    def __repr__(self) -> str:
        m = len(self)
        s = f"HyperplaneArrangement({m} hyperplane{'' if m == 1 else 's'} in R^{self._dim}, rank {self.rank}"
        if self.merged:
            d = sum(len(g) - 1 for g in self.merged)
            s += f", {d} duplicate{'' if d == 1 else 's'} merged"
        return s + ")"

    def __eq__(self, other: object) -> bool:
        """Equal as sets of hyperplanes in the same R^n (order and scaling ignored)."""
        if not isinstance(other, HyperplaneArrangement):
            return NotImplemented
        return self._dim == other._dim and set(self._rows) == set(other._rows)

    def __hash__(self) -> int:
        return hash((self._dim, frozenset(self._rows)))

    # -- rank, centrality, essentiality ---------------------------------------------------------------
    @cached_property
    def rank(self) -> int:
        """Rank of the normal vectors (= codimension of the smallest flats).

        >>> HyperplaneArrangement([[1, 0], [2, 0]], [0, 1]).rank
        1
        """
        return matrix_rank(self._normals, self._dim)

    @cached_property
    def is_central(self) -> bool:
        """True iff all hyperplanes share a common point (Stanley's and SageMath's definition).

        Arrangements with every offset 0 (through the origin) are central; so is any translate of
        one.  The empty arrangement is central.

        >>> HyperplaneArrangement([[1, 0], [0, 1]], [1, 1]).is_central, HyperplaneArrangement([[1, 0], [1, 0]], [0, 1]).is_central
        (True, False)
        """
        return matrix_rank(self._rows) == self.rank

    @property
    def is_essential(self) -> bool:
        """True iff the normals span R^n (rank = dim): no line lies in every region.

        >>> HyperplaneArrangement([[1, 0]]).is_essential, HyperplaneArrangement([[1, 0], [0, 1]]).is_essential
        (False, True)
        """
        return self.rank == self._dim

    def essentialization(self) -> "HyperplaneArrangement":
        """The essential arrangement in R^rank with the same intersection poset and regions.

        Coordinates: ``y_j = b_j . x`` where ``b_1..b_k`` are the rows of the reduced row
        echelon form of the normal matrix (a basis of the span of the normals).  Since
        ``a_i = sum_j a_i[p_j] b_j`` (``p_j`` the pivot columns), hyperplane i becomes
        ``(a_i[p_1], ..., a_i[p_k]) . y + c_i = 0``: the pivot columns are kept.

        >>> A = HyperplaneArrangement([[1, -1, 0], [1, 0, -1], [0, 1, -1]])   # braid, in R^3
        >>> E = A.essentialization()
        >>> E.normals
        ((Fraction(1, 1), Fraction(-1, 1)), (Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)))
        >>> E.is_essential, E.characteristic_polynomial()
        (True, CharacteristicPolynomial(t^2 - 3*t + 2))
        """
        _, pivots = _rref(self._normals, self._dim)
        N = [tuple(a[p] for p in pivots) for a in self._normals]
        return HyperplaneArrangement._make(
            len(pivots), N, self._offsets, [(i,) for i in range(len(self))]
        )

    def _check_index(self, i: Any) -> int:
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(self):
            raise InvalidInputError(f"hyperplane index must be in 0..{len(self) - 1}, got {i!r}")
        return i

    def deletion(self, i: int) -> "HyperplaneArrangement":
        """The arrangement without hyperplane ``i`` (``origin`` holds indices into this one).

        >>> HyperplaneArrangement([[1, 0], [0, 1], [1, 1]], [0, 0, -1]).deletion(2).n_regions
        4
        """
        i = self._check_index(i)
        keep = [j for j in range(len(self)) if j != i]
        return HyperplaneArrangement._make(
            self._dim, [self._normals[j] for j in keep], [self._offsets[j] for j in keep], [(j,) for j in keep]
        )

    def restriction(self, i: int) -> "HyperplaneArrangement":
        """The arrangement A^H induced on H = hyperplane ``i``, as an arrangement in R^{n-1}.

        Coordinates on H: the original coordinates with ``x_p`` dropped, where ``p`` is the first
        coordinate with ``a_i[p] != 0`` (``x_p`` is solved for).  The traces ``H_j \\cap H`` of the
        other hyperplanes that coincide are merged (``merged``/``origin`` hold indices into this
        arrangement); hyperplanes parallel to H do not meet it and are listed in ``skipped``.

        >>> A = HyperplaneArrangement([[1, 0], [0, 1], [1, 1], [1, 0]], [0, 0, 0, -1])
        >>> R = A.restriction(0)        # on the line x = 0: y = 0 twice, x = 1 never
        >>> R, R.merged, R.skipped
        (HyperplaneArrangement(1 hyperplane in R^1, rank 1, 1 duplicate merged), ((1, 2),), (3,))
        """
        i = self._check_index(i)
        a, c = self._normals[i], self._offsets[i]
        p = next(k for k, x in enumerate(a) if x)
        N, C, labels, skipped = [], [], [], []
        for j, (aj, cj) in enumerate(zip(self._normals, self._offsets)):
            if j == i:
                continue
            f = aj[p] / a[p]
            nb = tuple(aj[q] - f * a[q] for q in range(self._dim) if q != p)
            if not any(nb):
                skipped.append(j)  # parallel to H (H_j = H is impossible after merging)
                continue
            N.append(nb)
            C.append(cj - f * c)
            labels.append((j,))
        return HyperplaneArrangement._make(self._dim - 1, N, C, labels, tuple(skipped))

    # -- the intersection poset ---------------------------------------------------------------------------
    @cached_property
    def _flats(self) -> list[_Flat]:
        return _build_flats(self._rows, self._dim)

    @cached_property
    def _mu(self) -> list[int]:
        return _mobius(self._flats)

    @property
    def n_flats(self) -> int:
        """Number of flats (nonempty intersections), R^n included.

        >>> HyperplaneArrangement([[1, 0], [0, 1]]).n_flats     # R^2, two lines, their point
        4
        """
        return len(self._flats)

    def flats(self, rank: int | None = None) -> tuple[tuple[int, ...], ...]:
        """The flats as sorted tuples of the hyperplanes containing them (R^n is ``()``).

        >>> HyperplaneArrangement([[1, 0], [0, 1], [1, 1]]).flats(2)
        ((0, 1, 2),)
        """
        return tuple(
            tuple(sorted(X.hyperplanes)) for X in self._flats if rank is None or X.rank == rank
        )

    def intersection_poset(self) -> "Any":
        """The intersection poset L(A) as a ``networkx.DiGraph`` (its Hasse diagram).

        Nodes are flats, named by the sorted tuple of hyperplanes containing them (``()`` is
        R^n, the bottom).  Edges go from a flat to each flat of one rank more inside it
        (reverse inclusion).  Node attributes: ``'dim'``, ``'rank'`` (codimension), ``'mobius'``
        (mu(R^n, X)) and ``'equations'`` (a tuple of ``(normal, offset)`` pairs cutting it out).

        >>> P = HyperplaneArrangement([[1, 0], [0, 1], [1, 1]], [0, 0, -1]).intersection_poset()
        >>> P.number_of_nodes(), P.number_of_edges(), P.nodes[(0, 1)]["dim"], P.nodes[(0, 1)]["mobius"]
        (7, 9, 0, 1)
        """
        G = nx.DiGraph()
        names = [tuple(sorted(X.hyperplanes)) for X in self._flats]
        n = self._dim
        for X, name, mu in zip(self._flats, names, self._mu):
            eqs = tuple(
                (tuple(Fraction(x) for x in row[:n]), Fraction(row[n])) for _, row in X.basis
            )
            G.add_node(name, dim=n - X.rank, rank=X.rank, mobius=mu, equations=eqs)
        for X, name in zip(self._flats, names):
            for y in X.below:
                G.add_edge(names[y], name)
        return G

    def mobius_function(self) -> dict[tuple[int, ...], int]:
        """mu(R^n, X) for every flat X, keyed like the nodes of :meth:`intersection_poset`.

        >>> HyperplaneArrangement([[1, 0], [0, 1], [1, -1]]).mobius_function()[(0, 1, 2)]
        2
        """
        return {tuple(sorted(X.hyperplanes)): mu for X, mu in zip(self._flats, self._mu)}

    @cached_property
    def _chi(self) -> CharacteristicPolynomial:
        coeffs = [0] * (self._dim + 1)
        for X, mu in zip(self._flats, self._mu):
            coeffs[X.rank] += mu  # t^{dim X} = t^{n - rank}: index from the highest degree
        return CharacteristicPolynomial(coeffs)

    def characteristic_polynomial(self) -> CharacteristicPolynomial:
        """chi_A(t) = sum over flats X of mu(R^n, X) t^{dim X}: integer coefficients, highest first.

        The result is a tuple of ints (JSON-ready) that can be called on a number and converted
        with ``.as_sympy()``.

        >>> chi = HyperplaneArrangement([[1, 0], [0, 1], [1, 1], [1, -1]], [-1, -1, -3, "-1/2"]).characteristic_polynomial()
        >>> tuple(chi), str(chi)
        ((1, -4, 6), 't^2 - 4*t + 6')
        """
        return self._chi

    def whitney_numbers(self, kind: int = 1) -> tuple[int, ...]:
        """Whitney numbers by rank k = 0..rank.

        First kind (``kind=1``): w_k = sum of mu(R^n, X) over flats of rank k, the coefficients
        of chi.  Second kind (``kind=2``): W_k = number of flats of rank k.

        >>> A = HyperplaneArrangement([[1, 0], [0, 1], [1, -1]])
        >>> A.whitney_numbers(1), A.whitney_numbers(2)
        ((1, -3, 2), (1, 3, 1))
        """
        if kind not in (1, 2):
            raise InvalidInputError(f"kind must be 1 or 2, got {kind!r}")
        out = [0] * (self.rank + 1)
        for X, mu in zip(self._flats, self._mu):
            out[X.rank] += mu if kind == 1 else 1
        return tuple(out)

    # -- Zaslavsky ------------------------------------------------------------------------------------------
    @property
    def n_regions(self) -> int:
        """Number of regions of R^n minus the hyperplanes: (-1)^n chi_A(-1) (Zaslavsky).

        A property, like every ``n_*`` count in polyrelu; the old call ``A.n_regions()`` still works.

        >>> A = HyperplaneArrangement([[1, 0], [0, 1], [1, -1]])
        >>> A.n_regions, A.n_regions()
        (6, 6)
        """
        v = self._chi(-1)
        return _Count(-v if self._dim % 2 else v)

    @property
    def n_bounded_regions(self) -> int:
        """Bounded regions: (-1)^rank chi_A(1) (Zaslavsky), SageMath's convention.

        This is the number of *relatively bounded* regions: regions that are bounded modulo the
        lineality space (the common direction space of all hyperplanes), i.e. the bounded regions
        of :meth:`essentialization`.  For an essential arrangement (rank = n) these are exactly
        the bounded regions.  A non-essential arrangement has no literally bounded region at all:
        the call ``A.n_bounded_regions(relative=False)`` gives that literal count (equal to the
        relative one when essential, 0 otherwise); ``A.n_bounded_regions()`` is the old call form.

        >>> strip = HyperplaneArrangement([[1, 0], [1, 0]], [0, -1])   # x = 0, x = 1 in R^2
        >>> strip.n_bounded_regions, strip.n_bounded_regions(relative=False)
        (1, 0)
        """
        return _Count(self._bounded_regions(True), self._bounded_regions)

    def _bounded_regions(self, relative: bool = True) -> int:
        v = self._chi(1)
        rel = -v if self.rank % 2 else v
        if relative or self.is_essential:
            return rel
        return 0

    # -- general position ---------------------------------------------------------------------------------
    def is_general_position(self, central: bool = False) -> GeneralPositionResult:
        """Is the arrangement in general position?  Truthy/falsy, with a witness when it is not.

        Affine general position (default), for m hyperplanes in R^n: any p <= n of them meet in a
        flat of dimension exactly n - p (their normals are independent), and no n + 1 of them
        have a common point.  ``central=True`` checks only the first condition (every
        min(n, m) normals independent): the notion for central arrangements and zonotope
        generators.

        ``witness`` is a smallest violating subset (sorted indices): a smallest set of <= n
        hyperplanes with linearly dependent normals, or else n + 1 hyperplanes through one point.
        It is found from the flats (a minimal dependent set is a basis of a flat's hyperplanes
        plus one more), never by trying all subsets.

        >>> HyperplaneArrangement([[1, 0], [1, 0], [0, 1]], [0, -1, 0]).is_general_position()
        GeneralPositionResult(False, witness=(0, 1))
        >>> bool(HyperplaneArrangement([[1, 0], [0, 1], [1, 1]]).is_general_position(central=True))
        True
        """
        key = "_gp_central" if central else "_gp_affine"
        cached = self.__dict__.get(key)
        if cached is not None:
            return cached
        res = self._general_position(central)
        self.__dict__[key] = res
        return res

    def _general_position(self, central: bool) -> GeneralPositionResult:
        m, n = len(self), self._dim
        if not central:
            # fast path: general position iff every p-subset (p <= min(n, m)) spans its own flat
            # and there are no others (so the flats are exactly the p-subsets)
            counts = self.whitney_numbers(2)
            boolean = all(len(X.hyperplanes) == X.rank for X in self._flats)
            if boolean and all(
                (counts[k] if k < len(counts) else 0) == math.comb(m, k) for k in range(min(n, m) + 1)
            ):
                return GeneralPositionResult(True, None, "in general position")
        # smallest circuits of the normal matroid: flats of the linear arrangement a_i.x = 0
        lin_rows = [_integer_row(a + (Fraction(0),)) for a in self._normals]
        lin_flats = _build_flats(lin_rows, n, max_rank=max(n - 1, 0))
        w = _circuit_witness(lin_flats, lin_rows)
        if w is not None and len(w) <= n:
            p = len(w)
            if matrix_rank([self._rows[j] for j in w]) == p:
                why = (
                    f"{p} hyperplanes with linearly dependent normals and no common point "
                    f"({'parallel' if p == 2 else 'their intersection is empty'}, expected dimension {n - p})"
                )
            else:
                why = f"{p} hyperplanes meeting in a flat of dimension {n - p + 1}, expected {n - p}"
            return GeneralPositionResult(False, w, why)
        if central:
            return GeneralPositionResult(True, None, "in general position (central sense)")
        w = _circuit_witness([X for X in self._flats if X.rank == n], self._rows)
        if w is not None:
            return GeneralPositionResult(
                False, w, f"{n + 1} hyperplanes through one point in R^{n} (at most {n} may meet in a point)"
            )
        return GeneralPositionResult(True, None, "in general position")  # pragma: no cover

    # -- enumeration through the complex machinery ------------------------------------------------------------
    def complex(self, domain: Any = None) -> PolyhedralComplex:
        """The regions as a :class:`~polyrelu.complex.PolyhedralComplex` (exact enumeration).

        >>> len(HyperplaneArrangement([[1, 0], [0, 1]]).complex())
        4
        """
        return PolyhedralComplex.from_arrangement(self._normals, self._offsets, domain=domain)

    def enumerate_regions(self) -> tuple[int, int]:
        """(number of regions, number of literally bounded regions), by enumerating them.

        This goes through :meth:`complex` and is independent of the poset; Zaslavsky's
        theorem says it equals ``(n_regions, n_bounded_regions(relative=False))``.

        >>> HyperplaneArrangement([[1, 0], [0, 1], [1, 1]], [0, 0, -1]).enumerate_regions()
        (7, 1)
        """
        if len(self) == 0 or self._dim == 0:
            return 1, int(self._dim == 0)
        cx = self.complex()
        return len(cx), sum(1 for r in cx.regions if r.is_bounded)

    def report(self, enumerate: bool = False) -> dict:
        """Everything about the arrangement in one JSON-ready dict.

        Keys: ``dim``, ``n_hyperplanes``, ``rank``, ``is_central``, ``is_essential``,
        ``is_general_position``, ``witness`` (list or None), ``characteristic_polynomial``
        (integer coefficients, highest degree first), ``n_regions``, ``n_bounded_regions``
        (relatively bounded, SageMath's convention), ``n_bounded_regions_literal``,
        ``whitney_numbers_first_kind``, ``whitney_numbers_second_kind``, ``merged``, ``skipped``;
        with ``enumerate=True`` also ``enumerated_regions``, ``enumerated_bounded_regions``
        (literally bounded) and ``zaslavsky_agrees``.

        >>> r = HyperplaneArrangement([[1, 0], [0, 1], [1, 1]], [0, 0, -1]).report()
        >>> r["characteristic_polynomial"], r["n_regions"], r["n_bounded_regions"], r["witness"]
        ([1, -3, 3], 7, 1, None)
        """
        gp = self.is_general_position()
        out = {
            "dim": self._dim,
            "n_hyperplanes": len(self),
            "rank": self.rank,
            "is_central": self.is_central,
            "is_essential": self.is_essential,
            "is_general_position": bool(gp),
            "witness": None if gp.witness is None else list(gp.witness),
            "general_position_reason": gp.reason,
            "characteristic_polynomial": list(self.characteristic_polynomial()),
            "n_regions": int(self.n_regions),
            "n_bounded_regions": int(self.n_bounded_regions),
            "n_bounded_regions_literal": self.n_bounded_regions(relative=False),
            "whitney_numbers_first_kind": list(self.whitney_numbers(1)),
            "whitney_numbers_second_kind": list(self.whitney_numbers(2)),
            "merged": [list(g) for g in self.merged],
            "skipped": list(self.skipped),
        }
        if enumerate:
            nr, nb = self.enumerate_regions()
            out["enumerated_regions"] = nr
            out["enumerated_bounded_regions"] = nb
            out["zaslavsky_agrees"] = nr == out["n_regions"] and nb == out["n_bounded_regions_literal"]
        return out

