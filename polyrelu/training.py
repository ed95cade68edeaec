"""Global-optimal training of one hidden layer (Arora et al.): kept at its old path; the code
lives in :mod:`polyrelu.analyses.training`.

>>> cover_count(4, 2)
14
"""
from __future__ import annotations

from .analyses.training import *  # noqa: F401,F403
from .analyses.training import __all__  # noqa: F401
