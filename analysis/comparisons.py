"""Tests between roles on the parallel items, and between areas and between child attendance
groups on each item (Holm-adjusted together)."""

from __future__ import annotations

import numpy as np

from analysis.anonymity import GENERALISED
from analysis.codebook import COMMON_CATEGORIES, Codebook
from analysis.dataset import NO_ANSWER, Dataset
from analysis.results import Comparison, ItemSummary
from analysis.satisfaction import respondent_groups
from analysis.stats import (
    NotTestable,
    TestResult,
    chi_square_independence,
    holm_adjust,
    kruskal_wallis,
    mann_whitney,
)


def _comparison(
    kind: str,
    subject: str,
    questionnaire: str | None,
    items: dict[str, str],
    groups: list[str],
    excluded: list[str],
    distributions: dict[str, dict[str, int]] | None,
    n: int,
    outcome: TestResult | str,
) -> Comparison:
    if isinstance(outcome, str):
        return Comparison(
            kind,
            subject,
            questionnaire,
            items,
            groups,
            excluded,
            distributions,
            n,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            outcome,
            False,
        )
    return Comparison(
        kind,
        subject,
        questionnaire,
        items,
        groups,
        excluded,
        distributions,
        n,
        outcome.test,
        outcome.statistic,
        outcome.df,
        outcome.p,
        None,
        outcome.effect_name,
        outcome.effect,
        outcome.note,
        True,
    )


def compare_roles(dataset: Dataset, items: dict[str, dict[str, ItemSummary]]) -> list[Comparison]:
    """Roles compared on each parallel item, on the common positive/partly/negative scale."""
    codebook: Codebook = dataset.codebook
    parallels: dict[str, dict[str, tuple[str, str]]] = {}
    for qkey, questionnaire in codebook.questionnaires.items():
        for item in questionnaire.choice_items:
            if item.parallel is not None:
                parallels.setdefault(item.parallel, {})[questionnaire.role] = (qkey, item.key)
    comparisons = []
    for subject, members in parallels.items():
        groups: list[str] = []
        excluded: list[str] = []
        distributions: dict[str, dict[str, int]] = {}
        for role, (qkey, key) in members.items():
            summary = items[qkey][key]
            if summary.suppressed or summary.counts is None:
                excluded.append(role)
                continue
            scale = codebook.scales[summary.scale]
            # Map each value to its common category; the numbers themselves are never mixed.
            counts = dict.fromkeys(COMMON_CATEGORIES, 0)
            for value, count in summary.counts.items():
                counts[scale.common[int(value)]] += count
            groups.append(role)
            distributions[role] = counts
        table = np.array(
            [[distributions[g][c] for c in COMMON_CATEGORIES] for g in groups], dtype=np.int64
        ).reshape(len(groups), len(COMMON_CATEGORIES))
        outcome: TestResult | str
        try:
            outcome = chi_square_independence(table)
        except NotTestable as exc:
            outcome = str(exc)
        comparisons.append(
            _comparison(
                "roles",
                subject,
                None,
                {role: key for role, (_, key) in members.items()},
                groups,
                excluded,
                distributions,
                int(table.sum()),
                outcome,
            )
        )
    return comparisons


def _compare_groups(
    dataset: Dataset,
    items: dict[str, dict[str, ItemSummary]],
    breakdown: str,
    kind: str,
    left_out: frozenset[str] = frozenset(),
) -> list[Comparison]:
    """The groups of one breakdown compared on each choice item: Kruskal–Wallis, or
    Mann–Whitney for two groups; only groups the item's table shows, with answers."""
    comparisons = []
    for qkey, matrix in dataset.answers.items():
        labels = respondent_groups(dataset, matrix, breakdown)
        for j, item in enumerate(matrix.items):
            summary = items[qkey][item.key]
            by_group = summary.groups(breakdown)
            candidates = [g for g in by_group if g not in left_out]
            groups = [g for g in candidates if not by_group[g].suppressed and by_group[g].n]
            excluded = [g for g in candidates if g not in groups]
            column = matrix.values[:, j]
            samples = [column[(labels == g) & (column > NO_ANSWER)] for g in groups]
            outcome: TestResult | str
            try:
                if len(samples) == 2:
                    outcome = mann_whitney(samples[0], samples[1])
                else:
                    outcome = kruskal_wallis(samples)
            except NotTestable as exc:
                outcome = str(exc)
            comparisons.append(
                _comparison(
                    kind,
                    item.key,
                    qkey,
                    {matrix.questionnaire.role: item.key},
                    groups,
                    excluded,
                    None,
                    int(sum(s.size for s in samples)),
                    outcome,
                )
            )
    return comparisons


def compare_areas(dataset: Dataset, items: dict[str, dict[str, ItemSummary]]) -> list[Comparison]:
    """Areas compared on each choice item: Kruskal–Wallis, or Mann–Whitney for two areas."""
    return _compare_groups(dataset, items, "area", "areas")


def compare_child_attended(
    dataset: Dataset, items: dict[str, dict[str, ItemSummary]]
) -> list[Comparison]:
    """Whether the child took part (yes, partly, no) compared on each choice item.

    The generalised group ("*") is left out: it mixes all three, so a difference from it
    would say nothing about attendance.
    """
    return _compare_groups(
        dataset, items, "child_attended", "child_attended", frozenset({GENERALISED})
    )


def compute_comparisons(
    dataset: Dataset, items: dict[str, dict[str, ItemSummary]]
) -> list[Comparison]:
    """All comparisons, with Holm-adjusted p-values across every test in the report."""
    comparisons = (
        compare_roles(dataset, items)
        + compare_areas(dataset, items)
        + compare_child_attended(dataset, items)
    )
    tested = [c for c in comparisons if c.p is not None]
    for comparison, adjusted in zip(
        tested, holm_adjust([c.p for c in tested if c.p is not None]), strict=True
    ):
        comparison.p_holm = adjusted
    return comparisons
