"""Realistic simulated data sets (for tests, benchmarks and the web service's demo)."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import questionnaires
from analysis.anonymity import (
    CHILD_ATTENDED,
    Cell,
    CellCount,
    Release,
    language_group,
    releasable_parts,
    release_classes,
)
from analysis.codebook import codebook_data
from analysis.contract import (
    CODEBOOK_FILE,
    DATASET_FORMAT,
    FUNNEL_COLUMNS,
    FUNNEL_FILE,
    INVITATION_COLUMNS,
    INVITATIONS_FILE,
    RESPONSE_COLUMNS,
    RESPONSES_FILE,
    SERVICE_COLUMNS,
    SERVICES,
    SERVICES_FILE,
    WINDOW_FILE,
    escape_cell,
)
from analysis.results import Window
from questionnaires import QUESTIONNAIRE_FOR_ROLE, Questionnaire, QuestionnaireSet

# Municipalities of the three areas with their approximate population; invitations are
# drawn in proportion to population, so small inland municipalities get few answers and
# exercise suppression the way real data does.
AREAS: dict[str, dict[str, int]] = {
    "Södra Lappland": {
        "Dorotea": 2_400,
        "Lycksele": 12_100,
        "Malå": 3_000,
        "Sorsele": 2_400,
        "Storuman": 5_800,
        "Vilhelmina": 6_600,
        "Åsele": 2_800,
    },
    "Umeå med krans": {
        "Bjurholm": 2_400,
        "Nordmaling": 7_000,
        "Robertsfors": 6_700,
        "Umeå": 131_000,
        "Vindeln": 5_400,
        "Vännäs": 8_700,
    },
    "Skellefteå/Norsjö": {"Norsjö": 4_000, "Skellefteå": 77_000},
}

LANGUAGES = ("sv", "en", "ar", "fa", "so", "ti", "fi")
_LANGUAGE_WEIGHTS = (0.85, 0.02, 0.05, 0.02, 0.03, 0.01, 0.02)


def sip_questionnaires() -> QuestionnaireSet:
    """The real questionnaires, read from the questionnaires package's YAML files."""
    return questionnaires.load_set(questionnaires.DIRECTORY)


# Per-role funnel: P(opened | delivered), P(started | opened), P(completed | started).
_FUNNEL = {"guardian": (0.75, 0.88, 0.9), "child": (0.7, 0.82, 0.8), "youth": (0.62, 0.8, 0.82)}
_ROLE_WEIGHTS = {"guardian": 0.62, "child": 0.15, "youth": 0.23}
# Realistic weak spots: influence and understanding are rated lower, more so by children.
_ITEM_SHIFT = {"influence": -0.45, "plan": -0.2, "child_involvement": -0.3}
_NO_ANSWER_RATE = {"guardian": 0.04, "child": 0.1, "youth": 0.07}
_COMMENT_RATE = {"guardian": 0.2, "youth": 0.12}
_COMMENTS = (
    "Bra möte, alla var pålästa.",
    "Mötet var för långt för mitt barn.",
    "Jag hade önskat att skolan var med.",
    "Tack till Anna på BUP som höll i mötet så bra!",
    "Det var svårt att hinna säga allt, det gick fort.",
    "Vi fick inte kallelsen i tid.",
    "- Planen känns oklar, vem ringer vi när något händer?",
    "Jag kände mig lyssnad på för första gången.",
    "Tolken kom inte, så jag förstod inte allt.",
    "Det var jobbigt att många vuxna pratade om mig.",
    "Bra, men för många personer i rummet.",
    "=Bra att vi fick en samordnare",
)
# Whether the child took part (yes, partly, no) by age band: older children come more often.
_ATTENDANCE_BY_BAND = ((0.3, 0.25, 0.45), (0.6, 0.25, 0.15), (0.72, 0.16, 0.12))
# A guardian rates the child's involvement higher when the child was there (latent shift).
_INVOLVEMENT_SHIFT = (0.35, 0.15, -0.15)
# How often each service (contract.SERVICES order) is at a meeting; at least one always is.
_SERVICE_RATES = (0.8, 0.25, 0.55, 0.35, 0.12, 0.08)
#: The simulated window, unless the caller names another.
DEFAULT_WINDOW = Window(
    1,
    "Simulerat insamlingsfönster",
    "2026-01-01T00:00:00+01:00",
    "2026-03-31T23:59:00+02:00",
    "final",
)
BANDS = ("0-5", "6-11", "12-18")


