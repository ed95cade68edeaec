"""Regions and the polyhedral complex of a ReLU network (or of a hyperplane arrangement).

>>> from polyrelu import ReLUNetwork, Polytope, PolyhedralComplex
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> cx = PolyhedralComplex.from_network(net)          # all of R^2
>>> len(cx), cx.n_linear_regions, cx.f_vector, cx.euler_characteristic
(7, 7, (3, 9, 7), 1)
>>> cx.graph.number_of_edges()
9
>>> r = cx.region_containing([Fraction(1, 4), Fraction(1, 4)])
>>> r.pattern, r.affine_map
(((1, 1, 0),), (((Fraction(1, 1), Fraction(1, 1)),), (Fraction(0, 1),)))
>>> box = PolyhedralComplex.from_network(net, domain=Polytope.box([-2, -2], [2, 2]))
>>> box.f_vector, box.euler_characteristic, sum(r.volume for r in box.regions)
((13, 19, 7), 1, Fraction(16, 1))
"""
from __future__ import annotations

import functools
import json
import os
import time
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Sequence

import networkx as nx
import numpy as np

from . import engine as _engine
from .backends import check_backend_name, default_backend, get_backend
from .complex_file import COMPLEX_FORMAT, checksum, read_complex
from .exact import InvalidInputError, PolyreluError, fraction_to_str, primitive_ints, to_matrix, to_vector
from .linalg import nullspace, right_inverse
from .network import NETWORK_DOMAIN, ReLUNetwork, domain_to_json, register_complex_builder, resolve_domain
from .polytope import Polytope
from .result import RefinementResult

__all__ = ["Region", "PolyhedralComplex", "count_regions", "count_faces", "diameter", "degree_statistics",
           "regions_crossed_by_segment", "decision_boundary"]





# Region.atoms (deprecated) calls polyrelu.analyses.region_atoms, which registers itself here when
# the analyses are imported (as `import polyrelu` does): the complex imports nothing above it.
_region_atoms: Callable[[Any], Any] | None = None


def register_region_atoms(fn: Callable[[Any], Any]) -> None:
    """Set the function the deprecated :meth:`Region.atoms` calls (``polyrelu.analyses`` does).

    >>> from polyrelu.analyses import region_atoms
    >>> register_region_atoms(region_atoms)  # what importing polyrelu.analyses already did
    >>> _region_atoms is region_atoms
    True
    """
    global _region_atoms
    _region_atoms = fn


