"""Exact property checks: does any input of a box reach the unsafe output set?

:func:`verify` computes the exact activation regions of the network on the property's input box
and, on every region, decides exactly whether the region contains an input whose output (the
region's exact affine map ``A x + c``) satisfies one of the unsafe conjunctions ``C y <= d``.
That set is the polytope ``region ∩ {x : C A x <= d - C c}``; its emptiness is decided by an exact
LP (the package's rational backends, no floats).  Strict constraints ``<`` are decided exactly
too: a strict row is satisfiable on the (nonempty) closed polytope unless it is an implicit
equality there, which an exact LP shows; then the polytope's relative-interior point satisfies
all rows, the strict ones strictly.

The answer is ``holds`` (no region has such an input: a proof, region by region) or
``violated`` with an exact rational counterexample, whose exact output is checked against the
unsafe constraints before it is returned.

>>> from polyrelu import ReLUNetwork
>>> from polyrelu.vnnlib import parse_vnnlib
>>> net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])   # |x|
>>> box = "(declare-const X_0 Real)(declare-const Y_0 Real)(assert (>= X_0 -1))(assert (<= X_0 0.5))"
>>> verify(net, parse_vnnlib(box + "(assert (> Y_0 1))")).status
'holds'
>>> r = verify(net, parse_vnnlib(box + "(assert (>= Y_0 1))"))
>>> r.status, r.counterexample, r.output
('violated', (Fraction(-1, 1),), (Fraction(1, 1),))
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

from .exact import InvalidInputError, fraction_to_str

__all__ = ["verify", "VerifyResult", "unsafe_point_in_region"]


@dataclass
class VerifyResult:
    """The answer of :func:`verify`: the status, the exact counterexample and its output if violated,
    and what the proof took (regions, exact LPs, seconds).

    >>> r = verify(ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])]),  # |x| on [-1, 1/2]
    ...            "(declare-const X_0 Real)(declare-const Y_0 Real)(assert (>= X_0 -1))(assert (<= X_0 0.5))"
    ...            "(assert (>= Y_0 1))")
    >>> r.status, r.counterexample, r.output, r.n_regions
    ('violated', (Fraction(-1, 1),), (Fraction(1, 1),), 2)
    """

    status: str  # "holds" or "violated"
    counterexample: tuple[Fraction, ...] | None
    output: tuple[Fraction, ...] | None
    n_regions: int  # regions of the complex on the (free) input box
    n_regions_examined: int
    n_lps: int
    seconds: float
    fixed_inputs: dict[int, Fraction] = field(default_factory=dict)
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (exact numbers as "p/q" strings; floats alongside for reading).

        >>> r = verify(ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])]),  # |x| on [-1/2, 1/4]
        ...            "(declare-const X_0 Real)(declare-const Y_0 Real)(assert (>= X_0 -0.5))(assert (<= X_0 0.25))"
        ...            "(assert (>= Y_0 0.5))")
        >>> d = r.to_json()
        >>> d["status"], d["counterexample"], d["output"], d["output_float"]
        ('violated', ['-1/2'], ['1/2'], [0.5])
        """
        d = {
            "property": self.source,
            "status": self.status,
            "counterexample": None if self.counterexample is None else [fraction_to_str(x) for x in self.counterexample],
            "output": None if self.output is None else [fraction_to_str(x) for x in self.output],
            "n_regions": self.n_regions,
            "n_regions_examined": self.n_regions_examined,
            "n_exact_lps": self.n_lps,
            "fixed_inputs": {f"X_{i}": fraction_to_str(v) for i, v in self.fixed_inputs.items()},
            "seconds": round(self.seconds, 6),
            "exact": True,
        }
        if self.counterexample is not None:
            d["counterexample_float"] = [float(x) for x in self.counterexample]
            d["output_float"] = [float(x) for x in self.output]
        return d


def _dot(a: Sequence[Fraction], x: Sequence[Fraction]) -> Fraction:
    return sum((u * v for u, v in zip(a, x) if u), Fraction(0))


