"""polyrelu: the exact polyhedral geometry of ReLU networks.

>>> from polyrelu import ReLUNetwork, Polytope
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> cx = net.complex()
>>> len(cx), cx.f_vector
(7, (3, 9, 7))
"""
import os as _os
import signal as _signal
import sys as _sys


def _interrupted_while_starting(signum, frame):  # pragma: no cover - exercised in a subprocess
    # Ctrl-C while the command line is still importing: the message and exit code the command line
    # gives for an interrupt, not a traceback from deep inside an import
    _sys.stderr.write("polyrelu: interrupted\n")
    _os._exit(130)


# the `polyrelu` console script, or `python -m polyrelu` (argv[0] is "-m" while its package loads)
_STARTING_CLI = _os.path.basename(_sys.argv[0] if _sys.argv else "") == "polyrelu" or _sys.argv[:1] == ["-m"]
if _STARTING_CLI and _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)

from .exact import EmptyDomainError, InvalidInputError, PolyreluError, to_rational
from .network import ReLUNetwork, load_network
from .polytope import Polytope
from .complex import PolyhedralComplex, Region, count_faces, count_regions
from .engine import RegionLimitError, default_workers
from .zonotope import Zonotope
from .arrangement import HyperplaneArrangement
from .backends import available_backends, get_backend, set_default_backend
from .lipschitz import lipschitz_constant
from .realization import canonical_form, same_realization

__version__ = "0.1.0"

if _STARTING_CLI and _signal.getsignal(_signal.SIGINT) is _interrupted_while_starting:
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)  # the command line takes it from here

__all__ = [
    "ReLUNetwork",
    "load_network",
    "Polytope",
    "PolyhedralComplex",
    "Region",
    "count_faces",
    "count_regions",
    "PolyreluError",
    "InvalidInputError",
    "EmptyDomainError",
    "RegionLimitError",
    "default_workers",
    "to_rational",
    "Zonotope",
    "HyperplaneArrangement",
    "available_backends",
    "get_backend",
    "set_default_backend",
    "lipschitz_constant",
    "same_realization",
    "canonical_form",
]
