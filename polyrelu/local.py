"""Local complexity: how many activation regions (and bent hyperplanes) meet a small ball.

For a point ``p`` and a radius ``r``, the ball is the l-infinity box ``[p - r, p + r]`` or the
l1 cross-polytope ``conv(p ± r e_i)``.  A closed full-dimensional region meets the *open* ball
exactly when it meets the closed ball in a full-dimensional set, so the number of activation
regions meeting the open ball is the number of regions of the exact complex on the closed ball.

A neuron's bent hyperplane ``{x : z(x) = 0}`` (``z`` its pre-activation) meets the open ball iff,
on some region ``R`` of that complex (where ``z`` is affine), ``z`` vanishes at a point of ``R``
inside the open ball: ``z`` takes both strict signs on ``R``'s vertices (then it vanishes in the
interior of ``R``), or ``z >= 0`` (or ``<= 0``) with zeros, and the face of ``R`` where ``z = 0``
has its relative-interior point strictly inside the ball.  Everything is exact.

In high dimension a box has too many vertices for an exact complex (2^64 for the digits
inputs); ``directions=`` (a ``k x n`` matrix) then counts in the ``k``-dimensional section
``{p + D^T u : u in ball of R^k}`` of the ball, exactly.

>>> from polyrelu import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
>>> [(d["n_regions"], d["n_neurons"]) for d in local_complexity(net, [[0, 0], [5, 5], ["1/2", "1/2"]], "1/2")]
[(4, 2), (1, 0), (2, 1)]
"""
from __future__ import annotations

import time
from fractions import Fraction
from typing import Any, Sequence

from .exact import InvalidInputError, fraction_to_str, to_matrix, to_rational, to_vector
from .linalg import rank
from .polytope import Polytope

__all__ = ["local_complexity", "ball", "MAX_L1_DIM"]

#: The l1 ball of R^n has 2^n facets; exact complexes on it are offered up to this dimension.
MAX_L1_DIM = 12


def ball(center: Sequence[Any], radius: Any, norm: str = "inf") -> Polytope:
    """The closed ball of the given norm as an exact :class:`~polyrelu.polytope.Polytope`.

    >>> ball([0, 0], 1, "1").vertices
    ((Fraction(-1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(-1, 1)), (Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1)))
    >>> ball([0], 0)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: radius must be > 0, got 0
    """
    p = to_vector(center, name="center")
    r = to_rational(radius, where="radius")
    if r <= 0:
        raise InvalidInputError(f"radius must be > 0, got {r}")
    norm = str(norm)
    if norm in ("inf", "linf", "infinity"):
        return Polytope.box([x - r for x in p], [x + r for x in p])
    if norm in ("1", "l1"):
        n = len(p)
        if n > MAX_L1_DIM:
            raise InvalidInputError(
                f"the l1 ball in R^{n} has 2^{n} facets; norm='1' is offered up to dimension {MAX_L1_DIM} "
                "(use directions= for a low-dimensional section)"
            )
        V = []
        for i in range(n):
            for s in (-1, 1):
                v = list(p)
                v[i] += s * r
                V.append(v)
        return Polytope.from_vertices(V)
    raise InvalidInputError(f"norm must be 'inf' or '1', got {norm!r}")


def _strictly_inside(x, A, b) -> bool:
    return all(sum((a * v for a, v in zip(row, x)), Fraction(0)) < rhs for row, rhs in zip(A, b))


