"""Zonotopes: Minkowski sums of segments, exactly.

Arora et al.'s symmetric convention ``Z = c + sum_i [-g_i, g_i]``.  A :class:`Zonotope` is built two
independent ways, which a test checks agree:

* **Minkowski route** (:attr:`Zonotope.polytope`): the backend sums the segments one by one;
* **combinatorial route** (:meth:`Zonotope.polytope_from_sign_vectors`): the vertices are
  ``c + sum_i eps_i g_i`` for the *realisable* sign vectors ``eps`` -- the sign vectors of the regions
  of the central arrangement ``{u : <g_i, u> = 0}`` -- each found by an exact feasibility test.

The support function ``h_Z(u) = <u, c> + sum_i |<g_i, u>|`` is computed by a one-hidden-layer ReLU
network with 2m units (:meth:`Zonotope.support_function_network`); its linear regions are the
normal cones of Z's vertices.

>>> Z = Zonotope([[1, 0], [0, 1], [1, 1]])
>>> Z
Zonotope(3 generators in R^2, center 0)
>>> Z.f_vector, Z.n_vertices, zonotope_vertex_count(3, 2)
((6, 6, 1), 6, 6)
>>> [tuple(map(int, v)) for v in Z.vertices]
[(-2, -2), (-2, 0), (0, -2), (0, 2), (2, 0), (2, 2)]
>>> Z.support_function([1, -1])
Fraction(2, 1)
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any, Sequence

from .bounds import central_region_count, zonotope_f_vector, zonotope_vertex_count
from .complex import PolyhedralComplex
from .exact import InvalidInputError, fraction_to_str, primitive_ints, to_matrix, to_vector
from .linalg import nullspace
from .linalg import rank as _rank
from .network import ReLUNetwork
from .polytope import Polytope

# the counting formulas live in polyrelu.bounds; they stay importable from here
__all__ = ["Zonotope", "zonotope_vertex_count", "zonotope_f_vector", "central_region_count"]

Vector = tuple[Fraction, ...]
_ZERO = Fraction(0)


def _normal(rows: Sequence[Sequence[Fraction]], n: int) -> Vector | None:
    """A primitive integer normal of the hyperplane spanned by ``rows`` (rank n-1), else None."""
    if _rank(rows) != n - 1:
        return None
    ints = list(primitive_ints(nullspace(rows, n)[0]))
    # canonical orientation: first nonzero entry positive
    first = next(v for v in ints if v)
    if first < 0:
        ints = [-v for v in ints]
    return tuple(Fraction(v) for v in ints)


def _dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b)), _ZERO)


class Zonotope:
    """The zonotope ``c + sum_i [-g_i, g_i]`` of exact generators ``g_1..g_m`` in R^n.

    Immutable; geometry is computed lazily and cached.  ``generators`` is an m x n array-like
    (m >= 1), ``center`` a length-n vector (default 0).  Zero generators are allowed (they add
    nothing); parallel generators are allowed (they merge into one hyperplane of the central
    arrangement).

    >>> Z = Zonotope([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])   # rhombic dodecahedron
    >>> Z.f_vector, Z.is_general_position
    ((14, 24, 12, 1), True)
    >>> Zonotope([[1, 0], [2, 0], [0, 1]]).n_vertices   # degenerate: 4 < 2 S(2, 1) = 6
    4
    """

    __slots__ = ("_generators", "_center", "_cache", "__weakref__")

    def __init__(self, generators: Any, center: Any = None):
        G = to_matrix(generators, name="generators")
        if not G:
            raise InvalidInputError("a zonotope needs at least one generator")
        if not G[0]:
            raise InvalidInputError("generators must have at least one coordinate")
        n = len(G[0])
        c = to_vector([0] * n if center is None else center, n, name="center")
        object.__setattr__(self, "_generators", G)
        object.__setattr__(self, "_center", c)
        object.__setattr__(self, "_cache", {})

    def _cached(self, key: Any, fn: Any) -> Any:
        # the caching idiom of Polytope: immutable object, values computed once on first use
        c = self._cache
        if key not in c:
            c[key] = fn()
        return c[key]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Zonotope is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Zonotope is immutable")

    # -- data ---------------------------------------------------------------------------
    @property
    def generators(self) -> tuple[Vector, ...]:
        """The generators g_1..g_m (tuples of Fractions).

        >>> Zonotope([[1, "1/2"]]).generators
        ((Fraction(1, 1), Fraction(1, 2)),)
        """
        return self._generators

    @property
    def center(self) -> Vector:
        """The center c of ``Z = c + sum_i [-g_i, g_i]``.

        >>> Zonotope([[1, 0]], center=[2, 3]).center
        (Fraction(2, 1), Fraction(3, 1))
        """
        return self._center

    @property
    def ambient_dim(self) -> int:
        """Dimension n of the space R^n the zonotope lives in.

        >>> Zonotope([[1, 0, 0]]).ambient_dim
        3
        """
        return len(self._center)

    @property
    def n_generators(self) -> int:
        """Number m of generators.

        >>> Zonotope([[1, 0], [0, 1], [1, 1]]).n_generators
        3
        """
        return len(self._generators)

    def __repr__(self) -> str:
        c = "0" if not any(self._center) else "(" + ", ".join(fraction_to_str(x) for x in self._center) + ")"
        return f"Zonotope({self.n_generators} generators in R^{self.ambient_dim}, center {c})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Zonotope) and (self._generators, self._center) == (other._generators, other._center)

    def __hash__(self) -> int:
        return hash((self._generators, self._center))

    # -- general position -------------------------------------------------------------------
    @property
    def is_general_position(self) -> bool:
        """Every min(n, m) of the generators are linearly independent (exact rank test).

        >>> Zonotope([[1, 0], [2, 0], [0, 1]]).is_general_position
        False
        """
        r = min(self.ambient_dim, self.n_generators)
        return self._cached("gp", lambda: all(_rank(S) == r for S in combinations(self._generators, r)))

    # -- Minkowski route ----------------------------------------------------------------------
    @property
    def polytope(self) -> Polytope:
        """Z as a :class:`~polyrelu.polytope.Polytope`, by summing the segments ``[-g_i, g_i]`` one at a
        time through the exact backend (the Minkowski route).

        >>> Zonotope([[1, 0], [0, 1], [1, 1]]).polytope == Zonotope([[1, 0], [0, 1], [1, 1]]).polytope_from_sign_vectors()
        True
        """
        def minkowski() -> Polytope:
            P = Polytope.from_vertices([self._center])
            for g in self._generators:
                P = P.minkowski_sum(Polytope.from_vertices([tuple(-x for x in g), g]))
            return P

        return self._cached("polytope", minkowski)

    # -- combinatorial route --------------------------------------------------------------------
    def sign_vectors(self, method: str = "lp") -> tuple[tuple[int, ...], ...]:
        """The realisable sign vectors: for each region of the central arrangement
        ``{u : <g_i, u> = 0}``, the tuple ``(sign <g_1, u>, ..., sign <g_m, u>)`` (0 for a zero
        generator).  Sorted.  They are in bijection with the vertices of Z.

        ``method="lp"`` grows sign vectors generator by generator and keeps a prefix only if
        ``{u : eps_i <g_i, u> >= 1, i <= j}`` is nonempty (an exact feasibility test per prefix; by
        homogeneity this is the open cone being nonempty).  ``method="arrangement"`` reads them off
        :meth:`PolyhedralComplex.from_arrangement <polyrelu.complex.PolyhedralComplex.from_arrangement>`
        of the central arrangement.

        >>> Zonotope([[1, 0], [0, 1], [1, 1]]).sign_vectors()
        ((-1, -1, -1), (-1, 1, -1), (-1, 1, 1), (1, -1, -1), (1, -1, 1), (1, 1, 1))
        """
        if method not in ("lp", "arrangement"):
            raise InvalidInputError(f"method must be 'lp' or 'arrangement', got {method!r}")
        compute = self._sign_vectors_lp if method == "lp" else self._sign_vectors_arrangement
        return self._cached(("signs", method), compute)

    def _sign_vectors_lp(self) -> tuple[tuple[int, ...], ...]:
        gens = self._generators
        prefixes: list[tuple[int, ...]] = [()]
        for j, g in enumerate(gens):
            if not any(g):
                prefixes = [p + (0,) for p in prefixes]
                continue
            new = []
            for p in prefixes:
                for e in (1, -1):
                    cand = p + (e,)
                    rows = [tuple(-s * x for x in gens[i]) for i, s in enumerate(cand) if s]
                    P = Polytope.from_inequalities(rows, [Fraction(-1)] * len(rows))
                    if not P.is_empty:
                        new.append(cand)
            prefixes = new
        return tuple(sorted(prefixes))

    def _sign_vectors_arrangement(self) -> tuple[tuple[int, ...], ...]:
        nonzero = [g for g in self._generators if any(g)]
        if not nonzero:
            return (tuple(0 for _ in self._generators),)
        cx = PolyhedralComplex.from_arrangement(nonzero, [0] * len(nonzero))
        out = set()
        for region in cx.regions:
            u = region.interior_point
            signs = []
            for g in self._generators:
                v = _dot(g, u)
                signs.append((v > 0) - (v < 0))
            if any(s == 0 and any(g) for s, g in zip(signs, self._generators)):
                raise AssertionError("interior point lies on an arrangement hyperplane")
            out.add(tuple(signs))
        return tuple(sorted(out))

    def vertices_from_sign_vectors(self, method: str = "lp") -> tuple[Vector, ...]:
        """``c + sum_i eps_i g_i`` for every realisable sign vector ``eps`` (sorted).

        >>> [tuple(map(int, v)) for v in Zonotope([[1, 0], [0, 1], [1, 1]]).vertices_from_sign_vectors()]
        [(-2, -2), (-2, 0), (0, -2), (0, 2), (2, 0), (2, 2)]
        """
        verts = set()
        for eps in self.sign_vectors(method):
            v = list(self._center)
            for e, g in zip(eps, self._generators):
                if e:
                    v = [a + e * b for a, b in zip(v, g)]
            verts.add(tuple(v))
        return tuple(sorted(verts))

    def polytope_from_sign_vectors(self, method: str = "lp") -> Polytope:
        """Z as ``conv`` of :meth:`vertices_from_sign_vectors` (the combinatorial route).

        >>> len(Zonotope([[1, 0], [0, 1], [1, 1]]).polytope_from_sign_vectors().vertices)
        6
        """
        return Polytope.from_vertices(self.vertices_from_sign_vectors(method))

    # -- facets from the generators -------------------------------------------------------------
    def facet_inequalities(self) -> tuple[tuple[Vector, ...], Vector]:
        """H-representation from the generators alone (full-dimensional Z only): for each linear
        hyperplane U spanned by n-1 generators, with primitive normal u, the two inequalities
        ``+-<u, x - c> <= sum_i |<g_i, u>|``.  Sorted, one pair per distinct U.

        >>> A, b = Zonotope([[1, 0], [0, 1], [1, 1]]).facet_inequalities()
        >>> [(tuple(map(int, a)), int(bi)) for a, bi in zip(A, b)]
        [((-1, 0), 2), ((-1, 1), 2), ((0, -1), 2), ((0, 1), 2), ((1, -1), 2), ((1, 0), 2)]
        """
        n = self.ambient_dim
        if _rank(self._generators) < n:
            raise InvalidInputError(
                f"facet_inequalities needs a full-dimensional zonotope; the generators span a "
                f"{_rank(self._generators)}-dimensional subspace of R^{n}"
            )
        normals = set()
        nonzero = [g for g in self._generators if any(g)]
        if n == 1:
            normals.add((Fraction(1),))
        else:
            for S in combinations(nonzero, n - 1):
                u = _normal(S, n)
                if u is not None:
                    normals.add(u)
        rows = []
        for u in normals:
            h = sum((abs(_dot(g, u)) for g in self._generators), _ZERO)
            cu = _dot(self._center, u)
            rows.append((u, h + cu))
            rows.append((tuple(-x for x in u), h - cu))
        rows.sort()
        return tuple(r for r, _ in rows), tuple(b for _, b in rows)

    # -- derived geometry -------------------------------------------------------------------------
    @property
    def vertices(self) -> tuple[Vector, ...]:
        """Vertices (canonical order of :attr:`Polytope.vertices <polyrelu.polytope.Polytope.vertices>`).

        >>> [tuple(map(int, v)) for v in Zonotope([[1, 0], [0, 1]]).vertices]
        [(-1, -1), (-1, 1), (1, -1), (1, 1)]
        """
        return self.polytope.vertices

    @property
    def n_vertices(self) -> int:
        """Number of vertices.

        >>> Zonotope([[1, 0], [0, 1], [1, 1]]).n_vertices
        6
        """
        return len(self.vertices)

    @property
    def dim(self) -> int:
        """Affine dimension of the zonotope (the rank of its generators), as :attr:`Polytope.dim <polyrelu.polytope.Polytope.dim>`.

        >>> Zonotope([[1, 1], [2, 2]]).dim, Zonotope([[1, 1], [2, 2]]).ambient_dim
        (1, 2)
        """
        return self.polytope.dim

    @property
    def f_vector(self) -> tuple[int, ...]:
        """``(f_0, ..., f_dim)``, faces of each dimension (``f_dim = 1``).

        >>> Zonotope([[1, 0, 0], [0, 1, 0], [0, 0, 1]]).f_vector   # the cube
        (8, 12, 6, 1)
        """
        return self.polytope.f_vector

    def face_lattice(self) -> Any:
        """Hasse diagram of the face lattice (see :meth:`Polytope.face_lattice <polyrelu.polytope.Polytope.face_lattice>`).

        >>> Zonotope([[1, 0], [0, 1]]).face_lattice().number_of_nodes()   # empty face, 4 + 4 + 1 faces
        10
        """
        return self.polytope.face_lattice()

    @property
    def volume(self) -> Fraction:
        """Volume: ``sum over n-subsets S of |det(2 g_S)|`` for a full-dimensional Z (via the
        backend's polytope; the formula is a cross-check in the tests).

        >>> Zonotope([[1, 0], [0, 1], [1, 1]]).volume     # 3 pairs, |det| = 1 each, times 2^2
        Fraction(12, 1)
        """
        return self.polytope.volume

    # -- support function ---------------------------------------------------------------------
    def support_function(self, u: Any) -> Fraction:
        """``h_Z(u) = max_{z in Z} <u, z> = <u, c> + sum_i |<g_i, u>|`` exactly.

        >>> Zonotope([[1, 0], [0, 1], [1, 1]], center=[1, 0]).support_function([1, 1])
        Fraction(5, 1)
        """
        u = to_vector(u, self.ambient_dim, name="direction")
        return _dot(u, self._center) + sum((abs(_dot(g, u)) for g in self._generators), _ZERO)

    def support_function_network(self) -> ReLUNetwork:
        """The one-hidden-layer ReLU network of Arora et al.'s Lemma 3.7:
        ``gamma_Z(r) = sum_i |<g_i, r>| = sum_i relu(<g_i, r>) + relu(-<g_i, r>)`` (2m hidden units).

        This is the support function of the *centred* zonotope; ``h_Z(r) = <r, c> + gamma_Z(r)``
        differs by a linear term, which changes no region.  Its linear regions (and its activation
        regions: each unit pair shares one hyperplane) are the normal cones of Z's vertices, so on
        R^n it has exactly ``Z.n_vertices`` regions (for nonzero generators).

        >>> net = Zonotope([[1, 0], [0, 1], [1, 1]]).support_function_network()
        >>> net, net([1, -2])
        (ReLUNetwork(2 -> [6] -> 1), (Fraction(4, 1),))
        """
        W = []
        for g in self._generators:
            W.append(list(g))
            W.append([-x for x in g])
        m2 = len(W)
        return ReLUNetwork([(W, [0] * m2), ([[1] * m2], [0])])
