"""Saved complexes: every complex saves and loads back identical, and edited files are refused.

Issue 14, items 1 and 4c: saving used to crash on facets carrying both a domain and a neuron label
(most complexes on R^n, any neuron on a box facet), and loading checked nothing.
"""
from __future__ import annotations

import json
import random
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu import InvalidInputError, PolyhedralComplex, Polytope, ReLUNetwork
from polyrelu.complex_file import checksum
from polyrelu.engine import domain_inequalities
from polyrelu.reference import reference_regions

from test_core_vs_reference import domains, fingerprint, networks


def round_trip(cx, tmp_path):
    path = tmp_path / "cx.json"
    cx.save(path)
    return PolyhedralComplex.load(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.data())
def test_every_complex_saves_and_loads_identical(tmp_path, data):
    net = data.draw(networks(max_n0=3))
    dom = data.draw(domains(net.input_dim))
    cx = net.complex(domain=dom)
    back = round_trip(cx, tmp_path)
    assert back.network == net and back.domain == dom
    assert fingerprint(back) == fingerprint(cx)
    assert [r.signs for r in back.regions] == [r.signs for r in cx.regions]


def test_the_commands_of_the_issue_save(tmp_path):
    # a neuron on a box facet: the facet carries ("domain", j) and (1, 0) at once
    net = ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])])
    cx = net.complex(domain=Polytope.box([0, -1], [1, 1]))
    labels = {n for r in cx.regions for f in r.facets() if f["boundary"] for n in f["neurons"]}
    assert labels == {(1, 0)}
    assert fingerprint(round_trip(cx, tmp_path)) == fingerprint(cx)
    # all of R^n, where a facet is both a chosen orthant's side and a neuron
    demo = ReLUNetwork.load("data/demo.json")
    whole = demo.complex(domain=None)
    assert fingerprint(round_trip(whole, tmp_path)) == fingerprint(whole)


def saved(tmp_path):
    W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    W2 = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1], [1, 1, -1, -1]]
    net = ReLUNetwork([(W1, [0] * 4), (W2, [-1, -1, -3, F(-1, 2)]), ([[1, 1, 1, 1]], [0])])
    cx = net.complex(domain=Polytope.box([-3, -3], [3, 3]))
    path = tmp_path / "c.json"
    cx.save(path)
    return cx, path, json.loads(path.read_text())


def rewrite(path, d, fix_checksum=True):
    if fix_checksum:  # an edit made on purpose, checksum recomputed: the content checks must catch it
        d["checksum"] = checksum({k: d.get(k) for k in ("network", "domain", "backend", "engine")})
    path.write_text(json.dumps(d))


def test_an_edited_file_fails_its_checksum(tmp_path):
    _, path, d = saved(tmp_path)
    d["engine"]["cells"][0]["gens"][0][0] += 1
    rewrite(path, d, fix_checksum=False)
    with pytest.raises(InvalidInputError, match="checksum does not match"):
        PolyhedralComplex.load(path)


@pytest.mark.parametrize("edit, message", [
    # a vertex moved: the network's values there no longer give the region its pattern
    (lambda d: d["engine"]["cells"][3]["gens"][0].__setitem__(0, d["engine"]["cells"][3]["gens"][0][0] + 1),
     "do not agree with the network|outside the domain|volumes add up"),
    # a region missing: the volumes no longer add up to the box's
    (lambda d: d["engine"]["cells"].pop(5), "volumes add up|summary says"),
    # a weight of the network changed: the recorded patterns are not the network's
    (lambda d: d["network"]["layers"][1]["weights"][0].__setitem__(0, 5), "do not agree with the network"),
    # a different domain: the regions' vertices leave it
    (lambda d: d.__setitem__("domain", {"box": [[-1, -1], [1, 1]]}), "outside the domain|volumes add up"),
    # a facet label that names a neuron that does not vanish there
    (lambda d: d["engine"]["cells"][0]["slots"][d["engine"]["cells"][0]["facets"][0]].append((2 << 32) | 3),
     "do not agree with the network"),
    # a pattern bit flipped
    (lambda d: d["engine"]["cells"][0]["active"].__setitem__(0, d["engine"]["cells"][0]["active"][0] ^ 1),
     "do not agree with the network"),
    # structure broken: a generator of the wrong length, an incidence that names no slot
    (lambda d: d["engine"]["cells"][0]["gens"][0].append(1), "malformed"),
    (lambda d: d["engine"]["cells"][0]["inc"][0].append(99), "malformed"),
    (lambda d: d["engine"].__setitem__("dim", 3), "engine.dim"),
])
def test_edited_content_is_refused(tmp_path, edit, message):
    _, path, d = saved(tmp_path)
    edit(d)
    rewrite(path, d)
    with pytest.raises(InvalidInputError, match=message):
        PolyhedralComplex.load(path)


def test_unknown_versions_and_formats_are_refused(tmp_path):
    _, path, d = saved(tmp_path)
    for version in (3, True, "2"):
        d["version"] = version
        path.write_text(json.dumps(d))
        with pytest.raises(InvalidInputError, match="unknown polyrelu-complex version"):
            PolyhedralComplex.load(path)
    path.write_text(json.dumps({"format": "something"}))
    with pytest.raises(InvalidInputError, match="not a polyrelu-complex file"):
        PolyhedralComplex.load(path)


def test_version_1_files_still_load(tmp_path):
    """A file in the format before the compiled core (bitmask incidences, per-layer masks) loads
    and gives the complex computed today."""
    rng = random.Random(3)
    net = ReLUNetwork([([[F(rng.randint(-3, 3)) for _ in range(2)] for _ in range(5)], [F(rng.randint(-2, 2)) for _ in range(5)]),
                       ([[1, -1, 1, 2, -1]], [0])])
    box = Polytope.box([-2, -2], [2, 2])
    prep, regions = reference_regions(net.layers, domain_inequalities(box, 2))

    def v1_cell(r):  # the reference's facets as the slots, every one alive
        facets = r.facets()
        return {"gens": [list(g) for g in r.gens],
                "inc": [sum(1 << k for k, f in enumerate(facets) if g in f.gens) for g in range(len(r.gens))],
                "slots": [[list(f.normal), sorted([list(l) for l in f.labels], key=str)] for f in facets],
                "alive": (1 << len(facets)) - 1, "pattern": list(r.active), "zero": list(r.zero),
                "out": [list(row) for row in r.rows[-1]]}

    v1 = {"format": "polyrelu-complex", "version": 1, "network": net.to_json_dict(),
          "domain": {"box": [["-2", "-2"], ["2", "2"]]}, "backend": "cdd",
          "engine": {"dim": prep.dim, "lift": None, "scales": [str(s) for s in prep.scales],
                     "cells": [v1_cell(r) for r in regions]},
          "summary": {"n_regions": len(regions), "dim": 2}}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(v1))
    back = PolyhedralComplex.load(path)
    assert fingerprint(back) == fingerprint(net.complex(domain=box))
