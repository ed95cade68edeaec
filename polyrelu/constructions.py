"""The founding papers' record networks, built exactly.

Every construction returns a :class:`~polyrelu.network.ReLUNetwork` with exact
:class:`~fractions.Fraction` weights, and its docstring names the paper, the result and the count
that exact enumeration reproduces (``len(net.complex(domain=...))`` counts activation regions,
``.n_linear_regions`` counts pieces).  The closed forms of those counts are here too, so a test
or ``polyrelu reproduce`` can put "paper", "formula" and "enumerated" side by side.

Count notions (the project's math spec, section 0): an *activation region* is a full-dimensional set
of inputs sharing one activation pattern; a *piece* (linear region) is a maximal connected set on
which the function is affine.  Pieces never outnumber activation regions.

>>> net = pascanu_network(2, 2)
>>> net, net.depth, net.size
(ReLUNetwork(2 -> [4, 4] -> 1), 3, 8)
>>> pascanu_deep_count(2, 2), shallow_count(8, 2)
(44, 37)
>>> telgarsky_sawtooth(3)([Fraction(3, 8)])
(Fraction(1, 1),)
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any, Sequence

from .bounds import S, binomial_sum, zonotope_vertex_count
from .exact import InvalidInputError, primitive_ints, to_matrix, to_rational, to_vector
from .linalg import solve
from .network import ReLUNetwork
from .polytope import Polytope

__all__ = [
    "binomial_sum",
    "general_position_arrangement",
    "shallow_network",
    "shallow_count",
    "pascanu_network",
    "pascanu_deep_count",
    "montufar_network",
    "montufar_domain",
    "montufar_box_count",
    "telgarsky_sawtooth",
    "telgarsky_pieces",
    "arora_hat_coefficients",
    "arora_hard_network",
    "arora_hard_pieces",
    "arora_depth_gap_network",
    "arora_shallow_size_lower_bound",
    "zonotope_network",
    "zonotope_family_pieces",
    "zonotope_family_printed",
    "max_network",
    "serra_witness",
    "SERRA_WITNESS_BREAKPOINTS",
]

_ZERO = Fraction(0)
_ONE = Fraction(1)


# --------------------------------------------------------------------------------------------
# small exact helpers
# --------------------------------------------------------------------------------------------
def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise InvalidInputError(f"{name} must be >= {minimum}, got {value}")
    return value


def _primitive(row: Sequence[Fraction], bias: Fraction) -> tuple[list[Fraction], Fraction]:
    """Scale (row, bias) by a positive factor to coprime integers (same hyperplane, same side)."""
    ints = primitive_ints(list(row) + [bias])
    return [Fraction(v) for v in ints[:-1]], Fraction(ints[-1])


def general_position_arrangement(
    n: int, m: int, *, box: tuple[Any, Any] | None = None
) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
    """``m`` affine hyperplanes ``a_j . x + c_j = 0`` in general position in R^n, exactly.

    Hyperplane j comes from the moment curve: ``sum_i t^i w_i + 1 = 0`` with ``t = j + 1``; any n of
    the normals ``t (1, t, ..., t^{n-1})`` are independent (Vandermonde) and any n+1 of the vectors
    ``(t, ..., t^n, 1)`` are independent, so no n+1 hyperplanes meet.  With ``box=(lo, hi)`` the
    arrangement is moved by a diagonal affine map (which keeps general position) so that all
    C(m, n) vertices lie in the open cube (lo, hi)^n -- then every region meets the cube, because a
    general-position region with m >= n has a vertex (``box`` is ignored when m < n: there are
    no vertices to move).  Rows are scaled to coprime integers.

    >>> A, c = general_position_arrangement(2, 3)
    >>> [[int(v) for v in a] for a in A], [int(v) for v in c]
    ([[1, 1], [2, 4], [3, 9]], [1, 1, 1])
    >>> A, c = general_position_arrangement(1, 2, box=(0, 1))
    >>> [-ci / ai[0] for ai, ci in zip(A, c)]
    [Fraction(1, 4), Fraction(3, 4)]
    """
    _check_int("n", n, 1)
    _check_int("m", m, 0)
    rows = [[Fraction(t) ** i for i in range(1, n + 1)] for t in range(1, m + 1)]
    offs = [_ONE] * m
    if box is not None and m >= n:
        lo, hi = to_rational(box[0], where="box lo"), to_rational(box[1], where="box hi")
        if not lo < hi:
            raise InvalidInputError(f"box must have lo < hi, got ({lo}, {hi})")
        verts = []
        for J in combinations(range(m), n):
            v = solve([rows[j] for j in J], [-offs[j] for j in J])
            assert v is not None  # Vandermonde: never singular
            verts.append(v)
        width = hi - lo
        new_rows, new_offs = [], []
        # w_i = lo_i + (z_i - (lo + width/4)) * s_i with s_i = (hi_i - lo_i)/(width/2) maps the
        # vertices' bounding box onto [lo + width/4, lo + 3 width/4].
        vlo = [min(v[i] for v in verts) for i in range(n)]
        vhi = [max(v[i] for v in verts) for i in range(n)]
        s = [((vhi[i] - vlo[i]) / (width / 2)) if vhi[i] > vlo[i] else _ONE for i in range(n)]
        z0 = [lo + width / 4 if vhi[i] > vlo[i] else lo + width / 2 for i in range(n)]
        for a, c in zip(rows, offs):
            row = [a[i] * s[i] for i in range(n)]
            off = c + sum((a[i] * (vlo[i] - s[i] * z0[i]) for i in range(n)), _ZERO)
            new_rows.append(row)
            new_offs.append(off)
        rows, offs = new_rows, new_offs
    out_rows, out_offs = [], []
    for a, c in zip(rows, offs):
        r, cc = _primitive(a, c)
        out_rows.append(tuple(r))
        out_offs.append(cc)
    return tuple(out_rows), tuple(out_offs)


# --------------------------------------------------------------------------------------------
# Pascanu, Montufar, Bengio (ICLR 2014)
# --------------------------------------------------------------------------------------------
def shallow_count(n1: int, n0: int) -> int:
    """Pascanu et al. Proposition (one hidden layer): at most S(n1, n0) regions, attained in general
    position.  ``shallow_count(8, 2) == 37`` and ``shallow_count(12, 2) == 79`` are the numbers in
    the paper's text.

    >>> shallow_count(8, 2), shallow_count(12, 2)
    (37, 79)
    """
    return S(n1, n0)


def shallow_network(n0: int, n1: int, *, output: Sequence[Any] | None = None) -> ReLUNetwork:
    """One hidden layer of ``n1`` units whose hyperplanes are in general position in R^{n0}.

    Pascanu, Montufar, Bengio (ICLR 2014), Proposition on one-hidden-layer networks (Zaslavsky):
    exactly S(n1, n0) activation regions on R^{n0} -- 37 for (2; 8) and 79 for (2; 12), the shallow
    numbers the paper compares its deep networks with.  The default output weights 1, 2, ..., n1
    are nonzero, so adjacent regions carry different affine maps and pieces = regions too.

    >>> net = shallow_network(2, 8)
    >>> net.widths, shallow_count(8, 2)
    ((8,), 37)
    """
    _check_int("n0", n0, 1)
    _check_int("n1", n1, 1)
    A, c = general_position_arrangement(n0, n1)
    out = [Fraction(i + 1) for i in range(n1)] if output is None else list(to_vector(output, n1, name="output"))
    return ReLUNetwork([(A, c), ([out], [0])])


def pascanu_deep_count(n0: int, k: int) -> int:
    """Pascanu et al. (ICLR 2014), theorem on networks with k hidden layers of width 2 n0:
    2^{(k-1) n0} * S(2 n0, n0) linear regions.  44 and 176 for n0 = 2, k = 2, 3.

    >>> pascanu_deep_count(2, 2), pascanu_deep_count(2, 3), pascanu_deep_count(1, 3)
    (44, 176, 12)
    """
    _check_int("n0", n0, 1)
    _check_int("k", k, 1)
    return 2 ** ((k - 1) * n0) * S(2 * n0, n0)


def _fold_scale(k: int) -> Fraction:
    # c_2 = 1, c_l = 2^-(l-2): the last fold layer (k-1) leaves the open cube (0, c_{k-1})^{n0}.
    return Fraction(1, 2 ** (k - 3)) if k >= 3 else Fraction(4)


def pascanu_network(
    n0: int = 2, k: int = 2, *, output: Sequence[Any] | None = None, last_signs: Sequence[int] | None = None
) -> ReLUNetwork:
    """The "special class" of Pascanu, Montufar, Bengio (ICLR 2014, section "A special class of deep
    models"): k hidden layers of 2 n0 units with exactly ``2^{(k-1) n0} * S(2 n0, n0)`` activation
    regions on all of R^{n0} (44 for n0 = 2, k = 2; 176 for n0 = 2, k = 3; see
    :func:`pascanu_deep_count`).

    Layer 1 has rows ``e_i, -e_i`` (so ``h_{2i} + h_{2i+1} = |x_i|``); fold layers l = 2..k-1 compute
    ``+-(y_i - c_l)`` with ``c_2 = 1``, ``c_l = 2^{-(l-2)}``, folding each coordinate once more; the
    last hidden layer cuts the folded cube with 2 n0 hyperplanes in general position whose vertices
    all lie inside it, so every one of the ``S(2 n0, n0)`` regions is repeated in each of the
    ``2^{(k-1) n0}`` cells.  For n0 = 2 the weights are exactly those of math-spec section 5.4 (lines
    ``y1 = s/4, y2 = s/4, y1 + y2 = 3s/4, y1 - y2 = s/8`` with s = 4 for k = 2 and s = c_{k-1} else);
    for other n0 the last layer is :func:`general_position_arrangement` moved into the cube.

    The output layer (default: weights 1, 2, ..., 2 n0 on the last hidden layer) does not change the
    activation regions; pieces depend on it and on which side of each last-layer hyperplane is the
    active one.  ``last_signs`` (one +1/-1 per last-layer unit) flips those rows: same hyperplanes,
    same regions.  With the spec's orientation the region where every last-layer unit is off
    touches the fold axes, and its mirror copies merge into one constant piece (39 pieces for
    k = 2, 156 for k = 3); ``last_signs=(-1, -1, 1, 1)`` makes every pair of mirror regions carry
    different affine maps, so pieces = activation regions = 44 and 176 (checked by enumeration).

    >>> net = pascanu_network(2, 2)
    >>> [list(map(str, row)) for row in net.layers[1][0]], [str(b) for b in net.layers[1][1]]
    ([['1', '1', '0', '0'], ['0', '0', '1', '1'], ['1', '1', '1', '1'], ['1', '1', '-1', '-1']], ['-1', '-1', '-3', '-1/2'])
    >>> pascanu_network(2, 3).widths
    (4, 4, 4)
    """
    _check_int("n0", n0, 1)
    _check_int("k", k, 1)
    w = 2 * n0
    layers: list[tuple[list, list]] = []
    if k >= 2:
        W1 = []
        for i in range(n0):
            for sgn in (1, -1):
                W1.append([Fraction(sgn if j == i else 0) for j in range(n0)])
        layers.append((W1, [_ZERO] * w))
        for l in range(2, k):
            c = Fraction(1, 2 ** (l - 2))
            W, b = [], []
            for i in range(n0):
                for sgn in (1, -1):
                    W.append([Fraction(sgn) if j // 2 == i else _ZERO for j in range(w)])
                    b.append(-sgn * c)
            layers.append((W, b))
    s = _fold_scale(k)
    if n0 == 2:
        lines = [((1, 0), -s / 4), ((0, 1), -s / 4), ((1, 1), -3 * s / 4), ((1, -1), -s / 8)]
        A = [tuple(Fraction(v) for v in a) for a, _ in lines]
        c = [Fraction(cc) for _, cc in lines]
    else:
        A, c = general_position_arrangement(n0, w, box=(0, s))
    if k >= 2:
        # y_i = h_{2i} + h_{2i+1}: each hyperplane a.y + c becomes a row over the 2 n0 units.
        Wk = [[a[j // 2] for j in range(w)] for a in A]
    else:
        Wk = [list(a) for a in A]
    Wk, c = _orient(Wk, list(c), last_signs)
    layers.append((Wk, c))
    out = [Fraction(i + 1) for i in range(w)] if output is None else list(to_vector(output, w, name="output"))
    layers.append(([out], [_ZERO]))
    return ReLUNetwork(layers)


def _orient(W: list, b: list, signs: Sequence[int] | None) -> tuple[list, list]:
    if signs is None:
        return W, b
    signs = list(signs)
    if len(signs) != len(W) or any(s not in (1, -1) or isinstance(s, bool) for s in signs):
        raise InvalidInputError(f"last_signs must be {len(W)} entries, each +1 or -1; got {signs!r}")
    return [[s * x for x in row] for s, row in zip(signs, W)], [s * x for s, x in zip(signs, b)]


# --------------------------------------------------------------------------------------------
# Montufar, Pascanu, Cho, Bengio (NeurIPS 2014)
# --------------------------------------------------------------------------------------------
def _check_widths(n0: int, widths: Sequence[int]) -> tuple[int, ...]:
    _check_int("n0", n0, 1)
    widths = tuple(widths)
    if not widths:
        raise InvalidInputError("widths must list at least one hidden layer")
    for l, nl in enumerate(widths, start=1):
        _check_int(f"width of layer {l}", nl, 1)
        if nl < n0:
            raise InvalidInputError(
                f"the zig-zag construction needs every width >= n0 = {n0}; layer {l} has {nl}"
            )
    return widths


def montufar_box_count(n0: int, widths: Sequence[int]) -> int:
    """Montufar, Pascanu, Cho, Bengio (NeurIPS 2014) lower bound, the exact count of
    :func:`montufar_network` in its input box: ``(prod_{l<L} floor(n_l/n0)^{n0}) * S(n_L, n0)``.

    >>> montufar_box_count(2, (6, 4)), montufar_box_count(2, (4, 4, 4))
    (99, 176)
    """
    widths = _check_widths(n0, widths)
    out = S(widths[-1], n0)
    for nl in widths[:-1]:
        out *= (nl // n0) ** n0
    return out


def montufar_network(
    n0: int, widths: Sequence[int], *, output: Sequence[Any] | None = None, last_signs: Sequence[int] | None = None
) -> ReLUNetwork:
    """Zig-zag folding network of Montufar, Pascanu, Cho, Bengio, "On the number of linear regions of
    deep neural networks" (NeurIPS 2014; the lower bound Serra et al. cite as its Theorem 5):
    exactly ``(prod_{l<L} p_l^{n0}) * S(n_L, n0)`` activation regions meet the input box
    :func:`montufar_domain` ``= [0, p_1]^{n0}``, with ``p_l = floor(n_l / n0)`` -- 99 for (2; 6, 4).
    Over all of R^{n0} there are more (121 for (2; 6, 4)).

    Integer-breakpoint version of math-spec section 6.2: each hidden layer l < L has, for every
    coordinate j, the p_l units ``relu(t - q)`` (q = 0..p_l-1) with ``t = x_j`` in layer 1 and
    ``t = p_l * y_j`` later, where ``y_j = Z_p(t) = relu(t) - 2 relu(t-1) + 2 relu(t-2) - ...`` maps each
    [q, q+1] onto [0, 1].  Surplus units (n_l - n0 p_l of them) get zero weights and bias -1, so
    they are never active.  The last layer cuts the folded cube (0,1)^{n0} with n_L hyperplanes in
    general position whose vertices lie inside it; for (2; ..., 4) these are the spec's lines
    ``y1 = 1/4, y2 = 1/4, y1 + y2 = 3/4, y1 - y2 = 1/8``.

    As for :func:`pascanu_network`, ``last_signs`` flips last-layer rows without moving the
    hyperplanes; with ``(-1, -1, 1, 1)`` (n0 = 2, n_L = 4) the pieces in the box also number 99
    (91 with the spec's orientation, where mirror copies of a constant region merge).

    >>> net = montufar_network(2, (6, 4))
    >>> [str(b) for b in net.layers[0][1]]
    ['0', '-1', '-2', '0', '-1', '-2']
    >>> [list(map(int, r)) for r in net.layers[1][0]]
    [[1, -2, 2, 0, 0, 0], [0, 0, 0, 1, -2, 2], [1, -2, 2, 1, -2, 2], [1, -2, 2, -1, 2, -2]]
    """
    widths = _check_widths(n0, widths)
    L = len(widths)
    layers: list[tuple[list, list]] = []
    # coef[j]: y_j (or x_j for the first layer) as a linear form over the previous layer's units
    prev_dim = n0
    coef = [[Fraction(int(i == j)) for i in range(n0)] for j in range(n0)]
    scale = _ONE
    for l in range(L - 1):
        nl = widths[l]
        p = nl // n0
        W, b = [], []
        new_coef = [[_ZERO] * nl for _ in range(n0)]
        for j in range(n0):
            for q in range(p):
                W.append([scale * v for v in coef[j]])
                b.append(Fraction(-q))
                new_coef[j][len(W) - 1] = _ONE if q == 0 else Fraction(2 * (-1) ** q)
        while len(W) < nl:
            W.append([_ZERO] * prev_dim)
            b.append(-_ONE)
        layers.append((W, b))
        coef, prev_dim = new_coef, nl
        scale = Fraction(widths[l + 1] // n0)
    nL = widths[-1]
    if n0 == 2 and nL == 4:
        lines = [((1, 0), Fraction(-1, 4)), ((0, 1), Fraction(-1, 4)), ((1, 1), Fraction(-3, 4)), ((1, -1), Fraction(-1, 8))]
        A = [tuple(Fraction(v) for v in a) for a, _ in lines]
        c = [cc for _, cc in lines]
    else:
        A, c = general_position_arrangement(n0, nL, box=(0, 1))
    W = [[sum((a[j] * coef[j][u] for j in range(n0)), _ZERO) for u in range(prev_dim)] for a in A]
    W, c = _orient(W, list(c), last_signs)
    layers.append((W, c))
    out = [Fraction(i + 1) for i in range(nL)] if output is None else list(to_vector(output, nL, name="output"))
    layers.append(([out], [_ZERO]))
    return ReLUNetwork(layers)


def montufar_domain(n0: int, widths: Sequence[int]) -> "Polytope":
    """The input box ``[0, p_1]^{n0}`` (``p_1 = floor(n_1/n0)``; ``[0,1]^{n0}`` for one layer) in which
    :func:`montufar_network` has exactly :func:`montufar_box_count` regions.

    >>> montufar_domain(2, (6, 4)).as_box()
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(3, 1), Fraction(3, 1)))
    """
    widths = _check_widths(n0, widths)
    p = widths[0] // n0 if len(widths) >= 2 else 1
    return Polytope.box([0] * n0, [p] * n0)


# --------------------------------------------------------------------------------------------
# Telgarsky's sawtooth and Arora et al.'s hard functions (R -> R)
# --------------------------------------------------------------------------------------------
def _compose_1d(units: Sequence[tuple[Sequence[Fraction], Sequence[Fraction]]]) -> ReLUNetwork:
    """Compose 1-D maps f_i(x) = sum_j tau_ij relu(x - a_ij); ``units[0]`` is applied first."""
    layers = []
    prev_tau = None
    for a, tau in units:
        if prev_tau is None:
            W = [[_ONE] for _ in a]
        else:
            W = [list(prev_tau) for _ in a]
        layers.append((W, [-x for x in a]))
        prev_tau = tau
    layers.append(([list(prev_tau)], [_ZERO]))
    return ReLUNetwork(layers)


def telgarsky_pieces(k: int) -> tuple[int, int]:
    """Pieces of the k-fold hat composition: ``(2^k on [0, 1], 2^k + 2 on R)``.

    >>> telgarsky_pieces(3)
    (8, 10)
    """
    _check_int("k", k, 1)
    return 2**k, 2**k + 2


def telgarsky_sawtooth(k: int) -> ReLUNetwork:
    """Telgarsky's sawtooth ("Representation benefits of deep feedforward networks", 2015; "Benefits of
    depth in neural networks", COLT 2016): the k-fold composition of the hat
    ``Delta(x) = 2 relu(x) - 4 relu(x - 1/2) + 2 relu(x - 1)`` (zero outside [0, 1]), a network with k
    hidden layers of width 3.  It has ``2^k`` affine pieces on [0, 1] with breakpoints ``j / 2^k``,
    and ``2^k + 2`` pieces on R (see :func:`telgarsky_pieces`).

    >>> net = telgarsky_sawtooth(2)
    >>> [net([Fraction(j, 4)])[0] for j in range(5)]
    [Fraction(0, 1), Fraction(1, 1), Fraction(0, 1), Fraction(1, 1), Fraction(0, 1)]
    """
    _check_int("k", k, 1)
    hat = ((_ZERO, Fraction(1, 2), _ONE), (Fraction(2), Fraction(-4), Fraction(2)))
    return _compose_1d([hat] * k)


def _check_breaks(a: Any, w: int, M: Fraction, where: str) -> tuple[Fraction, ...]:
    a = to_vector(a, name=where)
    if len(a) != w - 1:
        raise InvalidInputError(f"{where} must have w - 1 = {w - 1} breakpoints, got {len(a)}")
    prev = _ZERO
    for i, ai in enumerate(a):
        if not prev < ai:
            raise InvalidInputError(f"{where} must satisfy 0 < a_1 < ... < a_{w-1} < M; entry {i} is {ai}")
        prev = ai
    if a and not a[-1] < M:
        raise InvalidInputError(f"{where} must satisfy a_{w-1} < M = {M}; got {a[-1]}")
    return a


def arora_hat_coefficients(a: Sequence[Any], M: Any = 1) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """The w-unit net of Arora et al.'s ``h_a`` (a in Delta^{w-1}_M): returns ``(shifts, tau)`` with
    ``h_a(x) = sum_j tau_j relu(x - shifts_j)``, ``shifts = (0, a_1, ..., a_{w-1})``.

    h_a is 0 on (-inf, 0], interpolates h(0) = 0, h(a_i) = M (i mod 2), h(M) = M - h(a_{w-1}) on
    [0, M] and continues affinely beyond M (math-spec section 4.4; the paper's Definition 4 is a
    display lost in the seed text, so this is the reconstruction, checked by the piece counts).

    >>> arora_hat_coefficients([Fraction(1, 2)])
    ((Fraction(0, 1), Fraction(1, 2)), (Fraction(2, 1), Fraction(-4, 1)))
    >>> [str(t) for t in arora_hat_coefficients([Fraction(1, 3), Fraction(2, 3)])[1]]
    ['3', '-6', '6']
    """
    M = to_rational(M, where="M")
    if M <= 0:
        raise InvalidInputError(f"M must be positive, got {M}")
    a = to_vector(a, name="a")
    a = _check_breaks(a, len(a) + 1, M, "a")
    pts = (_ZERO,) + a + (M,)
    vals = [_ZERO] + [M * (i % 2) for i in range(1, len(a) + 1)]
    vals.append(M - vals[-1])
    slopes = [(vals[j + 1] - vals[j]) / (pts[j + 1] - pts[j]) for j in range(len(pts) - 1)]
    tau = tuple(s - (slopes[j - 1] if j else _ZERO) for j, s in enumerate(slopes))
    return pts[:-1], tau


def arora_hard_pieces(w: int, k: int) -> tuple[int, int]:
    """Pieces of Arora et al.'s H (w units per layer, k layers): ``(w^k on [0, M], on R)``, with
    ``w^k + 1`` on R when w is odd or k = 1 and ``w^k + 2`` when w is even and k >= 2 (math-spec
    section 4.4: the theorem's "w^k pieces" is the count on [0, M]).

    >>> arora_hard_pieces(3, 2), arora_hard_pieces(2, 2), arora_hard_pieces(2, 1)
    ((9, 10), (4, 6), (2, 3))
    """
    _check_int("w", w, 2)
    _check_int("k", k, 1)
    inner = w**k
    return inner, inner + (2 if (w % 2 == 0 and k >= 2) else 1)


def _default_breaks(w: int, M: Fraction) -> tuple[Fraction, ...]:
    return tuple(M * j / w for j in range(1, w))


def _hard_units(w: int, k: int, a: Any, M: Fraction) -> list[tuple[tuple[Fraction, ...], tuple[Fraction, ...]]]:
    if a is None:
        a = [_default_breaks(w, M)] * k
    a = list(a)
    if len(a) != k:
        raise InvalidInputError(f"a must list k = {k} breakpoint vectors a^1..a^k, got {len(a)}")
    checked = [_check_breaks(ai, w, M, f"a^{i + 1}") for i, ai in enumerate(a)]
    # H = h_{a^1} o ... o h_{a^k}: the first hidden layer computes h_{a^k}.
    return [arora_hat_coefficients(ai, M) for ai in reversed(checked)]


def arora_hard_network(w: int, k: int, *, a: Sequence[Sequence[Any]] | None = None, M: Any = 1) -> ReLUNetwork:
    """Arora, Basu, Mianjy, Mukherjee (ICLR 2018), Theorem 3.2: ``H = h_{a^1} o ... o h_{a^k}`` with
    ``a^i`` in Delta^{w-1}_M, a (k+1)-layer net with exactly w units per hidden layer (size w k) and
    ``w^k`` pieces on [0, M] (``w^k + 1`` or ``w^k + 2`` on R, see :func:`arora_hard_pieces`).

    ``a`` lists ``a^1, ..., a^k`` (default: equally spaced ``a^i_j = j M / w``).  With the default,
    ``H(j M / w^k) = M (j mod 2)`` for j = 0..w^k.

    >>> net = arora_hard_network(3, 2)
    >>> net.widths, [net([Fraction(j, 9)])[0] for j in range(4)]
    ((3, 3), [Fraction(0, 1), Fraction(1, 1), Fraction(0, 1), Fraction(1, 1)])
    """
    _check_int("w", w, 2)
    _check_int("k", k, 1)
    M = to_rational(M, where="M")
    if M <= 0:
        raise InvalidInputError(f"M must be positive, got {M}")
    return _compose_1d(_hard_units(w, k, a, M))


def arora_depth_gap_network(k: int) -> ReLUNetwork:
    """Arora et al. (ICLR 2018), Corollary 3.4 (the abstract's example): a function computed with
    k^2 hidden layers of width k (size k^3) -- :func:`arora_hard_network` with w = k and k^2 layers,
    ``k^{k^2}`` pieces on [0, 1] -- such that any net with at most k hidden layers needs at least
    ``k^{k+1}/2 - 1`` units (:func:`arora_shallow_size_lower_bound`).

    >>> net = arora_depth_gap_network(2)
    >>> net.widths, net.size
    ((2, 2, 2, 2), 8)
    """
    _check_int("k", k, 2)
    return arora_hard_network(k, k * k)


def arora_shallow_size_lower_bound(k: int) -> Fraction:
    """``k^{k+1}/2 - 1``: Arora et al.'s lower bound on the size of any net with at most k hidden
    layers computing the depth-gap function (abstract; 39.5 for k = 3, 511 for k = 4).

    >>> arora_shallow_size_lower_bound(3), arora_shallow_size_lower_bound(4)
    (Fraction(79, 2), Fraction(511, 1))
    """
    _check_int("k", k, 1)
    return Fraction(k ** (k + 1), 2) - 1


# --------------------------------------------------------------------------------------------
# Arora et al.'s zonotope family
# --------------------------------------------------------------------------------------------
def _default_generators(n: int, m: int) -> tuple[tuple[Fraction, ...], ...]:
    # moment curve (1, t, ..., t^{n-1}), t = 0..m-1: any n of them are independent (Vandermonde)
    return tuple(tuple(Fraction(t) ** i for i in range(n)) for t in range(m))


def zonotope_family_pieces(n: int, k: int, w: int, m: int) -> int:
    """Exact pieces of ZONOTOPE^n_{k,w,m} for generators in general position (math-spec 4.5, [DER]):
    ``V w^k`` with ``V = 2 S(m-1, n-1)`` (the zonotope's vertex count), plus 1 when w is even and
    k >= 2.  This is twice the sum printed in the ICLR text (:func:`zonotope_family_printed`), which
    therefore is a lower bound, not the count.

    Why the +1: for even w the composite H is constant 0 on ``{gamma_Z >= M}`` (h overshoots below
    0 beyond M and the next h clips it), and that set is connected when n >= 2 and m >= 2.  When
    n = 1 or m = 1, gamma_Z is ``|<b, r>|`` up to a factor and the set has two components: +2.

    >>> zonotope_family_pieces(2, 2, 3, 3), zonotope_family_pieces(2, 2, 2, 3)
    (54, 25)
    >>> zonotope_family_pieces(2, 2, 2, 1)   # m = 1: two constant half-planes
    10
    """
    _check_int("n", n, 1)
    _check_int("k", k, 0)
    _check_int("w", w, 2)
    _check_int("m", m, 1)
    V = zonotope_vertex_count(m, n)
    extra = 0
    if w % 2 == 0 and k >= 2:
        extra = 1 if (n >= 2 and m >= 2) else 2
    return V * w**k + extra


def zonotope_family_printed(n: int, k: int, w: int, m: int) -> int:
    """The piece count as printed in Arora et al. (ICLR 2018) Theorem 3.9 (i):
    ``(sum_{i<n} C(m-1, i)) * w^k`` -- half the exact count (see :func:`zonotope_family_pieces`).

    >>> zonotope_family_printed(2, 2, 3, 3)
    27
    """
    return S(m - 1, n - 1) * w**k


def zonotope_network(
    n: int,
    k: int,
    w: int,
    m: int,
    *,
    generators: Sequence[Sequence[Any]] | None = None,
    a: Sequence[Sequence[Any]] | None = None,
    M: Any = 1,
) -> ReLUNetwork:
    """Arora, Basu, Mianjy, Mukherjee (ICLR 2018), Theorems 3.6-3.9: the family ZONOTOPE^n_{k,w,m},
    ``f = H_{a^1..a^k} o gamma_Z`` with ``gamma_Z(r) = sum_i |<b^i, r>|`` the support function of the
    zonotope of the generators ``b^1..b^m`` (R^n -> R).

    Hidden layer 1 is the 2m units ``relu(+-<b^i, r>)``; the next layer reads ``gamma - a_j`` (the sum
    of all 2m outputs); then k layers of w units realise H (:func:`arora_hard_network`).  Depth
    k + 2, size 2m + wk.  For generators in general position it has exactly
    :func:`zonotope_family_pieces` pieces (``2 S(m-1, n-1) w^k``, + 1 for even w and k >= 2);
    Theorem 3.9 (i) as printed claims half of that (:func:`zonotope_family_printed`).

    Default generators: ``(1, t, ..., t^{n-1})`` for t = 0..m-1 (general position); default a:
    equally spaced.  ``k = 0`` gives gamma_Z alone.

    >>> net = zonotope_network(2, 2, 3, 3)
    >>> net.depth, net.size, net.widths
    (4, 12, (6, 3, 3))
    >>> net([Fraction(1, 10), 0])  # gamma = 3/10, h(3/10) = 9/10, h(9/10) = 3 (9/10 - 2/3)
    (Fraction(7, 10),)
    """
    _check_int("n", n, 1)
    _check_int("k", k, 0)
    _check_int("w", w, 2)
    _check_int("m", m, 1)
    M = to_rational(M, where="M")
    if M <= 0:
        raise InvalidInputError(f"M must be positive, got {M}")
    if generators is None:
        G = _default_generators(n, m)
    else:
        G = to_matrix(generators, (m, n), name="generators")
    W1 = []
    for g in G:
        W1.append(list(g))
        W1.append([-x for x in g])
    layers: list[tuple[list, list]] = [(W1, [_ZERO] * (2 * m))]
    prev = [_ONE] * (2 * m)
    if k >= 1:
        for shifts, tau in _hard_units(w, k, a, M):
            layers.append(([list(prev) for _ in shifts], [-s for s in shifts]))
            prev = list(tau)
    layers.append(([prev], [_ZERO]))
    return ReLUNetwork(layers)


# --------------------------------------------------------------------------------------------
# max networks (Arora et al. Theorem 2.1's building block)
# --------------------------------------------------------------------------------------------
def max_network(A: Sequence[Sequence[Any]], c: Sequence[Any] | None = None) -> ReLUNetwork:
    """``x -> max_i (A_i . x + c_i)`` with ``ceil(log2 k)`` hidden layers (k = number of rows).

    Arora, Basu, Mianjy, Mukherjee (ICLR 2018), proof of Theorem 2.1: pairwise maxima
    ``max(a, b) = relu(a - b) + relu(b) - relu(-b)`` (3 units) in a balanced tree; an unpaired value
    passes as ``relu(v) - relu(-v)`` (2 units).  max(x1, x2) has 4 activation regions and 2 pieces;
    max(x1, x2, x3) has 2 hidden layers (5 + 3 units) and 3 pieces.

    >>> net = max_network([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> net.widths, net([1, 5, 2])
    ((5, 3), (Fraction(5, 1),))
    """
    A = to_matrix(A, name="A")
    if not A or not A[0]:
        raise InvalidInputError("A must have at least one row and one column")
    k = len(A)
    c = to_vector([0] * k if c is None else c, k, name="c")
    # forms: each value as (coefficients over the previous layer's outputs, bias)
    forms = [(list(A[i]), c[i]) for i in range(k)]
    layers = []
    while len(forms) > 1:
        W, b, new_forms = [], [], []
        width_est = 3 * (len(forms) // 2) + 2 * (len(forms) % 2)
        for idx in range(0, len(forms) - 1, 2):
            (fa, ca), (fb, cb) = forms[idx], forms[idx + 1]
            base = len(W)
            W += [[x - y for x, y in zip(fa, fb)], list(fb), [-y for y in fb]]
            b += [ca - cb, cb, -cb]
            coeff = [_ZERO] * width_est
            coeff[base], coeff[base + 1], coeff[base + 2] = _ONE, _ONE, -_ONE
            new_forms.append((coeff, _ZERO))
        if len(forms) % 2:
            fv, cv = forms[-1]
            base = len(W)
            W += [list(fv), [-y for y in fv]]
            b += [cv, -cv]
            coeff = [_ZERO] * width_est
            coeff[base], coeff[base + 1] = _ONE, -_ONE
            new_forms.append((coeff, _ZERO))
        layers.append((W, b))
        forms = new_forms
    f, cf = forms[0]
    layers.append(([f], [cf]))
    return ReLUNetwork(layers)


# --------------------------------------------------------------------------------------------
# Serra, Tjandraatmadja, Ramalingam (ICML 2018)
# --------------------------------------------------------------------------------------------
SERRA_WITNESS_BREAKPOINTS: tuple[Fraction, ...] = tuple(
    Fraction(s)
    for s in ("-2/3", "-5/8", "-2/11", "0", "1/2", "5/8", "2/3", "1", "23/19", "7/5", "7/4", "2", "9/4", "5", "7")
)


def serra_witness(output: Sequence[Any] = (1, 2, 3)) -> ReLUNetwork:
    """A (1; 3, 3) network attaining Serra, Tjandraatmadja, Ramalingam's exact maximum for n0 = 1
    (Theorem 5: ``prod_l (n_l + 1)`` = 16 regions; it is also their Theorem 1 upper bound).

    Weights from math-spec section 7.2 (found by a targeted search, not the paper's appendix
    construction): layer 1 = relu(x), relu(x - 1), relu(2 - x) (no dead zone), layer 2 crosses zero
    once in each of the 4 first-layer pieces.  16 activation regions; with output weights (1, 2, 3)
    also 16 pieces; breakpoints :data:`SERRA_WITNESS_BREAKPOINTS`.

    >>> net = serra_witness()
    >>> net.widths, len(SERRA_WITNESS_BREAKPOINTS) + 1
    ((3, 3), 16)
    """
    out = to_vector(output, 3, name="output")
    W1 = [[1], [1], [-1]]
    b1 = [0, -1, 2]
    W2 = [["-8/3", 2, "-4/3"], [-5, "9/2", "-11/3"], [3, "-11/4", "3/2"]]
    b2 = ["7/2", 8, -4]
    return ReLUNetwork([(W1, b1), (W2, b2), ([list(out)], [0])])
