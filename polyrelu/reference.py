"""The reference engine: the exact refinement in plain Python integers, the yardstick for the core.

The compiled core (:func:`polyrelu.engine.refine`, core/src) is built for speed; this module is
built to be obviously right, so that the tests can compare the two.  It starts from the same
pointed start cells (:func:`polyrelu.engine.prepare`: integer network, working coordinates, the
orthants that make all of R^n pointed) and refines them neuron by neuron with the textbook double
description method on homogeneous cones:

* A region is the cone over a polyhedron.  Its generators ``g = (X, T)`` are primitive integer
  vectors, a vertex ``X / T`` if ``T > 0``, a ray if ``T = 0``.  Its *slots* are valid inequalities
  ``normal . g >= 0`` (the domain's facets, the far face, the hyperplanes it was cut by; some may
  be redundant), and each generator knows the slots it lies on.
* On a region every neuron's pre-activation is affine: an integer row ``r`` with value ``r . g``
  at generator ``g``.  Layer l's rows are its weights times the rows of layer l - 1 with the
  inactive neurons zeroed, plus the bias on ``T``.
* A neuron with values of both signs splits the region.  Each side keeps its own generators and
  those on the hyperplane, and gains the point ``z_u g_v - z_v g_u`` where the hyperplane crosses
  each edge ``[g_u, g_v]`` between a + and a - generator.  Two generators span an edge iff no other
  generator lies on all the slots they share (the combinatorial test; redundant slots do not
  spoil it, since the slots contain every facet).
* At the end a region's facets are its maximal slot zero sets (every facet is some slot's, every
  other face lies in a facet).  A facet is labelled by the slots that define it (domain facet,
  infinity, the neuron that cut it) and by every neuron that is not identically zero on the region
  and vanishes on the whole facet (coincident units, a unit bending on an earlier facet).

Only Python integers: no floats, no numpy.  :func:`reference_result` hands the regions to the
core's ``assemble``, which adds only combinatorics (shared facets, faces, linear regions), so a
comparison with :func:`polyrelu.engine.refine` tests the enumeration itself.

>>> from fractions import Fraction as F
>>> net = [([[F(1)], [F(-1)]], [F(0), F(1)]), ([[F(1), F(1)]], [F(0)])]  # relu(x) + relu(1 - x)
>>> prep, regions = reference_regions(net, None)  # all of R
>>> sorted([str(x) for (x,) in r.vertices()] for r in regions)  # x <= 0, [0, 1], x >= 1
[['0'], ['0', '1'], ['1']]
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from .engine import Prepared, RegionLimitError, pattern_words, prepare
from .exact import InvalidInputError
from .result import RefinementResult, encode_label

__all__ = ["Facet", "Region", "Slot", "reference_regions", "reference_result"]

Vector = tuple[int, ...]


@dataclass(frozen=True)
class Slot:
    """A valid inequality ``normal . g >= 0`` of a region, and what it stands for.

    >>> prep, (r, *_) = reference_regions([([[1]], [0]), ([[1]], [0])], None)  # relu(x); x >= 0 first
    >>> r.slots  # x >= 0, cut by unit 0; T >= 0, the far face of the unbounded region
    (Slot(normal=(1, 0), labels=frozenset({(1, 0)})), Slot(normal=(0, 1), labels=frozenset({('infinity',)})))
    """

    normal: Vector
    labels: frozenset  # ("domain", j), ("infinity",) or the (layer, unit) that cut along it


@dataclass(frozen=True)
class Facet:
    """A facet of a region: the generators on it (indices), a normal pointing inside, its labels.

    >>> prep, regions = reference_regions([([[1], [-1]], [0, 1]), ([[1, 1]], [0])], None)
    >>> r = regions[0]  # the interval [0, 1]: x >= 0 and 1 - x >= 0; its far-face slot is no facet
    >>> len(r.slots), [(sorted(f.gens), f.normal, sorted(f.labels)) for f in r.facets()]
    (3, [([0], (1, 0), [(1, 0)]), ([1], (-1, 1), [(1, 1)])])
    """

    gens: frozenset[int]
    normal: Vector
    labels: frozenset


@dataclass(frozen=True)
class Region:
    """A region (exact integers throughout; see the module doc).

    ``active``/``zero``: per finished hidden layer, the bitmask of neurons positive somewhere on
    the region / identically zero on it.  ``rows``: per finished layer (the output layer last,
    once all are done), the exact rows of its pre-activations on the region, in the integer
    scaling of :func:`~polyrelu.engine.prepare` (divide by ``prep.scales[l]`` for true values).

    >>> prep, regions = reference_regions([([[1], [-1]], [0, 1]), ([[1, 1]], [0])], None)
    >>> r = regions[0]  # [0, 1]: generators 0 and 1, both units active, the output 1 (the row of T)
    >>> r.gens, r.active, r.zero, r.rows[-1]
    (((0, 1), (1, 1)), (3,), (0,), ((0, 1),))
    """

    gens: tuple[Vector, ...]
    tight: tuple[frozenset[int], ...]  # per generator: the slots it lies on
    slots: tuple[Slot, ...]
    active: tuple[int, ...] = ()
    zero: tuple[int, ...] = ()
    rows: tuple[tuple[Vector, ...], ...] = ()

    def vertices(self) -> list[tuple[Fraction, ...]]:
        """The vertices ``X / T``, sorted.

        >>> Region(((1, 2), (1, 0)), (frozenset(), frozenset()), ()).vertices()  # x >= 1/2
        [(Fraction(1, 2),)]
        """
        return sorted(tuple(Fraction(x, g[-1]) for x in g[:-1]) for g in self.gens if g[-1])

    def facets(self) -> list[Facet]:
        """The facets: the maximal zero sets of the slots, with their labels (module doc).

        >>> prep, (r, *_) = reference_regions([([[1]], [0]), ([[1]], [0])], None)
        >>> [(sorted(f.gens), f.labels) for f in r.facets()]
        [([0], frozenset({(1, 0)})), ([1], frozenset({('infinity',)}))]
        """
        zero_sets: dict[frozenset[int], list[Slot]] = {}
        for k, slot in enumerate(self.slots):
            on = frozenset(g for g, t in enumerate(self.tight) if k in t)
            if on:
                zero_sets.setdefault(on, []).append(slot)
        out = []
        for on, slots in zero_sets.items():
            if any(on < other for other in zero_sets):
                continue  # a lower-dimensional face: the slot is redundant here
            labels = frozenset().union(*(s.labels for s in slots))
            for l, rows in enumerate(self.rows[:len(self.active)], start=1):  # hidden layers only
                labels |= {(l, i) for i, r in enumerate(rows)
                           if any(r) and all(_dot(r, self.gens[g]) == 0 for g in on)}
            out.append(Facet(on, slots[0].normal, labels))
        return out


def _dot(a: Sequence[int], b: Sequence[int]) -> int:
    return sum(x * y for x, y in zip(a, b))


def _primitive(v: Sequence[int]) -> Vector:
    g = math.gcd(*v)
    return tuple(x // g for x in v) if g > 1 else tuple(v)


def _layer_rows(W: Sequence[Sequence[int]], b: Sequence[int], inputs: Sequence[Vector], on: int,
                D: int) -> tuple[Vector, ...]:
    """The rows of ``W relu(x) + b`` on a region where the inputs in the bitmask ``on`` are active
    (the others are zero there): ``sum_j W[i][j] inputs[j] + b_i T``."""
    live = [(j, x) for j, x in enumerate(inputs) if on >> j & 1]
    out = []
    for w, c in zip(W, b):
        row = [0] * D
        for j, x in live:
            if w[j]:
                row = [r + w[j] * xk for r, xk in zip(row, x)]
        row[-1] += c
        out.append(tuple(row))
    return tuple(out)


def _split(region: Region, row: Vector, label: tuple) -> list[Region]:
    """The region cut by the hyperplane ``row . g = 0``: the (+) side then the (-) side, or the
    region itself if the row keeps one sign on it."""
    vals = [_dot(row, g) for g in region.gens]
    if min(vals) >= 0 or max(vals) <= 0:
        return [region]
    gens, tight = region.gens, region.tight
    D = len(row)
    new = len(region.slots)  # the index of the hyperplane's slot on both sides
    pos = [u for u, z in enumerate(vals) if z > 0]
    neg = [v for v, z in enumerate(vals) if z < 0]
    on = [w for w, z in enumerate(vals) if z == 0]
    cross, cross_tight = [], []
    for u in pos:
        for v in neg:
            common = tight[u] & tight[v]
            # an edge lies on at least D - 2 slots (a quick necessary test), and is the only
            # face with both: no third generator lies on all the slots u and v share
            if len(common) < D - 2 or any(common <= tight[w] for w in range(len(gens)) if w != u and w != v):
                continue
            zu, zv = vals[u], vals[v]
            cross.append(_primitive([zu * b - zv * a for a, b in zip(gens[u], gens[v])]))  # value 0
            cross_tight.append(common | {new})
    sides = []
    for keep, normal in ((pos, row), (neg, tuple(-x for x in row))):
        sides.append(replace(
            region,
            gens=tuple(gens[g] for g in keep + on) + tuple(cross),
            tight=tuple(tight[g] for g in keep) + tuple(tight[g] | {new} for g in on) + tuple(cross_tight),
            slots=region.slots + (Slot(normal, frozenset({label})),)))
    return sides


def _finish_layer(region: Region, rows: tuple[Vector, ...]) -> Region:
    """A region cut by all the neurons of a layer (each row keeps one sign on it now), with the
    layer's rows and its active / identically zero bits added."""
    active = zero = 0
    for i, r in enumerate(rows):
        vals = [_dot(r, g) for g in region.gens]
        active |= (max(vals) > 0) << i
        zero |= (not any(vals)) << i
    return replace(region, rows=region.rows + (rows,), active=region.active + (active,), zero=region.zero + (zero,))


