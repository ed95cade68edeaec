"""Tests of polyrelu.bounds: the spec's tables T3/T4, the papers' printed numbers, properties."""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu import bounds as B
from polyrelu.exact import InvalidInputError
from polyrelu.network import ReLUNetwork

from polyrelu.complex import PolyhedralComplex

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Table T3 of the math spec: n0, widths, Pascanu T1, Montufar14, Serra T6, Pascanu T2,
# Serra T1 (UB), Montufar17 (UB), per-layer product (UB), 2^N, shallow(N).   None = "-"
T3 = [
    (1, (3,), 4, 4, 4, None, 4, 4, 4, 8, 4),
    (1, (3, 3), 12, 12, 16, None, 16, 16, 16, 64, 7),
    (1, (4, 2), 12, 12, None, None, 15, 15, 15, 64, 7),
    (1, (2, 2, 2), 12, 12, None, 12, 27, 27, 27, 64, 7),
    (1, (3, 3, 3), 36, 36, 64, None, 64, 64, 64, 512, 10),
    (2, (2, 2), 4, 4, None, None, 11, 16, 16, 16, 11),
    (2, (3, 3), 7, 7, None, None, 40, 49, 49, 64, 22),
    (2, (4, 4), 22, 44, None, 44, 121, 121, 121, 256, 37),
    (2, (4, 4, 4), 44, 176, None, 176, 1331, 1331, 1331, 4096, 79),
    (2, (6, 4), 33, 99, None, None, 242, 242, 242, 1024, 56),
    (2, (6, 6), 66, 198, 352, None, 484, 484, 484, 4096, 79),
    (2, (6, 6, 6), 198, 1782, 5632, None, 10648, 10648, 10648, 262144, 172),
    (2, (8,), 37, 37, 37, None, 37, 37, 37, 256, 37),
    (3, (2, 2), None, None, None, None, 11, 16, 16, 16, 15),
    (3, (6, 6), 84, 336, None, 336, 1764, 1764, 1764, 4096, 299),
    (3, (9, 9), 390, 3510, 8320, None, 16900, 16900, 16900, 262144, 988),
    (4, (2, 3), None, None, None, None, 16, 28, 32, 32, 31),
    (2, (10, 10, 10), 1400, 35000, 72576, None, 175616, 175616, 175616, 1073741824, 466),
]


@pytest.mark.parametrize("row", T3, ids=lambda r: f"{r[0]};{','.join(map(str, r[1]))}")
def test_table_T3(row):
    n0, ws, p1, m14, s6, p2, s1, m17, prod_, triv, shallow = row
    assert B.pascanu_thm1_lower(n0, ws) == p1
    assert B.montufar14_lower(n0, ws) == m14
    assert B.serra_thm6_lower(n0, ws) == s6
    assert B.pascanu_thm2_lower(n0, ws) == p2
    assert B.serra_upper(n0, ws) == s1
    assert B.montufar17_upper(n0, ws) == m17
    assert B.product_upper(n0, ws) == prod_
    assert B.trivial_upper(ws) == triv
    assert B.shallow_max(n0, ws) == shallow
    allb = B.all_bounds(n0, ws)
    assert (allb["pascanu_thm1_lower"], allb["montufar14_lower"], allb["serra_thm6_lower"],
            allb["pascanu_thm2_lower"], allb["serra_upper"], allb["montufar17_upper"],
            allb["product_upper"], allb["trivial_upper"], allb["shallow_max"]) == row[2:]


def test_pascanu_quoted_numbers():
    # "a shallow model with 4 n0 units will have at most 37 linear regions. The equivalent deep
    # model with two layers of 2 n0 units can produce 44 ... 79 ... 176"
    assert B.one_layer_max(8, 2) == B.shallow_max(2, [4, 4]) == 37
    assert B.pascanu_thm2_lower(2, [4, 4]) == 44
    assert B.one_layer_max(12, 2) == B.shallow_max(2, [4, 4, 4]) == 79
    assert B.pascanu_thm2_lower(2, [4, 4, 4]) == 176
    # the spec's table of section 5.3
    assert (B.shallow_max(1, [2, 2, 2]), B.pascanu_thm2_lower(1, [2, 2, 2])) == (7, 12)
    assert (B.shallow_max(3, [6, 6]), B.pascanu_thm2_lower(3, [6, 6])) == (299, 336)
    assert (B.shallow_max(3, [6, 6, 6]), B.pascanu_thm2_lower(3, [6, 6, 6])) == (988, 2688)


