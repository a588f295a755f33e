"""Known-answer tests for every statistic, with expected values worked out by hand."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.stats import (
    NotTestable,
    chi_square_independence,
    cronbach_alpha,
    holm_adjust,
    kruskal_wallis,
    lower_median,
    mann_whitney,
    wilson_interval,
    wilson_share_interval,
)


def wilson_by_formula(k: float, n: int) -> tuple[float, float]:
    """The Wilson score interval from its closed formula."""
    z = NormalDist().inv_cdf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(3, 10), (0, 10), (10, 10), (45, 100), (1, 5)])
def test_wilson_interval_matches_the_closed_formula(k: int, n: int) -> None:
    assert wilson_interval(k, n) == pytest.approx(wilson_by_formula(k, n), abs=1e-12)


def test_wilson_interval_known_value() -> None:
    # 3 of 10: the textbook Wilson interval is 0.1078 to 0.6032.
    low, high = wilson_interval(3, 10)
    assert (round(low, 4), round(high, 4)) == (0.1078, 0.6032)


def test_wilson_interval_needs_observations() -> None:
    with pytest.raises(ValueError, match="positive"):
        wilson_interval(0, 0)


@pytest.mark.parametrize(("k", "n"), [(0, 5), (3, 10), (10, 10), (1, 7)])
def test_an_index_of_whole_shares_gets_the_proportion_s_interval(k: int, n: int) -> None:
    # When every respondent's share is 0 or 1 the index is a proportion, and so is its interval.
    assert wilson_share_interval(k / n, n) == pytest.approx(wilson_interval(k, n), abs=1e-12)


@given(st.floats(0.0, 1.0), st.integers(1, 500))
def test_an_index_interval_lies_in_zero_to_one_and_holds_its_mean(share: float, n: int) -> None:
    low, high = wilson_share_interval(share, n)
    assert 0.0 <= low <= high <= 1.0
    assert low - 1e-12 <= share <= high + 1e-12


def test_the_index_of_the_old_report_no_longer_runs_below_zero() -> None:
    # Five respondents, one with share 0.3 and four with 0: a t interval gave about −3 to 9 %.
    low, high = wilson_share_interval(0.06, 5)
    assert 0.0 < low < 0.06 < high < 0.5


@pytest.mark.parametrize(
    ("values", "median"), [([1, 2, 3, 4], 2), ([3, 3, 2, 1], 2), ([4], 4), ([1, 3, 3], 3)]
)
def test_the_median_of_ordinal_answers_is_one_of_the_answers(values, median) -> None:
    assert lower_median(values) == median


def test_cronbach_alpha_hand_example() -> None:
    # Items (1,2,3,4) and (1,3,2,4): each variance 5/3, total (2,5,5,8) variance 6.
    # alpha = 2/1 * (1 - (10/3)/6) = 8/9.
    assert cronbach_alpha(np.array([[1, 1], [2, 3], [3, 2], [4, 4]])) == pytest.approx(8 / 9)


def test_cronbach_alpha_three_items() -> None:
    # Items (2,3,3,4,5), (3,3,4,4,5), (1,2,3,3,4): variances 1.3, 0.7, 1.3;
    # totals (6,8,10,11,14) variance 9.2; alpha = 1.5 * (1 - 3.3/9.2).
    matrix = np.array([[2, 3, 1], [3, 3, 2], [3, 4, 3], [4, 4, 3], [5, 5, 4]])
    assert cronbach_alpha(matrix) == pytest.approx(1.5 * (1 - 3.3 / 9.2))


@pytest.mark.parametrize(
    "matrix",
    [np.array([[1, 2], [1, 2], [1, 2]]), np.array([[1], [2], [3]]), np.array([[1, 2]])],
    ids=["no variation", "one item", "one case"],
)
def test_cronbach_alpha_undefined(matrix: np.ndarray) -> None:
    assert cronbach_alpha(matrix) is None


def test_holm_adjustment_on_a_small_list() -> None:
    # Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> raised to 0.06.
    assert holm_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_adjustment_is_capped_at_one() -> None:
    assert holm_adjust([0.5, 0.6]) == [1.0, 1.0]
    assert holm_adjust([]) == []


def test_chi_square_by_hand_on_a_two_by_three_table() -> None:
    # Expected counts 15, 20, 25 in both rows:
    # chi2 = 25/15 + 0 + 25/25 + 25/15 + 0 + 25/25 = 16/3, df = 2, p = exp(-chi2/2).
    result = chi_square_independence(np.array([[10, 20, 30], [20, 20, 20]]))
    assert result.statistic == pytest.approx(16 / 3)
    assert result.df == 2
    assert result.p == pytest.approx(math.exp(-8 / 3))
    assert result.effect_name == "cramers_v"
    assert result.effect == pytest.approx(math.sqrt((16 / 3) / 120))
    assert result.note is None


def test_chi_square_drops_categories_nobody_chose_and_flags_small_expected_counts() -> None:
    result = chi_square_independence(np.array([[3, 0, 1], [1, 0, 3]]))
    # Left with [[3, 1], [1, 3]]: expected 2 everywhere, chi2 = 4 * 1/2 = 2, df 1.
    assert result.statistic == pytest.approx(2.0)
    assert result.df == 1
    assert result.note == "4 of 4 expected counts below 5"


def test_chi_square_needs_two_groups() -> None:
    with pytest.raises(NotTestable):
        chi_square_independence(np.array([[3, 4, 5]]))


def test_kruskal_wallis_hand_example_without_ties() -> None:
    # Ranks 1-3, 4-6, 7-9: H = 12/90 * (36 + 225 + 576)/3 - 30 = 7.2, df 2, p = exp(-3.6).
    result = kruskal_wallis([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert result.statistic == pytest.approx(7.2)
    assert result.df == 2
    assert result.p == pytest.approx(math.exp(-3.6))
    assert result.effect_name == "epsilon_squared"
    assert result.effect == pytest.approx(7.2 / 8)


def test_kruskal_wallis_hand_example_with_ties() -> None:
    # Rank sums 6.5 and 14.5 of N = 6: H0 = 12/42 * (6.5² + 14.5²)/3 - 21 = 64/21;
    # tie correction 1 - 3 * (2³ - 2)/(6³ - 6) = 32/35; H = (64/21) / (32/35) = 10/3.
    result = kruskal_wallis([[1, 1, 2], [2, 3, 3]])
    assert result.statistic == pytest.approx(10 / 3)
    assert result.effect == pytest.approx(10 / 3 / 5)


def test_kruskal_wallis_on_identical_answers_is_not_testable() -> None:
    with pytest.raises(NotTestable, match="same"):
        kruskal_wallis([[4, 4, 4], [4, 4]])


def test_kruskal_wallis_needs_two_groups_with_answers() -> None:
    with pytest.raises(NotTestable, match="two groups"):
        kruskal_wallis([[1, 2, 3], []])


def test_mann_whitney_hand_example() -> None:
    # Every x is below every y: U = 0, r = -1; exact two-sided p = 2 / C(7, 3) = 2/35.
    result = mann_whitney([1, 2, 3], [4, 5, 6, 7])
    assert result.statistic == 0
    assert result.effect_name == "rank_biserial_r"
    assert result.effect == -1
    assert result.p == pytest.approx(2 / 35)


def test_mann_whitney_counts_ties_as_halves() -> None:
    # U for x: 1 -> 0; 2, 2 -> 0.5 each (tie with 2); 3 -> 1 (over 2) + 0.5 (tie with 3).
    result = mann_whitney([1, 2, 2, 3], [2, 3, 4, 4])
    assert result.statistic == 2.5
    assert result.effect == pytest.approx(2 * 2.5 / 16 - 1)
