"""The package's imports flow one way (issue 16): no cycles, no upward imports, no private names
taken from another module.

The imports are read with ``ast`` from the source (nothing is imported), function-local ones
included, ``if TYPE_CHECKING:`` blocks left out (they never run).  Each module has a layer; a
module may import from its own layer or a lower one:

    numbers/exact -> linalg -> backends -> polytope -> network -> engine/core -> complex
    -> algorithms and analyses -> export and plotting -> cli

What still breaks the rule is listed in ``ALLOWED`` with the reason; the list may only shrink.
A module missing from ``LAYERS`` fails the test, so a new module gets its place on purpose.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "polyrelu"

NUMBERS, LINALG, BACKENDS, POLYTOPE, NETWORK, ENGINE, COMPLEX, ALGORITHMS, OUTPUT, CLI, TOP = range(11)

LAYERS = {
    # numbers: exact conversion, errors, input checks, certified reals
    "exact": NUMBERS, "validate": NUMBERS, "numbers": NUMBERS,
    "linalg": LINALG,
    "backends": BACKENDS,
    # polyhedra, and exact polygons (cyclic order of vertices, drawability checks)
    "polytope": POLYTOPE, "polygons": POLYTOPE,
    # networks and the files they come from
    "network": NETWORK, "onnx_import": NETWORK, "vnnlib": NETWORK, "importers": NETWORK,
    # the enumeration engine, the pure-Python reference engine and their result contract
    "engine": ENGINE, "reference": ENGINE, "result": ENGINE, "_core": ENGINE,
    "complex": COMPLEX, "complex_file": COMPLEX,
    # algorithms and analyses on networks and complexes
    "arrangement": ALGORITHMS, "bounds": ALGORITHMS, "zonotope": ALGORITHMS, "constructions": ALGORITHMS,
    "reproduce": ALGORITHMS, "realization": ALGORITHMS, "training": ALGORITHMS, "lipschitz": ALGORITHMS,
    "local": ALGORITHMS, "verify": ALGORITHMS, "labels": ALGORITHMS,
    "analyses": ALGORITHMS, "analyses.configurations": ALGORITHMS, "analyses.norms": ALGORITHMS,
    "analyses.lipschitz": ALGORITHMS, "analyses.realization": ALGORITHMS, "analyses.training": ALGORITHMS,
    # files and pictures
    "export": OUTPUT, "plotting": OUTPUT,
    "export.common": OUTPUT, "export.polymake": OUTPUT, "export.sage": OUTPUT, "export.cdd": OUTPUT,
    "export.mesh": OUTPUT, "export.geojson": OUTPUT, "export.graph": OUTPUT,
    "cli": CLI,
    # the package itself re-exports the public API; python -m polyrelu runs the command line
    "": TOP, "__main__": TOP,
}
SUBPACKAGES_BY_PREFIX = {"cli.": CLI}

#: (importer, imported, kind) -> why it is still there.  kind: "upward", "cycle" or "private".
#: Remove an entry when its import goes; the test fails when a violation is not listed here.
ALLOWED: dict = {}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


#: compiled extension modules (built from core/, installed beside the package, not in this tree)
COMPILED = {"_core"}


def is_module(name: str, root: Path = PACKAGE) -> bool:
    if name in COMPILED:
        return True
    base = root.joinpath(*name.split(".")) if name else root
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def layer(name: str) -> int:
    if name in LAYERS:
        return LAYERS[name]
    for prefix, lay in SUBPACKAGES_BY_PREFIX.items():
        if name.startswith(prefix):
            return lay
    raise AssertionError(f"polyrelu.{name} has no layer: add it to LAYERS in tests/test_imports.py")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                skip.update(id(n) for n in ast.walk(sub))
    return skip


def imports_of(path: Path, root: Path = PACKAGE) -> list[tuple[str, tuple[str, ...]]]:
    """(imported module, names taken from it) for every polyrelu import in ``path``."""
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = _type_checking_nodes(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "polyrelu" or a.name.startswith("polyrelu."):
                    out.append((a.name[len("polyrelu."):] if "." in a.name else "", ()))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "polyrelu" or node.module.startswith("polyrelu.")):
                target = node.module[len("polyrelu."):] if "." in node.module else ""
            else:
                continue
            names = tuple(a.name for a in node.names)
            submodules = [f"{target}.{n}".lstrip(".") for n in names if is_module(f"{target}.{n}".lstrip("."), root)]
            if submodules and len(submodules) == len(names):
                out.extend((m, ()) for m in submodules)  # from . import engine: the module engine
            else:
                out.append((target, names))
    return out


def graph() -> tuple[nx.DiGraph, list[tuple[str, str, str]]]:
    G = nx.DiGraph()
    private = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = module_name(path)
        G.add_node(me)
        for target, names in imports_of(path):
            if target == me or not is_module(target):
                continue  # (a module that does not exist yet cannot be judged)
            G.add_edge(me, target)
            for n in names:
                if n.startswith("_") and not n.startswith("__") and not is_module(f"{target}.{n}".lstrip(".")):
                    private.append((me, target, n))
    return G, private


def violations() -> dict[tuple[str, str, str], str]:
    G, private = graph()
    found = {}
    for a, b in G.edges:
        if b.startswith(a + ".") or a.startswith(b + "."):
            continue  # a package and its own modules
        if layer(b) > layer(a):
            found[(a, b, "upward")] = f"polyrelu.{a} (layer {layer(a)}) imports polyrelu.{b} (layer {layer(b)})"
    # the listed exceptions are the known cycle breakers: every other cycle is new
    G.remove_edges_from([(a, b) for a, b, _ in ALLOWED])
    for comp in nx.strongly_connected_components(G):
        if len(comp) > 1:
            for a, b in G.subgraph(comp).edges:
                if not (b.startswith(a + ".") or a.startswith(b + ".")) and (a, b, "upward") not in found:
                    found[(a, b, "cycle")] = f"polyrelu.{a} -> polyrelu.{b} closes a cycle among {sorted(comp)}"
    for a, b, n in private:
        found[(a, b, "private")] = f"polyrelu.{a} imports the private name {n} from polyrelu.{b}"
    return found


def test_every_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        layer(module_name(path))


def test_imports_only_go_down_without_cycles_or_private_names():
    unexpected = {k: v for k, v in violations().items() if k not in ALLOWED}
    assert not unexpected, "imports against the layering:\n" + "\n".join(sorted(unexpected.values()))


def test_every_allowed_exception_is_still_needed():
    """An entry of ``ALLOWED`` whose import has gone is removed, so the list really shrinks."""
    G, private = graph()
    stale = []
    for (a, b, kind), why in ALLOWED.items():
        if kind == "private":
            needed = any((me, target) == (a, b) for me, target, _ in private)
        elif kind == "upward":
            needed = G.has_edge(a, b) and layer(b) > layer(a)
        else:  # a cycle: the edge is there and something leads back from b to a
            needed = G.has_edge(a, b) and nx.has_path(G, b, a)
        if not needed:
            stale.append(f"{(a, b, kind)}: {why}")
    assert not stale, "ALLOWED lists imports that are gone (remove them):\n" + "\n".join(stale)


def test_the_reader_sees_every_kind_of_import(tmp_path):
    pkg = tmp_path / "polyrelu"
    (pkg / "sub").mkdir(parents=True)
    for name in ("__init__.py", "low.py", "sub/__init__.py", "sub/leaf.py"):
        (pkg / name).write_text("")
    (pkg / "sub" / "mod.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..low import thing, _hidden\n"
        "from . import leaf\n"
        "import polyrelu.low\n"
        "if TYPE_CHECKING:\n"
        "    from ..never import X\n"
        "def f():\n"
        "    from .. import low as L\n"
    )
    found = imports_of(pkg / "sub" / "mod.py", root=pkg)
    assert ("low", ("thing", "_hidden")) in found          # relative, with a private name
    assert ("sub.leaf", ()) in found                       # from . import <module>
    assert found.count(("low", ())) == 2                   # absolute, and inside a function
    assert all(t != "never" for t, _ in found)             # TYPE_CHECKING blocks never run