def test_oracle_quick_reference():
    assert [B.serra_upper(n0, w) for n0, w in [(2, [4, 4]), (2, [2, 2]), (4, [2, 3]), (1, [3, 3])]] == [121, 11, 16, 16]
    assert [B.montufar17_upper(n0, w) for n0, w in [(2, [2, 2]), (4, [2, 3])]] == [16, 28]
    assert B.montufar14_lower(2, [6, 4]) == 99
    assert B.serra_thm5_exact(1, [3, 3]) == 16


# Table T4 of the math spec: n, m, w, k, size, V, exact #pieces, as printed, Serra T7
T4 = [
    (2, 2, 2, 1, 6, 4, 8, 4, 12), (2, 2, 2, 2, 8, 4, 17, 8, 36), (2, 2, 2, 3, 10, 4, 33, 16, 108),
    (2, 2, 3, 1, 7, 4, 12, 6, 16), (2, 2, 3, 2, 10, 4, 36, 18, 64), (2, 2, 3, 3, 13, 4, 108, 54, 256),
    (2, 3, 2, 1, 8, 6, 12, 6, 18), (2, 3, 2, 2, 10, 6, 25, 12, 54), (2, 3, 2, 3, 12, 6, 49, 24, 162),
    (2, 3, 3, 1, 9, 6, 18, 9, 24), (2, 3, 3, 2, 12, 6, 54, 27, 96), (2, 3, 3, 3, 15, 6, 162, 81, 384),
    (2, 4, 2, 1, 10, 8, 16, 8, 24), (2, 4, 2, 2, 12, 8, 33, 16, 72), (2, 4, 2, 3, 14, 8, 65, 32, 216),
    (2, 4, 3, 1, 11, 8, 24, 12, 32), (2, 4, 3, 2, 14, 8, 72, 36, 128), (2, 4, 3, 3, 17, 8, 216, 108, 512),
    (2, 5, 2, 1, 12, 10, 20, 10, 30), (2, 5, 2, 2, 14, 10, 41, 20, 90), (2, 5, 2, 3, 16, 10, 81, 40, 270),
    (2, 5, 3, 1, 13, 10, 30, 15, 40), (2, 5, 3, 2, 16, 10, 90, 45, 160), (2, 5, 3, 3, 19, 10, 270, 135, 640),
    (3, 3, 2, 1, 8, 8, 16, 8, 24), (3, 3, 2, 2, 10, 8, 33, 16, 72), (3, 3, 2, 3, 12, 8, 65, 32, 216),
    (3, 3, 3, 1, 9, 8, 24, 12, 32), (3, 3, 3, 2, 12, 8, 72, 36, 128), (3, 3, 3, 3, 15, 8, 216, 108, 512),
    (3, 4, 2, 1, 10, 14, 28, 14, 42), (3, 4, 2, 2, 12, 14, 57, 28, 126), (3, 4, 2, 3, 14, 14, 113, 56, 378),
    (3, 4, 3, 1, 11, 14, 42, 21, 56), (3, 4, 3, 2, 14, 14, 126, 63, 224), (3, 4, 3, 3, 17, 14, 378, 189, 896),
    (3, 5, 2, 1, 12, 22, 44, 22, 66), (3, 5, 2, 2, 14, 22, 89, 44, 198), (3, 5, 2, 3, 16, 22, 177, 88, 594),
    (3, 5, 3, 1, 13, 22, 66, 33, 88), (3, 5, 3, 2, 16, 22, 198, 99, 352), (3, 5, 3, 3, 19, 22, 594, 297, 1408),
]


