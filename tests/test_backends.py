"""The exact backends: registry, agreement between cdd and ppl, LP answers, error wrapping."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu import backends
from polyrelu.backends import (
    BackendError,
    HRep,
    VRep,
    available_backends,
    default_backend,
    get_backend,
    set_default_backend,
)
from polyrelu.exact import InvalidInputError
from polyrelu.polytope import Polytope, _canon_h, _canon_v

CDD = get_backend("cdd")
PPL = get_backend("ppl")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def canon_v(n, v):
    return _canon_v(n, v).key()


def canon_h(n, h):
    return _canon_h(n, h).key()


@st.composite
def h_systems(draw, max_dim=5):
    n = draw(st.integers(1, max_dim))
    m = draw(st.integers(0, 6))
    coef = st.integers(-3, 3)
    A = [[draw(coef) for _ in range(n)] for _ in range(m)]
    b = [draw(st.integers(-2, 5)) for _ in range(m)]
    k = draw(st.integers(0, 1))
    E = [[draw(coef) for _ in range(n)] for _ in range(k)]
    f = [draw(st.integers(-2, 2)) for _ in range(k)]
    return n, A, b, E, f


@st.composite
def v_systems(draw, max_dim=5):
    n = draw(st.integers(1, max_dim))
    pt = st.lists(st.integers(-3, 3), min_size=n, max_size=n)
    V = draw(st.lists(pt, min_size=1, max_size=8))
    R = draw(st.lists(st.lists(st.integers(-1, 1), min_size=n, max_size=n), max_size=2))
    L = draw(st.lists(st.lists(st.integers(-1, 1), min_size=n, max_size=n), max_size=1))
    return n, V, R, L


# -- registry -------------------------------------------------------------------------------------------


def test_registry_names_and_errors():
    assert available_backends() == ("cdd", "ppl")
    assert get_backend("cdd").name == "cdd" and get_backend("ppl").name == "ppl"
    assert get_backend(PPL) is PPL
    with pytest.raises(InvalidInputError, match="unknown backend 'cddlib'; known backends: 'cdd', 'ppl'"):
        get_backend("cddlib")
    with pytest.raises(InvalidInputError, match="known backends"):
        set_default_backend(3)
    with pytest.raises(InvalidInputError, match="known backends"):
        Polytope.box([0], [1], backend="sage")


def test_default_backend_is_used_and_restored():
    old = default_backend()
    try:
        assert set_default_backend("ppl") == old
        assert default_backend() == "ppl"
        assert get_backend() is PPL
        assert Polytope.simplex(2).backend == "ppl"
        set_default_backend("cdd")
        assert Polytope.simplex(2).backend == "cdd"
        # operations keep the backend of their input, not the current default
        P = Polytope.box([0], [1], backend="ppl")
        assert P.intersection(Polytope.box([0], [2])).backend == "ppl"
    finally:
        set_default_backend(old)


# -- agreement ----------------------------------------------------------------------------------------------


@SETTINGS
@given(h_systems())
def test_h_to_v_and_minimize_h_agree(sys):
    n, A, b, E, f = sys
    v1, v2 = CDD.h_to_v(n, A, b, E, f), PPL.h_to_v(n, A, b, E, f)
    assert canon_v(n, v1) == canon_v(n, v2)
    h1, h2 = CDD.minimize_h(n, A, b, E, f), PPL.minimize_h(n, A, b, E, f)
    assert canon_h(n, h1) == canon_h(n, h2)
    # irredundant: as many inequality rows as the canonical form has facets
    assert len(h1.A) == len(h2.A) == len(_canon_h(n, h1).A) or _canon_h(n, h1).empty


@SETTINGS
@given(v_systems())
def test_v_to_h_and_minimize_v_agree(sys):
    n, V, R, L = sys
    h1, h2 = CDD.v_to_h(n, V, R, L), PPL.v_to_h(n, V, R, L)
    assert canon_h(n, h1) == canon_h(n, h2)
    m1, m2 = CDD.minimize_v(n, V, R, L), PPL.minimize_v(n, V, R, L)
    assert canon_v(n, m1) == canon_v(n, m2)
    # minimal: no generator left out by canonicalisation
    assert len(m1.vertices) == len(m2.vertices) == len(_canon_v(n, m1).V)
    assert len(m1.rays) == len(m2.rays) and len(m1.lines) == len(m2.lines)


def _lp_by_vertices(n, c, v):
    """Independent LP answer from a V-representation."""
    if not v.vertices:
        return "infeasible", None
    dot = lambda a, x: sum(Fraction(p) * q for p, q in zip(a, x))  # noqa: E731
    if any(dot(c, r) > 0 for r in v.rays) or any(dot(c, l) != 0 for l in v.lines):
        return "unbounded", None
    return "optimal", max(dot(c, x) for x in v.vertices)


@SETTINGS
@given(h_systems(), st.data())
def test_lp_agrees_between_backends_and_with_vertices(sys, data):
    n, A, b, E, f = sys
    c = data.draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    expected = _lp_by_vertices(n, c, PPL.h_to_v(n, A, b, E, f))
    for bk in (CDD, PPL):
        for maximize in (True, False):
            cc = c if maximize else [-x for x in c]
            want_status, want = _lp_by_vertices(n, cc, PPL.h_to_v(n, A, b, E, f))
            r = bk.lp(n, c, A, b, E, f, maximize=maximize)
            assert r.status == want_status
            if r.status == "optimal":
                value = want if maximize else -want
                assert r.value == value
                x = r.point
                assert all(sum(Fraction(p) * q for p, q in zip(a, x)) <= bi for a, bi in zip(A, b))
                assert all(sum(Fraction(p) * q for p, q in zip(e, x)) == fi for e, fi in zip(E, f))
                assert sum(Fraction(p) * q for p, q in zip(c, x)) == value
    assert expected[0] in ("optimal", "unbounded", "infeasible")


def test_lp_known_values():
    # max 3x + 4y s.t. 2x + y <= 4/3, y <= 2/3, x, y >= 0: optimum 11/3 at (1/3, 2/3)
    A = [[2, 1], [0, 1], [-1, 0], [0, -1]]
    b = [Fraction(4, 3), Fraction(2, 3), 0, 0]
    for bk in (CDD, PPL):
        r = bk.lp(2, [3, 4], A, b)
        assert (r.status, r.value, r.point) == ("optimal", Fraction(11, 3), (Fraction(1, 3), Fraction(2, 3)))
        assert bk.lp(2, [3, 4], A + [[1, 1]], b + [-1]).status == "infeasible"
        assert bk.lp(2, [1, 0], [[-1, 0]], [0]).status == "unbounded"
        assert bk.lp(2, [0, 0], [[-1, 0]], [0]).status == "optimal"
        assert bk.lp(1, [1], [[0]], [-1]).status == "infeasible"
        # equality constraints: max x + y on x + y = 5/2, 0 <= x <= 1
        r = bk.lp(2, [1, 1], [[1, 0], [-1, 0]], [1, 0], [[1, 1]], [Fraction(5, 2)])
        assert r.value == Fraction(5, 2)


def test_cone_apex_is_reported():
    # cdd drops the apex of a homogeneous cone; both backends must report the origin
    for bk in (CDD, PPL):
        v = bk.h_to_v(2, [[-1, 0], [0, -1]], [0, 0])
        assert canon_v(2, v) == (((0, 0),), ((0, 1), (1, 0)), ())
        v = bk.h_to_v(2, [[1, 1]], [0])
        assert canon_v(2, v) == (((0, 0),), ((0, -1),), ((1, -1),))  # ray reduced modulo the line
        assert canon_v(2, bk.h_to_v(2, [], [])) == (((0, 0),), (), ((1, 0), (0, 1)))


def test_empty_sets():
    for bk in (CDD, PPL):
        assert bk.h_to_v(2, [[1, 0], [-1, 0]], [0, -1]) == VRep((), (), ())
        h = bk.minimize_h(2, [[1, 0], [-1, 0]], [0, -1])
        assert _canon_h(2, h).empty
        assert bk.v_to_h(2, []) == HRep(((0, 0),), (-1,), (), ())
        assert bk.minimize_v(3, []) == VRep((), (), ())


# -- errors ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bk", [CDD, PPL], ids=["cdd", "ppl"])
def test_bad_input_is_invalid_input_error(bk):
    with pytest.raises(InvalidInputError, match=r"A\[1\] has 1 entries, expected 2"):
        bk.h_to_v(2, [[1, 0], [1]], [0, 0])
    with pytest.raises(InvalidInputError, match="b has length 1, expected 2"):
        bk.h_to_v(2, [[1, 0], [0, 1]], [0])
    with pytest.raises(InvalidInputError, match=r"not a finite number at A\[0\]\[1\]"):
        bk.minimize_h(2, [[1, float("inf")]], [0])
    with pytest.raises(InvalidInputError, match=r"vertices\[0\]\[0\]"):
        bk.v_to_h(1, [["x"]])
    with pytest.raises(InvalidInputError, match="at least one vertex"):
        bk.v_to_h(2, [], [[1, 0]])
    with pytest.raises(InvalidInputError, match="c has length 1, expected 2"):
        bk.lp(2, [1], [], [])
    with pytest.raises(InvalidInputError, match="positive integer"):
        bk.h_to_v(0, [], [])


def test_backend_failures_are_wrapped(monkeypatch):
    def boom(*args):
        raise RuntimeError("library exploded")

    for bk in (CDD, PPL):
        monkeypatch.setattr(bk, "_h_to_v", boom)
        with pytest.raises(BackendError, match=f"backend '{bk.name}' failed in h_to_v: RuntimeError"):
            bk.h_to_v(1, [[1]], [0])
    assert issubclass(BackendError, backends.PolyreluError)
