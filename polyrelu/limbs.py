"""Exact integer arrays as limbs, so that BLAS does exact big-integer products.

An integer ``x`` is stored as int64 limbs ``x_0, ..., x_{L-1}`` with ``x = sum_k x_k 2^(B k)``.
The engine keeps the exact affine forms of every cell in this layout: a product ``W @ R`` of an
integer weight matrix with such rows is a single float64 matrix product of the limb matrices, and it
is exact because every partial sum is an integer below 2^53 (the limb size ``B`` is chosen from the
width so that this holds; see :func:`limb_bits`).  Python integers appear only at the edges: where a
few rows are needed exactly, and for the output maps the engine hands back.

Invariants: a *normal* array has every limb in ``[-2^B, 2^B]``; a *balanced* one in
``[-2^(B-1), 2^(B-1))``.  Products need one balanced factor and one normal factor.  Limbs given to
:func:`normalize` must stay below 2^62 in magnitude (the engine's are below 2^56).

>>> B = limb_bits(64)
>>> W = [[3, -(1 << 70)], [5, 7]]
>>> R = to_limbs([[1 << 90, -1], [2, 3]], B)
>>> from_limbs(matmul(weights(W, B), R), B).tolist() == [[3 * 2 ** 90 - 2 ** 71, -3 - 3 * 2 ** 70], [5 * 2 ** 90 + 14, 16]]
True
"""
from __future__ import annotations

import numpy as np

__all__ = ["limb_bits", "to_limbs", "from_limbs", "normalize", "stack", "weights", "matmul", "to_float"]


def limb_bits(width: int) -> int:
    """Largest ``B`` for which a product over ``width`` terms is exact in float64.

    A balanced limb (< 2^(B-1)) times a normal limb (<= 2^B) is at most 2^(2B-1); a sum of
    ``width`` of them stays at most 2^53, where every integer is a float, when
    ``2B - 1 + ceil(log2 width) <= 53``.

    >>> limb_bits(64), limb_bits(1), limb_bits(1000)
    (24, 27, 22)
    """
    B = (54 - (max(width, 1) - 1).bit_length()) // 2  # bit_length is ceil(log2) exactly
    if B < 2:
        raise ValueError(f"a layer of width {width} is too wide for exact float64 limb products")
    return B


