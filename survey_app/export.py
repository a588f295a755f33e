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

from sqlalchemy import String, case, func, select, type_coerce

from analysis.codebook import codebook_data
from analysis.contract import (
    CODEBOOK_FILE,
    FORMULA_STARTS,
    INVITATION_COLUMNS,
    INVITATIONS_FILE,
    RESPONSE_COLUMNS,
    RESPONSES_FILE,
)

from .extensions import db
from .models import Answer, Area, Campaign, Invitation, Meeting, Municipality, Response, Team
from .questionnaires import Questionnaire, all_questionnaires, questionnaire_set

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
    """UTF-8 with BOM and CRLF, so Excel opens Swedish text correctly; returns the row count.

    Rows come already neutralised against formula injection (see the row generators).
    """
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _place_columns() -> tuple[Any, ...]:
    return (
        Area.name.label("area"),
        Municipality.name.label("municipality"),
        Team.name.label("team"),
    )


def _response_rows(
    campaign_id: int,
    questionnaires: dict[str, Questionnaire],
    progress: Progress | None,
    total: int,
) -> Iterator[Sequence[object]]:
    """Long rows ordered by the random response id; items in questionnaire order.

    Plain rows straight from the connection (no ORM objects, no enum conversion) and the
    background cells of a response neutralised once: a large window is mostly rows.
    """
    query = (
        select(
            Response.id,
            Response.questionnaire_key,
            Response.questionnaire_version,
            type_coerce(Response.role, String),
            type_coerce(Response.age_band, String),
            *_place_columns(),
            Response.language,
            type_coerce(Response.submitted_on, String),
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
    )
    positions = {
        key: {item.key: n for n, item in enumerate(q.items)} for key, q in questionnaires.items()
    }
    done = 0
    current: object = None
    meta: tuple[object, ...] = ()
    answers: list[tuple[int, str, object, object]] = []
    position: dict[str, int] = {}
    rows = db.session.execute(query.execution_options(yield_per=BATCH_SIZE))
    for rid, qkey, version, role, band, area, town, team, language, day, item, value, text in rows:
        if rid != current:
            for _order, *answer in sorted(answers):
                yield (*meta, *answer)
            if current is not None:
                done += 1
                if progress is not None:
                    progress(done, total)
            if qkey not in positions:
                raise ExportError(f"a response uses unknown questionnaire {qkey!r}")
            current, position, answers = rid, positions[qkey], []
            background = (rid, campaign_id, qkey, version, role, band, area, town, team, language)
            meta = (*map(neutralise_formula, background), str(day))
        answers.append(
            (
                position.get(item, len(position)),
                item,
                "" if value is None else value,
                neutralise_formula(text) if text else "",
            )
        )
    for _order, *answer in sorted(answers):
        yield (*meta, *answer)
    if current is not None and progress is not None:
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
        select(
            type_coerce(Invitation.role, String),
            type_coerce(Meeting.age_band, String),
            *_place_columns(),
            Invitation.language,
            *flags,
        )
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
        .where(Meeting.campaign_id == campaign_id)
    )
    if team_ids is not None:
        query = query.where(Meeting.team_id.in_(team_ids))
    query = query.order_by(*[column for column in query.selected_columns])
    yield from (db.session.execute(query.execution_options(yield_per=BATCH_SIZE)).tuples())


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
    codebook = codebook_data(questionnaire_set())
    (out_dir / CODEBOOK_FILE).write_text(
        json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    invitations = _write_csv(
        out_dir / INVITATIONS_FILE,
        INVITATION_COLUMNS,
        (tuple(map(neutralise_formula, row)) for row in invitation_rows(campaign_id)),
    )
    total = count_responses(campaign_id)
    answer_rows = _write_csv(
        out_dir / RESPONSES_FILE,
        RESPONSE_COLUMNS,
        _response_rows(campaign_id, questionnaires, progress, total),
    )
    return DatasetSummary(out_dir, total, answer_rows, invitations)