@pytest.mark.parametrize("row", T4, ids=lambda r: "n%d-m%d-w%d-k%d" % r[:4])
def test_table_T4_arora_zonotope_family(row):
    n, m, w, k, size, V, exact, printed, t7 = row
    widths = [2 * m] + [w] * k
    assert sum(widths) == size
    assert B.central_max(m, n) == V
    assert B.arora_zonotope_params(n, widths) == (k, w, m)
    assert B.arora_zonotope_exact(n, k, w, m) == exact
    assert B.arora_zonotope_printed(n, k, w, m) == printed
    assert B.serra_thm7_lower(n, widths) == t7
    b = B.all_bounds(n, widths)
    assert (b["arora_zonotope_exact"], b["arora_zonotope_printed"], b["serra_thm7_lower"]) == (exact, printed, t7)
    # the printed count is exactly half of V w^k (the erratum)
    assert 2 * printed == V * w**k


def test_hypotheses_not_met_give_none():
    assert B.arora_zonotope_params(2, [5, 3]) is None  # odd first layer
    assert B.arora_zonotope_params(2, [4]) is None  # needs k >= 1 further layers
    assert B.arora_zonotope_params(2, [4, 3, 2]) is None  # unequal later widths
    assert B.arora_zonotope_exact(1, 2, 2, 3) is None and B.arora_zonotope_exact(2, 2, 2, 1) is None
    assert B.serra_thm5_exact(2, [3, 3]) is None and B.serra_thm5_exact(1, [3, 2]) is None
    assert B.serra_thm6_lower(2, [6, 5]) is None  # the last layer needs n_L >= 3 n0 too
    assert B.pascanu_thm1_lower(3, [3, 2]) is None and B.montufar14_lower(3, [2, 3]) is None
    assert B.pascanu_thm2_lower(2, [4, 4, 3]) is None
    assert B.exact_max(2, [4, 4]) is None


@pytest.mark.parametrize(
    "call, msg",
    [
        (lambda: B.serra_upper(0, [2]), "at least 1"),
        (lambda: B.serra_upper(2, []), "at least one hidden layer"),
        (lambda: B.serra_upper(2, [3, 0]), r"widths\[1\] must be a positive integer"),
        (lambda: B.montufar17_upper(2, [3, 2.5]), r"widths\[1\]"),
        (lambda: B.all_bounds(-1, [3]), "non-negative"),
        (lambda: B.trivial_upper(5), "sequence"),
        (lambda: B.S(-1, 2), "non-negative"),
        (lambda: B.arora_zonotope_printed(2, 1, 1, 3), "w must be an integer >= 2"),
    ],
)
def test_bad_input(call, msg):
    with pytest.raises(InvalidInputError, match=msg):
        call()


def serra_by_J(n0, widths):
    """Serra's sum, listing J literally (independent of the package's dynamic programme)."""
    total = 0
    for js in itertools.product(*(range(n + 1) for n in widths)):
        ok = all(
            js[l] <= min([n0] + [widths[i] - js[i] for i in range(l)] + [widths[l]])
            for l in range(len(widths))
        )
        if ok:
            total += math.prod(math.comb(n, j) for n, j in zip(widths, js))
    return total


shapes = st.tuples(st.integers(1, 6), st.lists(st.integers(1, 9), min_size=1, max_size=4))


@SETTINGS
@given(shapes)
def test_upper_bound_chain_and_serra_by_listing(shape):
    n0, ws = shape
    s, m17, pr, tr = B.serra_upper(n0, ws), B.montufar17_upper(n0, ws), B.product_upper(n0, ws), B.trivial_upper(ws)
    assert s <= m17 <= pr <= tr
    assert s == serra_by_J(n0, ws)
    assert B.S(sum(ws), n0) == B.shallow_max(n0, ws)
    if len(ws) == 1:
        assert s == B.S(ws[0], n0) == B.exact_max(n0, ws)


@SETTINGS
@given(shapes)
def test_lower_bounds_below_upper_bounds(shape):
    n0, ws = shape
    b = B.all_bounds(n0, ws)
    upper = min(b[k] for k, kind in B.BOUND_KINDS.items() if kind == "upper")
    assert upper == b["serra_upper"]
    for name, kind in B.BOUND_KINDS.items():
        if kind in ("lower", "exact") and b[name] is not None:
            assert b[name] <= upper, name
    # Montufar 2014 raises Pascanu's factors to the power n0; Serra's Theorem 6 adds 1 to them
    if b["pascanu_thm1_lower"] is not None:
        assert b["pascanu_thm1_lower"] <= b["montufar14_lower"]
    if b["serra_thm6_lower"] is not None:
        assert b["montufar14_lower"] <= b["serra_thm6_lower"]
    if b["pascanu_thm2_lower"] is not None:  # width 2 n0: floor(2 n0 / n0)^{n0} = 2^{n0}
        assert b["pascanu_thm2_lower"] == b["montufar14_lower"]
    if b["serra_thm5_exact"] is not None:  # n0 = 1: Theorem 1 is tight
        assert b["serra_thm5_exact"] == b["serra_upper"]
    if b["arora_zonotope_exact"] is not None:
        assert b["arora_zonotope_printed"] < b["arora_zonotope_exact"] <= b["serra_thm7_lower"]


