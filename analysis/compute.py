"""Turning a validated data set into Results."""

from __future__ import annotations

from analysis.comparisons import compute_comparisons
from analysis.dataset import Dataset
from analysis.participation import compute_participation
from analysis.results import FreeTextSummary, GeneratedFrom, Participation, Results
from analysis.satisfaction import compute_indexes, compute_items

FREE_TEXT_FILE = "free_text.csv"


def _hidden(participation: Participation, breakdown: str) -> frozenset[str]:
    groups = participation.by.get(breakdown, {})
    return frozenset(name for name, group in groups.items() if group.suppressed)


def compute_results(dataset: Dataset, min_group_size: int = 5) -> Results:
    """All figures of the report, with the small-group rule already applied."""
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    responses = dataset.responses
    release = dataset.codebook.release
    generated_from = GeneratedFrom(
        responses=len(responses),
        answer_rows=dataset.answer_rows,
        invitations=len(dataset.invitations),
        campaigns=sorted({int(c) for c in responses.campaign_id}),
        release_k=release.k,
        residual_classes=[list(cell) for cell in release.residual],
    )
    participation = compute_participation(
        dataset.invitations.classes,
        responses.class_counts(),
        dataset.funnel,
        min_group_size,
        dataset.services,
    )
    # A group hidden in the participation table stays hidden in every item's table.
    items = compute_items(
        dataset,
        min_group_size,
        _hidden(participation, "area"),
        _hidden(participation, "child_attended"),
    )
    texts = len(dataset.free_text)
    return Results(
        min_group_size=min_group_size,
        window=dataset.window,
        generated_from=generated_from,
        # Nothing to report until there are both invitations and responses.
        empty=len(responses) == 0 or len(dataset.invitations) == 0,
        participation=participation,
        items=items,
        indexes=compute_indexes(dataset, min_group_size),
        comparisons=compute_comparisons(dataset, items),
        free_text=FreeTextSummary(
            count=texts if texts >= min_group_size else None,
            file=FREE_TEXT_FILE,
            suppressed=texts < min_group_size,
        ),
    )
