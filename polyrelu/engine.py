"""The enumeration engine: the integer network and start cells, and the compiled core's entry.

* :func:`prepare` rescales the network to integers (scaling layer l by a positive constant changes
  no sign: ReLU is positively homogeneous; float32 weights are dyadic, so the scales are powers of
  2), quotients out the lineality the first layer cannot see, and builds the pointed start cells
  (the domain, or the orthants of a few first-layer neurons on all of R^n) from an exact backend.
* :func:`refine` hands them to the compiled core (``polyrelu._core``, core/src, docs/core.md), which
  does the refinement, and wraps its arrays in the result contract (:mod:`polyrelu.result`).

The pure-Python reference engine the tests compare the core against is :mod:`polyrelu.reference`;
it starts from the same :func:`prepare`.  Everything here is exact (Python integers and Fractions).
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import math
import os
from fractions import Fraction
from typing import Any, Callable, Iterator, Sequence

from . import _core  # the compiled core (core/src): imported with the package, not inside a timed run
from .exact import EmptyDomainError, InvalidInputError, PolyreluError, primitive_ints
from .linalg import express as _express
from .linalg import nullspace as _nullspace
from .linalg import rank as _rank
from .result import RefinementResult, encode_label
from .validate import memory_guard

__all__ = ["refine", "count", "LimitError", "RegionLimitError", "TimeLimitError", "scale_network", "prepare",
           "Prepared", "domain_inequalities", "pattern_words", "cell_data_from_v1"]


class LimitError(PolyreluError):
    """A run stopped by one of its limits (``max_regions``, ``max_seconds``).

    The common base, so one ``except`` catches both; ``on_limit="partial"`` returns the regions
    so far instead of raising.

    >>> net = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])])  # 3 regions
    >>> try:
    ...     net.complex(max_regions=2)
    ... except LimitError as e:
    ...     print(type(e).__name__)
    RegionLimitError
    >>> net.complex(max_regions=2, on_limit="partial").result.complete
    False
    """


class RegionLimitError(LimitError):
    """Raised when an enumeration would exceed ``max_regions``.

    >>> ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(max_regions=2)  # 3 regions
    Traceback (most recent call last):
    ...
    polyrelu.engine.RegionLimitError: more than max_regions=2 regions: stopped in hidden layer 1 of 1, ...
    """


class TimeLimitError(LimitError):
    """Raised when an enumeration runs past ``max_seconds``.

    >>> issubclass(TimeLimitError, LimitError), issubclass(TimeLimitError, RegionLimitError)
    (True, False)
    """


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Switch the cyclic garbage collector off for a block (restored as it was afterwards).

    Building many small objects without cycles (the graph, the regions) is faster without it.

    >>> was = gc.isenabled()
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled() == was
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# integer arithmetic helpers
# ---------------------------------------------------------------------------------------------

def _lcm(a: int, b: int) -> int:
    return a // math.gcd(a, b) * b


def scale_network(layers: Sequence[tuple[Sequence[Sequence[Fraction]], Sequence[Fraction]]]
                  ) -> tuple[list[list[list[int]]], list[list[int]], list[Fraction]]:
    """Integer rescaling of a network.

    Returns ``(Ws, bs, scales)`` where ``Ws[l]`` and ``bs[l]`` are integer matrices/vectors with
    ``zhat^l = Ws[l] xhat^{l-1} + bs[l]``, ``xhat^l = relu(zhat^l) = S_l x^l`` and ``S_0 = 1``;
    ``scales[l] = S_l`` (a positive Fraction), so the true output is ``zhat^{L+1} / S_{L+1}``.

    >>> Ws, bs, scales = scale_network([([[Fraction(1, 2)], [Fraction(-1)]], [Fraction(0), Fraction(1, 3)]),
    ...                                 ([[Fraction(1), Fraction(1)]], [Fraction(0)])])
    >>> Ws, bs, [str(s) for s in scales]  # layer 1 times 6 (denominators 2 and 3): S_1 = S_2 = 6
    ([[[3], [-6]], [[1, 1]]], [[0, 2], [0]], ['1', '6', '6'])
    """
    S_prev = Fraction(1)
    Ws, bs, scales = [], [], [Fraction(1)]
    for W, b in layers:
        # integer arithmetic throughout (math.lcm/gcd run in C): every entry as a ratio of ints
        # (the biases' times S_prev, not reduced: the gcd below makes the rows primitive, and the
        # primitive integer form of a rational vector is one and the same however it is written),
        # the layer's common denominator, then every entry as numerator * (den // denominator)
        cols = len(W[0]) if W else 0
        P, Q = S_prev.numerator, S_prev.denominator
        wr = [q.as_integer_ratio() for row in W for q in row]
        br = [(P * n, Q * d) for n, d in (q.as_integer_ratio() for q in b)]
        den = math.lcm(1, *(d for _, d in wr), *(d for _, d in br))
        flat = [n * (den // d) for n, d in wr]
        bi = [n * (den // d) for n, d in br]
        g = math.gcd(*flat, *bi)
        if g > 1:
            flat = [x // g for x in flat]
            bi = [x // g for x in bi]
        Wi = [flat[i * cols:(i + 1) * cols] for i in range(len(W))]
        r = Fraction(den, g if g else 1)
        S_prev = S_prev * r
        Ws.append(Wi)
        bs.append(bi)
        scales.append(S_prev)
    return Ws, bs, scales


# ---------------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------------

class _Cell:
    """A start cell of :func:`prepare` (a homogenised pointed cone), or a cell of a version 1 file
    (whose patterns :func:`cell_data_from_v1` reads separately)."""

    __slots__ = ("gens", "inc", "slots", "alive")

    def __init__(self, gens, inc, slots, alive):
        self.gens = gens      # list of int tuples (X..., T)
        self.inc = inc        # list of int bitmasks over slot indices
        self.slots = slots    # tuple of (normal int tuple, frozenset labels); normal.(X,T) >= 0
        self.alive = alive    # bitmask of slots that are facets


def _dot(a: Sequence[int], g: Sequence[int]) -> int:
    return sum(map(int.__mul__, a, g))


def _facet_mask(inc: list[int], nslots: int, D: int) -> int:
    """Slots whose zero set is maximal among slots and has at least D-1 generators."""
    zs = []
    for k in range(nslots):
        bit = 1 << k
        z = 0
        for gi, m in enumerate(inc):
            if m & bit:
                z |= 1 << gi
        zs.append(z)
    alive = 0
    for k, z in enumerate(zs):
        if z.bit_count() < D - 1:
            continue
        if any((z & o) == z and o != z for o in zs):
            continue
        alive |= 1 << k
    return alive


def _merge_equal_slots(slots, inc, alive):
    """Alive slots with equal zero sets are one facet: merge their labels into the first."""
    zs = {}
    slots = list(slots)
    for k in range(len(slots)):
        if not (alive >> k) & 1:
            continue
        bit = 1 << k
        z = 0
        for gi, m in enumerate(inc):
            if m & bit:
                z |= 1 << gi
        if z in zs:
            j = zs[z]
            slots[j] = (slots[j][0], slots[j][1] | slots[k][1])
        else:
            zs[z] = k
    return slots


def _zero_set(inc, k):
    bit = 1 << k
    z = 0
    for gi, m in enumerate(inc):
        if m & bit:
            z |= 1 << gi
    return z


# ---------------------------------------------------------------------------------------------
# initial cells: domain, quotient by invisible lineality, orthants
# ---------------------------------------------------------------------------------------------

def _box_vertices(ineqs: list[tuple[list[Fraction], Fraction]], n: int) -> list[tuple[Fraction, ...]] | None:
    """The vertices of ``{x : a.x <= c}`` when it is a box with nonempty interior (one lower and
    one upper bound per coordinate, nothing else), else None.

    The common domain needs no backend (importing one and converting through it was a fifth of
    a small 2-D job's enumeration); anything else goes to the backend.

    >>> [tuple(map(str, v)) for v in _box_vertices([([1, 0], 1), ([-1, 0], 1), ([0, 2], 1), ([0, -1], 0)], 2)]
    [('-1', '0'), ('-1', '1/2'), ('1', '0'), ('1', '1/2')]
    >>> _box_vertices([([1, 1], 1), ([-1, 0], 1), ([0, -1], 1)], 2) is None
    True
    """
    if len(ineqs) != 2 * n or n == 0:
        return None
    lo: list = [None] * n
    hi: list = [None] * n
    for a, c in ineqs:
        nz = [j for j, x in enumerate(a) if x != 0]
        if len(nz) != 1:
            return None
        j = nz[0]
        bound = Fraction(c) / a[j]
        side = hi if a[j] > 0 else lo
        if side[j] is not None:
            return None
        side[j] = bound
    if any(lo[j] >= hi[j] for j in range(n)):
        return None  # empty or flat: the backend says what it is
    return list(itertools.product(*zip(lo, hi)))


def _generators(ineqs: list[tuple[list[Fraction], Fraction]], n: int, backend: str):
    """Vertices and rays (homogeneous, last entry 1 or 0) and lines of {x : a.x <= c}, exactly."""
    box = _box_vertices(ineqs, n)
    if box is not None:
        return [list(p) + [Fraction(1)] for p in box], []
    from .backends import get_backend

    v = get_backend(backend).h_to_v(n, [a for a, _ in ineqs], [c for _, c in ineqs])
    pts = [list(p) + [Fraction(1)] for p in v.vertices] + [list(r) + [Fraction(0)] for r in v.rays]
    return pts, [list(x) for x in v.lines]


def _initial_cells(n0, W1, dom_ineqs):
    """Working coordinates and the first-layer neurons whose orthants make the start cones pointed.

    ``W1`` first-layer weights (Fractions), ``dom_ineqs`` a list of (a, c) meaning a.x <= c (the
    irredundant domain facets), or None for all of R^n.  Directions in both the domain's lineality
    and the kernel of W1 change nothing, so they are quotiented out (``lift`` maps back).  If the
    domain is still not pointed, first-layer neurons are chosen so that, together with the
    domain's facets, they span the space: their orthants cut it into pointed cones.

    Returns ``(dim, lift, ineqs, chosen, Wq)``: working dimension, lift data or None, the domain
    inequalities and first-layer weights in working coordinates, and the chosen neuron indices.
    """
    A_rows = [list(a) for a, _ in dom_ineqs] if dom_ineqs else []
    K = _nullspace(A_rows + [list(w) for w in W1], n0)
    lift = None
    Wq = [list(w) for w in W1]
    ineqs = [(list(a), c) for a, c in dom_ineqs] if dom_ineqs else []
    dim = n0
    if K:
        M = _nullspace([list(k) for k in K], n0)  # a basis of K's orthogonal complement, as rows
        dim = len(M)
        Wq = _express([list(w) for w in W1], M)
        ineqs = [(ca, c) for ca, (_, c) in zip(_express(A_rows, M), dom_ineqs)] if dom_ineqs else []
        lift = {"M": M, "K": K}
    A_q = [a for a, _ in ineqs]
    lin = _nullspace(A_q, dim) if A_q else [[Fraction(int(i == j)) for j in range(dim)] for i in range(dim)]
    chosen = []
    if lin:
        base = list(A_q)
        r0 = _rank(base) if base else 0
        for i, w in enumerate(Wq):
            if r0 == dim:
                break
            if _rank(base + [w]) > r0:
                base.append(w)
                chosen.append(i)
                r0 += 1
        if r0 < dim:  # pragma: no cover - excluded by the quotient
            raise PolyreluError("internal: could not make the starting cones pointed")
    return dim, lift, ineqs, chosen, Wq


def _domain_only(dim, ineqs_q, backend) -> _Cell:
    """The single region of a network without hidden layers: the (quotient of the) domain."""
    D = dim + 1
    if dim == 0:
        gens, inc, slots, alive = [(1,)], [0], (), 0
    else:
        slots = [(primitive_ints([-x for x in a] + [c]), frozenset({("domain", j)}))
                 for j, (a, c) in enumerate(ineqs_q)]
        pts, _ = _generators([(list(map(Fraction, a)), Fraction(c)) for a, c in ineqs_q], dim, backend)
        gens = [primitive_ints(q) for q in pts if any(q)]
        rays = [g for g in gens if g[-1] == 0]
        if rays and _rank([list(map(Fraction, g[:-1])) for g in rays]) == dim:
            slots.append((tuple([0] * dim + [1]), frozenset({("infinity",)})))
        inc = [sum(1 << k for k, (nv, _) in enumerate(slots) if _dot(nv, g) == 0) for g in gens]
        alive = _facet_mask(inc, len(slots), D)
        slots = tuple(_merge_equal_slots(slots, inc, alive))
    return _Cell(gens, inc, slots, alive)


def _sign_combinations(k: int):
    if k == 0:
        yield ()
        return
    for rest in _sign_combinations(k - 1):
        yield rest + (1,)
        yield rest + (-1,)


# ---------------------------------------------------------------------------------------------
# the integer network and the start cells
# ---------------------------------------------------------------------------------------------

def prepare(layers: Sequence[tuple[Sequence[Sequence[Fraction]], Sequence[Fraction]]],
            domain_ineqs: list[tuple[list[Fraction], Fraction]] | None, backend: str = "cdd") -> Prepared:
    """The integer network in working coordinates and the pointed start cells (exact).

    Shared by the compiled core and the reference engine: the domain's vertices come from a
    backend, the lineality the network cannot see is quotiented out, and the orthants of a few
    first-layer neurons make every start cell pointed.

    >>> net = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])])
    >>> prep = prepare(net.layers, None)  # all of R: the start cells are the half-lines of unit 0
    >>> prep.dim, prep.widths, [c.gens for c in prep.start_cells]
    (1, [2], [[(0, 1), (1, 0)], [(0, 1), (-1, 0)]])
    >>> prepare([([[1, 1]], [0]), ([[1]], [0])], None).dim  # relu(x + y) only sees x + y
    1
    """
    n0 = len(layers[0][0][0])
    widths = [len(W) for W, _ in layers[:-1]]
    Ws, bs, scales = scale_network(layers)
    if not widths:
        # no hidden layer: nothing bends, the complex is the domain itself (one region); the
        # output map is read off the network by the caller
        dim, lift, ineqs_q, _, _ = _initial_cells(n0, [], domain_ineqs)
        only = _domain_only(dim, ineqs_q, backend)
        return Prepared(dim, lift, scales, widths, [[list(r) for r in W] for W in Ws], [list(b) for b in bs],
                        None, [only])
    W1f = [list(r) for r in layers[0][0]]
    b1f = list(layers[0][1])

    dim, lift, ineqs_q, chosen, Wq = _initial_cells(n0, W1f, domain_ineqs)
    D = dim + 1
    # first-layer rows in working coordinates, as primitive integer affine forms (a, b) for a.y + b
    G1 = []
    for i in range(len(W1f)):
        G1.append(primitive_ints(list(Wq[i]) + [b1f[i]]) if any(Wq[i]) or b1f[i] else tuple([0] * D))
    # keep the integer-scaled first layer consistent with scale_network: the signs are what matter
    # for layer 1, but the affine forms feed the next layer, so use Ws[0] expressed in working coords.
    if lift is None:
        G1_exact = [tuple(Ws[0][i]) + (bs[0][i],) for i in range(len(W1f))]
    else:
        # Ws[0] = r * W1 with W1 = C M; in working coordinates the row is r * C
        r = scales[1]
        G1_exact = []
        for i in range(len(W1f)):
            row = [r * q for q in Wq[i]] + [Fraction(bs[0][i])]
            den = 1
            for q in row:
                den = _lcm(den, q.denominator)
            if den != 1:  # pragma: no cover - r*C*M integral does not make r*C integral in general
                pass
            G1_exact.append(row)
        # make them integral by a common positive factor for the whole layer
        den = 1
        for row in G1_exact:
            for q in row:
                den = _lcm(den, q.denominator)
        G1_exact = [tuple(int(q * den) for q in row) for row in G1_exact]
        # the whole network downstream is scaled by den: fold it into a scale correction
        if den != 1:
            Ws = [list(map(list, W)) for W in Ws]
            bs = [list(b) for b in bs]
            for l in range(1, len(Ws)):
                bs[l] = [x * den for x in bs[l]]
            scales = [scales[0]] + [s * den for s in scales[1:]]

    # domain slots
    slots0 = []
    for j, (a, c) in enumerate(ineqs_q):
        # a.y <= c  <=>  -a.y + c >= 0
        slots0.append((primitive_ints([-x for x in a] + [c]), frozenset({("domain", j)})))
    start_cells = []
    if dim == 0:
        start_cells.append(_Cell([(1,)], [0], (), 0))
    for signs in (_sign_combinations(len(chosen)) if dim > 0 else ()):
        slots = list(slots0)
        cur_ineqs = [(list(a), c) for a, c in ineqs_q]
        for s, i in zip(signs, chosen):
            g = G1[i]
            # s*(w.y + b) >= 0
            slots.append((tuple(s * x for x in g), frozenset({(1, i)})))
            cur_ineqs.append(([-s * x for x in g[:-1]], s * g[-1]))
        pts, lines = _generators([(list(map(Fraction, a)), Fraction(c)) for a, c in cur_ineqs], dim, backend)
        if lines:  # pragma: no cover - excluded by construction
            raise PolyreluError("internal: starting cone has lines")
        if not pts:
            continue
        gens = [primitive_ints(p) if any(p) else None for p in pts]
        gens = [g for g in gens if g is not None]
        # drop cells that are not full-dimensional
        if _rank([list(map(Fraction, g)) for g in gens]) < D:
            continue
        # rays: are they spanning a full-dimensional recession cone? then the far face is a facet
        rays = [g for g in gens if g[-1] == 0]
        slot_list = list(slots)
        if rays and _rank([list(map(Fraction, g[:-1])) for g in rays]) == dim:
            slot_list.append((tuple([0] * dim + [1]), frozenset({("infinity",)})))
        inc = []
        for g in gens:
            m = 0
            for k, (nv, _) in enumerate(slot_list):
                if _dot(nv, g) == 0:
                    m |= 1 << k
            inc.append(m)
        # irredundant slots: maximal zero sets with at least D-1 generators
        alive = _facet_mask(inc, len(slot_list), D)
        slot_list = _merge_equal_slots(slot_list, inc, alive)
        start_cells.append(_Cell(gens, inc, tuple(slot_list), alive))
    if not start_cells:
        raise EmptyDomainError("the domain has no full-dimensional part")

    return Prepared(dim, lift, scales, widths, Ws, bs, G1_exact, start_cells)


class Prepared:
    """What :func:`prepare` computes: the working dimension, the lift back to the input space, the
    layer scales, integer weights ``Ws``/``bs`` (layer 1 as ``G1`` rows in working coordinates)
    and the start cells.

    >>> prep = prepare([([[1, 1]], [0]), ([[1]], [0])], None)
    >>> prep.dim, prep.widths, prep.G1, [str(x) for x in prep.lift["K"][0]]  # (-1, 1) is invisible
    (1, [1], [(1, 0)], ['-1', '1'])
    """

    __slots__ = ("dim", "lift", "scales", "widths", "Ws", "bs", "G1", "start_cells")

    def __init__(self, dim: int, lift: dict | None, scales: list[Fraction], widths: list[int],
                 Ws: list[list[list[int]]], bs: list[list[int]], G1: list[tuple[int, ...]] | None,
                 start_cells: list[_Cell]):
        self.dim, self.lift, self.scales, self.widths = dim, lift, scales, widths
        self.Ws, self.bs, self.G1, self.start_cells = Ws, bs, G1, start_cells

    def core_layers(self) -> list[tuple[list, list]]:
        """The layers as the core takes them: layer 1 on working coordinates, then the rest.

        >>> prepare([([[1, 1]], [0]), ([[3]], [1])], None).core_layers()  # relu(x + y): one coordinate
        [([[1]], [0]), ([[3]], [1])]
        """
        if self.G1 is None:  # no hidden layer: the output on working coordinates is not needed
            return [([[0] * self.dim for _ in self.Ws[0]], [0] * len(self.Ws[0]))]
        first = ([list(r[:-1]) for r in self.G1], [r[-1] for r in self.G1])
        return [first] + [(self.Ws[l], self.bs[l]) for l in range(1, len(self.Ws))]


def domain_inequalities(domain: Any, n: int) -> list[tuple[list[Fraction], Fraction]] | None:
    """The irredundant facets ``a.x <= c`` of a full-dimensional Polytope domain (None: all of R^n).

    >>> from polyrelu import Polytope
    >>> domain_inequalities(Polytope.box([0], [1]), 1)
    [([Fraction(-1, 1)], Fraction(0, 1)), ([Fraction(1, 1)], Fraction(1, 1))]
    """
    if domain is None:
        return None
    from .polytope import Polytope

    if not isinstance(domain, Polytope):
        raise InvalidInputError("domain must be a Polytope or None (all of R^n)")
    if domain.ambient_dim != n:
        raise InvalidInputError(f"domain lives in R^{domain.ambient_dim} but the network has {n} inputs")
    if domain.is_empty:
        raise EmptyDomainError("the domain is empty")
    if domain.dim < n:
        raise InvalidInputError(
            f"the domain has dimension {domain.dim} < {n}: regions are full-dimensional, "
            "so restrict the network to the domain's affine hull instead"
        )
    A, b = domain.inequalities
    return [(list(a), bb) for a, bb in zip(A, b)]


# ---------------------------------------------------------------------------------------------
# the compiled core
# ---------------------------------------------------------------------------------------------

# executor work units per worker: subtrees differ a lot in size, so more units than workers
# balance the load; each unit costs pickled cells and a result list
_UNITS_PER_WORKER = 8


def _start_cell_data(cell: _Cell) -> dict:
    """A start cell as the core takes it: generators, per generator its slots, slot labels, and the
    facets (alive slots with equal zero sets are one facet: their labels are merged into the first)."""
    nslots = len(cell.slots)
    labels = [set(lab) for _, lab in cell.slots]
    zero_sets: dict = {}
    facets = []
    for k in range(nslots):
        if not (cell.alive >> k) & 1:
            continue
        z = _zero_set(cell.inc, k)
        if z in zero_sets:
            labels[zero_sets[z]] |= labels[k]
            continue
        zero_sets[z] = k
        facets.append(k)
    return {
        "gens": [list(g) for g in cell.gens],
        "inc": [[k for k in range(nslots) if (m >> k) & 1] for m in cell.inc],
        "slots": [sorted(encode_label(x) for x in lab) for lab in labels],
        "facets": facets,
    }


def _core_unit(dim, layers, cells, first_layer, reverse, max_regions):
    """One work unit for an executor: finish some cells of one layer; plain data in and out."""
    res = _core.refine(dim, layers, cells, first_layer=first_layer, reverse=reverse, max_regions=max_regions)
    if res.status != "complete":
        raise RegionLimitError(f"more than max_regions={max_regions} regions in one work unit")
    return RefinementResult(res, dim, None, [], []).cells_data()


def _limit_error(res, max_regions, max_seconds, L):
    layer, done, total = res.stopped_at
    where = (f"in hidden layer {layer} of {L}, within its first {done} of {total} cells, with {res.n_regions} "
             "cells made so far")
    if res.status == "time_limit":
        return TimeLimitError(f"stopped at max_seconds={max_seconds} {where}; raise max_seconds or use "
                              "on_limit='partial' for the regions so far")
    return RegionLimitError(f"more than max_regions={max_regions} regions: stopped {where}; raise max_regions "
                            "or use a smaller domain")


def default_workers() -> int:
    """The core's threads when ``workers`` is not given: the processor cores this process may run
    on (its affinity mask, so a container's or ``taskset``'s limit is respected).  The result does
    not depend on them.

    >>> default_workers() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not every platform has affinity masks
        return max(1, os.cpu_count() or 1)


