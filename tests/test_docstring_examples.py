"""Every public function, class, method and property of the package has a docstring with a runnable
example (issue 16's rule; the examples themselves run as doctests).  This test names any that lack
one, so a new public name cannot arrive without its example."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import polyrelu


def public_names_without_example() -> list[str]:
    missing = []
    for m in pkgutil.walk_packages(polyrelu.__path__, "polyrelu."):
        if m.name.startswith("polyrelu._core") or m.name.endswith("__main__"):
            continue
        mod = importlib.import_module(m.name)
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if ">>>" not in (inspect.getdoc(obj) or ""):
                missing.append(f"{m.name}.{name}")
            if inspect.isclass(obj):
                for attr, v in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    f = v.fget if isinstance(v, property) else getattr(v, "__func__", v)
                    if (inspect.isfunction(f) or isinstance(v, property)) and ">>>" not in (inspect.getdoc(f) or ""):
                        missing.append(f"{m.name}.{name}.{attr}")
    return missing


def test_every_public_name_has_an_example():
    assert public_names_without_example() == []


def test_the_check_sees_a_name_without_an_example(monkeypatch):
    import polyrelu.labels as labels

    def undocumented():  # a public function with no example, planted for the test
        return 1

    undocumented.__module__ = labels.__name__
    monkeypatch.setattr(labels, "undocumented", undocumented, raising=False)
    assert "polyrelu.labels.undocumented" in public_names_without_example()
