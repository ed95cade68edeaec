"""Globally optimal training of one-hidden-layer ReLU networks (Arora et al., Algorithm 1), exactly.

Arora, Basu, Mianjy & Mukherjee ("Understanding deep neural networks with rectified linear
units", ICLR 2018, Algorithm 1 and Theorem 4.1) solve empirical risk minimisation for
``f(x) = sum_i a_i rho(A_i . x + b_i)`` to global optimality: by positive homogeneity
``f(x) = sum_i s_i rho(at_i . x + bt_i)`` with ``s_i in {-1, +1}``; once the signs ``s`` and, for
every unit, the set ``P_i`` of data points on the positive side of its hyperplane are fixed, the
problem is convex in ``(at_i, bt_i)``:

    minimise  sum_j loss( sum_{i : j in P_i} s_i (at_i . x_j + bt_i), y_j )
    subject to at_i . x_j + bt_i >= 0 (j in P_i),  <= 0 (j not in P_i).

Algorithm 1 enumerates all ``s`` and all ``w``-tuples of *affinely separable* dichotomies of the
data and keeps the best convex solution.  Its running time is ``O(2^w D^(n w) poly(D, n, w))`` for
``D`` points in R^n (``n >= 2``): the number of separable dichotomies is at most Cover's count
``2 S(D-1, n) <= D^n``.  This module follows it exactly, for tiny data:

* the dichotomies are enumerated by exact LP feasibility (:func:`separable_dichotomies`); their
  number equals the number of regions of the dual central arrangement
  ``{(a, b) : a . x_j + b = 0}`` (checked with :class:`polyrelu.arrangement.HyperplaneArrangement`),
  which is ``2 S(D-1, n)`` for points in general position (:func:`cover_count`);
* the absolute loss gives an exact rational LP per combination (pycddlib's GMP simplex);
* the squared loss is solved exactly too: each unit's constraint set is a polyhedral cone, so with
  its extreme rays (exact vertex enumeration) the problem becomes a non-negative least-squares
  problem, solved by the Lawson--Hanson active-set method in rational arithmetic.  No float is
  used anywhere, so ``loss == 0`` exactly when the data come from a network of that width.

Units are interchangeable, so only multisets of ``(s_i, P_i)`` are tried, and a unit with
``P_i`` empty contributes nothing whatever its sign.

>>> X = [[0, 0], [1, 0], [0, 1], [1, 1]]
>>> y = [0, 1, 1, 2]                                  # rho(x1 + x2)
>>> fit = fit_global(X, y, width=1, loss="absolute")
>>> fit.loss, fit.n_dichotomies
(Fraction(0, 1), 14)

Sources: Arora et al. seeds ``000``/``002`` contain only the abstract and references; the problem
statement, the reformulation and Algorithm 1 are from math-spec section 4.6, which was checked
against the ICLR text with its displays missing ([SRC] for the statements, [MEM] for the exact
running-time display).  Cover's count is standard and re-derived in the tests.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations_with_replacement
from typing import Any, Sequence

import cdd.gmp as cdd_gmp
from gmpy2 import mpq

from ..arrangement import HyperplaneArrangement
from ..backends import get_backend
from ..bounds import cover_count
from ..complex import PolyhedralComplex
from ..exact import InvalidInputError, PolyreluError, fraction_to_str, to_matrix, to_vector
from ..network import ReLUNetwork

__all__ = [
    "FitResult",
    "separable_dichotomies",
    "cover_count",
    "arrangement_dichotomy_count",
    "fit_global",
    "training_loss",
]

_ZERO = Fraction(0)
LOSSES = ("absolute", "squared")


# ----------------------------------------------------------------------------------------------
# dichotomies
# ----------------------------------------------------------------------------------------------
def _lp_backend(backend: str | None):
    return get_backend(backend or "cdd")


def _strictly_separable(Xh: Sequence[Sequence[Fraction]], pos: Sequence[int], neg: Sequence[int], lp) -> bool:
    """Is there (a, b) with a.x + b >= 1 on ``pos`` and <= -1 on ``neg``?  (Exact LP.)"""
    dim = len(Xh[0])
    A, b = [], []
    for j in pos:
        A.append([-v for v in Xh[j]])
        b.append(Fraction(-1))
    for j in neg:
        A.append(list(Xh[j]))
        b.append(Fraction(-1))
    if not A:
        return True
    return lp.lp(dim, [0] * dim, A, b).status == "optimal"


def separable_dichotomies(X: Any, *, method: str = "lp", backend: str | None = None) -> tuple[frozenset[int], ...]:
    """All sets ``P`` of data indices cut off by an affine hyperplane: ``a.x_j + b > 0`` iff ``j in P``.

    Both trivial dichotomies (``P`` empty and ``P`` everything) are included.  ``method="lp"``
    enumerates them by a depth-first search over the points with one exact LP feasibility test
    per node (strict separation is scale invariant, so margins 1 are used);
    ``method="arrangement"`` reads them off the regions of the dual central arrangement
    ``{(a, b) : a . x_j + b = 0}`` computed by :meth:`PolyhedralComplex.from_arrangement`.  Both
    give the same set.  For points in general position the number is Cover's ``2 S(D-1, n)``
    (:func:`cover_count`).

    >>> len(separable_dichotomies([[0, 0], [1, 0], [1, 1], [0, 1]]))
    14
    >>> sorted(sorted(P) for P in separable_dichotomies([[0], [1], [2]]))
    [[], [0], [0, 1], [0, 1, 2], [1, 2], [2]]
    >>> separable_dichotomies([[0], [1], [2]], method="arrangement") == separable_dichotomies([[0], [1], [2]])
    True
    """
    X = to_matrix(X, name="X")
    if not X:
        raise InvalidInputError("X has no data points")
    Xh = [tuple(x) + (Fraction(1),) for x in X]
    if method == "arrangement":
        cx = PolyhedralComplex.from_arrangement(Xh, [0] * len(Xh), backend=backend)
        found = {frozenset(j for j, s in enumerate(r.pattern[0]) if s) for r in cx.regions}
        return tuple(sorted(found, key=lambda P: (len(P), sorted(P))))
    if method != "lp":
        raise InvalidInputError(f"unknown method {method!r}; use 'lp' or 'arrangement'")
    lp = _lp_backend(backend)
    out: list[frozenset[int]] = []

    def rec(j: int, pos: list[int], neg: list[int]) -> None:
        if j == len(Xh):
            out.append(frozenset(pos))
            return
        for side in (pos, neg):
            side.append(j)
            if _strictly_separable(Xh, pos, neg, lp):
                rec(j + 1, pos, neg)
            side.pop()

    rec(0, [], [])
    return tuple(sorted(out, key=lambda P: (len(P), sorted(P))))


def arrangement_dichotomy_count(X: Any) -> int:
    """Number of regions of the dual central arrangement ``{(a, b) : a . x_j + b = 0}`` in R^(n+1).

    Each region is one separable dichotomy, so this equals ``len(separable_dichotomies(X))`` for
    any data (an independent count: Zaslavsky's theorem on the characteristic polynomial).

    >>> arrangement_dichotomy_count([[0, 0], [1, 0], [1, 1], [0, 1]])
    14
    """
    X = to_matrix(X, name="X")
    normals = [tuple(x) + (Fraction(1),) for x in X]
    return HyperplaneArrangement(normals, [0] * len(normals)).n_regions()


# ----------------------------------------------------------------------------------------------
# exact convex programs
# ----------------------------------------------------------------------------------------------
def _solve_spd(G: list[list[Any]], r: list[Any]) -> list[Any]:
    """Solve ``G z = r`` for a non-singular ``G`` (Gaussian elimination over Q)."""
    n = len(G)
    M = [list(G[i]) + [r[i]] for i in range(n)]
    for col in range(n):
        piv = next((i for i in range(col, n) if M[i][col] != 0), None)
        if piv is None:  # pragma: no cover - Lawson-Hanson keeps the passive columns independent
            raise PolyreluError("singular system in the exact least-squares solve")
        M[col], M[piv] = M[piv], M[col]
        p = M[col][col]
        M[col] = [x / p for x in M[col]]
        for i in range(n):
            if i != col and M[i][col] != 0:
                f = M[i][col]
                M[i] = [x - f * y for x, y in zip(M[i], M[col])]
    return [M[i][n] for i in range(n)]


def _nnls_exact(cols: list[list[Fraction]], y: list[Fraction]) -> tuple[list[Fraction], Fraction]:
    """min ||B lam - y||^2 over lam >= 0, exactly (Lawson--Hanson); ``cols`` are B's columns.

    Works on the Gram matrix ``B^T B`` and ``B^T y`` in gmpy2 rationals.  In exact arithmetic a
    column entering the passive set has a positive gradient, so it is not in the span of the
    passive columns and the passive normal equations stay non-singular; the objective strictly
    decreases at every outer step, so the method terminates.
    """
    K, D = len(cols), len(y)
    B = [[mpq(v.numerator, v.denominator) for v in col] for col in cols]
    yy = [mpq(v.numerator, v.denominator) for v in y]
    G = [[sum((a * b for a, b in zip(B[i], B[j]) if a and b), mpq(0)) for j in range(K)] for i in range(K)]
    By = [sum((a * b for a, b in zip(B[i], yy) if a and b), mpq(0)) for i in range(K)]
    zero = mpq(0)
    lam = [zero] * K
    P: set[int] = set()

    def ls(Pset: set[int]) -> list:
        idx = sorted(Pset)
        sol = _solve_spd([[G[a][b] for b in idx] for a in idx], [By[a] for a in idx])
        z = [zero] * K
        for a, v in zip(idx, sol):
            z[a] = v
        return z

    for _ in range(50 * (K + 1)):
        # gradient of -1/2 ||B lam - y||^2: w = B^T y - G lam
        w = [By[k] - sum((G[k][i] * lam[i] for i in range(K) if lam[i]), zero) for k in range(K)]
        cand = [k for k in range(K) if k not in P and w[k] > 0]
        if not cand:
            r = [yy[j] - sum((lam[k] * B[k][j] for k in range(K) if lam[k]), zero) for j in range(D)]
            value = sum((x * x for x in r), zero)
            return [Fraction(int(v.numerator), int(v.denominator)) for v in lam], Fraction(int(value.numerator), int(value.denominator))
        t = max(cand, key=lambda k: (w[k], -k))
        P.add(t)
        for _inner in range(K + 2):
            z = ls(P)
            if all(z[k] > 0 for k in P):
                lam = z
                break
            alpha = min(lam[k] / (lam[k] - z[k]) for k in P if z[k] <= 0)
            lam = [lam[k] + alpha * (z[k] - lam[k]) for k in range(K)]
            P = {k for k in P if lam[k] > 0}
        else:  # pragma: no cover
            raise PolyreluError("exact NNLS: inner loop did not terminate")
    raise PolyreluError("exact NNLS did not terminate")  # pragma: no cover


@dataclass(frozen=True)
class FitResult:
    """The global optimum found by :func:`fit_global`.

    ``network`` is the fitted ``(n; width)`` network (output weights ``signs``, output bias 0
    unless ``bias=True``); ``loss`` its exact training loss (sum over the data, recomputed by
    evaluating the network); ``partitions[i]`` the data indices on the positive side of unit
    ``i``; ``n_dichotomies`` the number of separable dichotomies enumerated, ``n_programs``
    the number of convex programs in the enumeration and ``n_solved`` how many were solved
    (the search stops early at loss 0).

    >>> fit = fit_global([[0], [1], [2]], [0, 1, 2], width=1, loss="squared")
    >>> fit.loss, fit.signs, fit.network([3])
    (Fraction(0, 1), (1,), (Fraction(3, 1),))
    """

    network: ReLUNetwork
    loss: Fraction
    loss_name: str
    signs: tuple[int, ...]
    partitions: tuple[frozenset[int], ...]
    n_dichotomies: int
    n_programs: int
    n_solved: int

    def __repr__(self) -> str:
        return (
            f"FitResult({self.loss_name} loss {fraction_to_str(self.loss)}, width {len(self.signs)}, "
            f"{self.n_programs} programs over {self.n_dichotomies} dichotomies)"
        )


def training_loss(net: ReLUNetwork, X: Any, y: Any, loss: str = "squared") -> Fraction:
    """The exact training loss ``sum_j loss(net(x_j) - y_j)`` of a scalar-output network.

    >>> net = ReLUNetwork([([[1, 1]], [0]), ([[1]], [0])])
    >>> training_loss(net, [[0, 0], [1, 1]], [1, 1], "squared")
    Fraction(2, 1)
    """
    if loss not in LOSSES:
        raise InvalidInputError(f"unknown loss {loss!r}; use one of {LOSSES}")
    X = to_matrix(X, name="X")
    y = to_vector(y, len(X), name="y")
    if net.output_dim != 1:
        raise InvalidInputError("training_loss needs a network with one output")
    total = _ZERO
    for x, t in zip(X, y):
        d = net(x)[0] - t
        total += abs(d) if loss == "absolute" else d * d
    return total


def _solve_absolute(Xh, y, combo, bias, lp) -> tuple[Fraction, list[list[Fraction]], Fraction]:
    """Exact LP for one combination; returns (optimal loss, unit parameters, output bias)."""
    D, m = len(Xh), len(Xh[0])
    w = len(combo)
    nvar = m * w + (1 if bias else 0) + D
    eoff = m * w + (1 if bias else 0)
    A, b = [], []
    for i, (s, P) in enumerate(combo):
        for j in range(D):
            row = [_ZERO] * nvar
            sign = -1 if j in P else 1
            for k in range(m):
                row[i * m + k] = sign * Xh[j][k]
            A.append(row)
            b.append(_ZERO)
    for j in range(D):
        pred = [_ZERO] * nvar
        for i, (s, P) in enumerate(combo):
            if j in P:
                for k in range(m):
                    pred[i * m + k] += s * Xh[j][k]
        if bias:
            pred[m * w] = Fraction(1)
        up = list(pred)
        up[eoff + j] = Fraction(-1)
        A.append(up)
        b.append(y[j])
        lo = [-v for v in pred]
        lo[eoff + j] = Fraction(-1)
        A.append(lo)
        b.append(-y[j])
    c = [_ZERO] * eoff + [Fraction(1)] * D
    value, x = _lp_min(c, A, b)
    params = [list(x[i * m:(i + 1) * m]) for i in range(w)]
    beta = x[m * w] if bias else _ZERO
    return value, params, beta


def _lp_min(c: list[Fraction], A: list[list[Fraction]], b: list[Fraction]) -> tuple[Fraction, list[Fraction]]:
    """min c.x subject to A x <= b, with pycddlib's exact (GMP) simplex.

    Called directly rather than through :mod:`polyrelu.backends` because these LPs are already
    validated and the per-call conversions dominated the running time.  Only used on programs
    that are feasible (theta = 0) and bounded below (the objective is a sum of e_j >= |...|).
    """
    rows = [[bi] + [-a for a in row] for row, bi in zip(A, b)]
    rows.append([_ZERO] + list(c))
    lp = cdd_gmp.linprog_from_array(rows, obj_type=cdd_gmp.LPObjType.MIN)
    cdd_gmp.linprog_solve(lp)
    if lp.status != cdd_gmp.LPStatusType.OPTIMAL:  # pragma: no cover - theta = 0, e = |y| is always feasible
        raise PolyreluError(f"exact LP for a convex subproblem returned {lp.status!r}")
    x = [Fraction(v) for v in lp.primal_solution]
    value = sum((ci * xi for ci, xi in zip(c, x) if ci), _ZERO)
    if value != Fraction(lp.obj_value):  # pragma: no cover - a guard on the solver's report
        raise PolyreluError("exact LP: objective value and primal solution disagree")
    return value, x


def _cone_rays(Xh, P, lp, cache) -> tuple[tuple[Fraction, ...], ...]:
    """Extreme rays of {theta : theta.xh_j >= 0 (j in P), <= 0 (j not in P)} (lines dropped:
    they vanish on every data point, so they never change a prediction)."""
    if P in cache:
        return cache[P]
    m = len(Xh[0])
    A = [[(-v if j in P else v) for v in Xh[j]] for j in range(len(Xh))]
    rays = lp.h_to_v(m, A, [0] * len(A)).rays
    cache[P] = tuple(tuple(r) for r in rays)
    return cache[P]


def _solve_squared(Xh, y, combo, bias, lp, cache) -> tuple[Fraction, list[list[Fraction]], Fraction]:
    D, m = len(Xh), len(Xh[0])
    cols: list[list[Fraction]] = []
    owners: list[tuple[int, tuple[Fraction, ...]]] = []
    for i, (s, P) in enumerate(combo):
        for r in _cone_rays(Xh, P, lp, cache):
            col = [s * sum((a * b for a, b in zip(r, Xh[j])), _ZERO) if j in P else _ZERO for j in range(D)]
            if any(col):
                cols.append(col)
                owners.append((i, r))
    if bias:
        cols.append([Fraction(1)] * D)
        owners.append((-1, (Fraction(1),)))
        cols.append([Fraction(-1)] * D)
        owners.append((-1, (Fraction(-1),)))
    lam, value = _nnls_exact(cols, list(y))
    params = [[_ZERO] * m for _ in combo]
    beta = _ZERO
    for coef, (i, r) in zip(lam, owners):
        if not coef:
            continue
        if i < 0:
            beta += coef * r[0]
        else:
            params[i] = [p + coef * v for p, v in zip(params[i], r)]
    return value, params, beta


def _best_program(Xh, y, options, width: int, loss: str, bias: bool, lp) -> tuple[tuple, int]:
    """Solve the convex program of every multiset of ``width`` (sign, dichotomy) options and keep
    the smallest loss (the first on ties; the search stops at loss 0).  Returns
    ``((loss, options chosen, first-layer rows, output bias), number of programs solved)``."""
    best = None
    cache: dict = {}
    n_solved = 0
    for idx in combinations_with_replacement(range(len(options)), width):
        combo = [options[k] for k in idx]
        if loss == "absolute":
            value, params, beta = _solve_absolute(Xh, y, combo, bias, lp)
        else:
            value, params, beta = _solve_squared(Xh, y, combo, bias, lp, cache)
        n_solved += 1
        if best is None or value < best[0]:
            best = (value, combo, params, beta)
            if value == 0:
                break
    return best, n_solved


def fit_global(
    X: Any,
    y: Any,
    width: int,
    loss: str = "squared",
    *,
    bias: bool = False,
    dichotomies: str = "lp",
    max_programs: int = 200_000,
    backend: str | None = None,
) -> FitResult:
    """Globally optimal ERM for ``f(x) = sum_i a_i rho(A_i . x + b_i)`` (+ an output bias if ``bias``).

    ``X`` is a D x n array of inputs and ``y`` the D targets (exact rationals; floats convert
    exactly); ``loss`` is ``"squared"`` (sum of squares) or ``"absolute"`` (sum of absolute
    errors).  Arora et al.'s model has no output bias (``bias=False``, the default).
    ``dichotomies`` (``"lp"`` or ``"arrangement"``) is the method of :func:`separable_dichotomies`.  Exact
    throughout (see the module docstring); the number of convex programs is
    ``C(K + width - 1, width)`` with ``K = 2 * (number of non-empty dichotomies) + 1``, so keep
    ``D``, ``n`` and ``width`` tiny; more than ``max_programs`` raises InvalidInputError.

    >>> X = [[0], [1], [2], [3]]
    >>> y = [0, 1, 0, 1]
    >>> fit_global(X, y, width=1, loss="squared").loss      # the least-squares line 0.2 x + 0.2
    Fraction(4, 5)
    >>> fit_global(X, y, width=1, loss="absolute").loss
    Fraction(1, 1)
    """
    if loss not in LOSSES:
        raise InvalidInputError(f"unknown loss {loss!r}; use one of {LOSSES}")
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise InvalidInputError(f"width must be a positive integer, got {width!r}")
    X = to_matrix(X, name="X")
    if not X or not X[0]:
        raise InvalidInputError("X must be a non-empty D x n array with n >= 1")
    y = to_vector(y, len(X), name="y")
    lp = _lp_backend(backend)
    found = separable_dichotomies(X, method=dichotomies, backend=backend)
    Xh = [tuple(x) + (Fraction(1),) for x in X]
    options: list[tuple[int, frozenset[int]]] = [(1, frozenset())]
    options += [(s, P) for P in found if P for s in (1, -1)]
    n_programs = math.comb(len(options) + width - 1, width)
    if n_programs > max_programs:
        raise InvalidInputError(
            f"{n_programs} convex programs needed ({len(found)} dichotomies, width {width}); "
            f"raise max_programs (now {max_programs}) or use fewer points"
        )
    (value, combo, params, beta), n_solved = _best_program(Xh, y, options, width, loss, bias, lp)
    n = len(X[0])
    signs = tuple(s for s, _ in combo)
    net = ReLUNetwork([([p[:n] for p in params], [p[n] for p in params]), ([list(signs)], [beta])])
    exact = training_loss(net, X, y, loss)
    if exact != value:  # pragma: no cover - the constraints make net(x_j) equal the program's prediction
        raise PolyreluError(f"internal error: program value {value} but network loss {exact}")
    return FitResult(
        network=net,
        loss=exact,
        loss_name=loss,
        signs=signs,
        partitions=tuple(P for _, P in combo),
        n_dichotomies=len(found),
        n_programs=n_programs,
        n_solved=n_solved,
    )
