"""dataset.xlsx and responses.sav open and round-trip to the CSV files."""

from __future__ import annotations

import csv
import errno
import gc
import math
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
from xlsxwriter.exceptions import FileCreateError

from analysis import exports
from analysis.contract import RESPONSE_COLUMNS
from analysis.dataset import load_dataset
from analysis.exports import SAV_NO_ANSWER, XLSX_MAX_ROWS, write_sav, write_xlsx
from analysis.results import Results

from .builders import Response, invitation, write_dataset


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def as_text(value: object) -> str:
    return "" if value is None else str(value)


def padded(row: tuple[object, ...], width: int = 12) -> tuple[object, ...]:
    """A worksheet row with the empty trailing cells (not written) put back as None."""
    return row + (None,) * (width - len(row))


def test_xlsx_has_one_sheet_per_file_and_a_codebook(
    simulated: Path, analysed: tuple[Path, Results]
) -> None:
    workbook = openpyxl.load_workbook(analysed[0] / "dataset.xlsx", read_only=True)
    try:
        assert workbook.sheetnames == [
            "responses",
            "invitations",
            "funnel",
            "services",
            "codebook",
        ]
        for name in ("responses", "invitations", "funnel", "services"):
            rows = read(simulated / f"{name}.csv")
            sheet = [
                padded(row, len(rows[0])) for row in workbook[name].iter_rows(values_only=True)
            ]
            assert len(sheet) == len(rows)
            assert [[as_text(v) for v in row] for row in sheet] == rows
        first = next(workbook["responses"].iter_rows(min_row=2, max_row=2, values_only=True))
        assert isinstance(first[1], int)  # campaign_id is a number, not text
        codebook = list(workbook["codebook"].iter_rows(values_only=True))
        assert codebook[0][:5] == ("questionnaire", "version", "role", "title", "item")
        assert len(codebook) == 1 + 13 + 7 + 9 + 2
        agree4 = next(row for row in codebook if row[4] == "G3")
        assert agree4[11].startswith("4 = Ja, helt; 3 = Ja, delvis")
        # The background columns a reader of the sheets must decode.
        background = {row[4]: row[11] for row in codebook if row[3] == "Bakgrund"}
        assert background == {
            "child_attended": "yes = Ja; partly = En del av mötet; no = Nej; "
            "* = ej angiven eller sammanslagen",
            "service": "social_services = Socialtjänst; primary_care = Primärvård; "
            "school_health = Skola och elevhälsa; child_psychiatry = Barn- och "
            "ungdomspsykiatri; habilitation = Habilitering; other = Annan verksamhet",
        }
    finally:
        workbook.close()


def test_xlsx_keeps_formula_text_as_text(simulated: Path, analysed: tuple[Path, Results]) -> None:
    workbook = openpyxl.load_workbook(analysed[0] / "dataset.xlsx", read_only=True)
    try:
        rows = [padded(row) for row in workbook["responses"].iter_rows(min_row=2, values_only=True)]
        texts = [row[11] for row in rows if row[11]]
    finally:
        workbook.close()
    assert texts
    assert not any(str(t).startswith(("=", "+", "-", "@")) for t in texts)


def test_xlsx_row_limit_is_excel_s() -> None:
    assert XLSX_MAX_ROWS == 2**20 - 1