def _one(args):
    """Local complexity at one point (a picklable task)."""
    net, p, r, norm, D, backend = args
    t0 = time.perf_counter()
    if D is not None:
        k = len(D)
        sub = net.restrict([[D[j][i] for j in range(k)] for i in range(net.input_dim)], p)
        B = ball([0] * k, r, norm)
    else:
        sub = net
        B = ball(p, r, norm)
    cx = sub.complex(domain=B, backend=backend)
    BA, Bb = B.inequalities
    hit = set()
    neurons = [(l, i) for l, w in enumerate(sub.widths) for i in range(w)]
    for region in cx.regions:
        if len(hit) == len(neurons):
            break
        V = region.vertices
        for l, (G, H) in enumerate(sub.preactivation_maps(region.pattern)):
            for i, (g, h) in enumerate(zip(G, H)):
                if (l, i) in hit:
                    continue
                vals = [sum((a * v for a, v in zip(g, x) if a), h) for x in V]
                pos, neg = any(v > 0 for v in vals), any(v < 0 for v in vals)
                if pos and neg:
                    hit.add((l, i))
                    continue
                zeros = [x for x, v in zip(V, vals) if v == 0]
                if not zeros:
                    continue
                m = [sum(col, Fraction(0)) / len(zeros) for col in zip(*zeros)]
                if _strictly_inside(m, BA, Bb):
                    hit.add((l, i))
    return {
        "n_regions": len(cx),
        "n_neurons": len(hit),
        "n_neurons_per_layer": [sum(1 for (l, _) in hit if l == k) for k in range(len(sub.widths))],
        "seconds": round(time.perf_counter() - t0, 6),
    }


def local_complexity(net: Any, points: Any, radius: Any, norm: str = "inf", *, directions: Any = None,
                     workers: int | None = None, executor: Any = None, progress: bool = False,
                     backend: str | None = None) -> list[dict]:
    """For each point: the exact number of activation regions meeting the open ball of ``radius``
    around it, and the number of neurons whose bent hyperplane meets that ball.

    ``points`` is a sequence of points (an ``m x n`` array; floats are read exactly), ``radius``
    a positive number (exact), ``norm`` ``"inf"`` (a box) or ``"1"`` (a cross-polytope).
    ``directions`` (``k x n``) counts in the ``k``-dimensional section of each ball spanned by
    those directions.  Points run in parallel with ``workers`` processes or any
    ``concurrent.futures.Executor``; ``progress`` shows a bar.  Returns one dict per point:
    ``index``, ``point`` (exact strings), ``n_regions``, ``n_neurons``, ``n_neurons_per_layer``,
    ``seconds``.

    >>> from polyrelu import ReLUNetwork
    >>> net = ReLUNetwork([([[1], [1]], [0, -1]), ([[1, -2]], [0])])
    >>> [d["n_regions"] for d in local_complexity(net, [[0], [1], ["1/2"]], "1/4")]
    [2, 2, 1]
    >>> local_complexity(net, [[0, 0]], 1)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: point 0 has length 2, expected 1
    """
    n = net.input_dim
    try:
        rows = list(points)
    except TypeError:
        raise InvalidInputError("points must be a sequence of points (an m x n array)") from None
    pts = [to_vector(p, n, name=f"point {k}") for k, p in enumerate(rows)]
    r = to_rational(radius, where="radius")
    if r <= 0:
        raise InvalidInputError(f"radius must be > 0, got {r}")
    D = None
    if directions is not None:
        D = to_matrix(directions, (None, n), name="directions")
        if not D:
            raise InvalidInputError("directions must have at least one row")
        if rank([list(d) for d in D]) < len(D):
            raise InvalidInputError("directions must be linearly independent")
        ball([0] * len(D), r, norm)  # validates norm and dimension
    else:
        ball([0] * n, r, norm)
    plain = net.with_domain(None) if net.domain is not None else net
    tasks = [(plain, p, r, norm, D, backend) for p in pts]
    own = None
    if executor is None and workers and workers > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = own = ProcessPoolExecutor(max_workers=workers)
    try:
        if executor is None:
            it = map(_one, tasks)
        else:
            futures = [executor.submit(_one, t) for t in tasks]
            it = (f.result() for f in futures)
        if progress:
            from tqdm import tqdm

            it = tqdm(it, total=len(tasks), desc="local complexity", unit="point")
        results = list(it)
    finally:
        if own is not None:
            own.shutdown()
    out = []
    for k, (p, res) in enumerate(zip(pts, results)):
        d = {"index": k, "point": [fraction_to_str(x) for x in p], "radius": fraction_to_str(r), "norm": str(norm)}
        d.update(res)
        out.append(d)
    return out
