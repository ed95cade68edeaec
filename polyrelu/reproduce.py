"""Reproduce the founding papers' numbers by exact enumeration: the reference tables.

For each paper (``arora``, ``pascanu``, ``montufar``, ``serra``, ``telgarsky``) a list of rows.  Each row
names a result, the construction (a call into :mod:`polyrelu.constructions`, shown verbatim), the
domain, which counting notion the paper's number is about, the number the paper prints (or its
formula's value), the exact value polyrelu expects (math-spec, including the errata), and what the
enumeration engine finds: activation regions and pieces.  Every row also carries the values of
all region-count bounds for its shape (:func:`polyrelu.bounds.all_bounds`).

``polyrelu reproduce`` prints these side by side and marks with ``*`` every row where the
enumeration differs from the paper's number (each such row has a note saying why), and with ``!``
a row where it differs from the expected exact value (that would be a bug).  The JSON files in
``data/reference/`` are :func:`write_reference_tables`'s output.

>>> rows = reproduce("pascanu", ids=["thm2-n0=2-k=2"])
>>> r = rows[0]
>>> r["paper_value"], r["regions"], r["pieces"], r["complex"]["f_vector"], r["mark"]
(44, 44, 44, [35, 78, 44], '')
"""
from __future__ import annotations

import json
import os
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import constructions as C
from .bounds import all_bounds, zonotope_vertex_count
from .complex import PolyhedralComplex
from .exact import InvalidInputError, fraction_to_str
from .polytope import Polytope

__all__ = [
    "PAPERS",
    "row_specs",
    "reproduce",
    "write_reference_tables",
    "load_reference_table",
    "format_table",
    "REFERENCE_DIR",
]

PAPERS = ("arora", "pascanu", "montufar", "serra", "telgarsky")
REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

FLIP = (-1, -1, 1, 1)  # last-layer orientation with pieces = activation regions (n0 = 2, 4 lines)


class _Call:
    """A construction call, kept as (function name, args, kwargs) so it can be shown verbatim."""

    def __init__(self, name: str, *args: Any, **kwargs: Any):
        self.name, self.args, self.kwargs = name, args, kwargs

    def __str__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"

    def build(self):
        return getattr(C, self.name)(*self.args, **self.kwargs)


class _Spec:
    __slots__ = ("paper", "id", "result", "call", "box", "notion", "paper_value", "paper_says", "expected",
                 "expected_complex", "stats", "note", "slow")

    def __init__(self, paper, id, result, call, *, box=None, notion="pieces", paper_value=None, paper_says="",
                 expected, expected_complex=None, stats=False, note="", slow=False):
        self.paper, self.id, self.result, self.call = paper, id, result, call
        self.box, self.notion, self.paper_value, self.paper_says = box, notion, paper_value, paper_says
        self.expected, self.expected_complex, self.stats = expected, expected_complex, stats or bool(expected_complex)
        self.note, self.slow = note, slow


def _box_str(box, n: int) -> str:
    if box is None:
        return f"R^{n}"
    lo, hi = box
    if len(set(lo)) == 1 and len(set(hi)) == 1:
        return f"[{fraction_to_str(Fraction(lo[0]))},{fraction_to_str(Fraction(hi[0]))}]^{n}"
    return "box " + json.dumps([[fraction_to_str(Fraction(x)) for x in lo], [fraction_to_str(Fraction(x)) for x in hi]])


