"""Answers per item (counts, positive share, median) and the Lundy dimension indexes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from analysis.codebook import LUNDY_DIMENSIONS, Codebook, Item, Scale
from analysis.dataset import AREAS, NO_ANSWER, AnswerMatrix, Dataset
from analysis.results import DimensionIndex, ItemGroup, ItemSummary
from analysis.stats import cronbach_alpha, lower_median, wilson_interval, wilson_share_interval
from analysis.suppression import Table, suppress
from questionnaires import COMMON_CATEGORIES

# Alpha from a handful of complete cases is too unstable to print.
ALPHA_MIN_CASES = 10
TOTAL = ""
#: The common ordinal's top step ("Ja", "Ja, helt"), the same on every role's scale.
COMMON_TOP = COMMON_CATEGORIES[-1]


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


def summarise_item(
    item: Item,
    scale: Scale,
    values: npt.NDArray[np.int16],
    areas: npt.NDArray[np.str_],
    min_group_size: int,
    hidden_areas: frozenset[str] = frozenset(),
) -> ItemSummary:
    """Summary of one choice item overall and by area, under the one small-group rule.

    `hidden_areas` are hidden in the participation table: they stay hidden here too, so no
    table shows what another hides.
    """
    k = min_group_size
    shown = values >= NO_ANSWER
    area_names = [a for a in AREAS if np.any(shown & (areas == a))]
    area_names += sorted(set(areas[shown].tolist()) - set(area_names) - {"*"})
    if np.any(shown & (areas == "*")):
        area_names.append("*")
    n_total = int((values > NO_ANSWER).sum())
    people_total = int(shown.sum())
    figures: dict[str, tuple[int, ...]] = {TOTAL: (n_total, people_total)}
    for area in area_names:
        mine = shown & (areas == area)
        figures[area] = (int((values[mine] > NO_ANSWER).sum()), int(mine.sum()))
    primary = {cell for cell, (n, people) in figures.items() if _primary(n, people, k)}
    primary |= set(hidden_areas) & set(area_names)
    quantities = figures
    if n_total == 0:
        # Everyone chose "Vet inte": the counts that could be worked out are of people.
        quantities = {cell: (figure[1],) for cell, figure in figures.items()}
    hidden = suppress(Table(quantities, [(TOTAL, area_names)]), primary, k)
    overall = _group(values[shown], scale, TOTAL in hidden)
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
        by_area={a: _group(values[shown & (areas == a)], scale, a in hidden) for a in area_names},
    )


def respondent_areas(dataset: Dataset, matrix: AnswerMatrix) -> npt.NDArray[np.str_]:
    """Area of each respondent of an answer matrix."""
    all_areas = np.asarray(dataset.responses.area, dtype=str)
    if all_areas.size == 0:
        return np.empty(0, dtype=str)
    return all_areas[matrix.responses]


def compute_items(
    dataset: Dataset, min_group_size: int, hidden_areas: frozenset[str] = frozenset()
) -> dict[str, dict[str, ItemSummary]]:
    """Item summaries for every choice item of every questionnaire."""
    codebook = dataset.codebook
    result: dict[str, dict[str, ItemSummary]] = {}
    for qkey, matrix in dataset.answers.items():
        areas = respondent_areas(dataset, matrix)
        result[qkey] = {
            item.key: summarise_item(
                item,
                codebook.scale_of(item),
                matrix.values[:, j],
                areas,
                min_group_size,
                hidden_areas,
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