def sip_codebook(k: int = 5) -> dict[str, Any]:
    """codebook.json of the real questionnaires, as the web service's export writes it."""
    return codebook_data(sip_questionnaires(), k)


def write_csv(path: Path, header: Sequence[str], rows: Any) -> None:
    """Write rows the way the web service does: UTF-8 with BOM, CRLF, header row."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _choose(
    rng: np.random.Generator, options: Sequence[str], weights: Sequence[float], size: int
) -> npt.NDArray[np.int64]:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(options), size=size, p=p / p.sum())


def _invitations(rng: np.random.Generator, size: int) -> dict[str, npt.NDArray[Any]]:
    roles = tuple(_ROLE_WEIGHTS)
    role = _choose(rng, roles, tuple(_ROLE_WEIGHTS.values()), size)
    municipalities = [(area, m) for area, ms in AREAS.items() for m in ms]
    weights = [AREAS[a][m] for a, m in municipalities]
    muni = _choose(rng, [m for _, m in municipalities], weights, size)
    # Guardians are invited for children of every age; children and youth by their age.
    guardian_band = rng.choice(3, size=size, p=[0.18, 0.36, 0.46])
    band = np.where(role == 0, guardian_band, np.where(role == 1, 1, 2))
    language = _choose(rng, LANGUAGES, _LANGUAGE_WEIGHTS, size)
    u = rng.random((6, size))
    sent = u[0] < 0.99
    delivered = sent & (u[1] < 0.96)
    opted_out = delivered & (u[2] < 0.03)
    p_open = np.array([_FUNNEL[r][0] for r in roles])[role]
    p_start = np.array([_FUNNEL[r][1] for r in roles])[role]
    p_done = np.array([_FUNNEL[r][2] for r in roles])[role]
    opened = delivered & (u[3] < p_open)
    started = opened & ~opted_out & (u[4] < p_start)
    completed = started & (u[5] < p_done)
    return {
        "role": role,
        "band": band,
        "muni": muni,
        "language": language,
        "flags": np.stack([sent, delivered, opened, started, completed, opted_out], axis=1),
    }


def _answers(
    rng: np.random.Generator,
    questionnaire: Questionnaire,
    size: int,
    team_effect: npt.NDArray[np.float64],
    involvement: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Answer matrix (respondents x items): -1 not shown, 0 no answer, else the value.

    `involvement` shifts each respondent's answers on the child's involvement (by whether
    the child took part in the meeting).
    """
    role = questionnaire.role
    items = questionnaire.items
    values = np.zeros((size, len(items)), dtype=np.int64)
    latent = team_effect + rng.normal(0.0, 1.0, size)
    column = {item.key: j for j, item in enumerate(items)}
    for j, item in enumerate(items):
        if item.scale is None:
            continue
        codes = np.asarray(item.scale.ascending)
        if item.dimension == "filter":
            # Most were at the meeting, a few for a while, a few not at all.
            values[:, j] = rng.choice(codes[::-1], size=size, p=[0.84, 0.08, 0.08])
            continue
        shift = _ITEM_SHIFT.get(item.dimension, 0.0) - (0.25 if role == "child" else 0.0)
        score = latent + shift + rng.normal(0.0, 0.8, size)
        if item.dimension == "child_involvement":
            score = score + involvement
        cuts = [-1.6, -0.8, 0.3] if len(codes) == 4 else [-1.2, -0.2]
        values[:, j] = codes[np.searchsorted(np.asarray(cuts), score)]
        no_answer_rate = _NO_ANSWER_RATE[role] if item.scale.no_answer else 0.01
        values[rng.random(size) < no_answer_rate, j] = 0
    for j, item in enumerate(items):
        rule = item.skip_when
        if rule is None:
            continue
        skipped = np.isin(values[:, j], list(rule.values))
        for key in rule.items:
            values[skipped, column[key]] = -1
    return values


