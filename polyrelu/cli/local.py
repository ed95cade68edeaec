"""``polyrelu local``: exact local complexity (regions and bent hyperplanes meeting small balls).

    polyrelu local NET --points X.npy|X.csv|X.json --radius R [--norm inf|1] [--json] [--workers N]

For each point: the number of activation regions meeting the open ball of radius R (an
l-infinity box or an l1 cross-polytope), and the number of neurons whose bent hyperplane meets
it.  ``--json`` prints one JSON object per point, one per line.  Numbers are exact: ``--radius``
and ``.csv`` entries are read as the decimals written (``0.05`` = 1/20), ``.npy`` and JSON
numbers as the binary floats they are (JSON strings such as ``"1/3"`` are exact too).
"""
from __future__ import annotations

import json
from typing import Any

from ..exact import to_rational
from ..local import local_complexity
from ..network import load_network
from ._common import add_command, add_run_arguments, read_points

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``local`` command.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["local", 'NET', '--points', 'X.npy', '--radius', '1/10']).radius
    '1/10'
    """
    p = add_command(sub, "local", "exact local complexity: regions and neurons meeting a ball around each point",
                    __doc__, network="NET")
    p.add_argument("--points", required=True, metavar="X", help=".npy (k x n), .csv (a point a row) or JSON list of points")
    p.add_argument("--radius", required=True, metavar="R", help="ball radius (> 0; exact: '1/100', 0.01 = 1/100)")
    p.add_argument("--norm", choices=["inf", "1"], default="inf", help="l-infinity box (default) or l1 cross-polytope")
    p.add_argument("--json", action="store_true", help="one JSON object per point, one per line")
    add_run_arguments(p, "points in parallel with this many processes")
    p.set_defaults(func=run)


def run(args: Any) -> int:
    """Carry out ``polyrelu local``.

    >>> import os, tempfile
    >>> from polyrelu.cli import main
    >>> tmp = tempfile.mkdtemp()
    >>> with open(os.path.join(tmp, "pts.json"), "w") as f:
    ...     _ = f.write('[[0, 0], ["1/2", "1/4"]]')
    >>> main(["local", "data/demo.json", "--points", os.path.join(tmp, "pts.json"), "--radius", "1/10"])
    network   ReLUNetwork(2 -> [8, 8] -> 1); 2 points, radius 1/10, norm inf
    point    0:      3 regions,     2 neurons  (... s)
    point    1:      3 regions,     2 neurons  (... s)
    mean      3.000 regions per ball
    0
    """
    net = load_network(args.network)
    pts = read_points(args.points, "--points")
    # a radius typed as a decimal means that decimal (0.01 = 1/100), like VNN-LIB constants
    r = to_rational(args.radius, where="--radius")
    res = local_complexity(net, pts, r, args.norm, workers=args.workers, progress=args.progress,
                           backend=args.backend)
    if args.json:
        for d in res:
            print(json.dumps(d))
        return 0
    print(f"network   {net!r}; {len(res)} points, radius {res[0]['radius'] if res else r}, norm {args.norm}")
    for d in res:
        print(f"point {d['index']:>4}: {d['n_regions']:>6} regions, {d['n_neurons']:>5} neurons  ({d['seconds']:.3f} s)")
    if res:
        mean = sum(d["n_regions"] for d in res) / len(res)
        print(f"mean      {mean:.3f} regions per ball")
    return 0
