"""The result contract between the compiled core and :mod:`polyrelu.complex` (docs/core.md).

The core hands back columnar arrays, never Python objects per region: a run that only needs
counts builds none.  :class:`RefinementResult` wraps them and decodes exact integers on demand.

* generators: ``n_generators`` rows of ``D = dim + 1`` exact integers ``(X, T)``, primitive, T = 0
  for rays; ``generator(g)`` decodes one row, ``is_ray`` is a boolean array;
* regions: ``cell_ptr``/``cell_ids`` (CSR) the generator ids of each region;
* patterns: ``active``/``zero``, one row of uint64 words per region, bit ``offset(l) + i`` for
  neuron i of hidden layer l (``zero``: identically zero on the region);
* labels: ``label_sets[k]`` a frozenset of ``(layer, unit)``, ``("domain", j)``, ``("infinity",)``;
* ``facets()``: ``gen_ptr``/``gen_ids`` (CSR, sorted ids), ``cells`` (two per facet, -1 on the
  boundary), ``label_sets`` (each side's set id, -1), ``cell_ptr``/``cell_facets`` (CSR);
* ``faces()``: ``dim``, ``gen_ptr``/``gen_ids``, ``region`` (-1 if none), ``edges`` (pairs face ->
  cell of one dimension more); ``face_counts()`` the number of each ``dim`` alone;
* ``pieces()``: the linear region of each region (indices in order of first region).

``dim`` is the working dimension (the input dimension less the lineality the network cannot see,
``lift`` maps back).

>>> from polyrelu import ReLUNetwork
>>> res = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])]).complex().result
>>> res.n_regions, res.dim, res.n_generators, sorted(res.generator(g) for g in range(res.n_generators))
(4, 2, 5, [(-1, 0, 0), (0, -1, 0), (0, 0, 1), (0, 1, 0), (1, 0, 0)])
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["RefinementResult", "encode_label", "decode_label"]

_MASK32 = (1 << 32) - 1


def encode_label(label: tuple) -> int:
    """The core's int64 code of a facet label.

    >>> [encode_label(x) for x in [(1, 3), ("domain", 2), ("infinity",)]]
    [4294967299, 2, -1]
    """
    if label[0] == "infinity":
        return -1
    if label[0] == "domain":
        return int(label[1])
    return (int(label[0]) << 32) | int(label[1])


def decode_label(code: int) -> tuple:
    """The label of a core code (inverse of :func:`encode_label`).

    >>> decode_label(4294967299), decode_label(2), decode_label(-1)
    ((1, 3), ('domain', 2), ('infinity',))
    """
    if code == -1:
        return ("infinity",)
    layer = code >> 32
    return ("domain", code & _MASK32) if layer == 0 else (layer, code & _MASK32)


def _decode_ints(sign: np.ndarray, offsets: np.ndarray, data: bytes, start: int, stop: int) -> tuple[int, ...]:
    out = []
    frm = int.from_bytes
    for k in range(start, stop):
        s = sign[k]
        if s == 0:
            out.append(0)
        else:
            v = frm(data[offsets[k]:offsets[k + 1]], "little")
            out.append(v if s > 0 else -v)
    return tuple(out)


class RefinementResult:
    """The exact refinement of a domain by a network, as the core's arrays (see the module doc).

    ``complete`` is False for a run stopped by ``max_regions``/``max_seconds`` with
    ``on_limit="partial"``: the regions are then the refinement as far as it got (``stopped_at``:
    hidden layer, cells of that layer reached, cells of that layer).  They tile the domain, but a
    neuron may have split some of them and not yet their neighbours, so the tiling need not be
    face to face: only the regions themselves are available, not the graph, faces or pieces.

    >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
    >>> res, res.complete, res.stopped_at
    (RefinementResult(3 regions, 4 generators in R^1), True, None)
    """

    def __init__(self, core: Any, dim: int, lift: dict | None, scales: list[Fraction], widths: list[int],
                 complete: bool = True, stopped_at: tuple[int, int, int] | None = None):
        self.core = core
        self.dim = dim
        self.lift = lift
        self.scales = scales
        self.widths = list(widths)
        self.complete = complete
        self.stopped_at = stopped_at
        self.n_regions = core.n_regions
        self.n_generators = core.n_generators
        self._gens = None
        self._rays = None
        self._gen_cache: dict[int, tuple[int, ...]] = {}
        self._cells = None
        self._patterns = None
        self._labels = None
        self._facets = None
        self._faces = None
        self._face_counts = None
        self._pieces = None

    def __repr__(self) -> str:
        state = "" if self.complete else ", incomplete"
        return f"RefinementResult({self.n_regions} regions, {self.n_generators} generators in R^{self.dim}{state})"

    # -- generators ------------------------------------------------------------------------------
    def _gen_arrays(self):
        if self._gens is None:
            self._gens = self.core.generators()
        return self._gens

    def generator(self, g: int) -> tuple[int, ...]:
        """Exact homogeneous coordinates ``(X, T)`` of generator ``g`` (T = 0: a ray).

        Decoded from the core's bytes on first use and cached: a run that never asks builds no ints.

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> [res.generator(g) for g in range(res.n_generators)]  # the points 0 and 1, the rays +x and -x
        [(0, 1), (1, 1), (1, 0), (-1, 0)]
        """
        c = self._gen_cache.get(g)
        if c is None:
            sign, off, data = self._gen_arrays()
            D = self.dim + 1
            c = self._gen_cache[g] = _decode_ints(sign, off, data, g * D, (g + 1) * D)
        return c

    @property
    def is_ray(self) -> np.ndarray:
        """Per generator: is it a ray (T = 0)?  Known without making the generators exact.

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.is_ray.tolist()
        [False, False, True, True]
        """
        if self._rays is None:
            self._rays = np.asarray(self.core.rays(), dtype=bool)
        return self._rays

    # -- regions ---------------------------------------------------------------------------------
    @property
    def cell_ptr(self) -> np.ndarray:
        """CSR offsets into :attr:`cell_ids`: region ``i``'s generators are ``cell_ids[cell_ptr[i]:cell_ptr[i + 1]]``.

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.cell_ptr.tolist()
        [0, 2, 4, 6]
        """
        return self._cell_arrays()[0]

    @property
    def cell_ids(self) -> np.ndarray:
        """The generator ids of all regions, one after the other (CSR with :attr:`cell_ptr`).

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.cell_ids.tolist()  # [0, 1], then x >= 1, then x <= 0
        [0, 1, 2, 1, 0, 3]
        """
        return self._cell_arrays()[1]

    def _cell_arrays(self):
        if self._cells is None:
            self._cells = self.core.cell_generators()
        return self._cells

    def cell_generators(self, i: int) -> list[int]:
        """Generator ids of region ``i`` (its slice of :attr:`cell_ids`, as a list).

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> [res.cell_generators(i) for i in range(res.n_regions)]
        [[0, 1], [2, 1], [0, 3]]
        """
        ptr, ids = self._cell_arrays()
        return ids[ptr[i]:ptr[i + 1]].tolist()

    @property
    def active(self) -> np.ndarray:
        """The active bits: a (regions x words) uint64 array, bit ``offset(l) + i`` set if neuron i of
        hidden layer l is positive somewhere on the region (:meth:`layer_bits` unpacks it).

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.active[:, 0].tolist()  # on [0, 1] both units, on x >= 1 unit 0, on x <= 0 unit 1
        [3, 1, 2]
        """
        return self._pattern_arrays()[0]

    @property
    def zero(self) -> np.ndarray:
        """The zero bits, laid out as :attr:`active`: neurons identically zero on the region.

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.zero[:, 0].tolist()  # no unit vanishes on a whole region here
        [0, 0, 0]
        """
        return self._pattern_arrays()[1]

    def _pattern_arrays(self):
        if self._patterns is None:
            self._patterns = self.core.patterns()
        return self._patterns

    def layer_bits(self, which: str = "active") -> list[np.ndarray]:
        """Per hidden layer, a (regions x width) 0/1 array of the ``active`` or ``zero`` bits.

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> [b.tolist() for b in res.layer_bits()], res.layer_bits("zero")[0].tolist()
        ([[[1, 1], [1, 0], [0, 1]]], [[0, 0], [0, 0], [0, 0]])
        """
        words = self.active if which == "active" else self.zero
        bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")
        out, at = [], 0
        for n in self.widths:
            out.append(bits[:, at:at + n])
            at += n
        return out

    @property
    def label_sets(self) -> list[frozenset]:
        """The distinct facet label sets; :meth:`facets` refers to them by index.

        A label is a neuron ``(layer, unit)``, a domain facet ``("domain", j)`` or ``("infinity",)``.

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.label_sets
        [frozenset({(1, 0)}), frozenset({('infinity',)}), frozenset({(1, 1)})]
        """
        if self._labels is None:
            ptr, codes = self.core.label_sets()
            codes = codes.tolist()
            self._labels = [frozenset(decode_label(c) for c in codes[a:b])
                            for a, b in zip(ptr[:-1].tolist(), ptr[1:].tolist())]
        return self._labels

    # -- structure (computed by the core on first use) -------------------------------------------
    def facets(self) -> dict[str, np.ndarray]:
        """The facets as CSR arrays (computed by the core on first use; keys in the module doc).

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> f = res.facets()
        >>> f["gen_ids"].tolist(), f["cells"].reshape(-1, 2).tolist()  # the points 0 and 1, each between two regions
        ([0, 1], [[0, 2], [0, 1]])
        """
        if self._facets is None:
            self._facets = self.core.facets()
        return self._facets

    def faces(self) -> dict[str, np.ndarray]:
        """The face poset as CSR arrays (computed by the core on first use; keys in the module doc).

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> f = res.faces()
        >>> f["dim"].tolist(), f["region"].tolist()  # three intervals (regions 0, 1, 2) and the points 0, 1
        ([1, 0, 0, 1, 1], [0, -1, -1, 1, 2])
        """
        if self._faces is None:
            self._faces = self.core.faces()
        return self._faces

    def face_counts(self) -> tuple[int, ...]:
        """The number of faces of each dimension ``0..dim`` (the face poset's, counted by the core
        without keeping the poset when it was not made already).

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.face_counts()  # the points 0 and 1, three intervals
        (2, 3)
        """
        if self._face_counts is None:
            if self._faces is not None:
                counts = np.bincount(self._faces["dim"], minlength=self.dim + 1)
            else:
                counts = self.core.face_counts()
            self._face_counts = tuple(int(x) for x in counts[: self.dim + 1])
        return self._face_counts

    def pieces(self) -> np.ndarray:
        """Per region, the index of its linear region (regions where the network has one affine map).

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> res.pieces().tolist()  # the affine maps 1, x and 1 - x differ
        [0, 1, 2]
        >>> ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, -1]], [0])]).complex().result.pieces().tolist()  # x twice
        [0, 0]
        """
        if self._pieces is None:
            self._pieces = self.core.linear_regions()
        return self._pieces

    # -- the cells as plain data (saving, and the executor's work units) -------------------------
    def cells_data(self) -> list[dict]:
        """Every region as the dict the core's ``assemble``/``refine`` take back (exact ints).

        What a complex file stores and what an executor's work units carry.

        >>> res = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex().result  # relu(x) + relu(1 - x)
        >>> d = res.cells_data()[0]
        >>> d["gens"], d["facets"], d["active"]
        ([[0, 1], [1, 1]], [0, 2], [3])
        """
        slot_ptr, labels, alive, inc_ptr, inc = self.core.cell_slots()
        act, zer = self.active, self.zero
        ptr, ids = self._cell_arrays()
        sets = self.core.label_sets()
        set_codes = [sets[1][a:b].tolist() for a, b in zip(sets[0][:-1], sets[0][1:])]
        out = []
        gi = 0
        for c in range(self.n_regions):
            gens = [list(self.generator(g)) for g in ids[ptr[c]:ptr[c + 1]].tolist()]
            a, b = slot_ptr[c], slot_ptr[c + 1]
            slots = [set_codes[s] for s in labels[a:b].tolist()]
            facets = [k for k, f in enumerate(alive[a:b].tolist()) if f]
            cinc = []
            for _ in gens:
                cinc.append(inc[inc_ptr[gi]:inc_ptr[gi + 1]].tolist())
                gi += 1
            out.append({"gens": gens, "inc": cinc, "slots": slots, "facets": facets,
                        "active": act[c].tolist(), "zero": zer[c].tolist()})
        return out