def _meeting_context(rng: np.random.Generator, inv: dict[str, npt.NDArray[Any]]) -> None:
    """Add each invitation's meeting context: whether the child took part, and its services."""
    size = len(inv["role"])
    u = rng.random(size)
    cumulative = np.cumsum(np.asarray(_ATTENDANCE_BY_BAND), axis=1)[inv["band"]]
    inv["attended"] = (u[:, None] > cumulative[:, :-1]).sum(axis=1)
    services = rng.random((size, len(SERVICES))) < np.asarray(_SERVICE_RATES)
    # A meeting always has at least one service (the coordinator's own, most often).
    services[~services.any(axis=1), 0] = True
    inv["services"] = services


def _counts(
    inv: dict[str, npt.NDArray[Any]], answered: npt.NDArray[np.bool_], where: npt.NDArray[np.bool_]
) -> CellCount:
    """Invitations that could answer and responses among the invitations `where` is true."""
    # As the service counts them: only an invitation whose SMS was sent could answer.
    return CellCount(int((inv["flags"][:, 0] & where).sum()), int((answered & where).sum()))


def _release(
    inv: dict[str, npt.NDArray[Any]], answered: npt.NDArray[np.bool_], k: int
) -> tuple[list[Cell], Release]:
    """Fine cell of every invitation, and the release of those cells."""
    roles = tuple(_ROLE_WEIGHTS)
    munis = [(area, m) for area, ms in AREAS.items() for m in ms]
    cells: list[Cell] = [
        (
            roles[r],
            BANDS[b],
            munis[m][0],
            munis[m][1],
            language_group(LANGUAGES[lang]),
            CHILD_ATTENDED[attended],
        )
        for r, b, m, lang, attended in zip(
            inv["role"].tolist(),
            inv["band"].tolist(),
            inv["muni"].tolist(),
            inv["language"].tolist(),
            inv["attended"].tolist(),
            strict=True,
        )
    ]
    sent = inv["flags"][:, 0].tolist()
    counts: dict[Cell, CellCount] = {}
    for cell, was_sent, did_answer in zip(cells, sent, answered.tolist(), strict=True):
        counts[cell] = counts.get(cell, CellCount(0, 0)) + CellCount(int(was_sent), int(did_answer))
    return cells, release_classes(counts, k)


def _service_rows(
    window_id: int, inv: dict[str, npt.NDArray[Any]], answered: npt.NDArray[np.bool_], k: int
) -> list[tuple[object, ...]]:
    """services.csv's rows: per role and service, only where the release allows (as the
    service does it, with releasable_parts)."""
    roles = tuple(_ROLE_WEIGHTS)
    totals = {role: _counts(inv, answered, inv["role"] == r) for r, role in enumerate(roles)}
    parts = {
        (role, service): _counts(inv, answered, (inv["role"] == r) & inv["services"][:, s])
        for r, role in enumerate(roles)
        for s, service in enumerate(SERVICES)
    }
    kept = releasable_parts(parts, totals, k)
    rows: list[tuple[object, ...]] = []
    for r, role in enumerate(roles):
        for s, service in enumerate(SERVICES):
            if (role, service) in kept:
                # Invited counts every invitation, as invitations.csv does.
                mine = (inv["role"] == r) & inv["services"][:, s]
                rows.append((window_id, role, service, int(mine.sum()), int(answered[mine].sum())))
    return rows


