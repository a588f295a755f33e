"""Loading and validating a data set folder (responses.csv, invitations.csv, funnel.csv,
services.csv, codebook.json and window.json: contract version 4, analysis/README.md)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path

import numpy as np
import numpy.typing as npt

from analysis.anonymity import CHILD_ATTENDED, GENERALISED, LANGUAGE_GROUPS, Cell
from analysis.codebook import ROLES, Codebook, Item, Questionnaire, Scale, load_codebook
from analysis.contract import (
    CODEBOOK_FILE,
    DATASET_FORMAT,
    FUNNEL_COLUMNS,
    FUNNEL_FILE,
    GROUP_COLUMNS,
    INVITATION_COLUMNS,
    INVITATION_FLAGS,
    INVITATIONS_FILE,
    RESPONSE_COLUMNS,
    RESPONSES_FILE,
    SERVICE_COLUMNS,
    SERVICES,
    SERVICES_FILE,
    WINDOW_FILE,
    WINDOW_STATUSES,
    unescape_cell,
)
from analysis.errors import DatasetError
from analysis.results import Window

# Columns that describe the whole response and must repeat unchanged on each of its rows:
# everything between the response id and the answer (item, value, text).
RESPONSE_META = RESPONSE_COLUMNS[1 : RESPONSE_COLUMNS.index("item")]

AGE_BANDS = ("0-5", "6-11", "12-18")
AREAS = ("Södra Lappland", "Umeå med krans", "Skellefteå/Norsjö")
# Children and young people answer for themselves, so their role fixes their age band.
ROLE_AGE_BAND = {"child": "6-11", "youth": "12-18"}

NOT_SHOWN = -1
NO_ANSWER = 0

_INTEGER = re.compile(r"-?[0-9]+")
_RESPONSE_ID = re.compile(r"[0-9a-fA-F]{32}")
_PROGRESS_EVERY = 50_000

LoadProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class FreeText:
    """One free-text answer, kept out of the reports."""

    response: int
    item: str
    text: str


@dataclass
class Responses:
    """One row per submitted response, with its background columns."""

    ids: list[str]
    campaign_id: npt.NDArray[np.int64]
    questionnaire: list[str]
    version: npt.NDArray[np.int64]
    role: list[str]
    age_band: list[str]
    area: list[str]
    municipality: list[str]
    language_group: list[str]
    #: Whether the child took part in the meeting: yes, partly, no, or "*" (generalised).
    child_attended: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def cell(self, i: int) -> Cell:
        """The released class of response i."""
        return (
            self.role[i],
            self.age_band[i],
            self.area[i],
            self.municipality[i],
            self.language_group[i],
            self.child_attended[i],
        )

    def class_counts(self) -> dict[Cell, int]:
        """Responses per released class."""
        counts: dict[Cell, int] = {}
        for cell in zip(
            self.role,
            self.age_band,
            self.area,
            self.municipality,
            self.language_group,
            self.child_attended,
            strict=True,
        ):
            counts[cell] = counts.get(cell, 0) + 1
        return counts


@dataclass
class AnswerMatrix:
    """Choice answers of one questionnaire: respondents x choice items."""

    questionnaire: Questionnaire
    # Rows of `Responses` that answered this questionnaire, in file order.
    responses: npt.NDArray[np.int64]
    items: tuple[Item, ...]
    # NOT_SHOWN (-1): skipped by a filter; NO_ANSWER (0): shown but not answered; else value.
    values: npt.NDArray[np.int16]

    def column(self, key: str) -> npt.NDArray[np.int16]:
        """Answers to one item."""
        for j, item in enumerate(self.items):
            if item.key == key:
                return self.values[:, j]
        raise KeyError(key)


@dataclass(frozen=True)
class InvitationCounts:
    """Invitations of one released class, and how many were sent, delivered, opted out."""

    invited: int = 0
    sent: int = 0
    delivered: int = 0
    opted_out: int = 0

    def __add__(self, other: InvitationCounts) -> InvitationCounts:
        return InvitationCounts(
            self.invited + other.invited,
            self.sent + other.sent,
            self.delivered + other.delivered,
            self.opted_out + other.opted_out,
        )


@dataclass
class Invitations:
    """Invitations counted per released class (invitations.csv has one row per invitation)."""

    classes: dict[Cell, InvitationCounts]

    def __len__(self) -> int:
        return sum(counts.invited for counts in self.classes.values())

    def total(self, stage: str) -> int:
        """Invitations that reached one step (sent, delivered or opted_out)."""
        return sum(getattr(counts, stage) for counts in self.classes.values())


@dataclass(frozen=True)
class FunnelCounts:
    """Invitations of one role whose link was opened, and where answering was started."""

    opened: int = 0
    started: int = 0


@dataclass(frozen=True)
class ServiceCounts:
    """Invitations and responses of one role from meetings one service was at (services.csv)."""

    invited: int
    completed: int


#: (role, service) -> counts; only the rows the release found safe to publish.
ServiceTable = dict[tuple[str, str], ServiceCounts]


@dataclass
class Dataset:
    """A validated data set."""

    path: Path
    codebook: Codebook
    window: Window
    responses: Responses
    answers: dict[str, AnswerMatrix]
    invitations: Invitations
    funnel: dict[str, FunnelCounts] = field(default_factory=dict)
    free_text: list[FreeText] = field(default_factory=list)
    answer_rows: int = 0
    services: ServiceTable = field(default_factory=dict)


def _error(file: str, row: int | None, column: str | None, message: str) -> DatasetError:
    where = file
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column {column}"
    return DatasetError(f"{where}: {message}")


def scale_range(scale: Scale) -> str:
    """Human description of a scale's values, e.g. '1–4'."""
    codes = scale.ascending
    if codes == tuple(range(codes[0], codes[-1] + 1)) and len(codes) > 1:
        return f"{codes[0]}–{codes[-1]}"
    return ", ".join(str(c) for c in codes)


