"""``polyrelu regions``: the exact complex of a network, summarised."""
from __future__ import annotations

from ._common import add_domain_arguments, dumps, load_net, positive_int, resolve_domain


def register(sub) -> None:
    p = sub.add_parser("regions", help="count and describe the exact linear regions of a network")
    p.add_argument("network", metavar="NET.json", help="network file (.json, .npz or .onnx)")
    add_domain_arguments(p)
    p.add_argument("--plane", nargs="+", metavar="POINTS",
                   help="restrict to the plane (3 points) or line (2 points) through these points: a JSON file "
                        "{'points': [...]}, a .npy of shape (k, n), or comma-separated points; --box is then in (s, t)")
    p.add_argument("--backend", default=None, help="exact backend: cdd (default) or ppl")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--max-regions", type=positive_int, default=None, help="stop with an error beyond this many regions")
    p.add_argument("--workers", type=positive_int, default=None, help="refine in parallel with this many processes")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.set_defaults(func=run)


def summary(cx) -> dict:
    """The numbers `polyrelu regions --json` prints."""
    from ..complex import diameter

    G = cx.graph
    try:
        diam = diameter(cx)
    except Exception:  # disconnected graphs have no finite diameter
        diam = None
    return {
        "n_regions": len(cx),
        "n_linear_regions": cx.n_linear_regions,
        "n_bounded_regions": len(cx.bounded_regions),
        "f_vector": list(cx.f_vector),
        "euler_characteristic": cx.euler_characteristic,
        "graph": {"n_nodes": G.number_of_nodes(), "n_edges": G.number_of_edges(), "diameter": diam},
        "n_boundary_facets": len(cx.boundary_facets),
        "input_dim": cx.dim,
        "widths": list(cx.network.widths),
        "domain": "R^%d" % cx.dim if cx.domain is None else repr(cx.domain),
        "backend": cx.backend,
        "seconds": round(cx.seconds, 6),
    }


def run(args) -> int:
    from ._common import network_and_domain

    net = load_net(args.network)
    net, dom, notes = network_and_domain(args, net)
    cx = net.complex(domain=dom, backend=args.backend, max_regions=args.max_regions,
                     workers=args.workers, progress=args.progress)
    s = summary(cx)
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
    print(f"regions   {s['n_regions']} activation regions, {s['n_linear_regions']} linear regions (pieces), "
          f"{s['n_bounded_regions']} bounded")
    print(f"f-vector  {tuple(s['f_vector'])}  (Euler characteristic {s['euler_characteristic']})")
    g = s["graph"]
    print(f"adjacency {g['n_nodes']} nodes, {g['n_edges']} edges, diameter {g['diameter']}")
    print(f"engine    {s['seconds']:.3f} s on the {s['backend']} backend (exact)")
    return 0
