"""Argument helpers shared by the commands: network files, boxes and domains."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterator

from ..exact import InvalidInputError, fraction_to_str, shorten, to_rational, to_vector
from ..network import ReLUNetwork, domain_from_json
from ..polytope import Polytope
from ..validate import matrix, read_bytes, read_json
from ..vnnlib import parse_vnnlib


def add_command(subparsers: Any, name: str, help: str, description: str | None = None, *,
                network: str | None = "NET.json") -> argparse.ArgumentParser:
    """A command's parser: ``description`` (the command module's docstring) shown as written, and,
    unless ``network`` is None, the network file as its first argument (with that metavar).

    >>> sub = argparse.ArgumentParser(prog="polyrelu").add_subparsers()
    >>> add_command(sub, "show", "show a network").parse_args(["net.onnx"]).network
    'net.onnx'
    """
    p = subparsers.add_parser(name, help=help, description=description,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    if network is not None:
        p.add_argument("network", metavar=network, help="network file (.json, .npz or .onnx)")
    return p


def add_run_arguments(p: argparse.ArgumentParser, workers: str) -> None:
    """The options of every command that computes complexes: ``--backend``, ``--workers`` (what
    the workers do is ``workers``) and ``--progress``.

    >>> p = argparse.ArgumentParser()
    >>> add_run_arguments(p, "points in parallel with this many processes")
    >>> p.parse_args(["--workers", "2", "--progress"]).workers
    2
    """
    p.add_argument("--backend", default=None, help="exact backend: cdd (default) or ppl")
    p.add_argument("--workers", type=positive_int, default=None, help=workers)
    p.add_argument("--progress", action="store_true", help="show a progress bar")


def parse_box(lo: str, hi: str, dim: int) -> Polytope:
    """The box Polytope from two command-line corners (a number each, or comma-separated): the
    text is read here, the box is :meth:`Polytope.box(lo, hi, dim=dim) <polyrelu.polytope.Polytope.box>`.

    >>> parse_box("-1", "1/2", 2).as_box()
    ((Fraction(-1, 1), Fraction(-1, 1)), (Fraction(1, 2), Fraction(1, 2)))
    >>> parse_box("0,0", "1", 3)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: --box LO has 2 coordinates but the network has 3 inputs
    """
    corners = []
    for name, text in (("LO", lo), ("HI", hi)):
        vals = [to_rational(t, where=f"--box {name}") for t in str(text).replace(" ", "").split(",") if t != ""]
        if len(vals) not in (1, dim):
            raise InvalidInputError(f"--box {name} has {len(vals)} coordinates but the network has {dim} inputs")
        corners.append(vals * dim if len(vals) == 1 else vals)
    for i, (a, b) in enumerate(zip(*corners)):
        if a >= b:
            raise InvalidInputError(f"--box needs LO < HI in every coordinate; coordinate {i + 1} has {a} >= {b}")
    return Polytope.box(*corners, dim=dim)


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
    t = text.strip()
    if not t.isdigit() or len(t) > 18 or int(t) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {shorten(text)!r}")
    return int(t)


def positive_float(text: str) -> float:
    """An argparse ``type``: a finite number > 0 (``--max-seconds``).

    >>> positive_float("2.5")
    2.5
    >>> positive_float("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a number > 0, got '0'
    """
    try:
        x = float(text) if len(text) < 40 else float("nan")
    except ValueError:
        x = float("nan")
    if not (x > 0 and x < float("inf")):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {shorten(text)!r}")
    return x


def bounded_float(lo: float, hi: float) -> Callable[[str], float]:
    """An argparse ``type``: a finite number in ``[lo, hi]`` (``plot --dpi``).

    >>> bounded_float(1, 2000)("150")
    150.0
    >>> bounded_float(1, 2000)("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a number from 1 to 2000, got '0'
    """
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
    """Let option values such as ``-1,-1`` and ``-1/2`` through (argparse would read them as options).

    >>> p = argparse.ArgumentParser()
    >>> _ = p.add_argument("--box", nargs=2)
    >>> allow_negative_values(p)
    >>> p.parse_args(["--box", "-1,-1", "-1/2"]).box
    ['-1,-1', '-1/2']
    """
    if hasattr(p, "_negative_number_matcher"):
        p._negative_number_matcher = _NEGATIVE_VALUE


def add_domain_arguments(p: argparse.ArgumentParser) -> None:
    """The ``--box`` / ``--domain`` / ``--whole-space`` / ``--vnnlib`` options (mutually exclusive).

    >>> p = argparse.ArgumentParser()
    >>> add_domain_arguments(p)
    >>> p.parse_args(["--box", "-1", "1/2"]).box, p.parse_args(["--whole-space"]).whole_space
    (['-1', '1/2'], True)
    """
    allow_negative_values(p)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--box", nargs=2, metavar=("LO", "HI"), help="the box [LO, HI]^n (or comma-separated corners)")
    g.add_argument("--domain", metavar="F", help="a JSON file with {'box': ...} or {'inequalities': {'A', 'b'}}")
    g.add_argument("--whole-space", action="store_true", help="all of R^n (unbounded regions)")
    g.add_argument("--vnnlib", metavar="PROP.vnnlib", help="the input box of a VNN-LIB property (decimals read exactly)")


def domain_from_args(args: Any, net: ReLUNetwork) -> Polytope | None:
    """The domain Polytope the options name (None = all of R^n; no option: the network's own domain).

    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> domain_from_args(argparse.Namespace(box=["-1", "1/2"]), net).as_box()
    ((Fraction(-1, 1), Fraction(-1, 1)), (Fraction(1, 2), Fraction(1, 2)))
    >>> domain_from_args(argparse.Namespace(whole_space=True), net) is None
    True
    """
    if getattr(args, "box", None):
        return parse_box(args.box[0], args.box[1], net.input_dim)
    if getattr(args, "domain", None):
        path = Path(args.domain)
        return domain_from_json(read_json(path, "domain file"), net.input_dim, source=str(path))
    if getattr(args, "whole_space", False):
        return None
    if getattr(args, "vnnlib", None):
        return vnnlib_domain(args.vnnlib, net)
    return net.domain



def dumps(obj: Any) -> str:
    """The JSON text the commands print (``--json``): indented, anything unusual as its ``str``.

    >>> print(dumps({"volume": Fraction(1, 2)}))
    {
     "volume": "1/2"
    }
    """
    return json.dumps(obj, indent=1, default=str)


def check_output_path(path: str | os.PathLike, *, directory: bool = False) -> Path:
    """``path`` as a Path if an output can be written there, else the package's error saying why.

    >>> check_output_path("/no/such/folder/x.json")
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: cannot write /no/such/folder/x.json: folder /no/such/folder does not exist
    >>> check_output_path("/", directory=False)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: /: is a directory; give a file name for the output
    """
    p = Path(path)
    if p.is_dir() and not directory:
        raise InvalidInputError(f"{p}: is a directory; give a file name for the output")
    if directory and p.exists() and not p.is_dir():
        raise InvalidInputError(f"{p}: exists and is not a folder; this output is a folder of files")
    parent = p.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise InvalidInputError(f"cannot write {p}: folder {parent} {what}")
    if not os.access(parent, os.W_OK):
        raise InvalidInputError(f"cannot write {p}: no permission to write in {parent}")
    return p


# meshio writes an .xdmf file together with an .h5 file named after it, so a temporary name would
# end up inside the .xdmf; those are written in place and removed again if writing fails
_NAMED_SIDE_FILES = (".xdmf", ".xmf")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, directory: bool = False) -> Iterator[Path]:
    """A temporary path next to ``path`` to write to; renamed onto ``path`` only if the block succeeds.

    So a failed or interrupted write leaves no partial file (and an existing file is untouched).
    The temporary name ends with the real name, so writers that choose a format by the suffix
    see the same suffix.  With ``directory=True`` the files written into the temporary folder
    are moved into ``path`` (created if needed) one by one; other files there are kept.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_output(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "a.txt").read_text(), [f.name for f in d.iterdir()]
    ('done', ['a.txt'])
    >>> try:
    ...     with atomic_output(d / "b.txt") as tmp:
    ...         _ = tmp.write_text("half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> sorted(f.name for f in d.iterdir())
    ['a.txt']
    """
    p = check_output_path(path, directory=directory)
    if not directory and p.suffix.lower() in _NAMED_SIDE_FILES:
        existed = {q for q in (p, p.with_suffix(".h5")) if q.exists()}
        try:
            yield p
        except BaseException:
            for q in (p, p.with_suffix(".h5")):
                if q not in existed and q.exists():
                    q.unlink()
            raise
        return
    tmp = p.parent / f".polyrelu-tmp-{os.getpid()}-{secrets.token_hex(4)}-{p.name}"
    try:
        yield tmp
        if directory:
            if tmp.is_dir():
                _move_into(tmp, p)
            else:
                p.mkdir(exist_ok=True)
        elif tmp.exists():
            os.replace(tmp, p)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def _move_into(src: Path, dst: Path) -> None:
    # each file is renamed into place on its own (atomic); folders already there are merged into
    dst.mkdir(exist_ok=True)
    for f in sorted(src.iterdir()):
        target = dst / f.name
        if f.is_dir() and target.is_dir():
            _move_into(f, target)
        else:
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(f, target)


def final_paths(paths: list, tmp: Path, final: Path) -> list[Path]:
    """The paths a writer reported under ``tmp``, as they are named after :func:`atomic_output` renamed them.

    >>> final_paths([Path("d/.t-x/r.ine")], Path("d/.t-x"), Path("d/out"))
    [PosixPath('d/out/r.ine')]
    """
    out = []
    for q in paths:
        q = Path(q)
        if q == tmp:
            out.append(final)
        elif tmp in q.parents:
            out.append(final / q.relative_to(tmp))
        else:
            out.append(q)
    return out


# -- issue 15: --vnnlib and --plane ------------------------------------------------------------------
def vnnlib_domain(path: str, net: ReLUNetwork) -> Polytope:
    """The input box of a VNN-LIB property for a command that needs a full-dimensional domain.

    >>> net = ReLUNetwork([([[1, 1, 1, 1, 1]], [0]), ([[1]], [0])])  # 5 inputs, as ACAS Xu
    >>> vnnlib_domain("data/acasxu/prop_3.vnnlib", net)
    Polytope(dim=5 in R^5, bounded, 32 vertices, 10 facets)
    >>> vnnlib_domain("data/acasxu/prop_4.vnnlib", net)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: data/acasxu/prop_4.vnnlib fixes X_2 = 0: its box is lower-dimensional; ...
    """
    prop = parse_vnnlib(path)
    if prop.n_inputs != net.input_dim:
        raise InvalidInputError(f"{path} declares {prop.n_inputs} inputs X_i but the network has {net.input_dim}")
    if prop.fixed:
        fixed = ", ".join(f"X_{i} = {v}" for i, v in prop.fixed.items())
        raise InvalidInputError(
            f"{path} fixes {fixed}: its box is lower-dimensional; polyrelu regions, plot, verify and local "
            "restrict the network to the free inputs, this command needs a full-dimensional domain"
        )
    return prop.box


def network_and_domain(args: Any, net: ReLUNetwork) -> tuple[ReLUNetwork, Polytope | None, dict[str, Any]]:
    """``(net', domain, notes)`` for ``--plane`` / ``--vnnlib`` / the usual domain options.

    ``--plane POINTS`` restricts the network to the line or plane through the points first (the
    box is then in the plane's coordinates); a ``--vnnlib`` property fixing inputs restricts the
    network to its free inputs.  ``notes`` says what was done (for the output).

    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> small, dom, notes = network_and_domain(argparse.Namespace(plane=["0,0", "1,1"], box=["0", "1"]), net)
    >>> small.input_dim, dom.as_box(), notes["plane"]["coordinates"]  # the diagonal, s in [0, 1]
    (1, ((Fraction(0, 1),), (Fraction(1, 1),)), 'x = p0 + s (p1 - p0)')
    """
    notes: dict = {}
    plane = getattr(args, "plane", None)
    if plane:
        if getattr(args, "vnnlib", None):
            raise InvalidInputError("--plane and --vnnlib do not combine (the property's box is in the input space)")
        pts = plane_points(plane, net.input_dim)
        net = net.with_domain(None).restrict(pts)
        notes["plane"] = {
            "points": [[fraction_to_str(x) for x in p] for p in pts],
            "coordinates": "x = p0 + s (p1 - p0)" + (" + t (p2 - p0)" if len(pts) == 3 else ""),
        }
        return net, domain_from_args(args, net), notes
    if getattr(args, "vnnlib", None):
        prop = parse_vnnlib(args.vnnlib)
        prop.check_network(net) if prop.n_outputs else None
        if prop.n_inputs != net.input_dim:
            raise InvalidInputError(f"{args.vnnlib} declares {prop.n_inputs} inputs X_i but the network has {net.input_dim}")
        if prop.fixed:
            small, box = prop.restrict(net) if prop.n_outputs else (
                net.with_domain(None).restrict(*prop.embedding()), prop.free_box())
            notes["fixed_inputs"] = {f"X_{i}": fraction_to_str(v) for i, v in prop.fixed.items()}
            notes["free_inputs"] = [f"X_{i}" for i in prop.free]
            return small, box, notes
        return net, prop.box, notes
    return net, domain_from_args(args, net), notes


def plane_points(values: Any, dim: int) -> list[tuple[Fraction, ...]]:
    """The 2 or 3 points of ``--plane``: a JSON file ``{"points": [...]}``, a ``.npy`` of shape (k, n), or
    comma-separated points on the command line.

    >>> plane_points(["0,0,1", "1,0,1", "0,1,1"], 3)[2]
    (Fraction(0, 1), Fraction(1, 1), Fraction(1, 1))
    >>> plane_points(["0,0", "1"], 2)
    Traceback (most recent call last):
    ...
    polyrelu.exact.InvalidInputError: --plane point 1 has 1 coordinates but the network has 2 inputs
    """
    if isinstance(values, str):
        values = [values]
    values = list(values)
    if len(values) == 1 and not any(c in values[0] for c in ","):
        raw = read_points(values[0], "--plane")
    else:
        raw = [[t for t in v.replace(" ", "").split(",") if t] for v in values]
    if len(raw) not in (2, 3):
        raise InvalidInputError(f"--plane needs 2 points (a line) or 3 points (a plane), got {len(raw)}")
    pts = []
    for k, p in enumerate(raw):
        if len(p) != dim:
            raise InvalidInputError(f"--plane point {k} has {len(p)} coordinates but the network has {dim} inputs")
        pts.append(to_vector(p, dim, name=f"--plane point {k}"))
    return pts


def read_points(path: str, what: str = "--points") -> list[list[Any]]:
    """Points from a ``.npy`` (k x n), ``.csv`` (one point a row) or JSON file (a list, or ``{"points": [...]}``).

    The coordinates come back as read (text from a ``.csv``); the caller makes them exact vectors.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "points.csv"
    >>> _ = f.write_text("# x, y\\n0, 1/2\\n1, -1\\n")
    >>> read_points(str(f))
    [['0', '1/2'], ['1', '-1']]
    """
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(f"{what}: no such file: {p}")
    if p.suffix == ".npy":
        import numpy as np

        try:
            arr = np.load(p, allow_pickle=False)
        except Exception as e:
            raise InvalidInputError(f"{p}: not a readable .npy file ({e})") from None
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise InvalidInputError(f"{p}: expected an array of shape (k, n), got {arr.shape}")
        return [list(r) for r in arr]
    if p.suffix == ".csv":
        try:
            text = read_bytes(p, "points file").decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InvalidInputError(f"{p}: not a text file (not UTF-8: {e.reason} at byte {e.start})") from None
        rows = []
        for ln, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            rows.append([t.strip() for t in line.split(",")])
        return rows
    # the validation layer: bounded numbers, no strings taken for rows, errors with the JSON path
    d = read_json(p, "points file")
    where = str(p)
    if isinstance(d, dict):
        d, where = d.get("points"), f"{p}: points"
    if not isinstance(d, list) or not all(isinstance(r, list) for r in d):
        raise InvalidInputError(f"{p}: expected a list of points or {{\"points\": [[...], ...]}}")
    return matrix(d, where)
