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
from typing import Any, Sequence

import networkx as nx
import numpy as np

from . import engine as _engine
from .exact import InvalidInputError, PolyreluError, fraction_to_str, primitive_ints, to_matrix, to_vector
from .linalg import right_inverse
from .network import ReLUNetwork, domain_from_json, domain_to_json

__all__ = ["Region", "PolyhedralComplex", "diameter", "degree_statistics", "regions_crossed_by_segment",
           "decision_boundary"]

COMPLEX_FORMAT = "polyrelu-complex"


_BIT_BYTES = str.maketrans("01", "\x00\x01")


def _bits(mask: int, n: int) -> tuple[int, ...]:
    """The n low bits of mask, least significant first (string formatting runs in C)."""
    return tuple(format(mask & ((1 << n) - 1), "0%db" % n)[::-1].translate(_BIT_BYTES).encode()) if n else ()


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

    __slots__ = ("_cx", "index", "_cell", "_cache")

    def __init__(self, cx: "PolyhedralComplex", index: int, cell):
        self._cx = cx
        self.index = index
        self._cell = cell
        self._cache = {}

    def _get(self, key, fn):
        c = self._cache
        if key not in c:
            c[key] = fn()
        return c[key]

    @property
    def complex(self) -> "PolyhedralComplex":
        """The complex this region belongs to."""
        return self._cx

    # -- combinatorics ----------------------------------------------------------------------
    @property
    def pattern(self) -> tuple[tuple[int, ...], ...]:
        """Per hidden layer, 1 where the neuron is active (pre-activation > 0 inside), else 0."""
        c = self._cache
        if "pattern" not in c:
            c["pattern"] = tuple(_bits(m, n) for m, n in zip(self._cell.pat, self._cx.network.widths))
        return c["pattern"]

    @property
    def signs(self) -> tuple[tuple[int, ...], ...]:
        """Per hidden layer, the sign of each pre-activation inside the region (0: identically zero)."""
        w = self._cx.network.widths
        return tuple(
            tuple(1 if (a >> i) & 1 else (0 if (z >> i) & 1 else -1) for i in range(n))
            for a, z, n in zip(self._cell.pat, self._cell.zero, w)
        )

    # -- geometry ----------------------------------------------------------------------------
    def _gens(self):
        return self._cx._lift_gens(self._cell.gens)

    @property
    def vertices(self) -> tuple[tuple[Fraction, ...], ...]:
        """Exact vertices (sorted)."""
        return self._get("vertices", lambda: tuple(sorted(self._gens()[0])))

    @property
    def rays(self) -> tuple[tuple[Fraction, ...], ...]:
        return self._get("rays", lambda: tuple(sorted(self._gens()[1])))

    @property
    def lines(self) -> tuple[tuple[Fraction, ...], ...]:
        return self._cx._lines

    @property
    def is_bounded(self) -> bool:
        return not any(g[-1] == 0 for g in self._cell.gens) and not self._cx._lines

    @property
    def inequalities(self):
        """Irredundant ``(A, b)`` with the region = {x : A x <= b} (domain facets included)."""
        return self._get("ineq", lambda: self._cx._lift_ineqs(self._cell))

    @property
    def polytope(self):
        """The closed region (intersected with the domain) as a :class:`~polyrelu.polytope.Polytope`."""
        from .polytope import Polytope

        def load():
            return {
                "vertices": self.vertices,
                "rays": self.rays,
                "lines": self.lines,
                "inequalities": self.inequalities,
                "equalities": ((), ()),  # regions are full-dimensional
            }

        return self._get("polytope", lambda: Polytope._from_trusted(self._cx.network.input_dim, load))

    @property
    def interior_point(self) -> tuple[Fraction, ...]:
        """An exact point in the interior (average of the vertices plus the sum of the rays)."""

        def compute():
            V, R = self._gens()
            n = self._cx.network.input_dim
            p = [sum((v[k] for v in V), Fraction(0)) / len(V) for k in range(n)]
            for r in R:
                p = [a + b for a, b in zip(p, r)]
            return tuple(p)

        return self._get("interior", compute)

    @property
    def volume(self) -> Fraction:
        """Exact volume of a bounded region."""
        return self._get("volume", lambda: self.polytope.volume)

    @property
    def affine_map(self):
        """The exact affine map ``(A, c)`` of the network on the region: f(x) = A x + c."""
        if not self._cx.network.widths:  # no hidden layer: the network is one affine map
            W, b = self._cx.network.layers[-1]
            return W, b
        return self._get("affine", lambda: self._cx._lift_affine(self._cell.out))

    def atoms(self):
        """Rank-one atoms of the region's linear part (Heinecke--Hwang); see :mod:`polyrelu.lipschitz`."""
        from . import lipschitz

        return lipschitz.atoms(self._cx.network, self.pattern)

    @property
    def neighbors(self) -> list[int]:
        return sorted(self._cx.graph.neighbors(self.index))

    def facets(self) -> list[dict]:
        """The facets of the region: dicts with 'neighbor' (index or None), 'neurons', 'boundary'."""
        out = []
        for key, (labels, _) in self._cx._region_facets(self.index).items():
            nb = self._cx._facet_owner[key]
            other = [r for r in nb if r != self.index]
            out.append({
                "neighbor": other[0] if other else None,
                "neurons": tuple(sorted(l for l in labels if isinstance(l[0], int))),
                "boundary": any(l[0] == "domain" for l in labels),
            })
        return out

    def __repr__(self) -> str:
        pat = "|".join("".join(map(str, p)) for p in self.pattern)
        kind = "bounded" if self.is_bounded else "unbounded"
        nv = sum(1 for g in self._cell.gens if g[-1] > 0)
        return f"Region(#{self.index}, pattern {pat}, {kind}, {nv} vertices, {self._cell.alive.bit_count()} facets)"


