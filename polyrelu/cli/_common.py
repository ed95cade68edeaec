"""Argument helpers shared by the commands: network files, boxes and domains."""
from __future__ import annotations

import argparse
import json
import re
from typing import Any

from ..exact import InvalidInputError, to_rational
from ..network import ReLUNetwork, load_network


def load_net(path: str) -> ReLUNetwork:
    return load_network(path)


def parse_box(lo: str, hi: str, dim: int):
    """The box Polytope from two command-line corners (a number each, or comma-separated).

    >>> parse_box("-1", "1/2", 2).as_box()
    ((Fraction(-1, 1), Fraction(-1, 1)), (Fraction(1, 2), Fraction(1, 2)))
    >>> parse_box("0,0", "1", 3)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: --box LO has 2 coordinates but the network has 3 inputs
    """
    from ..polytope import Polytope

    corners = []
    for name, text in (("LO", lo), ("HI", hi)):
        parts = [t for t in str(text).replace(" ", "").split(",") if t != ""]
        vals = [to_rational(t, where=f"--box {name}") for t in parts]
        if len(vals) == 1:
            vals = vals * dim
        if len(vals) != dim:
            raise InvalidInputError(f"--box {name} has {len(vals)} coordinates but the network has {dim} inputs")
        corners.append(vals)
    lo_v, hi_v = corners
    for i, (a, b) in enumerate(zip(lo_v, hi_v)):
        if a >= b:
            raise InvalidInputError(f"--box needs LO < HI in every coordinate; coordinate {i + 1} has {a} >= {b}")
    return Polytope.box(lo_v, hi_v)


# argparse takes "-1,-1", "-1/2" or "-1e-1" for an option name (only "-1" and "-0.5" count as
# numbers); these commands have no option that looks like a number, so widen what counts as one.
_NUM = r"[0-9.][0-9./]*(?:[eE][-+]?[0-9]+)?"
_NEGATIVE_VALUE = re.compile(rf"^-{_NUM}(,[-+]?{_NUM})*$")


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number >= 1 (``--max-regions``, ``--workers``).

    >>> positive_int("12")
    12
    >>> positive_int("-3")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a whole number >= 1, got '-3'
    """
    from ..validate import shorten

    t = text.strip()
    if not t.isdigit() or len(t) > 18 or int(t) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {shorten(text)!r}")
    return int(t)


def bounded_float(lo: float, hi: float):
    """An argparse ``type``: a finite number in ``[lo, hi]`` (``plot --dpi``).

    >>> bounded_float(1, 2000)("150")
    150.0
    >>> bounded_float(1, 2000)("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a number from 1 to 2000, got '0'
    """
    from ..validate import shorten

    def parse(text: str) -> float:
        try:
            x = float(text)
        except ValueError:
            x = float("nan")
        if not lo <= x <= hi:  # also false for NaN
            raise argparse.ArgumentTypeError(f"expected a number from {lo:g} to {hi:g}, got {shorten(text)!r}")
        return x

    return parse


def allow_negative_values(p: argparse.ArgumentParser) -> None:
    """Let option values such as ``-1,-1`` and ``-1/2`` through (argparse would read them as options)."""
    if hasattr(p, "_negative_number_matcher"):
        p._negative_number_matcher = _NEGATIVE_VALUE


def add_domain_arguments(p: argparse.ArgumentParser) -> None:
    """The ``--box`` / ``--domain`` / ``--whole-space`` options (mutually exclusive)."""
    allow_negative_values(p)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="the box [LO, HI]^n (or comma-separated corners)")
    g.add_argument("--domain", metavar="F", help="a JSON file with {'box': ...} or {'inequalities': {'A', 'b'}}")
    g.add_argument("--whole-space", action="store_true", help="all of R^n (unbounded regions)")


def domain_from_args(args: Any, net: Any):
    """The domain Polytope the options name (None = all of R^n)."""
    from ..network import domain_from_json

    if getattr(args, "box", None):
        return parse_box(args.box[0], args.box[1], net.input_dim)
    if getattr(args, "domain", None):
        from pathlib import Path

        from ..validate import read_json

        path = Path(args.domain)
        return domain_from_json(read_json(path, "domain file"), net.input_dim, source=str(path))
    if getattr(args, "whole_space", False):
        return None
    return net.domain



def resolve_domain(args: Any, net: Any):
    """Alias of :func:`domain_from_args`."""
    return domain_from_args(args, net)


def dumps(obj) -> str:
    return json.dumps(obj, indent=1, default=str)
