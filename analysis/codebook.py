"""The codebook: questionnaires, items and answer scales (codebook.json)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.contract import (
    CODEBOOK_FORMAT,
    COMMON_CATEGORIES,
    DIMENSIONS,
    ITEM_TYPES,
    LUNDY_DIMENSIONS,
    ROLES,
)
from analysis.errors import DatasetError

__all__ = [
    "CODEBOOK_FORMAT",
    "COMMON_CATEGORIES",
    "DIMENSIONS",
    "ITEM_TYPES",
    "LUNDY_DIMENSIONS",
    "ROLES",
]


@dataclass(frozen=True)
class ScaleValue:
    """One answer option of a scale."""

    value: int
    label: str


@dataclass(frozen=True)
class Scale:
    """An answer scale, with its positive values and its mapping to the common scale."""

    key: str
    values: tuple[ScaleValue, ...]
    no_answer_label: str | None
    positive: frozenset[int]
    common: Mapping[int, str] | None

    @property
    def codes(self) -> tuple[int, ...]:
        """Values in codebook order (the codebook lists the most positive first)."""
        return tuple(v.value for v in self.values)

    @property
    def ascending(self) -> tuple[int, ...]:
        """Values from lowest to highest."""
        return tuple(sorted(self.codes))

    def label(self, value: int) -> str:
        """Label of one value."""
        for option in self.values:
            if option.value == value:
                return option.label
        raise KeyError(value)


@dataclass(frozen=True)
class Item:
    """One question of a questionnaire."""

    key: str
    type: str
    text: str
    scale: str | None
    dimension: str
    parallel: str | None
    max_length: int | None = None

    @property
    def is_choice(self) -> bool:
        """Whether answers are values on a scale (as opposed to free text)."""
        return self.type == "choice"


@dataclass(frozen=True)
class Questionnaire:
    """One questionnaire (one per respondent role)."""

    key: str
    version: int
    role: str
    title: str
    items: tuple[Item, ...]

    def item(self, key: str) -> Item:
        """The item with this key."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def choice_items(self) -> tuple[Item, ...]:
        """Items answered on a scale."""
        return tuple(i for i in self.items if i.is_choice)

    @property
    def text_items(self) -> tuple[Item, ...]:
        """Free-text items."""
        return tuple(i for i in self.items if not i.is_choice)


@dataclass(frozen=True)
class Codebook:
    """All questionnaires and scales of a data set."""

    questionnaires: Mapping[str, Questionnaire]
    scales: Mapping[str, Scale]
    raw: Mapping[str, Any]

    def scale_of(self, item: Item) -> Scale:
        """The scale of a choice item."""
        if item.scale is None:
            raise KeyError(f"{item.key} has no scale")
        return self.scales[item.scale]

    def questionnaire_of_role(self, role: str) -> Questionnaire | None:
        """The questionnaire answered by a role, if any."""
        for questionnaire in self.questionnaires.values():
            if questionnaire.role == role:
                return questionnaire
        return None