class _IntLayers:
    """The network's layers as integer matrices over one common denominator per layer (exact)."""

    def __init__(self, net: Any):
        import numpy as np

        self.layers = []
        for W, b in net.layers:
            d = 1
            for q in [x for row in W for x in row] + list(b):
                if d % q.denominator:
                    d = d * q.denominator // math.gcd(d, q.denominator)
            Wn = np.array([[int(x * d) for x in row] for row in W], dtype=object)
            bn = np.array([int(x * d) for x in b], dtype=object)
            self.layers.append((Wn, bn, d))

    def active(self, pattern: Sequence[Sequence[int]]) -> list:
        """Per hidden layer, the indices of the active units of ``pattern``."""
        import numpy as np

        return [np.array([i for i, s in enumerate(p) if s > 0], dtype=np.intp) for p in pattern]

    def offset(self, act: list) -> tuple[list, int]:
        """``(vn, dv)``: the output at ``x = 0`` of the region's affine map is ``vn / dv``."""
        import numpy as np

        L = len(self.layers)
        vn = None
        dv = 1
        for k, (Wn, bn, d) in enumerate(self.layers):
            if k == 0:
                z = bn.copy()
            else:
                idx = act[k - 1]
                z = (Wn[:, idx].dot(vn) if len(idx) else np.zeros(len(bn), dtype=object)) + bn * dv
            dv *= d
            vn = z[act[k]] if k < L - 1 else z
        return list(vn), dv

    def rows(self, act: list, C: Sequence[Sequence[Fraction]]):
        """``(Gn, dg)``: the rows ``C A`` of the region's linear part ``A`` are ``Gn / dg``."""
        import numpy as np

        dc = 1
        for row in C:
            for q in row:
                if dc % q.denominator:
                    dc = dc * q.denominator // math.gcd(dc, q.denominator)
        Gn = np.array([[int(q * dc) for q in row] for row in C], dtype=object)
        dg = dc
        L = len(self.layers)
        for k in range(L - 1, -1, -1):
            Wn, _, d = self.layers[k]
            if k < L - 1:
                Wn = Wn[act[k]]
            Gn = Gn.dot(Wn) if Gn.shape[1] else np.zeros((len(C), Wn.shape[1]), dtype=object)
            dg *= d
            if k > 0:
                Gn = Gn[:, act[k - 1]]
        return Gn, dg


