"""The compiled core against the pure-Python reference engine, on random and degenerate networks.

Both give regions; the comparison is of everything a region is made of, independent of order:
the sign vector, the exact vertices and rays, the facets (the neighbour's sign vector and the
neurons on the facet), and globally the f-vector and the linear regions.  The reference's cells
are assembled by the core's combinatorics, so what is compared is the enumeration: splits,
generators, sign decisions, facet labels.
"""
from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu import Polytope, ReLUNetwork

DIFF = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fingerprint(cx):
    """Everything about the complex that does not depend on the order regions were found in."""
    regions = {}
    for r in cx.regions:
        facets = sorted(((() if f["neighbor"] is None else cx[f["neighbor"]].signs), f["neurons"], f["boundary"])
                        for f in r.facets())
        regions[r.signs] = (r.vertices, r.rays, tuple(facets))
    pieces = sorted(sorted(cx[i].signs for i in piece) for piece in cx.linear_regions())
    return regions, cx.f_vector, pieces, cx.graph.number_of_edges()


def f32(x: float) -> F:
    return F(struct.unpack("f", struct.pack("f", x))[0])


@st.composite
def networks(draw, max_n0=4, max_depth=3, max_width=4):
    n0 = draw(st.integers(1, max_n0))
    depth = draw(st.integers(1, max_depth))
    widths = [draw(st.integers(1, max_width)) for _ in range(depth)]
    kind = draw(st.sampled_from(["int", "float32", "degenerate", "near"]))
    # "near": small integers (which make coincidences) moved by 2^-k, so that many points lie
    # within 2^-k of a hyperplane they are not on: for k = 20 the float filter decides, for k = 60
    # it cannot (2^-60 is below double precision) and exact arithmetic must
    eps = F(1, 2 ** draw(st.sampled_from([20, 40, 52, 60])))
    layers, prev = [], n0
    for w in widths + [1]:
        if kind == "float32":
            W = [[f32(draw(st.floats(-2, 2, width=32))) for _ in range(prev)] for _ in range(w)]
            b = [f32(draw(st.floats(-1, 1, width=32))) for _ in range(w)]
        else:
            W = [[F(draw(st.integers(-2, 2))) for _ in range(prev)] for _ in range(w)]
            b = [F(draw(st.integers(-2, 2))) for _ in range(w)]
        if kind == "near":
            W = [[x + eps * draw(st.integers(-1, 1)) for x in row] for row in W]
            b = [x + eps * draw(st.integers(-1, 1)) for x in b]
        if kind == "degenerate" and w > 1:
            # coincidences on purpose: a unit equal to, opposite to or a multiple of another, a
            # zero row, a unit through the origin like the others
            i, j = draw(st.integers(0, w - 1)), draw(st.integers(0, w - 1))
            how = draw(st.sampled_from(["equal", "opposite", "double", "zero", "through0"]))
            if how == "equal":
                W[j], b[j] = list(W[i]), b[i]
            elif how == "opposite":
                W[j], b[j] = [-x for x in W[i]], -b[i]
            elif how == "double":
                W[j], b[j] = [2 * x for x in W[i]], 2 * b[i]
            elif how == "zero":
                W[j], b[j] = [F(0)] * prev, F(0)
            else:
                b = [F(0)] * w
        layers.append((W, b))
        prev = w
    return ReLUNetwork(layers)


@st.composite
def domains(draw, n):
    kind = draw(st.sampled_from(["box", "whole", "simplex"]))
    if kind == "whole":
        return None
    if kind == "box":
        lo = [F(draw(st.integers(-3, 0))) for _ in range(n)]
        return Polytope.box(lo, [x + draw(st.integers(1, 3)) for x in lo])
    # a simplex with a vertex on a point of the grid the hyperplanes like to pass through
    pts = [[F(-1)] * n] + [[F(3) if i == j else F(-1) for j in range(n)] for i in range(n)]
    return Polytope.from_vertices(pts)


@DIFF
@given(st.data())
def test_core_equals_reference(data):
    net = data.draw(networks())
    dom = data.draw(domains(net.input_dim))
    core = net.complex(domain=dom)
    ref = net.complex(domain=dom, engine="reference")
    assert len(core) == len(ref)
    assert fingerprint(core) == fingerprint(ref)


