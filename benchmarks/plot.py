"""Log-log plot of engine seconds against regions from a benchmark JSON file.

    python -m benchmarks.plot benchmarks/results-DATE.json docs/performance-scaling.png
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__)
        return 2
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = json.loads(Path(argv[0]).read_text())["rows"]
    fig = Figure(figsize=(6, 4.2))
    ax = fig.add_subplot()
    for tool, marker in [("polyrelu", "o"), ("polyrelu-2w", "s"), ("exact-only", "^"), ("fractions", "v"), ("regioncam", "x"), ("relucent", "D")]:
        pts = sorted((r["regions"], r["seconds"], r["workload"]) for r in rows
                     if r["tool"] == tool and "seconds" in r)
        if not pts:
            continue
        ax.loglog([p[0] for p in pts], [p[1] for p in pts], marker=marker, label=tool)
        if tool == "polyrelu":
            for x, y, w in pts:
                ax.annotate(w, (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("regions")
    ax.set_ylabel("engine seconds")
    ax.set_title("Exact enumeration cost against the number of regions")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(argv[1], dpi=110)
    print(f"wrote {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
