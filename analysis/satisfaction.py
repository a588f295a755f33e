"""Answers per item (counts, positive share, median), by area and by whether the child took
part, and the Lundy dimension indexes."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from analysis.anonymity import CHILD_ATTENDED, GENERALISED
from analysis.codebook import LUNDY_DIMENSIONS, Codebook, Item, Scale
from analysis.dataset import AREAS, NO_ANSWER, AnswerMatrix, Dataset
from analysis.results import DimensionIndex, ItemGroup, ItemSummary
from analysis.stats import cronbach_alpha, lower_median, wilson_interval, wilson_share_interval
from analysis.suppression import Equation, Table, suppress
from questionnaires import COMMON_CATEGORIES

# Alpha from a handful of complete cases is too unstable to print.
ALPHA_MIN_CASES = 10
TOTAL = ""
#: The common ordinal's top step ("Ja", "Ja, helt"), the same on every role's scale.
COMMON_TOP = COMMON_CATEGORIES[-1]
#: The groups each item is broken down by (columns of Responses), with their report order.
ITEM_BREAKDOWNS: dict[str, tuple[str, ...]] = {"area": AREAS, "child_attended": CHILD_ATTENDED}


def _group(values: npt.NDArray[np.int16], scale: Scale, hidden: bool) -> ItemGroup:
    """Figures of the people shown an item (values ≥ 0: 0 is no answer)."""
    if hidden:
        return ItemGroup(None, None, None, None, None, None, True)
    answered = values[values > NO_ANSWER]
    n = int(answered.size)
    no_answer = int((values == NO_ANSWER).sum())
    counts = {str(code): int((answered == code).sum()) for code in scale.codes}
    if n == 0:
        return ItemGroup(0, no_answer, counts, None, None, None, False, all_no_answer=True)
    positive = int(np.isin(answered, list(scale.positive)).sum())
    return ItemGroup(
        n=n,
        no_answer=no_answer,
        counts=counts,
        positive_share=positive / n,
        ci=wilson_interval(positive, n),
        median=lower_median(answered),
        suppressed=False,
    )


def _primary(n: int, people: int, k: int) -> bool:
    """Too few people, or answers too few for a share (all "Vet inte" is not too few)."""
    return people < k or 0 < n < k


def _ranked(labels: npt.NDArray[np.str_], order: tuple[str, ...]) -> list[str]:
    """Group names present, in report order: known ones, then others, then "*" last."""
    present = set(labels.tolist())
    names = [name for name in order if name in present]
    names += sorted(present - set(names) - {GENERALISED})
    return names + ([GENERALISED] if GENERALISED in present else [])


def summarise_item(
    item: Item,
    scale: Scale,
    values: npt.NDArray[np.int16],
    groups: Mapping[str, npt.NDArray[np.str_]],
    min_group_size: int,
    hidden: Mapping[str, frozenset[str]] | None = None,
) -> ItemSummary:
    """Summary of one choice item overall and by each breakdown, under the one small-group rule.

    `groups` holds each respondent's group per breakdown (a key of ITEM_BREAKDOWNS). All
    breakdowns are one table, since each adds up to the same total: a total hidden by one
    hides the others. `hidden` are groups hidden in the participation table: they stay
    hidden here too, so no table shows what another hides.
    """
    k = min_group_size
    hidden = hidden or {}
    shown = values >= NO_ANSWER
    n_total = int((values > NO_ANSWER).sum())
    figures: dict[str, tuple[int, ...]] = {TOTAL: (n_total, int(shown.sum()))}
    names: dict[str, list[str]] = {}
    equations: list[Equation] = []
    primary: set[str] = set()
    for breakdown, labels in groups.items():
        names[breakdown] = _ranked(labels[shown], ITEM_BREAKDOWNS[breakdown])
        nodes = [f"{breakdown}:{name}" for name in names[breakdown]]
        for name, node in zip(names[breakdown], nodes, strict=True):
            mine = shown & (labels == name)
            figures[node] = (int((values[mine] > NO_ANSWER).sum()), int(mine.sum()))
            if name in hidden.get(breakdown, frozenset()):
                primary.add(node)
        equations.append((TOTAL, nodes))
    primary |= {cell for cell, (n, people) in figures.items() if _primary(n, people, k)}
    quantities = figures
    if n_total == 0:
        # Everyone chose "Vet inte": the counts that could be worked out are of people.
        quantities = {cell: (figure[1],) for cell, figure in figures.items()}
    hidden_nodes = suppress(Table(quantities, equations), primary, k)
    overall = _group(values[shown], scale, TOTAL in hidden_nodes)
    by = {
        breakdown: {
            name: _group(
                values[shown & (labels == name)], scale, f"{breakdown}:{name}" in hidden_nodes
            )
            for name in names[breakdown]
        }
        for breakdown, labels in groups.items()
    }
    return ItemSummary(
        key=item.key,
        text=item.text,
        scale=scale.key,
        dimension=item.dimension,
        parallel=item.parallel,
        n=overall.n,
        no_answer=overall.no_answer,
        counts=overall.counts,
        positive_share=overall.positive_share,
        ci=overall.ci,
        median=overall.median,
        suppressed=overall.suppressed,
        all_no_answer=overall.all_no_answer,
        by_area=by.get("area", {}),
        by_child_attended=by.get("child_attended", {}),
    )


def respondent_groups(
    dataset: Dataset, matrix: AnswerMatrix, breakdown: str
) -> npt.NDArray[np.str_]:
    """Each respondent's group in one breakdown (a column of Responses, e.g. "area")."""
    column: list[str] = getattr(dataset.responses, breakdown)
    if not column:
        return np.empty(0, dtype=str)
    return np.asarray(column, dtype=str)[matrix.responses]


