"""Loading and validation: every contract breach names the file, row and column."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.dataset import NO_ANSWER, NOT_SHOWN, ServiceCounts, load_dataset
from analysis.errors import DatasetError

from .builders import Response, invitation, write_dataset

GUARDIAN = {"G0": 3, "G1": 4, "G2": 4, "G3": 3, "G4": None, "G12": "'=Bra möte"}


def base(folder: Path) -> Path:
    """Two guardians and a child, three invitations; row 5 of responses.csv is G3 = 3."""
    responses = [
        Response(GUARDIAN),
        Response({"G0": 1, "G11": 2}, area="Södra Lappland", municipality="Malå"),
        Response({"C0": 3, "C2": 2, "C5": None}, role="child"),
    ]
    invitations = [
        invitation(),
        invitation("guardian", "Södra Lappland", "Malå"),
        invitation("child"),
    ]
    services = {("guardian", "social_services"): (2, 2), ("child", "school_health"): (1, 1)}
    return write_dataset(folder, responses, invitations, services=services)


def edit_csv(name: str, change: Callable[[list[list[str]]], object]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        change(rows)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(rows)

    return apply


def set_cell(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell; row counts the header as row 1, as the error messages do."""

    def change(rows: list[list[str]]) -> None:
        rows[row - 1][rows[0].index(column)] = value

    return edit_csv(name, change)


def edit_codebook(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / "codebook.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")

    return apply


def remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def change(rows: list[list[str]]) -> None:
        i = rows[0].index(column)
        for row in rows:
            del row[i]

    return edit_csv(name, change)


def set_scale(item: int, scale: str) -> Callable[[Path], None]:
    def change(data: dict) -> None:
        data["questionnaires"]["sip-guardian"]["items"][item]["scale"] = scale

    return edit_codebook(change)


def duplicate_row(row: int) -> Callable[[Path], None]:
    return edit_csv("responses.csv", lambda rows: rows.append(list(rows[row - 1])))


def edit_window(key: str, value: object) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / "window.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data[key] = value
        path.write_text(json.dumps(data), encoding="utf-8")

    return apply