class Region:
    """One activation region: the closure of the set of inputs with one activation pattern.

    Everything is exact and computed on first access.

    >>> net = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])])
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-3], [3]))
    >>> [(r.pattern, r.vertices) for r in sorted(cx.regions, key=lambda r: r.vertices)]  # doctest: +NORMALIZE_WHITESPACE
    [(((0, 1),), ((Fraction(-3, 1),), (Fraction(0, 1),))),
     (((1, 1),), ((Fraction(0, 1),), (Fraction(1, 1),))),
     (((1, 0),), ((Fraction(1, 1),), (Fraction(3, 1),)))]
    """

    __slots__ = ("_cx", "index", "_cache")

    def __init__(self, cx: "PolyhedralComplex", index: int):
        self._cx = cx
        self.index = index
        self._cache = {}

    def _get(self, key, fn):
        c = self._cache
        if key not in c:
            c[key] = fn()
        return c[key]

    @property
    def complex(self) -> "PolyhedralComplex":
        """The complex this region belongs to.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.complex is cx
        True
        """
        return self._cx

    # -- combinatorics ----------------------------------------------------------------------
    @property
    def pattern(self) -> tuple[tuple[int, ...], ...]:
        """Per hidden layer, 1 where the neuron is active (pre-activation > 0 inside), else 0.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.pattern
        ((1, 1),)
        """
        return self._cx._patterns()[self.index]

    @property
    def signs(self) -> tuple[tuple[int, ...], ...]:
        """Per hidden layer, +1 active, -1 inactive, 0 identically zero on the region.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.signs, cx.region_containing([2]).signs
        (((1, 1),), ((1, -1),))
        """
        def compute():
            zero = self._cx._zero_patterns()[self.index]
            return tuple(tuple(1 if a else (0 if z else -1) for a, z in zip(al, zl))
                         for al, zl in zip(self.pattern, zero))

        return self._get("signs", compute)

    # -- geometry ----------------------------------------------------------------------------
    def _gen_ids(self) -> list[int]:
        return self._cx.result.cell_generators(self.index)

    def _gens(self):
        return self._cx._lift_gens(self._gen_ids())

    @property
    def vertices(self) -> tuple[tuple[Fraction, ...], ...]:
        """Exact vertices (sorted).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.vertices
        ((Fraction(0, 1),), (Fraction(1, 1),))
        """
        return self._get("vertices", lambda: tuple(sorted(self._gens()[0])))

    @property
    def rays(self) -> tuple[tuple[Fraction, ...], ...]:
        """Exact extreme rays (sorted, primitive).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> cx.region_containing([5]).rays, cx.region_containing(["1/2"]).rays
        (((Fraction(1, 1),),), ())
        """
        return self._get("rays", lambda: tuple(sorted(self._gens()[1])))

    @property
    def lines(self) -> tuple[tuple[Fraction, ...], ...]:
        """The lineality directions (those the network cannot see), shared by every region.

        >>> cx = ReLUNetwork([([[1, 1]], [0]), ([[1]], [0])]).complex()     # sees only x + y
        >>> cx[0].lines
        ((Fraction(-1, 1), Fraction(1, 1)),)
        """
        return self._cx._lines

    @property
    def is_bounded(self) -> bool:
        """Whether the region is bounded (no rays, no lines).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> cx.region_containing(["1/2"]).is_bounded, cx.region_containing([5]).is_bounded
        (True, False)
        """
        return not self._cx.result.is_ray[self._gen_ids()].any() and not self._cx._lines

    @property
    def inequalities(self) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
        """Irredundant ``(A, b)`` with the region = {x : A x <= b} (domain facets included).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.inequalities                              # -x <= 0, x <= 1
        (((Fraction(-1, 1),), (Fraction(1, 1),)), (Fraction(0, 1), Fraction(1, 1)))
        """
        return self._get("ineq", lambda: self._cx._region_inequalities(self.index))

    @property
    def polytope(self) -> Polytope:
        """The closed region (intersected with the domain) as a :class:`~polyrelu.polytope.Polytope`.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.polytope == Polytope.box([0], [1])
        True
        """
        def load():
            return {
                "vertices": self.vertices,
                "rays": self.rays,
                "lines": self.lines,
                "inequalities": self.inequalities,
                "equalities": ((), ()),  # regions are full-dimensional
            }

        return self._get("polytope", lambda: Polytope.from_certified(self._cx.network.input_dim, load, self._cx.backend))

    @property
    def interior_point(self) -> tuple[Fraction, ...]:
        """An exact point in the interior (average of the vertices plus the sum of the rays).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.interior_point
        (Fraction(1, 2),)
        """
        return self._get("interior", lambda: tuple(self._cx._relint_point(self._gen_ids())))

    @property
    def volume(self) -> Fraction:
        """Exact volume of a bounded region.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.volume, sum(q.volume for q in cx)
        (Fraction(1, 1), Fraction(6, 1))
        """
        return self._get("volume", lambda: self.polytope.volume)

    @property
    def affine_map(self) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
        """The exact affine map ``(A, c)`` of the network on the region: f(x) = A x + c.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> r.affine_map                               # x + (1 - x) = 1
        (((Fraction(0, 1),),), (Fraction(1, 1),))
        """
        return self._get("affine", lambda: self._cx.network.affine_map(self.pattern))

    def atoms(self) -> tuple[Any, ...]:
        """Deprecated (kept for one release): use
        :func:`polyrelu.analyses.region_atoms(region) <polyrelu.analyses.configurations.region_atoms>`,
        the rank-one atoms of the region's linear part (Heinecke--Hwang).

        >>> import warnings
        >>> from polyrelu.analyses import region_atoms
        >>> r = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])]).complex()[0]
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", DeprecationWarning)
        ...     r.atoms() == region_atoms(r)
        True
        """
        import warnings

        warnings.warn("Region.atoms() is deprecated: use polyrelu.analyses.region_atoms(region)",
                      DeprecationWarning, stacklevel=2)
        if _region_atoms is None:  # pragma: no cover - importing polyrelu imports the analyses
            raise PolyreluError("Region.atoms() needs polyrelu.analyses: import polyrelu.analyses")
        return _region_atoms(self)

    @property
    def neighbors(self) -> list[int]:
        """The indices of the regions sharing a facet with this one.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> [cx[i].pattern for i in r.neighbors]
        [((1, 0),), ((0, 1),)]
        """
        return sorted(self._cx.graph.neighbors(self.index))

    def facets(self) -> list[dict]:
        """The facets of the region: dicts with 'neighbor' (index or None), 'neurons', 'boundary'.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> r = cx.region_containing(["1/2"])          # 0 <= x <= 1: both units active
        >>> sorted((f["neurons"], f["boundary"]) for f in r.facets())
        [(((1, 0),), False), (((1, 1),), False)]
        """
        f = self._cx.result.facets()
        sets = self._cx.result.label_sets
        out = []
        for fid in f["cell_facets"][f["cell_ptr"][self.index]:f["cell_ptr"][self.index + 1]].tolist():
            a, b = f["cells"][2 * fid:2 * fid + 2].tolist()
            side = 0 if a == self.index else 1
            labels = sets[int(f["label_sets"][2 * fid + side])]
            other = b if side == 0 else a
            out.append({
                "neighbor": other if other >= 0 else None,
                "neurons": tuple(sorted(l for l in labels if isinstance(l[0], int))),
                "boundary": any(l[0] == "domain" for l in labels),
            })
        return out

    def __repr__(self) -> str:
        pat = "|".join("".join(map(str, p)) for p in self.pattern)
        kind = "bounded" if self.is_bounded else "unbounded"
        ids = self._gen_ids()
        nv = int((~self._cx.result.is_ray[ids]).sum())
        f = self._cx.result.facets()
        nf = int(f["cell_ptr"][self.index + 1] - f["cell_ptr"][self.index])
        return f"Region(#{self.index}, pattern {pat}, {kind}, {nv} vertices, {nf} facets)"


