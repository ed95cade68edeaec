"""Small exact oracles for the tests, written independently of the package's own elimination."""
from fractions import Fraction as F


def det(M):
    """Exact determinant by Gaussian elimination on Fractions."""
    M = [list(map(F, r)) for r in M]
    n, d = len(M), F(1)
    for i in range(n):
        p = next((r for r in range(i, n) if M[r][i]), None)
        if p is None:
            return F(0)
        if p != i:
            M[i], M[p], d = M[p], M[i], -d
        d *= M[i][i]
        for r in range(i + 1, n):
            f = M[r][i] / M[i][i]
            M[r] = [a - f * b for a, b in zip(M[r], M[i])]
    return d


def solve(A, b):
    """Cramer's rule for a square invertible system."""
    d = det(A)
    return [det([list(r[:j]) + [bi] + list(r[j + 1:]) for r, bi in zip(A, b)]) / d for j in range(len(A))]


def random_net(rng, n0, widths, m=1, lo=-3, hi=3, weight_dens=(1, 1, 2), bias_dens=(1, 2)):
    """A random network with small rational weights (``rng`` a random.Random), for property tests."""
    from polyrelu import ReLUNetwork

    layers, prev = [], n0
    for w in list(widths) + [m]:
        W = [[F(rng.randint(lo, hi), rng.choice(weight_dens)) for _ in range(prev)] for _ in range(w)]
        b = [F(rng.randint(lo, hi), rng.choice(bias_dens)) for _ in range(w)]
        layers.append((W, b))
        prev = w
    return ReLUNetwork(layers)


def seeded_net(seed, n=2, widths=(4, 3), m=1, w=9, w_den=4, b=5, b_den=3):
    """A reproducible random network: weights in [-w, w] / [1, w_den], biases in [-b, b] / [1, b_den]."""
    import random

    from polyrelu import ReLUNetwork

    rng = random.Random(seed)
    dims = [n, *widths, m]
    return ReLUNetwork([
        ([[F(rng.randint(-w, w), rng.randint(1, w_den)) for _ in range(dims[k])] for _ in range(dims[k + 1])],
         [F(rng.randint(-b, b), rng.randint(1, b_den)) for _ in range(dims[k + 1])])
        for k in range(len(dims) - 1)
    ])


def under_ci() -> bool:
    """Whether the tests run under CI=true, where a test of a real program must not skip."""
    import os

    return os.environ.get("CI", "").strip().lower() == "true"


def require_module(name: str):
    """Import an optional package for a test: skip locally when it is missing, but FAIL under
    CI=true, where the test extra installs it (a skipped real-program test hides a broken set-up)."""
    import importlib

    import pytest

    if under_ci():
        return importlib.import_module(name)
    return pytest.importorskip(name)