R = "responses.csv"
INV = "invitations.csv"
S = "services.csv"
# A breakage may return what its last call returned (a count of bytes written...): unused.
CASES: list[tuple[str, Callable[[Path], object], str]] = [
    (
        "an older data set",
        edit_window("format", 3),
        "window.json: data set format 3, expected 4 (export the window again",
    ),
    (
        "attendance not one of the answers",
        set_cell(R, 2, "child_attended", "maybe"),
        "responses.csv, row 2, column child_attended: 'maybe' is not whether the child took "
        "part (yes, partly, no or *)",
    ),
    (
        "attendance in Swedish",
        set_cell(INV, 3, "child_attended", "ja"),
        "invitations.csv, row 3, column child_attended: 'ja' is not whether the child took part",
    ),
    (
        "attendance differs within a response",
        set_cell(R, 4, "child_attended", "no"),
        "responses.csv, row 4, column child_attended: differs from row 2 of the same response",
    ),
    (
        "invitations without attendance",
        drop_column(INV, "child_attended"),
        "invitations.csv, row 1: missing column child_attended",
    ),
    (
        "missing services",
        remove(S),
        "services.csv: file not found in",
    ),
    (
        "unknown service",
        set_cell(S, 2, "service", "dentist"),
        "services.csv, row 2, column service: 'dentist' is not a service (social_services, "
        "primary_care, school_health, child_psychiatry, habilitation, other)",
    ),
    (
        "service of an unknown role",
        set_cell(S, 3, "role", "parent"),
        "services.csv, row 3, column role: 'parent' is not a role",
    ),
    (
        "service count negative",
        set_cell(S, 2, "invited", "-1"),
        "services.csv, row 2, column invited: '-1' is not a count",
    ),
    (
        "service count not a number",
        set_cell(S, 3, "completed", "1.0"),
        "services.csv, row 3, column completed: '1.0' is not a count",
    ),
    (
        "service with more responses than invitations",
        set_cell(S, 3, "completed", "2"),
        "services.csv, row 3, column completed: 2 responses is more than the 1 invited",
    ),
    (
        "service larger than its role",
        set_cell(S, 2, "invited", "5"),
        "services.csv, row 2, column invited: 5 is more than the 2 invitations of role guardian "
        "in invitations.csv",
    ),
    (
        "service of another window",
        set_cell(S, 2, "campaign_id", "9"),
        "services.csv, row 2, column campaign_id: 9 is not the window of window.json (1)",
    ),
    (
        "service twice",
        edit_csv(S, lambda rows: rows.append(list(rows[1]))),
        "services.csv, row 4, column service: social_services of role guardian appears twice "
        "(also row 2)",
    ),
    (
        "services short row",
        edit_csv(S, lambda rows: rows[1].pop()),
        "services.csv, row 2: expected 5 cells, got 4",
    ),
    (
        "codebook residual class of the old shape",
        edit_codebook(
            lambda d: d["release"].__setitem__(
                "residual",
                [{"role": "youth", **dict.fromkeys(("age_band", "area"), "*")}],
            )
        ),
        "codebook.json, release, residual: each class needs role, age_band, area, municipality, "
        "language_group, child_attended",
    ),
    (
        "codebook without attendance labels",
        edit_codebook(lambda d: d["release"].pop("child_attended")),
        "codebook.json, release, child_attended: expected an object with meaning and values",
    ),
    (
        "codebook with a service missing",
        edit_codebook(lambda d: d["release"]["services"]["values"].pop("other")),
        "codebook.json, release, services, values: expected labels for social_services",
    ),
    ("missing window", remove("window.json"), "window.json: file not found"),
    ("window status", edit_window("status", "open"), "window.json: status 'open' is not one of"),
    ("window date", edit_window("closes_at", "snart"), "window.json: closes_at 'snart' is not"),
    (
        "response of another window",
        set_cell(R, 2, "campaign_id", "7"),
        "responses.csv, row 2, column campaign_id: 7 is not the window of window.json (1)",
    ),
    (
        "invitation of another window",
        set_cell(INV, 3, "campaign_id", "2"),
        "invitations.csv, row 3, column campaign_id: 2 is not the window of window.json (1)",
    ),
    ("missing responses", remove(R), "responses.csv: file not found"),
    ("missing invitations", remove(INV), "invitations.csv: file not found"),
    ("missing codebook", remove("codebook.json"), "codebook.json: file not found"),
    ("missing column", drop_column(R, "value"), "responses.csv, row 1: missing column value"),
    (
        "wrong column",
        set_cell(R, 1, "value", "valu"),
        "responses.csv, row 1, column valu: unexpected column",
    ),
    (
        "off scale",
        set_cell(R, 5, "value", "7"),
        "responses.csv, row 5, column value: 7 is not on scale agree4 (1–4) for item G3",
    ),
    ("zero off scale", set_cell(R, 3, "value", "0"), "0 is not on scale agree4 (1–4)"),
    (
        "decimal",
        set_cell(R, 5, "value", "3.0"),
        "responses.csv, row 5, column value: '3.0' is not an integer",
    ),
    ("word", set_cell(R, 5, "value", "tre"), "column value: 'tre' is not an integer"),
    ("unicode digit", set_cell(R, 5, "value", "٣"), "is not an integer"),
    (
        "unknown item",
        set_cell(R, 5, "item", "G99"),
        "responses.csv, row 5, column item: 'G99' is not an item of sip-guardian",
    ),
    (
        "item of other questionnaire",
        set_cell(R, 5, "item", "C3"),
        "row 5, column item: 'C3' is an item of sip-child, not of sip-guardian",
    ),
    (
        "unknown questionnaire",
        edit_csv(
            R,
            lambda rows: [
                r.__setitem__(2, "sip-parent") for r in rows[1:] if r[2] == "sip-guardian"
            ],
        ),
        "responses.csv, row 2, column questionnaire: 'sip-parent' is not a questionnaire",
    ),
    (
        "version differs from codebook",
        edit_codebook(lambda d: d["questionnaires"]["sip-child"].__setitem__("version", 2)),
        "column questionnaire_version: version 1 of sip-child does not match codebook.json",
    ),
    (
        "role differs from codebook",
        set_cell(R, 2, "role", "child"),
        "row 2, column role: 'child' does not match codebook.json, where sip-guardian is answered "
        "by guardian",
    ),
    (
        "codebook role used twice",
        edit_codebook(lambda d: d["questionnaires"]["sip-child"].__setitem__("role", "youth")),
        "codebook.json: role youth is answered by both sip-child and sip-youth",
    ),
    (
        "codebook unknown scale",
        set_scale(3, "agree5"),
        "codebook.json, questionnaire sip-guardian, item G3: unknown scale 'agree5'",
    ),
    (
        "codebook not json",
        lambda f: (f / "codebook.json").write_text("{", encoding="utf-8"),
        "codebook.json, line 1, column 2: not valid JSON",
    ),
    (
        "codebook positive off scale",
        edit_codebook(lambda d: d["scales"]["agree4"].__setitem__("positive", [5])),
        "codebook.json, scale agree4: positive values must be some of [1, 2, 3, 4]",
    ),
    (
        "codebook common incomplete",
        edit_codebook(lambda d: d["scales"]["agree4"]["common"].__setitem__("negative", [2])),
        "codebook.json, scale agree4: common must map every value exactly once",
    ),
    (
        "codebook duplicate key",
        edit_codebook(
            lambda d: (
                d["questionnaires"]["sip-youth"]["items"][8].__setitem__("key", "G12"),
                d["questionnaires"]["sip-youth"]["pages"][8].__setitem__(0, "G12"),
            )
        ),
        "codebook.json: item key G12 is used in both sip-guardian and sip-youth",
    ),
    (
        "flag not 0/1",
        set_cell(INV, 2, "sent", "2"),
        "invitations.csv, row 2, column sent: '2' is not 0 or 1",
    ),
    (
        "duplicate answer",
        duplicate_row(5),
        "row 13, column item: item G3 answered twice in one response (also row 5)",
    ),
    (
        "background differs within a response",
        set_cell(R, 4, "language_group", "other"),
        "responses.csv, row 4, column language_group: differs from row 2 of the same response",
    ),
    ("short row", edit_csv(R, lambda rows: rows[3].pop()), "row 4: expected 13 cells, got 12"),
    (
        "unknown area",
        set_cell(INV, 3, "area", "Norrbotten"),
        "invitations.csv, row 3, column area: 'Norrbotten' is not an area",
    ),
    (
        "municipality in two areas",
        set_cell(INV, 2, "area", "Södra Lappland"),
        "row 4, column area: Umeå is in Södra Lappland elsewhere in the data set, "
        "here in Umeå med krans",
    ),
    (
        "text on a choice item",
        set_cell(R, 5, "text", "hej"),
        "row 5, column text: choice item G3 takes no text",
    ),
    (
        "value on a text item",
        set_cell(R, 7, "value", "3"),
        "row 7, column value: '3' given for text item G12",
    ),
    (
        "bad response id",
        edit_csv(R, lambda rows: [r.__setitem__(0, "xyz") for r in rows[1:7]]),
        "row 2, column response_id: 'xyz' is not 32 hexadecimal characters",
    ),
    (
        "child with wrong age band",
        set_cell(INV, 4, "age_band", "0-5"),
        "invitations.csv, row 4, column age_band: 0-5 does not fit role child",
    ),
    (
        "language instead of its group",
        set_cell(INV, 2, "language_group", "ti"),
        "invitations.csv, row 2, column language_group: 'ti' is not a language group",
    ),
    (
        "a municipality under a generalised area",
        set_cell(INV, 2, "area", "*"),
        "invitations.csv, row 2, column municipality: Umeå given where the area is *",
    ),
    ("missing funnel", remove("funnel.csv"), "funnel.csv: file not found"),
    (
        "funnel role twice",
        edit_csv("funnel.csv", lambda rows: rows.append(list(rows[1]))),
        "funnel.csv, row 5, column role: guardian appears twice",
    ),
    (
        "funnel count not a count",
        set_cell("funnel.csv", 2, "opened", "-1"),
        "funnel.csv, row 2, column opened: '-1' is not a count",
    ),
    (
        "codebook without its release",
        edit_codebook(lambda d: d.pop("release")),
        "codebook.json: the release section is missing",
    ),
    ("empty file", lambda f: (f / R).write_bytes(b""), "responses.csv: the file is empty"),
    (
        "not utf-8",
        lambda f: (f / R).write_bytes("response_id\n".encode("utf-16")),
        "responses.csv, row 1: not UTF-8 text",
    ),
]


