"""Configurations, rank-one atoms and exact Lipschitz constants of ReLU networks.

Kept so that ``polyrelu.lipschitz`` goes on working: the code lives in :mod:`polyrelu.analyses`
(:mod:`~polyrelu.analyses.configurations`, :mod:`~polyrelu.analyses.norms`,
:mod:`~polyrelu.analyses.lipschitz`) and the certified numbers in :mod:`polyrelu.numbers`.

>>> from polyrelu.network import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> lipschitz_constant(net).value
Fraction(3, 1)
"""
from __future__ import annotations

from .analyses import *  # noqa: F401,F403
from .analyses import __all__
from .analyses.norms import NORMS, check_norm, rank_one_norm, vector_norm  # noqa: F401
from .numbers import Algebraic as _Algebraic  # noqa: F401  (the old private name, used by tests)
