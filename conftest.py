"""Names every doctest in the package may use without importing them."""
from fractions import Fraction

import pytest


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import polyrelu
    from polyrelu import PolyhedralComplex, Polytope, ReLUNetwork

    doctest_namespace.update(
        Fraction=Fraction, Polytope=Polytope, ReLUNetwork=ReLUNetwork,
        PolyhedralComplex=PolyhedralComplex, polyrelu=polyrelu,
    )