def _start_region(cell) -> Region:
    """A start cell of :func:`~polyrelu.engine.prepare` (bitmask incidences) as a Region."""
    slots = tuple(Slot(tuple(nv), frozenset(labels)) for nv, labels in cell.slots)
    tight = tuple(frozenset(k for k in range(len(slots)) if m >> k & 1) for m in cell.inc)
    return Region(tuple(tuple(g) for g in cell.gens), tight, slots)


def reference_regions(layers: Sequence[tuple[Sequence[Sequence[Fraction]], Sequence[Fraction]]],
                      domain_ineqs: list[tuple[list[Fraction], Fraction]] | None, *, max_regions: int | None = None,
                      order: str = "given", backend: str = "cdd") -> tuple[Prepared, list[Region]]:
    """The regions of a network (exact ``(W, b)`` layers) inside a domain, in pure Python.

    ``domain_ineqs``: the irredundant facets ``a.x <= c`` of a full-dimensional domain
    (:func:`~polyrelu.engine.domain_inequalities`), or ``None`` for all of R^n.  ``order="reversed"``
    cuts by the neurons of each layer in reverse order (the same regions).  Raises
    :class:`~polyrelu.engine.RegionLimitError` when a layer ends with more than ``max_regions``.

    >>> prep, regions = reference_regions([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])], None)
    >>> prep.dim, len(regions), sorted((r.active, len(r.facets())) for r in regions)
    (2, 4, [((0,), 3), ((1,), 3), ((2,), 3), ((3,), 3)])
    """
    if order not in ("given", "reversed"):
        raise InvalidInputError(f"unknown order {order!r}: use 'given' or 'reversed'")
    prep = prepare(layers, domain_ineqs, backend)
    net = prep.core_layers()  # integers, the first layer on working coordinates
    D = prep.dim + 1
    coords = tuple(tuple(int(k == j) for k in range(D)) for j in range(prep.dim))  # x_j as a row
    regions = [_start_region(c) for c in prep.start_cells]
    for l, (W, b) in enumerate(net, start=1):
        done = []
        for region in regions:
            # the layer's inputs: the coordinates (layer 1), or the previous layer's rows with the
            # neurons inactive on the region zeroed
            inputs, on = (coords, (1 << prep.dim) - 1) if l == 1 else (region.rows[-1], region.active[-1])
            rows = _layer_rows(W, b, inputs, on, D)
            if l > len(prep.widths):  # the output layer: no ReLU, nothing to cut
                done.append(replace(region, rows=region.rows + (rows,)))
                continue
            pieces = [region]
            for i in (reversed(range(len(rows))) if order == "reversed" else range(len(rows))):
                pieces = [side for p in pieces for side in _split(p, rows[i], (l, i))]
            done.extend(_finish_layer(p, rows) for p in pieces)
        regions = done
        if max_regions is not None and len(regions) > max_regions:
            raise RegionLimitError(f"more than max_regions={max_regions} regions after layer {l} "
                                   f"(of {len(prep.widths)}); raise max_regions or use a smaller domain")
    return prep, regions


