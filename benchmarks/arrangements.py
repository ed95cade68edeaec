"""Arrangement counts side by side with SageMath's hyperplane arrangements (when importable).

    python -m benchmarks.arrangements [--out FILE.json]

Cases: 20 lines in R^2, 15 planes in R^3, 12 hyperplanes in R^4 (random integer ones in general
position, and degenerate ones with small coefficients), and braid arrangements.  For each, the
characteristic polynomial, Zaslavsky's region and bounded-region counts, and the time of
polyrelu's intersection-poset computation, its region enumeration, and Sage's computation; the
counts must agree (the table marks any difference).
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from pathlib import Path

from polyrelu.arrangement import HyperplaneArrangement as HA


def cases():
    out = []
    for m, n in [(20, 2), (15, 3), (12, 4)]:
        rng = random.Random(m)
        while True:
            rows = [[rng.randint(-1000, 1000) for _ in range(n + 1)] for _ in range(m)]
            if HA([r[:-1] for r in rows], [r[-1] for r in rows]).is_general_position():
                break
        out.append((f"generic {m} in R^{n}", rows, n))
    rng = random.Random(5)
    for m, n in [(20, 2), (15, 3), (12, 4)]:
        while True:
            rows = [[rng.randint(-2, 2) for _ in range(n + 1)] for _ in range(m)]
            if all(any(r[:-1]) for r in rows) and len(set(map(tuple, rows))) == m:
                break
        A = HA([r[:-1] for r in rows], [r[-1] for r in rows])
        rows = [[int(x) for x in a] + [int(c)] for a, c in A.hyperplanes]  # merged duplicates
        out.append((f"degenerate {len(rows)} in R^{n}", rows, n))
    for k in (5, 6):
        rows = [[int(i == a) - int(i == b) for i in range(k)] + [0] for a, b in itertools.combinations(range(k), 2)]
        out.append((f"braid in R^{k}", rows, k))
    return out


def sage_counts(rows, n):
    from sage.all__sagemath_polyhedra import QQ  # noqa: F401  (passagemath's entry point)
    from sage.geometry.hyperplane_arrangement.arrangement import HyperplaneArrangements

    H = HyperplaneArrangements(QQ, tuple(f"x{i}" for i in range(n)))
    A = H([[r[-1]] + r[:-1] for r in rows])  # Sage: [c, a_1..a_n] is c + a.x = 0
    t = time.perf_counter()
    chi = A.characteristic_polynomial()
    nr, nb = int(A.n_regions()), int(A.n_bounded_regions())
    return [int(c) for c in reversed(chi.list())], nr, nb, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.arrangements")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    try:
        import sage.geometry.hyperplane_arrangement.arrangement  # noqa: F401
        have_sage = True
    except ImportError:
        try:
            import sage.all__sagemath_polyhedra  # noqa: F401
            have_sage = True
        except ImportError:
            have_sage = False
    rows_out = []
    print(f"{'case':24} {'chi':>28} {'regions':>8} {'bounded':>8} {'poset s':>8} {'enum s':>8} {'sage s':>8} {'x sage':>7}  check")
    for name, rows, n in cases():
        t = time.perf_counter()
        A = HA([r[:-1] for r in rows], [r[-1] for r in rows])
        chi, nr, nb = list(A.characteristic_polynomial()), A.n_regions(), A.n_bounded_regions()
        t_poset = time.perf_counter() - t
        t = time.perf_counter()
        er, eb = A.enumerate_regions()
        t_enum = time.perf_counter() - t
        row = {"case": name, "n": n, "m": len(rows), "chi": chi, "regions": nr, "bounded": nb,
               "enumerated": er, "poset_seconds": t_poset, "enumeration_seconds": t_enum}
        ok = er == nr
        if have_sage:
            schi, snr, snb, ts = sage_counts(rows, n)
            row.update(sage_chi=schi, sage_regions=snr, sage_bounded=snb, sage_seconds=ts)
            ok = ok and schi == chi and snr == nr and snb == nb
        row["agrees"] = ok
        rows_out.append(row)
        ratio = f"{row['sage_seconds'] / t_poset:7.1f}" if have_sage else "      -"
        sage_s = f"{row['sage_seconds']:8.3f}" if have_sage else "       -"
        print(f"{name:24} {str(chi):>28} {nr:8} {nb:8} {t_poset:8.3f} {t_enum:8.3f} {sage_s} {ratio}  "
              f"{'ok' if ok else 'DIFFERS'}")
    if args.out:
        Path(args.out).write_text(json.dumps(rows_out, indent=1) + "\n")
        print(f"wrote {args.out}")
    return 0 if all(r["agrees"] for r in rows_out) else 1


if __name__ == "__main__":
    sys.exit(main())
