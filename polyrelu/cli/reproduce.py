"""``polyrelu reproduce``: the papers' numbers next to polyrelu's exact enumeration.

    polyrelu reproduce [--paper arora|pascanu|montufar|serra|telgarsky] [--json] [--quick] [--write DIR]

Prints one row per construction: the paper's number, the exact value polyrelu expects, the
enumerated activation regions and pieces, and a mark: ``*`` where the enumeration differs from
the paper (each such row has a note: an erratum or a different counting notion/domain), ``!``
where it differs from the expected exact value.  ``--json`` prints the rows as a JSON list (the
format of ``data/reference/<paper>.json``); ``--write DIR`` also writes ``DIR/<paper>.json``;
``--quick`` skips the few rows that take seconds.  Exit status 1 if any row has ``!``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..exact import PolyreluError

__all__ = ["register", "run"]

PAPERS = ("arora", "pascanu", "montufar", "serra", "telgarsky")


def register(subparsers: Any) -> None:
    """Add the ``reproduce`` command to an argparse subparsers object.

    >>> from polyrelu.cli import build_parser
    >>> build_parser().parse_args(["reproduce", '--paper', 'pascanu', '--quick']).quick
    True
    """
    p = subparsers.add_parser(
        "reproduce",
        help="reproduce the papers' region counts by exact enumeration",
        description=(
            "Build each paper's record construction, enumerate its regions exactly and print the "
            "paper's number, the expected exact value and the enumerated activation regions and "
            "pieces side by side ('*' = differs from the paper, with a note; '!' = differs from the "
            "expected exact value)."
        ),
    )
    p.add_argument("--paper", choices=PAPERS, default=None, help="only this paper (default: all)")
    p.add_argument("--json", action="store_true", help="print the rows as one JSON list")
    p.add_argument("--quick", action="store_true", help="skip the rows that take more than a second")
    p.add_argument("--write", metavar="DIR", default=None,
                   help="also write DIR/<paper>.json reference tables (all rows)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 if every row matches its expected exact value, 1 otherwise, 2 on errors.

    >>> from polyrelu.cli import main
    >>> main(["reproduce", "--paper", "telgarsky", "--quick"])
    paper ...
    0
    """
    from ..reproduce import format_table, reproduce, write_reference_tables

    try:
        rows = reproduce(args.paper, include_slow=not args.quick or bool(args.write))
        if args.write:
            papers = [args.paper] if args.paper else None
            paths = write_reference_tables(args.write, papers, rows)
            print("wrote " + ", ".join(str(p) for p in paths), file=sys.stderr)
            if args.quick:
                rows = [r for r in rows if not r["slow"]]
    except (PolyreluError, OSError) as e:
        print(f"polyrelu reproduce: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(rows))
    else:
        print(format_table(rows))
    return 0 if all(r["matches_expected"] for r in rows) else 1
