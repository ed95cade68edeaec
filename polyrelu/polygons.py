"""Exact polygons: the vertices of a convex polygon in cyclic order, the faces of a 3-D polytope.

Pictures (2-D regions), meshes (2-D polygons and 3-D polyhedron cells) and GeoJSON rings all need
the vertices of a convex polygon in counterclockwise order; it is decided here exactly, by signs of
triple products, never by angles.  :func:`require_dim` and :func:`require_bounded` are the checks
that a complex can be drawn or meshed that way.

>>> from fractions import Fraction as F
>>> polygon_ccw([(F(1), F(1)), (F(0), F(0)), (F(1), F(0)), (F(0), F(1))])
[(Fraction(1, 1), Fraction(1, 1)), (Fraction(0, 1), Fraction(1, 1)), (Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(0, 1))]
"""
from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any, Sequence

from .exact import InvalidInputError

__all__ = ["cyclic_order", "polygon_ccw", "polyhedron_faces", "require_bounded", "require_dim"]

Point = tuple[Fraction, ...]


def _sub(a: Sequence[Fraction], b: Sequence[Fraction]) -> tuple[Fraction, ...]:
    return tuple(x - y for x, y in zip(a, b))


def _dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def _cross(a: Sequence[Fraction], b: Sequence[Fraction]) -> tuple[Fraction, ...]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def cyclic_order(points: Sequence[Sequence[Fraction]], normal: Sequence[Fraction]) -> list[int]:
    """Indices of coplanar 3-D points (vertices of a convex polygon) in counterclockwise order
    seen from the tip of ``normal`` -- decided exactly, by signs of triple products.

    >>> from fractions import Fraction as F
    >>> square = [(F(1), F(1), F(0)), (F(0), F(0), F(0)), (F(1), F(0), F(0)), (F(0), F(1), F(0))]
    >>> cyclic_order(square, (0, 0, 1)), cyclic_order(square, (0, 0, -1))
    ([0, 3, 1, 2], [0, 2, 1, 3])
    """
    k = len(points)
    if k < 3:
        return list(range(k))
    c = tuple(sum(p[j] for p in points) / k for j in range(3))
    d = [_sub(p, c) for p in points]
    u = d[0]

    def orient(a, b) -> Fraction:
        return _dot(normal, _cross(a, b))

    def half(v) -> int:
        o = orient(u, v)
        if o > 0 or (o == 0 and _dot(u, v) > 0):
            return 0
        return 1

    def cmp(i: int, j: int) -> int:
        hi, hj = half(d[i]), half(d[j])
        if hi != hj:
            return hi - hj
        o = orient(d[i], d[j])
        return -1 if o > 0 else (1 if o < 0 else 0)

    return sorted(range(k), key=functools.cmp_to_key(cmp))


def polygon_ccw(vertices: Sequence[Sequence[Fraction]]) -> list[Point]:
    """The vertices of a convex polygon in the plane, counterclockwise (starting anywhere).

    >>> from fractions import Fraction as F
    >>> [tuple(map(int, v)) for v in polygon_ccw([(F(0), F(0)), (F(0), F(1)), (F(1), F(0))])]
    [(0, 0), (1, 0), (0, 1)]
    """
    lifted = [(v[0], v[1], Fraction(0)) for v in vertices]
    order = cyclic_order(lifted, (Fraction(0), Fraction(0), Fraction(1)))
    return [tuple(vertices[i]) for i in order]


def polyhedron_faces(P: Any) -> list[list[Point]]:
    """The facets of a bounded 3-D polytope as vertex lists, each counterclockwise seen from
    outside (right-hand rule gives the outward normal, as VTK expects).

    >>> from polyrelu import Polytope
    >>> faces = polyhedron_faces(Polytope.simplex(3))
    >>> len(faces), sorted(len(f) for f in faces)
    (4, [3, 3, 3, 3])
    """
    A, b = P.inequalities
    V = [tuple(v) for v in P.vertices]
    faces = []
    for a, beta in zip(A, b):
        on = [v for v in V if _dot(a, v) == beta]
        order = cyclic_order(on, a)  # a is the outward normal of a.x <= beta
        faces.append([on[i] for i in order])
    return faces


def require_bounded(cx: Any, what: str) -> None:
    """Raise :class:`~polyrelu.exact.InvalidInputError` unless every region of ``cx`` is bounded.

    >>> from polyrelu import ReLUNetwork, PolyhedralComplex
    >>> require_bounded(PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])])), "a picture")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: a picture needs bounded regions, but region 0 is unbounded: build the complex on a bounded domain (e.g. --box LO HI)
    """
    for r in cx.regions:
        if not r.is_bounded:
            raise InvalidInputError(
                f"{what} needs bounded regions, but region {r.index} is unbounded: "
                "build the complex on a bounded domain (e.g. --box LO HI)"
            )


def require_dim(cx: Any, dims: Sequence[int], what: str) -> None:
    """Raise :class:`~polyrelu.exact.InvalidInputError` unless the input dimension of ``cx`` is in ``dims``.

    >>> from polyrelu import ReLUNetwork, PolyhedralComplex
    >>> require_dim(PolyhedralComplex.from_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])])), (2, 3), "a mesh")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: a mesh is for 2-D or 3-D inputs; this complex is 1-D
    """
    if cx.dim not in dims:
        raise InvalidInputError(
            f"{what} is for {' or '.join(f'{d}-D' for d in dims)} inputs; this complex is {cx.dim}-D"
        )