class PolyhedralComplex:
    """The exact polyhedral complex of a ReLU network (activation regions and all their faces).

    Build it with :meth:`from_network` (or ``net.complex(...)``) or :meth:`from_arrangement`.
    Immutable; the graph, the face poset and every region's geometry are computed on first use,
    from the core's arrays (:class:`~polyrelu.result.RefinementResult`, ``cx.result``).

    >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
    >>> cx
    PolyhedralComplex(3 regions of ReLUNetwork(1 -> [2] -> 1) on Polytope(dim=1 in R^1, bounded, 2 vertices, 2 facets))
    >>> len(cx), cx.f_vector, cx.graph.number_of_edges()
    (3, (4, 3), 2)
    """

    def __init__(self, network: ReLUNetwork, domain: Polytope | None, result: RefinementResult, backend: str,
                 seconds: float = 0.0, arrangement: tuple[Any, Any] | None = None):
        self.network = network
        self.domain = domain
        self.backend = backend
        self.seconds = seconds
        self.result = result
        self._arrangement = arrangement
        self._gen_cache: dict = {}
        lift = result.lift
        self._lines = () if lift is None else tuple(sorted(_primitive_fr(k) for k in lift["K"]))
        self._regions = None
        self._graph = None
        self._poset = None
        self._poset_signed = False
        self._by_pattern = None
        self._pattern_list = None
        self._zero_list = None
        self._normals: dict = {}

    @property
    def complete(self) -> bool:
        """False for the partial result of a run stopped by a limit (``on_limit="partial"``).

        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> net.complex().complete, net.complex(max_regions=2, on_limit="partial").complete
        (True, False)
        """
        return self.result.complete

    def _require_complete(self, what: str) -> None:
        if not self.result.complete:
            layer, done, total = self.result.stopped_at
            raise PolyreluError(f"{what} needs the whole complex; this one is incomplete (stopped in hidden "
                                f"layer {layer} after {done} of {total} cells)")

    @property
    def regions(self) -> tuple["Region", ...]:
        """The regions, in the core's order (Region objects are made on first access).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> sorted(r.pattern for r in cx.regions)
        [((0, 1),), ((1, 0),), ((1, 1),)]
        """
        if self._regions is None:
            self._regions = tuple(Region(self, i) for i in range(self.result.n_regions))
        return self._regions

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def from_network(cls, net: ReLUNetwork, domain: Any = NETWORK_DOMAIN, *, backend: str | None = None,
                     max_regions: int | None = None, max_seconds: float | None = None, on_limit: str = "raise",
                     progress: bool | Any = False, executor: Any = None, workers: int | None = None,
                     order: str = "given", engine: str = "core", exact_only: bool = False) -> "PolyhedralComplex":
        """All activation regions of ``net`` inside ``domain``.

        ``domain``: a Polytope (box, simplex, any full-dimensional polyhedron), ``None`` for all of
        R^n, or (default, ``"network"``) the network's own domain if it has one, else R^n
        (:func:`~polyrelu.network.resolve_domain`).  ``backend`` ("cdd" or
        "ppl") computes the domain's vertices and every Polytope handed out; the result does not
        depend on it.  ``max_regions``/``max_seconds`` are enforced while regions are made and stop
        the run with :class:`~polyrelu.engine.RegionLimitError`/:class:`~polyrelu.engine.TimeLimitError`,
        or, with ``on_limit="partial"``, return the refinement so far (``cx.complete`` is False).
        ``progress`` shows a bar; ``workers`` threads run inside the core (default: one per processor
        core this process may use, :func:`~polyrelu.engine.default_workers`), an ``executor`` (any
        ``concurrent.futures.Executor``: processes, a Dask cluster) takes groups of cells; the
        result is the same.  ``engine="reference"`` runs the pure-Python reference engine
        (:mod:`polyrelu.reference`, for tests; ``exact_only`` is accepted and ignored: every engine
        is exact); ``order="reversed"`` splits by the neurons of each layer in reverse order.
        Every choice gives the identical complex.

        >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
        >>> len(PolyhedralComplex.from_network(net)), len(net.complex(domain=Polytope.box([1, 1], [2, 2])))
        (4, 1)
        """
        if not isinstance(net, ReLUNetwork):
            raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
        bname = _backend_name(backend)
        domain = resolve_domain(net, domain)
        ineqs = _engine.domain_inequalities(domain, net.input_dim)
        t0 = time.perf_counter()
        if engine == "core":
            res = _engine.refine(net.layers, ineqs, max_regions=max_regions, max_seconds=max_seconds,
                                 on_limit=on_limit, progress=progress, executor=executor, workers=workers,
                                 order=order, backend=bname)
        elif engine == "reference":  # enumeration only: no limits but max_regions, no threads
            from .reference import reference_result

            res = reference_result(net.layers, ineqs, max_regions=max_regions, order=order, backend=bname)
        else:
            raise InvalidInputError(f"unknown engine {engine!r}: use 'core' or 'reference'")
        return cls(net, domain, res, bname, time.perf_counter() - t0)

    @classmethod
    def from_arrangement(cls, normals: Any, offsets: Any = None, domain: Any = None, *,
                         backend: str | None = None, **kw) -> "PolyhedralComplex":
        """Regions of the hyperplane arrangement {a_i . x + c_i = 0} (all of R^n, or inside ``domain``).

        An arrangement is a one-hidden-layer network whose neurons are the hyperplanes, so the
        regions, faces and adjacency come from the same engine.

        >>> cx = PolyhedralComplex.from_arrangement([[1, 0], [0, 1], [1, 1]], [0, 0, -1])
        >>> len(cx), sum(1 for r in cx.regions if r.is_bounded), cx.f_vector
        (7, 1, (3, 9, 7))
        """
        A = to_matrix(normals, name="normals")
        if not A:
            raise InvalidInputError("an arrangement needs at least one hyperplane")
        c = to_vector(offsets if offsets is not None else [0] * len(A), len(A), name="offsets")
        for i, row in enumerate(A):
            if not any(row):
                raise InvalidInputError(f"hyperplane {i} has a zero normal")
        net = ReLUNetwork([(A, c), ([[0] * len(A)], [0])])
        cx = cls.from_network(net, domain=domain, backend=backend, **kw)
        return cls(net, cx.domain, cx.result, cx.backend, cx.seconds, arrangement=(A, c))

    # -- basic facts ------------------------------------------------------------------------------
    @property
    def arrangement(self) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]] | None:
        """The hyperplanes ``(normals, offsets)`` of a complex made by :meth:`from_arrangement`
        (its network is then only their carrier), else ``None``.

        >>> PolyhedralComplex.from_arrangement([[1, 0]], [-1]).arrangement
        (((Fraction(1, 1), Fraction(0, 1)),), (Fraction(-1, 1),))
        >>> ReLUNetwork([([[1, 0]], [-1]), ([[1]], [0])]).complex().arrangement is None
        True
        """
        return self._arrangement

    @property
    def dim(self) -> int:
        """The dimension of the input space the complex subdivides (the network's ``input_dim``).

        >>> PolyhedralComplex.from_arrangement([[1, 0, 0]]).dim
        3
        """
        return self.network.input_dim

    def __len__(self) -> int:
        return self.result.n_regions

    def __iter__(self):
        return iter(self.regions)

    def __getitem__(self, i: int) -> Region:
        return self.regions[i]

    def __repr__(self) -> str:
        dom = "R^%d" % self.dim if self.domain is None else repr(self.domain)
        state = "" if self.complete else " (incomplete)"
        return f"PolyhedralComplex({len(self)} regions of {self.network!r} on {dom}{state})"

    @property
    def n_regions(self) -> int:
        """The number of regions (``len(cx)``).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> cx.n_regions
        3
        """
        return self.result.n_regions

    @property
    def bounded_regions(self) -> list[Region]:
        """The bounded regions.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> [r.vertices for r in cx.bounded_regions]
        [((Fraction(0, 1),), (Fraction(1, 1),))]
        """
        return [r for r in self.regions if r.is_bounded]

    @property
    def unbounded_regions(self) -> list[Region]:
        """The unbounded regions.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> len(cx.unbounded_regions)
        2
        """
        return [r for r in self.regions if not r.is_bounded]

    # -- patterns, unpacked for all regions at once -------------------------------------------------
    def _patterns(self) -> list[tuple[tuple[int, ...], ...]]:
        if self._pattern_list is None:
            self._pattern_list = self._unpack("active")
        return self._pattern_list

    def _zero_patterns(self) -> list[tuple[tuple[int, ...], ...]]:
        if self._zero_list is None:
            self._zero_list = self._unpack("zero")
        return self._zero_list

    def _unpack(self, which):
        if not self.network.widths:
            return [()] * len(self)  # no hidden layer: one region, with the empty pattern
        layers = [map(tuple, bits.tolist()) for bits in self.result.layer_bits(which)]
        return list(zip(*layers))

    # -- coordinates: working (quotient) -> input --------------------------------------------------
    def _lift_point(self, y: Sequence[Fraction]) -> tuple[Fraction, ...]:
        lift = self.result.lift
        if lift is None:
            return tuple(y)
        if not lift["M"]:
            return tuple([Fraction(0)] * self.dim)
        if "Mpinv" not in lift:
            lift["Mpinv"] = right_inverse(lift["M"])
        P = lift["Mpinv"]
        return tuple(sum((P[i][k] * y[k] for k in range(len(y))), Fraction(0)) for i in range(len(P)))

    def _lift_gens(self, ids):
        """Vertices and rays (input coordinates, exact) of the generators with these ids."""
        V, R = [], []
        cache = self._gen_cache
        res = self.result
        for i in ids:
            p = cache.get(i)
            if p is None:
                g = res.generator(i)
                t = g[-1]
                if t:
                    p = (self._lift_point([Fraction(x, t) for x in g[:-1]]), True)
                else:
                    p = (_primitive_fr(self._lift_point([Fraction(x) for x in g[:-1]])), False)
                cache[i] = p
            (V if p[1] else R).append(p[0])
        return V, R

    def _facet_normal(self, fid: int) -> tuple[int, ...]:
        """A homogeneous normal n of facet ``fid`` (n . g = 0 on its generators), up to sign."""
        n = self._normals.get(fid)
        if n is None:
            f = self.result.facets()
            ids = f["gen_ids"][f["gen_ptr"][fid]:f["gen_ptr"][fid + 1]].tolist()
            rows = [list(map(Fraction, self.result.generator(g))) for g in ids]
            K = nullspace(rows, self.result.dim + 1)
            if len(K) != 1:  # pragma: no cover - a facet spans a hyperplane
                raise PolyreluError(f"internal: facet {fid} does not span a hyperplane")
            n = self._normals[fid] = primitive_ints(K[0])
        return n

    def _region_inequalities(self, i: int):
        f = self.result.facets()
        own = self.result.cell_generators(i)
        M = self.result.lift["M"] if self.result.lift is not None else None
        rows = []
        for fid in f["cell_facets"][f["cell_ptr"][i]:f["cell_ptr"][i + 1]].tolist():
            n = self._facet_normal(fid)
            on = set(f["gen_ids"][f["gen_ptr"][fid]:f["gen_ptr"][fid + 1]].tolist())
            off = next(g for g in own if g not in on)
            if sum(a * x for a, x in zip(n, self.result.generator(off))) < 0:
                n = tuple(-x for x in n)
            # n . (y, 1) >= 0  <=>  -n[:-1] . y <= n[-1]
            row = [Fraction(-x) for x in n[:-1]]
            rhs = Fraction(n[-1])
            if M is not None:
                row = [sum((row[k] * M[k][j] for k in range(len(M))), Fraction(0)) for j in range(self.dim)]
            rows.append(_normalize_ineq(row, rhs))
        rows = sorted(set(rows))
        return tuple(r[0] for r in rows), tuple(r[1] for r in rows)

    def _relint_point(self, ids):
        """Average of the cell's vertices plus the sum of its rays: in its relative interior."""
        V, R = self._lift_gens(ids)
        n = self.dim
        p = [sum((v[k] for v in V), Fraction(0)) / len(V) for k in range(n)]
        for r in R:
            p = [a + b for a, b in zip(p, r)]
        return p

    # -- facets and the adjacency graph -------------------------------------------------------------
    @property
    def graph(self) -> nx.Graph:
        """Regions as nodes, an edge for every shared facet.

        Node attributes: ``region``, ``pattern``.  Edge attributes: ``neurons`` (the (layer, unit)
        whose bent hyperplanes contain the facet) and ``facet`` (a Polytope).  Built on first use.

        >>> G = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().graph  # [0, 1], x >= 1, x <= 0
        >>> sorted((i, j, e["neurons"], e["facet"].vertices) for i, j, e in G.edges(data=True))
        [(0, 1, ((1, 1),), ((Fraction(1, 1),),)), (0, 2, ((1, 0),), ((Fraction(0, 1),),))]
        """
        if self._graph is None:
            self._require_complete("the adjacency graph")
            with _engine.paused_gc():  # many small objects, no cycles
                f = self.result.facets()
                sets = self.result.label_sets
                G = nx.Graph()
                G.add_nodes_from((r.index, {"region": r, "pattern": p}) for r, p in zip(self.regions, self._patterns()))
                cells = f["cells"].reshape(-1, 2)
                lab = f["label_sets"].reshape(-1, 2)
                inner = np.flatnonzero(cells[:, 1] >= 0)
                neurons_of: dict = {}  # few distinct label-set pairs: sort each once
                edges = []
                for fid, (i, j), (la, lb) in zip(inner.tolist(), cells[inner].tolist(), lab[inner].tolist()):
                    neurons = neurons_of.get((la, lb))
                    if neurons is None:
                        neurons = neurons_of[(la, lb)] = tuple(sorted(
                            l for l in sets[la] | sets[lb] if isinstance(l[0], int)))
                    edges.append((i, j, {"neurons": neurons, "facet": self._facet_polytope(fid)}))
                G.add_edges_from(edges)
                self._graph = G
        return self._graph

    @property
    def adjacency_edges(self) -> np.ndarray:
        """The region pairs ``(i, j)``, i < j, that share a facet, as an (E, 2) array (no graph built).

        >>> cx = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])]).complex()
        >>> len(cx.adjacency_edges) == cx.graph.number_of_edges() == 4
        True
        """
        self._require_complete("the adjacency")
        cells = self.result.facets()["cells"].reshape(-1, 2)
        inner = cells[cells[:, 1] >= 0]
        return np.sort(inner, axis=1)

    @property
    def n_boundary_facets(self) -> int:
        """How many facets lie on the domain's boundary (counted from the core's arrays).

        >>> ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3])).n_boundary_facets
        2
        """
        return int((self.result.facets()["cells"].reshape(-1, 2)[:, 1] < 0).sum())

    @property
    def n_bounded_regions(self) -> int:
        """How many regions are bounded (counted from the core's arrays).

        >>> ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().n_bounded_regions
        1
        """
        if self._lines:
            return 0
        res = self.result
        ray_in_cell = res.is_ray[res.cell_ids]
        per_cell = np.add.reduceat(ray_in_cell.astype(np.int64), res.cell_ptr[:-1]) if len(res.cell_ids) else []
        return int((np.asarray(per_cell) == 0).sum())

    @property
    def boundary_facets(self) -> list[tuple[int, Any]]:
        """Facets on the domain's boundary: ``(region index, facet Polytope)``.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3]))
        >>> sorted(P.vertices for _, P in cx.boundary_facets)
        [((Fraction(-3, 1),),), ((Fraction(3, 1),),)]
        """
        cells = self.result.facets()["cells"].reshape(-1, 2)
        return [(int(cells[fid, 0]), self._facet_polytope(int(fid))) for fid in np.flatnonzero(cells[:, 1] < 0)]

    def _facet_polytope(self, fid):
        return Polytope.from_certified(self.dim, functools.partial(self._facet_data, fid), self.backend)

    def _facet_data(self, fid):
        f = self.result.facets()
        V, R = self._lift_gens(f["gen_ids"][f["gen_ptr"][fid]:f["gen_ptr"][fid + 1]].tolist())
        return {"vertices": tuple(sorted(V)), "rays": tuple(sorted(R)), "lines": self._lines}

    # -- linear regions (pieces) ----------------------------------------------------------------------
    def linear_regions(self) -> list[frozenset[int]]:
        """Maximal connected unions of regions with one affine map (the papers' pieces).

        >>> net = ReLUNetwork([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])  # max(x, y)
        >>> cx = PolyhedralComplex.from_network(net)
        >>> len(cx), [len(piece) for piece in cx.linear_regions()]
        (4, [2, 2])
        """
        self._require_complete("linear regions")
        comps: dict = {}
        for i, p in enumerate(self.result.pieces().tolist()):
            comps.setdefault(p, set()).add(i)
        return sorted((frozenset(s) for s in comps.values()), key=min)

    @property
    def n_linear_regions(self) -> int:
        """The number of linear regions (pieces: maximal connected unions of regions with one affine map).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> cx.n_linear_regions, len(cx)
        (3, 3)
        """
        self._require_complete("linear regions")
        return int(self.result.pieces().max()) + 1 if len(self) else 0

    # -- the face poset -------------------------------------------------------------------------------
    def face_poset(self) -> nx.DiGraph:
        """Every cell of the complex once (boundary of the domain subdivided too).

        Nodes are integers; attributes ``dim``, ``vertices`` (global vertex ids), ``signs`` (per layer
        +1/0/-1 on the cell), ``domain_face`` (indices of the domain's facets, in the order of
        ``cx.domain.inequalities``, that contain the cell: empty for cells inside the domain), and
        ``region`` for the full-dimensional cells.  An edge goes from each cell to every cell of
        one dimension more that has it as a facet.

        >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
        >>> P = PolyhedralComplex.from_network(net).face_poset()
        >>> P.number_of_nodes(), sorted(d["signs"] for _, d in P.nodes(data=True) if d["dim"] == 0)
        (19, [((0, 0, -1),), ((0, 1, 0),), ((1, 0, 0),)])
        """
        P = self._structure()
        if not self._poset_signed:
            if self.domain is not None:
                dA, db = self.domain.inequalities
            for node, data in P.nodes(data=True):
                p = self._relint_point(sorted(data["vertices"]))
                data["signs"] = self.network.activation_pattern(p)
                # the face of the domain whose relative interior holds the cell: its tight facets
                data["domain_face"] = frozenset() if self.domain is None else frozenset(
                    j for j, (row, bj) in enumerate(zip(dA, db))
                    if sum((a * x for a, x in zip(row, p)), Fraction(0)) == bj)
            self._poset_signed = True
        return P

    def _structure(self) -> nx.DiGraph:
        if self._poset is None:
            self._require_complete("the face poset")
            F = self.result.faces()
            kdim = len(self._lines)  # the quotient's lineality adds to every cell's dimension
            P = nx.DiGraph()
            ptr, ids = F["gen_ptr"].tolist(), F["gen_ids"].tolist()
            for node, (d, r) in enumerate(zip(F["dim"].tolist(), F["region"].tolist())):
                attrs = {"dim": d + kdim, "vertices": frozenset(ids[ptr[node]:ptr[node + 1]])}
                if r >= 0:
                    attrs["region"] = r
                P.add_node(node, **attrs)
            P.add_edges_from(F["edges"].reshape(-1, 2).tolist())
            self._poset = P
            self._poset_signed = False
        return self._poset

    @property
    def f_vector(self) -> tuple[int, ...]:
        """Number of cells of each dimension 0..n (boundary cells of the domain included).

        >>> ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex(domain=Polytope.box([-3], [3])).f_vector
        (4, 3)
        """
        self._require_complete("the f-vector")
        counts = (0,) * len(self._lines) + self.result.face_counts()
        return counts[: self.dim + 1] + (0,) * (self.dim + 1 - len(counts))

    @property
    def euler_characteristic(self) -> int:
        """Sum of (-1)^k f_k: 1 for a polytope domain, (-1)^n for R^n (open cells).

        >>> net = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])])
        >>> net.complex(domain=Polytope.box([-3], [3])).euler_characteristic, net.complex().euler_characteristic
        (1, -1)
        """
        return sum((-1) ** k * f for k, f in enumerate(self.f_vector))

    # -- point queries --------------------------------------------------------------------------------
    def _pattern_index(self):
        if self._by_pattern is None:
            self._by_pattern = {p: i for i, p in enumerate(self._patterns())}
        return self._by_pattern

    def regions_containing(self, x: Any) -> list[Region]:
        """All regions whose closure contains ``x`` (several when x lies on a boundary).

        >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
        >>> [r.pattern for r in PolyhedralComplex.from_network(net).regions_containing([0, 5])]
        [((0, 1),), ((1, 1),)]
        """
        p = to_vector(x, self.dim, name="point")
        if self.domain is not None and not self.domain.contains(p):
            raise InvalidInputError(f"point {tuple(map(str, p))} is outside the domain")
        s = self.network.activation_pattern(p)
        if self.complete and all(v != 0 for layer in s for v in layer):
            key = tuple(tuple(1 if v > 0 else 0 for v in layer) for layer in s)
            i = self._pattern_index().get(key)
            if i is not None:
                return [self.regions[i]]
        out = []
        for r in self.regions:
            rs = r.signs
            if self.complete and any(v != 0 and v != w for sl, rl in zip(s, rs) for v, w in zip(sl, rl)):
                continue
            A, b = r.inequalities
            if all(sum((a * xi for a, xi in zip(row, p)), Fraction(0)) <= bi for row, bi in zip(A, b)):
                out.append(r)
        return sorted(out, key=lambda r: r.pattern)

    def region_containing(self, x: Any) -> Region:
        """The region containing ``x`` (the first of several in pattern order if x is on a boundary).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> cx.region_containing([5]).pattern, cx.region_containing([1]).pattern   # x = 1 is on a boundary
        (((1, 0),), ((1, 0),))
        """
        rs = self.regions_containing(x)
        if not rs:  # pragma: no cover - the regions cover the domain
            raise PolyreluError("internal: no region contains the point")
        return rs[0]

    def neighbors(self, i: int) -> list[int]:
        """The indices of the regions sharing a facet with region ``i`` (``cx[i].neighbors``).

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> i = cx.region_containing([5]).index
        >>> [cx[j].pattern for j in cx.neighbors(i)]
        [((1, 1),)]
        """
        return sorted(self.graph.neighbors(i))

    def shortest_path(self, i: int, j: int) -> list[int]:
        """A shortest path of regions from ``i`` to ``j`` in the adjacency graph, both included.

        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()   # on all of R
        >>> path = cx.shortest_path(cx.region_containing([-5]).index, cx.region_containing([5]).index)
        >>> [cx[k].pattern for k in path]
        [((0, 1),), ((1, 1),), ((1, 0),)]
        """
        return nx.shortest_path(self.graph, i, j)

    # -- files ------------------------------------------------------------------------------------------
    def to_json_dict(self) -> dict:
        """The whole complex as exact JSON data (format ``polyrelu-complex`` version 2, docs/formats.md).

        >>> d = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().to_json_dict()
        >>> d["format"], d["version"], d["summary"]
        ('polyrelu-complex', 2, {'n_regions': 3, 'dim': 1})
        """
        self._require_complete("saving")
        res = self.result
        content = {
            "network": self.network.to_json_dict(),
            "domain": domain_to_json(self.domain) if self.domain is not None else None,
            "backend": self.backend,
            "engine": {
                "dim": res.dim,
                "lift": None if res.lift is None else {
                    "M": [[fraction_to_str(x) for x in r] for r in res.lift["M"]],
                    "K": [[fraction_to_str(x) for x in r] for r in res.lift["K"]],
                },
                "scales": [fraction_to_str(s) for s in res.scales],
                "cells": res.cells_data(),
            },
        }
        return {"format": COMPLEX_FORMAT, "version": 2, **content,
                "checksum": checksum(content), "summary": {"n_regions": len(self), "dim": self.dim}}

    def save(self, path: str | os.PathLike) -> None:
        """Write the whole complex as exact JSON; :meth:`load` reads it back, verified.

        >>> import tempfile, os
        >>> cx = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])]).complex()
        >>> path = os.path.join(tempfile.mkdtemp(), "cx.json")
        >>> cx.save(path); PolyhedralComplex.load(path).f_vector == cx.f_vector
        True
        """
        text = json.dumps(self.to_json_dict())
        path = Path(path)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(text)  # then renamed into place: an interrupted save leaves no partial file
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "PolyhedralComplex":
        """Read a complex written by :meth:`save`, exactly, without recomputing it.

        The file is verified before anything is built from it (docs/formats.md): its checksum, the
        shape of every entry, and then every region against the network itself (each neuron's
        sign at each generator must be the region's pattern, each facet's neurons must vanish on
        it).  Version 1 files (before the compiled core) are read and verified the same way.

        >>> import tempfile, os
        >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()
        >>> path = os.path.join(tempfile.mkdtemp(), "cx.json")
        >>> cx.save(path)
        >>> sorted(r.pattern for r in PolyhedralComplex.load(path))
        [((0, 1),), ((1, 0),), ((1, 1),)]
        """
        return read_complex(cls, path)