# --------------------------------------------------------------------------------------------
# the rows
# --------------------------------------------------------------------------------------------
def _pascanu() -> list[_Spec]:
    P = "pascanu"
    rows = [
        _Spec(P, "prop-shallow-8", "Proposition (one hidden layer), 4 n0 = 8 units", _Call("shallow_network", 2, 8),
              paper_value=37, paper_says="'a shallow model with 4n0 units will have at most 37 linear regions'",
              expected=37),
        _Spec(P, "prop-shallow-12", "Proposition (one hidden layer), 6 n0 = 12 units", _Call("shallow_network", 2, 12),
              paper_value=79, paper_says="'for 6n0 hidden units the shallow model computes at most 79 regions'",
              expected=79),
        _Spec(P, "thm2-n0=2-k=2", "Theorem 2 (k layers of width 2 n0), n0 = 2, k = 2",
              _Call("pascanu_network", 2, 2, last_signs=FLIP), paper_value=44,
              paper_says="'the equivalent deep model with two layers of 2n0 units can produce 44 linear regions'",
              expected=44, expected_complex={"f_vector": [35, 78, 44], "edges": 78, "hamming": {"1": 64, "2": 14},
                                             "degrees": {"3": 28, "4": 8, "5": 8}},
              note="spec section 5.4 weights with the last layer's rows oriented (-1,-1,1,1): same regions, and "
                   "no two mirror regions share an affine map"),
        _Spec(P, "thm2-n0=2-k=3", "Theorem 2 (k layers of width 2 n0), n0 = 2, k = 3",
              _Call("pascanu_network", 2, 3, last_signs=FLIP), paper_value=176,
              paper_says="'the equivalent three layer model can compute 176 regions'",
              expected=176, expected_complex={"f_vector": [159, 334, 176], "edges": 334,
                                              "hamming": {"1": 256, "2": 78}, "degrees": {"3": 72, "4": 68, "5": 36}}),
        _Spec(P, "thm2-n0=2-k=2-spec-box", "Theorem 2, n0 = 2, k = 2 (spec weights, in a box)",
              _Call("pascanu_network", 2, 2), box=((-10, -10), (10, 10)), notion="activation regions",
              paper_value=44, paper_says="44 linear regions", expected=44,
              expected_complex={"f_vector": [55, 98, 44], "edges": 78, "hamming": {"1": 64, "2": 14},
                                "degrees": {"3": 28, "4": 8, "5": 8}},
              note="with the spec's orientation the all-off region near the origin is cut by the folds into 4 "
                   "activation regions with one constant map, and other mirror pairs merge too: 39 pieces"),
        _Spec(P, "thm2-n0=2-k=3-spec-box", "Theorem 2, n0 = 2, k = 3 (spec weights, in a box)",
              _Call("pascanu_network", 2, 3), box=((-10, -10), (10, 10)), notion="activation regions",
              paper_value=176, paper_says="176 regions", expected=176,
              expected_complex={"f_vector": [195, 370, 176], "edges": 334, "hamming": {"1": 256, "2": 78},
                                "degrees": {"3": 72, "4": 68, "5": 36}}),
    ]
    for n0, k, slow in [(1, 1, False), (1, 2, False), (1, 3, False), (1, 5, False), (2, 1, False), (3, 2, False),
                        (3, 3, True)]:
        value = C.pascanu_deep_count(n0, k)
        rows.append(_Spec(P, f"thm2-n0={n0}-k={k}", f"Theorem 2 formula, n0 = {n0}, k = {k}",
                          _Call("pascanu_network", n0, k), notion="activation regions", paper_value=value,
                          paper_says="2^((k-1) n0) S(2 n0, n0)", expected=value, slow=slow))
    return rows


def _montufar() -> list[_Spec]:
    P = "montufar"
    rows = [
        _Spec(P, "zigzag-2;6,4-box", "lower bound (zig-zag construction), (2; 6, 4) in [0,3]^2",
              _Call("montufar_network", 2, (6, 4)), box=((0, 0), (3, 3)), notion="activation regions",
              paper_value=99, paper_says="prod floor(n_l/n0)^n0 * S(n_L, n0) = 3^2 * 11", expected=99, stats=True),
        _Spec(P, "zigzag-2;6,4-box-flip", "lower bound, (2; 6, 4) in [0,3]^2, pieces",
              _Call("montufar_network", 2, (6, 4), last_signs=FLIP), box=((0, 0), (3, 3)),
              paper_value=99, paper_says="99 linear regions", expected=99,
              note="last layer oriented (-1,-1,1,1); with the spec's orientation 91 pieces"),
        _Spec(P, "zigzag-2;6,4-plane", "(2; 6, 4) on all of R^2", _Call("montufar_network", 2, (6, 4)),
              notion="activation regions", expected=121, stats=True,
              note="the construction's count is exact only in the input box; on R^2 it has more (121), "
                   "still below Serra et al.'s upper bound 242"),
    ]
    for n0, widths, slow in [((1), (3, 3), False), (1, (3, 3, 3), False), (2, (4, 4), False), (2, (4, 4, 4), False),
                             (2, (6, 6), False), (3, (6, 6), False), (2, (6, 6, 6), False), (3, (9, 9), True)]:
        value = C.montufar_box_count(n0, widths)
        p = widths[0] // n0
        rows.append(_Spec(P, f"zigzag-{n0};{','.join(map(str, widths))}-box",
                          f"lower bound, ({n0}; {', '.join(map(str, widths))}) in [0,{p}]^{n0}",
                          _Call("montufar_network", n0, widths), box=((0,) * n0, (p,) * n0),
                          notion="activation regions", paper_value=value,
                          paper_says="prod floor(n_l/n0)^n0 * S(n_L, n0)", expected=value, slow=slow))
    return rows


