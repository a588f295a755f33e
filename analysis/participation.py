"""Response rates (with Wilson intervals) and the invitation funnel."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from analysis import suppression
from analysis.dataset import AGE_BANDS, AREAS, FUNNEL_STAGES, ROLES, Invitations
from analysis.results import Funnel, Participation, RateGroup
from analysis.stats import wilson_interval

BREAKDOWNS = ("role", "age_band", "area", "municipality")


def _rate(invited: int, completed: int, hidden: bool) -> RateGroup:
    if hidden:
        return RateGroup(None, None, None, None, True)
    return RateGroup(
        invited, completed, completed / invited, wilson_interval(completed, invited), False
    )


def _count(
    labels: Sequence[str], completed: npt.NDArray[np.int8], order: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(invited, completed) per label, in the given order, for labels that occur."""
    names, inverse = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    invited = np.bincount(inverse, minlength=len(names))
    done = np.bincount(inverse, weights=completed, minlength=len(names))
    found = {str(n): (int(i), int(d)) for n, i, d in zip(names, invited, done, strict=True)}
    ranked = [name for name in order if name in found]
    ranked += sorted(set(found) - set(ranked))
    return {name: found[name] for name in ranked}


def _primary(counts: dict[str, tuple[int, int]], min_group_size: int) -> set[str]:
    return {
        name
        for name, (invited, done) in counts.items()
        if invited < min_group_size or done < min_group_size
    }


def compute_participation(invitations: Invitations, min_group_size: int) -> Participation:
    """Participation overall and by role, age band, area and municipality, suppressed."""
    completed = invitations.stage("completed")
    invited_total = len(invitations)
    done_total = int(completed.sum())
    counts = {
        "role": _count(invitations.role, completed, ROLES),
        "age_band": _count(invitations.age_band, completed, AGE_BANDS),
        "area": _count(invitations.area, completed, AREAS),
    }
    area_of = dict(zip(invitations.municipality, invitations.area, strict=True))
    # The web service also passes live invitations here, unvalidated: unknown areas sort last.
    area_rank = {area: i for i, area in enumerate(AREAS)}
    municipality_order = sorted(area_of, key=lambda m: (area_rank.get(area_of[m], len(AREAS)), m))
    counts["municipality"] = _count(invitations.municipality, completed, municipality_order)
    sizes = {name: {g: c[0] for g, c in groups.items()} for name, groups in counts.items()}
    primary = {name: _primary(groups, min_group_size) for name, groups in counts.items()}

    hidden = {
        name: suppression.breakdown(sizes[name], primary[name]) for name in ("role", "age_band")
    }
    hidden["area"], hidden["municipality"] = suppression.nested(
        sizes["area"], primary["area"], sizes["municipality"], primary["municipality"], area_of
    )
    overall_hidden = (
        invited_total < min_group_size
        or done_total < min_group_size
        or any(suppression.needs_total_suppressed(sizes[n], hidden[n]) for n in hidden)
    )
    if overall_hidden:
        # Every group is at most as large as the total, so none can be shown either.
        hidden = {name: set(groups) for name, groups in counts.items()}
    by = {
        name: {
            group: _rate(inv, done, group in hidden[name]) for group, (inv, done) in groups.items()
        }
        for name, groups in counts.items()
    }
    if overall_hidden or invited_total == 0:
        funnel = Funnel(None, None, None, None, None, None, None, True)
    else:
        stage_totals = {stage: int(invitations.stage(stage).sum()) for stage in FUNNEL_STAGES}
        funnel = Funnel(invited=invited_total, suppressed=False, **stage_totals)
    return Participation(
        overall=_rate(invited_total, done_total, overall_hidden or invited_total == 0),
        funnel=funnel,
        by=by,
    )
