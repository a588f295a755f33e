"""Read questionnaires/*.yaml into the model; refuse a bad file with its name and the item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .model import Questionnaire, QuestionnaireSet, Scale
from .schema import (
    QuestionnaireError,
    parse_questionnaire,
    parse_scales,
    questionnaire_set,
    unknown_keys,
)

#: The YAML file format versions this loader understands.
KNOWN_FORMATS = frozenset({1})
SCALES_FILE = "scales.yaml"


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


def load_scales(path: Path) -> dict[str, Scale]:
    """Read the shared scales file."""
    data = _read_yaml(path)
    unknown_keys(path.name, data, frozenset({"format", "scales"}))
    return parse_scales(path.name, data.get("scales"))


def load_questionnaire(path: Path, scales: dict[str, Scale]) -> Questionnaire:
    """Read one questionnaire file; its key must be its file name."""
    data = _read_yaml(path)
    name = path.name
    key = data.get("key")
    if key != path.stem:
        raise QuestionnaireError(f"{name}: key {key!r} must match the file name")
    body = {k: v for k, v in data.items() if k not in ("format", "key")}
    questionnaire = parse_questionnaire(name, key, body, scales)
    return Questionnaire(
        questionnaire.key,
        questionnaire.version,
        questionnaire.role,
        questionnaire.title,
        questionnaire.items,
        questionnaire.pages,
        path,
    )


def load_set(directory: Path) -> QuestionnaireSet:
    """scales.yaml and every questionnaire beside it, checked as a whole."""
    scales = load_scales(directory / SCALES_FILE)
    questionnaires: dict[str, Questionnaire] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == SCALES_FILE:
            continue
        questionnaire = load_questionnaire(path, scales)
        questionnaires[questionnaire.key] = questionnaire
    used = {item.scale.key for q in questionnaires.values() for item in q.items if item.scale}
    return questionnaire_set(
        str(directory), questionnaires, {k: v for k, v in scales.items() if k in used}
    )


def load_directory(directory: Path) -> dict[str, Questionnaire]:
    """Every questionnaire of a folder, by key."""
    return dict(load_set(directory).questionnaires)
