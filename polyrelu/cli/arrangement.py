"""``polyrelu arrangement``: general position, characteristic polynomial and Zaslavsky counts.

    polyrelu arrangement FILE.json [--json] [--enumerate]
    polyrelu arrangement NET.json --layer 1 [--json] [--enumerate]

The file kind is read from its ``"format"`` key (``polyrelu-arrangement`` or
``polyrelu-network``; a ``.npz`` file is a network).  For a network, ``--layer L`` (default 1)
picks the hidden layer whose hyperplanes ``W^L x + b^L = 0`` form the arrangement.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..arrangement import FORMAT, HyperplaneArrangement
from ..exact import InvalidInputError, PolyreluError, describe, shorten
from ..network import load_network
from ..validate import read_json

__all__ = ["register", "run", "load_arrangement", "format_report"]


def register(subparsers: Any) -> None:
    """Add the ``arrangement`` command to an argparse subparsers object.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["arrangement", 'FILE.json', '--layer', '2']).layer
    2
    """
    p = subparsers.add_parser(
        "arrangement",
        help="general position, characteristic polynomial and region counts of a hyperplane arrangement",
        description=(
            "Analyse a hyperplane arrangement exactly: rank, centrality, essentiality, general "
            "position (with a smallest violating subset), the characteristic polynomial and "
            "Zaslavsky's region counts.  FILE is a polyrelu-arrangement JSON file or a network "
            "(polyrelu-network JSON or .npz), in which case --layer picks the hidden layer."
        ),
    )
    p.add_argument("file", metavar="FILE", help="arrangement or network file")
    p.add_argument("--layer", type=int, default=None, metavar="L",
                   help="hidden layer of a network file (1-based; default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--enumerate", action="store_true",
                   help="also enumerate the regions exactly and compare with Zaslavsky")
    p.set_defaults(func=run)


def load_arrangement(path: str | Path, layer: int | None = None) -> tuple[HyperplaneArrangement, int | None]:
    """Read an arrangement, or the arrangement of one layer of a network, from a file.

    Returns ``(arrangement, layer)`` with ``layer`` None for an arrangement file.

    >>> A, layer = load_arrangement("data/demo.json", 2)
    >>> A.n_hyperplanes, layer
    (8, 2)
    """
    path = Path(path)
    if path.suffix == ".npz":
        kind = "polyrelu-network"
    else:
        d = read_json(path, "file")
        kind = d.get("format") if isinstance(d, dict) else None
        if not isinstance(kind, str):
            raise InvalidInputError(
                f"{path}: unknown file format {describe(kind)} (expected 'polyrelu-arrangement' or 'polyrelu-network')"
            )
    if kind == FORMAT:
        if layer is not None:
            raise InvalidInputError(f"{path}: --layer applies to network files, this is an arrangement")
        return HyperplaneArrangement.from_json_dict(d, source=str(path)), None
    if kind == "polyrelu-network":
        net = load_network(path)
        layer = 1 if layer is None else layer
        try:
            return HyperplaneArrangement.from_layer(net, layer), layer
        except InvalidInputError as e:
            raise InvalidInputError(f"{path}: {e}") from None
    raise InvalidInputError(
        f"{path}: unknown file format {shorten(kind)!r} (expected 'polyrelu-arrangement' or 'polyrelu-network')"
    )


def _poly_str(coeffs: list[int]) -> str:
    from ..arrangement import CharacteristicPolynomial

    return str(CharacteristicPolynomial(coeffs))


def format_report(r: dict) -> str:
    """The readable form of :meth:`HyperplaneArrangement.report` (plus ``file``/``layer``).

    >>> print(format_report(HyperplaneArrangement([[1, 0], [0, 1]]).report()))
    2 hyperplanes in R^2 (rank 2, central, essential)
    general position: yes
    characteristic polynomial: t^2 - 2*t + 1
    flats by rank: 1, 2, 1
    regions (Zaslavsky): 4
    bounded regions (Zaslavsky): 0
    """
    lines = []
    src = r.get("file")
    if src is not None:
        lines.append(f"{src}" + (f", hidden layer {r['layer']}" if r.get("layer") else ""))
    m, n = r["n_hyperplanes"], r["dim"]
    props = [f"rank {r['rank']}", "central" if r["is_central"] else "not central",
             "essential" if r["is_essential"] else "not essential"]
    lines.append(f"{m} hyperplane{'' if m == 1 else 's'} in R^{n} ({', '.join(props)})")
    if r.get("skipped"):
        lines.append(f"skipped (zero weight rows or no trace): {r['skipped']}")
    if r.get("merged"):
        lines.append("merged duplicates: " + ", ".join(str(tuple(g)) for g in r["merged"]))
    if r["is_general_position"]:
        lines.append("general position: yes")
    else:
        lines.append(f"general position: no, witness {tuple(r['witness'])}: {r.get('general_position_reason', '')}".rstrip(": "))
    lines.append(f"characteristic polynomial: {_poly_str(r['characteristic_polynomial'])}")
    if "whitney_numbers_second_kind" in r:
        lines.append("flats by rank: " + ", ".join(map(str, r["whitney_numbers_second_kind"])))
    lines.append(f"regions (Zaslavsky): {r['n_regions']}")
    if r["is_essential"]:
        lines.append(f"bounded regions (Zaslavsky): {r['n_bounded_regions']}")
    else:
        lines.append(
            f"relatively bounded regions (Zaslavsky, bounded modulo the lineality space): "
            f"{r['n_bounded_regions']}; literally bounded: 0 (the arrangement is not essential)"
        )
    if "enumerated_regions" in r:
        agree = "agrees with Zaslavsky" if r.get("zaslavsky_agrees") else "DISAGREES with Zaslavsky"
        lines.append(
            f"enumerated: {r['enumerated_regions']} regions, {r['enumerated_bounded_regions']} bounded ({agree})"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on bad input (message on stderr).

    >>> from polyrelu.cli import main
    >>> main(["arrangement", "data/demo.json"])
    data/demo.json, hidden layer 1
    8 hyperplanes in R^2 (rank 2, not central, essential)
    ...
    0
    """
    try:
        A, layer = load_arrangement(args.file, getattr(args, "layer", None))
        r = A.report(enumerate=bool(getattr(args, "enumerate", False)))
    except PolyreluError as e:
        print(f"polyrelu arrangement: error: {e}", file=sys.stderr)
        return 2
    r = {"file": str(args.file), "layer": layer, **r}
    if args.json:
        print(json.dumps(r))
    else:
        print(format_report(r))
    return 0
