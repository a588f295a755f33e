"""Result dataclasses and their JSON form (results.json, documented in README.md)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: 4: participation by child attendance and by service, and answers by child attendance.
RESULTS_FORMAT = 4

Interval = tuple[float, float]


@dataclass
class RateGroup:
    """Participation of one group of invitations (all figures None when suppressed)."""

    invited: int | None
    completed: int | None
    rate: float | None
    ci: Interval | None
    suppressed: bool


@dataclass
class Funnel:
    """Invitations passing each step, for the whole data set."""

    invited: int | None
    sent: int | None
    delivered: int | None
    opened: int | None
    started: int | None
    completed: int | None
    opted_out: int | None
    suppressed: bool


@dataclass
class Participation:
    """Response rates overall and by role, child attendance, age band, area and municipality."""

    overall: RateGroup
    funnel: Funnel
    by: dict[str, dict[str, RateGroup]]
    #: role → service → rate of invitations from meetings the service was at. Services
    #: overlap (a meeting has several), so they do not add up to the role.
    by_service: dict[str, dict[str, RateGroup]] = field(default_factory=dict)


@dataclass
class ItemGroup:
    """Answers to one choice item within one group (all figures None when suppressed)."""

    n: int | None
    no_answer: int | None
    counts: dict[str, int] | None
    positive_share: float | None
    ci: Interval | None
    #: The lower median, a value of the scale (never a half-point).
    median: int | None
    suppressed: bool
    #: Shown to enough people, all of whom chose "Vet inte" (no share to give).
    all_no_answer: bool = False


@dataclass
class ItemSummary:
    """Answers to one choice item: all respondents of its questionnaire, by area and by
    whether the child took part."""

    key: str
    text: str
    scale: str
    dimension: str
    parallel: str | None
    n: int | None
    no_answer: int | None
    counts: dict[str, int] | None
    positive_share: float | None
    ci: Interval | None
    median: int | None
    suppressed: bool
    all_no_answer: bool = False
    by_area: dict[str, ItemGroup] = field(default_factory=dict)
    #: By whether the child took part in the meeting (yes, partly, no, "*").
    by_child_attended: dict[str, ItemGroup] = field(default_factory=dict)

    def groups(self, breakdown: str) -> dict[str, ItemGroup]:
        """The groups of one breakdown: "area" or "child_attended"."""
        return {"area": self.by_area, "child_attended": self.by_child_attended}[breakdown]

    def overall(self) -> ItemGroup:
        """The all-respondents figures as an ItemGroup."""
        return ItemGroup(
            self.n,
            self.no_answer,
            self.counts,
            self.positive_share,
            self.ci,
            self.median,
            self.suppressed,
            self.all_no_answer,
        )


@dataclass
class DimensionIndex:
    """Per-respondent share of answers on the common ordinal's positive step ("Ja", "Ja, helt")
    in one Lundy dimension, averaged over respondents, with a Wilson interval."""

    dimension: str
    items: list[str]
    respondents: int | None
    mean: float | None
    ci: Interval | None
    alpha: float | None
    alpha_cases: int | None
    alpha_note: str | None
    suppressed: bool


@dataclass
class Comparison:
    """One test between roles (parallel item), or between areas or child attendance groups
    (one item); `kind` is "roles", "areas" or "child_attended"."""

    kind: str
    subject: str
    questionnaire: str | None
    items: dict[str, str]
    groups: list[str]
    excluded_groups: list[str]
    distributions: dict[str, dict[str, int]] | None
    n: int | None
    test: str | None
    statistic: float | None
    df: float | None
    p: float | None
    p_holm: float | None
    effect_name: str | None
    effect: float | None
    note: str | None
    testable: bool


@dataclass
class FreeTextSummary:
    """How many free-text answers went to free_text.csv (never into the report)."""

    count: int | None
    file: str
    suppressed: bool


@dataclass
class GeneratedFrom:
    """Size and time span of the input data set (provenance, not a published figure)."""

    responses: int
    answer_rows: int
    invitations: int
    campaigns: list[int]
    #: The k the data set was released with, and the classes still below it (whole roles).
    release_k: int
    residual_classes: list[list[str]]


@dataclass(frozen=True)
class Window:
    """The collection window a data set is of (window.json), printed on every report."""

    id: int
    name: str
    #: ISO 8601 date-times with their offset, as the service stored them.
    opens_at: str
    closes_at: str
    #: `final` (closed when the data set was made) or `preliminary` (still open).
    status: str

    @property
    def preliminary(self) -> bool:
        """The report was made while the window was open: its figures will change."""
        return self.status == "preliminary"


@dataclass
class RateChange:
    """A response rate of the previous window beside this window's (None when suppressed).

    `rate` and `ci` are the previous window's; `difference` is this window's rate minus the
    previous one, with Newcombe's interval; `p` is Fisher's exact test of the two proportions
    and `p_adjusted` Holm's adjustment over every test of the comparison.
    """

    invited: int | None
    completed: int | None
    rate: float | None
    ci: Interval | None
    difference: float | None
    difference_ci: Interval | None
    p: float | None
    p_adjusted: float | None
    suppressed: bool


@dataclass
class ItemChange:
    """An item's share of positive answers in the previous window beside this window's.

    Fields as in RateChange, with `n` the previous window's substantive answers.
    """

    n: int | None
    positive_share: float | None
    ci: Interval | None
    difference: float | None
    difference_ci: Interval | None
    p: float | None
    p_adjusted: float | None
    suppressed: bool


@dataclass
class PreviousParticipation:
    """Response rates of the previous window, overall and by the groups both windows show."""

    overall: RateChange
    by: dict[str, dict[str, RateChange]]


@dataclass
class PreviousWindow:
    """This window against an earlier one, under the same small-group rule."""

    window_id: int
    window: Window
    participation: PreviousParticipation
    #: questionnaire → item → change of the share of positive answers.
    items: dict[str, dict[str, ItemChange]]
    #: How many tests Holm's adjustment ran over.
    tests: int


@dataclass
class Results:
    """Everything the reports show; the reports read their numbers only from here."""

    min_group_size: int
    window: Window
    generated_from: GeneratedFrom
    empty: bool
    participation: Participation
    items: dict[str, dict[str, ItemSummary]]
    indexes: dict[str, dict[str, DimensionIndex]]
    comparisons: list[Comparison]
    free_text: FreeTextSummary
    #: The comparison with an earlier window, when one was given.
    previous: PreviousWindow | None = None
    format: int = RESULTS_FORMAT

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists)."""
        data = dataclasses.asdict(self)
        return {"format": data.pop("format"), **data}

    def to_json(self) -> str:
        """results.json text; NaN is refused so the file stays valid JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"

    def write(self, path: Path) -> None:
        """Write results.json."""
        path.write_text(self.to_json(), encoding="utf-8")
