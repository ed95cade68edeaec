"""``polyrelu lipschitz``: the exact Lipschitz constant of a network on a box.

    polyrelu lipschitz NET.json [--box LO HI] [--norm 1|inf|2] [--json]

The constant is for the same norm on inputs and outputs: the largest operator norm of the
regions' affine maps (``inf``: largest absolute row sum, ``1``: largest absolute column sum,
exact rationals; ``2``: spectral norm, a float with a certified rational interval).  ``LO``/``HI``
are a number each (the cube ``[LO, HI]^n``) or comma-separated coordinates.  Without ``--box``
the network file's own domain is used, else all of R^n.

JSON keys: ``norm``, ``lipschitz`` ("p/q", or a float for ``2`` with ``interval`` [lo, hi] as
strings), ``region`` (``index``, ``pattern``, ``interior_point``), ``naive_bound`` (product of the
layer norms), ``heinecke_hwang_bound`` (the atom bound), ``path_atom_bound``,
``hh_path_count_bound``, ``max_layer_norm_bound`` (reconstructed Theorem-6 forms), ``n_regions``;
for ``2`` the bounds are floats and ``<key>_interval`` holds their certified intervals.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..analyses.lipschitz import lipschitz_constant
from ..exact import PolyreluError
from ..network import load_network

from ._common import allow_negative_values, parse_box  # noqa: F401

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``lipschitz`` command to an argparse subparsers object.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["lipschitz", 'NET.json', '--norm', '1']).norm
    '1'
    """
    p = subparsers.add_parser(
        "lipschitz",
        help="exact Lipschitz constant of a network on a box, with the region attaining it",
        description=(
            "The exact Lipschitz constant of the network on the box for the chosen norm on inputs "
            "and outputs (maximum over the activation regions of the operator norm of the region's "
            "affine map), the region attaining it, and the naive (product of layer norms) and "
            "Heinecke-Hwang atom bounds."
        ),
    )
    p.add_argument("network", metavar="NET.json", help="the network file (.json, .npz or .onnx)")
    p.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="the box [LO, HI]^n (or comma-separated corners)")
    p.add_argument("--norm", choices=("1", "inf", "2"), default="inf", help="the norm on inputs and outputs (default inf)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on bad input (message on stderr).

    >>> from polyrelu.cli import main
    >>> main(["lipschitz", "data/demo.json", "--box", "-1", "1"])
    Lipschitz constant (linf -> linf): 122067/1600
    ...
    0
    """
    try:
        net = load_network(args.network)
        domain = parse_box(args.box[0], args.box[1], net.input_dim) if args.box else net.domain
        report = lipschitz_constant(net, domain, norm=args.norm)
    except PolyreluError as e:
        print(f"polyrelu lipschitz: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json_dict()))
    else:
        print(report)
    return 0
