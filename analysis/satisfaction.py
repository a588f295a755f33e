"""Answers per item (counts, positive share, median) and the Lundy dimension indexes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from analysis import suppression
from analysis.codebook import LUNDY_DIMENSIONS, Codebook, Item, Scale
from analysis.dataset import AREAS, NO_ANSWER, AnswerMatrix, Dataset
from analysis.results import DimensionIndex, ItemGroup, ItemSummary
from analysis.stats import cronbach_alpha, mean_interval, wilson_interval

# Alpha from a handful of complete cases is too unstable to print.
ALPHA_MIN_CASES = 10


def _group(values: npt.NDArray[np.int16], scale: Scale, hidden: bool) -> ItemGroup:
    answered = values[values > NO_ANSWER]
    if hidden:
        return ItemGroup(None, None, None, None, None, None, True)
    n = int(answered.size)
    counts = {str(code): int((answered == code).sum()) for code in scale.codes}
    positive = int(np.isin(answered, list(scale.positive)).sum())
    return ItemGroup(
        n=n,
        no_answer=int((values == NO_ANSWER).sum()),
        counts=counts,
        positive_share=positive / n if n else None,
        ci=wilson_interval(positive, n) if n else None,
        median=float(np.median(answered)) if n else None,
        suppressed=False,
    )


def summarise_item(
    item: Item,
    scale: Scale,
    values: npt.NDArray[np.int16],
    areas: npt.NDArray[np.str_],
    min_group_size: int,
) -> ItemSummary:
    """Summary of one choice item overall and by area, with suppression applied."""
    shown = values >= NO_ANSWER
    n_total = int((values > NO_ANSWER).sum())
    overall_hidden = n_total < min_group_size
    area_names = [a for a in AREAS if np.any(shown & (areas == a))]
    area_names += sorted(set(areas[shown].tolist()) - set(area_names))
    sizes = {a: int(((values > NO_ANSWER) & (areas == a)).sum()) for a in area_names}
    primary = {a for a, n in sizes.items() if n < min_group_size}
    hidden = suppression.breakdown(sizes, primary)
    if overall_hidden or suppression.needs_total_suppressed(sizes, primary):
        overall_hidden = True
        hidden = set(area_names)
    overall = _group(values[shown], scale, overall_hidden)
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
        by_area={a: _group(values[shown & (areas == a)], scale, a in hidden) for a in area_names},
    )


def respondent_areas(dataset: Dataset, matrix: AnswerMatrix) -> npt.NDArray[np.str_]:
    """Area of each respondent of an answer matrix."""
    all_areas = np.asarray(dataset.responses.area, dtype=str)
    if all_areas.size == 0:
        return np.empty(0, dtype=str)
    return all_areas[matrix.responses]


def compute_items(dataset: Dataset, min_group_size: int) -> dict[str, dict[str, ItemSummary]]:
    """Item summaries for every choice item of every questionnaire."""
    codebook = dataset.codebook
    result: dict[str, dict[str, ItemSummary]] = {}
    for qkey, matrix in dataset.answers.items():
        areas = respondent_areas(dataset, matrix)
        result[qkey] = {
            item.key: summarise_item(
                item, codebook.scale_of(item), matrix.values[:, j], areas, min_group_size
            )
            for j, item in enumerate(matrix.items)
        }
    return result


def positive_mask(
    matrix: AnswerMatrix, columns: list[int], codebook: Codebook
) -> npt.NDArray[np.bool_]:
    """Whether each answer is on the positive side of its own item's scale."""
    masks = [
        np.isin(matrix.values[:, j], list(codebook.scale_of(matrix.items[j]).positive))
        for j in columns
    ]
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
    positive = positive_mask(matrix, columns, codebook).sum(axis=1)
    rated = answered > 0
    respondents = int(rated.sum())
    if respondents < min_group_size or respondents == 0:
        return DimensionIndex(dimension, keys, None, None, None, None, None, None, True)
    # Each respondent's share of positive answers over the items they actually answered.
    shares = positive[rated] / answered[rated]
    mean, ci = mean_interval(shares)
    alpha, cases, note = _alpha(matrix, columns, codebook, min_group_size)
    return DimensionIndex(dimension, keys, respondents, mean, ci, alpha, cases, note, False)


def _alpha(
    matrix: AnswerMatrix, columns: list[int], codebook: Codebook, min_group_size: int
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
    """Lundy dimension indexes per role."""
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
