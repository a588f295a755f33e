"""The model as plain JSON data (the codebook's questionnaires and scales) and back.

The entries use the same keys as the YAML files and are read back by the same rules
(schema.py), so `parse_entries(entries(s)) == s` for every questionnaire set.
"""

from __future__ import annotations

from typing import Any

from .model import Item, Questionnaire, QuestionnaireSet, Scale
from .schema import QuestionnaireError, parse_questionnaire, parse_scales, questionnaire_set
from .vocabulary import COMMON_CATEGORIES


def scale_entry(scale: Scale) -> dict[str, Any]:
    options = []
    for option in scale.options:
        entry: dict[str, Any] = {"value": option.value, "label": option.label}
        if option.face is not None:
            entry["face"] = option.face
        options.append(entry)
    result: dict[str, Any] = {"options": options}
    if scale.no_answer is not None:
        result["no_answer"] = scale.no_answer
    result["positive"] = [v for v in scale.codes if v in scale.positive]
    result["common"] = {
        level: [v for v in scale.codes if scale.common[v] == level]
        for level in reversed(COMMON_CATEGORIES)
    }
    return result


def item_entry(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": item.key, "type": item.type, "text": item.text}
    if item.hint is not None:
        entry["hint"] = item.hint
    if item.scale is not None:
        entry["scale"] = item.scale.key
    entry["dimension"] = item.dimension
    if item.parallel is not None:
        entry["parallel"] = item.parallel
    entry["required"] = item.required
    if item.max_length is not None:
        entry["max_length"] = item.max_length
    if item.skip_when is not None:
        entry["skip_when"] = {
            "values": sorted(item.skip_when.values),
            "items": list(item.skip_when.items),
        }
    return entry


def questionnaire_entry(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "version": questionnaire.version,
        "role": questionnaire.role,
        "title": questionnaire.title,
        "pages": [list(page) for page in questionnaire.pages],
        "items": [item_entry(item) for item in questionnaire.items],
    }


def entries(questionnaires: QuestionnaireSet) -> dict[str, Any]:
    """{"questionnaires": {...}, "scales": {...}}, keys sorted, ready for json.dumps."""
    return {
        "questionnaires": {
            key: questionnaire_entry(questionnaires.questionnaires[key])
            for key in sorted(questionnaires.questionnaires)
        },
        "scales": {
            key: scale_entry(questionnaires.scales[key]) for key in sorted(questionnaires.scales)
        },
    }


def parse_entries(raw: Any, file: str = "codebook.json") -> QuestionnaireSet:
    """Read the questionnaires and scales of a decoded codebook (QuestionnaireError if wrong)."""
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{file}: expected an object at the top level")
    scales = parse_scales(file, raw.get("scales"))
    questionnaires_raw = raw.get("questionnaires")
    if not isinstance(questionnaires_raw, dict):
        raise QuestionnaireError(f"{file}: 'questionnaires' must be an object")
    questionnaires: dict[str, Questionnaire] = {}
    for key, body in questionnaires_raw.items():
        where = f"{file}, questionnaire {key}"
        if not isinstance(body, dict):
            raise QuestionnaireError(f"{where}: expected an object")
        questionnaires[key] = parse_questionnaire(where, key, body, scales)
    return questionnaire_set(file, questionnaires, scales)
