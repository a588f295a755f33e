"""The analysis data set of one collection window (contract version 4 in analysis/README.md).

The files: responses.csv, invitations.csv, funnel.csv, services.csv, codebook.json and
window.json (which window, its dates, final or preliminary; every CSV file carries its id).
Nothing in them links a response to an invitation: both carry only the released class of their
group, computed by `analysis.anonymity.release_classes` from the fine groups read here, so
every released response shares its class with at least MIN_GROUP_SIZE invitations and no or at
least as many responses. Responses are written in the order of their random ids, invitations
sorted by their class and flags; responses carry no date and invitations no trace of answering.

Where the groups come from — the released rows of a closed window, or the sealed answers of an
open one released in memory — is survey_app.domain.release's business (`window_groups`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from analysis.anonymity import Release
from analysis.codebook import codebook_data
from analysis.contract import (
    CODEBOOK_FILE,
    DATASET_FORMAT,
    FORMULA_STARTS,
    FUNNEL_COLUMNS,
    FUNNEL_FILE,
    INVITATION_COLUMNS,
    INVITATIONS_FILE,
    RESPONSE_COLUMNS,
    RESPONSES_FILE,
    SERVICE_COLUMNS,
    SERVICES_FILE,
    WINDOW_FILE,
)
from questionnaires import ROLES
from survey_app.domain.release import InvitationRow, WindowGroups, window_groups
from survey_app.extensions import db
from survey_app.models import ENDED_STATES, Campaign, FunnelCount
from survey_app.questionnaires import Questionnaire, all_questionnaires, questionnaire_set

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


def min_group_size() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


def funnel_counts(campaign_id: int) -> dict[str, tuple[int, int]]:
    """Per role: invitations whose link was opened, and where answering was started."""
    found: dict[str, list[int]] = {role: [0, 0] for role in ROLES}
    for role, stage, count in db.session.execute(
        select(FunnelCount.role, FunnelCount.stage, FunnelCount.count).where(
            FunnelCount.campaign_id == campaign_id
        )
    ):
        found[role.value][0 if stage == "opened" else 1] = count
    return {role: (opened, started) for role, (opened, started) in found.items()}


def window_data(campaign: Campaign) -> dict[str, object]:
    """window.json: which window, its dates, and whether it had closed (final figures)."""
    return {
        "format": DATASET_FORMAT,
        "id": campaign.id,
        "name": campaign.name,
        "opens_at": campaign.opens_at.isoformat(),
        "closes_at": campaign.closes_at.isoformat(),
        "status": "final" if campaign.state in ENDED_STATES else "preliminary",
    }


def _released_invitations(
    campaign_id: int, invitations: Sequence[InvitationRow], release: Release
) -> Iterator[tuple[object, ...]]:
    # Sorted: the order of the rows says nothing about when or for whom they were made.
    rows = sorted(
        (
            campaign_id,
            *release.released(row.cell),
            int(row.sent),
            int(row.delivered),
            int(row.opted_out),
        )
        for row in invitations
    )
    yield from (tuple(map(neutralise_formula, row)) for row in rows)


def _released_responses(
    groups: WindowGroups,
    questionnaires: dict[str, Questionnaire],
    progress: Progress | None,
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
    campaign_id, total = groups.campaign_id, groups.responses
    for rid, qkey, version, label, item, value, text in groups.response_rows():
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
            background = (rid, campaign_id, qkey, version, *label)
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


def build_dataset(
    campaign_id: int, out_dir: Path, progress: Progress | None = None
) -> DatasetSummary:
    """Write the data set of one window into out_dir (created if needed)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise ExportError(f"no collection window with id {campaign_id}")
    questionnaires = all_questionnaires()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    k = min_group_size()
    groups = window_groups(campaign_id, k)
    codebook = codebook_data(questionnaire_set(), k, groups.release.residual)
    (out_dir / CODEBOOK_FILE).write_text(
        json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out_dir / WINDOW_FILE).write_text(
        json.dumps(window_data(campaign), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written = _write_csv(
        out_dir / INVITATIONS_FILE,
        INVITATION_COLUMNS,
        _released_invitations(campaign_id, groups.invitations, groups.release),
    )
    _write_csv(
        out_dir / FUNNEL_FILE,
        FUNNEL_COLUMNS,
        [(role, *counts) for role, counts in funnel_counts(campaign_id).items()],
    )
    _write_csv(
        out_dir / SERVICES_FILE,
        SERVICE_COLUMNS,
        [
            (campaign_id, role, service, invited, completed)
            for (role, service), (invited, completed) in sorted(groups.services.items())
        ],
    )
    answer_rows = _write_csv(
        out_dir / RESPONSES_FILE,
        RESPONSE_COLUMNS,
        _released_responses(groups, questionnaires, progress),
    )
    return DatasetSummary(out_dir, groups.responses, answer_rows, written)
