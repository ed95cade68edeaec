"""Exact convex polyhedra: :class:`Polytope`.

A :class:`Polytope` is an immutable convex polyhedron (bounded or not) in ``R^n`` with rational
data.  It is built from either representation and converts lazily to the other through an exact
backend (:mod:`polyrelu.backends`); every answer is then put in a *canonical form*, so two
polytopes are equal exactly when their canonical data are, whichever backend computed them:

* ``vertices``: sorted tuples of :class:`~fractions.Fraction`.  If the polyhedron contains lines,
  its minimal faces are affine subspaces; ``vertices`` then holds one point of each, the one whose
  coordinates at the pivot columns of ``lines`` are zero (as in Sage, the V-representation of a
  non-empty polyhedron always has at least one "vertex").
* ``rays``: primitive integer vectors (reduced modulo the lines the same way), sorted;
  ``lines``: the reduced row echelon basis of the lineality space, each row scaled to primitive
  integers with a positive pivot.
* ``inequalities`` ``(A, b)`` meaning ``A x <= b``: one row per facet, ``[A_i | b_i]`` a primitive
  integer vector, reduced modulo the equalities (zero at their pivot columns), rows sorted.
* ``equalities`` ``(E, f)`` meaning ``E x = f``: the reduced row echelon form of ``[E | f]``, each
  row scaled to primitive integers with a positive pivot (empty if full-dimensional).
* the empty set has no vertices and the single inequality ``0 x <= -1``.

>>> P = Polytope.box([0, 0], [1, 2])
>>> P
Polytope(dim=2 in R^2, bounded, 4 vertices, 4 facets)
>>> P.volume, P.f_vector
(Fraction(2, 1), (4, 4, 1))
>>> Q = Polytope.from_vertices([[0, 0], [1, 0], [0, 2], [1, 2], ["1/2", 1]])
>>> Q == P
True
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Sequence

import networkx as nx

from .backends import HRep, LPResult, VRep, check_backend_name, default_backend, get_backend
from .exact import EmptyDomainError, InvalidInputError, primitive_ints, to_matrix, to_vector
from .linalg import det, echelon, rank, reduce_row

__all__ = ["Polytope"]

Row = tuple[Fraction, ...]
Rows = tuple[Row, ...]

_ZERO = Fraction(0)
_ONE = Fraction(1)


# -- exact linear algebra -------------------------------------------------------------------------


def _lcm_den(v: Iterable[Fraction]) -> int:
    den = 1
    for x in v:
        d = x.denominator
        if d != 1:
            den = den * d // math.gcd(den, d)
    return den


def _primitive(v: Sequence[Fraction]) -> Row:
    """The positive multiple of ``v`` with coprime integer entries, as Fractions (zero stays zero)."""
    return tuple(Fraction(i) for i in primitive_ints(v))


def _dot(a: Sequence[Fraction], x: Sequence[Fraction]) -> Fraction:
    return sum((p * q for p, q in zip(a, x)), _ZERO)


# -- canonical forms --------------------------------------------------------------------------------


class _CanonH:
    __slots__ = ("A", "b", "E", "f", "empty")

    def __init__(self, A: Rows, b: Row, E: Rows, f: Row, empty: bool) -> None:
        self.A, self.b, self.E, self.f, self.empty = A, b, E, f, empty

    def key(self) -> tuple:
        return (self.A, self.b, self.E, self.f)


class _CanonV:
    __slots__ = ("V", "R", "L")

    def __init__(self, V: Rows, R: Rows, L: Rows) -> None:
        self.V, self.R, self.L = V, R, L

    def key(self) -> tuple:
        return (self.V, self.R, self.L)


def _empty_canon_h(n: int) -> _CanonH:
    return _CanonH(((_ZERO,) * n,), (-_ONE,), (), (), True)


def _canon_h(n: int, h: HRep) -> _CanonH:
    eq_rows, pivots, bad = echelon([tuple(e) + (fi,) for e, fi in zip(h.E, h.f)], n)
    if bad:
        return _empty_canon_h(n)
    rows = set()
    for a, bi in zip(h.A, h.b):
        r = reduce_row(tuple(a) + (bi,), eq_rows, pivots) if eq_rows else list(a) + [bi]
        if not any(r[:n]):
            if r[n] < 0:
                return _empty_canon_h(n)
            continue  # 0 <= non-negative: always true
        rows.add(_primitive([x if type(x) is Fraction else Fraction(x) for x in r]))
    rows = sorted(rows)
    E = [_primitive(r) for r in eq_rows]
    return _CanonH(
        tuple(r[:n] for r in rows),
        tuple(r[n] for r in rows),
        tuple(r[:n] for r in E),
        tuple(r[n] for r in E),
        False,
    )


def _canon_v(n: int, v: VRep) -> _CanonV:
    if not v.vertices:
        return _CanonV((), (), ())
    basis, pivots, _ = echelon(v.lines, n)

    def red(x):
        x = [c if type(c) is Fraction else Fraction(c) for c in x]
        return reduce_row(x, basis, pivots) if basis else x

    V = sorted({tuple(red(x)) for x in v.vertices})
    R = set()
    for r in v.rays:
        r = _primitive(red(r))
        if any(r):
            R.add(r)
    return _CanonV(tuple(V), tuple(sorted(R)), tuple(_primitive(r) for r in basis))


# -- input helpers ---------------------------------------------------------------------------------


def _width(M: Any, name: str) -> int | None:
    """Number of columns of a matrix-like (also numpy arrays with no rows); None if no rows."""
    shape = getattr(M, "shape", None)
    if shape is not None and len(shape) == 2:
        return int(shape[1])
    if isinstance(M, (str, bytes)):
        raise InvalidInputError(f"{name} must be a list of rows, got {M!r}")
    try:
        first = next(iter(M))
    except StopIteration:
        return None
    except TypeError:
        raise InvalidInputError(f"{name} must be a list of rows, got {M!r}") from None
    if isinstance(first, (str, bytes)) or not hasattr(first, "__len__"):
        raise InvalidInputError(f"{name} must be a list of rows, but {name}[0] = {first!r} is not a row")
    return len(first)


def _resolve_backend(backend: Any) -> str:
    if backend is None:
        return default_backend()
    if hasattr(backend, "name") and not isinstance(backend, str):
        return check_backend_name(backend.name)
    return check_backend_name(backend)


def _check_ambient(n: Any, what: str = "ambient_dim") -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise InvalidInputError(f"{what} must be a positive integer, got {n!r}")
    return n


_SENTINEL = object()


class Polytope:
    """An exact convex polyhedron ``{x : A x <= b, E x = f} = conv(V) + cone(R) + lin(L)``.

    Build one with :meth:`from_inequalities`, :meth:`from_vertices`, :meth:`box`,
    :meth:`simplex`, :meth:`empty` or :meth:`universe`.  Objects are immutable; every property is
    computed on first use and cached.  See the module docstring for the canonical forms.

    >>> T = Polytope.simplex(2)
    >>> T.vertices
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1)))
    >>> T.inequalities
    (((Fraction(-1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(-1, 1)), (Fraction(1, 1), Fraction(1, 1))), (Fraction(0, 1), Fraction(0, 1), Fraction(1, 1)))
    >>> T.volume
    Fraction(1, 2)
    """

    __slots__ = ("_n", "_bk", "_c")

    # -- construction ------------------------------------------------------------------------------

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            "use Polytope.from_inequalities, Polytope.from_vertices, Polytope.box or Polytope.simplex"
        )

    @classmethod
    def _new(cls, n: int, bk: str, cache: dict) -> "Polytope":
        self = object.__new__(cls)
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_bk", bk)
        object.__setattr__(self, "_c", cache)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Polytope objects are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Polytope objects are immutable")

    @classmethod
    def from_certified(
        cls, ambient_dim: int, loader: Callable[[], Mapping[str, Any]], backend: str | None = None
    ) -> "Polytope":
        """A polytope from data already exact and irredundant (the complex's regions and facets,
        whose representations the core has certified; no checks, no work until first use).

        ``loader()`` is called at the first access and returns a dict with any of the keys
        ``'vertices'``, ``'rays'``, ``'lines'`` (a minimal V-representation; ``'vertices'`` must be
        present for it to count) and ``'inequalities'`` ``(A, b)``, ``'equalities'`` ``(E, f)``
        (an irredundant H-representation with *all* implicit equalities listed as equalities).
        Entries are ints or Fractions.  Fields the loader does not give are computed from those it
        does, through the backend, when first needed.

        >>> P = Polytope.from_certified(1, lambda: {"vertices": [[0], [3]]})
        >>> P.inequalities
        (((Fraction(-1, 1),), (Fraction(1, 1),)), (Fraction(0, 1), Fraction(3, 1)))
        """
        bk = default_backend() if backend is None else backend
        return cls._new(ambient_dim, bk, {"loader": loader})

    _from_trusted = from_certified  # the old private name

    @classmethod
    def _from_raw_h(cls, n: int, bk: str, A, b, E=(), f=()) -> "Polytope":
        return cls._new(n, bk, {"raw_h": HRep(tuple(A), tuple(b), tuple(E), tuple(f))})

    @classmethod
    def _from_raw_v(cls, n: int, bk: str, V, R=(), L=()) -> "Polytope":
        R = tuple(r for r in R if any(r))
        L = tuple(l for l in L if any(l))
        return cls._new(n, bk, {"raw_v": VRep(tuple(V), R, L)})

    @classmethod
    def from_inequalities(
        cls,
        A: Any,
        b: Any,
        equalities: tuple[Any, Any] | None = None,
        backend: str | None = None,
        *,
        ambient_dim: int | None = None,
    ) -> "Polytope":
        """``{x : A x <= b, E x = f}`` with ``equalities=(E, f)``; rows may be redundant.

        ``ambient_dim`` is needed only when there are no rows at all (then the result is ``R^n``).

        >>> Polytope.from_inequalities([[1, 0], [0, 1], [-1, -1]], [1, 1, 0])
        Polytope(dim=2 in R^2, bounded, 3 vertices, 3 facets)
        >>> Polytope.from_inequalities([[1, 0]], [1, 2])
        Traceback (most recent call last):
        ...
        polyrelu.exact.InvalidInputError: b has length 2, expected 1
        """
        bk = _resolve_backend(backend)
        n = _width(A, "A")
        E = f = ()
        if equalities is not None:
            if not isinstance(equalities, (tuple, list)) or len(equalities) != 2:
                raise InvalidInputError("equalities must be a pair (E, f) meaning E x = f")
            E, f = equalities
            if n is None:
                n = _width(E, "E")
        if n is None:
            if ambient_dim is None:
                raise InvalidInputError("no constraints given: pass ambient_dim to build R^n")
            n = ambient_dim
        n = _check_ambient(n, "number of columns of A")
        if ambient_dim is not None and ambient_dim != n:
            raise InvalidInputError(f"A has {n} columns but ambient_dim is {ambient_dim}")
        A = to_matrix(A, (None, n), name="A")
        b = to_vector(b, len(A), name="b")
        if equalities is not None:
            E = to_matrix(E, (None, n), name="E")
            f = to_vector(f, len(E), name="f")
        return cls._from_raw_h(n, bk, A, b, E, f)

    @classmethod
    def from_vertices(
        cls,
        V: Any,
        rays: Any = (),
        lines: Any = (),
        backend: str | None = None,
        *,
        ambient_dim: int | None = None,
    ) -> "Polytope":
        """``conv(V) + cone(rays) + lin(lines)``; points need not be extreme.

        With no points at all the result is the empty set (``ambient_dim`` is then required).

        >>> Polytope.from_vertices([[0, 0], [2, 0], [0, 2], [1, 1]])
        Polytope(dim=2 in R^2, bounded, 3 vertices, 3 facets)
        >>> Polytope.from_vertices([[0, 0]], rays=[[1, 0], [0, 1]])
        Polytope(dim=2 in R^2, unbounded, 1 vertex, 2 rays, 0 lines, 2 facets)
        >>> Polytope.from_vertices([[0, 0], [1, float("nan")]])
        Traceback (most recent call last):
        ...
        polyrelu.exact.InvalidInputError: not a finite number at V[1][1]: nan
        """
        bk = _resolve_backend(backend)
        n = _width(V, "V")
        if n is None:
            n = _width(rays, "rays") if _width(rays, "rays") is not None else _width(lines, "lines")
        if n is None:
            if ambient_dim is None:
                raise InvalidInputError("no points given: pass ambient_dim to build the empty set")
            n = ambient_dim
        n = _check_ambient(n, "length of the points")
        if ambient_dim is not None and ambient_dim != n:
            raise InvalidInputError(f"points have {n} coordinates but ambient_dim is {ambient_dim}")
        V = to_matrix(V, (None, n), name="V")
        R = to_matrix(rays, (None, n), name="rays")
        L = to_matrix(lines, (None, n), name="lines")
        if not V and (R or L):
            raise InvalidInputError("rays or lines need at least one point (an apex) in V")
        if not V:
            return cls.empty(n, backend=bk)
        return cls._from_raw_v(n, bk, V, R, L)

    @classmethod
    def box(cls, lo: Any, hi: Any, backend: str | None = None, *, dim: int | None = None) -> "Polytope":
        """The box ``{x : lo <= x <= hi}`` (``lo_i == hi_i`` is allowed: a flat box).

        With ``dim``, a single number for a corner stands for that number in every coordinate.

        >>> Polytope.box([0, 0], [1, "1/2"]).vertices[-1]
        (Fraction(1, 1), Fraction(1, 2))
        >>> Polytope.box(-1, "1/2", dim=3).as_box()[1]
        (Fraction(1, 2), Fraction(1, 2), Fraction(1, 2))
        >>> Polytope.box([0, 3], [1, 2])
        Traceback (most recent call last):
        ...
        polyrelu.exact.InvalidInputError: box has lo[1] = 3 > hi[1] = 2
        """
        bk = _resolve_backend(backend)
        if dim is not None:
            lo, hi = ([c] * dim if isinstance(c, (int, float, str, Fraction)) else c for c in (lo, hi))
        lo = to_vector(lo, dim, name="lo")
        hi = to_vector(hi, len(lo), name="hi")
        n = _check_ambient(len(lo), "box dimension")
        for i, (l, h) in enumerate(zip(lo, hi)):
            if l > h:
                raise InvalidInputError(f"box has lo[{i}] = {l} > hi[{i}] = {h}")
        A, b, E, f = [], [], [], []
        for i, (l, h) in enumerate(zip(lo, hi)):
            e = [_ZERO] * n
            if l == h:
                e[i] = _ONE
                E.append(tuple(e))
                f.append(l)
            else:
                e[i] = -_ONE
                A.append(tuple(e))
                b.append(-l)
                e = [_ZERO] * n
                e[i] = _ONE
                A.append(tuple(e))
                b.append(h)
        choices = [(l,) if l == h else (l, h) for l, h in zip(lo, hi)]
        cache = {
            "h": HRep(tuple(A), tuple(b), tuple(E), tuple(f)),
            "v_fn": lambda: VRep(tuple(itertools.product(*choices)), (), ()),
        }
        return cls._new(n, bk, cache)

    @classmethod
    def simplex(cls, d: int, backend: str | None = None) -> "Polytope":
        """The standard simplex ``conv(0, e_1, ..., e_d)`` (volume ``1/d!``).

        >>> Polytope.simplex(3).f_vector
        (4, 6, 4, 1)
        """
        bk = _resolve_backend(backend)
        d = _check_ambient(d, "simplex dimension")
        V = [(_ZERO,) * d] + [tuple(_ONE if j == i else _ZERO for j in range(d)) for i in range(d)]
        A = [tuple(-_ONE if j == i else _ZERO for j in range(d)) for i in range(d)] + [(_ONE,) * d]
        b = [_ZERO] * d + [_ONE]
        cache = {"h": HRep(tuple(A), tuple(b), (), ()), "v": VRep(tuple(V), (), ())}
        return cls._new(d, bk, cache)

    @classmethod
    def empty(cls, ambient_dim: int, backend: str | None = None) -> "Polytope":
        """The empty set in ``R^n`` (a valid polytope of dimension -1).

        >>> Polytope.empty(2)
        Polytope(empty in R^2)
        """
        n = _check_ambient(ambient_dim)
        bk = _resolve_backend(backend)
        c = _empty_canon_h(n)
        return cls._new(n, bk, {"h": HRep(c.A, c.b, (), ()), "v": VRep((), (), ())})

    @classmethod
    def universe(cls, ambient_dim: int, backend: str | None = None) -> "Polytope":
        """All of ``R^n``.

        >>> Polytope.universe(2)
        Polytope(dim=2 in R^2, unbounded, 1 vertex, 0 rays, 2 lines, 0 facets)
        """
        n = _check_ambient(ambient_dim)
        bk = _resolve_backend(backend)
        lines = tuple(tuple(_ONE if j == i else _ZERO for j in range(n)) for i in range(n))
        return cls._new(n, bk, {"h": HRep((), (), (), ()), "v": VRep(((_ZERO,) * n,), (), lines)})

    # -- internal access to the representations --------------------------------------------------

    def _load(self) -> None:
        c = self._c
        loader = c.pop("loader", None)
        if loader is None:
            return
        d = loader()
        if "inequalities" in d or "equalities" in d:
            A, b = d.get("inequalities", ((), ()))
            E, f = d.get("equalities", ((), ()))
            c["h"] = HRep(tuple(map(tuple, A)), tuple(b), tuple(map(tuple, E)), tuple(f))
        if "vertices" in d:
            c["v"] = VRep(
                tuple(map(tuple, d["vertices"])),
                tuple(map(tuple, d.get("rays", ()))),
                tuple(map(tuple, d.get("lines", ()))),
            )
        if "h" not in c and "v" not in c:
            raise InvalidInputError("trusted loader gave neither 'vertices' nor 'inequalities'")

    def _has(self, key: str) -> bool:
        if "loader" in self._c:
            self._load()
        return key in self._c

    def _h(self) -> HRep:
        """An irredundant H-representation (exact, not necessarily canonical)."""
        c = self._c
        h = c.get("h")
        if h is not None:
            return h
        if "loader" in c:
            self._load()
            if "h" in c:
                return c["h"]
        bk = get_backend(self._bk)
        n = self._n
        if "v" in c:
            v = c["v"]
            h = bk.v_to_h(n, v.vertices, v.rays, v.lines)
        elif "raw_h" in c:
            r = c["raw_h"]
            h = bk.minimize_h(n, r.A, r.b, r.E, r.f)
        else:  # the double description output is irredundant even for redundant input points
            r = c["raw_v"]
            h = bk.v_to_h(n, r.vertices, r.rays, r.lines)
        c["h"] = h
        return h

    def _v(self) -> VRep:
        """A minimal V-representation (exact, not necessarily canonical)."""
        c = self._c
        v = c.get("v")
        if v is not None:
            return v
        if "loader" in c:
            self._load()
            if "v" in c:
                return c["v"]
        n = self._n
        if "v_fn" in c:
            v = c.pop("v_fn")()
        elif "h" in c:
            h = c["h"]
            v = get_backend(self._bk).h_to_v(n, h.A, h.b, h.E, h.f)
        elif "raw_v" in c:
            r = c["raw_v"]
            v = get_backend(self._bk).minimize_v(n, r.vertices, r.rays, r.lines)
        else:
            r = c["raw_h"]
            v = get_backend(self._bk).h_to_v(n, r.A, r.b, r.E, r.f)
        c["v"] = v
        return v

    def _any_h(self) -> HRep:
        """Some exact H-representation, redundant or not: enough to build derived polytopes."""
        if self._has("h"):
            return self._c["h"]
        return self._c.get("raw_h") or self._h()

    def _any_v(self) -> VRep:
        """Some exact V-representation, redundant or not."""
        if self._has("v"):
            return self._c["v"]
        return self._c.get("raw_v") or self._v()

    def _H(self) -> _CanonH:
        H = self._c.get("H")
        if H is None:
            H = self._c["H"] = _canon_h(self._n, self._h())
        return H

    def _V(self) -> _CanonV:
        V = self._c.get("V")
        if V is None:
            V = self._c["V"] = _canon_v(self._n, self._v())
        return V

    def _cached(self, key: str, fn: Callable[[], Any]) -> Any:
        c = self._c
        val = c.get(key, _SENTINEL)
        if val is _SENTINEL:
            val = c[key] = fn()
        return val

    # -- basic properties --------------------------------------------------------------------------

    @property
    def ambient_dim(self) -> int:
        """The ``n`` of ``R^n``.

        >>> Polytope.simplex(3).ambient_dim
        3
        """
        return self._n

    @property
    def backend(self) -> str:
        """Name of the backend this polytope (and everything derived from it) uses.

        >>> Polytope.box([0], [1], backend="ppl").backend
        'ppl'
        """
        return self._bk

    @property
    def is_empty(self) -> bool:
        """Whether the set is empty.

        >>> Polytope.from_inequalities([[1], [-1]], [0, -1]).is_empty
        True
        """
        if self._has("h"):
            return self._H().empty
        c = self._c
        if "v" in c:
            return not c["v"].vertices
        if "raw_v" in c:  # from_vertices sends an empty point list to Polytope.empty
            return False
        return self._H().empty

    @property
    def dim(self) -> int:
        """Dimension of the affine hull (-1 for the empty set).

        >>> Polytope.from_vertices([[0, 0, 0], [1, 1, 1]]).dim
        1
        """

        def compute() -> int:
            v = None if self._has("h") else self._c.get("v") or self._c.get("raw_v")
            if v is None:
                H = self._H()
                return -1 if H.empty else self._n - len(H.E)
            # the affine hull of any V-representation, redundant or not, is that of the set
            if not v.vertices:
                return -1
            p = v.vertices[0]
            rows = [[a - c for a, c in zip(q, p)] for q in v.vertices[1:]]
            return rank(rows + [list(r) for r in v.rays] + [list(l) for l in v.lines], self._n)

        return self._cached("dim", compute)

    @property
    def is_bounded(self) -> bool:
        """Whether the set is bounded (no rays, no lines); the empty set is bounded.

        >>> Polytope.from_inequalities([[-1, 0], [0, -1]], [0, 0]).is_bounded
        False
        """
        V = self._V()
        return not V.R and not V.L

    @property
    def vertices(self) -> Rows:
        """The vertices, sorted (with lines: one canonical point per minimal face).

        >>> Polytope.from_vertices([[1, 0], [0, 0], [0, 1], ["1/4", "1/4"]]).vertices
        ((Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1)))
        """
        return self._V().V

    @property
    def rays(self) -> Rows:
        """Extreme rays as primitive integer vectors (Fractions), sorted.

        >>> Polytope.from_inequalities([[-1, 0], [0, -1]], [0, 0]).rays
        ((Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1)))
        """
        return self._V().R

    @property
    def lines(self) -> Rows:
        """A canonical basis of the lineality space (reduced echelon, primitive integer rows).

        >>> Polytope.from_inequalities([[1, 1]], [1]).lines
        ((Fraction(1, 1), Fraction(-1, 1)),)
        """
        return self._V().L

    @property
    def inequalities(self) -> tuple[Rows, Row]:
        """``(A, b)``: one row of ``A x <= b`` per facet, in canonical form.

        >>> Polytope.box([0], ["1/2"]).inequalities
        (((Fraction(-1, 1),), (Fraction(2, 1),)), (Fraction(0, 1), Fraction(1, 1)))
        """
        H = self._H()
        return H.A, H.b

    @property
    def equalities(self) -> tuple[Rows, Row]:
        """``(E, f)``: the affine hull ``E x = f`` in canonical form (empty if full-dimensional).

        >>> Polytope.from_vertices([[0, 1], [1, 0]]).equalities
        (((Fraction(1, 1), Fraction(1, 1)),), (Fraction(1, 1),))
        """
        H = self._H()
        return H.E, H.f

    @property
    def interior_point(self) -> Row:
        """An exact point of the relative interior: the mean of the vertices plus the sum of the rays.

        >>> Polytope.simplex(2).interior_point
        (Fraction(1, 3), Fraction(1, 3))
        """

        def compute() -> Row:
            V = self._V()
            if not V.V:
                raise EmptyDomainError("the polytope is empty: it has no interior point")
            k = len(V.V)
            x = [sum(col, _ZERO) / k for col in zip(*V.V)]
            for r in V.R:
                x = [a + c for a, c in zip(x, r)]
            return tuple(x)

        return self._cached("interior_point", compute)

    # -- combinatorics ------------------------------------------------------------------------------

    def _incidence_masks(self) -> tuple[list[int], int, int]:
        """Per facet, a bitmask of the vertices (bits 0..nv-1) and rays (bits nv..) on it."""

        def compute():
            V = self._V()
            H = self._H()
            nv, nr = len(V.V), len(V.R)
            if H.empty:
                return [], nv, nr
            # integer arithmetic: a.v == b  <=>  a.(D v) == b D for the common denominator D of v
            pts = []
            for v in V.V:
                D = _lcm_den(v)
                pts.append(([int(x * D) for x in v], D))
            rays = [[int(x) for x in r] for r in V.R]
            masks = []
            for a, b in zip(H.A, H.b):
                ai = [int(x) for x in a]
                bi = int(b)
                m = 0
                for j, (p, D) in enumerate(pts):
                    if sum(x * y for x, y in zip(ai, p)) == bi * D:
                        m |= 1 << j
                for j, r in enumerate(rays):
                    if not any(r) or sum(x * y for x, y in zip(ai, r)) == 0:
                        m |= 1 << (nv + j)
                masks.append(m)
            return masks, nv, nr

        return self._cached("masks", compute)

    @property
    def incidence(self) -> tuple[tuple[int, ...], ...]:
        """Facet-vertex incidence: ``incidence[i][j] == 1`` iff vertex ``j`` lies on facet ``i``.

        Rows follow ``inequalities``, columns follow ``vertices``.

        >>> Polytope.simplex(2).incidence
        ((1, 1, 0), (1, 0, 1), (0, 1, 1))
        """

        def compute():
            masks, nv, _ = self._incidence_masks()
            return tuple(tuple((m >> j) & 1 for j in range(nv)) for m in masks)

        return self._cached("incidence", compute)

    def _lattice(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """All faces as ``(dim, generator mask)`` sorted, and Hasse edges ``(i, j)``: i facet of j.

        Works in the homogenisation: a face of ``P`` is a face of the cone over ``P`` that contains
        a vertex, so faces of the far face (rays only) are dropped.  Face 0 is the empty face.
        """

        def compute():
            d = self.dim
            if d < 0:
                return [(-1, 0)], []
            masks, nv, nr = self._incidence_masks()
            vmask = (1 << nv) - 1
            top = (1 << (nv + nr)) - 1
            dims = {top: d}
            edges = []
            current = [top]
            k = d
            while current:
                nxt = {}
                for S in current:
                    cands = set()
                    for F in masks:
                        T = S & F
                        if T != S and T & vmask:
                            cands.add(T)
                    for T in cands:
                        if not any(U != T and (T & U) == T for U in cands):
                            edges.append((T, S))
                            nxt[T] = None
                k -= 1
                for T in nxt:
                    dims[T] = k
                current = list(nxt)
            has_child = {S for _, S in edges}
            minimal = [S for S in dims if S not in has_child]

            def sort_key(S):
                return (dims[S], [j for j in range(nv + nr) if (S >> j) & 1])

            order = sorted(dims, key=sort_key)
            index = {S: i + 1 for i, S in enumerate(order)}
            faces = [(-1, 0)] + [(dims[S], S) for S in order]
            hasse = [(0, index[S]) for S in minimal] + [(index[T], index[S]) for T, S in edges]
            return faces, sorted(hasse)

        return self._cached("lattice", compute)

    @property
    def f_vector(self) -> tuple[int, ...]:
        """``(f_0, ..., f_dim)``: number of faces of each dimension (``f_dim == 1``).

        >>> Polytope.box([0, 0, 0], [1, 1, 1]).f_vector
        (8, 12, 6, 1)
        """

        def compute():
            d = self.dim
            counts = [0] * (d + 1)
            for k, _ in self._lattice()[0]:
                if k >= 0:
                    counts[k] += 1
            return tuple(counts)

        return self._cached("f_vector", compute)

    def face_lattice(self) -> "Any":
        """The Hasse diagram of the face lattice as a :class:`networkx.DiGraph`.

        Nodes are integers; node 0 is the empty face (``dim`` -1) and the last node is the
        polytope itself.  An edge ``F -> G`` means ``F`` is a facet of ``G``.  Node attributes:
        ``dim``, ``vertices`` / ``vertex_indices`` (into :attr:`vertices`), ``rays`` /
        ``ray_indices`` (into :attr:`rays`), and ``facet_indices`` (the rows of
        :attr:`inequalities` tight on the face).

        For an unbounded polyhedron the faces are those of ``P`` itself (faces of its
        homogenisation minus those inside the far face); the empty face is still added at the
        bottom, so the lattice is Eulerian only for bounded polytopes.

        >>> L = Polytope.simplex(2).face_lattice()
        >>> L.number_of_nodes(), L.number_of_edges()
        (8, 12)
        >>> L.nodes[7]["dim"], L.nodes[0]["vertices"]
        (2, ())
        """
        faces, edges = self._lattice()
        V = self._V()
        masks, nv, nr = self._incidence_masks() if faces[1:] else ([], 0, 0)
        G = nx.DiGraph()
        for i, (k, S) in enumerate(faces):
            vi = tuple(j for j in range(nv) if (S >> j) & 1)
            ri = tuple(j for j in range(nr) if (S >> (nv + j)) & 1)
            if i == 0:
                fi = tuple(range(len(masks)))
            else:
                fi = tuple(t for t, m in enumerate(masks) if (S & m) == S)
            G.add_node(
                i,
                dim=k,
                vertices=tuple(V.V[j] for j in vi),
                vertex_indices=vi,
                rays=tuple(V.R[j] for j in ri),
                ray_indices=ri,
                facet_indices=fi,
            )
        G.add_edges_from(edges)
        return G

    def _face_polytope(self, S: int, ridge_rows: Sequence[int] | None = None, row: int | None = None) -> "Polytope":
        V = self._V()
        masks, nv, nr = self._incidence_masks()
        verts = [V.V[j] for j in range(nv) if (S >> j) & 1]
        rays = [V.R[j] for j in range(nr) if (S >> (nv + j)) & 1]
        lines = V.L
        if ridge_rows is None:
            def loader():
                return {"vertices": verts, "rays": rays, "lines": lines}
        else:
            H = self._H()

            def loader():
                return {
                    "vertices": verts,
                    "rays": rays,
                    "lines": lines,
                    "inequalities": ([H.A[j] for j in ridge_rows], [H.b[j] for j in ridge_rows]),
                    "equalities": (list(H.E) + [H.A[row]], list(H.f) + [H.b[row]]),
                }

        return Polytope.from_certified(self._n, loader, self._bk)

    @property
    def facets(self) -> tuple["Polytope", ...]:
        """The facets, in the order of the rows of :attr:`inequalities`.

        Each facet comes with its vertices and its own irredundant H-representation, so using it
        costs no backend call.

        >>> [F.vertices for F in Polytope.simplex(1).facets]
        [((Fraction(0, 1),),), ((Fraction(1, 1),),)]
        """

        def compute():
            if self.dim <= 0:
                return ()
            masks, nv, nr = self._incidence_masks()
            vmask = (1 << nv) - 1
            out = []
            for i, S in enumerate(masks):
                # the facets of facet i: maximal proper intersections with the other facets
                best: dict[int, int] = {}
                for j, F in enumerate(masks):
                    T = S & F
                    if T != S and T & vmask and T not in best:
                        best[T] = j
                ridges = sorted(j for T, j in best.items() if not any(U != T and (T & U) == T for U in best))
                out.append(self._face_polytope(S, ridges, i))
            return tuple(out)

        return self._cached("facets", compute)

    def faces(self, k: int) -> tuple["Polytope", ...]:
        """All ``k``-dimensional faces (``()`` if there are none); ``faces(dim - 1)`` is :attr:`facets`.

        Faces of other dimensions are ordered as in :meth:`face_lattice`.

        >>> len(Polytope.box([0, 0, 0], [1, 1, 1]).faces(1))
        12
        """
        if not isinstance(k, int) or isinstance(k, bool):
            raise InvalidInputError(f"face dimension must be an integer, got {k!r}")
        d = self.dim
        if k < 0 or k > d:
            return ()
        if k == d:
            return (self,)
        if k == d - 1:
            return self.facets
        return tuple(self._face_polytope(S) for kk, S in self._lattice()[0] if kk == k)

    # -- measures ---------------------------------------------------------------------------------------

    @property
    def volume(self) -> Fraction:
        """Exact ``n``-dimensional volume: 0 if empty or lower-dimensional; an error if unbounded.

        Computed from a pulling triangulation (cone from the first vertex over the facets not
        containing it, recursively), summing ``|det| / n!``.

        >>> Polytope.from_vertices([[0, 0], [2, 0], [0, 3]]).volume
        Fraction(3, 1)
        """

        def compute():
            if self.is_empty:
                return _ZERO
            if not self.is_bounded:
                raise InvalidInputError("an unbounded polyhedron has infinite volume")
            n = self._n
            if self.dim < n:
                return _ZERO
            V = self._V().V
            total = _ZERO
            for simplex in self._triangulation():
                p = V[simplex[0]]
                total += abs(det([[a - c for a, c in zip(V[j], p)] for j in simplex[1:]]))
            return total / math.factorial(n)

        return self._cached("volume", compute)

    def _triangulation(self) -> list[tuple[int, ...]]:
        """A pulling triangulation of a bounded polytope: simplices as tuples of vertex indices."""
        masks, nv, _ = self._incidence_masks()
        memo: dict[int, list[tuple[int, ...]]] = {}

        def tri(S: int, k: int) -> list[tuple[int, ...]]:
            got = memo.get(S)
            if got is not None:
                return got
            idx = [j for j in range(nv) if (S >> j) & 1]
            if len(idx) == k + 1:
                out = [tuple(idx)]
            else:
                apex = idx[0]
                cands = {S & F for F in masks if (S & F) != S and S & F}
                out = []
                for T in cands:
                    if (T >> apex) & 1 or any(U != T and (T & U) == T for U in cands):
                        continue
                    out.extend((apex,) + s for s in tri(T, k - 1))
            memo[S] = out
            return out

        return tri((1 << nv) - 1, self.dim)

    # -- points and optimisation --------------------------------------------------------------------

    def contains(self, x: Any) -> bool:
        """Whether the point ``x`` lies in the (closed) polytope, decided exactly.

        >>> P = Polytope.simplex(2)
        >>> P.contains(["1/2", "1/2"]), P.contains([1, "1/1000"])
        (True, False)
        """
        x = to_vector(x, self._n, name="x")
        H = self._H()
        if H.empty:
            return False
        return all(_dot(a, x) <= b for a, b in zip(H.A, H.b)) and all(
            _dot(e, x) == f for e, f in zip(H.E, H.f)
        )

    def maximize(self, c: Any) -> LPResult:
        """Maximise ``c . x`` over the polytope with an exact LP.

        Returns an :class:`~polyrelu.backends.LPResult` (``status``, ``value``, ``point``).

        >>> Polytope.box([0, 0], [1, 2]).maximize([1, 1]).value
        Fraction(3, 1)
        """
        c = to_vector(c, self._n, name="c")
        h = self._any_h()
        return get_backend(self._bk).lp(self._n, c, h.A, h.b, h.E, h.f)

    # -- constructions --------------------------------------------------------------------------------------

    def _check_other(self, other: Any, op: str) -> "Polytope":
        if not isinstance(other, Polytope):
            raise InvalidInputError(f"{op} needs a Polytope, got {type(other).__name__}")
        if other._n != self._n:
            raise InvalidInputError(f"{op}: ambient dimensions differ (R^{self._n} and R^{other._n})")
        return other

    def intersection(self, other: "Polytope") -> "Polytope":
        """``P ∩ Q``.

        >>> Polytope.box([0, 0], [2, 2]).intersection(Polytope.box([1, 1], [3, 3])).vertices[0]
        (Fraction(1, 1), Fraction(1, 1))
        """
        other = self._check_other(other, "intersection")
        h1, h2 = self._any_h(), other._any_h()
        return Polytope._from_raw_h(self._n, self._bk, h1.A + h2.A, h1.b + h2.b, h1.E + h2.E, h1.f + h2.f)

    def minkowski_sum(self, other: "Polytope") -> "Polytope":
        """``P + Q = {p + q}``.

        >>> square = Polytope.box([0, 0], [1, 1])
        >>> len(square.minkowski_sum(Polytope.from_vertices([[0, 0], [1, 1]])).vertices)
        6
        """
        other = self._check_other(other, "minkowski_sum")
        # minimal V-reps: redundant points would multiply with every further sum
        v1, v2 = self._v(), other._v()
        if not v1.vertices or not v2.vertices:
            return Polytope.empty(self._n, self._bk)
        V = [tuple(a + c for a, c in zip(p, q)) for p in v1.vertices for q in v2.vertices]
        return Polytope._from_raw_v(self._n, self._bk, V, v1.rays + v2.rays, v1.lines + v2.lines)

    def image(self, M: Any, t: Any = None) -> "Polytope":
        """The affine image ``{M x + t : x in P}`` (``M`` is ``m x n``).

        >>> Polytope.box([0, 0], [1, 1]).image([[1, 1]], [5]).vertices
        ((Fraction(5, 1),), (Fraction(7, 1),))
        """
        M = to_matrix(M, (None, self._n), name="M")
        m = len(M)
        if m == 0:
            raise InvalidInputError("M has no rows")
        t = (_ZERO,) * m if t is None else to_vector(t, m, name="t")
        v = self._any_v()
        if not v.vertices:
            return Polytope.empty(m, self._bk)

        def mul(x):
            return tuple(_dot(row, x) for row in M)

        V = [tuple(a + c for a, c in zip(mul(x), t)) for x in v.vertices]
        return Polytope._from_raw_v(m, self._bk, V, [mul(r) for r in v.rays], [mul(l) for l in v.lines])

    def preimage(self, M: Any, t: Any = None) -> "Polytope":
        """The affine preimage ``{x : M x + t in P}`` (``M`` is ``n x k``, the result lives in ``R^k``).

        >>> Polytope.box([0], [1]).preimage([[1, 1]]).inequalities
        (((Fraction(-1, 1), Fraction(-1, 1)), (Fraction(1, 1), Fraction(1, 1))), (Fraction(0, 1), Fraction(1, 1)))
        """
        M = to_matrix(M, (self._n, None), name="M")
        k = len(M[0])
        if k == 0:
            raise InvalidInputError("M has no columns")
        t = (_ZERO,) * self._n if t is None else to_vector(t, self._n, name="t")
        h = self._any_h()
        cols = list(zip(*M))

        def pull(rows, rhs):
            return (
                [tuple(_dot(a, col) for col in cols) for a in rows],
                [r - _dot(a, t) for a, r in zip(rows, rhs)],
            )

        A, b = pull(h.A, h.b)
        E, f = pull(h.E, h.f)
        return Polytope._from_raw_h(k, self._bk, A, b, E, f)

    def project(self, coords: Sequence[int]) -> "Polytope":
        """The projection onto the coordinates ``coords`` (in that order).

        >>> Polytope.simplex(3).project([0, 2]).vertices
        ((Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1)))
        """
        try:
            coords = list(coords)
        except TypeError:
            raise InvalidInputError(f"coords must be a sequence of coordinate indices, got {coords!r}") from None
        if not coords:
            raise InvalidInputError("coords is empty")
        for i, c in enumerate(coords):
            if not isinstance(c, int) or isinstance(c, bool) or not 0 <= c < self._n:
                raise InvalidInputError(f"coords[{i}] = {c!r} is not a coordinate index in 0..{self._n - 1}")
        if len(set(coords)) != len(coords):
            raise InvalidInputError(f"coords has repeated indices: {coords}")
        M = [[_ONE if j == c else _ZERO for j in range(self._n)] for c in coords]
        return self.image(M)

    def as_box(self) -> tuple[Row, Row] | None:
        """``(lo, hi)`` if the polytope is a (possibly flat) axis-parallel box, else ``None``.

        >>> Polytope.box([0, 1], [2, 1]).as_box()
        ((Fraction(0, 1), Fraction(1, 1)), (Fraction(2, 1), Fraction(1, 1)))
        >>> Polytope.simplex(2).as_box() is None
        True
        """
        H = self._H()
        if H.empty:
            return None
        n = self._n
        lo: list[Fraction | None] = [None] * n
        hi: list[Fraction | None] = [None] * n

        def axis(a):
            nz = [j for j, x in enumerate(a) if x]
            return nz[0] if len(nz) == 1 else None

        for e, f in zip(H.E, H.f):
            j = axis(e)
            if j is None:
                return None
            lo[j] = hi[j] = f / e[j]
        for a, b in zip(H.A, H.b):
            j = axis(a)
            if j is None:
                return None
            if a[j] > 0:
                hi[j] = b / a[j]
            else:
                lo[j] = b / a[j]
        if any(x is None for x in lo) or any(x is None for x in hi):
            return None
        return tuple(lo), tuple(hi)  # type: ignore[return-value]

    # -- comparison, hashing, display -------------------------------------------------------------------

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Polytope):
            return NotImplemented
        if other is self:
            return True
        if self._n != other._n:
            return False
        # both canonical forms are unique, so compare whichever both already have
        if self._has("v") and other._has("v") and not (self._has("h") and other._has("h")):
            return self._V().key() == other._V().key()
        return self._H().key() == other._H().key()

    def __hash__(self) -> int:
        return self._cached("hash", lambda: hash((self._n, self._H().key())))

    def __reduce__(self):
        if self._has("v"):
            return (_rebuild, (self._n, self._bk, "v", self._v()))
        return (_rebuild, (self._n, self._bk, "h", self._h()))

    def __repr__(self) -> str:
        n = self._n
        if self.is_empty:
            return f"Polytope(empty in R^{n})"

        def count(k: int, one: str, many: str) -> str:
            return f"{k} {one if k == 1 else many}"

        parts = [f"dim={self.dim} in R^{n}"]
        if self.is_bounded:
            parts += ["bounded", count(len(self.vertices), "vertex", "vertices")]
        else:
            parts += [
                "unbounded",
                count(len(self.vertices), "vertex", "vertices"),
                count(len(self.rays), "ray", "rays"),
                count(len(self.lines), "line", "lines"),
            ]
        parts.append(count(len(self._H().A), "facet", "facets"))
        return f"Polytope({', '.join(parts)})"


def _rebuild(n: int, bk: str, kind: str, data: Any) -> Polytope:
    return Polytope._new(n, bk, {kind: data})
