"""The codebook (codebook.json): the questionnaire model plus what the data set's files mean.

The questionnaires and scales are the `questionnaires` package's own types, read by the same
rules as the YAML files; this module adds the file's format version around them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.contract import CODEBOOK_FORMAT
from analysis.errors import DatasetError
from questionnaires import (
    COMMON_CATEGORIES,
    LUNDY_DIMENSIONS,
    ROLES,
    Item,
    Questionnaire,
    QuestionnaireError,
    QuestionnaireSet,
    Scale,
    entries,
    parse_entries,
)

__all__ = [
    "CODEBOOK_FORMAT",
    "COMMON_CATEGORIES",
    "LUNDY_DIMENSIONS",
    "ROLES",
    "Codebook",
    "Item",
    "Questionnaire",
    "Scale",
    "codebook_data",
    "load_codebook",
    "parse_codebook",
]


@dataclass(frozen=True)
class Codebook(QuestionnaireSet):
    """The questionnaires and scales of a data set, and the decoded file they came from."""

    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


def codebook_data(questionnaires: QuestionnaireSet) -> dict[str, Any]:
    """codebook.json's content for a set of questionnaires (ready for json.dumps)."""
    return {"format": CODEBOOK_FORMAT, **entries(questionnaires)}


def parse_codebook(raw: Any) -> Codebook:
    """Validate a decoded codebook.json and build the codebook."""
    if not isinstance(raw, dict):
        raise DatasetError("codebook.json: expected an object at the top level")
    if raw.get("format") != CODEBOOK_FORMAT:
        got = json.dumps(raw.get("format"))
        raise DatasetError(f"codebook.json, format: expected format {CODEBOOK_FORMAT}, got {got}")
    extra = sorted(set(raw) - {"format", "questionnaires", "scales"})
    if extra:
        raise DatasetError(f"codebook.json: unknown key {extra[0]!r}")
    try:
        parsed = parse_entries(raw)
    except QuestionnaireError as error:
        raise DatasetError(str(error)) from None
    return Codebook(parsed.questionnaires, parsed.scales, raw)


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
