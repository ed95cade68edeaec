"""The integer rank against the Fraction echelon form it replaced, on random rational matrices
(dependent rows planted, column prefixes)."""
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from polyrelu.linalg import echelon, rank

entries = st.one_of(st.integers(-3, 3), st.fractions(min_value=-3, max_value=3, max_denominator=5))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(st.lists(entries, min_size=n, max_size=n), min_size=1, max_size=6),
    st.integers(0, n), st.lists(st.integers(-2, 2), min_size=2, max_size=2))))
def test_rank_is_the_echelon_forms(data):
    rows, ncols, (a, b) = data
    if len(rows) >= 2:  # a row that depends on two others
        rows = rows + [[a * x + b * y for x, y in zip(rows[0], rows[1])]]
    exact = [[Fraction(x) for x in r] for r in rows]
    assert rank(rows, ncols) == len(echelon(exact, ncols)[1])
    assert rank(rows) == len(echelon(exact)[1])