def _arora() -> list[_Spec]:
    P = "arora"
    rows = [
        _Spec(P, "thm2.1-max2", "Theorem 2.1 building block: max(x1, x2), 1 hidden layer",
              _Call("max_network", ((1, 0), (0, 1))), expected=2,
              note="4 activation regions but 2 pieces (max(a,b) = relu(a-b) + relu(b) - relu(-b))"),
        _Spec(P, "thm2.1-max3", "Theorem 2.1: max(x1, x2, x3), ceil(log2 3) = 2 hidden layers",
              _Call("max_network", ((1, 0, 0), (0, 1, 0), (0, 0, 1))), expected=3),
        _Spec(P, "thm2.1-max4", "Theorem 2.1: max(0, x1, x2, x3) on R^3, ceil(log2(3+1)) = 2 hidden layers",
              _Call("max_network", ((0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1))), expected=4),
    ]
    for w, k in [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (4, 2), (4, 3)]:
        inner, total = C.arora_hard_pieces(w, k)
        rows.append(_Spec(P, f"thm3.2-H-w={w}-k={k}-unit", f"Theorem 3.2: H, w = {w}, k = {k}, on [0, M]",
                          _Call("arora_hard_network", w, k), box=((0,), (1,)), paper_value=w**k,
                          paper_says="w^k pieces", expected=inner))
        rows.append(_Spec(P, f"thm3.2-H-w={w}-k={k}-line", f"Theorem 3.2: H, w = {w}, k = {k}, on R",
                          _Call("arora_hard_network", w, k), paper_value=w**k, paper_says="w^k pieces",
                          expected=total,
                          note="the theorem's w^k counts the pieces in [0, M]; on R add the constant piece on "
                               "(-inf, 0] and, for even w and k >= 2, a constant-0 piece beyond M"))
    for k, slow in [(2, False), (3, True)]:
        rows.append(_Spec(P, f"cor3.4-gap-k={k}", f"Corollary 3.4: k^2 = {k * k} hidden layers, size k^3 = {k ** 3}, "
                             f"on [0, 1]", _Call("arora_depth_gap_network", k), box=((0,), (1,)),
                          paper_value=k ** (k * k), paper_says="w^k pieces with w = k and k^2 layers",
                          expected=k ** (k * k), slow=slow,
                          note=f"any net with <= {k} hidden layers computing it needs >= k^(k+1)/2 - 1 = "
                               f"{fraction_to_str(C.arora_shallow_size_lower_bound(k))} units"))
    for n, m in [(2, 3), (3, 4), (3, 5), (3, 6), (4, 5), (4, 6)]:
        V = zonotope_vertex_count(m, n)
        rows.append(_Spec(P, f"thm3.6-zonotope-n={n}-m={m}",
                          f"Theorem 3.6 / Lemma 3.7: gamma_Z, m = {m} generators in R^{n} (k = 0)",
                          _Call("zonotope_network", n, 0, 2, m), paper_value=V,
                          paper_says="vertices of Z: 2 S(m-1, n-1)", expected=V,
                          note="pieces of gamma_Z = normal cones of Z's vertices"))
    for n, m in [(2, 2), (2, 3), (2, 4), (2, 5), (3, 3), (3, 4), (3, 5)]:
        for w, k in [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3)]:
            printed = C.zonotope_family_printed(n, k, w, m)
            exact = C.zonotope_family_pieces(n, k, w, m)
            rows.append(_Spec(P, f"thm3.9-n={n}-m={m}-w={w}-k={k}", f"Theorem 3.9 (i): ZONOTOPE^{n}_{{{k},{w},{m}}}",
                              _Call("zonotope_network", n, k, w, m), paper_value=printed,
                              paper_says="(sum_{i<n} C(m-1, i)) w^k (ICLR text)", expected=exact,
                              slow=(n == 3 and k == 3 and m >= 4),
                              note="erratum: the exact count is 2 S(m-1, n-1) w^k, plus 1 when w is even and "
                                   "k >= 2; the printed value is half of 2 S(m-1, n-1) w^k (a valid lower bound)"))
    return rows


