"""Exactness tests for :mod:`polyrelu.limbs` (integers as int64 limbs ``x = sum_k x_k 2^(B k)``).

The engine's exact arithmetic rests on this module, so each test checks it against an
independent computation with plain Python integers (:func:`_decode` never calls the module):

* ``to_limbs`` / ``from_limbs`` round trip, and ``to_limbs`` gives normal limbs (|x_k| <= 2^B);
* ``normalize`` keeps the represented integers, gives normal / balanced limbs, adds limbs when
  the carries overflow the top one and leaves no all-zero top limb;
* ``matmul(weights(W, B), R)`` equals the exact product, including the case where every limb is
  at its extreme, so the float64 partial sums reach exactly 2^53 (the bound of ``limb_bits``);
* ``to_float`` stays within its stated error bound (checked with ``Fraction``) and gives inf or
  nan, never a wrong finite number, beyond the float range;
* ``limb_bits(w)`` is the largest ``B`` with ``2B - 1 + ceil(log2 w) <= 53``.
"""
from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu.limbs import from_limbs, limb_bits, matmul, normalize, to_float, to_limbs, weights

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WIDTHS = (1, 2, 64, 1000)
BS = tuple(limb_bits(w) for w in WIDTHS)  # 27, 26, 24, 22
EPS = Fraction(1, 2 ** 53)


# ---------------------------------------------------------------------------------------------
# independent helpers (plain Python integers only)

def _decode(x: np.ndarray, B: int) -> list[int]:
    """The integers of a limb array, flattened in C order, computed in plain Python."""
    L = x.shape[-1]
    rows = x.reshape(-1, L).tolist()
    return [sum(int(c) << (B * k) for k, c in enumerate(row)) for row in rows]


def _abs_terms(x: np.ndarray, B: int) -> list[int]:
    L = x.shape[-1]
    return [sum(abs(int(c)) << (B * k) for k, c in enumerate(row)) for row in x.reshape(-1, L).tolist()]


def _nested(flat: list[int], shape: tuple[int, ...]):
    """Flat Python ints as nested lists of the given shape."""
    arr = np.empty(len(flat), dtype=object)
    arr[:] = flat
    return arr.reshape(shape).tolist()


def _assert_normal(x: np.ndarray, B: int) -> None:
    assert x.dtype == np.int64
    assert int(np.abs(x).max(initial=0)) <= 1 << B
    assert int(x.min(initial=0)) >= -(1 << B)  # np.abs(-2^63) would wrap around


def _assert_balanced(x: np.ndarray, B: int) -> None:
    assert x.dtype == np.int64
    half = 1 << (B - 1)
    assert int(x.min(initial=0)) >= -half
    assert int(x.max(initial=0)) < half


def _assert_trimmed(x: np.ndarray) -> None:
    assert x.shape[-1] >= 1
    if x.shape[-1] > 1:
        assert x[..., -1].any(), "all-zero top limb left"


