"""Translation status for administrators: who made each translation, reviewed or not, coverage.

The human facts (who, when, reviewed by whom) live in translations/STATUS.yaml; coverage is
counted from the .po files, so it can never claim more than the catalogs hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

from survey_app.i18n import (
    DEFAULT_LANGUAGE,
    FAMILY_LANGUAGES,
    TRANSLATIONS_DIRECTORY,
    is_family_facing,
)

STATUS_FILE = TRANSLATIONS_DIRECTORY / "STATUS.yaml"


@dataclass(frozen=True)
class Coverage:
    translated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.translated == self.total


@dataclass(frozen=True)
class TranslationStatus:
    code: str
    native_name: str
    produced_by: str
    produced_on: dt.date | None
    reviewed: bool
    reviewer: str | None
    reviewed_on: dt.date | None
    coverage_note: str
    notes: str
    sms: dict[str, Any]
    #: None for the source language (it has no catalog).
    family: Coverage | None
    staff: Coverage | None


def _count(po_file: Path) -> tuple[Coverage, Coverage]:
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    counts = {True: [0, 0], False: [0, 0]}
    for message in catalog:
        if not message.id:
            continue
        family = is_family_facing(path for path, _ in message.locations)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        counts[family][1] += 1
        counts[family][0] += int(all(strings) and not message.fuzzy)
    return Coverage(*counts[True]), Coverage(*counts[False])


def translation_status(
    status_file: Path = STATUS_FILE, directory: Path = TRANSLATIONS_DIRECTORY
) -> list[TranslationStatus]:
    """One entry per family language, in menu order."""
    recorded: dict[str, dict[str, Any]] = yaml.safe_load(status_file.read_text("utf-8"))[
        "languages"
    ]
    statuses = []
    for code, language in FAMILY_LANGUAGES.items():
        entry = recorded.get(code, {})
        po_file = directory / code / "LC_MESSAGES" / "messages.po"
        family, staff = (None, None) if code == DEFAULT_LANGUAGE else _count(po_file)
        statuses.append(
            TranslationStatus(
                code=code,
                native_name=language.native_name,
                produced_by=str(entry.get("produced_by", "unknown")),
                produced_on=entry.get("produced_on"),
                reviewed=entry.get("reviewed_by_qualified_translator") is True,
                reviewer=entry.get("reviewer"),
                reviewed_on=entry.get("reviewed_on"),
                coverage_note=str(entry.get("coverage", "")),
                notes=str(entry.get("notes", "")),
                sms=dict(entry.get("sms") or {}),
                family=family,
                staff=staff,
            )
        )
    return statuses