def _serra() -> list[_Spec]:
    P = "serra"
    rows = [
        _Spec(P, "thm5-witness-1;3,3", "Theorem 5 (n0 = 1, exact maximum prod (n_l + 1)), widths (3, 3)",
              _Call("serra_witness"), paper_value=16, paper_says="(3+1)(3+1)", expected=16, stats=True,
              note="explicit witness of math-spec 7.2 (not the paper's appendix construction); also attains "
                   "the Theorem 1 upper bound 16"),
        _Spec(P, "thm1-tight-2;8", "Theorem 1 upper bound, tight for one layer: (2; 8)",
              _Call("shallow_network", 2, 8), paper_value=37, paper_says="sum_j C(8, j), j <= 2", expected=37),
        _Spec(P, "thm1-tight-3;6", "Theorem 1 upper bound, tight for one layer: (3; 6)",
              _Call("shallow_network", 3, 6), paper_value=42, paper_says="sum_j C(6, j), j <= 3", expected=42),
    ]
    for n, m, w, k in [(2, 3, 2, 1), (2, 3, 2, 2), (2, 3, 3, 2), (2, 4, 3, 2), (3, 4, 2, 2)]:
        quoted = zonotope_vertex_count(m, n) * w**k
        exact = C.zonotope_family_pieces(n, k, w, m)
        rows.append(_Spec(P, f"arora-quote-n={n}-m={m}-w={w}-k={k}",
                          f"Serra et al.'s restatement of Arora et al.: ZONOTOPE^{n}_{{{k},{w},{m}}}",
                          _Call("zonotope_network", n, k, w, m), paper_value=quoted,
                          paper_says="2 sum_{j<n0} C(m-1, j) w^(L-1)", expected=exact,
                          note="the quote has the factor 2; for even w and k >= 2 the region where H is "
                               "constant 0 adds one more piece" if exact != quoted else ""))
    return rows


def _telgarsky() -> list[_Spec]:
    P = "telgarsky"
    rows = []
    for k in range(1, 7):
        rows.append(_Spec(P, f"sawtooth-k={k}-unit", f"sawtooth Delta^(k), k = {k}, on [0, 1]",
                          _Call("telgarsky_sawtooth", k), box=((0,), (1,)), paper_value=2**k,
                          paper_says="2^k affine pieces on [0, 1]", expected=2**k))
        rows.append(_Spec(P, f"sawtooth-k={k}-line", f"sawtooth Delta^(k), k = {k}, on R",
                          _Call("telgarsky_sawtooth", k), expected=2**k + 2,
                          note="plus the two constant pieces outside [0, 1]"))
    return rows


_BUILDERS: dict[str, Callable[[], list[_Spec]]] = {
    "arora": _arora,
    "pascanu": _pascanu,
    "montufar": _montufar,
    "serra": _serra,
    "telgarsky": _telgarsky,
}


