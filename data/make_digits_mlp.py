"""Train the small digits MLP shipped in data/ and write it in polyrelu's exact JSON format.

    python data/make_digits_mlp.py            # writes data/digits_mlp.json and data/digits_mlp.meta.json

scikit-learn's bundled digits data (1,797 images of 8 x 8 pixels, values 0..16; no download),
inputs scaled to [0, 1] (pixels / 16), a fixed 80/20 split (numpy seed 0) and an
MLPClassifier(hidden_layer_sizes=(16, 16), activation="relu", random_state=0): every step is
seeded, so the script writes the same model again (on the same numpy/scikit-learn versions).
The network's outputs are the 10 logits (before softmax); its weights are the float64 numbers
of the trained model, exactly.
"""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

HIDDEN = (16, 16)


def split(n: int, seed: int = 0):
    perm = np.random.default_rng(seed).permutation(n)
    k = int(round(0.8 * n))
    return np.sort(perm[:k]), np.sort(perm[k:])


def train(max_iter: int = 300, X=None, y=None, **kw):
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    if X is None:
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    tr, te = split(len(X))
    m = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", max_iter=max_iter, random_state=0, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m.fit(X[tr], y[tr])
    return m, X, y, tr, te


def main() -> None:
    import sklearn

    from polyrelu import ReLUNetwork

    m, X, y, tr, te = train()
    net = ReLUNetwork.from_sklearn(m)
    net.save(HERE / "digits_mlp.json")
    logits = np.array([[float(v) for v in net(x.tolist())] for x in X[te]])
    acc = float((logits.argmax(1) == y[te]).mean())
    meta = {
        "what": "MLPClassifier on sklearn.datasets.load_digits, inputs pixels/16 in [0, 1], outputs the 10 logits",
        "hidden_layer_sizes": list(HIDDEN),
        "random_state": 0,
        "split": "numpy.random.default_rng(0).permutation, first 80% train",
        "n_iter": int(m.n_iter_),
        "train_accuracy": float(m.score(X[tr], y[tr])),
        "test_accuracy": acc,
        "test_indices": te.tolist(),
        "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__},
    }
    (HERE / "digits_mlp.meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {HERE / 'digits_mlp.json'}: {net!r}, test accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