def refine(layers: Sequence[tuple[Sequence[Sequence[Fraction]], Sequence[Fraction]]],
           domain_ineqs: list[tuple[list[Fraction], Fraction]] | None, *, max_regions: int | None = None,
           max_seconds: float | None = None, on_limit: str = "raise", progress: bool | Callable | None = None,
           executor: Any = None, workers: int | None = None, order: str = "given",
           backend: str = "cdd") -> RefinementResult:
    """The exact refinement of a domain by every neuron, computed by the compiled core.

    ``workers`` threads run inside the core (default: :func:`default_workers`; the result does not
    depend on them); an ``executor`` (processes, a Dask cluster) gets contiguous groups of the
    first layer's cells and the concatenation is again the serial result.
    ``max_regions``/``max_seconds`` are enforced while regions are made: the run raises
    :class:`RegionLimitError`/:class:`TimeLimitError`, or with ``on_limit="partial"`` returns the
    refinement so far, marked incomplete.

    >>> from fractions import Fraction as F
    >>> res = refine([([[F(1)], [F(-1)]], [F(0), F(1)]), ([[F(1), F(1)]], [F(0)])], None)
    >>> res.n_regions, res.complete
    (3, True)
    """
    if on_limit not in ("raise", "partial"):
        raise InvalidInputError(f"on_limit must be 'raise' or 'partial', got {on_limit!r}")
    prep, starts, core_layers = _start(layers, domain_ineqs, order, max_regions, workers, max_seconds, backend)
    L = len(prep.widths)
    reverse = order == "reversed"
    if not prep.widths:
        return RefinementResult(_core.assemble(prep.dim, core_layers, starts), prep.dim, prep.lift, prep.scales, [])
    if executor is not None and L >= 2:
        with memory_guard("the refinement"):
            res = _refine_distributed(prep, core_layers, starts, executor, workers, reverse, max_regions)
    else:
        threads = workers or default_workers()
        res = _core_refine(prep, core_layers, starts, progress, "the refinement", threads=threads,
                           reverse=reverse, max_regions=-1 if max_regions is None else max_regions,
                           max_seconds=-1.0 if max_seconds is None else float(max_seconds))
    complete = res.status == "complete"
    if not complete and on_limit == "raise":
        raise _limit_error(res, max_regions, max_seconds, L)
    return RefinementResult(res, prep.dim, prep.lift, prep.scales, prep.widths, complete,
                            None if complete else tuple(res.stopped_at))