def row_specs(paper: str) -> list[_Spec]:
    """The row specifications of one paper (nothing computed yet).

    >>> len(row_specs("telgarsky")), row_specs("telgarsky")[0].id
    (12, 'sawtooth-k=1-unit')
    """
    if paper not in _BUILDERS:
        raise InvalidInputError(f"unknown paper {paper!r}; choose from {', '.join(PAPERS)}")
    return _BUILDERS[paper]()


# --------------------------------------------------------------------------------------------
# computing a row
# --------------------------------------------------------------------------------------------
def _complex_stats(cx) -> dict:
    G = cx.graph
    ham: Counter = Counter()
    for i, j in G.edges():
        pi, pj = G.nodes[i]["pattern"], G.nodes[j]["pattern"]
        ham[sum(a != b for la, lb in zip(pi, pj) for a, b in zip(la, lb))] += 1
    deg = Counter(d for _, d in G.degree())
    return {
        "f_vector": list(cx.f_vector),
        "edges": G.number_of_edges(),
        "hamming": {str(h): ham[h] for h in sorted(ham)},
        "degrees": {str(d): deg[d] for d in sorted(deg)},
    }


def _compute(spec: _Spec) -> dict:
    net = spec.call.build()
    domain = None if spec.box is None else Polytope.box(list(spec.box[0]), list(spec.box[1]))
    cx = PolyhedralComplex.from_network(net, domain=domain)
    regions, pieces = len(cx), cx.n_linear_regions
    value = regions if spec.notion == "activation regions" else pieces
    row: dict[str, Any] = {
        "paper": spec.paper,
        "id": spec.id,
        "result": spec.result,
        "construction": str(spec.call),
        "n0": net.input_dim,
        "widths": list(net.widths),
        "domain": _box_str(spec.box, net.input_dim),
        "notion": spec.notion,
        "paper_value": spec.paper_value,
        "paper_says": spec.paper_says,
        "expected": spec.expected,
        "regions": regions,
        "pieces": pieces,
    }
    ok = value == spec.expected
    if spec.stats:
        stats = _complex_stats(cx)
        row["complex"] = stats
        if spec.expected_complex:
            row["expected_complex"] = spec.expected_complex
            ok = ok and all(stats[k] == v for k, v in spec.expected_complex.items())
    bounds = all_bounds(net.input_dim, net.widths) if net.widths else {}
    row["bounds"] = bounds
    if bounds.get("serra_upper") is not None and regions > bounds["serra_upper"]:
        ok = False  # an upper bound exceeded would be a bug in the engine or in the bound
    differs = spec.paper_value is not None and value != spec.paper_value
    row["differs_from_paper"] = differs
    row["matches_expected"] = ok
    row["mark"] = ("*" if differs else "") + ("" if ok else "!")
    row["note"] = spec.note
    row["slow"] = spec.slow
    return row


def reproduce(
    paper: str | None = None, *, include_slow: bool = True, ids: Iterable[str] | None = None
) -> list[dict]:
    """Compute the reference rows of one paper (or of all, ``paper=None``) by exact enumeration.

    ``include_slow=False`` skips the rows marked slow (a few seconds each); ``ids`` keeps only the
    rows with these ids.  Each row is a JSON-ready dict (see the module docstring).

    >>> [r["pieces"] for r in reproduce("telgarsky", ids=["sawtooth-k=3-unit", "sawtooth-k=3-line"])]
    [8, 10]
    """
    papers = PAPERS if paper is None else (paper,)
    wanted = None if ids is None else set(ids)
    out = []
    for p in papers:
        for spec in row_specs(p):
            if spec.slow and not include_slow:
                continue
            if wanted is not None and spec.id not in wanted:
                continue
            out.append(_compute(spec))
    return out


