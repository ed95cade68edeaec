"""How a region is named in files and pictures: its pattern as text, a stable hash, the network's
output at its interior point, and the number of the linear region (piece of the function) it lies in.

Every export format and every picture labels regions the same way, through these functions.

>>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
>>> net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])  # |x|
>>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1], [1]))
>>> [pattern_string(r) for r in cx.regions], linear_region_ids(cx)
(['10', '01'], {0: 0, 1: 1})
"""
from __future__ import annotations

import hashlib
from fractions import Fraction
from typing import Any

__all__ = ["pattern_string", "signs_string", "pattern_hash", "region_output", "linear_region_ids"]


def pattern_string(region: Any) -> str:
    """The activation pattern of a region as text: one 0/1 digit per neuron, layers split by ``|``.

    >>> from types import SimpleNamespace
    >>> pattern_string(SimpleNamespace(pattern=((1, 0, 1), (0, 1))))
    '101|01'
    """
    return "|".join("".join(str(int(a)) for a in layer) for layer in region.pattern)


def signs_string(region: Any) -> str:
    """The sign vector of a region as text: ``+``/``-``/``0`` per neuron, layers split by ``|``.

    ``0`` marks a neuron that is identically zero on the region.

    >>> from types import SimpleNamespace
    >>> signs_string(SimpleNamespace(signs=((1, -1, 0), (1,))))
    '+-0|+'
    """
    sym = {1: "+", -1: "-", 0: "0"}
    return "|".join("".join(sym[int(s)] for s in layer) for layer in region.signs)


def pattern_hash(region_or_pattern: Any) -> int:
    """A stable 31-bit integer naming an activation pattern (same value in every run and file).

    It is meant for colouring and grouping cells in viewers that only hold numbers (VTK cell
    data); two patterns can share a hash only by a (rare) collision.

    >>> pattern_hash(((1, 0, 1), (0, 1))) == pattern_hash(((1, 0, 1), (0, 1)))
    True
    >>> pattern_hash(((1, 0, 1), (0, 1))) != pattern_hash(((1, 0, 1), (1, 1)))
    True
    """
    pattern = getattr(region_or_pattern, "pattern", region_or_pattern)
    text = "|".join("".join(str(int(a)) for a in layer) for layer in pattern)
    digest = hashlib.blake2b(text.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF


def region_output(cx: Any, region: Any) -> tuple[Fraction, ...] | None:
    """The exact network output at the region's interior point (``None`` for an arrangement).

    >>> from polyrelu import ReLUNetwork, PolyhedralComplex
    >>> cx = PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[2]], [1])]))
    >>> sorted(region_output(cx, r)[0] > 1 for r in cx.regions)
    [False, True]
    """
    net = getattr(cx, "network", None)
    if net is None or getattr(cx, "arrangement", None) is not None:  # an arrangement has no map
        return None
    return tuple(net(region.interior_point))


def linear_region_ids(cx: Any) -> dict[int, int]:
    """Region index -> index of its linear region (pieces numbered by their smallest region).

    An arrangement has no affine maps: there every region is its own piece.

    >>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
    >>> net = ReLUNetwork([([[1], [1]], [0, -1]), ([[1, 0]], [0])])   # relu(x): unit 2 bends nothing
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1], [2]))
    >>> [r.interior_point[0] for r in cx.regions], linear_region_ids(cx)
    ([Fraction(3, 2), Fraction(1, 2), Fraction(-1, 2)], {0: 0, 1: 0, 2: 1})
    """
    try:
        pieces = cx.linear_regions()
    except Exception:  # an arrangement has no affine maps: every region is its own piece
        return {r.index: r.index for r in cx.regions}
    pieces = sorted((sorted(p) for p in pieces), key=lambda p: p[0])
    return {i: k for k, piece in enumerate(pieces) for i in piece}