@DIFF
@given(st.data())
def test_core_equals_reference_on_a_small_box_far_away(data):
    """The network seen through x = c + s y: the same complex on a box of side 2s about c, far from
    the origin (ACAS Xu's property boxes are like this), where floats keep few useful digits."""
    net = data.draw(networks(max_n0=3))
    n = net.input_dim
    c = [F(10 ** data.draw(st.integers(3, 9))) + F(data.draw(st.integers(-5, 5)), 7) for _ in range(n)]
    s = F(1, 2 ** data.draw(st.integers(0, 40)))
    (W1, b1), rest = net.layers[0], list(net.layers[1:])
    W = [[w / s for w in row] for row in W1]
    b = [bi - sum(w * ci for w, ci in zip(row, c)) / s for row, bi in zip(W1, b1)]
    far = ReLUNetwork([(W, b)] + rest)
    box = Polytope.box([ci - s for ci in c], [ci + s for ci in c])
    core = far.complex(domain=box)
    ref = far.complex(domain=box, engine="reference")
    assert fingerprint(core) == fingerprint(ref)
    # and the same as the network itself on the box of side 2 about 0
    assert len(core) == len(net.complex(domain=Polytope.box([-1] * n, [1] * n)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_threads_order_and_reference_filter_change_nothing(data):
    net = data.draw(networks(max_n0=3))
    dom = data.draw(domains(net.input_dim))
    serial = net.complex(domain=dom)
    threads = net.complex(domain=dom, workers=2)
    # threads give the identical list, in the identical order
    assert [r.signs for r in serial.regions] == [r.signs for r in threads.regions]
    assert [r.vertices for r in serial.regions] == [r.vertices for r in threads.regions]
    fp = fingerprint(serial)
    assert fingerprint(net.complex(domain=dom, order="reversed")) == fp
    assert fingerprint(net.complex(domain=dom, engine="reference", order="reversed")) == fp


def test_executor_gives_the_serial_list():
    net = ReLUNetwork([([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, -1, F(1, 2)]),
                       ([[1, -1, 1, 1], [1, 1, -1, 2], [0, 1, 1, -1]], [0, F(-1, 3), 1]), ([[1, 1, 1]], [0])])
    box = Polytope.box([-2, -2], [2, 2])
    serial = net.complex(domain=box)
    with ThreadPoolExecutor(max_workers=2) as ex:
        par = net.complex(domain=box, executor=ex)
    assert [r.signs for r in serial.regions] == [r.signs for r in par.regions]
    assert [r.vertices for r in serial.regions] == [r.vertices for r in par.regions]
    assert fingerprint(par) == fingerprint(serial)


def test_max_regions_stops_inside_a_layer_and_partial_is_marked():
    from polyrelu.engine import RegionLimitError

    # one layer of 200 lines in general position in the square: 20,101 regions if run to the end
    net = ReLUNetwork([([[2 * t, -1] for t in range(200)], [-t * t for t in range(200)]), ([[1] * 200], [0])])
    box = Polytope.box([-10 ** 6] * 2, [10 ** 6] * 2)
    with pytest.raises(RegionLimitError, match=r"more than max_regions=50 regions: stopped in hidden layer 1"):
        net.complex(domain=box, max_regions=50)
    part = net.complex(domain=box, max_regions=50, on_limit="partial")
    # the pieces made so far: exactly max_regions cells, which still tile the box
    assert not part.complete and len(part) == 50 and part.result.stopped_at == (1, 1, 1)
    assert sum(r.volume for r in part.regions) == box.volume
    with pytest.raises(Exception, match="incomplete"):
        part.f_vector


def test_ctrl_c_reaches_a_long_refinement():
    """SIGINT while the core refines one large cell (no chunk boundary for a long time) raises
    KeyboardInterrupt; if it did not get through, the run would end by its time limit instead."""
    import os
    import signal
    import threading
    from pathlib import Path

    from polyrelu.engine import TimeLimitError

    net = ReLUNetwork.load(Path(__file__).resolve().parents[2] / "shared" / "bench" / "d8_16x2.json")
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            try:
                net.complex(workers=2, max_seconds=60)
            except TimeLimitError:
                pytest.fail("the interrupt did not reach the core")
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, old)


def test_output_values_are_the_networks_exact_outputs_at_the_generators():
    """The core's output_values() (made exact on first call, from each generator's history) at
    every vertex and ray, against the network evaluated in Fractions: f(x) = relu(x) + 2 relu(1 - x)
    times T, and at a ray its recession function."""
    net = ReLUNetwork([([[3], [-3]], [0, 3]), ([[1, 2]], [0])])  # relu(3x), relu(3 - 3x): 1/3 of f
    res = net.complex().result
    sign, off, data = res.core.output_values()
    outs = [int(sign[k]) * int.from_bytes(data[off[k]:off[k + 1]], "little") for k in range(len(sign))]
    seen = {}
    for g, value in enumerate(outs):
        x, t = res.generator(g)
        if t:
            point = F(x, t)
            want = 3 * max(point, 0) + 6 * max(1 - point, 0)
        else:
            want = 3 * max(x, 0) + 6 * max(-x, 0)  # the recession function along the ray
        # the core's integer network is the given one times a positive constant per layer
        seen[(x, t)] = F(value, t or 1) / want
    assert len(seen) == 4 and len(set(seen.values())) == 1 and next(iter(seen.values())) > 0


@pytest.mark.parametrize("big", [2**62, 2**63 - 1, 2**63, 2**64 + 1, 10**40])
def test_integers_at_and_past_the_machine_word_enter_the_core_exactly(big):
    """Ints that fit a machine word enter the core as it, larger ones as their digits: a weight
    on either side of the boundary (and -2^63, the word's own edge) gives the reference's complex."""
    W = [[F(big), F(1)], [F(-(2**63)), F(big - 1)], [F(3), F(-7)]]
    net = ReLUNetwork([(W, [F(-big), F(2**63), F(1)]), ([[F(1), F(-1), F(2)]], [F(0)])])
    box = Polytope.box([-3, -3], [3, 3])
    assert fingerprint(net.complex(domain=box)) == fingerprint(net.complex(domain=box, engine="reference"))
