"""``polyrelu verify``: decide a VNN-LIB property exactly on a network.

    polyrelu verify NET.onnx|NET.json PROP.vnnlib [--json] [--workers N] [--progress]

Prints ``holds`` (no input of the box reaches the unsafe outputs: proven region by region with
exact LPs) or ``violated`` with an exact counterexample and its exact output.  Exit code 0 either
way (the answer is in the output); 2 on bad input.
"""
from __future__ import annotations

from typing import Any

from ..network import load_network
from ._common import add_command, add_run_arguments, dumps, positive_int

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``verify`` command.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["verify", 'NET', 'PROP.vnnlib', '--json']).property
    'PROP.vnnlib'
    """
    p = add_command(sub, "verify", "decide a VNN-LIB property exactly (holds, or an exact counterexample)",
                    __doc__, network="NET")
    p.add_argument("property", metavar="PROP.vnnlib", help="VNN-LIB property (input box and unsafe outputs)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--max-regions", type=positive_int, default=None, help="stop with an error beyond this many regions")
    add_run_arguments(p, "compute the complex with this many processes")
    p.set_defaults(func=run)


def run(args: Any) -> int:
    """Carry out ``polyrelu verify``.

    >>> import os, tempfile
    >>> from polyrelu.cli import main
    >>> tmp = tempfile.mkdtemp()
    >>> prop = os.path.join(tmp, "p.vnnlib")
    >>> with open(prop, "w") as f:
    ...     _ = f.write("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
    ...                 "(assert (>= X_0 -1))(assert (<= X_0 1))(assert (>= X_1 -1))(assert (<= X_1 1))"
    ...                 "(assert (>= Y_0 1000))")
    >>> main(["verify", "data/demo.json", prop])
    network   ReLUNetwork(2 -> [8, 8] -> 1)  (data/demo.json)
    property  ...: 1 unsafe conjunction(s), constants read as exact decimals
    result    holds
    examined  51 of 51 regions, 0 exact LPs, ... s
    0
    """
    from ..verify import verify
    from ..vnnlib import parse_vnnlib

    net = load_network(args.network)
    prop = parse_vnnlib(args.property)
    r = verify(net, prop, backend=args.backend, max_regions=args.max_regions, workers=args.workers,
               progress=args.progress)
    d = r.to_json()
    d["network"] = str(args.network)
    if args.json:
        print(dumps(d))
        return 0
    print(f"network   {net!r}  ({args.network})")
    print(f"property  {args.property}: {len(prop.unsafe)} unsafe conjunction(s), constants read as exact decimals")
    if d["fixed_inputs"]:
        print(f"inputs    {', '.join(f'{k} = {v}' for k, v in d['fixed_inputs'].items())} fixed: "
              f"regions of the {len(prop.free)}-D box of the free inputs")
    print(f"result    {r.status}")
    if r.counterexample is not None:
        print(f"input     [{', '.join(d['counterexample'])}]")
        print(f"          ~ [{', '.join(f'{x:.9g}' for x in d['counterexample_float'])}]")
        print(f"output    [{', '.join(f'{x:.9g}' for x in d['output_float'])}] (exact values in --json)")
    print(f"examined  {r.n_regions_examined} of {r.n_regions} regions, {r.n_lps} exact LPs, {r.seconds:.2f} s")
    return 0
