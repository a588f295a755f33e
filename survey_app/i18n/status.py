"""Translation status for administrators: who made each translation, reviewed or not, coverage.

The human facts (who, when, reviewed by whom) live in translations/STATUS.yaml; coverage is
counted from the .po files, so it can never claim more than the catalogs hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml
from babel.messages.catalog import Catalog
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
class ReviewItem:
    """A string a qualified translator should check first, with its current translation."""

    context: str | None
    source: str
    translation: str


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
    #: Reviews found the draft too uncertain to use widely before a qualified review.
    needs_review: bool = False
    review_first: tuple[ReviewItem, ...] = ()


def _read(po_file: Path) -> Catalog:
    with po_file.open("rb") as handle:
        return read_po(handle)


def _count(catalog: Catalog) -> tuple[Coverage, Coverage]:
    counts = {True: [0, 0], False: [0, 0]}
    for message in catalog:
        if not message.id:
            continue
        family = is_family_facing(path for path, _ in message.locations)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        counts[family][1] += 1
        counts[family][0] += int(all(strings) and not message.fuzzy)
    return Coverage(*counts[True]), Coverage(*counts[False])


def review_items(catalog: Catalog, patterns: list[str]) -> tuple[ReviewItem, ...]:
    """The catalog's strings that match "context|Swedish text" patterns (* for anything)."""
    items = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        key = f"{message.context or ''}|{message.id}"
        if any(fnmatchcase(key, pattern) for pattern in patterns):
            items.append(ReviewItem(message.context, str(message.id), str(message.string)))
    return tuple(items)


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
        catalog = None if code == DEFAULT_LANGUAGE else _read(po_file)
        family, staff = (None, None) if catalog is None else _count(catalog)
        patterns = [str(pattern) for pattern in entry.get("review_first") or []]
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
                needs_review=entry.get("needs_qualified_review") is True,
                review_first=review_items(catalog, patterns) if catalog else (),
            )
        )
    return statuses