def _start(layers, domain_ineqs, order, max_regions, workers, max_seconds, backend):
    """The options checked, then the integer network and the start cells in the core's form."""
    if order not in ("given", "reversed"):
        raise InvalidInputError(f"unknown order {order!r}: use 'given' or 'reversed'")
    for name, v in (("max_regions", max_regions), ("workers", workers)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise InvalidInputError(f"{name} must be a positive integer, got {v!r}")
    if max_seconds is not None and (isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float))
                                    or not max_seconds > 0):
        raise InvalidInputError(f"max_seconds must be a positive number, got {max_seconds!r}")
    # the set-up makes tens of thousands of small acyclic objects (ratios, rows), and the full
    # collections they set off walk every object of the process (numpy, networkx, the user's
    # data): two thirds of d2_32x3's set-up time
    with paused_gc():
        prep = prepare(layers, domain_ineqs, backend)
        if not prep.start_cells:
            raise EmptyDomainError("the domain has no full-dimensional part")
        return prep, [_start_cell_data(c) for c in prep.start_cells], prep.core_layers()


def _core_refine(prep, core_layers, starts, progress, what, **options):
    """One run of the core with a progress bar, exact values too large for the machine turned into
    the package's error, and an interrupt raised as KeyboardInterrupt."""
    bar = _CoreProgress(progress, len(prep.widths))
    with memory_guard(what):
        try:
            res = _core.refine(prep.dim, core_layers, starts, progress=bar, **options)
        finally:
            bar.close()
    if res.status == "interrupted":  # pragma: no cover - the callback raises KeyboardInterrupt itself
        raise KeyboardInterrupt
    return res