class _CsvFile:
    """An open CSV file of the data set, header checked, read row by row."""

    def __init__(self, path: Path, expected: Sequence[str]) -> None:
        self.name = path.name
        try:
            self.handle = path.open(encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise _error(self.name, None, None, f"file not found in {path.parent}") from None
        except IsADirectoryError:
            raise _error(self.name, None, None, "is a folder, not a file") from None
        self.reader = csv.reader(self.handle, strict=True)
        try:
            with self.errors():
                header = next(self.reader, None)
            self.positions = _check_header(self.name, header, expected)
        except DatasetError:
            self.handle.close()
            raise

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn decoding and CSV syntax errors into DatasetError."""
        try:
            yield
        except UnicodeDecodeError:
            raise _error(self.name, self.reader.line_num + 1, None, "not UTF-8 text") from None
        except csv.Error as exc:
            raise _error(self.name, self.reader.line_num, None, f"not valid CSV ({exc})") from None

    def close(self) -> None:
        """Close the file."""
        self.handle.close()


def _check_header(name: str, header: list[str] | None, expected: Sequence[str]) -> dict[str, int]:
    if header is None:
        raise _error(name, None, None, "the file is empty (no header row)")
    positions = {column: i for i, column in enumerate(header)}
    for column in header:
        if column not in expected:
            raise _error(name, 1, column, f"unexpected column (expected {', '.join(expected)})")
    if len(positions) != len(header):
        raise _error(name, 1, None, "a column name appears twice")
    for column in expected:
        if column not in positions:
            raise _error(name, 1, None, f"missing column {column}")
    return positions


class _ResponseLoader:
    """Streams responses.csv into per-questionnaire answer matrices, validating each row."""

    def __init__(
        self, codebook: Codebook, municipality_area: dict[str, str], window_id: int
    ) -> None:
        self.codebook = codebook
        self.window_id = str(window_id)
        self.municipality_area = municipality_area
        self.index_of: dict[str, int] = {}
        self.meta: list[tuple[str, ...]] = []
        self.meta_row: list[int] = []
        # Parsed (questionnaire, item, value) -> (questionnaire no, column, code); most rows hit.
        self.cell_cache: dict[tuple[str, str, str], tuple[int, int, int]] = {}
        self.qkeys = list(codebook.questionnaires)
        self.columns = [
            {item.key: j for j, item in enumerate(q.choice_items)}
            for q in codebook.questionnaires.values()
        ]
        # Text items get columns after the choice items, used only for the duplicate check.
        self.text_items = [
            {item.key: len(q.choice_items) + j for j, item in enumerate(q.text_items)}
            for q in codebook.questionnaires.values()
        ]
        # Four ints per row of the file: response, questionnaire no, column, code.
        self.cells: list[int] = []
        self.free_text: list[FreeText] = []
        # Background values already checked; most responses repeat a few combinations.
        self.good_groups: set[tuple[str, ...]] = set()
        self.good_campaigns: set[str] = set()

    def check_meta(self, meta: tuple[str, ...], row: int) -> None:
        """Validate the background columns of a new response."""
        name = RESPONSES_FILE
        values = dict(zip(RESPONSE_META, meta, strict=True))
        if values["campaign_id"] not in self.good_campaigns:
            _check_campaign(name, row, values["campaign_id"], self.window_id)
            self.good_campaigns.add(values["campaign_id"])
        group = meta[1:]
        if group not in self.good_groups:
            self.check_group(values, row)
            self.good_groups.add(group)

    def check_group(self, values: dict[str, str], row: int) -> None:
        """Validate questionnaire, version, role, age band, place and language."""
        name = RESPONSES_FILE
        qkey = values["questionnaire"]
        questionnaire = self.codebook.questionnaires.get(qkey)
        if questionnaire is None:
            known = ", ".join(self.codebook.questionnaires) or "none"
            raise _error(
                name,
                row,
                "questionnaire",
                f"{qkey!r} is not a questionnaire in codebook.json (known: {known})",
            )
        version = values["questionnaire_version"]
        if not _INTEGER.fullmatch(version):
            raise _error(name, row, "questionnaire_version", f"{version!r} is not an integer")
        if int(version) != questionnaire.version:
            raise _error(
                name,
                row,
                "questionnaire_version",
                f"version {version} of {qkey} does not match codebook.json "
                f"(version {questionnaire.version})",
            )
        role = values["role"]
        if role != questionnaire.role:
            raise _error(
                name,
                row,
                "role",
                f"{role!r} does not match codebook.json, where {qkey} is answered by "
                f"{questionnaire.role}",
            )
        _check_group(
            name,
            row,
            role,
            values["age_band"],
            values["area"],
            values["municipality"],
            values["language_group"],
            values["child_attended"],
            self.municipality_area,
        )

    def parse_cell(self, qkey: str, item_key: str, value: str, row: int) -> tuple[int, int, int]:
        """Validate an (item, value) pair: (questionnaire no, column, code); code -1 is text."""
        q_no = self.qkeys.index(qkey)
        questionnaire = self.codebook.questionnaires[qkey]
        if item_key in self.text_items[q_no]:
            if value != "":
                raise _error(
                    RESPONSES_FILE,
                    row,
                    "value",
                    f"{value!r} given for text item {item_key}, which takes no value",
                )
            return q_no, self.text_items[q_no][item_key], -1
        column = self.columns[q_no].get(item_key)
        if column is None:
            owner = next(
                (
                    q.key
                    for q in self.codebook.questionnaires.values()
                    if any(i.key == item_key for i in q.items)
                ),
                None,
            )
            if owner is not None:
                message = f"{item_key!r} is an item of {owner}, not of {qkey}"
            else:
                message = f"{item_key!r} is not an item of {qkey} in codebook.json"
            raise _error(RESPONSES_FILE, row, "item", message)
        if value == "":
            return q_no, column, NO_ANSWER
        item = questionnaire.choice_items[column]
        scale = self.codebook.scale_of(item)
        if not _INTEGER.fullmatch(value):
            raise _error(RESPONSES_FILE, row, "value", f"{value!r} is not an integer")
        code = int(value)
        if code not in scale.codes:
            raise _error(
                RESPONSES_FILE,
                row,
                "value",
                f"{code} is not on scale {scale.key} ({scale_range(scale)}) for item {item_key}",
            )
        return q_no, column, code


def _check_campaign(name: str, row: int, value: str, window_id: str) -> None:
    """Every row is of the data set's window (window.json)."""
    if not _INTEGER.fullmatch(value):
        raise _error(name, row, "campaign_id", f"{value!r} is not an integer")
    if str(int(value)) != window_id:
        raise _error(
            name, row, "campaign_id", f"{value} is not the window of {WINDOW_FILE} ({window_id})"
        )


def _check_group(
    name: str,
    row: int,
    role: str,
    band: str,
    area: str,
    municipality: str,
    language_group: str,
    child_attended: str,
    municipality_area: dict[str, str],
) -> None:
    """A released class: known values, or "*" where the release generalised them."""
    if role not in ROLES:
        raise _error(name, row, "role", f"{role!r} is not a role ({', '.join(ROLES)})")
    if band not in (*AGE_BANDS, GENERALISED):
        raise _error(
            name, row, "age_band", f"{band!r} is not an age band ({', '.join(AGE_BANDS)} or *)"
        )
    if role in ROLE_AGE_BAND and band not in (ROLE_AGE_BAND[role], GENERALISED):
        raise _error(
            name,
            row,
            "age_band",
            f"{band} does not fit role {role} (age band {ROLE_AGE_BAND[role]})",
        )
    if area not in (*AREAS, GENERALISED):
        raise _error(name, row, "area", f"{area!r} is not an area ({', '.join(AREAS)} or *)")
    if not municipality:
        raise _error(name, row, "municipality", "empty")
    if area == GENERALISED and municipality != GENERALISED:
        raise _error(name, row, "municipality", f"{municipality} given where the area is *")
    if municipality != GENERALISED:
        known = municipality_area.setdefault(municipality, area)
        if known != area:
            # Municipality figures are suppressed within their area, so the nesting must hold.
            raise _error(
                name,
                row,
                "area",
                f"{municipality} is in {known} elsewhere in the data set, here in {area}",
            )
    if language_group not in (*LANGUAGE_GROUPS, GENERALISED):
        groups = ", ".join(LANGUAGE_GROUPS)
        raise _error(
            name,
            row,
            "language_group",
            f"{language_group!r} is not a language group ({groups} or *)",
        )
    if child_attended not in (*CHILD_ATTENDED, GENERALISED):
        raise _error(
            name,
            row,
            "child_attended",
            f"{child_attended!r} is not whether the child took part "
            f"({', '.join(CHILD_ATTENDED)} or *)",
        )


def _load_responses(
    path: Path,
    codebook: Codebook,
    municipality_area: dict[str, str],
    window_id: int,
    progress: LoadProgress | None,
) -> tuple[Responses, dict[str, AnswerMatrix], list[FreeText], int]:
    file = _CsvFile(path, RESPONSE_COLUMNS)
    positions = file.positions
    loader = _ResponseLoader(codebook, municipality_area, window_id)
    get_meta = itemgetter(*(positions[c] for c in RESPONSE_META))
    c_id, c_item, c_value, c_text = (positions[c] for c in ("response_id", "item", "value", "text"))
    q_in_meta = RESPONSE_META.index("questionnaire")
    width = len(RESPONSE_COLUMNS)
    index_of, metas, cache = loader.index_of, loader.meta, loader.cell_cache
    add_cell, add_parsed = loader.cells.append, loader.cells.extend
    expected_rows = _estimate_rows(path)
    row = 1
    # The loop body runs once per answer (a million times for 100k responses), so it keeps
    # to dict lookups and cached validation; anything seen before is not checked again.
    try:
        with file.errors():
            for record in file.reader:
                row += 1
                if len(record) != width:
                    if not record:
                        raise _error(RESPONSES_FILE, row, None, "empty row")
                    raise _error(
                        RESPONSES_FILE, row, None, f"expected {width} cells, got {len(record)}"
                    )
                rid = record[c_id]
                meta = get_meta(record)
                idx = index_of.get(rid)
                if idx is None:
                    if not _RESPONSE_ID.fullmatch(rid):
                        raise _error(
                            RESPONSES_FILE,
                            row,
                            "response_id",
                            f"{rid!r} is not 32 hexadecimal characters",
                        )
                    loader.check_meta(meta, row)
                    idx = len(metas)
                    index_of[rid] = idx
                    metas.append(meta)
                    loader.meta_row.append(row)
                elif metas[idx] != meta:
                    differing = next(
                        c for c, a, b in zip(RESPONSE_META, metas[idx], meta, strict=True) if a != b
                    )
                    raise _error(
                        RESPONSES_FILE,
                        row,
                        differing,
                        f"differs from row {loader.meta_row[idx]} of the same response",
                    )
                key = (meta[q_in_meta], record[c_item], record[c_value])
                parsed = cache.get(key)
                if parsed is None:
                    parsed = loader.parse_cell(*key, row)
                    cache[key] = parsed
                text = record[c_text]
                if text:
                    if parsed[2] >= 0:
                        raise _error(
                            RESPONSES_FILE, row, "text", f"choice item {key[1]} takes no text"
                        )
                    loader.free_text.append(FreeText(idx, key[1], unescape_cell(text)))
                add_cell(idx)
                add_parsed(parsed)
                if progress is not None and row % _PROGRESS_EVERY == 0:
                    progress(row, max(row, expected_rows))
    finally:
        file.close()
    responses = _build_responses(loader)
    answers = _build_matrices(loader, codebook, responses)
    return responses, answers, loader.free_text, row - 1


def _estimate_rows(path: Path) -> int:
    """Rows in a CSV file, estimated from the size and the first 64 KiB (for progress)."""
    with path.open("rb") as handle:
        head = handle.read(65_536)
    lines = max(head.count(b"\n"), 1)
    return max(1, path.stat().st_size * lines // max(len(head), 1))


def _build_responses(loader: _ResponseLoader) -> Responses:
    columns = list(zip(*loader.meta, strict=True)) if loader.meta else [() for _ in RESPONSE_META]
    by_name = dict(zip(RESPONSE_META, columns, strict=True))
    return Responses(
        ids=list(loader.index_of),
        campaign_id=np.array([int(v) for v in by_name["campaign_id"]], dtype=np.int64),
        questionnaire=list(by_name["questionnaire"]),
        version=np.array([int(v) for v in by_name["questionnaire_version"]], dtype=np.int64),
        role=list(by_name["role"]),
        age_band=list(by_name["age_band"]),
        area=list(by_name["area"]),
        municipality=list(by_name["municipality"]),
        language_group=list(by_name["language_group"]),
        child_attended=list(by_name["child_attended"]),
    )


def _build_matrices(
    loader: _ResponseLoader, codebook: Codebook, responses: Responses
) -> dict[str, AnswerMatrix]:
    cells = np.array(loader.cells, dtype=np.int64).reshape(-1, 4)
    # Row k of `cells` is row k + 2 of the file (after the header).
    file_rows = np.arange(2, len(cells) + 2)
    matrices: dict[str, AnswerMatrix] = {}
    for q_no, (qkey, questionnaire) in enumerate(codebook.questionnaires.items()):
        members = np.array(
            [i for i, q in enumerate(responses.questionnaire) if q == qkey], dtype=np.int64
        )
        n_choice = len(loader.columns[q_no])
        n_all = n_choice + len(loader.text_items[q_no])
        mine = cells[:, 1] == q_no
        response, column, code = cells[mine, 0], cells[mine, 2], cells[mine, 3]
        position = np.full(len(responses), -1, dtype=np.int64)
        position[members] = np.arange(len(members))
        keys = position[response] * max(n_all, 1) + column
        _check_duplicates(keys, file_rows[mine], column, questionnaire, n_choice)
        values = np.full((len(members), n_choice), NOT_SHOWN, dtype=np.int16)
        choice = column < n_choice
        values[position[response[choice]], column[choice]] = code[choice]
        matrices[qkey] = AnswerMatrix(questionnaire, members, questionnaire.choice_items, values)
    return matrices


def _check_duplicates(
    keys: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    columns: npt.NDArray[np.int64],
    questionnaire: Questionnaire,
    n_choice: int,
) -> None:
    if len(keys) < 2:
        return
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if len(repeated) == 0:
        return
    # Report the earliest row in the file that repeats an earlier answer.
    later = order[repeated + 1]
    earlier = order[repeated]
    first = int(np.argmin(rows[later]))
    column = int(columns[later[first]])
    item = (
        questionnaire.choice_items[column].key
        if column < n_choice
        else questionnaire.text_items[column - n_choice].key
    )
    raise _error(
        RESPONSES_FILE,
        int(rows[later[first]]),
        "item",
        f"item {item} answered twice in one response (also row {int(rows[earlier[first]])})",
    )


def _load_invitations(path: Path, municipality_area: dict[str, str], window_id: int) -> Invitations:
    file = _CsvFile(path, INVITATION_COLUMNS)
    c_campaign = file.positions["campaign_id"]
    good_campaigns: set[str] = set()
    get_group = itemgetter(*(file.positions[c] for c in GROUP_COLUMNS))
    get_flags = itemgetter(*(file.positions[c] for c in INVITATION_FLAGS))
    width = len(INVITATION_COLUMNS)
    classes: dict[Cell, InvitationCounts] = {}
    flag_cache: dict[tuple[str, ...], InvitationCounts] = {}
    row = 1
    try:
        with file.errors():
            for record in file.reader:
                row += 1
                if len(record) != width:
                    raise _error(
                        INVITATIONS_FILE, row, None, f"expected {width} cells, got {len(record)}"
                    )
                if record[c_campaign] not in good_campaigns:
                    _check_campaign(INVITATIONS_FILE, row, record[c_campaign], str(window_id))
                    good_campaigns.add(record[c_campaign])
                cell: Cell = get_group(record)
                if cell not in classes:
                    _check_group(INVITATIONS_FILE, row, *cell, municipality_area)
                    classes[cell] = InvitationCounts()
                raw_flags = get_flags(record)
                counts = flag_cache.get(raw_flags)
                if counts is None:
                    for stage, value in zip(INVITATION_FLAGS, raw_flags, strict=True):
                        if value not in ("0", "1"):
                            raise _error(INVITATIONS_FILE, row, stage, f"{value!r} is not 0 or 1")
                    counts = InvitationCounts(1, *(int(v) for v in raw_flags))
                    flag_cache[raw_flags] = counts
                classes[cell] = classes[cell] + counts
    finally:
        file.close()
    return Invitations(classes)


def _load_funnel(path: Path) -> dict[str, FunnelCounts]:
    file = _CsvFile(path, FUNNEL_COLUMNS)
    funnel: dict[str, FunnelCounts] = {}
    row = 1
    try:
        with file.errors():
            for record in file.reader:
                row += 1
                if len(record) != len(FUNNEL_COLUMNS):
                    raise _error(
                        FUNNEL_FILE,
                        row,
                        None,
                        f"expected {len(FUNNEL_COLUMNS)} cells, got {len(record)}",
                    )
                values = {c: record[i] for c, i in file.positions.items()}
                role = values["role"]
                if role not in ROLES:
                    raise _error(FUNNEL_FILE, row, "role", f"{role!r} is not a role")
                if role in funnel:
                    raise _error(FUNNEL_FILE, row, "role", f"{role} appears twice")
                counts = []
                for column in FUNNEL_COLUMNS[1:]:
                    if not values[column].isdecimal() or not values[column].isascii():
                        raise _error(FUNNEL_FILE, row, column, f"{values[column]!r} is not a count")
                    counts.append(int(values[column]))
                funnel[role] = FunnelCounts(*counts)
    finally:
        file.close()
    return funnel


def _count(record: dict[str, str], column: str, row: int) -> int:
    value = record[column]
    if not value.isdecimal() or not value.isascii():
        raise _error(SERVICES_FILE, row, column, f"{value!r} is not a count")
    return int(value)


def _load_services(
    path: Path, window_id: int, role_totals: dict[str, ServiceCounts]
) -> ServiceTable:
    """services.csv: per (role, service), invitations and responses of meetings it was at.

    A meeting has several services, so the rows overlap and need not add up to anything; each
    is still a part of its role, so it can be no larger than the role in the other files.
    """
    if not path.exists():
        # The service writes it for every window, if only its header: a missing file means
        # the folder is incomplete, not that no service was registered.
        raise _error(
            SERVICES_FILE,
            None,
            None,
            f"file not found in {path.parent} (every data set of format {DATASET_FORMAT} has "
            "one, with only its header row when no service count could be published)",
        )
    file = _CsvFile(path, SERVICE_COLUMNS)
    services: ServiceTable = {}
    first_row: dict[tuple[str, str], int] = {}
    row = 1
    try:
        with file.errors():
            for raw in file.reader:
                row += 1
                if len(raw) != len(SERVICE_COLUMNS):
                    raise _error(
                        SERVICES_FILE,
                        row,
                        None,
                        f"expected {len(SERVICE_COLUMNS)} cells, got {len(raw)}",
                    )
                record = {c: raw[i] for c, i in file.positions.items()}
                _check_campaign(SERVICES_FILE, row, record["campaign_id"], str(window_id))
                key = _service_key(record, row)
                if key in first_row:
                    raise _error(
                        SERVICES_FILE,
                        row,
                        "service",
                        f"{key[1]} of role {key[0]} appears twice (also row {first_row[key]})",
                    )
                first_row[key] = row
                counts = ServiceCounts(
                    _count(record, "invited", row), _count(record, "completed", row)
                )
                _check_service_counts(
                    counts, role_totals.get(key[0], ServiceCounts(0, 0)), key, row
                )
                services[key] = counts
    finally:
        file.close()
    return services


def _service_key(record: dict[str, str], row: int) -> tuple[str, str]:
    role, service = record["role"], record["service"]
    if role not in ROLES:
        raise _error(SERVICES_FILE, row, "role", f"{role!r} is not a role ({', '.join(ROLES)})")
    if service not in SERVICES:
        raise _error(
            SERVICES_FILE,
            row,
            "service",
            f"{service!r} is not a service ({', '.join(SERVICES)})",
        )
    return role, service


def _check_service_counts(
    counts: ServiceCounts, role_total: ServiceCounts, key: tuple[str, str], row: int
) -> None:
    if counts.completed > counts.invited:
        raise _error(
            SERVICES_FILE,
            row,
            "completed",
            f"{counts.completed} responses is more than the {counts.invited} invited",
        )
    # A service's meetings are some of its role's: more would mean the files disagree.
    if counts.invited > role_total.invited:
        raise _error(
            SERVICES_FILE,
            row,
            "invited",
            f"{counts.invited} is more than the {role_total.invited} invitations of role "
            f"{key[0]} in {INVITATIONS_FILE}",
        )
    if counts.completed > role_total.completed:
        raise _error(
            SERVICES_FILE,
            row,
            "completed",
            f"{counts.completed} is more than the {role_total.completed} responses of role "
            f"{key[0]} in {RESPONSES_FILE}",
        )


def _role_totals(invitations: Invitations, responses: Responses) -> dict[str, ServiceCounts]:
    invited: dict[str, int] = {}
    for cell, counts in invitations.classes.items():
        invited[cell[0]] = invited.get(cell[0], 0) + counts.invited
    completed: dict[str, int] = {}
    for role in responses.role:
        completed[role] = completed.get(role, 0) + 1
    return {
        role: ServiceCounts(invited.get(role, 0), completed.get(role, 0))
        for role in set(invited) | set(completed)
    }


def _timestamp(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise _error(WINDOW_FILE, None, None, f"{key} must be a date and time (ISO 8601)")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _error(WINDOW_FILE, None, None, f"{key} {value!r} is not ISO 8601") from None
    return value


def load_window(path: Path) -> Window:
    """Read and validate window.json: {format, id, name, opens_at, closes_at, status}.

    The format is the data set's (DATASET_FORMAT): window.json is the one file that names it.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _error(WINDOW_FILE, None, None, f"file not found in {path.parent}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise _error(WINDOW_FILE, None, None, f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _error(WINDOW_FILE, None, None, "must be a JSON object")
    if data.get("format") != DATASET_FORMAT:
        # Checked first: an older data set would otherwise fail on its first missing column.
        raise _error(
            WINDOW_FILE,
            None,
            None,
            f"data set format {json.dumps(data.get('format'))}, expected {DATASET_FORMAT} "
            "(export the window again with the current version of the service)",
        )
    window_id, name, status = data.get("id"), data.get("name"), data.get("status")
    if not isinstance(window_id, int) or isinstance(window_id, bool):
        raise _error(WINDOW_FILE, None, None, "id must be an integer")
    if not isinstance(name, str):
        raise _error(WINDOW_FILE, None, None, "name must be text")
    if status not in WINDOW_STATUSES:
        raise _error(
            WINDOW_FILE, None, None, f"status {status!r} is not one of {', '.join(WINDOW_STATUSES)}"
        )
    opens_at, closes_at = _timestamp(data, "opens_at"), _timestamp(data, "closes_at")
    return Window(window_id, name, opens_at, closes_at, str(status))


def load_dataset(path: Path, progress: LoadProgress | None = None) -> Dataset:
    """Read and validate a data set folder; raise DatasetError naming file, row and column."""
    path = Path(path)
    if not path.is_dir():
        raise DatasetError(f"{path}: not a folder")
    codebook = load_codebook(path / CODEBOOK_FILE)
    window = load_window(path / WINDOW_FILE)
    municipality_area: dict[str, str] = {}
    invitations = _load_invitations(path / INVITATIONS_FILE, municipality_area, window.id)
    funnel = _load_funnel(path / FUNNEL_FILE)
    responses, answers, free_text, answer_rows = _load_responses(
        path / RESPONSES_FILE, codebook, municipality_area, window.id, progress
    )
    # Read last: its rows are checked against the role totals of the other two files.
    services = _load_services(path / SERVICES_FILE, window.id, _role_totals(invitations, responses))
    return Dataset(
        path,
        codebook,
        window,
        responses,
        answers,
        invitations,
        funnel,
        free_text,
        answer_rows,
        services,
    )
