"""Turning a validated data set into Results."""

from __future__ import annotations

from analysis.comparisons import compute_comparisons
from analysis.dataset import Dataset
from analysis.participation import compute_participation
from analysis.results import FreeTextSummary, GeneratedFrom, Results
from analysis.satisfaction import compute_indexes, compute_items

FREE_TEXT_FILE = "free_text.csv"


def compute_results(dataset: Dataset, min_group_size: int = 5) -> Results:
    """All figures of the report, with suppression already applied."""
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    responses = dataset.responses
    dates = sorted(set(responses.submitted_on))
    generated_from = GeneratedFrom(
        responses=len(responses),
        answer_rows=dataset.answer_rows,
        invitations=len(dataset.invitations),
        campaigns=sorted({int(c) for c in responses.campaign_id}),
        first_submitted=dates[0] if dates else None,
        last_submitted=dates[-1] if dates else None,
    )
    items = compute_items(dataset, min_group_size)
    texts = len(dataset.free_text)
    return Results(
        min_group_size=min_group_size,
        generated_from=generated_from,
        # Nothing to report until there are both invitations and responses.
        empty=len(responses) == 0 or len(dataset.invitations) == 0,
        participation=compute_participation(dataset.invitations, min_group_size),
        items=items,
        indexes=compute_indexes(dataset, min_group_size),
        comparisons=compute_comparisons(dataset, items),
        free_text=FreeTextSummary(
            count=texts if texts >= min_group_size else None,
            file=FREE_TEXT_FILE,
            suppressed=texts < min_group_size,
        ),
    )