def _scaled_rows(rows):
    """``(I, d)``: an object array of Python ints with ``rows == I / d`` (d the common denominator)."""
    import numpy as np

    d = math.lcm(*{q.denominator for r in rows for q in r}) if rows else 1
    return np.array([[q.numerator * (d // q.denominator) for q in r] for r in rows], dtype=object), d


_INT_LAYERS: dict = {}
_LAST_DECIDER: dict = {}


def _int_layers(net: Any) -> _IntLayers:
    key = id(net)
    hit = _INT_LAYERS.get(key)
    if hit is None or hit[0] is not net:
        if len(_INT_LAYERS) > 8:
            _INT_LAYERS.clear()
        hit = _INT_LAYERS[key] = (net, _IntLayers(net))
    return hit[1]


def unsafe_point_in_region(region: Any, conj: Sequence[Any], counter: list | None = None) -> tuple[Fraction, ...] | None:
    """An exact point of ``region`` whose output satisfies the conjunction ``conj``, or None if none exists.

    ``conj`` is a sequence of :class:`~polyrelu.vnnlib.OutputConstraint`.  The constraints are
    pulled back through the region's exact affine map (``G x <= h``) and decided exactly: a row
    that no vertex satisfies holds nowhere (a linear function is minimised at a vertex), a
    vertex satisfying all rows is a witness, and otherwise an exact LP over the region
    (``x = sum lambda_i v_i``, maximising the slack ``t`` of the strict rows) decides.

    >>> from polyrelu import ReLUNetwork, Polytope
    >>> from polyrelu.vnnlib import OutputConstraint as C
    >>> cx = ReLUNetwork([([[1]], [0]), ([[1]], [0])]).complex(domain=Polytope.box([-1], [1]))
    >>> r = max(cx.regions, key=lambda r: r.vertices)          # the region [0, 1], f(x) = x
    >>> unsafe_point_in_region(r, [C((Fraction(-1),), Fraction(-1, 2)), C((Fraction(1),), Fraction(3, 4), True)])
    (Fraction(1, 2),)
    >>> unsafe_point_in_region(r, [C((Fraction(-1),), Fraction(-2))]) is None
    True
    """
    if region.rays or region.lines:
        raise InvalidInputError("verify needs bounded regions (a bounded input box)")
    return _point(region.complex.network, region.pattern, region.vertices, conj, counter)


def _point(net: Any, pattern: Any, V: Sequence[Sequence[Fraction]], conj: Sequence[Any],
           counter: list | None = None) -> tuple[Fraction, ...] | None:
    """:func:`unsafe_point_in_region` on a region given by its pattern and vertices (picklable data)."""
    from .polytope import Polytope

    strict = [con.strict for con in conj]
    if not conj:  # an empty conjunction: every output is unsafe
        return tuple(V[0])
    Vs = []  # each vertex as integers over its own denominator: v = nums / d
    for v in V:
        dens = {q.denominator for q in v}
        d = dens.pop() if len(dens) == 1 else math.lcm(*dens, *({1} if not dens else set()))
        Vs.append(([q.numerator * (d // q.denominator) for q in v], d))
    if not net.widths:
        A, c = net.layers[-1]
        G = [tuple(sum((a * A[j][k] for j, a in enumerate(con.coeffs) if a), Fraction(0)) for k in range(len(A[0])))
             for con in conj]
        h = [con.rhs - _dot(con.coeffs, c) for con in conj]

        def row(k):
            return _scaled_rows([G[k]])
    else:
        il = _int_layers(net)
        act = il.active(pattern)
        vn, d0 = il.offset(act)
        h = [con.rhs - sum((a * Fraction(int(v), d0) for a, v in zip(con.coeffs, vn) if a), Fraction(0)) for con in conj]

        def row(k):
            return il.rows(act, [conj[k].coeffs])
    # one row at a time, the row that ruled out the last region first (the order changes only the
    # work, not the answer): a row that no vertex satisfies holds nowhere on the region (a linear
    # function is minimised at a vertex), so neither does the conjunction
    key = tuple(conj)
    first = _LAST_DECIDER.get(key, 0)
    order = [first] + [k for k in range(len(conj)) if k != first]
    ok, vals = {}, {}
    for k in order:
        Gk, dg = row(k)
        g = Gk.tolist()[0]
        hn, hd = h[k].numerator * dg, h[k].denominator
        # g.v <= h  <=>  (Gk . nums) * hd <= hn * d  (dg, d, hd > 0)
        Pk = [sum(a * b for a, b in zip(g, nums)) for nums, _ in Vs]
        ok[k] = [(x * hd < hn * d) if strict[k] else (x * hd <= hn * d) for x, (_, d) in zip(Pk, Vs)]
        vals[k] = (Pk, dg)
        if not any(ok[k]):
            _LAST_DECIDER[key] = k
            return None
    for i in range(len(V)):
        if all(ok[k][i] for k in range(len(conj))):
            return tuple(V[i])
    if len(conj) == 1:
        return None
    vals = [[Fraction(x, vals[k][1] * d) for x, (_, d) in zip(vals[k][0], Vs)] for k in range(len(conj))]
    # exact LP in (lambda_1..lambda_m, t): sum_i lambda_i (g . v_i) + [strict] t <= h, lambda >= 0,
    # sum lambda = 1, t <= 1; maximise t (t is free when no row is strict)
    m = len(V)
    A_rows, b_rows = [], []
    for row, hh, s in zip(vals, h, strict):
        A_rows.append(list(row) + [Fraction(1) if s else Fraction(0)])
        b_rows.append(hh)
    for i in range(m):
        e = [Fraction(0)] * (m + 1)
        e[i] = Fraction(-1)
        A_rows.append(e)
        b_rows.append(Fraction(0))
    A_rows.append([Fraction(0)] * m + [Fraction(1)])
    b_rows.append(Fraction(1))
    P = Polytope.from_inequalities(A_rows, b_rows, equalities=([[Fraction(1)] * m + [Fraction(0)]], [Fraction(1)]))
    if counter is not None:
        counter[0] += 1
    res = P.maximize([0] * m + [1])
    if res.status != "optimal" or (any(strict) and res.value <= 0):
        return None
    lam = res.point[:m]
    x = tuple(sum((l * v[k] for l, v in zip(lam, V) if l), Fraction(0)) for k in range(len(V[0])))
    return x


def _check_chunk(net: Any, unsafe: Any, items: list) -> tuple[int, int, Any]:
    """Check regions ``(index, pattern, vertices)`` in order; stop at the first unsafe point."""
    counter = [0]
    for k, (idx, pattern, V) in enumerate(items):
        for ci, conj in enumerate(unsafe):
            y = _point(net, pattern, V, conj, counter)
            if y is not None:
                return k + 1, counter[0], (idx, ci, y)
    return len(items), counter[0], None


def verify(net: Any, prop: Any, *, backend: str | None = None, max_regions: int | None = None,
           workers: int | None = None, executor: Any = None, progress: bool = False) -> VerifyResult:
    """Decide exactly whether some input in the property's box reaches its unsafe output set.

    ``prop`` is a :class:`~polyrelu.vnnlib.VnnlibProperty` or a path to a ``.vnnlib`` file.
    ``workers``/``executor`` run the complex and the region checks in parallel (the answer and
    the counterexample are those of the serial run).  Inputs fixed by the property are substituted first (the complex is computed on the box of
    the free inputs).  Returns a :class:`VerifyResult`; a counterexample is an exact input of
    the box whose exact output satisfies an unsafe conjunction (checked before returning).

    >>> from polyrelu import ReLUNetwork
    >>> r = verify(ReLUNetwork([([[1, -1]], [0]), ([[1]], [0])]), "(declare-const X_0 Real)(declare-const X_1 Real)"
    ...     "(declare-const Y_0 Real)(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 0))(assert (<= X_1 1))"
    ...     "(assert (>= Y_0 0.75))")
    >>> r.status, r.counterexample, r.n_regions
    ('violated', (Fraction(1, 1), Fraction(0, 1)), 2)
    """
    from .vnnlib import VnnlibProperty, parse_vnnlib

    if not isinstance(prop, VnnlibProperty):
        prop = parse_vnnlib(prop)
    t0 = time.perf_counter()
    small, box = prop.restrict(net)
    cx = small.complex(domain=box, backend=backend, max_regions=max_regions, workers=workers,
                       executor=executor, progress=progress)
    counter = [0]
    examined = 0
    found = None
    own = None
    if executor is None and workers and workers > 1 and len(cx) > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = own = ProcessPoolExecutor(max_workers=workers)
    try:
        if executor is not None:
            # chunks of (index, pattern, vertices) checked in parallel; the witness of the first
            # region (in the complex's order) is reported, as the serial loop would
            size = max(1, -(-len(cx) // (8 * (workers or 2))))
            regions = cx.regions
            chunks = [[(r.index, r.pattern, r.vertices) for r in regions[i:i + size]] for i in range(0, len(cx), size)]
            futures = [executor.submit(_check_chunk, small, prop.unsafe, ch) for ch in chunks]
            it = futures
            if progress:
                from tqdm import tqdm

                it = tqdm(futures, desc="exact checks", unit="chunk")
            results = [f.result() for f in it]
            for n_checked, n_lp, hit in results:
                examined += n_checked
                counter[0] += n_lp
                if hit is not None and (found is None or hit[0] < found[0]):
                    found = hit
        else:
            regions = cx.regions
            if progress:
                from tqdm import tqdm

                regions = tqdm(regions, desc="exact checks", unit="region")
            for region in regions:
                examined += 1
                for ci, conj in enumerate(prop.unsafe):
                    y = unsafe_point_in_region(region, conj, counter)
                    if y is not None:
                        found = (region.index, ci, y)
                        break
                if found is not None:
                    break
    finally:
        if own is not None:
            own.shutdown()
    if found is not None:
        _, ci, y = found
        conj = prop.unsafe[ci]
        x = prop.lift(y)
        out = net(x)
        if not (prop.in_box(x) and all(c.holds(out) for c in conj)):  # pragma: no cover - a bug
            raise AssertionError(f"internal error: counterexample {x} does not satisfy the property")
        return VerifyResult("violated", x, out, len(cx), examined, counter[0],
                            time.perf_counter() - t0, prop.fixed, prop.source)
    return VerifyResult("holds", None, None, len(cx), examined, counter[0], time.perf_counter() - t0,
                        prop.fixed, prop.source)