def write_window(path: Path, window: Window) -> None:
    """window.json as the web service's export writes it."""
    data = {"format": DATASET_FORMAT, **dataclasses.asdict(window)}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def simulate_dataset(
    out_dir: Path,
    n_responses: int,
    seed: int = 0,
    k: int = 5,
    *,
    window: Window = DEFAULT_WINDOW,
    shift: float = 0.0,
) -> Path:
    """Write a realistic data set folder (contract version 4), released with minimum k.

    `shift` moves every answer up (positive) or down on the latent scale, so two simulated
    windows can differ the way a real year against the last might.
    """
    if n_responses < 0:
        raise ValueError("n_responses must be zero or more")
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    batches: list[dict[str, npt.NDArray[Any]]] = []
    completed_so_far = 0
    # Draw invitations until exactly n_responses of them are completed, so the invitation
    # funnel and the responses describe the same people.
    while completed_so_far < n_responses or not batches:
        batch = _invitations(rng, max(50, int((n_responses - completed_so_far) * 2.4) + 50))
        batches.append(batch)
        completed_so_far += int(batch["flags"][:, 4].sum())
    inv = {key: np.concatenate([b[key] for b in batches]) for key in batches[0]}
    done_cum = np.cumsum(inv["flags"][:, 4])
    if n_responses:
        cut = int(np.searchsorted(done_cum, n_responses)) + 1
    else:
        # Nobody answered yet: a window that has just opened.
        cut = len(done_cum)
        inv["flags"][:, 4] = 0
    inv = {key: value[:cut] for key, value in inv.items()}
    respondents = np.flatnonzero(inv["flags"][:, 4])[:n_responses]
    answered = np.zeros(len(inv["role"]), dtype=bool)
    answered[respondents] = True
    # Its own stream, so adding the meeting's context left every other draw as it was.
    _meeting_context(np.random.default_rng([seed, 1]), inv)
    cells, release = _release(inv, answered, k)
    released = [release.released(cell) for cell in cells]
    roles = tuple(_ROLE_WEIGHTS)
    flags = inv["flags"]
    # Sorted, so the order of the rows says nothing about when or for whom they were made.
    write_csv(
        out_dir / INVITATIONS_FILE,
        INVITATION_COLUMNS,
        sorted(
            (window.id, *label, int(s), int(d), int(o))
            for label, s, d, o in zip(
                released,
                flags[:, 0].tolist(),
                flags[:, 1].tolist(),
                flags[:, 5].tolist(),
                strict=True,
            )
        ),
    )
    write_csv(out_dir / SERVICES_FILE, SERVICE_COLUMNS, _service_rows(window.id, inv, answered, k))
    write_csv(
        out_dir / FUNNEL_FILE,
        FUNNEL_COLUMNS,
        [
            (
                role,
                int(flags[inv["role"] == r, 2].sum()),
                int(flags[inv["role"] == r, 3].sum()),
            )
            for r, role in enumerate(roles)
        ],
    )

    munis = [(area, m) for area, ms in AREAS.items() for m in ms]
    team_effect = rng.normal(0.35, 0.3, len(munis)) + shift
    involvement = np.asarray(_INVOLVEMENT_SHIFT)
    ids = rng.bytes(16 * len(respondents)).hex()
    comment_u = rng.random(len(respondents))
    comment_pick = rng.integers(0, len(_COMMENTS), len(respondents))
    role_of = inv["role"][respondents]
    answers: dict[int, npt.NDArray[np.int64]] = {}
    rows_of_role: dict[int, npt.NDArray[np.int64]] = {}
    sip = sip_questionnaires()
    for r, role in enumerate(roles):
        members = np.flatnonzero(role_of == r)
        rows_of_role[r] = members
        answers[r] = _answers(
            rng,
            sip.questionnaires[QUESTIONNAIRE_FOR_ROLE[role]],
            len(members),
            team_effect[inv["muni"][respondents[members]]],
            involvement[inv["attended"][respondents[members]]] * (role == "guardian"),
        )
    position = np.empty(len(respondents), dtype=np.int64)
    for members in rows_of_role.values():
        position[members] = np.arange(len(members))
    # Written in the order of the random ids, as the service does: never in answering order.
    order = sorted(range(len(respondents)), key=lambda i: ids[32 * i : 32 * i + 32])

    def response_rows() -> Any:
        for i in order:
            r = int(role_of[i])
            role = roles[r]
            questionnaire = sip.questionnaires[QUESTIONNAIRE_FOR_ROLE[role]]
            meta = (
                ids[32 * i : 32 * i + 32],
                window.id,
                questionnaire.key,
                questionnaire.version,
                *released[int(respondents[i])],
            )
            row_values = answers[r][position[i]].tolist()
            for item, value in zip(questionnaire.items, row_values, strict=True):
                if item.type == "text":
                    if comment_u[i] < _COMMENT_RATE.get(role, 0.0):
                        text = _COMMENTS[int(comment_pick[i])][: item.max_length]
                        yield (*meta, item.key, "", escape_cell(text))
                    elif comment_u[i] < _COMMENT_RATE.get(role, 0.0) + 0.05:
                        yield (*meta, item.key, "", "")
                elif value >= 0:
                    yield (*meta, item.key, value if value > 0 else "", "")

    write_csv(out_dir / RESPONSES_FILE, RESPONSE_COLUMNS, response_rows())
    write_window(out_dir / WINDOW_FILE, window)
    codebook = codebook_data(sip, k, release.residual)
    (out_dir / CODEBOOK_FILE).write_text(
        json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return out_dir
