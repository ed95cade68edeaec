"""Argument helpers shared by the commands: network files and domains."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..exact import InvalidInputError, to_rational
from ..network import ReLUNetwork, domain_from_json, load_network


def add_domain_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="the cube [LO, HI]^n (numbers or p/q)")
    g.add_argument("--domain", metavar="POLY.json", help="a JSON file with a 'domain' object")
    g.add_argument("--whole-space", action="store_true", help="all of R^n, unbounded regions included")


def load_net(path: str) -> ReLUNetwork:
    return load_network(path)


def resolve_domain(args, net: ReLUNetwork):
    """The domain named on the command line, else the network file's own, else None (R^n)."""
    from ..polytope import Polytope

    n = net.input_dim
    if getattr(args, "box", None):
        lo = to_rational(args.box[0], where="--box LO")
        hi = to_rational(args.box[1], where="--box HI")
        if lo >= hi:
            raise InvalidInputError(f"--box needs LO < HI, got {args.box[0]} and {args.box[1]}")
        return Polytope.box([lo] * n, [hi] * n)
    if getattr(args, "domain", None):
        path = Path(args.domain)
        try:
            d = json.loads(path.read_text())
        except FileNotFoundError:
            raise InvalidInputError(f"no such domain file: {path}") from None
        except json.JSONDecodeError as e:
            raise InvalidInputError(f"{path}: not valid JSON ({e})") from None
        return domain_from_json(d, n, source=str(path))
    if getattr(args, "whole_space", False):
        return None
    return net.domain


def dumps(obj) -> str:
    return json.dumps(obj, indent=1, default=str)
