"""The pictures and numbers of docs/real-networks.md.

    python docs/make_real_networks_figures.py    # writes docs/img/digits-slice.png, docs/img/digits-local-complexity.png

1. The exact regions of the shipped digits MLP (data/digits_mlp.json) on the plane through three
   test digits (a 0, a 1 and a 7), in the plane's coordinates (s, t).
2. Local complexity along a short training run: the same architecture trained epoch by epoch
   (partial_fit, seeded); after each epoch, the exact number of regions meeting an l-infinity
   ball of radius 1/20 around 30 training images, counted in the 2-D section of each ball
   spanned by two fixed directions (a 64-D box has 2^64 vertices: no exact complex there).
Everything is deterministic; the numbers are printed.
"""
from __future__ import annotations

import json
import sys
import time
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "data"))

from polyrelu import ReLUNetwork, load_network  # noqa: E402
from polyrelu.local import local_complexity  # noqa: E402

IMG = ROOT / "docs" / "img"


def digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def slice_figure() -> dict:
    from make_digits_mlp import split

    net = load_network(ROOT / "data" / "digits_mlp.json")
    X, y = digits()
    _, te = split(len(X))
    picks = [int(next(i for i in te if y[i] == d)) for d in (0, 1, 7)]
    pts = [[Fraction(int(round(v * 16)), 16) for v in X[i]] for i in picks]  # pixels / 16, exactly
    plane = net.restrict(pts)
    t0 = time.perf_counter()
    cx = plane.complex(domain=__import__("polyrelu").Polytope.box([Fraction(-1, 5)] * 2, [Fraction(6, 5)] * 2))
    secs = time.perf_counter() - t0
    IMG.mkdir(parents=True, exist_ok=True)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from polyrelu.plotting import plot_regions

    # colour each region by the class the network predicts there (argmax of the exact logits)
    palette = plt.get_cmap("tab10")
    classes, colors = {}, {}
    for r in cx.regions:
        out = plane(r.interior_point)
        k = max(range(10), key=lambda j: out[j])
        classes[k] = classes.get(k, 0) + 1
        c = palette(k)
        colors[r.index] = (c[0], c[1], c[2], 0.55)
    fig, ax = plt.subplots(figsize=(6.2, 5.6), dpi=110)
    plot_regions(cx, ax, colors=colors)
    for (x, y_), name in (((0, 0), "0"), ((1, 0), "1"), ((0, 1), "7")):
        ax.plot([x], [y_], "k*", ms=12)
        ax.annotate(f"digit {name}", (x, y_), textcoords="offset points", xytext=(6, 6), fontsize=9)
    ax.legend(handles=[Patch(color=palette(k), alpha=0.55, label=f"predicts {k}") for k in sorted(classes)],
              fontsize="small", loc="upper right")
    ax.set_xlabel("s")
    ax.set_ylabel("t")
    ax.set_title(f"digits MLP on the plane x = d0 + s (d1 - d0) + t (d7 - d0): {len(cx)} regions", fontsize=9)
    fig.tight_layout()
    fig.savefig(IMG / "digits-slice.png")
    return {"indices": picks, "n_regions": len(cx), "seconds": round(secs, 2),
            "regions_by_predicted_class": dict(sorted(classes.items()))}


def local_complexity_figure(epochs: int = 12, n_points: int = 30) -> dict:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from make_digits_mlp import HIDDEN, split

    X, y = digits()
    tr, _ = split(len(X))
    rng = np.random.default_rng(1)
    sample = np.sort(rng.choice(tr, n_points, replace=False))
    pts = [[Fraction(int(round(v * 16)), 16) for v in X[i]] for i in sample]
    D = [[int(v) for v in rng.choice([-1, 1], 64)] for _ in range(2)]  # two fixed directions
    r = Fraction(1, 20)
    m = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", random_state=0, batch_size=32)
    means, rows = [], []
    for e in range(epochs + 1):
        if e > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                m.partial_fit(X[tr], y[tr], classes=np.arange(10))
        elif not hasattr(m, "coefs_"):
            # epoch 0: the initialisation (one partial_fit on no data is not possible; fit 0 steps)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m.partial_fit(X[tr][:1], y[tr][:1], classes=np.arange(10))
        net = ReLUNetwork.from_sklearn(m)
        t0 = time.perf_counter()
        res = local_complexity(net, pts, r, directions=D)
        secs = time.perf_counter() - t0
        mean = sum(d["n_regions"] for d in res) / len(res)
        neur = sum(d["n_neurons"] for d in res) / len(res)
        acc = float(m.score(X[tr], y[tr]))
        means.append(mean)
        rows.append({"epoch": e, "mean_regions": round(mean, 3), "mean_neurons": round(neur, 3),
                     "train_accuracy": round(acc, 4), "seconds": round(secs, 2)})
        print(rows[-1], flush=True)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    ax.plot([r_["epoch"] for r_ in rows], means, "o-", label="regions meeting the ball (mean)")
    ax.plot([r_["epoch"] for r_ in rows], [r_["mean_neurons"] for r_ in rows], "s--", label="neurons meeting the ball (mean)")
    ax.set_xlabel("epoch (epoch 0: after one sample)")
    ax.set_ylabel(f"exact count, {n_points} training points")
    ax.set_title("digits MLP: exact local complexity, radius 1/20, 2-D sections")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(IMG / "digits-local-complexity.png")
    return {"rows": rows}


if __name__ == "__main__":
    out = {"slice": slice_figure()}
    print(json.dumps(out["slice"]), flush=True)
    out["local"] = local_complexity_figure()
    (IMG / "real-networks-numbers.json").write_text(json.dumps(out, indent=1) + "\n")
