"""``polyrelu compare``: do two networks compute the same function on a box, and how far apart are they?

    polyrelu compare NET1.json NET2.json --box LO HI [--gradient-norm max|1|inf] [--json]

Exact, on the common refinement of the two complexes.  JSON keys: ``same_realization`` (bool),
``witness`` (a point where the networks differ, or null), ``sup_distance`` (max over the box of
``||f(x) - g(x)||_inf``, "p/q"), ``sup_gradient_distance`` (max over the regions of the norm of
the Jacobian of ``f - g``; ``max`` = largest absolute partial derivative), ``argmax`` (a point
where ``sup_distance`` is attained), ``gradient_argmax``, ``gradient_norm``, ``n_regions``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..analyses.realization import compare_realizations
from ..exact import PolyreluError, fraction_to_str
from ..network import load_network
from ._common import parse_box

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``compare`` command to an argparse subparsers object.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["compare", 'A.json', 'B.json', '--box', '-1', '1']).box
    ['-1', '1']
    """
    p = subparsers.add_parser(
        "compare",
        help="exact equality and sup distances of two networks' realizations on a box",
        description=(
            "Decide exactly whether two networks compute the same function on the box (with a "
            "witness point if not), and compute the sup distance of f - g and of its gradient."
        ),
    )
    p.add_argument("network1", metavar="NET1.json", help="the first network file")
    p.add_argument("network2", metavar="NET2.json", help="the second network file")
    p.add_argument("--box", nargs=2, metavar=("LO", "HI"), required=True,
                   help="the box [LO, HI]^n (or comma-separated corners)")
    p.add_argument("--gradient-norm", choices=("max", "1", "inf"), default="max",
                   help="norm of the Jacobian of f - g (default: largest absolute partial derivative)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _pt(v) -> str:
    return "(" + ", ".join(fraction_to_str(x) for x in v) + ")"


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on bad input (message on stderr).

    >>> from polyrelu.cli import main
    >>> main(["compare", "data/demo.json", "data/demo.json", "--box", "-1", "1"])
    same realization on the box: yes
    ...
    0
    """
    try:
        net1 = load_network(args.network1)
        net2 = load_network(args.network2)
        domain = parse_box(args.box[0], args.box[1], net1.input_dim)
        res = compare_realizations(net1, net2, domain, gradient_norm=args.gradient_norm)
    except PolyreluError as e:
        print(f"polyrelu compare: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(res.to_json_dict()))
        return 0
    if res.same:
        print("same realization on the box: yes")
    else:
        print(f"same realization on the box: no (they differ at {_pt(res.witness)})")
    print(f"sup distance |f - g|: {fraction_to_str(res.sup_distance)} (attained at {_pt(res.argmax)})")
    print(
        f"sup gradient distance ({res.gradient_norm}): {fraction_to_str(res.sup_gradient_distance)} "
        f"(on the region containing {_pt(res.gradient_argmax)})"
    )
    print(f"regions of the common refinement: {res.n_regions}")
    return 0
