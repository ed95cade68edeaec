"""The ``polyrelu`` command line.  Each command lives in a module of this package with ``register``."""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from ..exact import PolyreluError

COMMANDS = ["regions", "arrangement", "bounds", "reproduce", "export", "plot", "demo", "lipschitz", "compare"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="polyrelu", description="Exact polyhedral geometry of ReLU networks.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        if importlib.util.find_spec(f"{__name__}.{name}") is None:
            continue
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ImportError as e:  # an optional dependency of one command must not break the others
            if getattr(e, "name", "") and e.name.startswith("polyrelu"):
                raise
            continue
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``polyrelu`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PolyreluError as e:
        print(f"polyrelu {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
