"""The analysis data set of one collection window: responses.csv, invitations.csv, codebook.json.

The format is the contract in analysis/README.md (CONTRACT.md while it is a draft). Two rules
protect anonymity here as well as in the schema: responses are written in the order of their
random ids (never in submission order), and invitations carry no id, phone or time, only
their group and 0/1 funnel flags, sorted by those.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select

from .extensions import db
from .models import Answer, Area, Campaign, Invitation, Meeting, Municipality, Response, Team
from .questionnaires import Questionnaire, Scale, all_questionnaires

RESPONSES_FILE = "responses.csv"
INVITATIONS_FILE = "invitations.csv"
CODEBOOK_FILE = "codebook.json"
CODEBOOK_FORMAT = 1

RESPONSE_COLUMNS = (
    "response_id",
    "campaign_id",
    "questionnaire",
    "questionnaire_version",
    "role",
    "age_band",
    "area",
    "municipality",
    "team",
    "language",
    "submitted_on",
    "item",
    "value",
    "text",
)
INVITATION_COLUMNS = (
    "role",
    "age_band",
    "area",
    "municipality",
    "team",
    "language",
    "sent",
    "delivered",
    "opened",
    "started",
    "completed",
    "opted_out",
)
#: Cells a spreadsheet would run as a formula when they start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@")
#: Rows fetched from the database at a time, so a large window never loads at once.
BATCH_SIZE = 2000

#: Called with (rows written so far, rows in total) while writing.
Progress = Callable[[int, int], None]


class ExportError(RuntimeError):
    """The data set cannot be built (unknown window, unknown questionnaire…)."""


@dataclass(frozen=True)
class DatasetSummary:
    """What one export wrote."""

    directory: Path
    responses: int
    answer_rows: int
    invitations: int


def neutralise_formula(cell: object) -> object:
    """Prefix text a spreadsheet would evaluate (=, +, -, @) with ' (the contract's rule)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """UTF-8 with BOM and CRLF, so Excel opens Swedish text correctly; returns the row count."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise_formula(cell) for cell in row])
            count += 1
    return count


def _scale_entry(scale: Scale) -> dict[str, Any]:
    return {
        "values": [{"value": o.value, "label": o.label} for o in scale.options],
        "no_answer_label": scale.no_answer,
        "positive": sorted(scale.positive, reverse=True),
        "common": {
            level: sorted((v for v, lvl in scale.common.items() if lvl == level), reverse=True)
            for level in ("positive", "partly", "negative")
        },
    }


def build_codebook(questionnaires: dict[str, Questionnaire]) -> dict[str, Any]:
    """The codebook from the loaded questionnaires (Swedish source texts)."""
    scales: dict[str, Scale] = {}
    entries: dict[str, Any] = {}
    for key in sorted(questionnaires):
        questionnaire = questionnaires[key]
        items = []
        for item in questionnaire.items:
            entry: dict[str, Any] = {
                "key": item.key,
                "type": item.type,
                "text": item.text,
                "scale": item.scale.key if item.scale else None,
                "dimension": item.dimension,
                "parallel": item.parallel,
            }
            if item.scale is not None:
                scales[item.scale.key] = item.scale
            if item.max_length is not None:
                entry["max_length"] = item.max_length
            items.append(entry)
        entries[key] = {
            "version": questionnaire.version,
            "role": questionnaire.role,
            "title": questionnaire.title,
            "items": items,
        }
    return {
        "format": CODEBOOK_FORMAT,
        "questionnaires": entries,
        "scales": {key: _scale_entry(scales[key]) for key in sorted(scales)},
    }


def _place_columns() -> tuple[Any, ...]:
    return (
        Area.name.label("area"),
        Municipality.name.label("municipality"),
        Team.name.label("team"),
    )


def _in_questionnaire_order(
    rows: list[tuple[object, ...]], questionnaire: Questionnaire
) -> list[tuple[object, ...]]:
    position = {item.key: n for n, item in enumerate(questionnaire.items)}
    item_column = RESPONSE_COLUMNS.index("item")
    return sorted(rows, key=lambda row: position.get(str(row[item_column]), len(position)))


def _response_rows(
    campaign_id: int,
    questionnaires: dict[str, Questionnaire],
    progress: Progress | None,
    total: int,
) -> Iterator[tuple[object, ...]]:
    """Long rows ordered by the random response id; items in questionnaire order."""
    query = (
        select(
            Response.id,
            Response.questionnaire_key,
            Response.questionnaire_version,
            Response.role,
            Response.age_band,
            *_place_columns(),
            Response.language,
            Response.submitted_on,
            Answer.item_key,
            Answer.value,
            Answer.text,
        )
        .join(Answer, Answer.response_id == Response.id)
        .join(Team, Team.id == Response.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
        .where(Response.campaign_id == campaign_id)
        .order_by(Response.id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    done = 0
    pending: list[tuple[object, ...]] = []
    questionnaire: Questionnaire | None = None
    for row in db.session.execute(query):
        if pending and pending[0][0] != row.id and questionnaire is not None:
            yield from _in_questionnaire_order(pending, questionnaire)
            pending = []
            done += 1
            if progress is not None:
                progress(done, total)
        if not pending:
            questionnaire = questionnaires.get(row.questionnaire_key)
            if questionnaire is None:
                raise ExportError(
                    f"a response uses unknown questionnaire {row.questionnaire_key!r}"
                )
        pending.append(
            (
                row.id,
                campaign_id,
                row.questionnaire_key,
                row.questionnaire_version,
                row.role.value,
                row.age_band.value,
                row.area,
                row.municipality,
                row.team,
                row.language,
                row.submitted_on.isoformat(),
                row.item_key,
                "" if row.value is None else row.value,
                row.text or "",
            )
        )
    if pending and questionnaire is not None:
        yield from _in_questionnaire_order(pending, questionnaire)
        if progress is not None:
            progress(done + 1, total)


def _flag(column: Any) -> Any:
    return case((column.is_not(None), 1), else_=0)


def invitation_rows(
    campaign_id: int, team_ids: Collection[int] | None = None
) -> Iterator[tuple[object, ...]]:
    """Group columns and 0/1 flags only, sorted by those: no id, no phone, no time.

    `team_ids` narrows the rows to some teams (a coordinator's own).
    """
    flags = [
        _flag(Invitation.sent_at),
        _flag(Invitation.delivered_at),
        _flag(Invitation.opened_at),
        _flag(Invitation.started_at),
        _flag(Invitation.completed_at),
        _flag(Invitation.opted_out_at),
    ]
    query = (
        select(Invitation.role, Meeting.age_band, *_place_columns(), Invitation.language, *flags)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
        .where(Meeting.campaign_id == campaign_id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    if team_ids is not None:
        query = query.where(Meeting.team_id.in_(team_ids))
    query = query.order_by(*[column for column in query.selected_columns])
    for row in db.session.execute(query):
        yield (row[0].value, row[1].value, *row[2:])


def count_responses(campaign_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Response).where(Response.campaign_id == campaign_id)
        )
        or 0
    )


def build_dataset(
    campaign_id: int, out_dir: Path, progress: Progress | None = None
) -> DatasetSummary:
    """Write the data set of one window into out_dir (created if needed)."""
    if db.session.get(Campaign, campaign_id) is None:
        raise ExportError(f"no collection window with id {campaign_id}")
    questionnaires = all_questionnaires()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    codebook = build_codebook(questionnaires)
    (out_dir / CODEBOOK_FILE).write_text(
        json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    invitations = _write_csv(
        out_dir / INVITATIONS_FILE, INVITATION_COLUMNS, invitation_rows(campaign_id)
    )
    total = count_responses(campaign_id)
    answer_rows = _write_csv(
        out_dir / RESPONSES_FILE,
        RESPONSE_COLUMNS,
        _response_rows(campaign_id, questionnaires, progress, total),
    )
    return DatasetSummary(out_dir, total, answer_rows, invitations)
