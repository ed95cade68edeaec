"""``polyrelu bounds --n0 2 --widths 4 4 [--json]``: every region-count bound for a shape, by name."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..exact import PolyreluError

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``bounds`` command to an argparse subparsers object.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["bounds", '--n0', '2', '--widths', '3', '3']).widths
    [3, 3]
    """
    p = subparsers.add_parser(
        "bounds",
        help="lower and upper bounds on the number of linear regions for a network shape",
        description=(
            "Print every bound on the number of linear regions of a ReLU network with N0 inputs "
            "and the given hidden widths, as exact integers (lower bounds are about the best "
            "weights; '-' / null means the result's hypothesis does not hold for this shape)."
        ),
    )
    p.add_argument("--n0", type=int, required=True, metavar="N0", help="input dimension")
    p.add_argument("--widths", type=int, nargs="+", required=True, metavar="W", help="hidden widths n_1 ... n_L")
    p.add_argument("--json", action="store_true",
                   help='print one JSON object {"n0", "widths", <bound name>: int or null, ...}')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on bad input (message on stderr).

    >>> from polyrelu.cli import main
    >>> main(["bounds", "--n0", "2", "--widths", "3"])
    shape: n0 = 2, widths = (3,), N = 3
    ...
    0
    """
    from ..bounds import all_bounds, format_report

    try:
        b = all_bounds(args.n0, args.widths)
    except PolyreluError as e:
        print(f"polyrelu bounds: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"n0": args.n0, "widths": list(args.widths), **b}))
    else:
        print(format_report({"n0": args.n0, "widths": list(args.widths), "bounds": b}))
    return 0
