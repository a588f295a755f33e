"""The data set export: counts match what families did, and nothing identifies anyone."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import sqlalchemy as sa

from analysis.dataset import load_dataset
from survey_app.domain.answering import submit
from survey_app.domain.lifecycle import close_campaign
from survey_app.extensions import db as _db
from survey_app.models import AgeBand, SealedResponse, utcnow
from survey_app.questionnaires import get_questionnaire
from survey_app.reporting.export import (
    INVITATION_COLUMNS,
    RESPONSE_COLUMNS,
    ExportError,
    build_dataset,
    neutralise_formula,
)

from .conftest import ANSWERS, read_csv

GROUPS = ("role", "age_band", "area", "municipality", "language_group", "child_attended")


@pytest.fixture
def small_window(app, make_campaign, make_meeting, make_invitation, respond, db):
    """Two meetings, five invitations: three answered, one started, one opted out.

    Released with a minimum of 1, so the files show every group as it is.
    """
    app.config["MIN_GROUP_SIZE"] = 1
    campaign = make_campaign()
    asele = make_meeting(campaign=campaign, team="HLT Åsele", age_band=AgeBand.CHILD)
    umea = make_meeting(campaign=campaign, team="HLT Umeå", age_band=AgeBand.YOUTH)
    guardian = make_invitation(meeting=asele, role="guardian")
    child = make_invitation(meeting=asele, role="child")
    youth = make_invitation(meeting=umea, role="youth", language="en")
    hesitant = make_invitation(meeting=umea, role="guardian")
    opted_out = make_invitation(meeting=umea, role="guardian", language="ar")
    now = utcnow()
    for invitation in (guardian, child, youth, hesitant, opted_out):
        invitation.sent_at = invitation.delivered_at = now
    opted_out.opted_out_at = now
    db.session.commit()
    respond(guardian, {**ANSWERS["guardian"], "G12": '=HYPERLINK("http://x")'})
    respond(child)
    respond(youth)
    client = app.test_client()
    client.get(f"/s/{hesitant.token}")
    client.post("/s/")
    return campaign


def test_invitations_carry_groups_and_delivery_flags_only(small_window, tmp_path):
    build_dataset(small_window.id, tmp_path)
    rows = read_csv(tmp_path / "invitations.csv")
    assert tuple(rows[0]) == INVITATION_COLUMNS
    assert len(rows) == 5
    totals = {stage: sum(int(r[stage]) for r in rows) for stage in ("sent", "delivered")}
    assert totals == {"sent": 5, "delivered": 5}
    assert sum(int(r["opted_out"]) for r in rows) == 1
    by_place = Counter((r["area"], r["municipality"]) for r in rows)
    assert by_place == {("Södra Lappland", "Åsele"): 2, ("Umeå med krans", "Umeå"): 3}
    assert Counter(r["role"] for r in rows) == {"guardian": 3, "child": 1, "youth": 1}
    assert Counter(r["language_group"] for r in rows) == {"sv": 3, "other": 2}
    assert {r["age_band"] for r in rows if r["role"] == "youth"} == {"12-18"}
    # Opening and starting are counted per role only: no invitation says it was answered.
    funnel = {r["role"]: (r["opened"], r["started"]) for r in read_csv(tmp_path / "funnel.csv")}
    assert funnel == {"guardian": ("2", "2"), "child": ("1", "1"), "youth": ("1", "1")}


def test_responses_match_what_the_families_answered(small_window, tmp_path):
    summary = build_dataset(small_window.id, tmp_path)
    rows = read_csv(tmp_path / "responses.csv")
    assert tuple(rows[0]) == RESPONSE_COLUMNS
    assert summary.responses == 3
    assert summary.answer_rows == len(rows)
    by_role = {r["role"]: [x for x in rows if x["role"] == r["role"]] for r in rows}
    # Every shown item has a row: 13 for guardians, 7 for children, 9 for young people.
    assert [len(by_role[role]) for role in ("guardian", "child", "youth")] == [13, 7, 9]
    guardian = {r["item"]: r for r in by_role["guardian"]}
    assert [r["item"] for r in by_role["guardian"]][:3] == ["G0", "G1", "G2"]
    assert guardian["G1"]["value"] == "4"
    assert guardian["G3"]["value"] == ""  # "Vet inte" is no answer, never a number
    assert guardian["G12"]["value"] == ""
    assert guardian["G12"]["text"] == '\'=HYPERLINK("http://x")'
    assert guardian["G0"]["municipality"] == "Åsele"
    youth = {r["item"]: r for r in by_role["youth"]}
    assert youth["Y8"]["text"] == ""
    assert youth["Y0"]["language_group"] == "other"
    assert youth["Y0"]["age_band"] == "12-18"
    assert len({r["response_id"] for r in rows}) == 3


def test_filter_skipped_items_have_no_rows(make_invitation, respond, tmp_path):
    child = make_invitation(role="child")
    respond(child, {"C0": "1"})  # not at the meeting: nothing about the meeting is asked
    build_dataset(child.meeting.campaign_id, tmp_path)
    rows = read_csv(tmp_path / "responses.csv")
    assert [(r["item"], r["value"]) for r in rows] == [("C0", "1")]


def test_the_analysis_accepts_the_export(small_window, tmp_path):
    build_dataset(small_window.id, tmp_path)
    dataset = load_dataset(tmp_path)
    assert len(dataset.responses) == 3
    assert len(dataset.invitations) == 5
    assert [text.text for text in dataset.free_text] == ['=HYPERLINK("http://x")']


def test_csv_files_have_a_bom_and_crlf_line_ends(small_window, tmp_path):
    build_dataset(small_window.id, tmp_path)
    for name in ("responses.csv", "invitations.csv"):
        raw = (tmp_path / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert raw.count(b"\r\n") == raw.count(b"\n")


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Bra möte", "Bra möte"),
        ("", ""),
        (4, 4),
    ],
)
def test_formula_starts_are_neutralised(cell, written):
    assert neutralise_formula(cell) == written


def test_responses_are_ordered_by_random_id_not_by_submission(
    app, make_meeting, make_invitation, db, tmp_path
):
    """Submitted one after another; exported in the order of ids made at the release, which
    are neither the sealed ids nor in the order of answering."""
    app.config["MIN_GROUP_SIZE"] = 1
    meeting = make_meeting(age_band=AgeBand.CHILD)
    for _ in range(10):
        invitation = make_invitation(meeting=meeting, role="child")
        invitation.sent_at = utcnow()
        db.session.commit()
        assert submit(invitation.id, get_questionnaire("sip-child"), {"C0": "1"}).value == "stored"
    sealed = list(db.session.scalars(sa.select(SealedResponse.id)))
    close_campaign(meeting.campaign_id, utcnow())
    build_dataset(meeting.campaign_id, tmp_path)
    written = list(dict.fromkeys(r["response_id"] for r in read_csv(tmp_path / "responses.csv")))
    assert len(written) == 10
    assert written == sorted(written)
    assert not set(written) & set(sealed)


def test_no_column_comes_from_an_invitation(small_window, tmp_path):
    build_dataset(small_window.id, tmp_path)
    header = (tmp_path / "responses.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    for leak in (
        "invitation",
        "phone",
        "token",
        "sent",
        "opened",
        "completed",
        "meeting",
        "team",
        "submitted",
        ",language,",
    ):
        assert leak not in header
    invitations_header = (tmp_path / "invitations.csv").read_text(encoding="utf-8-sig")
    for leak in ("opened", "started", "completed", "team", ",language,"):
        assert leak not in invitations_header.splitlines()[0]
    invitations = (tmp_path / "invitations.csv").read_text(encoding="utf-8-sig")
    assert "+4670" not in invitations
    assert str(utcnow().year) not in invitations  # no dates


def test_codebook_describes_the_loaded_questionnaires(app, tmp_path, make_campaign):
    build_dataset(make_campaign().id, tmp_path)
    codebook = json.loads((tmp_path / "codebook.json").read_text(encoding="utf-8"))
    assert codebook["format"] == 3
    guardian = codebook["questionnaires"]["sip-guardian"]
    items = {item["key"]: item for item in guardian["items"]}
    assert items["G2"] == {
        "key": "G2",
        "type": "choice",
        "text": "Fick du säga det som var viktigt för dig?",
        "scale": "agree4",
        "dimension": "voice",
        "parallel": "voice",
        "required": True,
    }
    assert items["G12"]["type"] == "text"
    assert items["G12"]["max_length"] == 1000
    assert codebook["questionnaires"]["sip-youth"]["items"][8]["max_length"] == 500
    assert codebook["scales"]["child3"] == {
        "options": [
            {"value": 3, "label": "Ja", "face": "happy"},
            {"value": 2, "label": "Lite", "face": "calm"},
            {"value": 1, "label": "Nej", "face": "neutral"},
        ],
        "no_answer": "Vet inte",
        "positive": [3],
        "common": {"positive": [3], "partly": [2], "negative": [1]},
    }
    assert "no_answer" not in codebook["scales"]["satisfaction4"]


def test_the_simulator_writes_the_codebook_the_service_exports(app, tmp_path, make_campaign):
    """The drift test: analysis.simulate runs on exactly the questionnaires the service asks."""
    from analysis.simulate import simulate_dataset

    build_dataset(make_campaign().id, tmp_path / "service")
    simulate_dataset(tmp_path / "simulated", 10, seed=1)
    service = json.loads((tmp_path / "service" / "codebook.json").read_text(encoding="utf-8"))
    simulated = json.loads((tmp_path / "simulated" / "codebook.json").read_text(encoding="utf-8"))
    # The release section describes each data set's own residual classes; the rest is equal.
    assert simulated.pop("release")["k"] == service.pop("release")["k"]
    assert simulated == service


def test_an_unknown_window_is_refused(app, tmp_path):
    with pytest.raises(ExportError, match="no collection window with id 999"):
        build_dataset(999, tmp_path)


@pytest.mark.parametrize("closed", [False, True], ids=["preliminary", "final"])
def test_an_attacker_with_the_export_finds_k_candidates_for_every_response(
    app, runner, tmp_path, closed
):
    """The demo's 400 answers: match each response on everything it shares with the
    invitations (its class) and count who it could be — in a preliminary data set made while
    the window is open, and in the final one released at close."""
    assert runner.invoke(args=["demo", "--simulate", "400"]).exit_code == 0
    campaign_id = _db.session.scalar(sa.select(SealedResponse.campaign_id).limit(1))
    assert campaign_id is not None
    if closed:
        close_campaign(campaign_id, utcnow())
    build_dataset(campaign_id, tmp_path)
    k = app.config["MIN_GROUP_SIZE"]
    codebook = json.loads((tmp_path / "codebook.json").read_text(encoding="utf-8"))
    residual = {tuple(c[x] for x in GROUPS) for c in codebook["release"]["residual"]}
    invitations = read_csv(tmp_path / "invitations.csv")
    # An invitation whose SMS was never sent cannot have been answered: the attacker drops it.
    candidates = Counter(tuple(r[x] for x in GROUPS) for r in invitations if r["sent"] == "1")
    responses = {
        r["response_id"]: tuple(r[x] for x in GROUPS) for r in read_csv(tmp_path / "responses.csv")
    }
    alike = Counter(responses.values())
    assert len(responses) == 400
    for label in responses.values():
        assert label not in residual
        assert candidates[label] >= k
        assert alike[label] >= k


def test_live_figures_are_the_figures_of_the_export(app, runner, tmp_path):
    """Staff pages during the window, the exported data set and the report agree."""
    from analysis.compute import compute_results
    from survey_app.reporting.reports import live_participation

    assert runner.invoke(args=["demo", "--simulate", "150"]).exit_code == 0
    campaign_id = _db.session.scalar(sa.select(SealedResponse.campaign_id).limit(1))
    assert campaign_id is not None
    build_dataset(campaign_id, tmp_path)
    exported = compute_results(load_dataset(tmp_path), app.config["MIN_GROUP_SIZE"])
    assert live_participation(campaign_id) == exported.participation
    # And once the window is closed, the released rows give the same figures.
    close_campaign(campaign_id, utcnow())
    final = tmp_path / "final"
    build_dataset(campaign_id, final)
    released = compute_results(load_dataset(final), app.config["MIN_GROUP_SIZE"])
    assert live_participation(campaign_id) == released.participation == exported.participation


def test_the_data_set_names_its_window_on_every_row(small_window, tmp_path):
    """window.json names the window and says whether it had closed; both CSV files carry
    its id, so data sets of two windows can be told apart and compared."""
    build_dataset(small_window.id, tmp_path)
    window = json.loads((tmp_path / "window.json").read_text(encoding="utf-8"))
    assert window["id"] == small_window.id
    assert window["name"] == small_window.name
    assert window["status"] == "preliminary"
    assert window["opens_at"] == small_window.opens_at.isoformat()
    assert window["closes_at"] == small_window.closes_at.isoformat()
    for name in ("invitations.csv", "responses.csv"):
        rows = read_csv(tmp_path / name)
        assert rows
        assert {r["campaign_id"] for r in rows} == {str(small_window.id)}, name
    close_campaign(small_window.id, utcnow(), manual=True)
    build_dataset(small_window.id, tmp_path / "closed")
    closed = load_dataset(tmp_path / "closed")
    assert closed.window.status == "final"
    assert closed.window.id == small_window.id