def count(layers: Sequence[tuple[Sequence[Sequence[Fraction]], Sequence[Fraction]]],
          domain_ineqs: list[tuple[list[Fraction], Fraction]] | None, *, max_seconds: float | None = None,
          progress: bool | Callable | None = None, workers: int | None = None, order: str = "given",
          backend: str = "cdd", faces: bool = False) -> int | tuple[int, ...]:
    """The exact number of regions of the refinement, counted by the core as the last hidden
    layer makes them, none kept: memory for the layers before the last only.  With ``faces``
    (bounded domains), the number of faces of each dimension 0..n instead, each face counted by
    the one region that owns it (docs/core.md): the f-vector, regions last.

    Raises :class:`TimeLimitError` at ``max_seconds`` (a count so far would not be a count).

    >>> from fractions import Fraction as F
    >>> count([([[F(1)], [F(-1)]], [F(0), F(1)]), ([[F(1), F(1)]], [F(0)])], None)
    3
    >>> count([([[F(1)], [F(-1)]], [F(0), F(1)]), ([[F(1), F(1)]], [F(0)])], [([F(1)], F(2)), ([F(-1)], F(2))], faces=True)
    (4, 3)
    """
    prep, starts, core_layers = _start(layers, domain_ineqs, order, None, workers, max_seconds, backend)
    if not prep.widths:
        return 1 if not faces else None
    res = _core_refine(prep, core_layers, starts, progress, "the count", threads=workers or default_workers(),
                       reverse=order == "reversed", max_seconds=-1.0 if max_seconds is None else float(max_seconds),
                       count_only=True, count_faces=faces)
    if res.status != "complete":
        layer, done, total = res.stopped_at
        raise TimeLimitError(f"stopped at max_seconds={max_seconds} in hidden layer {layer} of {len(prep.widths)}, "
                             f"within its first {done} of {total} cells; raise max_seconds")
    if faces:
        return tuple(int(x) for x in res.counted_faces) if res.counted_faces else None
    return res.n_counted if res.n_counted >= 0 else res.n_regions


