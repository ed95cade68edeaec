"""``polyrelu regions``: the exact complex of a network, summarised."""
from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from ..complex import count_faces, count_regions, diameter
from ..exact import InvalidInputError, PolyreluError
from ..engine import default_workers
from ..network import load_network
from ._common import (add_command, add_domain_arguments, add_run_arguments, dumps, network_and_domain, positive_float,
                      positive_int)


def register(sub: Any) -> None:
    """Add the ``regions`` command to an argparse subparsers object.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["regions", 'NET.json', '--json']).json
    True
    """
    p = add_command(sub, "regions", "count and describe the exact linear regions of a network")
    add_domain_arguments(p)
    p.add_argument("--plane", nargs="+", metavar="POINTS",
                   help="restrict to the plane (3 points) or line (2 points) through these points: a JSON file "
                        "{'points': [...]}, a .npy of shape (k, n), or comma-separated points; --box is then in (s, t)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--max-regions", type=positive_int, default=None, help="stop with an error beyond this many regions")
    p.add_argument("--max-seconds", type=positive_float, default=None,
                   help="stop with an error after this many seconds of refinement")
    p.add_argument("--partial", action="store_true",
                   help="with --max-regions/--max-seconds: report the regions found when the limit hit "
                        "(marked incomplete) instead of an error")
    p.add_argument("--count-only", action="store_true",
                   help="only the exact counts, made as the regions are and none kept (for complexes too large "
                        "to hold): the regions, and on a bounded domain the f-vector and Euler characteristic; "
                        "no graph or linear regions")
    add_run_arguments(p, "refine with this many threads in the core (default: one per processor core)")
    p.set_defaults(func=run)


def summary(cx: Any, workers: int | None = None) -> dict:
    """The numbers `polyrelu regions --json` prints, with the seconds each part took.

    Everything is read from the core's arrays (no networkx graph, no Region objects), so a run
    that only needs counts builds no Python object per region.  The face poset's count and the
    diameter run on a second thread beside the facets and the linear regions when there are
    ``workers`` > 1 cores (default: :func:`~polyrelu.engine.default_workers`): the core releases
    the GIL, so the parts' ``timings`` may add up to more than the whole.

    >>> d = summary(ReLUNetwork([([[1], [-1]], [0, 1]), ([[1, 1]], [0])]).complex())
    >>> d["n_regions"], d["f_vector"], d["graph"]["diameter"], d["domain"]
    (3, [2, 3], 2, 'R^1')
    """
    if not cx.complete:
        layer, done, total = cx.result.stopped_at
        return {"complete": False, "n_regions": len(cx), "stopped_at": {"hidden_layer": layer, "cells_done": done,
                                                                        "cells_in_layer": total},
                "input_dim": cx.dim, "widths": list(cx.network.widths),
                "domain": "R^%d" % cx.dim if cx.domain is None else repr(cx.domain), "backend": cx.backend,
                "seconds": round(cx.seconds, 6), "timings": {"enumerate": round(cx.seconds, 6)}}

    def timed(part: Callable[[], Any]) -> tuple[Any, float]:
        t = time.perf_counter()
        return part(), time.perf_counter() - t

    def graph_diameter() -> int | None:
        try:
            return diameter(cx)
        except PolyreluError:  # disconnected graphs have no finite diameter
            return None

    pool = ThreadPoolExecutor(1) if (workers or default_workers()) > 1 else None

    def start(part: Callable[[], Any]) -> Future:
        if pool:
            return pool.submit(timed, part)
        done: Future = Future()
        done.set_result(timed(part))
        return done

    try:
        faces, diam = start(lambda: cx.f_vector), start(graph_diameter)
        edges, edge_seconds = timed(lambda: cx.adjacency_edges)
        pieces, piece_seconds = timed(lambda: cx.n_linear_regions)
        (f, face_seconds), (diam, diam_seconds) = faces.result(), diam.result()
    finally:
        if pool:
            pool.shutdown()
    return {
        "complete": True,
        "n_regions": len(cx),
        "n_linear_regions": pieces,
        "n_bounded_regions": cx.n_bounded_regions,
        "f_vector": list(f),
        "euler_characteristic": sum((-1) ** k * x for k, x in enumerate(f)),
        "graph": {"n_nodes": len(cx), "n_edges": len(edges), "diameter": diam},
        "n_boundary_facets": cx.n_boundary_facets,
        "input_dim": cx.dim,
        "widths": list(cx.network.widths),
        "domain": "R^%d" % cx.dim if cx.domain is None else repr(cx.domain),
        "backend": cx.backend,
        "seconds": round(cx.seconds, 6),
        "timings": {"enumerate": round(cx.seconds, 6), "graph": round(edge_seconds + diam_seconds, 6),
                    "face_poset": round(face_seconds, 6), "linear_regions": round(piece_seconds, 6)},
    }


