"""This window against an earlier one: response rates and shares of positive answers.

The earlier window is read from its results.json, the published figures with its small-group
rule already applied, so nothing it hid can come back: a figure is compared only when both
windows show it, and a difference is shown only where both figures are (a difference of two
published figures tells nothing new). The earlier file must have been made with at least the
same minimum group size, or it would show groups this report's rule hides.

Each change is tested with Fisher's exact test of the two proportions (the windows are
different families, so independent samples); the difference has Newcombe's hybrid score
interval (built from the two Wilson intervals, so it stays within [−1, 1]); Holm's
adjustment runs over every test of the comparison.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from scipy import stats as scipy_stats

from analysis.codebook import Codebook
from analysis.errors import DatasetError
from analysis.results import (
    Interval,
    ItemChange,
    PreviousParticipation,
    PreviousWindow,
    RateChange,
    RateGroup,
    Results,
    Window,
)
from analysis.stats import holm_adjust, wilson_interval

#: Breakdowns compared with the earlier window (municipalities change with each release).
BREAKDOWNS = ("role", "child_attended", "age_band", "language_group", "area")


def newcombe_interval(now: tuple[int, int], before: tuple[int, int]) -> tuple[float, Interval]:
    """Difference of two proportions (now − before) and Newcombe's 95 % interval (method 10)."""
    (x1, n1), (x0, n0) = now, before
    p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson_interval(x1, n1)
    l0, u0 = wilson_interval(x0, n0)
    d = p1 - p0
    low = d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return d, (max(-1.0, low), min(1.0, high))


def fisher_p(now: tuple[int, int], before: tuple[int, int]) -> float:
    """Two-sided Fisher's exact test of x1/n1 against x0/n0."""
    (x1, n1), (x0, n0) = now, before
    result = scipy_stats.fisher_exact([[x1, n1 - x1], [x0, n0 - x0]])
    return float(result.pvalue)


def _shown(k: int, *counts: int | None) -> bool:
    return all(c is not None and c >= k for c in counts)


def _rate_change(now: RateGroup, before: Mapping[str, Any] | None, k: int) -> RateChange:
    hidden = RateChange(None, None, None, None, None, None, None, None, True)
    if before is None or before.get("suppressed", True) or now.suppressed:
        return hidden
    invited, completed = before.get("invited"), before.get("completed")
    if invited is None or completed is None or now.invited is None or now.completed is None:
        return hidden
    if not _shown(k, invited, completed, now.invited, now.completed):
        return hidden
    difference, ci = newcombe_interval((now.completed, now.invited), (completed, invited))
    return RateChange(
        invited,
        completed,
        completed / invited,
        wilson_interval(completed, invited),
        difference,
        ci,
        fisher_p((now.completed, now.invited), (completed, invited)),
        None,
        False,
    )


def _positives(summary: Mapping[str, Any], positive: Collection[int]) -> int:
    counts: Mapping[str, int] = summary.get("counts") or {}
    return sum(int(counts.get(str(value), 0)) for value in positive)


def _item_change(
    now: Mapping[str, Any], before: Mapping[str, Any] | None, positive: Collection[int], k: int
) -> ItemChange:
    hidden = ItemChange(None, None, None, None, None, None, None, True)
    if before is None or before.get("suppressed", True) or now["suppressed"]:
        return hidden
    if before.get("all_no_answer") or now["all_no_answer"] or before.get("scale") != now["scale"]:
        return hidden
    n0, n1 = before.get("n"), now["n"]
    if n0 is None or n1 is None or not _shown(k, n0, n1):
        return hidden
    x0, x1 = _positives(before, positive), _positives(now, positive)
    difference, ci = newcombe_interval((x1, n1), (x0, n0))
    return ItemChange(
        n0,
        x0 / n0,
        wilson_interval(x0, n0),
        difference,
        ci,
        fisher_p((x1, n1), (x0, n0)),
        None,
        False,
    )


def _window(data: Mapping[str, Any]) -> Window:
    window = data.get("window")
    if not isinstance(window, dict):
        raise DatasetError("the earlier results.json names no window (made before format 3)")
    return Window(
        int(window["id"]),
        str(window["name"]),
        str(window["opens_at"]),
        str(window["closes_at"]),
        str(window["status"]),
    )


def compare_previous(
    results: Results, previous: Mapping[str, Any], codebook: Codebook
) -> PreviousWindow:
    """This window's results against an earlier window's results.json (already parsed)."""
    k = results.min_group_size
    window = _window(previous)
    if window.id == results.window.id:
        raise DatasetError(f"the earlier results.json is of this same window ({window.id})")
    earlier_k = previous.get("min_group_size")
    if not isinstance(earlier_k, int) or earlier_k < k:
        raise DatasetError(
            f"the earlier results.json was made with minimum group size {earlier_k}, below "
            f"this report's {k}: it may show groups this report must hide"
        )
    participation = previous.get("participation") or {}
    before_by: Mapping[str, Mapping[str, Any]] = participation.get("by") or {}
    overall = _rate_change(results.participation.overall, participation.get("overall"), k)
    by: dict[str, dict[str, RateChange]] = {}
    for breakdown in BREAKDOWNS:
        now_groups = results.participation.by.get(breakdown, {})
        before_groups = before_by.get(breakdown, {})
        by[breakdown] = {
            group: _rate_change(rate, before_groups.get(group), k)
            for group, rate in now_groups.items()
            if group in before_groups
        }
    before_items: Mapping[str, Mapping[str, Any]] = previous.get("items") or {}
    items: dict[str, dict[str, ItemChange]] = {}
    for qkey, summaries in results.items.items():
        before_q = before_items.get(qkey, {})
        items[qkey] = {}
        for key, summary in summaries.items():
            scale = codebook.scales[summary.scale]
            now = {
                "suppressed": summary.suppressed,
                "all_no_answer": summary.all_no_answer,
                "scale": summary.scale,
                "n": summary.n,
                "counts": summary.counts,
            }
            items[qkey][key] = _item_change(now, before_q.get(key), scale.positive, k)
    # Holm over every test of this comparison: rates and items together.
    changes: list[RateChange | ItemChange] = [overall]
    changes += [change for groups in by.values() for change in groups.values()]
    changes += [change for q in items.values() for change in q.values()]
    tested = [change for change in changes if change.p is not None]
    for change, adjusted in zip(
        tested, holm_adjust([c.p for c in tested if c.p is not None]), strict=True
    ):
        change.p_adjusted = adjusted
    return PreviousWindow(
        window_id=window.id,
        window=window,
        participation=PreviousParticipation(overall, by),
        items=items,
        tests=len(tested),
    )
