"""The analysis data set of one collection window (contract version 2 in analysis/README.md).

The files: responses.csv, invitations.csv, funnel.csv and codebook.json. Nothing in them links
a response to an invitation: both carry only the released class of their group, computed by
`analysis.anonymity.release_classes` from the fine groups read here, so every released
response shares its class with at least MIN_GROUP_SIZE invitations and no or at least as many
responses. Responses are written in the order of their random ids, invitations sorted by their
class and flags; responses carry no date and invitations no trace of answering.

Reading the fine rows is kept in small functions (`fine_invitation_cells`,
`fine_response_cells`, `fine_response_rows`, `funnel_counts`), the only code here that knows
where the data lives.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import String, func, select, type_coerce

from analysis.anonymity import Cell, CellCount, Release, language_group, release_classes
from analysis.codebook import codebook_data
from analysis.contract import (
    CODEBOOK_FILE,
    FORMULA_STARTS,
    FUNNEL_COLUMNS,
    FUNNEL_FILE,
    INVITATION_COLUMNS,
    INVITATIONS_FILE,
    RESPONSE_COLUMNS,
    RESPONSES_FILE,
)
from questionnaires import ROLES

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


@dataclass(frozen=True)
class InvitationRow:
    """One invitation's fine group and what happened to its SMS (nothing about answering)."""

    cell: Cell
    sent: bool
    delivered: bool
    opted_out: bool


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
    return (Area.name.label("area"), Municipality.name.label("municipality"))


def fine_invitation_cells(campaign_id: int) -> list[InvitationRow]:
    """Every invitation of a window with its fine group (from its meeting and team)."""
    query = (
        select(
            type_coerce(Invitation.role, String),
            type_coerce(Meeting.age_band, String),
            *_place_columns(),
            Invitation.language,
            Invitation.sent_at.is_not(None),
            Invitation.delivered_at.is_not(None),
            Invitation.opted_out_at.is_not(None),
        )
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Team, Team.id == Meeting.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
        .where(Meeting.campaign_id == campaign_id)
    )
    rows = db.session.execute(query.execution_options(yield_per=BATCH_SIZE)).tuples()
    return [
        InvitationRow(
            (role, band, area, town, language_group(language)),
            bool(sent),
            bool(delivered),
            bool(opted_out),
        )
        for role, band, area, town, language, sent, delivered, opted_out in rows
    ]


def _response_groups() -> tuple[Any, ...]:
    return (
        type_coerce(Response.role, String),
        type_coerce(Response.age_band, String),
        *_place_columns(),
        Response.language,
    )


def _by_place(query: Any) -> Any:
    return (
        query.join(Team, Team.id == Response.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .join(Area, Area.id == Municipality.area_id)
    )


def fine_response_cells(campaign_id: int) -> Counter[Cell]:
    """Responses of a window per fine group."""
    query = _by_place(
        select(*_response_groups(), func.count()).where(Response.campaign_id == campaign_id)
    ).group_by(*_response_groups())
    counts: Counter[Cell] = Counter()
    for role, band, area, town, language, number in db.session.execute(query).tuples():
        counts[(role, band, area, town, language_group(language))] += number
    return counts


def fine_response_rows(campaign_id: int) -> Iterator[tuple[Any, ...]]:
    """(id, questionnaire, version, fine cell, item, value, text), ordered by the random id."""
    query = _by_place(
        select(
            Response.id,
            Response.questionnaire_key,
            Response.questionnaire_version,
            *_response_groups(),
            Answer.item_key,
            Answer.value,
            Answer.text,
        ).join(Answer, Answer.response_id == Response.id)
    )
    query = query.where(Response.campaign_id == campaign_id).order_by(Response.id)
    rows = db.session.execute(query.execution_options(yield_per=BATCH_SIZE)).tuples()
    for rid, qkey, version, role, band, area, town, language, item, value, text in rows:
        yield (
            rid,
            qkey,
            version,
            (role, band, area, town, language_group(language)),
            item,
            value,
            text,
        )


def funnel_counts(campaign_id: int) -> dict[str, tuple[int, int]]:
    """Per role: invitations whose link was opened, and where answering was started."""
    query = (
        select(
            type_coerce(Invitation.role, String),
            func.count(Invitation.opened_at),
            func.count(Invitation.started_at),
        )
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(Meeting.campaign_id == campaign_id)
        .group_by(Invitation.role)
    )
    found = {role: (opened, started) for role, opened, started in db.session.execute(query)}
    return {role: found.get(role, (0, 0)) for role in ROLES}


def min_group_size() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


def release_of(invitations: Sequence[InvitationRow], responses: Counter[Cell], k: int) -> Release:
    """The release of a window's fine groups.

    Only an invitation whose SMS was sent could have been answered, so only those count
    towards a class's k invitations: an attacker would rule the others out.
    """
    cells: dict[Cell, CellCount] = {}
    for row in invitations:
        cells[row.cell] = cells.get(row.cell, CellCount(0, 0)) + CellCount(int(row.sent), 0)
    for cell, number in responses.items():
        cells[cell] = cells.get(cell, CellCount(0, 0)) + CellCount(0, number)
    return release_classes(cells, k)


def window_release(
    campaign_id: int, k: int | None = None
) -> tuple[list[InvitationRow], Counter[Cell], Release]:
    """A window's fine invitations and responses, and their release."""
    invitations = fine_invitation_cells(campaign_id)
    responses = fine_response_cells(campaign_id)
    return invitations, responses, release_of(invitations, responses, k or min_group_size())


def _released_invitations(
    invitations: Sequence[InvitationRow], release: Release
) -> Iterator[tuple[object, ...]]:
    # Sorted: the order of the rows says nothing about when or for whom they were made.
    rows = sorted(
        (*release.released(row.cell), int(row.sent), int(row.delivered), int(row.opted_out))
        for row in invitations
    )
    yield from (tuple(map(neutralise_formula, row)) for row in rows)


def _released_responses(
    campaign_id: int,
    questionnaires: dict[str, Questionnaire],
    release: Release,
    progress: Progress | None,
    total: int,
) -> Iterator[Sequence[object]]:
    """Long rows ordered by the random response id; items in questionnaire order."""
    positions = {
        key: {item.key: n for n, item in enumerate(q.items)} for key, q in questionnaires.items()
    }
    done = 0
    current: object = None
    meta: tuple[object, ...] = ()
    answers: list[tuple[int, str, object, object]] = []
    position: dict[str, int] = {}
    for rid, qkey, version, cell, item, value, text in fine_response_rows(campaign_id):
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
            background = (rid, campaign_id, qkey, version, *release.released(cell))
            meta = tuple(map(neutralise_formula, background))
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
    k = min_group_size()
    invitations, _responses, release = window_release(campaign_id, k)
    codebook = codebook_data(questionnaire_set(), k, release.residual)
    (out_dir / CODEBOOK_FILE).write_text(
        json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written = _write_csv(
        out_dir / INVITATIONS_FILE, INVITATION_COLUMNS, _released_invitations(invitations, release)
    )
    _write_csv(
        out_dir / FUNNEL_FILE,
        FUNNEL_COLUMNS,
        [(role, *counts) for role, counts in funnel_counts(campaign_id).items()],
    )
    total = count_responses(campaign_id)
    answer_rows = _write_csv(
        out_dir / RESPONSES_FILE,
        RESPONSE_COLUMNS,
        _released_responses(campaign_id, questionnaires, release, progress, total),
    )
    return DatasetSummary(out_dir, total, answer_rows, written)
