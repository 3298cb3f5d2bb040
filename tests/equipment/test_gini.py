"""The Gini coefficient of loan-days, against values worked out by hand."""

import pytest

from equipment.reports import gini


def test_an_even_spread_is_zero():
    assert gini([3, 3, 3, 3]) == 0


def test_nobody_or_nothing_is_zero():
    assert gini([]) == 0
    assert gini([0, 0], zeros=5) == 0


def test_one_takes_all_of_four():
    # sorted [0, 0, 0, 8]: 2·(4·8)/(4·8) − 5/4 = 0.75, the most four can reach
    assert gini([0, 0, 0, 8]) == pytest.approx(0.75)


def test_a_known_small_population():
    # sorted [1, 2, 3, 4]: 2·(1 + 4 + 9 + 16)/(4·10) − 5/4 = 1.5 − 1.25 = 0.25
    assert gini([4, 1, 3, 2]) == pytest.approx(0.25)


def test_zeros_count_as_producers_who_borrowed_nothing():
    # [0, 0, 2, 6]: 2·(3·2 + 4·6)/(4·8) − 5/4 = 1.875 − 1.25 = 0.625
    assert gini([2, 6], zeros=2) == pytest.approx(0.625)
    assert gini([2, 6], zeros=2) == pytest.approx(gini([0, 0, 2, 6]))