def _refine_distributed(prep, core_layers, starts, executor, workers, reverse, max_regions):
    """The first hidden layer here, then contiguous groups of its cells on the executor; the
    cells come back as plain data and are assembled in order (the serial order, exactly)."""
    from concurrent.futures import Executor

    if not isinstance(executor, Executor) and not hasattr(executor, "submit"):
        raise InvalidInputError(f"executor must be a concurrent.futures.Executor, got {type(executor).__name__}")
    n1 = len(core_layers[0][0])
    first = _core.refine(prep.dim, [core_layers[0], ([[0] * n1], [0])], starts, reverse=reverse,
                         max_regions=-1 if max_regions is None else max_regions)
    if first.status != "complete":
        raise RegionLimitError(f"more than max_regions={max_regions} regions after the first layer")
    cells = RefinementResult(first, prep.dim, None, [], []).cells_data()
    units = max(1, min(len(cells), _UNITS_PER_WORKER * (workers or 2)))
    per = -(-len(cells) // units)
    limit = -1 if max_regions is None else max_regions
    futures = [executor.submit(_core_unit, prep.dim, core_layers, cells[i:i + per], 1, reverse, limit)
               for i in range(0, len(cells), per)]
    done: list = []
    try:
        for fut in futures:
            done.extend(fut.result())
            if max_regions is not None and len(done) > max_regions:
                raise RegionLimitError(f"more than max_regions={max_regions} regions")
    finally:
        for fut in futures:
            fut.cancel()
    return _core.assemble(prep.dim, core_layers, done)


class _CoreProgress:
    """The core's progress callback: a tqdm bar per hidden layer, or the user's function
    ``fn(layer, regions)``; also where Ctrl-C reaches a long run (the core asks between chunks)."""

    def __init__(self, progress, L):
        self.fn = progress if callable(progress) else None
        self.enabled = bool(progress) and self.fn is None
        self.L = L
        self.bar = None
        self.layer = None

    def __call__(self, layer, done, total, regions):
        if self.fn is not None:
            self.fn(layer, regions)
        elif self.enabled:
            if layer != self.layer:
                from tqdm import tqdm

                self.close()
                self.bar = tqdm(total=total, desc=f"layer {layer}/{self.L}", unit="cell", leave=False)
                self.layer = layer
            self.bar.set_postfix(regions=regions, refresh=False)
            self.bar.update(done - self.bar.n)
        return True

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def pattern_words(masks: Sequence[int], widths: Sequence[int]) -> list[int]:
    """Per-layer bitmasks as the core's uint64 pattern words (layer l's bits after the earlier layers').

    >>> pattern_words([0b01, 0b1], [2, 1]), pattern_words([1 << 69], [70])
    ([5], [0, 32])
    """
    m, at = 0, 0
    for mask, n in zip(masks, widths):
        m |= mask << at
        at += n
    return [(m >> (64 * k)) & 0xFFFFFFFFFFFFFFFF for k in range(max(1, -(-at // 64)))]


def cell_data_from_v1(c: dict, widths: Sequence[int]) -> dict:
    """A cell of a version 1 complex file (bitmask incidences, per-layer pattern masks) as core data.

    So complex files written before the compiled core still load.

    >>> v1 = {"gens": [[0, 1], [2, 1]], "inc": [0b01, 0b10], "alive": 0b11,   # the interval [0, 2]
    ...       "slots": [[[1, 0], [["domain", 0]]], [[-1, 2], [["domain", 1]]]], "pattern": [1], "zero": [0]}
    >>> cell_data_from_v1(v1, [2])
    {'gens': [[0, 1], [2, 1]], 'inc': [[0], [1]], 'slots': [[0], [1]], 'facets': [0, 1], 'active': [1], 'zero': [0]}
    """
    slots = tuple((tuple(nv), frozenset(tuple(x) for x in labs)) for nv, labs in c["slots"])
    cell = _Cell([tuple(g) for g in c["gens"]], [int(m) for m in c["inc"]], slots, int(c["alive"]))
    d = _start_cell_data(cell)
    d["active"] = pattern_words([int(x) for x in c["pattern"]], widths)
    d["zero"] = pattern_words([int(x) for x in c["zero"]], widths)
    return d
