"""Exact polyhedral backends behind one small interface.

Two implementations compute the same things in exact rational arithmetic:

* ``"cdd"``: pycddlib 3, its GMP module ``cdd.gmp`` (double description method, exact simplex);
* ``"ppl"``: pplpy, the Parma Polyhedra Library (double description, exact ``MIP_Problem``).

Each backend converts between representations and solves linear programs:

* :meth:`Backend.h_to_v` -- ``{A x <= b, E x = f}`` to a minimal V-representation;
* :meth:`Backend.v_to_h` -- ``conv(V) + cone(R) + lin(L)`` to an irredundant H-representation;
* :meth:`Backend.minimize_h`, :meth:`Backend.minimize_v` -- drop redundant rows, detect implicit
  equalities and lines;
* :meth:`Backend.lp` -- maximise (or minimise) ``c . x`` over an H-representation.

Numbers go in as ints or :class:`~fractions.Fraction` and come out as Fractions.  Results are exact
but *not* canonical (row order and scaling depend on the backend); :mod:`polyrelu.polytope` puts
them in canonical form, after which both backends give identical answers.  A failure inside a
backend is re-raised as :class:`BackendError`.

>>> sorted(available_backends())
['cdd', 'ppl']
>>> bk = get_backend("ppl")
>>> v = bk.h_to_v(1, [[1], [-1]], [2, 0])      # 0 <= x <= 2
>>> sorted(v.vertices), v.rays, v.lines
([(Fraction(0, 1),), (Fraction(2, 1),)], (), ())
>>> r = get_backend("cdd").lp(2, [1, 1], [[1, 0], [0, 1], [-1, 0], [-1, -1]], [1, 2, 0, 5])
>>> r.status, r.value
('optimal', Fraction(3, 1))
>>> get_backend("sage")
Traceback (most recent call last):
...
polyrelu.exact.InvalidInputError: unknown backend 'sage'; known backends: 'cdd', 'ppl'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Sequence

from .exact import InvalidInputError, PolyreluError, to_rational

__all__ = [
    "BackendError",
    "HRep",
    "VRep",
    "LPResult",
    "Backend",
    "CddBackend",
    "PplBackend",
    "get_backend",
    "check_backend_name",
    "available_backends",
    "default_backend",
    "set_default_backend",
]

Row = tuple[Fraction, ...]
Rows = tuple[Row, ...]


class BackendError(PolyreluError, RuntimeError):
    """A backend library failed on input that polyrelu had already checked.

    >>> issubclass(BackendError, PolyreluError)
    True
    """


@dataclass(frozen=True)
class HRep:
    """``{x : A x <= b, E x = f}``.  An empty set is returned as the single row ``0 x <= -1``.

    >>> h = get_backend("cdd").v_to_h(1, [[0], [2]])
    >>> sorted(zip(h.A, h.b))
    [((Fraction(-1, 1),), Fraction(0, 1)), ((Fraction(1, 1),), Fraction(2, 1))]
    """

    A: Rows
    b: Row
    E: Rows
    f: Row


@dataclass(frozen=True)
class VRep:
    """``conv(vertices) + cone(rays) + lin(lines)``; no vertices means the empty set.

    >>> v = get_backend("ppl").h_to_v(1, [[-1]], [0])      # x >= 0
    >>> v.vertices, v.rays, v.lines
    (((Fraction(0, 1),),), ((Fraction(1, 1),),), ())
    """

    vertices: Rows
    rays: Rows
    lines: Rows


@dataclass(frozen=True)
class LPResult:
    """Outcome of an exact LP: ``status`` is ``"optimal"``, ``"unbounded"`` or ``"infeasible"``.

    ``value`` and ``point`` (an optimal point) are set only when the status is ``"optimal"``.

    >>> get_backend("ppl").lp(1, [1], [[1], [-1]], [2, 0])     # max x on 0 <= x <= 2
    LPResult(status='optimal', value=Fraction(2, 1), point=(Fraction(2, 1),))
    """

    status: str
    value: Fraction | None = None
    point: Row | None = None


# -- input checks shared by the backends -----------------------------------------------------------


def _num(x: Any, where: str) -> Fraction | int:
    if type(x) is Fraction or type(x) is int:
        return x
    return to_rational(x, where=where)


def _rows(M: Any, width: int, name: str) -> list[list[Fraction | int]]:
    out = []
    for i, r in enumerate(M):
        r = list(r)
        if len(r) != width:
            raise InvalidInputError(f"{name}[{i}] has {len(r)} entries, expected {width}")
        out.append([_num(x, f"{name}[{i}][{j}]") for j, x in enumerate(r)])
    return out


def _vec(v: Any, length: int, name: str) -> list[Fraction | int]:
    v = list(v)
    if len(v) != length:
        raise InvalidInputError(f"{name} has length {len(v)}, expected {length}")
    return [_num(x, f"{name}[{j}]") for j, x in enumerate(v)]


def _check_dim(dim: Any) -> int:
    if not isinstance(dim, int) or isinstance(dim, bool) or dim < 1:
        raise InvalidInputError(f"ambient dimension must be a positive integer, got {dim!r}")
    return dim


def _empty_h(dim: int) -> HRep:
    return HRep(((Fraction(0),) * dim,), (Fraction(-1),), (), ())


def _frac_row(r: Sequence[Any]) -> Row:
    return tuple(x if type(x) is Fraction else Fraction(x) for x in r)


def _lcm_den(r: Sequence[Fraction | int]) -> int:
    den = 1
    for x in r:
        if type(x) is not int:
            d = x.denominator
            if d != 1:
                den = den * d // math.gcd(den, d)
    return den


def _int_scaled(r: Sequence[Fraction | int]) -> list[int]:
    """Multiply a rational row by the lcm of its denominators (a positive number)."""
    den = _lcm_den(r)
    return [int(x * den) for x in r] if den != 1 else [int(x) for x in r]


# -- the interface --------------------------------------------------------------------------------


class Backend:
    """The interface every exact backend implements (see the module docstring).

    All methods take the ambient dimension first, because a representation may have no rows.

    >>> all(isinstance(get_backend(name), Backend) for name in available_backends())
    True
    """

    name: str = "?"

    def h_to_v(self, dim: int, A: Sequence, b: Sequence, E: Sequence = (), f: Sequence = ()) -> VRep:
        """A minimal V-representation of ``{A x <= b, E x = f}``.

        >>> sorted(get_backend("cdd").h_to_v(2, [[1, 0], [0, 1], [-1, -1]], [0, 0, 1]).vertices)
        [(Fraction(-1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(-1, 1)), (Fraction(0, 1), Fraction(0, 1))]
        """
        dim = _check_dim(dim)
        A, b, E, f = self._hargs(dim, A, b, E, f)
        return self._guard("h_to_v", self._h_to_v, dim, A, b, E, f)

    def v_to_h(self, dim: int, V: Sequence, R: Sequence = (), L: Sequence = ()) -> HRep:
        """An irredundant H-representation of ``conv(V) + cone(R) + lin(L)``.

        >>> h = get_backend("ppl").v_to_h(1, [[0], [3]])
        >>> sorted(zip(h.A, h.b))
        [((Fraction(-1, 1),), Fraction(0, 1)), ((Fraction(1, 1),), Fraction(3, 1))]
        """
        dim = _check_dim(dim)
        V, R, L = self._vargs(dim, V, R, L)
        if not V:
            return _empty_h(dim)
        return self._guard("v_to_h", self._v_to_h, dim, V, R, L)

    def minimize_h(self, dim: int, A: Sequence, b: Sequence, E: Sequence = (), f: Sequence = ()) -> HRep:
        """Remove redundant inequalities and turn implicit equalities into equalities.

        >>> h = get_backend("cdd").minimize_h(1, [[1], [-1], [2]], [0, 0, 5])   # x <= 0, x >= 0
        >>> len(h.A), len(h.E)
        (0, 1)
        """
        dim = _check_dim(dim)
        A, b, E, f = self._hargs(dim, A, b, E, f)
        return self._guard("minimize_h", self._minimize_h, dim, A, b, E, f)

    def minimize_v(self, dim: int, V: Sequence, R: Sequence = (), L: Sequence = ()) -> VRep:
        """Remove generators that are not extreme, and turn opposite rays into lines.

        >>> get_backend("ppl").minimize_v(1, [[0], [1], [2]]).vertices
        ((Fraction(0, 1),), (Fraction(2, 1),))
        """
        dim = _check_dim(dim)
        V, R, L = self._vargs(dim, V, R, L)
        if not V:
            return VRep((), (), ())
        return self._guard("minimize_v", self._minimize_v, dim, V, R, L)

    def lp(
        self,
        dim: int,
        c: Sequence,
        A: Sequence,
        b: Sequence,
        E: Sequence = (),
        f: Sequence = (),
        *,
        maximize: bool = True,
    ) -> LPResult:
        """Optimise ``c . x`` over ``{A x <= b, E x = f}`` exactly.

        >>> get_backend("ppl").lp(1, [1], [[-1]], [0])      # max x subject to x >= 0
        LPResult(status='unbounded', value=None, point=None)
        >>> get_backend("cdd").lp(1, [1], [[-1]], [0], maximize=False)
        LPResult(status='optimal', value=Fraction(0, 1), point=(Fraction(0, 1),))
        """
        dim = _check_dim(dim)
        c = _vec(c, dim, "c")
        A, b, E, f = self._hargs(dim, A, b, E, f)
        sign = 1 if maximize else -1
        res = self._guard("lp", self._lp, dim, [sign * x for x in c], A, b, E, f)
        if res.status == "optimal" and not maximize:
            res = LPResult("optimal", -res.value, res.point)
        return res

    def __repr__(self) -> str:
        return f"<polyrelu backend {self.name!r}>"

    # helpers
    @staticmethod
    def _hargs(dim, A, b, E, f):
        A = _rows(A, dim, "A")
        b = _vec(b, len(A), "b")
        E = _rows(E, dim, "E")
        f = _vec(f, len(E), "f")
        return A, b, E, f

    @staticmethod
    def _vargs(dim, V, R, L):
        V = _rows(V, dim, "vertices")
        R = [r for r in _rows(R, dim, "rays") if any(r)]
        L = [l for l in _rows(L, dim, "lines") if any(l)]
        if not V and (R or L):
            raise InvalidInputError("rays or lines need at least one vertex (an apex)")
        return V, R, L

    def _guard(self, op: str, fn: Callable, *args):
        try:
            return fn(*args)
        except PolyreluError:
            raise
        except Exception as e:  # a backend library error: re-raise as ours, keeping the cause
            raise BackendError(f"backend {self.name!r} failed in {op}: {type(e).__name__}: {e}") from e

    # to implement
    def _h_to_v(self, dim, A, b, E, f) -> VRep:  # pragma: no cover - abstract
        raise NotImplementedError

    def _v_to_h(self, dim, V, R, L) -> HRep:  # pragma: no cover - abstract
        raise NotImplementedError

    def _minimize_h(self, dim, A, b, E, f) -> HRep:  # pragma: no cover - abstract
        raise NotImplementedError

    def _minimize_v(self, dim, V, R, L) -> VRep:  # pragma: no cover - abstract
        raise NotImplementedError

    def _lp(self, dim, c, A, b, E, f) -> LPResult:  # pragma: no cover - abstract
        raise NotImplementedError


# -- pycddlib (GMP) ------------------------------------------------------------------------------------


class CddBackend(Backend):
    """pycddlib 3, exact GMP arithmetic (``cdd.gmp``).

    >>> sorted(CddBackend().h_to_v(2, [[1, 0], [0, 1], [-1, -1]], [1, 1, 0]).vertices)   # a triangle
    [(Fraction(-1, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(-1, 1)), (Fraction(1, 1), Fraction(1, 1))]
    """

    name = "cdd"

    def __init__(self) -> None:
        import cdd.gmp as g

        self._g = g

    def _hmatrix(self, dim, A, b, E, f, **kw):
        g = self._g
        # cdd reads a row [b, -A] as 0 <= b - A x; equalities are rows listed in lin_set
        rows = [[bi] + [-x for x in a] for a, bi in zip(A, b)]
        rows += [[fi] + [-x for x in e] for e, fi in zip(E, f)]
        lin = range(len(A), len(A) + len(E))
        if not rows:  # cdd needs a row to know the width; 1 >= 0 says nothing
            rows = [[1] + [0] * dim]
        return g.matrix_from_array(rows, lin_set=lin, rep_type=g.RepType.INEQUALITY, **kw)

    def _vmatrix(self, dim, V, R, L):
        g = self._g
        rows = [[1] + list(v) for v in V] + [[0] + list(r) for r in R] + [[0] + list(l) for l in L]
        lin = range(len(V) + len(R), len(rows))
        return g.matrix_from_array(rows, lin_set=lin, rep_type=g.RepType.GENERATOR)

    @staticmethod
    def _read_h(dim, mat) -> HRep:
        A, b, E, f = [], [], [], []
        lin = mat.lin_set
        for i, row in enumerate(mat.array):
            a = tuple(-x for x in row[1:])
            if not any(a):
                if row[0] < 0 or (i in lin and row[0] != 0):
                    return _empty_h(dim)
                continue  # 0 <= positive: the homogenising row, not a constraint on x
            if i in lin:
                E.append(a)
                f.append(row[0])
            else:
                A.append(a)
                b.append(row[0])
        return HRep(tuple(A), tuple(b), tuple(E), tuple(f))

    @staticmethod
    def _read_v(mat) -> VRep:
        V, R, L = [], [], []
        lin = mat.lin_set
        for i, row in enumerate(mat.array):
            t, x = row[0], tuple(row[1:])
            if t != 0:
                V.append(tuple(xi / t for xi in x) if t != 1 else x)
            elif i in lin:
                L.append(x)
            else:
                R.append(x)
        return VRep(tuple(V), tuple(R), tuple(L))

    def _h_to_v(self, dim, A, b, E, f):
        g = self._g
        poly = g.polyhedron_from_matrix(self._hmatrix(dim, A, b, E, f))
        v = self._read_v(g.copy_generators(poly))
        if not v.vertices and (v.rays or v.lines):
            # cdd leaves out the apex of a cone given by a homogeneous system (b = 0, f = 0)
            if any(b) or any(f):
                raise BackendError("cdd returned rays without a vertex for a non-homogeneous system")
            v = VRep(((Fraction(0),) * dim,), v.rays, v.lines)
        return v

    def _v_to_h(self, dim, V, R, L):
        g = self._g
        poly = g.polyhedron_from_matrix(self._vmatrix(dim, V, R, L))
        return self._read_h(dim, g.copy_inequalities(poly))

    # Two double description runs are faster than cdd's LP-based matrix_canonicalize (measured
    # ~4 ms against ~7-10 ms on 3-d polytopes with 20 points), and the output of a double
    # description run is irredundant whatever the input.
    def _minimize_h(self, dim, A, b, E, f):
        v = self._h_to_v(dim, A, b, E, f)
        if not v.vertices:
            return _empty_h(dim)
        return self._v_to_h(dim, v.vertices, v.rays, v.lines)

    def _minimize_v(self, dim, V, R, L):
        h = self._v_to_h(dim, V, R, L)
        return self._h_to_v(dim, h.A, h.b, h.E, h.f)

    def _solve(self, dim, c, A, b, E, f):
        g = self._g
        mat = self._hmatrix(dim, A, b, E, f, obj_type=g.LPObjType.MAX, obj_func=[0] + list(c))
        lp = g.linprog_from_matrix(mat)
        g.linprog_solve(lp)
        return lp

    def _lp(self, dim, c, A, b, E, f):
        S = self._g.LPStatusType
        lp = self._solve(dim, c, A, b, E, f)
        if lp.status == S.OPTIMAL:
            return LPResult("optimal", Fraction(lp.obj_value), _frac_row(lp.primal_solution))
        if lp.status in (S.INCONSISTENT, S.STRUC_INCONSISTENT):
            return LPResult("infeasible")
        if not any(c):
            return LPResult("infeasible")
        # cdd reports "dual inconsistent" both for unbounded and for some infeasible problems;
        # a zero objective separates the two cases
        feas = self._solve(dim, [0] * dim, A, b, E, f)
        return LPResult("unbounded" if feas.status == S.OPTIMAL else "infeasible")


# -- pplpy --------------------------------------------------------------------------------------------------


class PplBackend(Backend):
    """pplpy (Parma Polyhedra Library), exact integer/GMP arithmetic.

    >>> sorted(PplBackend().h_to_v(2, [[1, 0], [0, 1], [-1, -1]], [1, 1, 0]).vertices)   # a triangle
    [(Fraction(-1, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(-1, 1)), (Fraction(1, 1), Fraction(1, 1))]
    """

    name = "ppl"

    def __init__(self) -> None:
        import ppl

        self._ppl = ppl

    def _constraints(self, dim, A, b, E, f):
        ppl = self._ppl
        LE = ppl.Linear_Expression
        cs = ppl.Constraint_System()
        for a, bi in zip(A, b):
            r = _int_scaled([bi] + [-x for x in a])  # 0 <= b - a.x, scaled to integers
            cs.insert(LE(r[1:], r[0]) >= 0)
        for e, fi in zip(E, f):
            r = _int_scaled([fi] + [-x for x in e])
            cs.insert(LE(r[1:], r[0]) == 0)
        return cs

    def _polyhedron_h(self, dim, A, b, E, f):
        ppl = self._ppl
        if not A and not E:
            return ppl.C_Polyhedron(dim, "universe")
        return ppl.C_Polyhedron(self._constraints(dim, A, b, E, f))

    def _polyhedron_v(self, dim, V, R, L):
        ppl = self._ppl
        LE = ppl.Linear_Expression
        gs = ppl.Generator_System()
        for v in V:
            r = _int_scaled(list(v) + [Fraction(1)])
            gs.insert(ppl.point(LE(r[:-1], 0), r[-1]))
        for x in R:
            gs.insert(ppl.ray(LE(_int_scaled(x), 0)))
        for x in L:
            gs.insert(ppl.line(LE(_int_scaled(x), 0)))
        return ppl.C_Polyhedron(gs)

    @staticmethod
    def _read_h(dim, poly) -> HRep:
        if poly.is_empty():
            return _empty_h(dim)
        A, b, E, f = [], [], [], []
        for c in poly.minimized_constraints():
            # ppl: coeffs . x + inhomogeneous >= 0 (or == 0), i.e. -coeffs . x <= inhomogeneous
            a = tuple(Fraction(-int(x)) for x in c.coefficients())
            a = a + (Fraction(0),) * (dim - len(a))
            rhs = Fraction(int(c.inhomogeneous_term()))
            if not any(a):
                continue
            if c.is_equality():
                E.append(a)
                f.append(rhs)
            else:
                A.append(a)
                b.append(rhs)
        return HRep(tuple(A), tuple(b), tuple(E), tuple(f))

    @staticmethod
    def _read_v(dim, poly) -> VRep:
        if poly.is_empty():
            return VRep((), (), ())
        V, R, L = [], [], []
        for gen in poly.minimized_generators():
            coeffs = [int(x) for x in gen.coefficients()]
            coeffs += [0] * (dim - len(coeffs))
            if gen.is_point():
                d = int(gen.divisor())
                V.append(tuple(Fraction(x, d) for x in coeffs))
            elif gen.is_ray():
                R.append(tuple(Fraction(x) for x in coeffs))
            elif gen.is_line():
                L.append(tuple(Fraction(x) for x in coeffs))
            else:  # closure points cannot occur in a closed polyhedron
                raise BackendError(f"unexpected generator {gen}")
        return VRep(tuple(V), tuple(R), tuple(L))

    def _h_to_v(self, dim, A, b, E, f):
        return self._read_v(dim, self._polyhedron_h(dim, A, b, E, f))

    def _v_to_h(self, dim, V, R, L):
        return self._read_h(dim, self._polyhedron_v(dim, V, R, L))

    def _minimize_h(self, dim, A, b, E, f):
        return self._read_h(dim, self._polyhedron_h(dim, A, b, E, f))

    def _minimize_v(self, dim, V, R, L):
        return self._read_v(dim, self._polyhedron_v(dim, V, R, L))

    def _lp(self, dim, c, A, b, E, f):
        ppl = self._ppl
        scale = _lcm_den(c)
        ci = [int(x * scale) for x in c]
        mip = ppl.MIP_Problem(dim)
        mip.add_constraints(self._constraints(dim, A, b, E, f))
        mip.set_objective_function(ppl.Linear_Expression(ci, 0))
        mip.set_optimization_mode("maximization")
        status = mip.solve()["status"]
        if status == "unfeasible":
            return LPResult("infeasible")
        if status == "unbounded":
            return LPResult("unbounded")
        pt = mip.optimizing_point()
        d = int(pt.divisor())
        coeffs = [int(x) for x in pt.coefficients()]
        coeffs += [0] * (dim - len(coeffs))
        x = tuple(Fraction(v, d) for v in coeffs)
        val = mip.optimal_value()
        value = Fraction(int(val.numerator), int(val.denominator)) / scale
        return LPResult("optimal", value, x)


# -- registry ------------------------------------------------------------------------------------------------

_FACTORIES: dict[str, type[Backend]] = {"cdd": CddBackend, "ppl": PplBackend}
_INSTANCES: dict[str, Backend] = {}
_DEFAULT = ["cdd"]


def available_backends() -> tuple[str, ...]:
    """Names of the known backends.

    >>> available_backends()
    ('cdd', 'ppl')
    """
    return tuple(_FACTORIES)


def check_backend_name(name: Any) -> str:
    """``name`` if it names a backend, else :class:`~polyrelu.exact.InvalidInputError`.

    >>> check_backend_name("ppl")
    'ppl'
    """
    if not isinstance(name, str) or name not in _FACTORIES:
        known = ", ".join(repr(k) for k in _FACTORIES)
        raise InvalidInputError(f"unknown backend {name!r}; known backends: {known}")
    return name


def get_backend(name: str | Backend | None = None) -> Backend:
    """The backend called ``name`` (``"cdd"`` or ``"ppl"``); ``None`` gives the default one.

    >>> get_backend("cdd")
    <polyrelu backend 'cdd'>
    """
    if isinstance(name, Backend):
        return name
    name = _DEFAULT[0] if name is None else check_backend_name(name)
    bk = _INSTANCES.get(name)
    if bk is None:
        try:
            bk = _FACTORIES[name]()
        except ImportError as e:
            raise BackendError(f"backend {name!r} is not installed ({e})") from e
        _INSTANCES[name] = bk
    return bk


def default_backend() -> str:
    """The name of the package-wide default backend (initially ``"cdd"``).

    >>> default_backend() in available_backends()
    True
    """
    return _DEFAULT[0]


def set_default_backend(name: str) -> str:
    """Make ``name`` the package-wide default backend; returns the previous default.

    >>> old = set_default_backend("ppl")
    >>> default_backend()
    'ppl'
    >>> _ = set_default_backend(old)
    """
    name = check_backend_name(name)
    old = _DEFAULT[0]
    _DEFAULT[0] = name
    return old


_check_name = check_backend_name  # the old private name
