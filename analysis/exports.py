"""Exports for analysts: the data set as XLSX and SPSS .sav, and the free-text answers."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pyreadstat.pyclasses import MissingRange
from xlsxwriter import Workbook
from xlsxwriter.exceptions import FileCreateError

from analysis.anonymity import GENERALISED
from analysis.codebook import (
    CHILD_ATTENDED_LABELS,
    CHILD_ATTENDED_MEANING,
    SERVICE_LABELS,
    SERVICES_MEANING,
    Codebook,
    Questionnaire,
)
from analysis.contract import (
    FUNNEL_COUNTERS,
    FUNNEL_FILE,
    INVITATION_FLAGS,
    SERVICES_FILE,
    escape_cell,
)
from analysis.dataset import (
    INVITATIONS_FILE,
    NO_ANSWER,
    NOT_SHOWN,
    RESPONSES_FILE,
    Dataset,
)

XLSX_FILE = "dataset.xlsx"
SAV_FILE = "responses.sav"
# SPSS code for "shown but not answered"; declared user-missing so it never enters a mean.
# One digit, like every scale value, so items are F1.0.
SAV_NO_ANSWER = 9
SAV_ITEM_FORMAT = "F1.0"
# Excel's limit is 1,048,576 rows including the header; longer files continue on a new sheet.
XLSX_MAX_ROWS = 1_048_575
FREE_TEXT_WARNING = (
    "VARNING: fritextsvar kan innehålla namn och andra uppgifter som pekar ut personer. "
    "Granska och avidentifiera innan något delas. Rubrikraden är rad 2."
)
FREE_TEXT_COLUMNS = (
    "response_id",
    "questionnaire",
    "role",
    "area",
    "municipality",
    "item",
    "question",
    "text",
)
_INTEGER_COLUMNS = {
    RESPONSES_FILE: {"campaign_id", "questionnaire_version", "value"},
    INVITATIONS_FILE: set(INVITATION_FLAGS),
    FUNNEL_FILE: set(FUNNEL_COUNTERS),
    SERVICES_FILE: {"campaign_id", "invited", "completed"},
}
#: The data set's CSV files, each a sheet of the workbook (named without .csv).
XLSX_SHEETS = (RESPONSES_FILE, INVITATIONS_FILE, FUNNEL_FILE, SERVICES_FILE)
META_LABELS = {
    "response_id": "Svarets id",
    "campaign_id": "Insamlingsperiod",
    "questionnaire": "Enkät",
    "questionnaire_version": "Enkätversion",
    "role": "Roll",
    "age_band": "Barnets åldersgrupp",
    "area": "Område",
    "municipality": "Kommun",
    "language_group": "Språkgrupp (sv = svenska, other = annat språk, * = ej angiven)",
    # Text values, like language_group, so their labels go in the variable's label.
    "child_attended": (
        "Barnet var med på mötet (yes = ja, partly = en del av mötet, no = nej, * = ej angivet)"
    ),
}

RowProgress = Callable[[int, int], None]
# Control characters a worksheet cannot hold (XML 1.0 forbids them; tab and newlines are fine).
_NOT_IN_A_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Rows stream to disk, and text stays text: free text is data, never a formula, link or number.
_XLSX_OPTIONS = {
    "constant_memory": True,  # memory stays flat at any size
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "use_zip64": True,  # only where a part passes 4 GB, as zipfile (and openpyxl) would
}


def write_free_text(dataset: Dataset, path: Path) -> int:
    """free_text.csv with a warning first row; returns the number of answers written."""
    responses = dataset.responses
    questions = {
        item.key: item.text
        for q in dataset.codebook.questionnaires.values()
        for item in q.text_items
    }
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([FREE_TEXT_WARNING])
        writer.writerow(FREE_TEXT_COLUMNS)
        for answer in dataset.free_text:
            i = answer.response
            writer.writerow(
                [
                    escape_cell(v)
                    for v in (
                        responses.ids[i],
                        responses.questionnaire[i],
                        responses.role[i],
                        responses.area[i],
                        responses.municipality[i],
                        answer.item,
                        questions.get(answer.item, ""),
                        answer.text,
                    )
                ]
            )
    return len(dataset.free_text)


def _typed_rows(path: Path) -> Iterator[list[Any]]:
    """Rows of an already validated CSV file, ready for a worksheet.

    Integer columns become numbers and empty cells None (the writer then writes no cell).
    Free-form text is kept as in the file (with the contract's ' prefix) but stripped of
    control characters, which a worksheet cannot hold, and guarded once more against
    formulas, so that a copy pasted elsewhere still starts with the contract's prefix.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        yield header
        integer = [i for i, c in enumerate(header) if c in _INTEGER_COLUMNS[path.name]]
        free_form = [i for i, c in enumerate(header) if c == "text"]
        for record in reader:
            row: list[Any] = record
            for i in integer:
                row[i] = int(record[i]) if record[i] else None
            for i in free_form:
                value = record[i]
                if value:
                    row[i] = escape_cell(_NOT_IN_A_CELL.sub("", value))
                else:
                    row[i] = None
            yield row


