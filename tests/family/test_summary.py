"""'Det här blev det': an admin publishes what came of a window per area; the families' old
links and the area's public address then open it. Through the test client."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import segno
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import FamilySummary, SummaryAction, Team, utcnow

from .summaries import Window, answer_and_analyse, open_window

REPORT_BACK = (utcnow() + timedelta(days=90)).date()


@pytest.fixture
def window(make_invitation, make_campaign) -> Window:
    return answer_and_analyse(open_window(make_invitation, make_campaign))


def _team(name):
    return db.session.scalar(select(Team).where(Team.name == name))


def _publish(client, window, area_name, actions, *, follow=False):
    area = window.area(area_name)
    data = {}
    for n, (team, text, day) in enumerate(actions, start=1):
        data[f"team_{n}"] = str(_team(team).id) if team else ""
        data[f"text_{n}"] = text
        data[f"report_back_{n}"] = day.isoformat() if isinstance(day, date) else day
    return client.post(
        f"/staff/campaigns/{window.campaign.id}/summaries/{area.id}",
        data=data,
        follow_redirects=follow,
    )


TWO_ACTIONS = [
    ("HLT Åsele", "Vi frågar barnet först, innan de vuxna pratar.", REPORT_BACK),
    ("HLT Dorotea", "Vi ritar mötet på ett papper, så att alla ser vad som händer.", REPORT_BACK),
]


def _main(response):
    text = response.get_data(as_text=True)
    return text[text.index("<main") : text.index("</main>")]


def test_an_old_child_link_opens_the_child_summary_once_published(client, window, staff_client):
    client.get(f"/s/{window.child.token}")
    before = client.get("/s/")
    assert "Enkäten är stängd" in before.text

    admin = staff_client("admin")
    response = _publish(admin, window, "Södra Lappland", TWO_ACTIONS)
    assert response.status_code == 302, response.text
    (row,) = db.session.scalars(select(FamilySummary)).all()
    assert [a.text for a in row.actions] == [text for _team, text, _day in TWO_ACTIONS]

    page = client.get("/s/")
    main = _main(page)
    assert 'class="family child"' in page.text
    assert "Det här blev det" in main
    assert "Enkäten är stängd" not in main
    # The children's own questions, and how many of 10 said "Ja" (4 of 6; 6 of 6).
    assert "Fick du säga vad du tyckte?" in main
    assert "7 av 10 barn svarade Ja." in main
    assert "10 av 10 barn svarade Ja." in main
    assert main.count('class="figure"') == 2  # only the children's figures
    for team, text, _day in TWO_ACTIONS:
        assert team in main
        assert text in main
    assert "De berättar mer senast" in main
    assert "no-store" in page.headers["Cache-Control"]


def test_a_guardian_link_opens_the_version_for_adults(app, window, staff_client):
    _publish(staff_client("admin"), window, "Södra Lappland", TWO_ACTIONS[:1])
    client = app.test_client()
    client.get(f"/s/{window.guardians[0].token}")
    main = _main(client.get("/s/"))
    assert "Det här ska teamen ändra" in main
    assert 'class="family child"' not in main
    # Children's and guardians' figures, each with the question as it was asked.
    assert "Barnen" in main
    assert "Vårdnadshavarna" in main
    assert "Fick du säga det som var viktigt för dig?" in main
    assert "10 av 10 svarade ja på frågan:" in main
    assert "Vi berättar hur det gick senast" in main


def test_the_page_is_the_same_for_everyone_in_the_area(app, window, staff_client):
    _publish(staff_client("admin"), window, "Södra Lappland", TWO_ACTIONS)
    pages = []
    for invitation in window.asele[:3]:
        client = app.test_client()
        client.get(f"/s/{invitation.token}")
        pages.append(client.get("/s/").text)
    area = window.area("Södra Lappland")
    pages.append(app.test_client().get(f"/s/resultat/{area.id}/barn").text)
    assert len(set(pages)) == 1


def test_a_too_small_area_and_every_team_get_no_figure(app, window, staff_client):
    admin = staff_client("admin")
    _publish(admin, window, "Umeå med krans", [("HLT Umeå", "Vi tar mer tid.", REPORT_BACK)])
    _publish(admin, window, "Södra Lappland", TWO_ACTIONS)
    client = app.test_client()
    client.get(f"/s/{window.umea[0].token}")
    small = _main(client.get("/s/"))
    assert "Det var för få barn som svarade för att visa siffror." in small
    assert 'class="figure"' not in small
    assert not re.search(r"\d+ av 10", small)
    assert "Vi tar mer tid." in small
    # Skellefteå's five were merged with Umeå's two: no area figure there either.
    skelleftea = window.area("Skellefteå/Norsjö")
    assert app.test_client().get(f"/s/resultat/{skelleftea.id}").status_code == 404
    # A team never has a figure of its own: the figures are the area's, the same whichever
    # team's family opens the page.
    asele_page = app.test_client().get(f"/s/resultat/{window.area('Södra Lappland').id}")
    for team, _text, _day in TWO_ACTIONS:
        item = re.search(rf"<li>\s*<strong[^>]*>{team}</strong>.*?</li>", asele_page.text, re.S)
        assert item is not None
        assert "av 10" not in item.group(0)


def test_publishing_is_for_admins_and_only_after_the_analysis(
    app, make_invitation, make_campaign, staff_client
):
    window = open_window(make_invitation, make_campaign)
    admin = staff_client("admin")
    response = _publish(admin, window, "Södra Lappland", TWO_ACTIONS, follow=True)
    assert "rapporten klar innan något kan publiceras" in response.text
    assert db.session.scalar(select(FamilySummary)) is None
    for role in ("coordinator", "analyst"):
        other = staff_client(role)
        area = window.area("Södra Lappland")
        assert other.get(f"/staff/campaigns/{window.campaign.id}/summaries").status_code == 403
        url = f"/staff/campaigns/{window.campaign.id}/summaries/{area.id}"
        assert other.post(url, data={}).status_code == 403


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([], "Skriv minst en sak som teamen ska ändra."),
        ([("HLT Åsele", "", REPORT_BACK)], "Skriv vad teamet ska ändra."),
        ([("", "Vi ritar.", REPORT_BACK)], "Välj vilket team som ska göra det här."),
        ([("HLT Åsele", "Vi ritar.", "")], "Skriv när ni berättar hur det gick"),
        ([("HLT Åsele", "Vi ritar.", "nästa vår")], "Skriv datumet som 2027-03-01."),
        ([("HLT Åsele", "Vi ritar.", date(2020, 1, 1))], "Datumet ska ligga efter i dag"),
        ([("HLT Åsele", "x" * 301, REPORT_BACK)], "Texten får ha högst 300 tecken."),
        ([("HLT Umeå", "Vi ritar.", REPORT_BACK)], "Välj ett av områdets team."),
    ],
)
def test_bad_input_is_named_and_nothing_is_published(window, staff_client, actions, message):
    response = _publish(staff_client("admin"), window, "Södra Lappland", actions)
    assert response.status_code == 200
    assert message in response.text
    assert 'class="error-summary"' in response.text
    assert db.session.scalar(select(SummaryAction)) is None


def test_staff_text_is_escaped_and_publishing_again_replaces_it(app, window, staff_client):
    admin = staff_client("admin")
    _publish(
        admin, window, "Södra Lappland", [("HLT Åsele", "<script>alert(1)</script>", REPORT_BACK)]
    )
    area = window.area("Södra Lappland")
    page = app.test_client().get(f"/s/resultat/{area.id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    _publish(admin, window, "Södra Lappland", TWO_ACTIONS)
    page = app.test_client().get(f"/s/resultat/{area.id}").text
    assert "alert(1)" not in page
    assert db.session.scalar(select(db.func.count()).select_from(FamilySummary)) == 1
    # Each publication is in the audit log, in words (the area, not the text).
    log = admin.get("/staff/audit").text
    assert log.count("publicerade återkopplingen till familjer i Södra Lappland") == 2


def test_the_public_address_and_its_qr_code(app, window, staff_client):
    area = window.area("Södra Lappland")
    assert app.test_client().get(f"/s/resultat/{area.id}").status_code == 404
    assert app.test_client().get("/s/resultat/9999").status_code == 404
    admin = staff_client("admin")
    _publish(admin, window, "Södra Lappland", TWO_ACTIONS)
    assert app.test_client().get(f"/s/resultat/{area.id}").status_code == 200
    campaign_page = admin.get(f"/staff/campaigns/{window.campaign.id}").text
    assert f'href="/staff/campaigns/{window.campaign.id}/summaries"' in campaign_page
    listing = admin.get(f"/staff/campaigns/{window.campaign.id}/summaries").text
    assert f"/s/resultat/{area.id}" in listing
    coordinator = staff_client("coordinator")
    qr = coordinator.get(f"/staff/summaries/{area.id}/qr.svg")
    assert qr.status_code == 200
    assert qr.mimetype == "image/svg+xml"
    expected = segno.make(f"https://enkat.example.se/s/resultat/{area.id}", error="m")
    assert expected.svg_inline(scale=10, border=4, dark="#000", light="#fff") in qr.text
