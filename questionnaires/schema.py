"""Build the model from plain mappings: one set of rules for the YAML files and codebook.json.

Both formats use the same keys, so a questionnaire is checked the same way whether the service
reads it from questionnaires/*.yaml or the analysis reads it from an exported codebook.json.
Every error names where it is (file, scale or item) and what is wrong, on one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from .model import Item, Option, Questionnaire, QuestionnaireSet, Scale, SkipRule
from .vocabulary import COMMON_CATEGORIES, DIMENSIONS, FACES, ITEM_TYPES, PARALLEL_KEYS, ROLES

QUESTIONNAIRE_KEYS = frozenset({"version", "role", "title", "pages", "items"})
ITEM_KEYS = frozenset(
    {
        "key",
        "type",
        "text",
        "hint",
        "scale",
        "dimension",
        "parallel",
        "required",
        "max_length",
        "skip_when",
    }
)
SCALE_KEYS = frozenset({"options", "no_answer", "positive", "common"})
OPTION_KEYS = frozenset({"value", "label", "face"})
MAX_TEXT_LENGTH = 5000


class QuestionnaireError(ValueError):
    """A questionnaire, scale or codebook is wrong; the message says where and what."""


def unknown_keys(where: str, mapping: Mapping[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(set(mapping) - allowed)
    if extra:
        raise QuestionnaireError(f"{where}: unknown key {extra[0]!r}")


def _whole(value: Any) -> TypeGuard[int]:
    # bool is a subclass of int in Python; true must not pass as a number.
    return isinstance(value, int) and not isinstance(value, bool)


def _int_list(where: str, name: str, raw: Any) -> list[int]:
    if not isinstance(raw, list) or not all(_whole(v) for v in raw):
        raise QuestionnaireError(f"{where}: {name} must be a list of whole numbers")
    return raw


def parse_scale(prefix: str, key: str, raw: Any) -> Scale:
    """One scale; `prefix` names the file (e.g. "scales.yaml")."""
    where = f"{prefix}, scale {key}"
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: expected a mapping")
    unknown_keys(where, raw, SCALE_KEYS)
    options_raw = raw.get("options")
    if not isinstance(options_raw, list) or len(options_raw) < 2:
        raise QuestionnaireError(f"{where}: needs at least two options")
    options: list[Option] = []
    for entry in options_raw:
        if not isinstance(entry, dict):
            raise QuestionnaireError(f"{where}: each option needs a value and a label")
        unknown_keys(where, entry, OPTION_KEYS)
        value, label, face = entry.get("value"), entry.get("label"), entry.get("face")
        if not _whole(value) or not 1 <= value <= 4:
            raise QuestionnaireError(f"{where}: option value {value!r} must be a whole number 1–4")
        if not isinstance(label, str) or not label.strip():
            raise QuestionnaireError(f"{where}: option {value} has no label")
        if face is not None and face not in FACES:
            raise QuestionnaireError(f"{where}: unknown face {face!r}")
        options.append(Option(value, label, face))
    values = [option.value for option in options]
    if len(set(values)) != len(values):
        raise QuestionnaireError(f"{where}: duplicate option value")
    positive = set(_int_list(where, "positive", raw.get("positive")))
    if not positive or not positive <= set(values):
        raise QuestionnaireError(f"{where}: positive values must be some of {sorted(values)}")
    common_raw = raw.get("common")
    if not isinstance(common_raw, dict) or set(common_raw) != set(COMMON_CATEGORIES):
        raise QuestionnaireError(f"{where}: common needs exactly {', '.join(COMMON_CATEGORIES)}")
    common: dict[int, str] = {}
    for level in COMMON_CATEGORIES:
        for value in _int_list(where, f"common.{level}", common_raw[level]):
            if value in common or value not in values:
                raise QuestionnaireError(f"{where}: common maps value {value} wrongly")
            common[value] = level
    if set(common) != set(values):
        raise QuestionnaireError(f"{where}: common must map every value exactly once")
    no_answer = raw.get("no_answer")
    if no_answer is not None and (not isinstance(no_answer, str) or not no_answer.strip()):
        raise QuestionnaireError(f"{where}: no_answer must be a label")
    return Scale(key, tuple(options), no_answer, frozenset(positive), common)


def parse_scales(prefix: str, raw: Any) -> dict[str, Scale]:
    if not isinstance(raw, dict) or not raw:
        raise QuestionnaireError(f"{prefix}: 'scales' must be a non-empty mapping")
    return {key: parse_scale(prefix, key, entry) for key, entry in raw.items()}


def parse_questionnaire(
    where: str, key: str, raw: Mapping[str, Any], scales: Mapping[str, Scale]
) -> Questionnaire:
    """One questionnaire (without the YAML file's `format` and `key`); `where` names it."""
    unknown_keys(where, raw, QUESTIONNAIRE_KEYS)
    version = raw.get("version")
    if not _whole(version) or version < 1:
        raise QuestionnaireError(f"{where}: unknown version {version!r} (a whole number from 1)")
    role = raw.get("role")
    if role not in ROLES:
        raise QuestionnaireError(f"{where}: role {role!r} is not one of {sorted(ROLES)}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise QuestionnaireError(f"{where}: title is missing")
    raw_items = raw.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise QuestionnaireError(f"{where}: items must be a non-empty list")
    items: list[Item] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw_items, start=1):
        item = _item(where, position, entry, scales)
        if item.key in seen:
            raise QuestionnaireError(f"{where}, item {item.key}: duplicate item")
        seen.add(item.key)
        items.append(item)
    order = [item.key for item in items]
    for item in items:
        if item.skip_when:
            for target in item.skip_when.items:
                if target not in seen:
                    raise QuestionnaireError(
                        f"{where}, item {item.key}: skips unknown item {target!r}"
                    )
                if order.index(target) <= order.index(item.key):
                    raise QuestionnaireError(
                        f"{where}, item {item.key}: can only skip items that come after it"
                    )
    pages = _pages(where, raw.get("pages"), order)
    return Questionnaire(key, version, role, title, tuple(items), pages)


def _item(file: str, position: int, raw: Any, scales: Mapping[str, Scale]) -> Item:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{file}, item #{position}: expected a mapping")
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise QuestionnaireError(f"{file}, item #{position}: key is missing")
    where = f"{file}, item {key}"
    unknown_keys(where, raw, ITEM_KEYS)
    kind = raw.get("type", "choice")
    if kind not in ITEM_TYPES:
        raise QuestionnaireError(f"{where}: unknown type {kind!r}")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise QuestionnaireError(f"{where}: text is missing")
    dimension = raw.get("dimension")
    if dimension not in DIMENSIONS:
        raise QuestionnaireError(f"{where}: unknown dimension {dimension!r}")
    parallel = raw.get("parallel")
    if parallel is not None and parallel not in PARALLEL_KEYS:
        raise QuestionnaireError(f"{where}: unknown parallel key {parallel!r}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise QuestionnaireError(f"{where}: required must be true or false")

    scale: Scale | None = None
    max_length: int | None = None
    if kind == "choice":
        scale_key = raw.get("scale")
        if scale_key is None:
            raise QuestionnaireError(f"{where}: scale missing")
        if scale_key not in scales:
            raise QuestionnaireError(f"{where}: unknown scale {scale_key!r}")
        scale = scales[scale_key]
        if "max_length" in raw:
            raise QuestionnaireError(f"{where}: max_length is only for text items")
    else:
        if "scale" in raw:
            raise QuestionnaireError(f"{where}: a text item has no scale")
        if parallel is not None:
            raise QuestionnaireError(f"{where}: a text item cannot be parallel")
        max_length = raw.get("max_length")
        if not _whole(max_length) or not 1 <= max_length <= MAX_TEXT_LENGTH:
            raise QuestionnaireError(f"{where}: max_length must be 1–{MAX_TEXT_LENGTH}")

    skip_when: SkipRule | None = None
    if "skip_when" in raw:
        rule = raw["skip_when"]
        if scale is None or not isinstance(rule, dict) or set(rule) != {"values", "items"}:
            raise QuestionnaireError(f"{where}: skip_when needs values and items on a choice item")
        values = set(_int_list(where, "skip_when.values", rule["values"]))
        if not values <= scale.values:
            raise QuestionnaireError(f"{where}: skip_when values are not on scale {scale.key}")
        targets = rule["items"]
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise QuestionnaireError(f"{where}: skip_when items must be item keys")
        skip_when = SkipRule(frozenset(values), tuple(targets))

    hint = raw.get("hint")
    if hint is not None and not isinstance(hint, str):
        raise QuestionnaireError(f"{where}: hint must be text")
    return Item(key, kind, text, dimension, scale, hint, parallel, required, max_length, skip_when)


def _pages(file: str, raw: Any, order: list[str]) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return tuple((key,) for key in order)  # one question per screen
    if not isinstance(raw, list) or not all(isinstance(page, list) and page for page in raw):
        raise QuestionnaireError(f"{file}: pages must be a list of non-empty lists of item keys")
    placed = [key for page in raw for key in page]
    for key in placed:
        if key not in order:
            raise QuestionnaireError(f"{file}, item {key}: on a page but not defined")
    for key in order:
        if placed.count(key) != 1:
            raise QuestionnaireError(f"{file}, item {key}: must be on exactly one page")
    if placed != order:
        raise QuestionnaireError(f"{file}: pages must keep the items in their defined order")
    return tuple(tuple(page) for page in raw)


def questionnaire_set(
    where: str, questionnaires: Mapping[str, Questionnaire], scales: Mapping[str, Scale]
) -> QuestionnaireSet:
    """The set, checked as a whole: one questionnaire per role, item keys unique overall."""
    if not questionnaires:
        raise QuestionnaireError(f"{where}: no questionnaires found")
    roles: dict[str, str] = {}
    items: dict[str, str] = {}
    for key, questionnaire in questionnaires.items():
        # Reports treat role and questionnaire as the same grouping.
        if questionnaire.role in roles:
            raise QuestionnaireError(
                f"{where}: role {questionnaire.role} is answered by both "
                f"{roles[questionnaire.role]} and {key}"
            )
        roles[questionnaire.role] = key
        for item in questionnaire.items:
            # Wide exports (SPSS) use the item key as the variable name.
            if item.key in items:
                raise QuestionnaireError(
                    f"{where}: item key {item.key} is used in both {items[item.key]} and {key}"
                )
            items[item.key] = key
    return QuestionnaireSet(dict(questionnaires), dict(scales))
