"""'Det här blev det' in real Chromium: a child answers, the window is closed and analysed, an
admin publishes two team actions, and the child's old link opens the children's summary in the
child's language: no axe violations, within the first-round-trip budget, read aloud on the
phone's own voice, and the same without JavaScript."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from survey_app.models import Team
from tests.browser import follow

from .conftest import ARTIFACTS, CHILD_ANSWERS, axe_violations
from .speech import FAKE_SPEECH, voices_arrive
from .summaries import answer_and_analyse, open_window
from .test_browser_page_weight import BUDGET_BYTES, BUDGET_REQUESTS
from .test_summary import REPORT_BACK

pytestmark = pytest.mark.browser

ACTIONS = [
    ("HLT Åsele", "Vi frågar barnet först, innan de vuxna pratar."),
    ("HLT Vilhelmina", "Vi ritar mötet på ett papper, så att alla ser vad som händer."),
]


def _answer_as_a_child(opened, invitation):
    """The child's whole form, by the stored values (the words are in the child's language)."""
    page = opened.page
    opened.goto(f"/s/{invitation.token}")
    follow(page.locator("form[action='/s/'] button"))
    for value in CHILD_ANSWERS:
        page.locator(f"input[type=radio][value='{value}']").check()
        follow(page.locator("button[value=next]"))
    assert page.url.endswith("/s/tack")


def _publish(staff_client, window, db):
    admin = staff_client("admin")
    area = window.area("Södra Lappland")
    data = {}
    for n, (team, text) in enumerate(ACTIONS, start=1):
        data[f"team_{n}"] = str(db.session.query(Team).filter_by(name=team).one().id)
        data[f"text_{n}"] = text
        data[f"report_back_{n}"] = REPORT_BACK.isoformat()
    response = admin.post(f"/staff/campaigns/{window.campaign.id}/summaries/{area.id}", data=data)
    assert response.status_code == 302, response.text


def _weigh(opened, path):
    """Bytes and requests of a cold first view of `path`, as Chromium counts them."""
    page = opened.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sent, received = {}, {}
    cdp.on("Network.requestWillBeSent", lambda event: sent.update({event["requestId"]: event}))
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.update({event["requestId"]: int(event["encodedDataLength"])}),
    )
    opened.goto(path)
    page.wait_for_load_state("load")
    page.wait_for_function("() => true")
    cdp.detach()
    return sum(received.get(key, 0) for key in sent), len(sent)


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_the_childs_old_link_opens_the_childrens_summary_in_its_language(
    language, phone, db, fresh, make_invitation, make_campaign, staff_client
):
    window = open_window(make_invitation, make_campaign, language=language)
    child = phone(init_script=FAKE_SPEECH)
    _answer_as_a_child(child, window.child)

    fresh()
    answer_and_analyse(window, answered_already=(window.child,))
    _publish(staff_client, window, db)

    page = child.page
    child.goto(f"/s/{window.child.token}")
    with force_locale(language):
        title = _("Det här blev det")
        closed = _("Enkäten är stängd")
        changes = _("Det här ska de vuxna ändra")
    if language != "sv":
        assert title != "Det här blev det", "the title is translated"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("body").get_attribute("class") == "family child"
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.get_by_role("heading", level=2).inner_text() == changes
    main = page.locator("main").inner_text()
    assert closed not in main
    # The children's two questions with their figures: the browser child said "Lite" to C2
    # and "Vet inte" to C3, so 3 of 6 and 5 of 5 said "Ja".
    figures = page.locator(".figure")
    assert figures.count() == 2
    assert page.locator(".figure svg.face").count() == 20
    if language == "sv":
        assert [line for line in figures.nth(0).inner_text().split("\n") if line] == [
            "Fick du säga vad du tyckte?",
            "5 av 10 barn svarade Ja.",
        ]
        assert "10 av 10 barn svarade Ja." in figures.nth(1).inner_text()
    for team, text in ACTIONS:
        assert team in main
        assert text in main
    assert page.locator(".changes li").count() == 2
    assert page.locator(".changes [lang=sv]").count() == 4  # staff wrote in Swedish

    report = axe_violations(page)
    assert report == "", report
    page.screenshot(path=str(ARTIFACTS / f"summary-child-{language}.png"), full_page=True)

    # Read aloud with the phone's own voice for the language.
    voices_arrive(page, {"lang": language, "name": "Lokal", "localService": True})
    page.locator("[data-read-aloud]").click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1
    assert spoken[0]["voice"] == "Lokal"
    assert ACTIONS[1][1] in spoken[0]["text"]

    total, requests = _weigh(child, "/s/")
    (ARTIFACTS / f"page-weight-summary-child-{language}.txt").write_text(f"{total} bytes\n")
    assert requests <= BUDGET_REQUESTS
    assert total <= BUDGET_BYTES, f"{total} bytes"

    # Without JavaScript the same summary, no "Lyssna".
    plain = phone(javascript=False)
    plain.goto(f"/s/{window.child.token}")
    assert plain.page.get_by_role("heading", level=1).inner_text() == title
    assert plain.page.locator(".figure").count() == 2
    assert plain.page.locator("[data-read-aloud]").is_hidden()
