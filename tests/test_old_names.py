"""The names issue 16 moved or renamed keep working from where they were, for one release."""
from __future__ import annotations

import json
from fractions import Fraction

from polyrelu import HyperplaneArrangement, ReLUNetwork


def test_moved_functions_are_the_new_ones():
    import polyrelu.bounds as bounds
    import polyrelu.export as export
    import polyrelu.labels as labels
    import polyrelu.lipschitz as lipschitz
    import polyrelu.numbers as numbers
    from polyrelu import analyses, constructions, realization, training, zonotope
    from polyrelu.analyses import realization as new_realization, training as new_training

    assert zonotope.central_region_count is bounds.central_region_count
    assert zonotope.zonotope_vertex_count is bounds.zonotope_vertex_count
    assert zonotope.zonotope_f_vector is bounds.zonotope_f_vector
    assert training.cover_count is bounds.cover_count
    assert constructions.binomial_sum(8, 2) == bounds.S(8, 2) == 37
    assert export.pattern_string is labels.pattern_string and export.region_output is labels.region_output
    assert lipschitz.CertifiedReal is numbers.CertifiedReal and lipschitz._Algebraic is numbers.Algebraic
    assert lipschitz.lipschitz_constant is analyses.lipschitz_constant
    assert realization.canonical_form is new_realization.canonical_form
    assert training.fit_global is new_training.fit_global


def test_renamed_methods_and_keywords(tmp_path):
    A = HyperplaneArrangement([[1, 0], [0, 1], [1, -1]])
    assert A.n_regions == A.n_regions() == 6
    assert A.n_bounded_regions == A.n_bounded_regions() == A.n_bounded_regions(relative=True)
    assert A.dim == A.ambient_dim == 2
    A.save(tmp_path / "a.json")
    assert HyperplaneArrangement.from_file(tmp_path / "a.json") == HyperplaneArrangement.load(tmp_path / "a.json")
    assert json.loads(json.dumps({"n": A.n_regions})) == {"n": 6}

    from polyrelu.bounds import report
    from polyrelu.lipschitz import lipschitz_constant
    from polyrelu.numbers import CertifiedReal

    net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    cx = net.complex()
    assert lipschitz_constant(net, complex=cx).value == lipschitz_constant(net, cx=cx).value == 1
    assert report(net, complex=cx) == report(net, cx)
    r = CertifiedReal.exactly(Fraction(1, 2))
    assert r.to_json() == r.to_json_dict()


def test_names_moved_by_the_last_layering_steps():
    import warnings

    import pytest

    import polyrelu
    from polyrelu import analyses, exact, network, realization, validate

    # network algebra lives in network; the realization module keeps the old names
    assert realization.difference_network is network.difference_network
    assert realization.pad_depth is network.pad_depth
    # number text and its limits live in exact; validate keeps the old names
    for name in ("parse_number_text", "is_number_text", "set_input_limits", "reset_input_limits",
                 "input_limits", "shorten", "describe", "number", "InputLimits"):
        assert getattr(validate, name) is getattr(exact, name), name
    assert exact.parse_rational_json("2/4", "w") == Fraction(1, 2)
    # preactivation_maps is the network's method, checked
    net = ReLUNetwork([([[1, 0]], [0]), ([[2]], [-1]), ([[1]], [0])])
    assert analyses.preactivation_maps(net, [(1,), (-1,)]) == net.preactivation_maps([(1,), (0,)])
    # Region.atoms() warns and gives region_atoms(region)
    r = net.complex()[0]
    with pytest.warns(DeprecationWarning, match="region_atoms"):
        old = r.atoms()
    assert old == analyses.region_atoms(r)
    # Fraction was never part of the API: it is fractions.Fraction
    assert not hasattr(polyrelu, "Fraction") or "Fraction" not in polyrelu.__all__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(net.complex()) == len(polyrelu.PolyhedralComplex.from_network(net))