# ---------------------------------------------------------------------------------------------------
# algorithms over the complex (networkx style: plain functions)
# ---------------------------------------------------------------------------------------------------

def count_regions(net: ReLUNetwork, domain: Any = NETWORK_DOMAIN, *, workers: int | None = None,
                  max_seconds: float | None = None, progress: Any = None, order: str = "given",
                  backend: str | None = None) -> int:
    """The exact number of activation regions of ``net`` inside ``domain``, counted as they are made:
    ``len(net.complex(domain))`` without keeping any region of the last hidden layer (the memory
    of the layers before the last only), for complexes too large to hold.

    ``domain``, ``workers``, ``order``, ``backend`` and ``progress`` are as in
    :meth:`PolyhedralComplex.from_network`; ``max_seconds`` raises
    :class:`~polyrelu.engine.TimeLimitError` (a count so far is not a count).

    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> count_regions(net), len(net.complex()), count_regions(net, Polytope.box([-2, -2], [2, 2]), workers=2)
    (7, 7, 7)
    """
    domain, bname = _count_arguments(net, domain, backend)
    return _engine.count(net.layers, _engine.domain_inequalities(domain, net.input_dim), max_seconds=max_seconds,
                         progress=progress, workers=workers, order=order, backend=bname)


def _backend_name(backend: Any) -> Any:
    """The backend to use (the default if None), its name checked.  Not loaded: a box or R^n
    needs none, and importing one was a tenth of a small 2-D job; it loads when first used."""
    bname = backend or default_backend()
    if isinstance(bname, str):
        return check_backend_name(bname)
    get_backend(bname)  # a Backend instance
    return bname


