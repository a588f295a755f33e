"""Statistics used in the report, each checked against known answers in the tests."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

CONFIDENCE = 0.95
# Cochran's rule: chi-square p-values are unreliable when expected counts are small.
MIN_EXPECTED = 5.0

ArrayLike = Sequence[float] | npt.NDArray[np.floating] | npt.NDArray[np.integer]


@dataclass(frozen=True)
class TestResult:
    """Outcome of one hypothesis test with its effect size."""

    test: str
    statistic: float
    df: float | None
    p: float
    effect_name: str
    effect: float
    note: str | None = None


class NotTestable(Exception):
    """The data do not allow the test (too few groups, no variation)."""


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for a proportion (no continuity correction)."""
    if n <= 0:
        raise ValueError("n must be positive")
    ci = sps.binomtest(int(successes), int(n)).proportion_ci(
        confidence_level=CONFIDENCE, method="wilson"
    )
    return float(ci.low), float(ci.high)


def wilson_share_interval(share: float, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for a mean of n shares in [0, 1] (an index), always in [0, 1].

    The same formula as for a proportion, with the mean share as p̂ and n respondents. For
    values in [0, 1] the variance of one value is at most p(1 − p), so the interval is as
    wide as a proportion's or wider (conservative); it equals wilson_interval when every
    share is 0 or 1.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0.0 <= share <= 1.0:
        raise ValueError("a share lies in [0, 1]")
    z = float(sps.norm.ppf(0.5 + CONFIDENCE / 2))
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def lower_median(values: ArrayLike) -> int:
    """The lower median of ordinal answers: always one of the values, never a half-point."""
    data = np.sort(np.asarray(values))
    if data.size == 0:
        raise ValueError("no values")
    return int(data[(data.size - 1) // 2])


def cronbach_alpha(matrix: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> float | None:
    """Cronbach's alpha of complete cases (rows) x items (columns); None if undefined."""
    data = np.asarray(matrix, dtype=float)
    if data.ndim != 2 or data.shape[1] < 2 or data.shape[0] < 2:
        return None
    k = data.shape[1]
    item_variances = data.var(axis=0, ddof=1)
    total_variance = float(data.sum(axis=1).var(ddof=1))
    if total_variance == 0.0:
        # Everyone gave the same total: reliability is not defined.
        return None
    return float(k / (k - 1) * (1.0 - item_variances.sum() / total_variance))


def holm_adjust(pvalues: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the order given."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        # Step-down: each adjusted p is at least the one before it, and at most 1.
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def chi_square_independence(table: npt.NDArray[np.integer]) -> TestResult:
    """Chi-square test of independence (no Yates correction) with Cramér's V."""
    observed = np.asarray(table, dtype=float)
    # Categories nobody chose carry no information and would make expected counts zero.
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        raise NotTestable("fewer than two groups or answer categories with answers")
    result = sps.chi2_contingency(observed, correction=False)
    n = float(observed.sum())
    statistic = float(result.statistic)
    v = math.sqrt(statistic / (n * (min(observed.shape) - 1)))
    expected = np.asarray(result.expected_freq)
    small = int((expected < MIN_EXPECTED).sum())
    note = None
    if small:
        note = f"{small} of {expected.size} expected counts below {MIN_EXPECTED:g}"
    return TestResult(
        "chi-square", statistic, float(result.dof), float(result.pvalue), "cramers_v", v, note
    )


def _clean_groups(groups: Sequence[ArrayLike]) -> list[npt.NDArray[np.float64]]:
    arrays = [np.asarray(g, dtype=float) for g in groups]
    arrays = [a for a in arrays if a.size > 0]
    if len(arrays) < 2:
        raise NotTestable("fewer than two groups with answers")
    values = np.concatenate(arrays)
    if np.all(values == values[0]):
        # Rank tests have zero variance here; scipy would warn and return nan.
        raise NotTestable("all answers are the same")
    return arrays


def kruskal_wallis(groups: Sequence[ArrayLike]) -> TestResult:
    """Kruskal–Wallis H (tie-corrected) with epsilon squared, H / (n - 1)."""
    arrays = _clean_groups(groups)
    result = sps.kruskal(*arrays)
    n = sum(a.size for a in arrays)
    h = float(result.statistic)
    return TestResult(
        "kruskal-wallis",
        h,
        float(len(arrays) - 1),
        float(result.pvalue),
        "epsilon_squared",
        h / (n - 1),
    )


def mann_whitney(first: ArrayLike, second: ArrayLike) -> TestResult:
    """Two-sided Mann–Whitney U with the rank-biserial r (positive: first tends higher)."""
    a, b = _clean_groups([first, second])
    if a.size != np.asarray(first).size or b.size != np.asarray(second).size:
        raise NotTestable("fewer than two groups with answers")
    result = sps.mannwhitneyu(a, b, alternative="two-sided")
    u = float(result.statistic)
    r = 2.0 * u / (a.size * b.size) - 1.0
    return TestResult("mann-whitney", u, None, float(result.pvalue), "rank_biserial_r", r)