def to_limbs(values, B: int) -> np.ndarray:
    """Normal limbs of an integer array (any nesting of sequences): shape ``values.shape + (L,)``.

    >>> x = to_limbs([5, -1, 1 << 30], 24)
    >>> x.shape, from_limbs(x, 24).tolist()
    ((3, 2), [5, -1, 1073741824])
    """
    arr = np.asarray(values, dtype=object)
    flat = [int(v) for v in arr.reshape(-1)]
    nbits = max((abs(v).bit_length() for v in flat), default=0) + 1
    L = max(1, -(-nbits // B))
    mask = (1 << B) - 1
    out = np.empty((len(flat), L), dtype=np.int64)
    for i, v in enumerate(flat):
        row = out[i]
        for k in range(L):
            row[k] = v & mask
            v >>= B
        # v is now 0 or -1 (two's complement sign); fold it into the top limb: it stays normal
        row[L - 1] += v << B
    return out.reshape(arr.shape + (L,))


def from_limbs(x: np.ndarray, B: int) -> np.ndarray:
    """The exact Python integers of a limb array, as an object array of shape ``x.shape[:-1]``."""
    L = x.shape[-1]
    powers = np.empty(L, dtype=object)
    powers[:] = [1 << (B * k) for k in range(L)]
    return x.astype(object) @ powers


def normalize(x: np.ndarray, B: int, balanced: bool = False) -> np.ndarray:
    """The same integers with normal (or balanced) limbs; limbs are added at the top if needed,
    and top limbs that are zero everywhere are dropped."""
    half = 1 << (B - 1)
    lim = 1 << B
    if not balanced and x.size:
        return _trim(_normal(x, B))
    while True:
        if balanced:
            done = not (((x < -half) | (x >= half)).any())
        else:
            m = np.abs(x).max() if x.size else 0
            done = m <= lim
        if done:
            break
        c = (x + half) >> B
        x = x - (c << B)
        if c[..., -1].any():
            x = np.concatenate([x, np.zeros(x.shape[:-1] + (1,), dtype=np.int64)], axis=-1)
            x[..., 1:] += c
        else:
            x[..., 1:] += c[..., :-1]
    return _trim(x)


def _trim(x: np.ndarray) -> np.ndarray:
    L = x.shape[-1]
    while L > 1 and not x[..., L - 1].any():
        L -= 1
    return x[..., :L] if L < x.shape[-1] else x


def _normal(x: np.ndarray, B: int) -> np.ndarray:
    """Normal limbs by a fixed number of parallel carry passes, with no test in between.

    With every limb at most M in magnitude, the integer is below 2M 2^(B(L-1)); ``e`` more limbs
    make room for it, so the top limb only ever receives carries and ends up normal.  A pass maps
    the bound M of the other limbs to 2^(B-1) + (M + 2^(B-1)) / 2^B + 1, so the number of passes
    is known in advance (two, after a product).
    """
    half = 1 << (B - 1)
    lim = 1 << B
    M = int(np.abs(x).max())
    if M <= lim:
        return x
    e = 0
    while ((2 * M) >> (B * e)) + 1 > lim:
        e += 1
    x = np.concatenate([x, np.zeros(x.shape[:-1] + (e,), dtype=np.int64)], axis=-1)
    lo, hi = x[..., :-1], x[..., 1:]
    while M > lim:
        c = lo + half
        c >>= B
        lo -= c << B
        hi += c
        M = half + ((M + half) >> B) + 1
    return x


def stack(arrays: list[np.ndarray]) -> np.ndarray:
    """Stack limb arrays whose shapes differ only in the number of limbs (zero limbs on top).

    >>> x = stack([to_limbs([1, 2], 24), to_limbs([1 << 30, 3], 24)])
    >>> x.shape, from_limbs(x, 24).tolist()
    ((2, 2, 2), [[1, 2], [1073741824, 3]])
    """
    L = max(a.shape[-1] for a in arrays)
    if all(a.shape[-1] == L for a in arrays):
        return np.stack(arrays)
    out = np.zeros((len(arrays),) + arrays[0].shape[:-1] + (L,), dtype=np.int64)
    for k, a in enumerate(arrays):
        out[k, ..., :a.shape[-1]] = a
    return out


def weights(W, B: int) -> tuple[np.ndarray, int]:
    """A weight matrix prepared for :func:`matmul`: its balanced limbs stacked as a float64 matrix
    of shape ``(Lw*m, n)``, and ``Lw``."""
    w = normalize(to_limbs(W, B), B, balanced=True)  # (m, n, Lw)
    m, n, Lw = w.shape
    return np.ascontiguousarray(w.transpose(2, 0, 1).reshape(Lw * m, n), dtype=np.float64), Lw


def matmul(Wt: tuple[np.ndarray, int], R: np.ndarray) -> np.ndarray:
    """``W @ R`` exactly, for ``R`` of shape ``(n, D, L)`` with normal limbs; result not normalized.

    Each float64 entry of the limb product is a sum of ``n`` products of a balanced and a normal
    limb, an integer of at most 2^53 in magnitude, so BLAS computes it exactly in any order.
    """
    stacked, Lw = Wt
    n, D, L = R.shape
    m = stacked.shape[0] // Lw
    P = (stacked @ R.reshape(n, D * L).astype(np.float64)).astype(np.int64).reshape(Lw, m, D, L)
    if Lw == 1:
        return P[0]
    out = np.zeros((m, D, L + Lw - 1), dtype=np.int64)
    for a in range(Lw):
        out[:, :, a:a + L] += P[a]
    return out


def to_float(x: np.ndarray, B: int) -> tuple[np.ndarray, np.ndarray]:
    """Float values of normal limb arrays and a bound on their absolute error.

    Every term ``x_k 2^(Bk)`` is exact in float64 (unless it overflows to inf, which the callers
    treat as "nothing certified"), so the error of the sum is at most ``(L-1) eps`` times the
    sum of the absolute terms; the second array is that sum of absolute terms (rounded up by the
    caller's margin).
    """
    L = x.shape[-1]
    pw = np.ldexp(1.0, B * np.arange(L))
    xf = x.astype(np.float64)
    return xf @ pw, np.abs(xf) @ pw
