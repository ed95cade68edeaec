"""The ``polyrelu`` command line.  Each command lives in a module of this package with ``register``."""
from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import os
import sys
import traceback

from ..exact import PolyreluError

COMMANDS = ["regions", "arrangement", "bounds", "reproduce", "export", "plot", "demo", "lipschitz", "compare",
            "verify", "local"]


def build_parser() -> argparse.ArgumentParser:
    """The ``polyrelu`` argument parser, with every command of :data:`COMMANDS` whose module loads.

    >>> args = build_parser().parse_args(["bounds", "--n0", "2", "--widths", "3"])
    >>> args.command, args.widths
    ('bounds', [3])
    """
    parser = argparse.ArgumentParser(prog="polyrelu", description="Exact polyhedral geometry of ReLU networks.")
    # read by main() before parsing (it may stand after the command too); listed here for --help
    parser.add_argument("--debug", action="store_true", help="print the traceback of internal errors")
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
    # every command takes "-1,-1", "-1/2" and "-1e-1" as values, not as option names (no option of
    # polyrelu's starts with a digit), so a command need not remember to ask for it
    from ._common import allow_negative_values

    for p in sub.choices.values():
        allow_negative_values(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``polyrelu`` console script; the one place errors become exit codes.

    Exit codes: 0 success, 2 bad input (the package's errors, unreadable or unwritable files, input
    too large for memory), 130 interrupted (Ctrl-C), 141 output pipe closed, 1 an internal error
    (a bug: the traceback is printed only with ``--debug`` or ``POLYRELU_DEBUG=1``).  Every message
    is one line, with long words shortened, so a 5,000-digit number is never echoed in full.

    >>> main(["bounds", "--n0", "0", "--widths", "2"])
    2
    """
    if argv is None:  # the console script: this process is the command line's own
        # the objects made at start-up (the imported modules': some 50,000) leave the collector's
        # reach, so a full collection during a run scans only the run's objects (one that fell
        # inside a small 2-D job doubled its time); a caller's own process is left alone
        gc.freeze()
    argv = list(sys.argv[1:] if argv is None else argv)
    # --debug may stand anywhere (before or after the command), so it is taken out by hand
    debug = "--debug" in argv or os.environ.get("POLYRELU_DEBUG", "") not in ("", "0")
    argv = [a for a in argv if a != "--debug"]
    command = next((a for a in argv if not a.startswith("-")), None)
    prefix = f"polyrelu {command}" if command in COMMANDS else "polyrelu"
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        prefix = f"polyrelu {args.command}"
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return code
    except SystemExit:
        raise
    except KeyboardInterrupt:
        return _fail(prefix, "interrupted", 130)
    except BrokenPipeError:
        _silence_stdout()
        return _fail(prefix, "output closed before everything was written (broken pipe)", 141)
    except PolyreluError as e:
        if debug:
            traceback.print_exc()
        return _fail(prefix, f"error: {e}", 2)
    except MemoryError:
        return _fail(prefix, "error: out of memory: the exact numbers are too large for this machine "
                             "(use smaller or simpler numbers, or a smaller domain)", 2)
    except OSError as e:
        if debug:
            traceback.print_exc()
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        return _fail(prefix, f"error: {where}{e.strerror or e}", 2)
    except ValueError as e:
        if "integer string conversion" in str(e):  # sys.get_int_max_str_digits()
            return _fail(prefix, "error: a number has too many digits to print "
                                 f"(over {sys.get_int_max_str_digits()}); use smaller inputs", 2)
        return _internal(prefix, e, debug)
    except Exception as e:  # a bug: say so, and show where only when asked
        return _internal(prefix, e, debug)


def _fail(prefix: str, message: str, code: int) -> int:
    from ..exact import shorten

    # one line: newlines folded, every long word (a huge number, a long path) shortened
    words = " ".join(str(message).split()).split(" ")
    line = " ".join(shorten(w, 120) if len(w) > 120 else w for w in words)
    try:
        print(f"{prefix}: {line}", file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr itself closed: nothing left to tell
        pass
    return code


def _internal(prefix: str, e: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    hint = "" if debug else " (run with --debug for the traceback)"
    return _fail(prefix, f"internal error: {type(e).__name__}: {e}{hint}", 1)


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at /dev/null keeps that second
    # BrokenPipeError from printing "Exception ignored ..."
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
