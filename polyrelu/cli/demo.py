"""``polyrelu demo``: the main job -- a network's exact complex, its summary, files and a picture."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..exact import InvalidInputError
from ..network import load_network
from ._common import add_domain_arguments, atomic_output, domain_from_args, dumps, final_paths
from .regions import summary


def register(sub: Any) -> None:
    """Add the ``demo`` command to an argparse subparsers object.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["demo", '--out', 'DIR']).network
    'data/demo.json'
    """
    p = sub.add_parser("demo", help="summarise a network's complex and write every export plus a picture")
    p.add_argument("network", metavar="NET.json", nargs="?", default="data/demo.json")
    add_domain_arguments(p)
    p.add_argument("--out", default="demo-output", help="output folder (created)")
    p.set_defaults(func=run)


def run(args: Any) -> int:
    """Carry out ``polyrelu demo``: summarise the network's complex and write every export and a picture into ``--out``.

    >>> import os, tempfile
    >>> from polyrelu.cli import main
    >>> tmp = tempfile.mkdtemp()
    >>> main(["demo", "--out", os.path.join(tmp, "demo")])
    network   ReLUNetwork(2 -> [8, 8] -> 1) from data/demo.json
    ...
    0
    """
    net = load_network(args.network)
    dom = domain_from_args(args, net)
    cx = net.complex(domain=dom, progress=False)
    s = summary(cx)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"{out}: exists and is not a folder; --out names the folder to write to")
    out.parent.mkdir(parents=True, exist_ok=True)
    print(f"network   {net!r} from {args.network}")
    print(f"domain    {s['domain']}")
    print(f"regions   {s['n_regions']} activation regions, {s['n_linear_regions']} pieces, "
          f"{s['n_bounded_regions']} bounded; f-vector {tuple(s['f_vector'])}, "
          f"Euler characteristic {s['euler_characteristic']}")
    print(f"adjacency {s['graph']['n_edges']} shared facets, diameter {s['graph']['diameter']}")
    # everything goes to a temporary folder first: a failure leaves no half-written set of files
    with atomic_output(out, directory=True) as tmp:
        tmp.mkdir()
        (tmp / "summary.json").write_text(dumps(s) + "\n")
        written = [tmp / "summary.json"]
        try:
            from .. import export
        except ImportError:  # pragma: no cover - export needs optional packages
            export = None
        if export is not None and hasattr(export, "demo"):
            written += [Path(p) for p in export.demo(cx, tmp)]
        else:
            cx.save(tmp / "complex.json")
            written.append(tmp / "complex.json")
    written = final_paths(written, tmp, out)
    print(f"wrote     {len(written)} files to {out}/:")
    for p in written:
        print(f"          {p.name}")
    return 0