def _codebook_rows(codebook: Codebook) -> Iterator[list[Any]]:
    yield [
        "questionnaire",
        "version",
        "role",
        "title",
        "item",
        "type",
        "text",
        "scale",
        "dimension",
        "parallel",
        "max_length",
        "values",
        "positive",
        "no_answer_label",
        "common_positive",
        "common_partly",
        "common_negative",
    ]
    for qkey, questionnaire in codebook.questionnaires.items():
        for item in questionnaire.items:
            scale = item.scale
            row: list[Any] = [
                qkey,
                questionnaire.version,
                questionnaire.role,
                questionnaire.title,
                item.key,
                item.type,
                item.text,
                scale.key if scale else None,
                item.dimension,
                item.parallel,
                item.max_length,
            ]
            if scale is None:
                row += [None] * 6
            else:
                common = scale.common
                row += [
                    "; ".join(f"{v.value} = {v.label}" for v in scale.options),
                    ", ".join(str(v) for v in scale.codes if v in scale.positive),
                    scale.no_answer,
                    *(
                        ", ".join(str(v) for v in scale.codes if common.get(v) == category) or None
                        for category in ("positive", "partly", "negative")
                    ),
                ]
            yield [escape_cell(v) if isinstance(v, str) else v for v in row]
    yield from _background_rows()


def _background_rows() -> Iterator[list[Any]]:
    """The group variables a reader of the sheets needs decoded: the child's attendance (a
    column of responses and invitations) and the services (the services sheet)."""
    generalised = f"{GENERALISED} = ej angiven eller sammanslagen"
    for key, meaning, labels, extra in (
        ("child_attended", CHILD_ATTENDED_MEANING, CHILD_ATTENDED_LABELS, [generalised]),
        ("service", SERVICES_MEANING, SERVICE_LABELS, []),
    ):
        values = "; ".join([*(f"{code} = {label}" for code, label in labels.items()), *extra])
        yield [None, None, None, "Bakgrund", key, "group", meaning, None, None, None, None, values]


def write_xlsx(dataset: Dataset, path: Path, progress: RowProgress | None = None) -> None:
    """The data set as one workbook: responses, invitations, funnel, services and codebook."""
    # Opened first, so that a path that cannot be written fails at once (an OSError, which
    # every caller reports as "cannot write"), not after minutes of rows.
    with path.open("wb") as out:
        # xlsxwriter rather than openpyxl: it only writes, row by row, in about 60 % of the
        # CPU time a cell (benchmarks/ANALYSIS.md), and large data sets are all cells.
        workbook = Workbook(out, _XLSX_OPTIONS)
        _add_sheets(workbook, dataset, progress)
        try:
            workbook.close()
        except FileCreateError as error:  # the writer wraps the OSError of a failed write
            cause = error.args[0] if error.args else None
            raise cause if isinstance(cause, OSError) else OSError(str(error)) from error


