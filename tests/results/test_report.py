"""`flask report` and the closing report: the same results as FoU Välfärd's own run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from survey_app.domain.lifecycle import close_campaign
from survey_app.models import AgeBand, AuditEvent, Campaign, CampaignState, utcnow
from survey_app.reporting import commands as reporting_commands

from .conftest import ANSWERS

XSS = '<script>alert("sip")</script><img src=x onerror=alert(1)>'
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def answered_window(make_campaign, make_meeting, make_invitation, respond):
    """Six guardians (one writes a script into the free text) and five young people answered.

    No child was invited: a lone child (a whole role under the minimum) would hide most
    figures of the window by the one rule, which the analysis tests show on their own.
    """
    campaign = make_campaign()
    meeting = make_meeting(campaign=campaign, team="HLT Umeå", age_band=AgeBand.CHILD)
    for number in range(6):
        guardian = make_invitation(meeting=meeting, role="guardian")
        comment = XSS if number == 0 else ANSWERS["guardian"]["G12"]
        respond(guardian, {**ANSWERS["guardian"], "G12": comment})
    make_invitation(meeting=meeting, role="guardian")  # never answers
    young = make_meeting(campaign=campaign, team="HLT Umeå", age_band=AgeBand.YOUTH)
    for _ in range(5):
        respond(make_invitation(meeting=young, role="youth"))
    return campaign


def _status(client, url):
    """The status of a GET, closing the response (downloads stream from open files)."""
    response = client.get(url)
    response.close()
    return response.status_code


def _report(runner, campaign_id, out):
    result = runner.invoke(args=["report", str(campaign_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result


def test_flask_report_and_python_m_analysis_give_identical_results(
    runner, answered_window, tmp_path
):
    _report(runner, answered_window.id, tmp_path / "service")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            str(tmp_path / "service" / "data"),
            "--out",
            str(tmp_path / "fou"),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    service = (tmp_path / "service" / "results.json").read_bytes()
    assert service == (tmp_path / "fou" / "results.json").read_bytes()
    results = json.loads(service)
    assert results["generated_from"]["responses"] == 11
    assert results["generated_from"]["invitations"] == 12


def test_a_report_for_an_open_window_says_it_is_preliminary(runner, answered_window, tmp_path):
    result = _report(runner, answered_window.id, tmp_path)
    assert "preliminär" in result.output
    assert (tmp_path / "report.html").is_file()


def test_an_empty_window_gives_a_report_that_says_so(runner, make_campaign, tmp_path):
    campaign = make_campaign(state=CampaignState.CLOSED)
    result = _report(runner, campaign.id, tmp_path)
    assert "preliminär" not in result.output
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["empty"] is True
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Det finns inget att rapportera ännu." in report


def test_one_response_gives_a_report_without_figures(runner, make_invitation, respond, tmp_path):
    invitation = make_invitation()
    respond(invitation)
    _report(runner, invitation.meeting.campaign_id, tmp_path)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["participation"]["overall"]["suppressed"] is True
    assert all(item["suppressed"] for item in results["items"]["sip-guardian"].values())


def test_the_closing_report_is_stored_and_the_window_marked_analysed(
    app, db, answered_window, tmp_path
):
    app.config["REPORTS_DIRECTORY"] = str(tmp_path)
    summary = close_campaign(answered_window.id, utcnow())
    assert summary.report_error is None
    directory = tmp_path / str(answered_window.id)
    assert summary.report_directory == directory
    assert (directory / "results.json").is_file()
    assert (directory / "data" / "responses.csv").is_file()
    db.session.expire_all()
    assert db.session.get(Campaign, answered_window.id).state == CampaignState.ANALYSED


@pytest.fixture
def closed_window(app, answered_window, tmp_path):
    app.config["REPORTS_DIRECTORY"] = str(tmp_path)
    close_campaign(answered_window.id, utcnow())
    return answered_window


def test_an_analyst_sees_figures_for_a_closed_window(staff_client, closed_window):
    page = staff_client("analyst").get(f"/staff/results/{closed_window.id}").text
    assert "Så upplevde familjerna SIP-mötet" in page
    assert "Fick du säga det som var viktigt för dig?" in page
    assert "Perioden pågår" not in page
    # Six guardians and five young people answered: their items have figures.
    guardian_table = page.split("<caption>Vårdnadshavare</caption>")[1].split("</table>")[0]
    assert "för få" not in guardian_table.split("Fick du säga")[1].split("</tr>")[0]
    youth_table = page.split("<caption>Unga 12–18 år</caption>")[1].split("</table>")[0]
    assert "för få" not in youth_table.split("Fick du säga")[1].split("</tr>")[0]


def test_downloads_are_audited_and_free_text_is_for_analysts_only(staff_client, closed_window, db):
    analyst = staff_client("analyst")
    page = analyst.get(f"/staff/results/{closed_window.id}").text
    assert "Fritextsvar" in page
    response = analyst.get(f"/staff/results/{closed_window.id}/download/report.html")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    assert _status(analyst, f"/staff/results/{closed_window.id}/download/data.zip") == 200
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "exported_data")
    ).all()
    assert [event.details["file"] for event in events] == ["report.html", "data.zip"]
    assert {event.actor_id for event in events} == {analyst.user.id}
    admin = staff_client("admin")
    assert "Fritextsvar" not in admin.get(f"/staff/results/{closed_window.id}").text
    assert _status(admin, f"/staff/results/{closed_window.id}/download/free_text.csv") == 403


#: Who may download what of a closed window: the policy, written out (not read from the code).
#: Admins get the report only: every file at the level of single responses carries the free
#: text and is for the analysts of FoU Välfärd.
DOWNLOAD_POLICY = {
    ("analyst", "report.html"): 200,
    ("analyst", "report.pdf"): 200,
    ("analyst", "data.zip"): 200,
    ("analyst", "dataset.xlsx"): 200,
    ("analyst", "responses.sav"): 200,
    ("analyst", "free_text.csv"): 200,
    ("admin", "report.html"): 200,
    ("admin", "report.pdf"): 200,
    ("admin", "data.zip"): 403,
    ("admin", "dataset.xlsx"): 403,
    ("admin", "responses.sav"): 403,
    ("admin", "free_text.csv"): 403,
    ("coordinator", "report.html"): 403,
    ("coordinator", "report.pdf"): 403,
    ("coordinator", "data.zip"): 403,
    ("coordinator", "dataset.xlsx"): 403,
    ("coordinator", "responses.sav"): 403,
    ("coordinator", "free_text.csv"): 403,
}


def test_downloads_follow_the_written_policy(staff_client, closed_window):
    clients = {
        "analyst": staff_client("analyst"),
        "admin": staff_client("admin"),
        "coordinator": staff_client("coordinator", teams=("HLT Umeå",)),
    }
    found = {
        (role, name): _status(clients[role], f"/staff/results/{closed_window.id}/download/{name}")
        for role, name in DOWNLOAD_POLICY
    }
    assert found == DOWNLOAD_POLICY


def test_nothing_an_admin_may_download_carries_free_text(staff_client, closed_window):
    admin = staff_client("admin")
    page = admin.get(f"/staff/results/{closed_window.id}").text
    offered = re.findall(rf"/staff/results/{closed_window.id}/download/([\w.]+)", page)
    assert sorted(set(offered)) == ["report.html", "report.pdf"]
    with admin.get(f"/staff/results/{closed_window.id}/download/report.html") as response:
        html = response.text
    with admin.get(f"/staff/results/{closed_window.id}/download/report.pdf") as response:
        pdf = response.get_data()
    document = pdfium.PdfDocument(pdf)
    pdf_text = " ".join(page.get_textpage().get_text_range() for page in document)
    assert "Svarsfrekvens" in pdf_text or "svar" in pdf_text  # the text layer was read
    for text in (html, pdf_text):
        assert "Mer tid till barnet" not in text


def test_free_text_never_reaches_a_results_page_or_the_report(
    staff_client, closed_window, tmp_path
):
    pages = []
    for role, teams in (("analyst", ()), ("admin", ()), ("coordinator", ("HLT Umeå",))):
        client = staff_client(role, teams=teams)
        pages.append(client.get("/staff/results").text)
        pages.append(client.get(f"/staff/results/{closed_window.id}").text)
    for page in pages:
        assert "<script>alert" not in page
        assert "onerror" not in page
        assert "Mer tid till barnet" not in page  # no free text at all, escaped or not
    report = (tmp_path / str(closed_window.id) / "report.html").read_text(encoding="utf-8")
    assert '<script>alert("sip")' not in report
    assert "<img src=x" not in report


def test_the_report_charts_are_shown_as_images(staff_client, closed_window):
    analyst = staff_client("analyst")
    page = analyst.get(f"/staff/results/{closed_window.id}").text
    charts = re.findall(r'<img src="([^"]+/charts/[^"]+\.svg)"', page)
    assert charts
    # Each image says in words what it shows: figures, or that they are too few; never a
    # file name.
    alts = re.findall(r'<img src="[^"]+" alt="([^"]*)"', page)
    assert len(alts) == len(charts)
    for alt in alts:
        assert ".svg" not in alt
        assert re.search(r"\d|för få", alt)
    response = analyst.get(charts[0])
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    response.close()


def test_large_windows_get_progress_bars(runner, answered_window, tmp_path, monkeypatch):
    monkeypatch.setattr(reporting_commands, "PROGRESS_FROM", 1)
    result = _report(runner, answered_window.id, tmp_path)
    assert "Exporterar svar" in result.stderr
    assert "Analyserar" in result.stderr
    assert "Exporterar svar" not in result.stdout


def test_the_results_page_compares_with_the_previous_window(
    app,
    staff_client,
    answered_window,
    make_campaign,
    make_meeting,
    make_invitation,
    respond,
    tmp_path,
):
    """A window closed after another shows the report's comparison: the chart as an image
    with its figures in words, and a table where a figure hidden in either window is "för
    få", never a difference."""
    app.config["REPORTS_DIRECTORY"] = str(tmp_path)
    close_campaign(answered_window.id, utcnow())
    later = make_campaign(name="Nästa period")
    meeting = make_meeting(campaign=later, team="HLT Umeå", age_band=AgeBand.CHILD)
    for _ in range(7):
        respond(make_invitation(meeting=meeting, role="guardian"))
    close_campaign(later.id, utcnow())
    results = json.loads((tmp_path / str(later.id) / "results.json").read_text("utf-8"))
    assert results["previous"]["window_id"] == answered_window.id
    page = staff_client("analyst").get(f"/staff/results/{later.id}").text
    assert "Jämfört med förra perioden" in page
    section = page[page.index("Jämfört med förra perioden") :]
    image = re.search(r'<img src="([^"]+/charts/previous\.svg)" alt="([^"]*)"', section)
    assert image is not None
    assert re.search(r"\d", image.group(2))
    table = section[section.index("<tbody>") : section.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
    changes = [
        change
        for qkey, questionnaire in results["previous"]["items"].items()
        for key, change in questionnaire.items()
        if results["items"][qkey][key]["dimension"] != "filter"
    ]
    assert len(rows) == 1 + len(changes)
    hidden_rows = [row for row in rows if "för få" in row]
    hidden = [c for c in changes if c["suppressed"]]
    assert len(hidden_rows) >= len(hidden)
    for row in hidden_rows:
        assert "procentenheter" not in row