def _fail(where: str, message: str) -> DatasetError:
    return DatasetError(f"codebook.json, {where}: {message}")


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    # bool is a subclass of int in Python; a JSON true must not pass as a number.
    if isinstance(value, bool) and kind is not bool:
        raise _fail(where, f"expected {_kind_name(kind)}, got {json.dumps(value)}")
    if not isinstance(value, kind):
        raise _fail(where, f"expected {_kind_name(kind)}, got {json.dumps(value)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", list: "a list", dict: "an object"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _parse_scale(key: str, raw: Any) -> Scale:
    where = f"scales.{key}"
    _expect(raw, dict, where)
    values_raw = _expect(raw.get("values"), list, f"{where}.values")
    if not values_raw:
        raise _fail(f"{where}.values", "a scale needs at least one value")
    values: list[ScaleValue] = []
    for i, option in enumerate(values_raw):
        _expect(option, dict, f"{where}.values[{i}]")
        value = _expect(option.get("value"), int, f"{where}.values[{i}].value")
        label = _expect(option.get("label"), str, f"{where}.values[{i}].label")
        values.append(ScaleValue(value, label))
    codes = {v.value for v in values}
    if len(codes) != len(values):
        raise _fail(f"{where}.values", "values are not unique")
    no_answer = raw.get("no_answer_label")
    if no_answer is not None:
        _expect(no_answer, str, f"{where}.no_answer_label")
    positive_raw = _expect(raw.get("positive"), list, f"{where}.positive")
    for i, value in enumerate(positive_raw):
        _expect(value, int, f"{where}.positive[{i}]")
        if value not in codes:
            raise _fail(f"{where}.positive", f"{value} is not a value of the scale")
    common: dict[int, str] | None = None
    common_raw = raw.get("common")
    if isinstance(common_raw, dict) and not any(common_raw.values()):
        # A scale that is never compared across roles may list empty categories.
        common_raw = None
    if common_raw is not None:
        _expect(common_raw, dict, f"{where}.common")
        common = {}
        for category, members in common_raw.items():
            if category not in COMMON_CATEGORIES:
                raise _fail(
                    f"{where}.common",
                    f"unknown category {category!r} (expected positive, partly, negative)",
                )
            _expect(members, list, f"{where}.common.{category}")
            for value in members:
                _expect(value, int, f"{where}.common.{category}")
                if value not in codes:
                    raise _fail(f"{where}.common", f"{value} is not a value of the scale")
                if value in common:
                    raise _fail(f"{where}.common", f"{value} is in more than one category")
                common[value] = category
        if set(common) != codes:
            missing = sorted(codes - set(common))
            raise _fail(f"{where}.common", f"values {missing} are not mapped")
    return Scale(
        key=key,
        values=tuple(values),
        no_answer_label=no_answer,
        positive=frozenset(positive_raw),
        common=common,
    )


def _parse_item(raw: Any, where: str, scales: Mapping[str, Scale]) -> Item:
    _expect(raw, dict, where)
    key = _expect(raw.get("key"), str, f"{where}.key")
    item_type = _expect(raw.get("type"), str, f"{where}.type")
    if item_type not in ITEM_TYPES:
        raise _fail(f"{where}.type", f"unknown item type {item_type!r}")
    text = _expect(raw.get("text"), str, f"{where}.text")
    dimension = _expect(raw.get("dimension"), str, f"{where}.dimension")
    if dimension not in DIMENSIONS:
        raise _fail(f"{where}.dimension", f"unknown dimension {dimension!r}")
    scale = raw.get("scale")
    parallel = raw.get("parallel")
    if parallel is not None:
        _expect(parallel, str, f"{where}.parallel")
    if item_type == "choice":
        _expect(scale, str, f"{where}.scale")
        if scale not in scales:
            raise _fail(f"{where}.scale", f"unknown scale {scale!r}")
        if parallel is not None and scales[scale].common is None:
            raise _fail(
                f"{where}.parallel",
                f"parallel item {key} needs a scale with a common mapping ({scale} has none)",
            )
    elif scale is not None:
        raise _fail(f"{where}.scale", "a text item has no scale")
    max_length = raw.get("max_length")
    if max_length is not None:
        _expect(max_length, int, f"{where}.max_length")
    return Item(key, item_type, text, scale, dimension, parallel, max_length)


def parse_codebook(raw: Any) -> Codebook:
    """Validate a decoded codebook.json and build the codebook."""
    _expect(raw, dict, "top level")
    if raw.get("format") != CODEBOOK_FORMAT:
        got = json.dumps(raw.get("format"))
        raise _fail("format", f"expected format {CODEBOOK_FORMAT}, got {got}")
    scales_raw = _expect(raw.get("scales"), dict, "scales")
    scales = {key: _parse_scale(key, value) for key, value in scales_raw.items()}
    questionnaires_raw = _expect(raw.get("questionnaires"), dict, "questionnaires")
    questionnaires: dict[str, Questionnaire] = {}
    seen_items: dict[str, str] = {}
    seen_roles: dict[str, str] = {}
    for qkey, qraw in questionnaires_raw.items():
        where = f"questionnaires.{qkey}"
        _expect(qraw, dict, where)
        version = _expect(qraw.get("version"), int, f"{where}.version")
        role = _expect(qraw.get("role"), str, f"{where}.role")
        if role not in ROLES:
            raise _fail(f"{where}.role", f"unknown role {role!r} (expected {', '.join(ROLES)})")
        if role in seen_roles:
            # Reports treat role and questionnaire as the same grouping.
            raise _fail(f"{where}.role", f"role {role} is also used by {seen_roles[role]}")
        seen_roles[role] = qkey
        title = _expect(qraw.get("title", ""), str, f"{where}.title")
        items_raw = _expect(qraw.get("items"), list, f"{where}.items")
        items = []
        for i, item_raw in enumerate(items_raw):
            item = _parse_item(item_raw, f"{where}.items[{i}]", scales)
            # Wide exports (SPSS) use the item key as the variable name.
            if item.key in seen_items:
                raise _fail(
                    f"{where}.items[{i}].key",
                    f"item key {item.key} is also used in {seen_items[item.key]}",
                )
            seen_items[item.key] = qkey
            items.append(item)
        questionnaires[qkey] = Questionnaire(qkey, version, role, title, tuple(items))
    return Codebook(questionnaires=questionnaires, scales=scales, raw=raw)


def load_codebook(path: Path) -> Codebook:
    """Read and validate codebook.json."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(f"codebook.json: file not found in {path.parent}") from None
    except UnicodeDecodeError:
        raise DatasetError("codebook.json: not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"codebook.json, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    return parse_codebook(raw)
