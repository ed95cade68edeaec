"""`python -m polyrelu regions --json` against the library and against Euler's relation."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from polyrelu import ReLUNetwork

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.json"


def test_module_entry_point_reports_the_complex():
    out = subprocess.run([sys.executable, "-m", "polyrelu", "regions", str(DEMO), "--json"],
                         capture_output=True, text=True, check=True).stdout
    s = json.loads(out)
    cx = ReLUNetwork.load(DEMO).complex()
    assert s["n_regions"] == len(cx)
    assert s["graph"]["n_edges"] == cx.graph.number_of_edges()
    f0, f1, f2 = s["f_vector"]
    assert f2 == s["n_regions"] and f0 - f1 + f2 == s["euler_characteristic"] == 1
    # every edge (1-cell) of the 2-D complex bounds two regions or lies on the box boundary
    assert f1 == s["graph"]["n_edges"] + s["n_boundary_facets"]
    assert s["seconds"] > 0


def test_count_only_reports_the_count_and_refuses_the_kept_region_limits():
    bench = Path(__file__).resolve().parents[2] / "shared" / "bench"
    want = json.loads((bench / "reference_counts.json").read_text())["d2_16x3"]["regions"]
    cmd = [sys.executable, "-m", "polyrelu", "regions", str(bench / "d2_16x3.json"), "--count-only"]
    s = json.loads(subprocess.run(cmd + ["--json", "--workers", "2"], capture_output=True, text=True,
                                  check=True).stdout)
    assert s["n_regions"] == want == 777 and s["complete"]
    # the box is bounded: the faces are counted too, and agree with the kept complex's
    assert tuple(s["f_vector"]) == ReLUNetwork.load(bench / "d2_16x3.json").complex().f_vector
    assert s["f_vector"][-1] == 777 and s["euler_characteristic"] == 1
    bad = subprocess.run(cmd + ["--partial"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--count-only keeps no regions" in bad.stderr
