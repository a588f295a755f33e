"""Load and validate questionnaires/*.yaml; refuse a bad file with its name and the item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from analysis import contract
from survey_app.questionnaires.model import (
    Item,
    Option,
    Questionnaire,
    Scale,
    SkipRule,
)

# The codebook's vocabulary is the analysis contract's: one definition for both sides.
DIMENSIONS = frozenset(contract.DIMENSIONS)
PARALLEL_KEYS = frozenset(contract.PARALLEL_KEYS)
ROLES = frozenset(contract.ROLES)
COMMON_LEVELS = contract.COMMON_CATEGORIES

#: The file format versions this loader understands.
KNOWN_FORMATS = frozenset({1})
QUESTIONNAIRE_KEYS = frozenset({"format", "key", "version", "role", "title", "pages", "items"})
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
ITEM_TYPES = frozenset({"choice", "text"})
FACES = frozenset({"happy", "calm", "neutral"})
MAX_TEXT_LENGTH = 5000


class QuestionnaireError(ValueError):
    """A questionnaire or scale file is wrong; the message says where and what."""


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise QuestionnaireError(f"{path.name}: not valid YAML: {error}") from error
    except OSError as error:
        raise QuestionnaireError(f"{path.name}: cannot be read: {error.strerror}") from error
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{path.name}: expected a mapping at the top level")
    fmt = data.get("format")
    if fmt not in KNOWN_FORMATS:
        raise QuestionnaireError(
            f"{path.name}: unknown format version {fmt!r} "
            f"(this loader knows {sorted(KNOWN_FORMATS)})"
        )
    return data


def _unknown(where: str, mapping: dict[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(set(mapping) - allowed)
    if extra:
        raise QuestionnaireError(f"{where}: unknown key {extra[0]!r}")


def _int_list(where: str, name: str, raw: Any) -> list[int]:
    if not isinstance(raw, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw
    ):
        raise QuestionnaireError(f"{where}: {name} must be a list of whole numbers")
    return raw


def load_scales(path: Path) -> dict[str, Scale]:
    """Read the shared scales file."""
    data = _read_yaml(path)
    _unknown(path.name, data, frozenset({"format", "scales"}))
    raw_scales = data.get("scales")
    if not isinstance(raw_scales, dict) or not raw_scales:
        raise QuestionnaireError(f"{path.name}: 'scales' must be a non-empty mapping")
    return {key: _scale(path.name, key, raw) for key, raw in raw_scales.items()}


def _scale(file: str, key: str, raw: Any) -> Scale:
    where = f"{file}, scale {key}"
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: expected a mapping")
    _unknown(where, raw, SCALE_KEYS)
    options_raw = raw.get("options")
    if not isinstance(options_raw, list) or len(options_raw) < 2:
        raise QuestionnaireError(f"{where}: needs at least two options")
    options: list[Option] = []
    for entry in options_raw:
        if not isinstance(entry, dict):
            raise QuestionnaireError(f"{where}: each option needs a value and a label")
        _unknown(where, entry, OPTION_KEYS)
        value, label, face = entry.get("value"), entry.get("label"), entry.get("face")
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4:
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
    if not isinstance(common_raw, dict) or set(common_raw) != set(COMMON_LEVELS):
        raise QuestionnaireError(f"{where}: common needs exactly {', '.join(COMMON_LEVELS)}")
    common: dict[int, str] = {}
    for level in COMMON_LEVELS:
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


def load_questionnaire(path: Path, scales: dict[str, Scale]) -> Questionnaire:
    """Read and check one questionnaire file."""
    data = _read_yaml(path)
    name = path.name
    _unknown(name, data, QUESTIONNAIRE_KEYS)
    key = data.get("key")
    if key != path.stem:
        raise QuestionnaireError(f"{name}: key {key!r} must match the file name {path.stem!r}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise QuestionnaireError(f"{name}: unknown version {version!r} (a whole number from 1)")
    role = data.get("role")
    if role not in ROLES:
        raise QuestionnaireError(f"{name}: role {role!r} is not one of {sorted(ROLES)}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise QuestionnaireError(f"{name}: title is missing")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise QuestionnaireError(f"{name}: items must be a non-empty list")

    items: list[Item] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_items, start=1):
        item = _item(name, position, raw, scales)
        if item.key in seen:
            raise QuestionnaireError(f"{name}, item {item.key}: duplicate item")
        seen.add(item.key)
        items.append(item)
    order = [item.key for item in items]
    for item in items:
        if item.skip_when:
            for target in item.skip_when.items:
                if target not in seen:
                    raise QuestionnaireError(
                        f"{name}, item {item.key}: skips unknown item {target!r}"
                    )
                if order.index(target) <= order.index(item.key):
                    raise QuestionnaireError(
                        f"{name}, item {item.key}: can only skip items that come after it"
                    )
    pages = _pages(name, data.get("pages"), order)
    return Questionnaire(key, version, role, title, tuple(items), pages, path)


def _item(file: str, position: int, raw: Any, scales: dict[str, Scale]) -> Item:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{file}, item #{position}: expected a mapping")
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise QuestionnaireError(f"{file}, item #{position}: key is missing")
    where = f"{file}, item {key}"
    _unknown(where, raw, ITEM_KEYS)
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
        max_length = raw.get("max_length")
        if not isinstance(max_length, int) or not 1 <= max_length <= MAX_TEXT_LENGTH:
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


def load_directory(directory: Path) -> dict[str, Questionnaire]:
    """Load scales.yaml and every questionnaire beside it."""
    scales = load_scales(directory / "scales.yaml")
    questionnaires: dict[str, Questionnaire] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "scales.yaml":
            continue
        questionnaire = load_questionnaire(path, scales)
        questionnaires[questionnaire.key] = questionnaire
    if not questionnaires:
        raise QuestionnaireError(f"{directory}: no questionnaires found")
    return questionnaires