def _count_arguments(net: Any, domain: Any, backend: str | None) -> tuple[Any, str]:
    """count_regions' and count_faces' checks: the network, the backend's name, the domain resolved."""
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    return resolve_domain(net, domain), _backend_name(backend)


def count_faces(net: ReLUNetwork, domain: Any = NETWORK_DOMAIN, *, workers: int | None = None,
                max_seconds: float | None = None, progress: Any = None, order: str = "given",
                backend: str | None = None) -> tuple[int, ...]:
    """The exact f-vector (faces of each dimension 0..n, the domain's boundary included) of the
    complex of ``net`` on a bounded ``domain``, counted without keeping the complex:
    ``net.complex(domain).f_vector`` for complexes too large to hold.  Its last entry is the
    number of regions, and its alternating sum the Euler characteristic (1: the domain is a
    polytope).

    Each face is counted once, by the one region it belongs to (the region a step from the face
    towards an interior point of the domain enters), at its lowest vertex; docs/core.md has the
    argument.  Arguments are as in :func:`count_regions`; a domain with rays (R^n) is refused.

    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
    >>> box = Polytope.box([-2, -2], [2, 2])
    >>> count_faces(net, box), net.complex(box).f_vector
    ((13, 19, 7), (13, 19, 7))
    """
    domain, bname = _count_arguments(net, domain, backend)
    if domain is None or not domain.is_bounded:
        raise InvalidInputError("count_faces needs a bounded domain (a box or polytope): a face's lowest vertex "
                                "is what counts it; on R^n use net.complex().f_vector")
    if not net.widths:  # no neuron: the domain's own faces
        return PolyhedralComplex.from_network(net, domain).f_vector
    if net.input_dim > 60:  # a vertex's faces are counted as binomials C(d, k) in 64-bit integers
        raise InvalidInputError(f"count_faces supports up to 60 inputs, the network has {net.input_dim}")
    counts = _engine.count(net.layers, _engine.domain_inequalities(domain, net.input_dim), max_seconds=max_seconds,
                           progress=progress, workers=workers, order=order, backend=bname, faces=True)
    if counts is None:
        raise PolyreluError("the core counted no faces: the domain was not bounded after all")
    counts = tuple(counts)
    return counts[: net.input_dim + 1] + (0,) * (net.input_dim + 1 - len(counts))