@pytest.mark.parametrize(
    ("breakage", "message"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_with_file_row_and_column(
    tmp_path: Path, breakage: Callable[[Path], object], message: str
) -> None:
    folder = base(tmp_path)
    load_dataset(folder)  # the unbroken folder loads
    breakage(folder)
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a folder"):
        load_dataset(tmp_path / "nothing")


def test_loading_keeps_every_answer(tmp_path: Path) -> None:
    dataset = load_dataset(base(tmp_path))
    assert len(dataset.responses) == 3
    assert dataset.answer_rows == 11
    assert len(dataset.invitations) == 3
    guardian = dataset.answers["sip-guardian"]
    assert guardian.values.shape == (2, 12)
    assert guardian.column("G3").tolist() == [3, NOT_SHOWN]
    assert guardian.column("G4").tolist() == [NO_ANSWER, NOT_SHOWN]
    assert guardian.column("G11").tolist() == [NOT_SHOWN, 2]
    assert dataset.answers["sip-child"].column("C5").tolist() == [NO_ANSWER]
    assert dataset.answers["sip-youth"].values.shape == (0, 8)


def test_the_formula_prefix_is_removed_from_free_text(tmp_path: Path) -> None:
    dataset = load_dataset(base(tmp_path))
    assert [t.text for t in dataset.free_text] == ["=Bra möte"]


def test_columns_in_another_order_and_no_bom_are_accepted(tmp_path: Path) -> None:
    folder = base(tmp_path)
    for name in (R, INV, "funnel.csv", S):
        path = folder / name
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        reordered = [list(reversed(row)) for row in rows]
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(reordered)
    dataset = load_dataset(folder)
    assert dataset.answers["sip-guardian"].column("G3").tolist() == [3, NOT_SHOWN]
    assert len(dataset.invitations) == 3
    assert dataset.funnel["guardian"].opened == 2
    assert dataset.services[("child", "school_health")] == ServiceCounts(1, 1)


def test_the_simulated_data_set_follows_the_contract(simulated: Path) -> None:
    dataset = load_dataset(simulated)
    assert len(dataset.responses) == 160


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+46", "'+46"),
        ("- bra", "'- bra"),
        ("@hej", "'@hej"),
        ("Bra möte", "Bra möte"),
        ("'citat'", "'citat'"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_the_formula_rule_round_trips(text: str, escaped: str) -> None:
    from analysis.contract import escape_cell, unescape_cell

    assert escape_cell(text) == escaped
    assert unescape_cell(escaped) == text


def test_generalised_groups_are_accepted_and_counted_as_classes(tmp_path: Path) -> None:
    responses = [
        Response({"G0": 3}, area="Södra Lappland", municipality="*", language_group="*"),
        Response({"G0": 3}, area="*", municipality="*", age_band="*"),
    ]
    invitations = [
        invitation("guardian", "Södra Lappland", "*", language_group="*"),
        invitation("guardian", "*", "*", age_band="*"),
        invitation("guardian", "*", "*", age_band="*"),
    ]
    dataset = load_dataset(write_dataset(tmp_path, responses, invitations))
    assert dataset.responses.class_counts() == {
        ("guardian", "6-11", "Södra Lappland", "*", "*", "yes"): 1,
        ("guardian", "*", "*", "*", "sv", "yes"): 1,
    }
    assert dataset.invitations.classes[("guardian", "*", "*", "*", "sv", "yes")].invited == 2


def test_attendance_and_services_are_read(tmp_path: Path) -> None:
    responses = [
        Response({"G0": 3}, child_attended="partly"),
        Response({"G0": 3}, area="*", municipality="*", child_attended="*"),
    ]
    invitations = [
        invitation(child_attended="partly"),
        invitation(child_attended="no"),
        invitation("guardian", "*", "*", child_attended="*"),
    ]
    services = {("guardian", "school_health"): (3, 2), ("guardian", "other"): (1, 0)}
    dataset = load_dataset(write_dataset(tmp_path, responses, invitations, services=services))
    assert dataset.responses.child_attended == ["partly", "*"]
    assert dataset.responses.cell(0)[5] == "partly"
    assert {cell[5] for cell in dataset.invitations.classes} == {"partly", "no", "*"}
    assert dataset.services == {
        ("guardian", "school_health"): ServiceCounts(3, 2),
        ("guardian", "other"): ServiceCounts(1, 0),
    }


def test_a_services_file_with_only_its_header_means_nothing_publishable(tmp_path: Path) -> None:
    dataset = load_dataset(base(tmp_path / "a"))
    assert len(dataset.services) == 2
    header_only = write_dataset(tmp_path / "b", [Response({"G0": 3})], [invitation()])
    assert load_dataset(header_only).services == {}