class PolyhedralComplex:
    """The exact polyhedral complex of a ReLU network (activation regions and all their faces).

    Build it with :meth:`from_network` (or ``net.complex(...)``) or :meth:`from_arrangement`.
    Immutable; the graph, the face poset and every region's geometry are computed on first use.
    """

    def __init__(self, network: ReLUNetwork, domain, result: "_engine.EnumerationResult", backend: str,
                 seconds: float = 0.0, _arrangement=None):
        self.network = network
        self.domain = domain
        self.backend = backend
        self.seconds = seconds
        self._res = result
        self._arrangement = _arrangement
        self._gen_cache: dict = {}
        lift = result.lift
        if lift is None:
            self._lines = ()
        else:
            self._lines = tuple(sorted(_primitive_fr(k) for k in lift["K"]))
        self.regions = tuple(Region(self, i, c) for i, c in enumerate(result.cells))
        self._graph = None
        self._facet_owner = None
        self._facets_of = None
        self._poset = None
        self._poset_signed = False
        self._by_pattern = None

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def from_network(cls, net: ReLUNetwork, domain: Any = "network", *, backend: str | None = None,
                     max_regions: int | None = None, progress: bool | Any = False, executor: Any = None,
                     workers: int | None = None, exact_only: bool = False, order: str = "given") -> "PolyhedralComplex":
        """All activation regions of ``net`` inside ``domain``.

        ``domain``: a Polytope (box, simplex, any full-dimensional polyhedron), ``None`` for all of
        R^n, or (default) the network's own domain if it has one, else R^n.  ``backend`` ("cdd" or
        "ppl") computes the domain's vertices and every Polytope handed out; the result does not
        depend on it.  ``max_regions`` stops with :class:`~polyrelu.engine.RegionLimitError`;
        ``progress`` shows a bar; ``executor``/``workers`` run the refinement in parallel
        (any ``concurrent.futures.Executor``); ``exact_only`` switches the float filter off and
        ``order="reversed"`` splits by the neurons of each layer in reverse order (both give the
        identical complex; they exist to test that).

        >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
        >>> len(PolyhedralComplex.from_network(net)), len(net.complex(domain=Polytope.box([1, 1], [2, 2])))
        (4, 1)
        """
        from .backends import default_backend, get_backend

        if not isinstance(net, ReLUNetwork):
            raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
        bname = backend or default_backend()
        get_backend(bname)  # validates the name
        if isinstance(domain, str) and domain == "network":
            domain = net.domain
        ineqs = _domain_inequalities(domain, net.input_dim)
        t0 = time.perf_counter()
        res = _engine.enumerate_regions(
            net.layers, ineqs, max_regions=max_regions, progress=progress, exact_only=exact_only,
            executor=executor, workers=workers, order=order, backend=bname,
        )
        seconds = time.perf_counter() - t0
        with _engine.paused_gc():  # one Region object per cell; no cycles to find
            return cls(net, domain, res, bname, seconds)

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
        cx._arrangement = (A, c)
        return cx

    # -- basic facts ------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return self.network.input_dim

    def __len__(self) -> int:
        return len(self.regions)

    def __iter__(self):
        return iter(self.regions)

    def __getitem__(self, i: int) -> Region:
        return self.regions[i]

    def __repr__(self) -> str:
        dom = "R^%d" % self.dim if self.domain is None else repr(self.domain)
        return f"PolyhedralComplex({len(self)} regions of {self.network!r} on {dom})"

    @property
    def n_regions(self) -> int:
        return len(self.regions)

    @property
    def bounded_regions(self) -> list[Region]:
        return [r for r in self.regions if r.is_bounded]

    @property
    def unbounded_regions(self) -> list[Region]:
        return [r for r in self.regions if not r.is_bounded]

    # -- coordinates: working (quotient) -> input --------------------------------------------------
    def _lift_point(self, y: Sequence[Fraction], is_ray: bool) -> tuple[Fraction, ...]:
        lift = self._res.lift
        if lift is None:
            return tuple(y)
        if not lift["M"]:
            return tuple([Fraction(0)] * self.dim)
        if "Mpinv" not in lift:
            lift["Mpinv"] = right_inverse(lift["M"])
        P = lift["Mpinv"]
        return tuple(sum((P[i][k] * y[k] for k in range(len(y))), Fraction(0)) for i in range(len(P)))

    def _lift_gens(self, gens):
        V, R = [], []
        cache = self._gen_cache
        for g in gens:
            p = cache.get(g)
            if p is None:
                t = g[-1]
                if t:
                    p = self._lift_point([Fraction(x, t) for x in g[:-1]], False)
                else:
                    p = self._lift_point([Fraction(x) for x in g[:-1]], True)
                    p = _primitive_fr(p)
                cache[g] = p
            (V if g[-1] else R).append(p)
        return V, R

    def _lift_ineqs(self, cell):
        M = self._res.lift["M"] if self._res.lift is not None else None
        k = 0
        a = cell.alive
        rows = []
        while a:
            if a & 1:
                normal, labels = cell.slots[k]
                if ("infinity",) not in labels:
                    # normal . (y, 1) >= 0  <=>  -normal[:-1] . y <= normal[-1]
                    row = [Fraction(-x) for x in normal[:-1]]
                    rhs = Fraction(normal[-1])
                    if M is not None:
                        row = [sum((row[i] * M[i][j] for i in range(len(M))), Fraction(0)) for j in range(self.dim)]
                    rows.append(_normalize_ineq(row, rhs))
            a >>= 1
            k += 1
        rows = sorted(set(rows))
        return tuple(r[0] for r in rows), tuple(r[1] for r in rows)

    def _lift_affine(self, out):
        scale = self._res.scales[-1]
        M = self._res.lift["M"] if self._res.lift is not None else None
        A, c = [], []
        for row in out.tolist():
            lin = [Fraction(x) / scale for x in row[:-1]]
            if M is not None:
                lin = [sum((lin[i] * M[i][j] for i in range(len(M))), Fraction(0)) for j in range(self.dim)]
            A.append(tuple(lin))
            c.append(Fraction(row[-1]) / scale)
        return tuple(A), tuple(c)

    # -- facets and the adjacency graph -------------------------------------------------------------
    def _build_facets(self, vector_slots: int = 64):
        """Key every facet of every region by the sorted ids of its generators: two regions share a
        facet iff their keys agree.  The incidences of all regions are transposed in one numpy pass
        (for regions with at most ``vector_slots`` <= 64 facet slots, almost all; wider ones take a
        loop)."""
        vector_slots = min(vector_slots, 64)  # a region's incidences must fit in one uint64
        cells = self._res.cells
        gid: dict = {}
        ids = [[gid.setdefault(g, len(gid)) for g in c.gens] for c in cells]
        wide = [ri for ri, c in enumerate(cells) if c.alive.bit_length() > vector_slots]
        narrow = [ri for ri, c in enumerate(cells) if c.alive.bit_length() <= vector_slots] if wide else range(len(cells))
        groups: list = [None] * len(cells)  # per region: [(slot, key), ...]
        if len(narrow):
            counts = [len(ids[ri]) for ri in narrow]
            inc = np.array([m & cells[ri].alive for ri in narrow for m in cells[ri].inc], dtype=np.uint64)
            gids = np.array([i for ri in narrow for i in ids[ri]], dtype=np.int64)
            owner_cell = np.repeat(np.asarray(narrow, dtype=np.int64), counts)
            bits = np.unpackbits(inc.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
            g, k = np.nonzero(bits)
            group = owner_cell[g] * 64 + k
            order = np.lexsort((gids[g], group))
            group = group[order]
            members = gids[g][order].tolist()
            starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]).tolist() if len(members) else []
            ends = starts[1:] + [len(members)]
            for gk, a, b in zip(group[starts].tolist(), starts, ends):
                ri = gk >> 6
                lst = groups[ri]
                if lst is None:
                    lst = groups[ri] = []
                lst.append((gk & 63, tuple(members[a:b])))
        for ri in wide:
            per: dict = {}
            for i, m in zip(ids[ri], cells[ri].inc):
                m &= cells[ri].alive
                while m:
                    low = m & -m
                    per.setdefault(low.bit_length() - 1, []).append(i)
                    m ^= low
            groups[ri] = [(k, tuple(sorted(v))) for k, v in per.items()]
        owner: dict = {}
        facets_of = []
        inf = ("infinity",)
        for ri, cell in enumerate(cells):
            mine = {}
            slots = cell.slots
            for k, key in groups[ri] or ():
                labels = slots[k][1]
                if inf not in labels:
                    mine[key] = (labels, k)
                    o = owner.get(key)
                    if o is None:
                        owner[key] = [ri]
                    else:
                        o.append(ri)
            facets_of.append(mine)
        self._gid = gid
        self._facet_owner = owner
        self._facets_of = facets_of

    def _patterns(self) -> list[tuple[tuple[int, ...], ...]]:
        """Every region's pattern, unpacked for all regions at once."""
        cells = self._res.cells
        if not self.network.widths:
            return [()] * len(cells)  # no hidden layer: one region, with the empty pattern
        per_layer = []
        for l, n in enumerate(self.network.widths):
            nb = (n + 7) // 8
            raw = b"".join(c.pat[l].to_bytes(nb, "little") for c in cells)
            bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8).reshape(len(cells), nb), axis=1,
                                 count=n, bitorder="little")
            per_layer.append(map(tuple, bits.tolist()))
        return list(zip(*per_layer))

    def _region_facets(self, i):
        if self._facets_of is None:
            self._build_facets()
        return self._facets_of[i]

    @property
    def graph(self) -> nx.Graph:
        """Regions as nodes, an edge for every shared facet.

        Node attributes: ``region``, ``pattern``.  Edge attributes: ``neurons`` (the (layer, unit)
        whose bent hyperplanes contain the facet) and ``facet`` (a Polytope).
        """
        if self._graph is None:
            with _engine.paused_gc():  # many small objects, no cycles
                if self._facets_of is None:
                    self._build_facets()
                G = nx.Graph()
                pats = self._patterns()
                for r, p in zip(self.regions, pats):
                    r._cache["pattern"] = p
                G.add_nodes_from((r.index, {"region": r, "pattern": p}) for r, p in zip(self.regions, pats))
                facets_of = self._facets_of
                edges = []
                neurons_of: dict = {}  # few distinct label sets: sort each once
                for key, owners in self._facet_owner.items():
                    if len(owners) == 2:
                        i, j = owners
                        both = (facets_of[i][key][0], facets_of[j][key][0])
                        neurons = neurons_of.get(both)
                        if neurons is None:
                            neurons = neurons_of[both] = tuple(sorted(
                                l for l in both[0] | both[1] if isinstance(l[0], int)))
                        edges.append((i, j, {"neurons": neurons, "facet": self._facet_polytope(i, key)}))
                    elif len(owners) > 2:  # pragma: no cover - would contradict the complex property
                        raise PolyreluError(f"internal: facet shared by {len(owners)} regions")
                G.add_edges_from(edges)
                self._graph = G
        return self._graph

    @property
    def boundary_facets(self) -> list[tuple[int, Any]]:
        """Facets on the domain's boundary: ``(region index, facet Polytope)``."""
        if self._facets_of is None:
            self._build_facets()
        out = []
        for key, owners in self._facet_owner.items():
            if len(owners) == 1:
                out.append((owners[0], self._facet_polytope(owners[0], key)))
        return out

    def _facet_polytope(self, ri, key):
        from .polytope import Polytope

        return Polytope._from_trusted(self.dim, functools.partial(self._facet_data, ri, key))

    def _facet_data(self, ri, key):
        cell = self._res.cells[ri]
        bit = 1 << self._facets_of[ri][key][1]
        gens = [g for g, m in zip(cell.gens, cell.inc) if m & bit]
        V, R = self._lift_gens(gens)
        return {"vertices": tuple(sorted(V)), "rays": tuple(sorted(R)), "lines": self._lines}

    # -- linear regions (pieces) ----------------------------------------------------------------------
    def linear_regions(self) -> list[frozenset[int]]:
        """Maximal connected unions of regions with one affine map (the papers' pieces).

        >>> net = ReLUNetwork([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])  # max(x, y)
        >>> cx = PolyhedralComplex.from_network(net)
        >>> len(cx), [len(piece) for piece in cx.linear_regions()]
        (4, [2, 2])
        """
        G = self.graph
        parent = list(range(len(self.regions)))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        outs = [c.out for c in self._res.cells]
        for i, j in G.edges():
            if (outs[i] == outs[j]).all():
                a, b = find(i), find(j)
                if a != b:
                    parent[a] = b
        comps: dict = {}
        for i in range(len(parent)):
            comps.setdefault(find(i), set()).add(i)
        return sorted((frozenset(s) for s in comps.values()), key=min)

    @property
    def n_linear_regions(self) -> int:
        return len(self.linear_regions())

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
            inv = {v: k for k, v in self._gid.items()}
            if self.domain is not None:
                dA, db = self.domain.inequalities
            for node, data in P.nodes(data=True):
                p = self._relint_point([inv[i] for i in data["vertices"]])
                data["signs"] = self.network.activation_pattern(p)
                # the face of the domain whose relative interior holds the cell: its tight facets
                data["domain_face"] = frozenset() if self.domain is None else frozenset(
                    j for j, (row, bj) in enumerate(zip(dA, db))
                    if sum((a * x for a, x in zip(row, p)), Fraction(0)) == bj)
            self._poset_signed = True
        return P

    def _structure(self) -> nx.DiGraph:
        if self._poset is None:
            self._poset = self._build_poset()
            self._poset_signed = False
        return self._poset

    def _build_poset(self) -> nx.DiGraph:
        if self._facets_of is None:
            self._build_facets()
        gid = self._gid
        kdim = len(self._lines)  # the quotient's lineality adds to every cell's dimension
        P = nx.DiGraph()
        key_to_node: dict = {}
        for ri, cell in enumerate(self._res.cells):
            ids = [gid[g] for g in cell.gens]
            is_ray = [g[-1] == 0 for g in cell.gens]
            nG = len(cell.gens)
            facet_sets = []
            a, k = cell.alive, 0
            while a:
                if a & 1:
                    bit = 1 << k
                    facet_sets.append(sum(1 << i for i, m in enumerate(cell.inc) if m & bit))
                a >>= 1
                k += 1
            top = (1 << nG) - 1
            level = {top}
            dim = self._res.dim
            while level:
                nodes_here = {}
                for z in level:
                    if all(is_ray[i] for i in range(nG) if (z >> i) & 1):
                        continue  # a face at infinity: not a cell
                    key = frozenset(ids[i] for i in range(nG) if (z >> i) & 1)
                    node = key_to_node.get(key)
                    if node is None:
                        node = len(key_to_node)
                        key_to_node[key] = node
                        P.add_node(node, dim=dim + kdim, vertices=key)
                    if dim == self._res.dim:
                        P.nodes[node]["region"] = ri
                    nodes_here[z] = node
                # the facets of each face: maximal proper intersections with the region's facets
                nxt = set()
                for z, node in nodes_here.items():
                    cands = {z & f for f in facet_sets if z & f != z and z & f}
                    maximal = [c for c in cands if not any(c != o and c & o == c for o in cands)]
                    for c in maximal:
                        nxt.add(c)
                    nodes_here[z] = (node, maximal)
                # add edges once the children have nodes
                for z, (node, maximal) in nodes_here.items():
                    for c in maximal:
                        if all(is_ray[i] for i in range(nG) if (c >> i) & 1):
                            continue
                        ckey = frozenset(ids[i] for i in range(nG) if (c >> i) & 1)
                        cnode = key_to_node.get(ckey)
                        if cnode is None:
                            cnode = len(key_to_node)
                            key_to_node[ckey] = cnode
                            P.add_node(cnode, dim=dim - 1 + kdim, vertices=ckey)
                        P.add_edge(cnode, node)
                level = nxt
                dim -= 1
                if dim < 0:
                    break
        return P

    def _relint_point(self, gens):
        """Average of the cell's vertices plus the sum of its rays: in its relative interior."""
        V, R = self._lift_gens(gens)
        n = self.dim
        p = [sum((v[k] for v in V), Fraction(0)) / len(V) for k in range(n)]
        for r in R:
            p = [a + b for a, b in zip(p, r)]
        return p

    @property
    def f_vector(self) -> tuple[int, ...]:
        """Number of cells of each dimension 0..n (boundary cells of the domain included)."""
        P = self._structure()
        f = [0] * (self.dim + 1)
        for _, d in P.nodes(data="dim"):
            f[d] += 1
        return tuple(f)

    @property
    def euler_characteristic(self) -> int:
        """Sum of (-1)^k f_k: 1 for a polytope domain, (-1)^n for R^n (open cells)."""
        return sum((-1) ** k * f for k, f in enumerate(self.f_vector))

    # -- point queries --------------------------------------------------------------------------------
    def _pattern_index(self):
        if self._by_pattern is None:
            self._by_pattern = {c.pat: i for i, c in enumerate(self._res.cells)}
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
        if all(v != 0 for layer in s for v in layer):
            key = tuple(sum(1 << i for i, v in enumerate(layer) if v > 0) for layer in s)
            i = self._pattern_index().get(key)
            if i is not None:
                return [self.regions[i]]
        out = []
        for r in self.regions:
            rs = r.signs
            if any(v != 0 and v != w for sl, rl in zip(s, rs) for v, w in zip(sl, rl)):
                continue
            A, b = r.inequalities
            if all(sum((a * xi for a, xi in zip(row, p)), Fraction(0)) <= bi for row, bi in zip(A, b)):
                out.append(r)
        return sorted(out, key=lambda r: r.pattern)

    def region_containing(self, x: Any) -> Region:
        """The region containing ``x`` (the first of several in pattern order if x is on a boundary)."""
        rs = self.regions_containing(x)
        if not rs:  # pragma: no cover - the regions cover the domain
            raise PolyreluError("internal: no region contains the point")
        return rs[0]

    def neighbors(self, i: int) -> list[int]:
        return sorted(self.graph.neighbors(i))

    def shortest_path(self, i: int, j: int) -> list[int]:
        return nx.shortest_path(self.graph, i, j)

    # -- files ------------------------------------------------------------------------------------------
    def to_json_dict(self) -> dict:
        res = self._res
        return {
            "format": COMPLEX_FORMAT,
            "version": 1,
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
                "cells": [
                    {
                        "gens": [list(g) for g in c.gens],
                        "inc": c.inc,
                        "slots": [[list(nv), sorted([list(l) for l in labs])] for nv, labs in c.slots],
                        "alive": c.alive,
                        "pattern": list(c.pat),
                        "zero": list(c.zero),
                        "out": [list(r) for r in c.out.tolist()],
                    }
                    for c in res.cells
                ],
            },
            "summary": {"n_regions": len(self), "dim": self.dim},
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write the whole complex as exact JSON (integers and "p/q" strings); :meth:`load` reads it."""
        Path(path).write_text(json.dumps(self.to_json_dict()))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "PolyhedralComplex":
        """Read a complex written by :meth:`save`, exactly, without recomputing it."""
        try:
            d = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise InvalidInputError(f"{path}: cannot read a complex ({e})") from None
        if not isinstance(d, dict) or d.get("format") != COMPLEX_FORMAT or d.get("version") != 1:
            raise InvalidInputError(f"{path}: not a {COMPLEX_FORMAT} version 1 file")
        try:
            net = ReLUNetwork.from_json_dict(d["network"], source=f"{path}: network")
            dom = domain_from_json(d["domain"], net.input_dim) if d.get("domain") else None
            e = d["engine"]
            import numpy as np

            cells = []
            for c in e["cells"]:
                gens = [tuple(g) for g in c["gens"]]
                slots = tuple((tuple(nv), frozenset(tuple(l) for l in labs)) for nv, labs in c["slots"])
                out = np.empty((len(c["out"]), len(c["out"][0])), dtype=object)
                out[:, :] = c["out"]
                cell = _engine._Cell(gens, list(c["inc"]), slots, int(c["alive"]), tuple(c["pattern"]),
                                     tuple(c["zero"]))
                cell.out = out
                cells.append(cell)
            lift = None
            if e["lift"] is not None:
                lift = {"M": [[Fraction(x) for x in r] for r in e["lift"]["M"]],
                        "K": [[Fraction(x) for x in r] for r in e["lift"]["K"]]}
            res = _engine.EnumerationResult(e["dim"], cells, lift, [Fraction(s) for s in e["scales"]],
                                            list(net.widths))
        except (KeyError, TypeError, ValueError) as ex:
            raise InvalidInputError(f"{path}: malformed complex file ({ex})") from None
        return cls(net, dom, res, d.get("backend", "cdd"))


# ---------------------------------------------------------------------------------------------------
# algorithms over the complex (networkx style: plain functions)
# ---------------------------------------------------------------------------------------------------

def diameter(cx: PolyhedralComplex) -> int:
    """Diameter of the region-adjacency graph, exactly (Takes and Kosters' bounding diameters).

    Every breadth-first search from a node v (in C, via scipy) gives its eccentricity e and
    bounds every other node's: ``max(d, e - d) <= ecc(w) <= e + d`` with d = dist(v, w).  Searches
    alternate between the node with the largest upper bound and the one with the smallest lower
    bound, until no node's upper bound exceeds the largest eccentricity found: that is the
    diameter.  On region graphs this takes a few dozen searches instead of one per region.

    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> diameter(PolyhedralComplex.from_network(net))
    2
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components, shortest_path

    G = cx.graph
    n = G.number_of_nodes()
    if n <= 1:
        return 0
    edges = np.array(list(G.edges()), dtype=np.int64).reshape(-1, 2)
    m = csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    ncomp, _ = connected_components(m, directed=False)
    if ncomp > 1:
        raise PolyreluError("the adjacency graph is disconnected: its diameter is infinite")
    lo = np.zeros(n)
    up = np.full(n, np.inf)
    done = np.zeros(n, dtype=bool)
    best = 0
    pick_high = True
    while True:
        open_ = ~done & (up > best)
        if not open_.any():
            return int(best)
        idx = np.nonzero(open_)[0]
        v = int(idx[np.argmax(up[idx])] if pick_high else idx[np.argmin(lo[idx])])
        pick_high = not pick_high
        d = shortest_path(m, directed=False, unweighted=True, indices=[v])[0]
        e = d.max()
        np.maximum(lo, np.maximum(d, e - d), out=lo)
        np.minimum(up, e + d, out=up)
        best = max(best, lo.max())  # every lower bound is an eccentricity bound, so <= diameter
        done[v] = True
        done |= lo == up  # eccentricity known exactly (and counted in best)


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
    from .polytope import Polytope

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

def _domain_inequalities(domain, n):
    if domain is None:
        return None
    from .polytope import Polytope

    if not isinstance(domain, Polytope):
        raise InvalidInputError("domain must be a Polytope or None (all of R^n)")
    if domain.ambient_dim != n:
        raise InvalidInputError(f"domain lives in R^{domain.ambient_dim} but the network has {n} inputs")
    if domain.is_empty:
        from .exact import EmptyDomainError

        raise EmptyDomainError("the domain is empty")
    if domain.dim < n:
        raise InvalidInputError(
            f"the domain has dimension {domain.dim} < {n}: regions are full-dimensional, "
            "so restrict the network to the domain's affine hull instead"
        )
    A, b = domain.inequalities
    return [(list(a), bb) for a, bb in zip(A, b)]


def _normalize_ineq(row, rhs):
    ints = primitive_ints(list(row) + [rhs])
    return tuple(Fraction(x) for x in ints[:-1]), Fraction(ints[-1])


def _primitive_fr(v):
    return tuple(Fraction(x) for x in primitive_ints(v))