def test_a_file_longer_than_a_sheet_continues_on_the_next(
    simulated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Excel's real limit takes a million rows to reach; the rule is the same at 100.
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 100)
    write_xlsx(load_dataset(simulated), tmp_path / "dataset.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "dataset.xlsx", read_only=True)
    try:
        rows = read(simulated / "responses.csv")
        parts = [name for name in workbook.sheetnames if name.startswith("responses")]
        expected = -(-(len(rows) - 1) // 100)
        assert parts == ["responses"] + [f"responses ({n})" for n in range(2, expected + 1)]
        sheets = [
            [[as_text(v) for v in padded(r)] for r in workbook[part].iter_rows(values_only=True)]
            for part in parts
        ]
        assert all(sheet[0] == rows[0] for sheet in sheets)  # each part has the header
        assert all(len(sheet) == 101 for sheet in sheets[:-1])
        assert [row for sheet in sheets for row in sheet[1:]] == rows[1:]
    finally:
        workbook.close()


def test_an_unwritable_xlsx_path_is_an_os_error(simulated: Path, tmp_path: Path) -> None:
    # The CLI and `flask report` turn an OSError into "cannot write …", not a traceback.
    with pytest.raises(FileNotFoundError):
        write_xlsx(load_dataset(simulated), tmp_path / "missing" / "dataset.xlsx")


# The writer leaves its zip file open when a write fails; when it is collected, its close
# fails on the full disk once more, which Python can only report as "Exception ignored".
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_full_disk_while_writing_xlsx_is_an_os_error(simulated: Path) -> None:
    # /dev/full opens but refuses every write: the disk is full.
    with pytest.raises(OSError, match="No space left on device") as caught:
        write_xlsx(load_dataset(simulated), Path("/dev/full"))
    assert caught.value.errno == errno.ENOSPC
    del caught
    gc.collect()  # here, inside this test, not at the end of the session


def test_the_writer_s_own_error_is_unwrapped_to_its_os_error(
    simulated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # xlsxwriter reports a failed write as FileCreateError, which is no OSError; here the
    # failure is the writer's alone (on /dev/full our own file's close fails as well).
    # The real close runs first, so the writer's temporary files are closed as usual.
    close = exports.Workbook.close

    def fail_after_closing(workbook: Any) -> None:
        close(workbook)
        raise FileCreateError(OSError(errno.EIO, "Input/output error"))

    monkeypatch.setattr(exports.Workbook, "close", fail_after_closing)
    with pytest.raises(OSError, match="Input/output error") as caught:
        write_xlsx(load_dataset(simulated), tmp_path / "dataset.xlsx")
    assert caught.value.errno == errno.EIO


def test_sav_round_trips_with_labels(simulated: Path, analysed: tuple[Path, Results]) -> None:
    data, meta = pyreadstat.read_sav(
        str(analysed[0] / "responses.sav"), output_format="dict", user_missing=True
    )
    rows = read(simulated / "responses.csv")
    header = rows[0]
    ids = list(dict.fromkeys(r[0] for r in rows[1:]))
    assert list(data["response_id"]) == ids
    assert meta.number_rows == 160
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["G3"] == "G3 Lyssnade de andra på mötet på det du sa?"
    assert meta.variable_value_labels["G3"][4.0] == "Ja, helt"
    assert meta.variable_value_labels["G3"][float(SAV_NO_ANSWER)] == "Vet inte / ej aktuellt"
    assert meta.variable_value_labels["C2"][2.0] == "Lite"
    assert meta.missing_ranges["G3"] == [{"lo": SAV_NO_ANSWER, "hi": SAV_NO_ANSWER}]
    # Every answer in the long file is in the wide file: value, 99 for no answer, or text.
    position = {rid: i for i, rid in enumerate(ids)}
    item, value, text = header.index("item"), header.index("value"), header.index("text")
    seen = set()
    for row in rows[1:]:
        i = position[row[0]]
        seen.add((i, row[item]))
        cell = data[row[item]][i]
        if row[item] in ("G12", "Y8"):
            assert cell == row[text].removeprefix("'")
        elif row[value]:
            assert cell == float(row[value])
        else:
            assert cell == SAV_NO_ANSWER
    # Items without a row (not shown, or another questionnaire) are system-missing.
    for key in ("G3", "C3", "Y3"):
        for i, cell in enumerate(data[key]):
            if (i, key) not in seen:
                assert cell is None or (isinstance(cell, float) and math.isnan(cell))


def test_sav_without_user_missing_drops_no_answer(analysed: tuple[Path, Results]) -> None:
    data, _ = pyreadstat.read_sav(
        str(analysed[0] / "responses.sav"), output_format="dict", usecols=["G4"]
    )
    values = [v for v in data["G4"] if v is not None and not math.isnan(v)]
    assert values
    assert set(values) <= {1.0, 2.0, 3.0, 4.0}


def test_sav_items_are_one_digit_with_value_labels_and_no_date(
    analysed: tuple[Path, Results],
) -> None:
    _, meta = pyreadstat.read_sav(
        str(analysed[0] / "responses.sav"), output_format="dict", metadataonly=True
    )
    formats = meta.original_variable_types
    for key in ("G0", "G3", "G11", "C2", "Y5"):
        assert formats[key] == "F1.0"
        assert meta.variable_value_labels[key]
    assert meta.variable_value_labels["G3"][float(SAV_NO_ANSWER)] == "Vet inte / ej aktuellt"
    assert "submitted_on" not in meta.column_names
    assert "language_group" in meta.column_names
    assert not any(t is not None and t.startswith("DATE") for t in formats.values())


def test_exports_survive_control_characters_and_formula_text(tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "data",
        [Response({"G0": 3, "G12": "Bra\x0bmö\x00te"}), Response({"G0": 3, "G12": "=1+1"})],
        [invitation(), invitation()],
    )
    dataset = load_dataset(folder)
    write_xlsx(dataset, tmp_path / "dataset.xlsx")
    write_sav(dataset, tmp_path / "responses.sav")
    workbook = openpyxl.load_workbook(tmp_path / "dataset.xlsx")
    try:
        text = RESPONSE_COLUMNS.index("text")
        rows = list(workbook["responses"].iter_rows(min_row=2))
        cells = [row[text].value for row in rows if row[text].value]
        assert cells == ["Bramöte", "'=1+1"]
        kinds = {row[text].data_type for row in rows if row[text].value}
        assert kinds == {"s"}  # text, never a formula
    finally:
        workbook.close()
    data, _ = pyreadstat.read_sav(str(tmp_path / "responses.sav"), output_format="dict")
    assert list(data["G12"]) == ["Bra\x0bmöte", "=1+1"]  # no NUL, nothing cut off
