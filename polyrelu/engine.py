"""The enumeration engine: the integer network and start cells, the compiled core, the reference.

* :func:`prepare` rescales the network to integers (scaling layer l by a positive constant changes
  no sign: ReLU is positively homogeneous; float32 weights are dyadic, so the scales are powers of
  2), quotients out the lineality the first layer cannot see, and builds the pointed start cells
  (the domain, or the orthants of a few first-layer neurons on all of R^n) from an exact backend.
* :func:`refine` hands them to the compiled core (``polyrelu._core``, core/src, docs/core.md), which
  does the refinement, and wraps its arrays in the result contract (:mod:`polyrelu.result`).
* :func:`enumerate_regions` is the pure-Python reference engine the tests compare the core
  against (:func:`reference_result` puts its cells in the same contract).  Its cells are
  homogenised pointed cones with exact integer rows kept as int64 limbs (limbs.py), so that one
  float64 matrix product of a chunk of cells is exact, and a rigorous float filter that only
  chooses which exact computation runs.

Everything this module reports is exact; floats only choose which exact computation is needed.
"""
from __future__ import annotations

import contextlib
import gc
import math
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np

from . import limbs as _lb
from .exact import EmptyDomainError, InvalidInputError, PolyreluError, primitive_ints
from .linalg import express as _express
from .linalg import nullspace as _nullspace
from .linalg import rank as _rank
from .result import RefinementResult, encode_label
from .validate import memory_guard

__all__ = ["EnumerationResult", "enumerate_regions", "refine", "LimitError", "RegionLimitError", "TimeLimitError",
           "scale_network", "prepare", "domain_inequalities"]

_EPS = 2.0 ** -52


class LimitError(PolyreluError):
    """A run stopped by one of its limits (``max_regions``, ``max_seconds``)."""


class RegionLimitError(LimitError):
    """Raised when an enumeration would exceed ``max_regions``."""


class TimeLimitError(LimitError):
    """Raised when an enumeration runs past ``max_seconds``."""


# ---------------------------------------------------------------------------------------------
# integer arithmetic helpers
# ---------------------------------------------------------------------------------------------

def _lcm(a: int, b: int) -> int:
    return a // math.gcd(a, b) * b