# ---------------------------------------------------------------------------------------------
# report(net, complex)
# ---------------------------------------------------------------------------------------------
class _StubComplex:
    def __init__(self, n, pieces, domain=None):
        self._n, self.n_linear_regions, self.domain = n, pieces, domain

    def __len__(self):
        return self._n


def _net(n0, widths):
    layers, prev = [], n0
    for w in widths + [1]:
        layers.append(([[1] * prev for _ in range(w)], [0] * w))
        prev = w
    return ReLUNetwork(layers)


def test_report_flags_with_a_stub_complex():
    net = _net(2, [4, 4])
    r = B.report(net, _StubComplex(44, 40))
    assert r["n0"] == 2 and r["widths"] == [4, 4]
    assert r["activation_regions"] == 44 and r["linear_regions"] == 40 and r["domain"] is False
    assert r["bounds"]["pascanu_thm2_lower"] == {"value": 44, "kind": "lower", "ok": True}
    assert r["bounds"]["serra_thm6_lower"] == {"value": None, "kind": "lower", "ok": None}
    assert r["bounds"]["serra_upper"]["ok"] is True and r["violations"] == []
    bad = B.report(net, _StubComplex(200, 200))  # more than Serra's 121 but fewer than 2^8
    assert bad["violations"] == ["serra_upper", "montufar17_upper", "product_upper"]
    text = B.format_report(bad)
    assert "serra_upper" in text and "VIOLATED" in text and "activation regions in R^2: 200" in text
    assert "best upper bound: 121 (serra_upper, montufar17_upper, product_upper)" in text


PASCANU_K2 = ReLUNetwork(
    [
        ([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0]),
        ([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1], [1, 1, -1, -1]], [-1, -1, -3, Fraction(-1, 2)]),
        ([[1, 2, 3, 4]], [0]),
    ]
)
SERRA_33 = ReLUNetwork(
    [
        ([[1], [1], [-1]], [0, -1, 2]),
        ([["-8/3", 2, "-4/3"], [-5, "9/2", "-11/3"], [3, "-11/4", "3/2"]], ["7/2", 8, -4]),
        ([[1, 2, 3]], [0]),
    ]
)


def test_report_on_the_pascanu_construction():
    r = B.report(PASCANU_K2, PASCANU_K2.complex(domain=None))
    assert r["activation_regions"] == 44
    assert r["bounds"]["pascanu_thm2_lower"]["ok"] is True and r["bounds"]["montufar14_lower"]["ok"] is True
    assert r["violations"] == []


def test_report_on_serra_witness_reaches_the_upper_bound():
    r = B.report(SERRA_33)
    assert (r["activation_regions"], r["linear_regions"]) == (16, 16)
    assert r["bounds"]["serra_upper"] == {"value": 16, "kind": "upper", "ok": True}
    assert r["bounds"]["serra_thm5_exact"]["value"] == 16


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_small_nets_respect_upper_bounds(data):
    n0 = data.draw(st.integers(1, 2))
    widths = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    layers, prev = [], n0
    ints = st.integers(-2, 2)
    for w in widths + [1]:
        W = [data.draw(st.lists(ints, min_size=prev, max_size=prev)) for _ in range(w)]
        b = data.draw(st.lists(ints, min_size=w, max_size=w))
        layers.append((W, b))
        prev = w
    net = ReLUNetwork(layers)
    cx = PolyhedralComplex.from_network(net, None)
    r = B.report(net, cx)
    assert r["violations"] == []
    assert r["linear_regions"] <= r["activation_regions"] <= B.serra_upper(n0, widths)