def respondent_areas(dataset: Dataset, matrix: AnswerMatrix) -> npt.NDArray[np.str_]:
    """Area of each respondent of an answer matrix."""
    return respondent_groups(dataset, matrix, "area")


def compute_items(
    dataset: Dataset,
    min_group_size: int,
    hidden_areas: frozenset[str] = frozenset(),
    hidden_attendance: frozenset[str] = frozenset(),
) -> dict[str, dict[str, ItemSummary]]:
    """Item summaries for every choice item of every questionnaire."""
    codebook = dataset.codebook
    hidden = {"area": hidden_areas, "child_attended": hidden_attendance}
    result: dict[str, dict[str, ItemSummary]] = {}
    for qkey, matrix in dataset.answers.items():
        groups = {b: respondent_groups(dataset, matrix, b) for b in ITEM_BREAKDOWNS}
        result[qkey] = {
            item.key: summarise_item(
                item,
                codebook.scale_of(item),
                matrix.values[:, j],
                groups,
                min_group_size,
                hidden,
            )
            for j, item in enumerate(matrix.items)
        }
    return result


def top_mask(matrix: AnswerMatrix, columns: list[int]) -> npt.NDArray[np.bool_]:
    """Whether each answer is on the common ordinal's top step of its own item's scale."""
    masks = []
    for j in columns:
        scale = matrix.items[j].choice_scale
        top = [value for value, level in scale.common.items() if level == COMMON_TOP]
        masks.append(np.isin(matrix.values[:, j], top))
    return np.stack(masks, axis=1)


def dimension_index(
    matrix: AnswerMatrix, dimension: str, codebook: Codebook, min_group_size: int
) -> DimensionIndex | None:
    """Index of one Lundy dimension for the respondents of one questionnaire."""
    columns = [j for j, item in enumerate(matrix.items) if item.dimension == dimension]
    if not columns:
        return None
    keys = [matrix.items[j].key for j in columns]
    values = matrix.values[:, columns]
    answered = (values > NO_ANSWER).sum(axis=1)
    top = top_mask(matrix, columns).sum(axis=1)
    rated = answered > 0
    respondents = int(rated.sum())
    if respondents < min_group_size or respondents == 0:
        return DimensionIndex(dimension, keys, None, None, None, None, None, None, True)
    # Each respondent's share of top answers over the items they actually answered.
    mean = float((top[rated] / answered[rated]).mean())
    ci = wilson_share_interval(mean, respondents)
    alpha, cases, note = _alpha(matrix, columns, min_group_size)
    return DimensionIndex(dimension, keys, respondents, mean, ci, alpha, cases, note, False)


def _alpha(
    matrix: AnswerMatrix, columns: list[int], min_group_size: int
) -> tuple[float | None, int | None, str | None]:
    if len(columns) < 2:
        return None, None, "one item"
    scales = {matrix.items[j].choice_scale.key for j in columns}
    if len(scales) > 1:
        return None, None, "items on different scales"
    values = matrix.values[:, columns]
    complete = values[(values > NO_ANSWER).all(axis=1)]
    cases = int(complete.shape[0])
    if cases < max(ALPHA_MIN_CASES, min_group_size):
        return None, None, f"fewer than {max(ALPHA_MIN_CASES, min_group_size)} complete cases"
    alpha = cronbach_alpha(complete)
    if alpha is None:
        return None, cases, "no variation in the answers"
    return alpha, cases, None


def compute_indexes(dataset: Dataset, min_group_size: int) -> dict[str, dict[str, DimensionIndex]]:
    """Lundy dimension indexes per role, on the common ordinal (comparable across roles)."""
    result: dict[str, dict[str, DimensionIndex]] = {}
    for matrix in dataset.answers.values():
        role = matrix.questionnaire.role
        indexes = {}
        for dimension in LUNDY_DIMENSIONS:
            index = dimension_index(matrix, dimension, dataset.codebook, min_group_size)
            if index is not None:
                indexes[dimension] = index
        result[role] = indexes
    return result
