"""Log-log plots from a benchmark JSON file: seconds against regions (every tool; polyrelu's whole
`regions` job as well as its enumeration), and polyrelu's regions per second against the input
dimension.

    python -m benchmarks.plot benchmarks/results-DATE.json [more results ...] docs/performance-scaling.png

Rows of several files are plotted together (d8_16x2's count is a run of its own).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        print(__doc__)
        return 2
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = [r for f in argv[:-1] for r in json.loads(Path(f).read_text())["rows"]]
    fig = Figure(figsize=(11, 4.2))
    ax, bx = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    series = [("polyrelu", "seconds", "o", "polyrelu enumeration"), ("polyrelu", "total", "P", "polyrelu whole job"),
              ("polyrelu-1t", "total", "s", "polyrelu whole job, 1 thread"), ("reference", "seconds", "^", "reference engine"),
              ("fractions", "seconds", "v", "Fractions"), ("regioncam", "seconds", "x", "regioncam (float)"),
              ("relucent", "seconds", "D", "relucent (float)")]
    for tool, key, marker, label in series:
        pts = sorted((r["regions"], r[key], r["workload"]) for r in rows
                     if r["tool"] == tool and r.get(key))
        if not pts:
            continue
        ax.loglog([p[0] for p in pts], [p[1] for p in pts], marker=marker, label=label)
        if tool == "polyrelu" and key == "total":
            for x, y, w in pts:
                ax.annotate(w, (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("regions")
    ax.set_ylabel("seconds")
    ax.set_title("Cost against the number of regions")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    dims = {"d2": 2, "d3": 3, "d4": 4, "d8": 8, "acasxu": 5}
    for tool, key, marker, label in (("polyrelu", "total", "o", "whole job (default threads)"),
                                     ("polyrelu-1t", "total", "^", "whole job, 1 thread"),
                                     ("polyrelu-count", "seconds", "s", "counts and f-vector only, 2 threads")):
        pts = sorted((dims.get(r["workload"].split("_")[0], 0), r["regions"] / r[key], r["workload"])
                     for r in rows if r["tool"] == tool and r.get(key))
        if not pts:
            continue
        bx.semilogy([p[0] for p in pts], [p[1] for p in pts], marker, label=label)
        for x, y, w in pts:
            bx.annotate(w, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
    bx.legend(fontsize=7)
    bx.set_xlabel("input dimension")
    bx.set_ylabel("regions per second")
    bx.set_title("Throughput against the input dimension")
    bx.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(argv[-1], dpi=110)
    print(f"wrote {argv[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
