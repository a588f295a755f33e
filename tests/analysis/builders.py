"""Hand-built tiny data sets, so tests know every count without trusting the analysis."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.contract import (
    FUNNEL_COLUMNS,
    INVITATION_COLUMNS,
    RESPONSE_COLUMNS,
    SERVICE_COLUMNS,
    SERVICES_FILE,
    WINDOW_FILE,
)
from analysis.results import Window
from analysis.simulate import DEFAULT_WINDOW, sip_codebook, write_window

_ids = itertools.count(1)
DEFAULT_ANSWERS = {
    "guardian": {"G0": 3, "G2": 4},
    "child": {"C0": 3, "C2": 3},
    "youth": {"Y0": 3, "Y2": 4},
}
QUESTIONNAIRE_OF = {"guardian": "sip-guardian", "child": "sip-child", "youth": "sip-youth"}
AGE_OF = {"guardian": "6-11", "child": "6-11", "youth": "12-18"}


@dataclass
class Response:
    """One submitted response: background and answers (None = shown but not answered)."""

    answers: Mapping[str, int | str | None]
    role: str = "guardian"
    area: str = "Umeå med krans"
    municipality: str = "Umeå"
    age_band: str | None = None
    language_group: str = "sv"
    child_attended: str = "yes"
    response_id: str = field(default_factory=lambda: f"{next(_ids):032x}")

    def rows(self) -> list[list[str]]:
        """Its rows in responses.csv."""
        meta = [
            self.response_id,
            str(DEFAULT_WINDOW.id),
            QUESTIONNAIRE_OF[self.role],
            "1",
            self.role,
            self.age_band or AGE_OF[self.role],
            self.area,
            self.municipality,
            self.language_group,
            self.child_attended,
        ]
        rows = []
        for item, value in self.answers.items():
            if isinstance(value, str):
                rows.append([*meta, item, "", value])
            else:
                rows.append([*meta, item, "" if value is None else str(value), ""])
        return rows


def invitation(
    role: str = "guardian",
    area: str = "Umeå med krans",
    municipality: str = "Umeå",
    age_band: str | None = None,
    language_group: str = "sv",
    child_attended: str = "yes",
) -> list[str]:
    """One row of invitations.csv: sent and delivered, not opted out."""
    return [
        str(DEFAULT_WINDOW.id),
        role,
        age_band or AGE_OF[role],
        area,
        municipality,
        language_group,
        child_attended,
        "1",
        "1",
        "0",
    ]


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    """CSV as the web service writes it (BOM, CRLF)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(list(header))
        writer.writerows(rows)


def write_dataset(
    folder: Path,
    responses: Iterable[Response] = (),
    invitations: Iterable[list[str]] = (),
    codebook: dict[str, Any] | None = None,
    window: Window = DEFAULT_WINDOW,
    services: Mapping[tuple[str, str], tuple[int, int]] | None = None,
) -> Path:
    """A data set folder from hand-made responses and invitations (of DEFAULT_WINDOW's id).

    `services`: (role, service) -> (invited, completed) rows of services.csv; none by default
    (the file has only its header, as when no service count could be published).
    """
    folder.mkdir(parents=True, exist_ok=True)
    write_window(folder / WINDOW_FILE, window)
    responses = list(responses)
    write_csv(
        folder / "responses.csv",
        RESPONSE_COLUMNS,
        [row for response in responses for row in response.rows()],
    )
    responses = list(responses)
    write_csv(folder / "invitations.csv", INVITATION_COLUMNS, invitations)
    write_csv(
        folder / SERVICES_FILE,
        SERVICE_COLUMNS,
        [
            [str(window.id), role, service, str(invited), str(completed)]
            for (role, service), (invited, completed) in (services or {}).items()
        ],
    )
    answered = {role: sum(r.role == role for r in responses) for role in QUESTIONNAIRE_OF}
    # Whoever answered opened the link and started.
    write_csv(
        folder / "funnel.csv",
        FUNNEL_COLUMNS,
        [[role, str(n), str(n)] for role, n in answered.items()],
    )
    (folder / "codebook.json").write_text(
        json.dumps(codebook or sip_codebook(), ensure_ascii=False), encoding="utf-8"
    )
    return folder


def group(
    count: int,
    area: str = "Umeå med krans",
    municipality: str = "Umeå",
    role: str = "guardian",
    answers: Mapping[str, int | str | None] | None = None,
    child_attended: str = "yes",
) -> tuple[list[Response], list[list[str]]]:
    """`count` responses with identical answers and their completed invitations."""
    answers = answers or DEFAULT_ANSWERS[role]
    responses = [
        Response(
            answers,
            role=role,
            area=area,
            municipality=municipality,
            child_attended=child_attended,
        )
        for _ in range(count)
    ]
    invites = [
        invitation(role, area, municipality, child_attended=child_attended) for _ in range(count)
    ]
    return responses, invites