def diameter(cx: PolyhedralComplex) -> int:
    """Diameter of the region-adjacency graph, exactly (Takes and Kosters' bounding diameters).

    Computed by the core on its facet arrays (no networkx graph).  Every breadth-first search
    from a node v gives its eccentricity e and
    bounds every other node's: ``max(d, e - d) <= ecc(w) <= e + d`` with d = dist(v, w).  Searches
    alternate between the node with the largest upper bound and the one with the smallest lower
    bound, until no node's upper bound exceeds the largest eccentricity found: that is the
    diameter.  On region graphs this takes a few dozen searches instead of one per region.

    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> diameter(PolyhedralComplex.from_network(net))
    2
    """
    cx._require_complete("the diameter")
    d = cx.result.core.diameter()
    if d < 0:
        raise PolyreluError("the adjacency graph is disconnected: its diameter is infinite")
    return int(d)


def degree_statistics(cx: PolyhedralComplex) -> dict:
    """Degree histogram, minimum, maximum and mean (exact Fraction) of the adjacency graph.

    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> degree_statistics(PolyhedralComplex.from_network(net))
    {'histogram': {2: 4}, 'min': 2, 'max': 2, 'mean': Fraction(2, 1)}
    """
    degs = [d for _, d in cx.graph.degree()]
    hist: dict = {}
    for d in degs:
        hist[d] = hist.get(d, 0) + 1
    return {"histogram": dict(sorted(hist.items())), "min": min(degs), "max": max(degs),
            "mean": Fraction(sum(degs), len(degs))}


