"""Build the API reference of polyrelu from its docstrings, with pdoc.

    .venv/bin/python docs/build_api.py            # writes docs/api/index.html and a page per module
    .venv/bin/python docs/build_api.py OUT_DIR

Every module is documented, also those that the package's ``__all__`` does not name and the
format modules of :mod:`polyrelu.export`; the docstrings' examples are the ones the doctests run.
``tests/test_api_docs.py`` builds it and fails on any warning.
"""
from __future__ import annotations

import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def modules() -> list[str]:
    """Every public module of polyrelu, in the form pdoc takes (a package pdoc walks by itself,
    one without ``__all__``, is named once)."""
    import polyrelu

    names = ["polyrelu"]
    for m in pkgutil.walk_packages(polyrelu.__path__, "polyrelu."):
        parts = m.name.split(".")
        if any(p.startswith("_") for p in parts):
            continue
        parent = sys.modules.get(".".join(parts[:-1])) or __import__(".".join(parts[:-1]), fromlist=["_"])
        if len(parts) > 2 and not hasattr(parent, "__all__"):
            continue  # pdoc documents the submodules of a package without __all__ itself
        names.append(m.name)
    return names


def build(out: Path | str = HERE / "api") -> Path:
    """Write the HTML reference into ``out``; returns the path of its index page."""
    import pdoc

    out = Path(out)
    pdoc.render.configure(docformat="restructuredtext", show_source=False,
                          footer_text="polyrelu: exact polyhedral geometry of ReLU networks")
    pdoc.pdoc(*modules(), output_directory=out)
    return out / "index.html"


if __name__ == "__main__":
    print(build(*(sys.argv[1:2] or [])))