def _core_cell(region: Region, widths: Sequence[int]) -> dict:
    """A region as the cell data the core's ``assemble`` takes (only its facets as slots)."""
    facets = region.facets()
    return {"gens": [list(g) for g in region.gens],
            "inc": [[k for k, f in enumerate(facets) if g in f.gens] for g in range(len(region.gens))],
            "slots": [sorted(encode_label(x) for x in f.labels) for f in facets],
            "facets": list(range(len(facets))),
            "active": pattern_words(region.active, widths), "zero": pattern_words(region.zero, widths)}


def reference_result(layers: Sequence[tuple[Sequence[Sequence[Fraction]], Sequence[Fraction]]],
                     domain_ineqs: list[tuple[list[Fraction], Fraction]] | None, *, max_regions: int | None = None,
                     order: str = "given", backend: str = "cdd") -> RefinementResult:
    """:func:`reference_regions` in the result contract (:mod:`polyrelu.result`), what
    ``net.complex(engine="reference")`` returns.

    >>> reference_result([([[1], [-1]], [0, 1]), ([[1, 1]], [0])], None).n_regions
    3
    """
    import polyrelu._core as _core  # the compiled extension (not the package)

    prep, regions = reference_regions(layers, domain_ineqs, max_regions=max_regions, order=order, backend=backend)
    core = _core.assemble(prep.dim, prep.core_layers(), [_core_cell(r, prep.widths) for r in regions])
    return RefinementResult(core, prep.dim, prep.lift, prep.scales, prep.widths)