def _add_sheets(workbook: Workbook, dataset: Dataset, progress: RowProgress | None) -> None:
    total = (
        dataset.answer_rows + len(dataset.invitations) + len(dataset.funnel) + len(dataset.services)
    )
    written = 0
    for name in XLSX_SHEETS:
        rows = _typed_rows(dataset.path / name)
        header = next(rows)
        title = name.removesuffix(".csv")
        sheet = workbook.add_worksheet(title)
        sheet.write_row(0, 0, header)
        row_number = 0
        part = 1
        for row in rows:
            if row_number == XLSX_MAX_ROWS:
                part += 1
                sheet = workbook.add_worksheet(f"{title} ({part})")
                sheet.write_row(0, 0, header)
                row_number = 0
            row_number += 1
            sheet.write_row(row_number, 0, row)
            written += 1
            if progress is not None and written % 50_000 == 0:
                progress(written, total)
    sheet = workbook.add_worksheet("codebook")
    for row_number, codebook_row in enumerate(_codebook_rows(dataset.codebook)):
        sheet.write_row(row_number, 0, codebook_row)


def _label(text: str, limit: int = 250) -> str:
    # SPSS stores labels in bytes; cut on a character boundary within the byte limit.
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


def _item_labels(questionnaire: Questionnaire) -> dict[str, str]:
    return {item.key: _label(f"{item.key} {item.text}") for item in questionnaire.items}


def write_sav(dataset: Dataset, path: Path) -> None:
    """SPSS file, one row per response; no answer is 9 (user-missing), not shown is empty."""
    # pyreadstat writes only from a pandas or polars data frame.
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    import pyreadstat

    codebook = dataset.codebook
    responses = dataset.responses
    n = len(responses)
    columns: dict[str, Any] = {
        "response_id": responses.ids,
        "campaign_id": responses.campaign_id.astype(float),
        "questionnaire": responses.questionnaire,
        "questionnaire_version": responses.version.astype(float),
        "role": responses.role,
        "age_band": responses.age_band,
        "area": responses.area,
        "municipality": responses.municipality,
        "language_group": responses.language_group,
        "child_attended": responses.child_attended,
    }
    column_labels = dict(META_LABELS)
    value_labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[int | float | str | MissingRange]] = {}
    texts: dict[str, list[str]] = {}
    for qkey, questionnaire in codebook.questionnaires.items():
        column_labels |= _item_labels(questionnaire)
        matrix = dataset.answers[qkey]
        for j, item in enumerate(matrix.items):
            scale = codebook.scale_of(item)
            data = [float("nan")] * n
            for row, value in zip(
                matrix.responses.tolist(), matrix.values[:, j].tolist(), strict=True
            ):
                if value == NO_ANSWER:
                    data[row] = float(SAV_NO_ANSWER)
                elif value != NOT_SHOWN:
                    data[row] = float(value)
            columns[item.key] = data
            value_labels[item.key] = {float(v.value): _label(v.label, 120) for v in scale.options}
            value_labels[item.key][float(SAV_NO_ANSWER)] = _label(
                scale.no_answer or "Inget svar", 120
            )
            missing[item.key] = [float(SAV_NO_ANSWER)]
        for item in questionnaire.text_items:
            texts[item.key] = [""] * n
    for answer in dataset.free_text:
        # A NUL would end the string early in the SAV file's C library.
        texts[answer.item][answer.response] = answer.text.replace("\x00", "")
    columns |= texts
    frame = pd.DataFrame(columns)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={k: v for k, v in column_labels.items() if k in frame.columns},
        variable_value_labels=value_labels,
        missing_ranges=missing,
        variable_measure={key: "ordinal" for key in value_labels},
        variable_format={key: SAV_ITEM_FORMAT for key in value_labels}
        | {"campaign_id": "F8.0", "questionnaire_version": "F3.0"},
    )