def regions_crossed_by_segment(cx: PolyhedralComplex, p: Any, q: Any) -> list[tuple[int, Fraction, Fraction]]:
    """Regions whose interior the segment [p, q] crosses, in order, with the parameter interval.

    Returns ``(region index, t_in, t_out)`` with ``p + t (q - p)`` inside the region for t in the
    interval (only intervals of positive length).

    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> cx = PolyhedralComplex.from_network(net)
    >>> [(cx[i].pattern, a, b) for i, a, b in regions_crossed_by_segment(cx, [-1, -1], [1, 3])]
    [(((0, 0),), Fraction(0, 1), Fraction(1, 4)), (((0, 1),), Fraction(1, 4), Fraction(1, 2)), (((1, 1),), Fraction(1, 2), Fraction(1, 1))]
    """
    p = to_vector(p, cx.dim, name="p")
    q = to_vector(q, cx.dim, name="q")
    d = [b - a for a, b in zip(p, q)]
    out = []
    for r in cx.regions:
        A, b = r.inequalities
        lo, hi = Fraction(0), Fraction(1)
        ok = True
        for row, bi in zip(A, b):
            ad = sum((x * y for x, y in zip(row, d)), Fraction(0))
            ap = sum((x * y for x, y in zip(row, p)), Fraction(0))
            # ap + t*ad <= bi
            if ad > 0:
                hi = min(hi, (bi - ap) / ad)
            elif ad < 0:
                lo = max(lo, (bi - ap) / ad)
            elif ap > bi:
                ok = False
                break
            if lo >= hi:
                ok = False
                break
        if ok and lo < hi:
            out.append((r.index, lo, hi))
    return sorted(out, key=lambda t: t[1])


