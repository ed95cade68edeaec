"""polyrelu: the exact polyhedral geometry of ReLU networks.

>>> from polyrelu import ReLUNetwork, Polytope
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> cx = net.complex()
>>> len(cx), cx.f_vector
(7, (3, 9, 7))
"""
from fractions import Fraction

from .exact import EmptyDomainError, InvalidInputError, PolyreluError, to_rational
from .network import ReLUNetwork, load_network
from .polytope import Polytope
from .complex import PolyhedralComplex, Region
from .engine import RegionLimitError
from .zonotope import Zonotope
from .arrangement import HyperplaneArrangement
from .backends import available_backends, get_backend, set_default_backend
from .lipschitz import lipschitz_constant
from .realization import canonical_form, same_realization

__version__ = "0.1.0"


def _complex(self, domain="network", **kw):
    """The :class:`PolyhedralComplex` of this network (see :meth:`PolyhedralComplex.from_network`)."""
    return PolyhedralComplex.from_network(self, domain, **kw)


ReLUNetwork.complex = _complex

__all__ = [
    "Fraction",
    "ReLUNetwork",
    "load_network",
    "Polytope",
    "PolyhedralComplex",
    "Region",
    "PolyreluError",
    "InvalidInputError",
    "EmptyDomainError",
    "RegionLimitError",
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