def _primitive(v: Sequence[int]) -> tuple[int, ...]:
    g = math.gcd(*v)
    if g > 1:
        return tuple(x // g for x in v)
    return tuple(v)


def scale_network(layers: Sequence[tuple[Sequence[Sequence[Fraction]], Sequence[Fraction]]]):
    """Integer rescaling of a network.

    Returns ``(Ws, bs, scales)`` where ``Ws[l]`` and ``bs[l]`` are integer matrices/vectors with
    ``zhat^l = Ws[l] xhat^{l-1} + bs[l]``, ``xhat^l = relu(zhat^l) = S_l x^l`` and ``S_0 = 1``;
    ``scales[l] = S_l`` (a positive Fraction), so the true output is ``zhat^{L+1} / S_{L+1}``.
    """
    S_prev = Fraction(1)
    Ws, bs, scales = [], [], [Fraction(1)]
    for W, b in layers:
        bb = [S_prev * x for x in b]
        # integer arithmetic throughout (math.lcm/gcd run in C): the layer's common denominator,
        # then every entry as numerator * (den // denominator)
        den = math.lcm(1, *(q.denominator for row in W for q in row), *(q.denominator for q in bb))
        Wi = [[q.numerator * (den // q.denominator) for q in row] for row in W]
        bi = [q.numerator * (den // q.denominator) for q in bb]
        g = math.gcd(*(x for row in Wi for x in row), *bi)
        if g > 1:
            Wi = [[x // g for x in row] for row in Wi]
            bi = [x // g for x in bi]
        r = Fraction(den, g if g else 1)
        S_prev = S_prev * r
        Ws.append(Wi)
        bs.append(bi)
        scales.append(S_prev)
    return Ws, bs, scales


def _gen_float(g: tuple[int, ...]) -> tuple[float, ...]:
    """Correctly rounded coordinates (int / int is correctly rounded in Python).

    Coordinates beyond the float range become infinities: the filter then certifies nothing for
    that generator (inf and nan fail every comparison) and its signs are decided in integers.
    """
    t = g[-1]
    try:
        if t > 0:
            return tuple(x / t for x in g[:-1]) + (1.0,)
        m = max(abs(x) for x in g)
        return tuple(x / m for x in g[:-1]) + (0.0,)
    except OverflowError:
        return tuple(math.copysign(math.inf, x) if x else 0.0 for x in g[:-1]) + (float(t > 0),)


# ---------------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------------

class _Cell:
    """A full-dimensional region during enumeration (homogenised pointed cone)."""

    __slots__ = ("gens", "inc", "slots", "alive", "pat", "zero", "G", "out")

    def __init__(self, gens, inc, slots, alive, pat, zero, G=None):
        self.gens = gens      # list of int tuples (X..., T)
        self.inc = inc        # list of int bitmasks over slot indices
        self.slots = slots    # tuple of (normal int tuple, frozenset labels); normal.(X,T) >= 0
        self.alive = alive    # bitmask of slots that are facets
        self.pat = pat        # tuple of per-layer active bitmasks (layers done so far)
        self.zero = zero      # tuple of per-layer bitmasks of neurons identically zero on the cell
        self.G = G            # exact integer rows of the next layer's pre-activations (limbs)
        self.out = None       # exact integer rows of the output layer (after the last layer)

    def __reduce__(self):
        # workers send cells back and forth: plain tuples and lists pickle several times faster
        # than slotted objects and object arrays
        out = None if self.out is None else self.out.tolist()
        return _rebuild_cell, (self.gens, self.inc, self.slots, self.alive, self.pat, self.zero, self.G, out)


def _rebuild_cell(gens, inc, slots, alive, pat, zero, G, out):
    cell = _Cell(gens, inc, slots, alive, pat, zero, G)
    if out is not None:
        cell.out = _as_object(out)
    return cell


def _dot(a: Sequence[int], g: Sequence[int]) -> int:
    return sum(map(int.__mul__, a, g))


def _cross(gu, gv, zu, zv, u, v, oitems, new_g, new_o):
    """The exact point where the hyperplane crosses the edge [gu, gv] (values zu > 0 > -zv).

    ``zu*gv + zv*gu`` is a positive combination on the hyperplane; dividing by the gcd makes it
    canonical, so equal points are equal (and shared) tuples in every cell.  The other splitting
    neurons' values there follow by linearity, divided by the same gcd.
    """
    p = [zu * b + zv * a for a, b in zip(gu, gv)]
    g = math.gcd(*p)
    if g > 1:
        p = [x // g for x in p]
    p = tuple(p)
    new_g.append(_INTERN.setdefault(p, p))
    for k, ov in oitems:
        new_o[k].append((zu * ov[v] + zv * ov[u]) // g)


def _slot_generators(inc: list[int]) -> dict[int, int]:
    """For each slot, the bitmask of the generators on it (the transpose of the incidences), for
    cells with more than 64 slots (narrower ones use :func:`_crossing_edges`)."""
    Z = {}
    for gi, m in enumerate(inc):
        bit = 1 << gi
        while m:
            low = m & -m
            k = low.bit_length() - 1
            Z[k] = Z.get(k, 0) | bit
            m ^= low
    return Z


def _crossing_edges(inc: list[int], pos: list[int], neg: list[int], need: int):
    """The edges between a (+) and a (-) generator, and their common facets, for cells with at
    most 64 facet slots: all pairs at once in numpy.

    Two generators span an edge iff they share at least ``need`` (= dim - 1) facets and no other
    generator lies on all their common facets (the combinatorial test); with no common facet (a
    1-D cell) that means they are the only two generators.
    """
    I = np.array(inc, dtype=np.uint64)
    C = I[pos][:, None] & I[neg][None, :]
    a, b = np.nonzero(np.bitwise_count(C) >= need)
    Cc = C[a, b]
    on_all = ((Cc[:, None] & ~I[None, :]) == 0).sum(axis=1)  # generators on every common facet
    adj = on_all == 2
    edges = [(pos[x], neg[y]) for x, y in zip(a[adj].tolist(), b[adj].tolist())]
    return edges, Cc[adj].tolist()


class _Splitter:
    """Double-description split of cells by hyperplanes, with exact values propagated."""

    def __init__(self, D: int):
        self.D = D  # homogeneous dimension (n + 1)

    def split(self, gens, inc, vals, others, newbit, alive=-1):
        """Split the cone by the hyperplane with exact values ``vals`` at the generators.

        ``others`` maps a row key to its exact values at the generators; they are extended to the
        new generators by linearity.  Returns the (+) and (-) sides as (gens, inc, others, touched)
        tuples, where ``touched`` is the bitmask of slots that have a generator strictly on that side.

        Two generators span an edge iff the only generators on all their common facets are the
        two of them (the combinatorial test): for all pairs at once in numpy when the incidences
        fit in 64 bits, else as an AND of per-facet generator masks.
        """
        pos = [i for i, x in enumerate(vals) if x > 0]
        neg = [i for i, x in enumerate(vals) if x < 0]
        zer = [i for i, x in enumerate(vals) if x == 0]
        need = self.D - 2
        if self.D == 3 and alive != -1:
            return self._split_polygon(gens, inc, vals, others, newbit, alive, pos, neg, zer)
        new_g = []
        new_o = {k: [] for k in others}
        oitems = list(others.items())
        if max(inc).bit_length() <= 64:
            edges, commons = _crossing_edges(inc, pos, neg, need)
            new_i = [c | newbit for c in commons]
        else:
            Z = _slot_generators(inc)
            everyone = (1 << len(gens)) - 1
            edges, new_i = [], []
            for u in pos:
                for v in neg:
                    common = inc[u] & inc[v]
                    if common.bit_count() < need:
                        continue
                    target = (1 << u) | (1 << v)
                    acc = everyone  # no common facet (1-D): adjacent iff they are the only two
                    c = common
                    while c:
                        low = c & -c
                        acc &= Z[low.bit_length() - 1]
                        if acc == target:
                            break
                        c ^= low
                    if acc != target:
                        continue
                    edges.append((u, v))
                    new_i.append(common | newbit)
        # one edge at a time: numpy object arrays were measured no faster for exact big integers
        for u, v in edges:
            _cross(gens[u], gens[v], vals[u], -vals[v], u, v, oitems, new_g, new_o)
        return self._sides(gens, inc, others, newbit, pos, neg, zer, new_g, new_i, new_o)

    def _split_polygon(self, gens, inc, vals, others, newbit, alive, pos, neg, zer):
        """2-D cells: every alive facet holds exactly two generators, so an edge is a shared facet."""
        new_g, new_i = [], []
        new_o = {k: [] for k in others}
        oitems = list(others.items())
        for u in pos:
            iu = inc[u] & alive
            zu = vals[u]
            gu = gens[u]
            for v in neg:
                common = iu & inc[v]
                if not common:
                    continue
                _cross(gu, gens[v], zu, -vals[v], u, v, oitems, new_g, new_o)
                new_i.append((inc[u] & inc[v]) | newbit)
        return self._sides(gens, inc, others, newbit, pos, neg, zer, new_g, new_i, new_o)

    @staticmethod
    def _sides(gens, inc, others, newbit, pos, neg, zer, new_g, new_i, new_o):
        oitems = list(others.items())
        sides = []
        for keep in (pos, neg):
            idx = keep + zer
            sg = [gens[i] for i in idx] + new_g
            si = [inc[i] for i in keep] + [inc[i] | newbit for i in zer] + new_i
            so = {k: [ov[i] for i in idx] + new_o[k] for k, ov in oitems}
            touched = 0
            for i in keep:
                touched |= inc[i]
            sides.append((sg, si, so, touched))
        return sides


_FLOATS: dict = {}
# one object per exact vertex: a vertex lies in many cells (in 8-D, hundreds), so sharing the tuple
# keeps memory per region small, and pickling a worker's result sends each vertex once
_INTERN: dict = {}
_FLOATS_MAX = 500_000


def _gen_floats(gens) -> list[tuple[float, ...]]:
    """Correctly rounded float coordinates of generators, cached (a vertex lies in many cells)."""
    cache = _FLOATS
    if len(cache) > _FLOATS_MAX:
        cache.clear()
    out = []
    for g in gens:
        f = cache.get(g)
        if f is None:
            f = cache[g] = _gen_float(g)
        out.append(f)
    return out


# ---------------------------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------------------------

class EnumerationResult:
    """Raw exact output of the engine (consumed by :class:`polyrelu.complex.PolyhedralComplex`).

    Attributes (all exact):

    * ``dim`` -- dimension of the space the cells live in (after quotienting the lineality),
    * ``lift`` -- ``None`` or the data lifting quotient coordinates back to the input space,
    * ``cells`` -- list of ``_Cell`` (``gens``, ``inc``, ``slots``, ``alive``, ``pat``, ``zero``, ``out``),
    * ``scales`` -- the integer scaling of the layers, ``out_scale`` the output's,
    * ``widths`` -- hidden widths.
    """

    def __init__(self, dim, cells, lift, scales, widths):
        self.dim = dim
        self.cells = cells
        self.lift = lift
        self.scales = scales
        self.widths = widths


# ---------------------------------------------------------------------------------------------
# initial cells: domain, quotient by invisible lineality, orthants
# ---------------------------------------------------------------------------------------------

def _generators(ineqs: list[tuple[list[Fraction], Fraction]], n: int, backend: str):
    """Vertices and rays (homogeneous, last entry 1 or 0) and lines of {x : a.x <= c}, exactly."""
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


def _domain_only(dim, lift, ineqs_q, n0, n_out, scales, backend):
    """The single region of a network without hidden layers: the (quotient of the) domain."""
    D = dim + 1
    if dim == 0:
        gens, inc, slots, alive = [(1,)], [0], (), 0
    else:
        slots = [(primitive_ints([-x for x in a] + [c]), frozenset({("domain", j)}))
                 for j, (a, c) in enumerate(ineqs_q)]
        pts, _ = _generators([(list(map(Fraction, a)), Fraction(c)) for a, c in ineqs_q], dim, backend)
        gens = [_primitive(primitive_ints(q)) for q in pts if any(q)]
        rays = [g for g in gens if g[-1] == 0]
        if rays and _rank([list(map(Fraction, g[:-1])) for g in rays]) == dim:
            slots.append((tuple([0] * dim + [1]), frozenset({("infinity",)})))
        inc = [sum(1 << k for k, (nv, _) in enumerate(slots) if _dot(nv, g) == 0) for g in gens]
        alive = _facet_mask(inc, len(slots), D)
        slots = tuple(_merge_equal_slots(slots, inc, alive))
    cell = _Cell(gens, inc, slots, alive, (), ())
    cell.out = _as_object([[0] * D for _ in range(n_out)])  # unused: the caller reads the network
    return EnumerationResult(dim, [cell], lift, scales, [])


def _sign_combinations(k: int):
    if k == 0:
        yield ()
        return
    for rest in _sign_combinations(k - 1):
        yield rest + (1,)
        yield rest + (-1,)


# ---------------------------------------------------------------------------------------------
# the main loop
# ---------------------------------------------------------------------------------------------

def prepare(layers, domain_ineqs, backend: str = "cdd") -> "Prepared":
    """The integer network in working coordinates and the pointed start cells (exact).

    Shared by the compiled core and the reference engine: the domain's vertices come from a
    backend, the lineality the network cannot see is quotiented out, and the orthants of a few
    first-layer neurons make every start cell pointed.
    """
    n0 = len(layers[0][0][0])
    widths = [len(W) for W, _ in layers[:-1]]
    Ws, bs, scales = scale_network(layers)
    if not widths:
        # no hidden layer: nothing bends, the complex is the domain itself (one region); the
        # output map is read off the network by the caller
        dim, lift, ineqs_q, _, _ = _initial_cells(n0, [], domain_ineqs)
        only = _domain_only(dim, lift, ineqs_q, n0, len(layers[0][0]), scales, backend)
        return Prepared(dim, lift, scales, widths, [[list(r) for r in W] for W in Ws], [list(b) for b in bs],
                        None, only.cells)
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
        start_cells.append(_Cell([(1,)], [0], (), 0, (), ()))
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
        gens = [_primitive(primitive_ints(p)) if any(p) else None for p in pts]
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
        start_cells.append(
            _Cell(gens, inc, tuple(slot_list), alive, (), ())
        )
    if not start_cells:
        raise EmptyDomainError("the domain has no full-dimensional part")

    return Prepared(dim, lift, scales, widths, Ws, bs, G1_exact, start_cells)


class Prepared:
    """What :func:`prepare` computes: the working dimension, the lift back to the input space, the
    layer scales, integer weights ``Ws``/``bs`` (layer 1 as ``G1`` rows in working coordinates)
    and the start cells."""

    __slots__ = ("dim", "lift", "scales", "widths", "Ws", "bs", "G1", "start_cells")

    def __init__(self, dim, lift, scales, widths, Ws, bs, G1, start_cells):
        self.dim, self.lift, self.scales, self.widths = dim, lift, scales, widths
        self.Ws, self.bs, self.G1, self.start_cells = Ws, bs, G1, start_cells

    def core_layers(self) -> list[tuple[list, list]]:
        """The layers as the core takes them: layer 1 on working coordinates, then the rest."""
        if self.G1 is None:  # no hidden layer: the output on working coordinates is not needed
            return [([[0] * self.dim for _ in self.Ws[0]], [0] * len(self.Ws[0]))]
        first = ([list(r[:-1]) for r in self.G1], [r[-1] for r in self.G1])
        return [first] + [(self.Ws[l], self.bs[l]) for l in range(1, len(self.Ws))]


def enumerate_regions(
    layers,
    domain_ineqs: list[tuple[Sequence[Fraction], Fraction]] | None,
    *,
    max_regions: int | None = None,
    progress: bool | Callable | None = None,
    exact_only: bool = False,
    executor: Any = None,
    workers: int | None = None,
    order: str = "given",
    backend: str = "cdd",
) -> EnumerationResult:
    """Enumerate the activation regions of a network (exact layers) inside a domain.

    ``domain_ineqs``: the irredundant facets ``a.x <= c`` of a full-dimensional domain, or ``None``
    for all of R^n.  ``exact_only`` disables the float filter (every sign is computed in integers);
    the result is identical, which the tests check.
    """
    prep = prepare(layers, domain_ineqs, backend)
    if not prep.widths:
        return EnumerationResult(prep.dim, prep.start_cells, prep.lift, prep.scales, [])
    dim, lift, scales, widths, Ws, bs = prep.dim, prep.lift, prep.scales, prep.widths, prep.Ws, prep.bs
    start_cells = prep.start_cells
    D = dim + 1
    B = _lb.limb_bits(max(widths))
    for c in start_cells:
        c.G = _lb.to_limbs(prep.G1, B)
    L = len(widths)
    if order not in ("given", "reversed"):
        raise InvalidInputError(f"unknown order {order!r}: use 'given' or 'reversed'")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise InvalidInputError(f"workers must be a positive integer, got {workers!r}")
    job = (Ws, bs, D, exact_only, order == "reversed", max_regions, L, B)
    bar = _Progress(progress, L)
    own = None
    if L >= 1 and executor is None and workers is not None and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = own = ProcessPoolExecutor(max_workers=workers)
    try:
        with _quiet_numpy():
            if L >= 1 and executor is not None:
                nworkers = workers or getattr(executor, "_max_workers", None) or 2
                cells = _run_parallel(start_cells, job, executor, _UNITS_PER_WORKER * nworkers, bar)
            elif L >= 1:
                cells = _run_layers(start_cells, 1, L, job, bar)
            else:
                cells = start_cells
    finally:
        bar.close()
        if own is not None:
            own.shutdown()
    _FLOATS.clear()
    _INTERN.clear()
    return EnumerationResult(dim, cells, lift, scales, widths)


class _Layer:
    """The integer weights of one layer, prepared for exact limb products."""

    __slots__ = ("B", "W", "bias")

    def __init__(self, Ws, bs, l, B):
        self.B = B
        self.W = _lb.weights(Ws[l], B)
        self.bias = _lb.to_limbs(bs[l], B)  # (m, Lb)


# work units per worker: subtrees differ a lot in size, so more units than workers balance the load;
# each unit costs a pickled context and a result list
_UNITS_PER_WORKER = 8

# cells analysed together: the float filter and the next-layer products of a chunk are a few numpy
# calls; a chunk's limb arrays stay small (about 14 KB a cell at width 64)
_CHUNK = 64


def _run_layers(cells, l_from, l_to, job, bar=None):
    """The cells (of level ``l_from - 1``) through layers ``l_from..l_to``, depth first.

    A chunk's children go through all later layers before the next chunk starts, so only a few
    chunks of cells hold next-layer rows at any time (memory stays proportional to the regions
    found, not to the widest level); the result is the same list as breadth first, because the
    children of each cell stay together and in order.
    """
    Ws, bs, D, exact_only, reverse, max_regions, L, B = job
    _FLOATS.clear()
    _INTERN.clear()
    lts = {l: _Layer(Ws, bs, l, B) for l in range(l_from, l_to + 1)}
    out: list = []

    def layer(chunk, l):
        lt = lts[l]
        items = [(ctx, _split_pieces(ctx, pieces, srows))
                 for ctx, srows, pieces in _analyse_chunk(chunk, l, lt, D, exact_only, l == L, reverse)]
        return _children_chunk(items, lt)

    def check(n, l):
        if max_regions is not None and n > max_regions:
            raise RegionLimitError(
                f"more than max_regions={max_regions} regions after layer {l} "
                f"(of {L}); raise max_regions or use a smaller domain"
            )

    def descend(cells, l):
        for c0 in range(0, len(cells), _CHUNK):
            children = layer(cells[c0:c0 + _CHUNK], l)
            if l < l_to:
                descend(children, l + 1)
            else:
                out.extend(children)
                check(len(out), l)

    l = l_from
    while l < l_to and len(cells) <= _CHUNK:  # few cells: breadth first until there are many
        cells = layer(cells, l)
        check(len(cells), l)
        l += 1
    if bar is not None:
        bar.layer(l, len(cells))
    for c0 in range(0, len(cells), _CHUNK):
        chunk = cells[c0:c0 + _CHUNK]
        descend(chunk, l)
        if bar is not None:
            bar.advance(len(out), len(chunk))
    return out


def _finish_unit(ctx, pieces, rows, job):
    """A worker's share: finish splitting some pieces of a layer-1 cell, then all later layers."""
    Ws, bs, D, exact_only, reverse, max_regions, L, B = job
    _FLOATS.clear()
    with _quiet_numpy():
        cells = _children(ctx, _split_pieces(ctx, pieces, rows), _Layer(Ws, bs, 1, B))
        return _run_layers(cells, 2, L, job) if L >= 2 else cells


@contextlib.contextmanager
def _quiet_numpy():
    """One BLAS thread, no floating-point warnings and no cyclic garbage collection while the
    engine runs.

    The limb products are many small matrix products: BLAS threads only add synchronisation (and
    oversubscribe the cores when the engine runs in worker processes).  Overflow to inf or nan in
    the float filter is expected and harmless: it certifies nothing, and integers decide.  The
    engine allocates millions of tuples and lists and creates no reference cycles, so the cyclic
    collector only rescans the growing result (about a third of the run time on d2_64x4).
    """
    from threadpoolctl import threadpool_limits

    with paused_gc(), threadpool_limits(limits=1, user_api="blas"), \
            np.errstate(over="ignore", invalid="ignore"):
        yield


@contextlib.contextmanager
def paused_gc():
    """Switch the cyclic garbage collector off for a block (restored as it was afterwards)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _run_parallel(start_cells, job, executor, target, bar):
    """Split serially until there are enough pieces, then let the executor finish them.

    Contiguous groups of pieces, concatenated in order, give exactly the serial list: splitting a
    piece by the remaining neurons expands it in place, and later layers keep that order.
    """
    Ws, bs, D, exact_only, reverse, max_regions, L, B = job
    _FLOATS.clear()
    lt = _Layer(Ws, bs, 1, B)
    units = []
    for cell in start_cells:
        ctx, rows, pieces = _analyse(cell, 1, lt, D, exact_only, L == 1, reverse)
        units.append([ctx, rows, pieces])
    while sum(len(u[2]) for u in units) < target and any(u[1] for u in units):
        u = max((u for u in units if u[1]), key=lambda u: len(u[2]) * 0 + len(u[1]))
        u[2] = _split_pieces(u[0], u[2], u[1][:1])
        u[1] = u[1][1:]
    work = []
    for ctx, rows, pieces in units:
        per = max(1, -(-len(pieces) * len(units) // max(1, target)))
        for i in range(0, len(pieces), per):
            work.append((ctx, pieces[i:i + per], rows))
    bar.layer(None, len(work))
    futures = [executor.submit(_finish_unit, ctx, pcs, rows, job) for ctx, pcs, rows in work]
    out = []
    for fut in futures:
        out.extend(fut.result())
        bar.advance(len(out))
        if max_regions is not None and len(out) > max_regions:
            for f in futures:
                f.cancel()
            raise RegionLimitError(f"more than max_regions={max_regions} regions; raise max_regions")
    return out


def _as_object(rows):
    out = np.empty((len(rows), len(rows[0])), dtype=object)
    out[:, :] = [list(r) for r in rows]
    return out


class _Progress:
    """A tqdm bar over the cells of each layer (serial) or the work units (parallel)."""

    def __init__(self, progress, L):
        self.L = L
        self.fn = progress if callable(progress) else None
        self.t = None
        self.enabled = bool(progress) and self.fn is None

    def layer(self, l, total):
        if self.fn is not None or not self.enabled:
            self.l = l
            return
        from tqdm import tqdm

        if self.t is not None:
            self.t.close()
        if l is None:
            desc = "parallel units"
        else:
            desc = f"layer {l}/{self.L}" if l >= self.L else f"layers {l}-{self.L}"
        self.t = tqdm(total=total, desc=desc, unit="cell" if l is not None else "unit", leave=False)
        self.l = l

    def advance(self, regions, steps=1):
        if self.fn is not None:
            self.fn(self.l, regions)
        elif self.t is not None:
            self.t.set_postfix(regions=regions, refresh=False)
            self.t.update(steps)

    def close(self):
        if self.t is not None:
            self.t.close()
            self.t = None


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


def _add_zero_labels(slots, inc, alive, vals, label):
    """Label the facets on which ``vals`` vanish at every generator (a bent hyperplane lies there)."""
    zmask = 0
    for gi, v in enumerate(vals):
        if v == 0:
            zmask |= 1 << gi
    if not zmask:
        return slots
    changed = None
    a = alive
    k = 0
    while a:
        if a & 1:
            z = _zero_set(inc, k)
            if z & zmask == z:
                if changed is None:
                    changed = list(slots)
                changed[k] = (changed[k][0], changed[k][1] | {label})
        a >>= 1
        k += 1
    return tuple(changed) if changed is not None else slots


def _child_rows(Rs, parent: list[int], acts: list[int], lt: _Layer) -> np.ndarray:
    """Exact rows of the next layer on children, ``Wn @ (diag(act) R) + (0, ..., bn)``, as limbs.

    ``Rs`` are the parents' rows (normal limbs, stacked), ``parent[k]`` and ``acts[k]`` the parent
    and the activation bitmask of child k.  All children go through one float64 product of limb
    matrices, exact (see limbs.py), and one normalisation: shape ``(len(acts), m, D, L)``.
    """
    _, n, D, L = Rs.shape
    nc = len(acts)
    nb = (n + 7) // 8
    A = np.unpackbits(np.frombuffer(b"".join(a.to_bytes(nb, "little") for a in acts), dtype=np.uint8)
                      .reshape(nc, nb), axis=1, count=n, bitorder="little").astype(np.int64)
    X = (A[:, :, None, None] * Rs[parent]).transpose(1, 0, 2, 3).reshape(n, nc * D, L)
    out = _lb.matmul(lt.W, X)  # (m, nc*D, L')
    m = out.shape[0]
    out = out.reshape(m, nc, D, -1).transpose(1, 0, 2, 3)
    bias = lt.bias
    Lb = bias.shape[1]
    if Lb > out.shape[3]:
        out = np.concatenate([out, np.zeros(out.shape[:3] + (Lb - out.shape[3],), dtype=np.int64)], axis=3)
    else:
        out = np.ascontiguousarray(out)
    out[:, :, -1, :Lb] += bias
    return _lb.normalize(out, lt.B)


def _signs_filtered(R, B, gens_list):
    """Float values of the limb rows ``R`` (one block per cell) at each cell's generators, and
    where the error bound certifies their sign.

    With ``Gabs`` the sum of the absolute limb terms (limbs.to_float), the float rows are within
    ``(L+1) u Gabs`` of the exact ones, the generators' coordinates are correctly rounded, and the
    dot product adds ``D u`` relative error: ``(L + D + 4) * 2^-52 * Gabs @ |V|`` bounds it all with
    room to spare.  Rows or generators beyond the float range give inf or nan, which certify
    nothing.  Cells have different numbers of generators: the padding columns are zero and "sure".
    """
    C, n, D, L = R.shape
    Gf, Gabs = _lb.to_float(R, B)
    nvs = [len(g) for g in gens_list]
    Vmax = max(nvs)
    flat = np.array([f for gens in gens_list for f in _gen_floats(gens)], dtype=np.float64)
    cidx = np.repeat(np.arange(C), nvs)
    pos = np.arange(len(flat)) - np.repeat(np.cumsum(nvs) - nvs, nvs)
    Vf = np.zeros((C, Vmax, D))
    Vf[cidx, pos] = flat
    Vf = Vf.transpose(0, 2, 1)
    vals = Gf @ Vf
    bound = (Gabs @ np.abs(Vf)) * ((L + D + 4) * _EPS) + 1e-290
    sure = np.abs(vals) > bound
    if min(nvs) < Vmax:
        sure |= (np.arange(Vmax)[None, :] >= np.array(nvs)[:, None])[:, None, :]
    return vals, sure


def _exact_rows(R, idx, B) -> dict:
    """The exact rows ``idx`` of the limb rows ``R`` as tuples of Python integers."""
    if not idx:
        return {}
    return dict(zip(idx, map(tuple, _lb.from_limbs(R[idx], B).tolist())))


def _masks(flags: np.ndarray) -> list[int]:
    """Bitmask (bit i = flags[c, i]) of each row of a boolean matrix."""
    packed = np.packbits(flags, axis=1, bitorder="little")
    nb = packed.shape[1]
    b = packed.tobytes()
    return [int.from_bytes(b[k * nb:(k + 1) * nb], "little") for k in range(packed.shape[0])]


def _analyse_chunk(cells, l: int, lt: _Layer, D: int, exact_only: bool, last: bool, reverse: bool):
    """Signs of layer l's neurons on some cells: which split them, which are fixed.

    The float filter runs on all the cells at once; returns ``(ctx, split_rows, pieces)`` per cell.
    """
    B = lt.B
    R = _lb.stack([c.G for c in cells])  # normal limbs (_child_rows, or the start cells' rows)
    C, n = R.shape[0], R.shape[1]
    exact_vals: list[dict] = [{} for _ in cells]
    if exact_only:
        G = [_exact_rows(R[c], list(range(n)), B) for c in range(C)]
        anypos = np.zeros((C, n), dtype=bool)
        anyneg = np.zeros((C, n), dtype=bool)
        todo = [(c, i) for c in range(C) for i in range(n)]
    else:
        vals, sure = _signs_filtered(R, B, [c.gens for c in cells])
        anypos = ((vals > 0) & sure).any(axis=2)
        anyneg = ((vals < 0) & sure).any(axis=2)
        cu, iu = np.nonzero(~sure.all(axis=2))
        G = [{} for _ in cells]
        if len(cu):
            rows = _lb.from_limbs(R[cu, iu], B).tolist()
            for c, i, row in zip(cu.tolist(), iu.tolist(), rows):
                G[c][i] = tuple(row)
        todo = list(zip(cu.tolist(), iu.tolist()))
    for c, i in todo:
        ev = [_dot(G[c][i], g) for g in cells[c].gens]
        exact_vals[c][i] = ev
        anypos[c, i] = max(ev) > 0
        anyneg[c, i] = min(ev) < 0
    split = anypos & anyneg
    fixed = _masks(anypos & ~anyneg)
    zeros = _masks(~anypos & ~anyneg)  # identically zero on the cell
    cs, rs = np.nonzero(split)
    split_rows: list[list[int]] = [[] for _ in cells]
    for c, i in zip(cs.tolist(), rs.tolist()):
        split_rows[c].append(i)
    need = [(c, i) for c, i in zip(cs.tolist(), rs.tolist()) if i not in G[c]]
    if need:
        cn, rn = zip(*need)
        for c, i, row in zip(cn, rn, _lb.from_limbs(R[list(cn), list(rn)], B).tolist()):
            G[c][i] = tuple(row)
    out = []
    for c, cell in enumerate(cells):
        gens, inc, zero_mask = cell.gens, cell.inc, zeros[c]
        srows = split_rows[c]
        if reverse:
            srows.reverse()
        slots = cell.slots
        # only rows evaluated exactly can vanish at a generator: label the facets they contain
        for i, ev in exact_vals[c].items():
            if split[c, i] or (zero_mask >> i) & 1:
                continue
            if sum(1 for v in ev if v == 0) >= D - 1:
                slots = _add_zero_labels(slots, inc, cell.alive, ev, (l, i))
        # exact values of the splitting rows at all generators
        Gc, ec = G[c], exact_vals[c]
        others = {i: ec[i] if i in ec else [_dot(Gc[i], g) for g in gens] for i in srows}
        ctx = _Context(cell.pat, cell.zero, fixed[c], {i: Gc[i] for i in srows}, R[c], l, D, last)
        out.append((ctx, srows, [(gens, inc, others, slots, cell.alive, 0, zero_mask)]))
    return out


def _analyse(cell: _Cell, l: int, lt: _Layer, D: int, exact_only: bool, last: bool, reverse: bool):
    """:func:`_analyse_chunk` for one cell."""
    return _analyse_chunk([cell], l, lt, D, exact_only, last, reverse)[0]


class _Context:
    """What the pieces of one cell share while it is split by the neurons of one layer."""

    __slots__ = ("pat", "zero", "fixed_active", "rows", "R", "l", "D", "last")

    def __init__(self, pat, zero, fixed_active, rows, R, l, D, last):
        self.pat, self.zero, self.fixed_active = pat, zero, fixed_active
        self.rows, self.R, self.l, self.D, self.last = rows, R, l, D, last

    def __reduce__(self):
        return _Context, (self.pat, self.zero, self.fixed_active, self.rows, self.R, self.l, self.D,
                          self.last)


def _split_pieces(ctx: _Context, pieces, split_rows):
    """Split every piece by the given neurons in turn (the order of the result is the tree order)."""
    l, D, G = ctx.l, ctx.D, ctx.rows
    splitter = _Splitter(D)
    for i in split_rows:
        out = []
        label = frozenset({(l, i)})
        slot_pos = ((tuple(G[i]), label),)  # the new facet of the (+) and the (-) side
        slot_neg = ((tuple(-x for x in G[i]), label),)
        for (pg, pi, po, ps, pa, pact, pz) in pieces:
            v = po.pop(i)
            has_p = max(v) > 0
            has_n = min(v) < 0
            rest = po
            if has_p and has_n:
                newbit = 1 << len(ps)
                ps2 = ps + slot_pos
                (sg, si, so, tp), (ng, ni, no, tn) = splitter.split(pg, pi, v, rest, newbit, pa)
                ps_neg = ps + slot_neg
                out.append((sg, si, so, ps2, (pa & tp) | newbit, pact | (1 << i), pz))
                out.append((ng, ni, no, ps_neg, (pa & tn) | newbit, pact, pz))
            else:
                if (has_p or has_n) and sum(1 for x in v if x == 0) >= D - 1:
                    ps = _add_zero_labels(ps, pi, pa, v, (l, i))
                if has_p:
                    pact |= 1 << i
                elif not has_n:
                    pz |= 1 << i
                out.append((pg, pi, rest, ps, pa, pact, pz))
        pieces = out
    return pieces


def _children_chunk(items, lt: _Layer) -> list[_Cell]:
    """The cells of the pieces of several parents, ``items = [(ctx, pieces), ...]``, in order,
    with their next-layer rows (or output maps) computed all at once."""
    parent, acts = [], []
    for k, (ctx, pieces) in enumerate(items):
        for p in pieces:
            parent.append(k)
            acts.append(ctx.fixed_active | p[5])
    if not acts:
        return []
    rows = _child_rows(_lb.stack([ctx.R for ctx, _ in items]), parent, acts, lt)
    last = items[0][0].last
    if last:
        rows = _lb.from_limbs(rows, lt.B)  # the output maps, as Python integers
    children = []
    k = 0
    for ctx, pieces in items:
        for (pg, pi, po, ps, pa, pact, pz) in pieces:
            if len(ps) > 48:
                ps, pi, pa = _compact(ps, pi, pa)
            child = _Cell(pg, pi, ps, pa, ctx.pat + (acts[k],), ctx.zero + (pz,), None)
            if last:
                child.out = rows[k]
            else:
                child.G = rows[k]
            children.append(child)
            k += 1
    return children


def _children(ctx: _Context, pieces, lt: _Layer) -> list[_Cell]:
    return _children_chunk([(ctx, pieces)], lt)


def _compact(slots, inc, alive):
    """Drop the slots that are no longer facets and renumber the incidence bits."""
    keep = [k for k in range(len(slots)) if (alive >> k) & 1]
    new_inc = []
    for m in inc:
        nm = 0
        for j, k in enumerate(keep):
            if (m >> k) & 1:
                nm |= 1 << j
        new_inc.append(nm)
    return tuple(slots[k] for k in keep), new_inc, (1 << len(keep)) - 1


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
    from . import _core

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


def refine(layers, domain_ineqs, *, max_regions: int | None = None, max_seconds: float | None = None,
           on_limit: str = "raise", progress: bool | Callable | None = None, executor: Any = None,
           workers: int | None = None, order: str = "given", backend: str = "cdd") -> RefinementResult:
    """The exact refinement of a domain by every neuron, computed by the compiled core.

    ``workers`` threads run inside the core (the result does not depend on them); an
    ``executor`` (processes, a Dask cluster) gets contiguous groups of the first layer's cells and
    the concatenation is again the serial result.  ``max_regions``/``max_seconds`` are enforced
    while regions are made: the run raises :class:`RegionLimitError`/:class:`TimeLimitError`,
    or with ``on_limit="partial"`` returns the refinement so far, marked incomplete.

    >>> from fractions import Fraction as F
    >>> res = refine([([[F(1)], [F(-1)]], [F(0), F(1)]), ([[F(1), F(1)]], [F(0)])], None)
    >>> res.n_regions, res.complete
    (3, True)
    """
    from . import _core

    if order not in ("given", "reversed"):
        raise InvalidInputError(f"unknown order {order!r}: use 'given' or 'reversed'")
    if on_limit not in ("raise", "partial"):
        raise InvalidInputError(f"on_limit must be 'raise' or 'partial', got {on_limit!r}")
    for name, v in (("max_regions", max_regions), ("workers", workers)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise InvalidInputError(f"{name} must be a positive integer, got {v!r}")
    if max_seconds is not None and (isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float))
                                    or not max_seconds > 0):
        raise InvalidInputError(f"max_seconds must be a positive number, got {max_seconds!r}")
    prep = prepare(layers, domain_ineqs, backend)
    if not prep.start_cells:
        raise EmptyDomainError("the domain has no full-dimensional part")
    starts = [_start_cell_data(c) for c in prep.start_cells]
    core_layers = prep.core_layers()
    L = len(prep.widths)
    reverse = order == "reversed"
    if not prep.widths:
        return RefinementResult(_core.assemble(prep.dim, core_layers, starts), prep.dim, prep.lift, prep.scales, [])
    bar = _CoreProgress(progress, L)
    with memory_guard("the refinement"):  # exact values too large for the machine: the package's error
        try:
            if executor is not None and L >= 2:
                res = _refine_distributed(prep, core_layers, starts, executor, workers, reverse, max_regions)
            else:
                res = _core.refine(prep.dim, core_layers, starts, threads=workers or 1, reverse=reverse,
                                   max_regions=-1 if max_regions is None else max_regions,
                                   max_seconds=-1.0 if max_seconds is None else float(max_seconds),
                                   progress=bar)
        finally:
            bar.close()
    complete = res.status == "complete"
    if res.status == "interrupted":  # pragma: no cover - the callback raises KeyboardInterrupt itself
        raise KeyboardInterrupt
    if not complete and on_limit == "raise":
        raise _limit_error(res, max_regions, max_seconds, L)
    return RefinementResult(res, prep.dim, prep.lift, prep.scales, prep.widths, complete,
                            None if complete else tuple(res.stopped_at))


def _refine_distributed(prep, core_layers, starts, executor, workers, reverse, max_regions):
    """The first hidden layer here, then contiguous groups of its cells on the executor; the
    cells come back as plain data and are assembled in order (the serial order, exactly)."""
    from concurrent.futures import Executor

    from . import _core

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


def _pattern_words(pat: Sequence[int], widths: Sequence[int]) -> list[int]:
    """Per-layer bitmasks as the core's pattern words (layer l's bits after the earlier layers')."""
    m, at = 0, 0
    for mask, n in zip(pat, widths):
        m |= mask << at
        at += n
    return [(m >> (64 * k)) & 0xFFFFFFFFFFFFFFFF for k in range(max(1, -(-at // 64)))]


def cell_data(cell: _Cell, widths: Sequence[int]) -> dict:
    """A reference-engine cell as the data the core's ``assemble`` takes."""
    d = _start_cell_data(cell)
    d["active"] = _pattern_words(cell.pat, widths)
    d["zero"] = _pattern_words(cell.zero, widths)
    return d


def cell_data_from_v1(c: dict, widths: Sequence[int]) -> dict:
    """A cell of a version 1 complex file (bitmask incidences, per-layer pattern masks) as core data."""
    slots = tuple((tuple(nv), frozenset(tuple(x) for x in labs)) for nv, labs in c["slots"])
    cell = _Cell([tuple(g) for g in c["gens"]], [int(m) for m in c["inc"]], slots, int(c["alive"]),
                 tuple(int(x) for x in c["pattern"]), tuple(int(x) for x in c["zero"]))
    return cell_data(cell, widths)


def reference_result(layers, domain_ineqs, **kw) -> RefinementResult:
    """The pure-Python reference engine's regions (:func:`enumerate_regions`), in the result contract.

    Only the enumeration is the reference's; facets, faces and pieces come from the core's
    combinatorics on its cells, so a comparison with :func:`refine` tests the enumeration.
    """
    from . import _core

    backend = kw.get("backend", "cdd")
    core_layers = prepare(layers, domain_ineqs, backend).core_layers()
    res = enumerate_regions(layers, domain_ineqs, **kw)
    widths = list(res.widths)
    core = _core.assemble(res.dim, core_layers, [cell_data(c, widths) for c in res.cells])
    return RefinementResult(core, res.dim, res.lift, res.scales, widths)
