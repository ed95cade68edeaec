"""``polyrelu plot``: draw a network's regions (2-D), function (1-D) or a planar slice (3-D+).

    polyrelu plot NET.json --box LO HI -o FILE.png|svg|pdf [--color-by region|linear|output]
                  [--labels] [--graph] [--no-hyperplanes] [--plane P0 P1 P2]

``--plane POINTS`` takes three points of the input space (a JSON file ``{"points": [...]}``,
a ``.npy`` of shape (3, n), or three comma-separated points; two points give a line); the picture
is then the network restricted to the plane through them, in its coordinates ``(s, t)``
(``x = P0 + s (P1 - P0) + t (P2 - P0)``), over ``--box`` in ``(s, t)`` (default the unit square).
``--vnnlib PROP`` draws the property's box (inputs it fixes are substituted first).
"""
from __future__ import annotations

import json
from typing import Any

from ..exact import InvalidInputError, to_rational
from ..network import load_network
from ..polytope import Polytope
from ._common import (add_command, add_domain_arguments, atomic_output, bounded_float, check_output_path,
                      network_and_domain)

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``plot`` command.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["plot", 'NET.json', '-o', 'r.png', '--labels']).labels
    True
    """
    p = add_command(subparsers, "plot", "draw the regions, bent hyperplanes and adjacency graph to PNG/SVG/PDF", __doc__)
    add_domain_arguments(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="picture file: .png, .svg or .pdf")
    p.add_argument("--color-by", choices=["region", "linear", "output"], default="region")
    p.add_argument("--labels", action="store_true", help="write the activation pattern in each region")
    p.add_argument("--graph", action="store_true", help="draw the adjacency graph on top")
    p.add_argument("--no-hyperplanes", action="store_true", help="do not draw the bent hyperplanes")
    p.add_argument("--plane", nargs="+", metavar="POINTS",
                   help="slice through 3 points (or a line through 2): a JSON/.npy file or comma-separated points")
    # beyond ~2400 dpi a picture needs gigabytes; below 1 matplotlib refuses
    p.add_argument("--dpi", type=bounded_float(1, 2400), default=150.0, help="resolution of .png (1 to 2400)")
    p.add_argument("--title", default=None)
    p.set_defaults(func=run)


def _point(text: str, dim: int, name: str):
    vals = [to_rational(t, where=f"--plane {name}") for t in text.replace(" ", "").split(",") if t]
    if len(vals) != dim:
        raise InvalidInputError(f"--plane {name} has {len(vals)} coordinates but the network has {dim} inputs")
    return vals


def run(args: Any) -> int:
    """Carry out ``polyrelu plot``; prints a JSON line naming the file written.

    >>> import os, tempfile
    >>> from polyrelu.cli import main
    >>> tmp = tempfile.mkdtemp()
    >>> main(["plot", "data/demo.json", "--box", "-1", "1", "-o", os.path.join(tmp, "r.png")])
    {"written": "...r.png"}
    0
    """
    from ..plotting import save_plot

    net = load_network(args.network)
    net, domain, notes = network_and_domain(args, net)
    plane = None
    if args.plane and domain is None:
        domain = Polytope.box([0] * net.input_dim, [1] * net.input_dim)  # the unit square in (s, t)
    if domain is None and plane is None:
        raise InvalidInputError("plot needs a bounded domain: give --box LO HI (or --domain F)")
    kw = {}
    if net.input_dim >= 2:
        kw = dict(color_by=args.color_by, labels=args.labels, graph=args.graph, hyperplanes=not args.no_hyperplanes)
    check_output_path(args.output)
    with atomic_output(args.output) as tmp:
        save_plot(net, tmp, box=domain, plane=plane, dpi=args.dpi, title=args.title, **kw)
    path = args.output
    print(json.dumps({"written": str(path)}))
    return 0