def run(args: Any) -> int:
    """Carry out ``polyrelu regions``: count and describe the regions (``--json``: one JSON object).

    >>> from polyrelu.cli import main
    >>> main(["regions", "data/demo.json", "--box", "-1", "1"])
    network   ReLUNetwork(2 -> [8, 8] -> 1)
    domain    Polytope(dim=2 in R^2, bounded, 4 vertices, 4 facets)
    regions   51 activation regions, 51 linear regions (pieces), 51 bounded
    ...
    0
    """
    net = load_network(args.network)
    t0 = time.perf_counter()  # everything after the network file was read
    net, dom, notes = network_and_domain(args, net)
    if args.count_only:
        return _count_only(args, net, dom, notes, t0)
    cx = net.complex(domain=dom, backend=args.backend, max_regions=args.max_regions, max_seconds=args.max_seconds,
                     on_limit="partial" if args.partial else "raise", workers=args.workers, progress=args.progress)
    s = summary(cx, args.workers)
    s["timings"]["total"] = round(time.perf_counter() - t0, 6)
    s.update(notes)
    if args.json:
        print(dumps(s))
        return 0
    print(f"network   {net!r}")
    if "plane" in notes:
        print(f"slice     {notes['plane']['coordinates']} through {len(notes['plane']['points'])} points")
    if "fixed_inputs" in notes:
        fixed = ", ".join(f"{k} = {v}" for k, v in notes["fixed_inputs"].items())
        print(f"inputs    {fixed} fixed by {args.vnnlib}: the complex is computed on the "
              f"{len(notes['free_inputs'])}-D box of the free inputs {', '.join(notes['free_inputs'])}")
    print(f"domain    {s['domain']}")
    if not s["complete"]:
        st = s["stopped_at"]
        print(f"INCOMPLETE: stopped by a limit in hidden layer {st['hidden_layer']} after {st['cells_done']} of "
              f"{st['cells_in_layer']} cells; {s['n_regions']} cells so far (regions of the layers before)")
        return 0
    print(f"regions   {s['n_regions']} activation regions, {s['n_linear_regions']} linear regions (pieces), "
          f"{s['n_bounded_regions']} bounded")
    print(f"f-vector  {tuple(s['f_vector'])}  (Euler characteristic {s['euler_characteristic']})")
    g = s["graph"]
    print(f"adjacency {g['n_nodes']} nodes, {g['n_edges']} edges, diameter {g['diameter']}")
    t = s["timings"]
    print(f"seconds   {t['total']:.3f} in all: enumeration {t['enumerate']:.3f}, graph {t['graph']:.3f}, "
          f"faces {t['face_poset']:.3f}, linear regions {t['linear_regions']:.3f} (exact, {s['backend']} backend)")
    return 0


def _count_only(args: Any, net: Any, dom: Any, notes: dict, t0: float) -> int:
    # --count-only: the count alone (the limits other than --max-seconds are about kept regions)
    if args.max_regions is not None or args.partial:
        raise InvalidInputError("--count-only keeps no regions, so --max-regions and --partial do not apply "
                                "(use --max-seconds)")
    # on a bounded domain the faces are counted too (each by the region that owns it): the
    # f-vector and Euler characteristic of a complex too large to hold
    opts = dict(backend=args.backend, max_seconds=args.max_seconds, workers=args.workers, progress=args.progress)
    bounded = dom is not None and dom.is_bounded
    fv = count_faces(net, dom, **opts) if bounded else None
    n = fv[-1] if fv is not None else count_regions(net, dom, **opts)
    s = {"complete": True, "n_regions": n, "input_dim": net.input_dim, "widths": list(net.widths),
         "domain": "R^%d" % net.input_dim if dom is None else repr(dom),
         "timings": {"total": round(time.perf_counter() - t0, 6)}, **notes}
    if fv is not None:
        s["f_vector"] = list(fv)
        s["euler_characteristic"] = sum((-1) ** k * f for k, f in enumerate(fv))
    if args.json:
        print(dumps(s))
    else:
        print(f"network   {net!r}")
        print(f"domain    {s['domain']}")
        print(f"regions   {n} activation regions (counted, none kept)")
        if fv is not None:
            print(f"f-vector  {tuple(fv)}  (Euler characteristic {s['euler_characteristic']}; counted, none kept)")
        print(f"seconds   {s['timings']['total']:.3f}")
    return 0