def _edge_int(rng: random.Random, max_bits: int, B: int) -> int:
    """Random integer, biased to 0, -1, +-2^k, +-(2^k -+ 1) around limb boundaries."""
    r = rng.random()
    if r < 0.1:
        return rng.choice((0, 1, -1))
    if r < 0.5:
        k = rng.choice((rng.randrange(0, max_bits + 1), B * rng.randrange(0, max_bits // B + 1)))
        k = min(max(0, k + rng.choice((-1, 0, 0, 1))), max_bits)
        return rng.choice((1, -1)) * ((1 << k) + rng.choice((-1, 0, 1)))
    return rng.randrange(-(1 << rng.randrange(1, max_bits + 1)), 1 << rng.randrange(1, max_bits + 1))


@st.composite
def edge_ints(draw, max_bits: int, B: int):
    """Hypothesis version of :func:`_edge_int` (shrinks well)."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.sampled_from((0, 1, -1)))
    if kind == 1:
        j = draw(st.integers(0, max_bits // B))
        k = min(max(0, B * j + draw(st.integers(-2, 2))), max_bits)
    elif kind == 2:
        k = draw(st.integers(0, max_bits))
    else:
        return draw(st.integers(-(1 << max_bits), 1 << max_bits))
    return draw(st.sampled_from((1, -1))) * ((1 << k) + draw(st.sampled_from((-1, 0, 1))))


SHAPES = st.one_of(
    st.tuples(st.integers(0, 6)),
    st.tuples(st.integers(1, 4), st.integers(1, 4)),
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.just(3)),
)


# ---------------------------------------------------------------------------------------------
# 1. to_limbs / from_limbs

def _check_round_trip(values, flat: list[int], shape: tuple[int, ...], B: int) -> np.ndarray:
    x = to_limbs(values, B)
    assert x.dtype == np.int64
    assert x.shape[:-1] == shape and x.shape[-1] >= 1
    _assert_normal(x, B)
    assert _decode(x, B) == flat
    back = from_limbs(x, B)
    assert back.shape == shape
    assert back.reshape(-1).tolist() == flat
    assert all(type(v) is int for v in back.reshape(-1).tolist())
    return x


@settings(max_examples=200, **SETTINGS)
@given(st.data())
def test_to_limbs_round_trip(data):
    B = data.draw(st.sampled_from(BS + (1, 5)), label="B")
    shape = data.draw(SHAPES, label="shape")
    size = int(np.prod(shape))
    flat = data.draw(st.lists(edge_ints(400, B), min_size=size, max_size=size), label="values")
    values = _nested(flat, shape)
    if data.draw(st.booleans(), label="as ndarray"):
        if all(-(1 << 63) <= v < (1 << 63) for v in flat):
            values = np.array(values, dtype=np.int64).reshape(shape)
        else:
            values = np.array(flat, dtype=object).reshape(shape)
    _check_round_trip(values, flat, shape, B)


@pytest.mark.parametrize("B", BS + (1, 2, 31))
def test_to_limbs_edge_cases(B):
    flat = [0, -1, 1, (1 << 63) - 1, -(1 << 63), 1 << 400, -(1 << 400), (1 << 400) - 1, 1 - (1 << 400)]
    for j in range(0, 6):
        for d in (-1, 0, 1):
            flat += [(1 << (B * j)) + d, -(1 << (B * j)) - d, (1 << (B * j - 1 if j else 0)) + d]
    x = _check_round_trip(flat, flat, (len(flat),), B)
    assert x.shape[-1] == -(-402 // B)  # 400-bit magnitudes plus a sign bit, no more
    for v in (0, 1, -1, (1 << (B - 1)) - 1, 1 - (1 << (B - 1))):
        if abs(v) < 1 << (B - 1):  # fits in one limb (with room for the sign)
            assert to_limbs([v], B).shape == (1, 1)
            assert to_limbs([[v]], B)[0, 0, 0] == v
    # empty arrays and a 0-d scalar
    assert to_limbs([], B).shape == (0, 1)
    assert to_limbs(np.zeros((2, 0), dtype=np.int64), B).shape == (2, 0, 1)
    assert from_limbs(to_limbs([], B), B).shape == (0,)
    assert _decode(to_limbs(-(1 << 100), B), B) == [-(1 << 100)]


# ---------------------------------------------------------------------------------------------
# 2. normalize

def _check_normalize(x: np.ndarray, B: int) -> None:
    before = x.copy()
    exact = _decode(x, B)
    for balanced in (False, True):
        y = normalize(x, B, balanced=balanced)
        assert np.array_equal(x, before), "normalize modified its argument"
        assert y.dtype == np.int64 and y.shape[:-1] == x.shape[:-1]
        assert _decode(y, B) == exact
        assert from_limbs(y, B).reshape(-1).tolist() == exact
        (_assert_balanced if balanced else _assert_normal)(y, B)
        _assert_trimmed(y)
        # no wasted limbs: the top one is needed by some entry, and the result is stable
        assert np.array_equal(normalize(y, B, balanced=balanced), y)


@st.composite
def big_limb_arrays(draw, B: int):
    shape = draw(st.sampled_from(((1,), (3,), (2, 2), (2, 1, 3))))
    L = draw(st.integers(1, 6))
    lim, half = 1 << B, 1 << (B - 1)
    limb = st.one_of(
        st.integers(-(1 << 60), 1 << 60),
        st.integers(-lim - 2, lim + 2),
        st.sampled_from((0, lim, -lim, lim + 1, -lim - 1, half, -half, half - 1, -half - 1,
                         1 << 60, -(1 << 60), (1 << 60) - 1)),
    )
    size = int(np.prod(shape)) * L
    x = np.array(draw(st.lists(limb, min_size=size, max_size=size)), dtype=np.int64).reshape(shape + (L,))
    pad = draw(st.integers(0, 2))  # zero limbs on top, to be dropped
    return np.concatenate([x, np.zeros(shape + (pad,), dtype=np.int64)], axis=-1)


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def test_normalize_random(data):
    # B = 1 (limb_bits of widths 2^50..2^51 only) is left out: normalize(x, 1) with a limb
    # beyond 2 never returns (the pass bound of limbs._normal has the fixed point 5 > 2^B).
    B = data.draw(st.sampled_from(BS + (2, 7)), label="B")
    _check_normalize(data.draw(big_limb_arrays(B), label="x"), B)


@pytest.mark.parametrize("B", BS + (2, 3))  # not B = 1: see the note in test_normalize_random
def test_normalize_ripple_and_overflow(B):
    lim, half = 1 << B, 1 << (B - 1)
    L = 8
    cases = [
        [lim + 1] + [lim] * (L - 1),                 # normal: a carry ripples through every limb
        [-lim - 1] + [-lim] * (L - 1),
        [half] + [half - 1] * (L - 1),               # balanced: ripples, then a new top limb
        [-half - 1] + [-half] * (L - 1),
        [lim - 1] * L,
        [-lim + 1] * L,
        [1 << 60] + [0] * (L - 1),                   # big limb: carries across several limbs
        [0] * (L - 1) + [1 << 60],                   # top limb overflows: several limbs added
        [0] * (L - 1) + [-(1 << 60)],
        [(1 << 60) - 1] * L,
        [-(1 << 60)] * L,
        [1 << 60, -(1 << 60) >> B] + [0] * (L - 2),  # cancels to a small number
        [0] * L,
        [1] + [0] * (L - 1),
        [-1] + [0] * (L - 1),
    ]
    for c in cases:
        _check_normalize(np.array([c], dtype=np.int64), B)
    # all together: some entries need new limbs, others have zero top limbs
    _check_normalize(np.array(cases, dtype=np.int64), B)
    _check_normalize(np.array(cases, dtype=np.int64).reshape(3, 5, L), B)
    # entries that cancel exactly: all-zero result has one limb
    y = normalize(np.array([[lim, -1], [-lim, 1]], dtype=np.int64), B, balanced=True)
    assert y.shape == (2, 1) and not y.any()
    y = normalize(np.zeros((2, 0, 4), dtype=np.int64), B, balanced=True)
    assert y.shape == (2, 0, 1)


# ---------------------------------------------------------------------------------------------
# 3. matmul(weights(W, B), R)

def _exact_product(W: list[list[int]], R: list[list[int]]) -> list[int]:
    """Flat (m, D) entries of W @ R with Python integers."""
    n = len(R)
    D = len(R[0]) if n else 0
    return [sum(W[j][k] * R[k][d] for k in range(n)) for j in range(len(W)) for d in range(D)]


def _check_matmul(W: list[list[int]], R: np.ndarray, B: int) -> np.ndarray:
    m, (n, D, _) = len(W), R.shape
    _assert_normal(R, B)
    Rint = [[_decode(R[k, d], B)[0] for d in range(D)] for k in range(n)]
    stacked, Lw = weights(W, B)
    assert stacked.dtype == np.float64 and stacked.shape == (Lw * m, n)
    wl = stacked.reshape(Lw, m, n).astype(np.int64)
    assert np.array_equal(wl.astype(np.float64), stacked.reshape(Lw, m, n))
    _assert_balanced(wl, B)
    assert _decode(wl.transpose(1, 2, 0), B) == [w for row in W for w in row]
    out = matmul((stacked, Lw), R)
    assert out.dtype == np.int64 and out.shape[:2] == (m, D)
    exact = _exact_product(W, Rint)
    assert _decode(out, B) == exact
    assert from_limbs(out, B).reshape(-1).tolist() == exact
    assert _decode(normalize(out, B), B) == exact
    return out


@settings(max_examples=120, **SETTINGS)
@given(st.sampled_from((1, 2, 3, 16, 63, 64, 65, 200)), st.integers(1, 4), st.integers(1, 3),
       st.booleans(), st.randoms(use_true_random=False))
def test_matmul_random(n, m, D, raw_limbs, rng):
    B = limb_bits(n)
    W = [[_edge_int(rng, 50, B) for _ in range(n)] for _ in range(m)]
    if raw_limbs:  # arbitrary normal limbs, not only what to_limbs produces
        L = rng.randrange(1, 5)
        lim = 1 << B
        pool = (lim, -lim, lim - 1, -lim + 1, 0)
        R = np.array([rng.choice(pool) if rng.random() < 0.3 else rng.randrange(-lim, lim + 1)
                      for _ in range(n * D * L)], dtype=np.int64).reshape(n, D, L)
    else:
        Rint = [[_edge_int(rng, 300, B) for _ in range(D)] for _ in range(n)]
        R = normalize(to_limbs(Rint, B), B)
        assert _decode(R, B) == [v for row in Rint for v in row]
    _check_matmul(W, R, B)


def test_matmul_module_example():
    B = limb_bits(64)
    W = [[3, -(1 << 70)], [5, 7]]
    Rint = [[1 << 90, -1], [2, 3]]
    out = matmul(weights(W, B), to_limbs(Rint, B))
    assert _decode(out, B) == _exact_product(W, Rint)


@pytest.mark.parametrize("n", [1, 2, 4, 16, 64, 65, 256, 1024])
def test_matmul_extreme_limbs(n):
    """Every limb at its extreme: the float64 sums reach exactly 2^53 when n is a power of 4."""
    B = limb_bits(n)
    lim, half = 1 << B, 1 << (B - 1)
    if n & (n - 1) == 0 and (n.bit_length() - 1) % 2 == 0:
        assert n * half * lim == 1 << 53  # the bound of limb_bits is attained
    Lw, L, D = 3, 3, 5
    rng = random.Random(n)
    # weight limbs (balanced): all -2^(B-1); or odd ones next to it; or random extreme signs
    wrows = [
        [[-half] * Lw for _ in range(n)],
        [[-half + 1] + [-half] * (Lw - 1) for _ in range(n)],
        [[-half + 1] * Lw for _ in range(n)],
        [[rng.choice((-half, -half + 1, half - 1)) for _ in range(Lw)] for _ in range(n)],
    ]
    W = [[sum(c << (B * a) for a, c in enumerate(limbs)) for limbs in row] for row in wrows]
    # R limbs (normal): all +2^B, all -2^B, all odd 2^B - 1, and random mixes of those
    cols = [
        lambda: lim, lambda: -lim, lambda: lim - 1,
        lambda: rng.choice((lim, -lim)), lambda: rng.choice((lim, -lim, lim - 1, 1 - lim)),
    ]
    R = np.array([[[cols[d]() for _ in range(L)] for d in range(D)] for _ in range(n)], dtype=np.int64)
    out = _check_matmul(W, R, B)
    # the weights were laid out with exactly the intended extreme limbs
    stacked, Lw2 = weights(W, B)
    assert Lw2 == Lw
    assert np.array_equal(stacked.reshape(Lw, len(W), n).transpose(1, 2, 0), np.array(wrows, dtype=np.float64))
    # the extreme entry: all -2^(B-1) times all 2^B is -n 2^(2B-1) in every limb position
    assert int(out[0, 0, 0]) == -n * half * lim
    assert from_limbs(R, B).shape == (n, D)


def test_exactness_check_has_teeth():
    """With limbs one bit wider than limb_bits allows, the same check must see a wrong product
    (63 odd products of about 2^49: the sum is odd and about 2^55, not a float64)."""
    n = 63
    B = limb_bits(n) + 1
    half = 1 << (B - 1)
    W = [[-half + 1] * n]
    R = np.full((n, 1, 1), (1 << B) - 1, dtype=np.int64)
    out = matmul(weights(W, B), R)
    assert _decode(out, B) != _exact_product(W, [[(1 << B) - 1]] * n)


# ---------------------------------------------------------------------------------------------
# 4. to_float

def _check_to_float(x: np.ndarray, B: int, finite: bool = True) -> None:
    L = x.shape[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        vals, abs_sum = to_float(x, B)
    assert vals.shape == abs_sum.shape == x.shape[:-1]
    exact, terms = _decode(x, B), _abs_terms(x, B)
    tol = (L + 1) * EPS
    for v, a, e, t in zip(vals.reshape(-1).tolist(), abs_sum.reshape(-1).tolist(), exact, terms):
        if abs(e) >= 1 << 1024:
            assert not np.isfinite(v), f"finite {v} for a value of {e.bit_length()} bits"
        if finite:
            assert np.isfinite(v) and np.isfinite(a)
        if not (np.isfinite(v) and np.isfinite(a)):
            continue
        assert abs(Fraction(v) - e) <= tol * Fraction(a)
        # the bound is a sum of absolute terms, not something vacuously large
        assert abs(Fraction(a) - t) <= tol * t
        assert Fraction(a) >= abs(e) * (1 - tol)


@settings(max_examples=200, **SETTINGS)
@given(st.data())
def test_to_float_bound(data):
    B = data.draw(st.sampled_from(BS + (2, 3)), label="B")  # B = 1 has no balanced limbs {-1, 0}
    shape = data.draw(SHAPES, label="shape")
    size = int(np.prod(shape))
    max_bits = min(900, 40 * B)  # B * L stays far below the float range
    flat = data.draw(st.lists(edge_ints(max_bits, B), min_size=size, max_size=size), label="values")
    x = to_limbs(_nested(flat, shape), B)
    if data.draw(st.booleans(), label="balanced"):
        x = normalize(x, B, balanced=True)
    _check_to_float(x, B)


@settings(max_examples=60, **SETTINGS)
@given(st.sampled_from(BS), st.integers(1, 20), st.integers(1, 5), st.randoms(use_true_random=False))
def test_to_float_raw_limbs(B, L, k, rng):
    lim = 1 << B
    x = np.array([rng.choice((lim, -lim, 0, rng.randrange(-lim, lim + 1))) for _ in range(k * L)],
                 dtype=np.int64).reshape(k, L)
    _check_to_float(x, B)


@pytest.mark.parametrize("B", BS)
def test_to_float_huge(B):
    L = 1100 // B + 2
    assert B * L > 1100
    flat = [1 << 1050, -(1 << 1050), (1 << 1023) * 3, (1 << 1024) - 1, 1 << (B * (L - 2)), 1, -1, 0,
            (1 << (B * L - 2)) - 1, 7 << 1000]
    x = to_limbs(flat, B)
    assert x.shape[-1] >= L - 1
    _check_to_float(x, B, finite=False)
    rng = random.Random(B)
    lim = 1 << B
    for Lx in (L, L + 10):
        x = np.array([[rng.choice((lim, -lim, 0, rng.randrange(-lim, lim + 1))) for _ in range(Lx)]
                      for _ in range(20)], dtype=np.int64)
        x[:5, -3:] = 0  # small and large values mixed, zero top limbs
        x[5:10, Lx // 2:] = 0
        _check_to_float(x, B, finite=False)
    # beyond 2^1024: no finite value at all
    x = np.array([[0] * (L - 1) + [1], [0] * (L - 1) + [-lim], [lim] * L], dtype=np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        vals, _ = to_float(x, B)
    assert not np.isfinite(vals).any()


# ---------------------------------------------------------------------------------------------
# 5. limb_bits

def test_limb_bits():
    # beyond about 2^48, math.log2 rounds: limb_bits(2^50 + 1) == 2 although 2*2 - 1 + 51 > 53
    widths = sorted(set(range(1, 5000)) | {(1 << k) + d for k in range(12, 47) for d in (-1, 0, 1)})
    prev = None
    for w in widths:
        c = (w - 1).bit_length()  # ceil(log2 w), exactly
        B = limb_bits(w)
        assert B >= 1
        assert 2 * B - 1 + c <= 53, w
        assert 2 * (B + 1) - 1 + c > 53, w
        if prev is not None:
            assert B <= prev
        prev = B
    assert (limb_bits(64), limb_bits(1), limb_bits(1000)) == (24, 27, 22)
