"""Reading saved complexes (format ``polyrelu-complex``, docs/formats.md), verified.

Nothing in a file is trusted: the checksum shows accidental edits, and the content is then
checked against the network it names (the working coordinates and scales are recomputed from the
network and domain, every region's recorded pattern and facet labels are checked by the core
against the exact values of the network at its generators, every vertex must lie in the domain,
patterns must be distinct, and for small bounded complexes the volumes must add up to the
domain's).  Version 1 files, written before the compiled core, are read and checked the same way.
"""
from __future__ import annotations

import hashlib
import json
import os
from fractions import Fraction
from typing import Any

from . import engine as _engine
from .exact import InvalidInputError, PolyreluError
from .network import ReLUNetwork, domain_from_json
from .result import RefinementResult
from .validate import read_json

__all__ = ["read_complex", "checksum", "COMPLEX_FORMAT", "VOLUME_CHECK_MAX_REGIONS"]

COMPLEX_FORMAT = "polyrelu-complex"
# summing exact volumes costs a polytope computation per region: done for files up to this size
VOLUME_CHECK_MAX_REGIONS = 400


def checksum(content: dict) -> str:
    """sha256 of the canonical JSON of a saved complex's content: any edit shows.

    >>> checksum({"a": 1}) == checksum({"a": 1}) != checksum({"a": 2})
    True
    """
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _fail(path, what: str) -> InvalidInputError:
    return InvalidInputError(f"{path}: {what}")


def read_complex(cls, path: str | os.PathLike):
    """Read and verify a saved complex; ``cls`` is :class:`~polyrelu.complex.PolyhedralComplex`.

    >>> import tempfile, os
    >>> from polyrelu import ReLUNetwork, PolyhedralComplex
    >>> cx = ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex()
    >>> path = os.path.join(tempfile.mkdtemp(), "cx.json"); cx.save(path)
    >>> text = open(path).read(); _ = open(path, "w").write(text.replace('"backend": "cdd"', '"backend": "ppl"'))
    >>> PolyhedralComplex.load(path)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: ...: the checksum does not match the content (the file was edited or damaged)
    """
    d = read_json(path, "complex file")  # size limits, nesting, unreadable files: the package's errors
    if not isinstance(d, dict) or d.get("format") != COMPLEX_FORMAT:
        raise _fail(path, f"not a {COMPLEX_FORMAT} file")
    version = d.get("version")
    if type(version) is not int or version not in (1, 2):
        raise _fail(path, f"unknown {COMPLEX_FORMAT} version {str(version)[:20]!r} (this polyrelu reads 1 and 2)")
    if version == 2:
        content = {k: d.get(k) for k in ("network", "domain", "backend", "engine")}
        if d.get("checksum") != checksum(content):
            raise _fail(path, "the checksum does not match the content (the file was edited or damaged)")
    try:
        net = ReLUNetwork.from_json_dict(d["network"], source=f"{path}: network")
        dom = domain_from_json(d["domain"], net.input_dim, source=f"{path}: domain") if d.get("domain") else None
        backend = d.get("backend", "cdd")
        if backend not in ("cdd", "ppl"):
            raise _fail(path, f"unknown backend {str(backend)[:20]!r}")
        e = d["engine"]
        if not isinstance(e, dict) or not isinstance(e.get("cells"), list):
            raise _fail(path, "engine.cells must be a list")
        # the working coordinates are the network's and the domain's: recompute, never trust
        prep = _engine.prepare(net.layers, _engine.domain_inequalities(dom, net.input_dim), backend)
        if e.get("dim") != prep.dim:
            raise _fail(path, f"engine.dim is {str(e.get('dim'))[:20]}, the network and domain give {prep.dim}")
        widths = list(net.widths)
        cells = e["cells"] if version == 2 else [_engine.cell_data_from_v1(c, widths) for c in e["cells"]]
        import polyrelu._core as _core  # the compiled extension (not the package)

        core = _core.assemble(prep.dim, prep.core_layers(), cells)
    except PolyreluError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, AttributeError) as ex:
        raise _fail(path, f"malformed complex file ({type(ex).__name__}: {str(ex)[:200]})") from None
    problem = core.verify()
    if problem:
        raise _fail(path, f"the regions do not agree with the network: {problem}")
    res = RefinementResult(core, prep.dim, prep.lift, prep.scales, widths)
    cx = cls(net, dom, res, backend)
    _check_geometry(cx, path, d)
    return cx


def _check_geometry(cx: Any, path, d: dict) -> None:
    """Cheap global checks of a loaded complex: distinct patterns, vertices in the domain, and
    (small bounded complexes) volumes that add up to the domain's."""
    summary = d.get("summary")
    if isinstance(summary, dict) and summary.get("n_regions") not in (None, len(cx)):
        raise _fail(path, f"summary says {str(summary.get('n_regions'))[:20]} regions, the file holds {len(cx)}")
    if len(cx) == 0:
        raise _fail(path, "the complex has no region")
    if cx.network.widths:
        pats = cx.result.active
        if len({row.tobytes() for row in pats}) != len(cx):
            raise _fail(path, "two regions have the same activation pattern")
    if cx.domain is not None:
        A, b = cx.domain.inequalities
        ids = range(cx.result.n_generators)
        V, _ = cx._lift_gens(ids)
        for v in V:
            if any(sum((a * x for a, x in zip(row, v)), Fraction(0)) > bi for row, bi in zip(A, b)):
                raise _fail(path, f"a vertex lies outside the domain: {tuple(map(str, v))}"[:300])
        if cx.domain.is_bounded and len(cx) <= VOLUME_CHECK_MAX_REGIONS:
            total = sum((r.volume for r in cx.regions), Fraction(0))
            if total != cx.domain.volume:
                raise _fail(path, f"the regions' volumes add up to {total}, the domain's is {cx.domain.volume}")
