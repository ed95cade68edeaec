"""Bounds on the number of linear regions of ReLU networks of a given shape, as exact integers.

A shape is ``(n0, widths)``: ``n0`` inputs and hidden widths ``widths = (n_1, ..., n_L)``;
``N = n_1 + ... + n_L``.  Every function returns a Python ``int`` (or ``None`` where the
hypothesis of the result is not met).  Lower bounds are bounds on the *maximum* number of
regions over all weights of that shape (a particular network may have fewer); upper bounds
hold for every network of that shape and for both counting notions (activation regions,
and linear pieces, which are never more numerous).

Papers are cited by content, since their theorem numbers differ between versions:

* Pascanu, Montufar, Bengio, "On the number of response regions of deep feed forward networks
  with piece-wise linear activations" (ICLR 2014);
* Montufar, Pascanu, Cho, Bengio, "On the number of linear regions of deep neural networks"
  (NeurIPS 2014);
* Montufar, "Notes on the number of linear regions of deep neural networks" (SampTA 2017);
* Serra, Tjandraatmadja, Ramalingam, "Bounding and counting linear regions of deep neural
  networks" (ICML 2018; theorem numbers of the ICLR-2018 submission);
* Arora, Basu, Mianjy, Mukherjee, "Understanding deep neural networks with rectified linear
  units" (ICLR 2018);
* Raghu, Poole, Kleinberg, Ganguli, Sohl-Dickstein (ICML 2017) for the per-layer product.

>>> S(8, 2), pascanu_thm2_lower(2, [4, 4]), S(12, 2), pascanu_thm2_lower(2, [4, 4, 4])
(37, 44, 79, 176)
>>> serra_upper(2, [4, 4]), montufar17_upper(4, [2, 3]), product_upper(4, [2, 3]), trivial_upper([2, 3])
(121, 28, 32, 32)
"""
from __future__ import annotations

from math import comb, prod
from typing import Any, Sequence

from .exact import InvalidInputError

__all__ = [
    "S",
    "one_layer_max",
    "central_max",
    "central_region_count",
    "zonotope_vertex_count",
    "zonotope_f_vector",
    "cover_count",
    "binomial_sum",
    "shallow_max",
    "pascanu_thm1_lower",
    "pascanu_thm2_lower",
    "montufar14_lower",
    "serra_thm5_exact",
    "serra_thm6_lower",
    "serra_thm7_lower",
    "serra_upper",
    "montufar17_upper",
    "product_upper",
    "trivial_upper",
    "arora_zonotope_printed",
    "arora_zonotope_exact",
    "arora_zonotope_params",
    "exact_max",
    "all_bounds",
    "BOUND_KINDS",
    "report",
    "format_report",
]


