"""Parallel refinement through standard executors gives the serial complex exactly."""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from oracles import require_module

from polyrelu import Polytope, ReLUNetwork

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"


def fingerprint(cx):
    return [(r.pattern, r.vertices, r.affine_map) for r in cx.regions], sorted(
        (min(i, j), max(i, j), d["neurons"]) for i, j, d in cx.graph.edges(data=True))


def test_process_pool_executor_equals_serial():
    net = ReLUNetwork.load(BENCH / "d3_16x2.json")
    box = Polytope.box([-1, -1, -1], [0, 0, 0])
    serial = net.complex(domain=box)
    with ProcessPoolExecutor(max_workers=2) as ex:
        par = net.complex(domain=box, executor=ex)
    assert fingerprint(par) == fingerprint(serial)


def test_dask_local_cluster_equals_serial():
    distributed = require_module("distributed")  # CI installs the test extras: a missing dask fails there
    net = ReLUNetwork.load(BENCH / "d2_16x3.json")
    serial = net.complex()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        par = net.complex(executor=client.get_executor())
    assert len(par) == 777
    assert fingerprint(par) == fingerprint(serial)


def test_bench_workload_core_reference_and_other_backend_identical():
    # issue 5: on the CI-sized workload, the compiled core (float filter), the plain exact
    # reference engine and the other backend give the identical complex (regions, exact vertices,
    # affine maps, labelled edges)
    def as_sets(cx):  # independent of the order in which regions were found
        regions = sorted((r.pattern, r.vertices, r.affine_map) for r in cx.regions)
        edges = sorted((min(cx[i].pattern, cx[j].pattern), max(cx[i].pattern, cx[j].pattern), d["neurons"])
                       for i, j, d in cx.graph.edges(data=True))
        return regions, edges

    net = ReLUNetwork.load(BENCH / "d2_16x3.json")
    a = as_sets(net.complex())
    assert a == as_sets(net.complex(engine="reference"))
    assert a == as_sets(net.complex(backend="ppl"))
    assert a == as_sets(net.complex(order="reversed"))
    assert len(a[0]) == 777 and len(a[1]) == 1507  # the shared exact reference counts
