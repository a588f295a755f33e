"""The one questionnaire model: scales, items, questionnaires and the set of them.

Plain frozen dataclasses with no Flask: the web service builds its forms from them, the
codebook export serialises them, and the analysis reads codebook.json back into them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: Draft value of the "don't know" option; stored as "no answer", never as a number.
NO_ANSWER = "na"


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    #: Name of the supporting face drawn beside the words (child forms only).
    face: str | None = None


@dataclass(frozen=True)
class Scale:
    key: str
    #: Listed from the most positive option to the least positive.
    options: tuple[Option, ...]
    #: Label of the extra "don't know" option, stored as no answer; None when there is none.
    no_answer: str | None
    positive: frozenset[int]
    #: value → "positive" / "partly" / "negative" (the common ordinal)
    common: Mapping[int, str]

    @property
    def values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    @property
    def codes(self) -> tuple[int, ...]:
        """Values in the order listed (most positive first)."""
        return tuple(option.value for option in self.options)

    @property
    def ascending(self) -> tuple[int, ...]:
        """Values from lowest to highest."""
        return tuple(sorted(self.codes))

    def label(self, value: int) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        raise KeyError(value)


@dataclass(frozen=True)
class SkipRule:
    """When the filter item has one of `values`, `items` are not asked."""

    values: frozenset[int]
    items: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    key: str
    type: str
    text: str
    dimension: str
    scale: Scale | None = None
    hint: str | None = None
    parallel: str | None = None
    required: bool = False
    max_length: int | None = None
    skip_when: SkipRule | None = None

    @property
    def is_choice(self) -> bool:
        """Whether answers are values on a scale (as opposed to free text)."""
        return self.type == "choice"

    @property
    def choice_scale(self) -> Scale:
        """The scale of a choice item (the loader guarantees one)."""
        if self.scale is None:
            raise TypeError(f"item {self.key} is not a choice item")
        return self.scale


@dataclass(frozen=True)
class Questionnaire:
    key: str
    version: int
    role: str
    title: str
    items: tuple[Item, ...]
    #: Item keys per page, in order.
    pages: tuple[tuple[str, ...], ...]
    #: The file it was read from (not part of its content).
    source: Path | None = field(default=None, compare=False)
    _by_key: dict[str, Item] = field(init=False, repr=False, compare=False)
    #: The items of each page, and the filter questions: worked out once, as every family
    #: request asks which pages and items are shown.
    _page_items: tuple[tuple[Item, ...], ...] = field(init=False, repr=False, compare=False)
    _filters: tuple[Item, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {item.key: item for item in self.items}
        object.__setattr__(self, "_by_key", by_key)
        pages = tuple(tuple(by_key[key] for key in page) for page in self.pages)
        object.__setattr__(self, "_page_items", pages)
        filters = tuple(item for item in self.items if item.skip_when is not None)
        object.__setattr__(self, "_filters", filters)

    def item(self, key: str) -> Item:
        return self._by_key[key]

    @property
    def choice_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.is_choice)

    @property
    def text_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.is_choice)

    def skipped_items(self, answers: Mapping[str, str | None]) -> frozenset[str]:
        """Items a filter question has ruled out, given the answers so far."""
        skipped: set[str] = set()
        for item in self._filters:
            rule = item.skip_when
            raw = answers.get(item.key)
            if rule is None or raw is None or not str(raw).isdigit():
                continue
            if int(raw) in rule.values:
                skipped.update(rule.items)
        return frozenset(skipped)

    def page_items(self, page: int, answers: Mapping[str, str | None]) -> tuple[Item, ...]:
        """The items shown on a page (1-based), leaving out those a filter skips."""
        return self._shown(page, self.skipped_items(answers))

    def _shown(self, page: int, skipped: frozenset[str]) -> tuple[Item, ...]:
        items = self._page_items[page - 1]
        if not skipped:
            return items
        return tuple(item for item in items if item.key not in skipped)

    def visible_pages(self, answers: Mapping[str, str | None]) -> list[int]:
        """Page numbers (1-based) that have at least one item to show."""
        skipped = self.skipped_items(answers)
        return [n for n in range(1, len(self.pages) + 1) if self._shown(n, skipped)]


@dataclass(frozen=True)
class QuestionnaireSet:
    """Every questionnaire of the follow-up and the scales they use."""

    questionnaires: Mapping[str, Questionnaire]
    scales: Mapping[str, Scale]

    def scale_of(self, item: Item) -> Scale:
        """The scale of a choice item."""
        return item.choice_scale

    def questionnaire_of_role(self, role: str) -> Questionnaire | None:
        """The questionnaire answered by a role, if any."""
        for questionnaire in self.questionnaires.values():
            if questionnaire.role == role:
                return questionnaire
        return None
