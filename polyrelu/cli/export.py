"""``polyrelu export``: write a network's polyhedral complex for other software.

    polyrelu export NET.json [--box LO HI | --domain F | --whole-space]
                    --to polymake|sage|cdd|vtk|geojson|graphml|nodelink|json -o PATH [--region I]

``LO``/``HI`` are a number each (the cube ``[LO, HI]^n``) or comma-separated coordinates
(``0,0`` ``1,1/2``).  Without a domain option the network file's own domain is used, and
without one of those the whole input space.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from ..complex import PolyhedralComplex
from ..exact import InvalidInputError
from ..network import load_network
from ._common import add_domain_arguments, allow_negative_values, domain_from_args, parse_box  # noqa: F401
from ._common import add_command, atomic_output, check_output_path, final_paths

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``export`` command.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["export", 'NET.json', '--to', 'sage', '-o', 'x.sage']).to
    'sage'
    """
    from ..export import FORMATS

    p = add_command(subparsers, "export", "write the polyhedral complex for polymake, Sage, cdd, ParaView, GIS or graph tools", __doc__)
    add_domain_arguments(p)
    p.add_argument("--to", required=True, choices=list(FORMATS), help="; ".join(f"{k}: {v}" for k, v in FORMATS.items()))
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="output file (a directory for cdd)")
    p.add_argument("--region", type=int, default=None, metavar="I", help="polymake/cdd: export only region I")
    p.set_defaults(func=run)


# the file endings each format may be written under (none at all is fine too): GeoJSON in a
# file called x.png would only mislead whoever opens it
SUFFIXES = {
    "polymake": (".json", ".poly", ".polymake"),
    "sage": (".sage", ".py"),
    "vtk": (".vtu", ".vtk", ".xdmf", ".xmf"),
    "geojson": (".geojson", ".json"),
    "graphml": (".graphml", ".xml"),
    "nodelink": (".json",),
    "json": (".json",),
}


def check_output_suffix(fmt: str, path: str) -> None:
    """Refuse an output name whose ending says another format (``--to geojson -o x.png``).

    >>> check_output_suffix("geojson", "x.png")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: -o x.png: a geojson file should end in .geojson or .json, not .png
    """
    suffix = Path(path).suffix.lower()
    want = SUFFIXES.get(fmt)
    if want and suffix and suffix not in want:
        raise InvalidInputError(f"-o {path}: a {fmt} file should end in {' or '.join(want)}, not {suffix}")
    if fmt == "vtk" and suffix in (".xdmf", ".xmf") and importlib.util.find_spec("h5py") is None:
        raise InvalidInputError(f"-o {path}: XDMF output needs the h5py package (pip install h5py), or write .vtu")


def run(args: Any) -> int:
    """Carry out ``polyrelu export``; prints a JSON summary of what was written.

    >>> import os, tempfile
    >>> from polyrelu.cli import main
    >>> tmp = tempfile.mkdtemp()
    >>> main(["export", "data/demo.json", "--box", "-1", "1", "--to", "polymake", "-o", os.path.join(tmp, "cx.json")])
    {"format": "polymake", "regions": 51, "f_vector": [66, 116, 51], "domain": "bounded", "written": [...]}
    0
    """
    from ..export import export

    net = load_network(args.network)
    domain = domain_from_args(args, net)
    check_output_suffix(args.to, args.output)
    check_output_path(args.output, directory=args.to == "cdd")  # before the work, not after it
    cx = PolyhedralComplex.from_network(net, domain=domain)
    with atomic_output(args.output, directory=args.to == "cdd") as tmp:
        paths = final_paths(export(cx, args.to, tmp, region=args.region), tmp, Path(args.output))
    print(
        json.dumps(
            {
                "format": args.to,
                "regions": len(cx),
                "f_vector": list(cx.f_vector),
                "domain": "whole space" if domain is None else "bounded" if domain.is_bounded else "unbounded",
                "written": [str(p) for p in paths],
            }
        )
    )
    return 0