def _nonneg_int(x: Any, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise InvalidInputError(f"{name} must be a non-negative integer, got {x!r}")
    return x


def _shape(n0: Any, widths: Any) -> tuple[int, tuple[int, ...]]:
    n0 = _nonneg_int(n0, "n0")
    if n0 < 1:
        raise InvalidInputError("n0 (the input dimension) must be at least 1")
    try:
        ws = tuple(widths)
    except TypeError:
        raise InvalidInputError(f"widths must be a sequence of positive integers, got {widths!r}") from None
    if not ws:
        raise InvalidInputError("widths must name at least one hidden layer")
    for i, w in enumerate(ws):
        if isinstance(w, bool) or not isinstance(w, int) or w < 1:
            raise InvalidInputError(f"widths[{i}] must be a positive integer, got {w!r}")
    return n0, ws


def S(N: int, d: int) -> int:
    """S(N, d) = sum_{j=0}^{d} C(N, j): regions of N hyperplanes in general position in R^d.

    >>> S(4, 2), S(2, 5)
    (11, 4)
    """
    N, d = _nonneg_int(N, "N"), _nonneg_int(d, "d")
    return sum(comb(N, j) for j in range(min(N, d) + 1))


def one_layer_max(n1: int, n0: int) -> int:
    """The exact maximum number of regions of one hidden layer of n1 units on R^n0: S(n1, n0).

    Attained exactly when the n1 hyperplanes are in general position (Zaslavsky).

    >>> one_layer_max(8, 2)
    37
    """
    return S(n1, n0)


def central_max(m: int, n: int) -> int:
    """Regions of m >= 1 hyperplanes through one point of R^n in general position: 2 S(m-1, n-1).

    >>> central_max(3, 2), central_max(4, 3)
    (6, 14)
    """
    m, n = _nonneg_int(m, "m"), _nonneg_int(n, "n")
    if m == 0:
        return 1
    if n == 0:
        raise InvalidInputError("a hyperplane needs n >= 1")
    return 2 * S(m - 1, n - 1)


def central_region_count(N: int, d: int) -> int:
    """Regions of N linear hyperplanes in general position in R^d: ``2 S(N-1, d-1)`` (1 if N = 0
    or d = 0); :func:`central_max` with R^0 allowed.

    >>> central_region_count(3, 2), central_region_count(4, 3), central_region_count(2, 3)
    (6, 14, 4)
    """
    if N < 0 or d < 0:
        raise InvalidInputError(f"need N >= 0 and d >= 0, got N={N}, d={d}")
    return 1 if d == 0 else central_max(N, d)


def zonotope_vertex_count(m: int, n: int) -> int:
    """Vertices of a zonotope with m generators in general position in R^n: ``2 S(m-1, n-1)``
    (Arora et al. Theorem 3.6 (ii); an upper bound for any m generators, math-spec section 3.1).
    The vertices' normal cones are the regions of the central arrangement of the generators.

    >>> [zonotope_vertex_count(m, 3) for m in range(1, 7)]
    [2, 4, 8, 14, 22, 32]
    """
    if m < 0 or n < 1:
        raise InvalidInputError(f"need m >= 0 and n >= 1, got m={m}, n={n}")
    return central_max(m, n)


def zonotope_f_vector(m: int, n: int) -> tuple[int, ...]:
    """f-vector ``(f_0, ..., f_dim)`` of a zonotope with m generators in general position in R^n.

    ``f_k = C(m, k) * central_region_count(m - k, n - k)`` for k < dim, ``f_dim = 1``, dim = min(m, n)
    (a k-face is a translate of a sum of k generators, one per region of the restricted central
    arrangement; math-spec section 3.1 and table T2).

    >>> zonotope_f_vector(4, 3), zonotope_f_vector(6, 4), zonotope_f_vector(2, 3)
    ((14, 24, 12, 1), (52, 132, 120, 40, 1), (4, 4, 1))
    """
    if m < 0 or n < 1:
        raise InvalidInputError(f"need m >= 0 and n >= 1, got m={m}, n={n}")
    dim = min(m, n)
    return tuple(comb(m, k) * central_region_count(m - k, n - k) for k in range(dim)) + (1,)


def cover_count(D: int, n: int) -> int:
    """Cover's number of affinely separable dichotomies of ``D`` points in general position in R^n:
    ``2 S(D-1, n)`` (math-spec section 4.6).

    >>> cover_count(4, 2), cover_count(5, 2), cover_count(3, 1)
    (14, 22, 6)
    """
    if D < 1 or n < 0:
        raise InvalidInputError(f"cover_count needs D >= 1 and n >= 0, got D={D}, n={n}")
    return 2 * S(D - 1, n)


def binomial_sum(N: int, d: int) -> int:
    """Deprecated name of :func:`S` (kept for one release), 0 where N or d is negative.

    >>> binomial_sum(8, 2), binomial_sum(4, 2), binomial_sum(12, 2)
    (37, 11, 79)
    """
    return 0 if N < 0 or d < 0 else S(N, d)


def shallow_max(n0: int, widths: Sequence[int]) -> int:
    """shallow(N) = S(N, n0): the maximum for ONE hidden layer with as many units as the whole net.

    >>> shallow_max(2, [4, 4]), shallow_max(2, [4, 4, 4])
    (37, 79)
    """
    n0, ws = _shape(n0, widths)
    return S(sum(ws), n0)


def pascanu_thm1_lower(n0: int, widths: Sequence[int]) -> int | None:
    """Pascanu--Montufar--Bengio's general lower bound (their Theorem 1).

    (prod_{i<L} floor(n_i / n0)) * S(n_L, n0), for widths n_i >= n0 (None otherwise).

    >>> pascanu_thm1_lower(2, [4, 4]), pascanu_thm1_lower(2, [6, 4]), pascanu_thm1_lower(3, [2, 2])
    (22, 33, None)
    """
    n0, ws = _shape(n0, widths)
    if any(w < n0 for w in ws):
        return None
    return prod(w // n0 for w in ws[:-1]) * S(ws[-1], n0)


def pascanu_thm2_lower(n0: int, widths: Sequence[int]) -> int | None:
    """Pascanu--Montufar--Bengio's bound for k layers of width 2 n0 (their Theorem 2).

    2^{(k-1) n0} * S(2 n0, n0) when every width is 2 n0 (None otherwise).  The paper's quoted
    numbers: 44 (n0 = 2, k = 2) and 176 (k = 3), against 37 and 79 for one layer of as many units.

    >>> pascanu_thm2_lower(2, [4, 4]), pascanu_thm2_lower(3, [6, 6]), pascanu_thm2_lower(2, [4, 5])
    (44, 336, None)
    """
    n0, ws = _shape(n0, widths)
    if any(w != 2 * n0 for w in ws):
        return None
    return 2 ** ((len(ws) - 1) * n0) * S(2 * n0, n0)


def montufar14_lower(n0: int, widths: Sequence[int]) -> int | None:
    """Montufar--Pascanu--Cho--Bengio 2014 lower bound (zig-zag folding).

    (prod_{l<L} floor(n_l / n0)^{n0}) * S(n_L, n0), for widths n_l >= n0 (None otherwise).

    >>> montufar14_lower(2, [6, 4]), montufar14_lower(2, [4, 4, 4])
    (99, 176)
    """
    n0, ws = _shape(n0, widths)
    if any(w < n0 for w in ws):
        return None
    return prod((w // n0) ** n0 for w in ws[:-1]) * S(ws[-1], n0)


def serra_thm5_exact(n0: int, widths: Sequence[int]) -> int | None:
    """Serra--Tjandraatmadja--Ramalingam's exact maximum for one input (their Theorem 5).

    prod_l (n_l + 1) when n0 = 1 and every n_l >= 3 (None otherwise).

    >>> serra_thm5_exact(1, [3, 3]), serra_thm5_exact(1, [4, 2])
    (16, None)
    """
    n0, ws = _shape(n0, widths)
    if n0 != 1 or any(w < 3 for w in ws):
        return None
    return prod(w + 1 for w in ws)


def serra_thm6_lower(n0: int, widths: Sequence[int]) -> int | None:
    """Serra--Tjandraatmadja--Ramalingam's lower bound (their Theorem 6).

    (prod_{l<L} (floor(n_l / n0) + 1)^{n0}) * S(n_L, n0), when n_l >= 3 n0 for EVERY layer,
    the last included (None otherwise).

    >>> serra_thm6_lower(2, [6, 6]), serra_thm6_lower(2, [6, 4])
    (352, None)
    """
    n0, ws = _shape(n0, widths)
    if any(w < 3 * n0 for w in ws):
        return None
    return prod((w // n0 + 1) ** n0 for w in ws[:-1]) * S(ws[-1], n0)


def arora_zonotope_params(n0: int, widths: Sequence[int]) -> tuple[int, int, int] | None:
    """``(k, w, m)`` if the shape is Arora et al.'s ZONOTOPE^{n0}_{k,w,m} one, else None.

    That family has 2m units in the first hidden layer followed by k >= 1 layers of w >= 2 units:
    widths ``(2m, w, ..., w)``.

    >>> arora_zonotope_params(2, [6, 3, 3]), arora_zonotope_params(2, [5, 3])
    ((2, 3, 3), None)
    """
    n0, ws = _shape(n0, widths)
    if len(ws) < 2 or ws[0] % 2 or ws[1] < 2 or any(w != ws[1] for w in ws[1:]):
        return None
    return len(ws) - 1, ws[1], ws[0] // 2


def _check_kwm(n: int, k: int, w: int, m: int) -> None:
    for name, v, lo in (("n", n, 1), ("k", k, 1), ("w", w, 2), ("m", m, 1)):
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise InvalidInputError(f"{name} must be an integer >= {lo}, got {v!r}")


def arora_zonotope_printed(n: int, k: int, w: int, m: int) -> int:
    """Arora et al.'s piece count for ZONOTOPE^n_{k,w,m} AS PRINTED: S(m-1, n-1) * w^k.

    The family composes the support function of a zonotope with m generators in general
    position in R^n (one layer of 2m units) with a hard 1-D function of k layers of w units.
    The printed count (ICLR text of the theorem on that family) is exactly half of the true
    count (see :func:`arora_zonotope_exact`); Serra et al. quote it with the factor 2, and the
    paper acknowledges an error in that section.  It is still a valid lower bound.

    >>> arora_zonotope_printed(2, 2, 3, 3)
    27
    """
    _check_kwm(n, k, w, m)
    return S(m - 1, n - 1) * w**k


def arora_zonotope_exact(n: int, k: int, w: int, m: int) -> int | None:
    """The exact number of pieces of Arora et al.'s ZONOTOPE^n_{k,w,m} functions (erratum).

    The zonotope has V = 2 S(m-1, n-1) vertices; the support function is linear on each of
    their V normal cones, and the hard function cuts each cone into w^k slabs with pairwise
    different affine maps.  So the count is V * w^k, plus 1 when w is even and k >= 2 (then
    the region where the hard function is constant 0 is one connected piece across all cones).
    Derived and verified by exact enumeration for n = 2 (polyrelu's spec, section 4.5); stated
    for n >= 2 and m >= 2 (None otherwise).  Activation regions can be more numerous (30 vs 25
    for n = 2, m = 3, w = 2, k = 2).

    >>> arora_zonotope_exact(2, 2, 3, 3), arora_zonotope_exact(2, 2, 2, 3)
    (54, 25)
    """
    _check_kwm(n, k, w, m)
    if n < 2 or m < 2:
        return None
    return 2 * S(m - 1, n - 1) * w**k + (1 if w % 2 == 0 and k >= 2 else 0)


def serra_thm7_lower(n0: int, widths: Sequence[int]) -> int | None:
    """Serra et al.'s improved zonotope construction (their Theorem 7).

    2 S(m-1, n0-1) (w+1)^{L-1} linear regions for widths (2m, w, ..., w), L >= 2, w >= 2
    (None for other shapes).

    >>> serra_thm7_lower(2, [6, 3, 3])
    96
    """
    n0, ws = _shape(n0, widths)
    p = arora_zonotope_params(n0, ws)
    if p is None:
        return None
    k, w, m = p
    return 2 * S(m - 1, n0 - 1) * (w + 1) ** k


def serra_upper(n0: int, widths: Sequence[int]) -> int:
    """Serra--Tjandraatmadja--Ramalingam's upper bound (their Theorem 1).

    sum over (j_1..j_L) in J of prod_l C(n_l, j_l), with
    J = {0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)}.  Tight for L = 1.
    Computed by dynamic programming over the running minimum, not by listing J.

    >>> serra_upper(2, [2, 2]), serra_upper(1, [3, 3]), serra_upper(4, [2, 3])
    (11, 16, 16)
    """
    n0, ws = _shape(n0, widths)
    # state: d = min(n0, n_1 - j_1, ..., n_l - j_l), the dimension still available
    states = {n0: 1}
    for n in ws:
        nxt: dict[int, int] = {}
        for d, cnt in states.items():
            for j in range(min(d, n) + 1):
                nd = min(d, n - j)
                nxt[nd] = nxt.get(nd, 0) + cnt * comb(n, j)
        states = nxt
    return sum(states.values())


def montufar17_upper(n0: int, widths: Sequence[int]) -> int:
    """Montufar 2017's upper bound: prod_l S(n_l, d_l) with d_l = min(n0, n_1, ..., n_l).

    >>> montufar17_upper(2, [2, 2]), montufar17_upper(4, [2, 3])
    (16, 28)
    """
    n0, ws = _shape(n0, widths)
    out, d = 1, n0
    for n in ws:
        d = min(d, n)
        out *= S(n, d)
    return out


def product_upper(n0: int, widths: Sequence[int]) -> int:
    """prod_l S(n_l, n0): each layer cuts each region by n_l hyperplanes in n0 dimensions.

    This is the explicit form behind Raghu et al.'s O(k^{m n}) statement (the paper states only
    the O(.) form).

    >>> product_upper(2, [4, 4, 4])
    1331
    """
    n0, ws = _shape(n0, widths)
    return prod(S(n, n0) for n in ws)


def trivial_upper(widths: Sequence[int]) -> int:
    """2^N: regions inject into activation patterns.

    >>> trivial_upper([4, 4])
    256
    """
    _, ws = _shape(1, widths)
    return 2 ** sum(ws)


def exact_max(n0: int, widths: Sequence[int]) -> int | None:
    """The exact maximal number of regions where it is known, else None.

    One hidden layer: S(n1, n0).  One input and every width >= 3: prod (n_l + 1) (Serra et al.).

    >>> exact_max(2, [8]), exact_max(1, [3, 3, 3]), exact_max(2, [4, 4])
    (37, 64, None)
    """
    n0, ws = _shape(n0, widths)
    if len(ws) == 1:
        return S(ws[0], n0)
    return serra_thm5_exact(n0, ws)


#: name -> "lower" / "upper" / "exact" / "reference": how a count compares with each bound.
BOUND_KINDS: dict[str, str] = {
    "pascanu_thm1_lower": "lower",
    "pascanu_thm2_lower": "lower",
    "montufar14_lower": "lower",
    "serra_thm6_lower": "lower",
    "serra_thm7_lower": "lower",
    "arora_zonotope_printed": "lower",
    "arora_zonotope_exact": "lower",
    "serra_thm5_exact": "exact",
    "exact_max": "exact",
    "serra_upper": "upper",
    "montufar17_upper": "upper",
    "product_upper": "upper",
    "trivial_upper": "upper",
    "shallow_max": "reference",
}


def all_bounds(n0: int, widths: Sequence[int]) -> dict[str, int | None]:
    """Every bound for the shape, by name (``None`` where a result's hypothesis is not met).

    The names and their kinds are in :data:`BOUND_KINDS`; ``shallow_max`` is the one-layer
    maximum S(N, n0) for the same number of units, for comparison (not a bound).  The Arora
    entries apply to widths (2m, w, ..., w) with n0 = n.

    >>> b = all_bounds(2, [4, 4])
    >>> b["pascanu_thm2_lower"], b["montufar14_lower"], b["serra_upper"], b["trivial_upper"], b["serra_thm6_lower"]
    (44, 44, 121, 256, None)
    """
    n0, ws = _shape(n0, widths)
    p = arora_zonotope_params(n0, ws)
    return {
        "pascanu_thm1_lower": pascanu_thm1_lower(n0, ws),
        "pascanu_thm2_lower": pascanu_thm2_lower(n0, ws),
        "montufar14_lower": montufar14_lower(n0, ws),
        "serra_thm6_lower": serra_thm6_lower(n0, ws),
        "serra_thm7_lower": serra_thm7_lower(n0, ws),
        "arora_zonotope_printed": None if p is None else arora_zonotope_printed(n0, *p),
        "arora_zonotope_exact": None if p is None else arora_zonotope_exact(n0, *p),
        "serra_thm5_exact": serra_thm5_exact(n0, ws),
        "exact_max": exact_max(n0, ws),
        "serra_upper": serra_upper(n0, ws),
        "montufar17_upper": montufar17_upper(n0, ws),
        "product_upper": product_upper(n0, ws),
        "trivial_upper": trivial_upper(ws),
        "shallow_max": shallow_max(n0, ws),
    }


def report(net: Any, cx: Any = None, *, complex: Any = None) -> dict:
    """Compare a network's enumerated region counts with every bound for its shape.

    ``cx`` is ``net.complex(...)`` (computed over all of R^n0 when omitted; ``complex=``, its old
    name, still works).  The result holds ``n0``, ``widths``, ``activation_regions`` (``len(cx)``), ``linear_regions``
    (pieces), ``domain`` (True if the count is restricted to a domain) and ``bounds``:
    name -> ``{"value", "kind", "ok"}``.  For an upper or exact-maximum bound ``ok`` says the
    count does not exceed it (False would be a bug); for a lower bound it says this network
    reaches the bound (lower bounds are about the best weights, so False is normal).
    ``violations`` lists the upper bounds exceeded (always empty for correct enumerations).

    >>> from polyrelu import ReLUNetwork
    >>> r = report(ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])]))
    >>> r["activation_regions"], r["bounds"]["serra_upper"], r["violations"]
    (7, {'value': 7, 'kind': 'upper', 'ok': True}, [])
    """
    if cx is None:
        cx = complex
    if cx is None:
        cx = net.complex()
    n0, ws = _shape(net.input_dim, net.widths)
    count = len(cx)
    pieces = cx.n_linear_regions
    bounds = {}
    violations = []
    for name, value in all_bounds(n0, ws).items():
        kind = BOUND_KINDS[name]
        if value is None:
            ok = None
        elif kind in ("upper", "exact"):
            ok = count <= value
            if not ok:
                violations.append(name)
        elif kind == "lower":
            ok = count >= value
        else:
            ok = None
        bounds[name] = {"value": value, "kind": kind, "ok": ok}
    return {
        "n0": n0,
        "widths": list(ws),
        "activation_regions": count,
        "linear_regions": pieces,
        "domain": cx.domain is not None,
        "bounds": bounds,
        "violations": violations,
    }


def format_report(r: dict) -> str:
    """A readable table of :func:`report`'s result (or of ``{"n0", "widths", "bounds"}``).

    >>> print(format_report({"n0": 2, "widths": [3], "bounds": {"one_layer_max": 7}}))   # doctest: +ELLIPSIS
    shape: n0 = 2, widths = (3,), N = 3
      one_layer_max             7
    """
    lines = [f"shape: n0 = {r['n0']}, widths = {tuple(r['widths'])}, N = {sum(r['widths'])}"]
    if "activation_regions" in r:
        where = "in the domain" if r.get("domain") else "in R^%d" % r["n0"]
        lines.append(f"activation regions {where}: {r['activation_regions']}")
        lines.append(f"linear regions (pieces): {r['linear_regions']}")
    width = max(len(k) for k in r["bounds"])
    for name, b in r["bounds"].items():
        if isinstance(b, dict):
            value, kind, ok = b["value"], b["kind"], b["ok"]
        else:
            value, kind, ok = b, BOUND_KINDS.get(name, ""), None
        v = "-" if value is None else str(value)
        line = f"  {name:<{width}}  {kind:<9}  {v}"
        if ok is not None and value is not None:
            if kind == "lower":
                line += "  reached" if ok else "  not reached"
            else:
                line += "  ok" if ok else "  VIOLATED"
        lines.append(line)
    vals = {k: (b["value"] if isinstance(b, dict) else b) for k, b in r["bounds"].items()}
    for kind, pick, label in (("lower", max, "best lower bound"), ("upper", min, "best upper bound")):
        known = {k: v for k, v in vals.items() if v is not None and BOUND_KINDS.get(k) in (kind, "exact")}
        if known:
            best = pick(known.values())
            names = ", ".join(k for k, v in known.items() if v == best)
            lines.append(f"{label}: {best} ({names})")
    return "\n".join(lines)