def decision_boundary(cx: PolyhedralComplex, output: int = 0) -> list[tuple[int, Any]]:
    """The zero-level set of one output, as ``(region index, Polytope)`` pieces.

    Each piece is the region intersected with {f = 0}; a region on which f vanishes identically is
    returned whole.  Pieces where f only touches zero (a face of a region) are included unless they
    lie inside another piece, so the result lists the maximal cells of the zero set.

    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, -1]], [0])])   # relu(x) - relu(y)
    >>> cx = PolyhedralComplex.from_network(net, domain=Polytope.box([-1, -1], [1, 1]))
    >>> sorted((p.dim, p.vertices) for _, p in decision_boundary(cx))[0]
    (1, ((Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(1, 1))))
    """
    out = []
    for r in cx.regions:
        A, c = r.affine_map
        a, c0 = A[output], c[output]
        vals = [sum((x * y for x, y in zip(a, v)), c0) for v in r.vertices]
        rvals = [sum((x * y for x, y in zip(a, v)), Fraction(0)) for v in r.rays]
        if not any(a) and c0 == 0:
            out.append((r.index, r.polytope))
            continue
        has_pos = any(v > 0 for v in vals) or any(v > 0 for v in rvals)
        has_neg = any(v < 0 for v in vals) or any(v < 0 for v in rvals)
        has_zero = any(v == 0 for v in vals)
        if (has_pos and has_neg) or has_zero:
            Ai, bi = r.inequalities
            piece = Polytope.from_inequalities(Ai, bi, equalities=([a], [-c0]), backend=cx.backend)
            if not piece.is_empty:
                out.append((r.index, piece))
    # keep maximal pieces: a face where f only touches zero is often part of a larger piece
    out.sort(key=lambda t: -t[1].dim)
    kept: list = []
    for i, piece in out:
        if not any(_inside(piece, other) for _, other in kept):
            kept.append((i, piece))
    return sorted(kept, key=lambda t: t[0])


def _inside(P, Q) -> bool:
    """Is polyhedron P a subset of Q?  Exact: P's vertices in Q, its rays and lines in Q's recession cone."""
    if not all(Q.contains(v) for v in P.vertices):
        return False
    A, _ = Q.inequalities
    E, _ = Q.equalities

    def recedes(d, both):
        for row in A:
            s = sum((a * x for a, x in zip(row, d)), Fraction(0))
            if s > 0 or (both and s < 0):
                return False
        return all(sum((a * x for a, x in zip(row, d)), Fraction(0)) == 0 for row in E)

    return all(recedes(d, False) for d in P.rays) and all(recedes(d, True) for d in P.lines)


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------

def _normalize_ineq(row, rhs):
    ints = primitive_ints(list(row) + [rhs])
    return tuple(Fraction(x) for x in ints[:-1]), Fraction(ints[-1])


def _primitive_fr(v):
    return tuple(Fraction(x) for x in primitive_ints(v))



# ReLUNetwork.complex(...) is PolyhedralComplex.from_network: the network layer below only holds the method
register_complex_builder(PolyhedralComplex.from_network)
