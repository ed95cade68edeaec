"""The README's module table names every module of the package, and only modules that exist."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "polyrelu"
#: modules that are part of another's entry (the package itself, ``python -m polyrelu``)
IMPLIED = {"polyrelu", "polyrelu.__main__"}


def _table() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## What is in it")
    return text[start:text.index("\n## ", start + 1)]


def _modules() -> set[str]:
    """The top-level modules and subpackages (a subpackage's own modules are its business)."""
    names = {f"polyrelu.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    names |= {f"polyrelu.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    return names - IMPLIED


def test_the_module_table_matches_the_layout():
    named = set(re.findall(r"`(polyrelu\.[A-Za-z_][A-Za-z_0-9]*)`", _table()))
    compiled = {"polyrelu._core"}  # built from core/, installed beside the package
    assert _modules() - named == set(), "README's module table misses these modules"
    assert named - _modules() - compiled == set(), "README's module table names modules that do not exist"
