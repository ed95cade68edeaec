"""Realization vs parametrization of ReLU networks: kept at its old path; the code lives in
:mod:`polyrelu.analyses.realization`.

>>> from polyrelu.network import ReLUNetwork
>>> bool(same_realization(ReLUNetwork([([[2]], [0]), ([[1]], [0])]), ReLUNetwork([([[1]], [0]), ([[2]], [0])])))
True
"""
from __future__ import annotations

from .analyses.realization import *  # noqa: F401,F403
from .analyses.realization import __all__  # noqa: F401
from .network import difference_network, pad_depth  # noqa: F401  (their home before the network's)
