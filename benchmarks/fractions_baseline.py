"""A plain exact enumerator of the activation regions of a ReLU network on a 2-D box, in Fractions.

    python -m benchmarks.fractions_baseline NETWORK.json

It is the benchmark's simple baseline, independent of polyrelu's engine (it does not import
polyrelu): every number is a :class:`fractions.Fraction`, every region is a convex polygon (its
vertices, counter-clockwise) with the affine map from the input x to the current layer's output.

Layer by layer, each region is cut by each neuron's line z(x) = 0 in turn (convex polygon clipping,
crossing points computed exactly); a piece is cut only when it has vertices with z > 0 and with
z < 0, so both halves have positive area, and a piece that is not cut lies on one side (z >= 0:
active, z <= 0: inactive).  After the layer, a region's map becomes diag(active) (W A, W c + b).
The regions left after the last hidden layer are the full-dimensional activation regions of the
network in the box.  The last layer is the affine output and creates no regions.

The runner prints one JSON line: regions, edges (none: it does not build the adjacency graph),
seconds (the enumeration only, after reading the file) and peak_rss (bytes).
"""
from __future__ import annotations

import json
import resource
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

Point = tuple[Fraction, Fraction]
Layer = tuple[list[list[Fraction]], list[Fraction]]  # (W, b), W with one row per neuron
# The map from x to the current layer's output, as the rows of its active neurons:
# (j, a0, a1, c) means output_j(x) = a0 * x[0] + a1 * x[1] + c; every other output is 0.
AffineMap = list[tuple[int, Fraction, Fraction, Fraction]]


def _exact(x: Any) -> Fraction:
    """The exact value of a number of the network file: a JSON number is the binary float it
    parses to (here a float32 widened to float64, so ``Fraction(float(x))``); a string is a
    rational written out (``"1/3"``), as in polyrelu's network format."""
    if isinstance(x, bool):
        raise ValueError(f"not a number: {x!r}")
    if isinstance(x, str):
        return Fraction(x.strip())
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(float(x))


def read_network(path: str | Path) -> tuple[list[Layer], list[Point]]:
    """The layers (W, b) of a polyrelu-network JSON file, and its box as a counter-clockwise
    polygon.  Only 2-D inputs are supported."""
    d = json.loads(Path(path).read_text())
    layers = [([[_exact(w) for w in row] for row in layer["weights"]], [_exact(v) for v in layer["bias"]])
              for layer in d["layers"]]
    (x0, y0), (x1, y1) = ([_exact(v) for v in corner] for corner in d["domain"]["box"])
    if any(len(row) != 2 for row in layers[0][0]):
        raise ValueError("the Fractions baseline handles 2-D inputs only")
    if not (x0 < x1 and y0 < y1):
        raise ValueError("the box must have positive area")
    return layers, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _clip(poly: list[Point], z: list[Fraction], side: int) -> list[Point]:
    """The part of the convex polygon ``poly`` where side * z >= 0, z being the values of an
    affine function at its vertices (the order of the vertices is kept)."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        zp, zq = z[i], z[(i + 1) % n]
        if side * zp >= 0:
            out.append(p)
        if (zp > 0 > zq) or (zp < 0 < zq):  # the edge crosses z = 0 strictly inside
            t = zp / (zp - zq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _twice_area(poly: list[Point]) -> Fraction:
    n = len(poly)
    return sum((poly[i][0] * poly[(i + 1) % n][1] - poly[(i + 1) % n][0] * poly[i][1] for i in range(n)),
               Fraction(0))


def enumerate_regions(layers: list[Layer], box: list[Point]) -> int:
    """The number of full-dimensional activation regions of the network ``layers`` in ``box``."""
    identity: AffineMap = [(0, Fraction(1), Fraction(0), Fraction(0)), (1, Fraction(0), Fraction(1), Fraction(0))]
    regions: list[tuple[list[Point], AffineMap]] = [(box, identity)]
    for W, b in layers[:-1]:  # the hidden (ReLU) layers
        refined = []
        for poly, amap in regions:
            # each neuron's pre-activation on this region: z_i(x) = a0 x[0] + a1 x[1] + c
            forms = []
            for Wi, bi in zip(W, b):
                a0 = sum((Wi[j] * r0 for j, r0, _, _ in amap), Fraction(0))
                a1 = sum((Wi[j] * r1 for j, _, r1, _ in amap), Fraction(0))
                c = sum((Wi[j] * rc for j, _, _, rc in amap), bi)
                forms.append((a0, a1, c))
            pieces: list[tuple[list[Point], list[bool]]] = [(poly, [])]
            for a0, a1, c in forms:
                nxt = []
                for piece, pattern in pieces:
                    z = [a0 * x + a1 * y + c for x, y in piece]
                    pos, neg = any(v > 0 for v in z), any(v < 0 for v in z)
                    if pos and neg:
                        nxt.append((_clip(piece, z, 1), pattern + [True]))
                        nxt.append((_clip(piece, z, -1), pattern + [False]))
                    else:
                        nxt.append((piece, pattern + [pos]))
                pieces = nxt
            for piece, pattern in pieces:
                new_map = [(i, *forms[i]) for i, on in enumerate(pattern) if on]
                refined.append((piece, new_map))
        regions = refined
    # a cut piece keeps a vertex strictly off the line, so it has positive area; check it anyway
    assert all(_twice_area(poly) > 0 for poly, _ in regions), "a region of zero area"
    return len(regions)


def count_regions(path: str | Path) -> int:
    """The number of activation regions of the 2-D network file ``path`` in its box.

    Example: ``count_regions("../shared/bench/d2_16x3.json")`` is 777 (a few seconds).
    """
    return enumerate_regions(*read_network(path))


def main(argv: list[str] | None = None) -> int:
    """Count the regions of one network file and print the benchmark's JSON line."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__)
        return 2
    layers, box = read_network(argv[0])
    t0 = time.perf_counter()
    regions = enumerate_regions(layers, box)
    secs = time.perf_counter() - t0
    print(json.dumps({"regions": regions, "edges": None, "seconds": secs,
                      "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