def write_reference_tables(
    directory: str | os.PathLike = REFERENCE_DIR,
    papers: Sequence[str] | None = None,
    rows: Sequence[dict] | None = None,
) -> list[Path]:
    """Write ``<directory>/<paper>.json`` for each paper (all its rows, recomputed unless ``rows``
    from :func:`reproduce` are given); returns the paths.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_reference_tables(tmp, ["telgarsky"])]
    ['telgarsky.json']
    """
    papers = list(papers or PAPERS)
    for p in papers:
        if p not in PAPERS:
            raise InvalidInputError(f"unknown paper {p!r}; choose from {', '.join(PAPERS)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for p in papers:
        mine = reproduce(p) if rows is None else [r for r in rows if r["paper"] == p]
        if rows is not None and len(mine) != len(row_specs(p)):
            raise InvalidInputError(f"the rows given for {p!r} are incomplete (slow rows skipped?)")
        rows_p = mine
        path = directory / f"{p}.json"
        # one row per line: readable, and a regenerated table diffs row by row
        head = json.dumps({"format": "polyrelu-reference", "version": 1, "paper": p})[:-1]
        body = ",\n".join("  " + json.dumps(r) for r in rows_p)
        path.write_text(f'{head}, "rows": [\n{body}\n]}}\n')
        paths.append(path)
    return paths


def load_reference_table(paper: str, directory: str | os.PathLike = REFERENCE_DIR) -> list[dict]:
    """The rows stored in ``<directory>/<paper>.json``.

    >>> rows = load_reference_table("serra")
    >>> rows[0]["id"], rows[0]["regions"], rows[0]["pieces"]
    ('thm5-witness-1;3,3', 16, 16)
    """
    if paper not in PAPERS:
        raise InvalidInputError(f"unknown paper {paper!r}; choose from {', '.join(PAPERS)}")
    path = Path(directory) / f"{paper}.json"
    if not path.exists():
        raise InvalidInputError(f"no reference table {path}; run 'polyrelu reproduce --write {directory}'")
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(doc, dict) or doc.get("format") != "polyrelu-reference" or not isinstance(doc.get("rows"), list):
        raise InvalidInputError(f"{path}: not a polyrelu reference table")
    return doc["rows"]


def format_table(rows: Sequence[dict]) -> str:
    """A plain-text side-by-side table of rows (``*`` = differs from the paper, ``!`` = differs from
    the expected exact value), followed by the notes of the marked rows.

    >>> print(format_table(reproduce("telgarsky", ids=["sawtooth-k=3-unit"])))    # doctest: +ELLIPSIS
    paper      result                                domain   notion  paper#  exact  regions  pieces  mark
    ---------  ------------------------------------  -------  ------  ------  -----  -------  ------  ----
    telgarsky  sawtooth Delta^(k), k = 3, on [0, 1]  [0,1]^1  pieces       8      8        8       8
    ...
    1 rows, 0 differ from the paper, 0 differ from the expected exact value
    """
    head = ("paper", "result", "domain", "notion", "paper#", "exact", "regions", "pieces", "mark")
    body = []
    for r in rows:
        pv = "-" if r["paper_value"] is None else str(r["paper_value"])
        body.append((r["paper"], r["result"], r["domain"], "regions" if r["notion"] == "activation regions" else "pieces",
                     pv, str(r["expected"]), str(r["regions"]), str(r["pieces"]), r["mark"]))
    widths = [max(len(head[i]), *(len(b[i]) for b in body)) if body else len(head[i]) for i in range(len(head))]
    right = {4, 5, 6, 7}

    def fmt(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    lines = [fmt(head), fmt(tuple("-" * w for w in widths))]
    lines += [fmt(b) for b in body]
    marked = [r for r in rows if r["mark"]]
    lines.append("")
    lines.append("paper# = the paper's number (or its formula's value); exact = polyrelu's expected exact value; "
                 "regions = activation regions; pieces = linear regions;")
    lines.append("'*' = enumeration differs from the paper's number, '!' = differs from the expected exact value "
                 "(a bug). Compared column: the row's notion.")
    notes = []
    seen = set()
    for r in marked:
        if r["note"] and r["note"] not in seen:
            seen.add(r["note"])
            notes.append(f"  {r['mark']:2} {r['id']}: {r['note']}")
    if notes:
        lines.append("notes:")
        lines += notes
    lines.append(f"{len(rows)} rows, {sum(1 for r in rows if r['differs_from_paper'])} differ from the paper, "
                 f"{sum(1 for r in rows if not r['matches_expected'])} differ from the expected exact value")
    return "\n".join(lines)
