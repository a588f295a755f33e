"""Fewer round trips for a family: the link shows the first question, a page's POST answers
with the next page when the page's script runs, and without the script everything stays
POST/redirect/GET. One test per promise."""

from __future__ import annotations

import sqlalchemy as sa

from survey_app.models import CampaignState, Draft
from tests.answers import draft_of, funnel_counts, submitted

from .conftest import GUARDIAN_PAGES

SCRIPT = {"js": "1"}


def _drafts(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Draft))


def test_a_guardians_link_shows_the_first_question_on_the_start_page(client, make_invitation):
    page = client.get(f"/s/{make_invitation().token}")
    assert page.status_code == 200
    assert 'action="/s/q/1"' in page.text
    assert 'name="G0"' in page.text
    assert 'data-seen="/s/sedd"' in page.text


def test_a_childs_link_keeps_its_own_start_page(client, make_invitation):
    page = client.get(f"/s/{make_invitation(role='child').token}")
    assert page.status_code == 200
    assert 'action="/s/"' in page.text  # "Börja": one question a screen, none on the start
    assert 'name="C0"' not in page.text


def test_the_first_answer_starts_the_draft_with_the_answer_in_it(client, db, make_invitation):
    invitation = make_invitation()
    client.get(f"/s/{invitation.token}")
    assert _drafts(db) == 0
    response = client.post("/s/q/1", data={**GUARDIAN_PAGES[0], **SCRIPT})
    assert response.status_code == 200
    assert 'data-url="/s/q/2"' in response.text  # the next page, at its own address
    assert 'name="G1"' in response.text
    draft = draft_of(invitation.id)
    assert draft is not None
    answers, reached = draft
    assert answers["G0"] == "3"
    assert reached == 2
    counts = funnel_counts(invitation.meeting.campaign_id)
    assert counts == {("guardian", "opened"): 1, ("guardian", "started"): 1}


def test_without_the_script_each_post_redirects(client, make_invitation):
    invitation = make_invitation()
    client.get(f"/s/{invitation.token}")
    response = client.post("/s/q/1", data=GUARDIAN_PAGES[0])
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/q/2"
    for number, answers in enumerate(GUARDIAN_PAGES[1:], start=2):
        response = client.post(f"/s/q/{number}", data=answers)
        assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/s/tack"
    assert len(submitted()) == 1


def test_a_whole_guardian_takes_five_requests_with_the_script(client, make_invitation):
    invitation = make_invitation()
    requests = [client.get(f"/s/{invitation.token}")]
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        requests.append(client.post(f"/s/q/{number}", data={**answers, **SCRIPT}))
    assert [response.status_code for response in requests] == [200] * 5
    assert "Tack för dina svar" in requests[-1].text
    assert 'data-url="/s/tack"' in requests[-1].text
    (stored,) = submitted()
    assert stored.answers["G0"] == (3, None)
    assert stored.answers["G12"] == (None, "Mer tid till barnet.")
    assert draft_of(invitation.id) is None


def test_refreshing_a_page_shown_after_a_post_is_a_get_that_shows_the_saved_answers(
    client, make_invitation
):
    invitation = make_invitation()
    client.get(f"/s/{invitation.token}")
    client.post("/s/q/1", data={**GUARDIAN_PAGES[0], **SCRIPT})
    client.post("/s/q/2", data={**GUARDIAN_PAGES[1], **SCRIPT})
    again = client.get("/s/q/2")  # what refresh or Back asks for: the address in the history
    assert again.status_code == 200
    assert 'value="4" checked' in again.text or 'checked value="4"' in again.text.replace(
        'type="radio" ', ""
    )
    draft = draft_of(invitation.id)
    assert draft is not None
    answers, reached = draft
    assert reached == 3
    assert answers["G1"] == "4"


def test_a_wrong_first_answer_is_shown_again_with_its_message_and_nothing_is_saved(
    client, db, make_invitation
):
    invitation = make_invitation()
    client.get(f"/s/{invitation.token}")
    response = client.post("/s/q/1", data={"G0": "7", **SCRIPT})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert _drafts(db) == 0
    assert funnel_counts(invitation.meeting.campaign_id) == {}


def test_the_beacon_counts_opened_once_and_needs_the_sessions_form_token(
    app, client, make_invitation
):
    invitation = make_invitation()
    client.get(f"/s/{invitation.token}")
    for _ in range(3):
        assert client.post("/s/sedd").status_code == 204
    assert funnel_counts(invitation.meeting.campaign_id) == {("guardian", "opened"): 1}


def test_the_beacon_without_a_visit_counts_nothing(client, make_invitation):
    invitation = make_invitation()
    assert client.post("/s/sedd").status_code == 204
    assert funnel_counts(invitation.meeting.campaign_id) == {}


def test_back_from_the_first_question_keeps_the_answer(client, make_invitation):
    invitation = make_invitation()
    client.get(f"/s/{invitation.token}")
    client.post("/s/q/1", data={**GUARDIAN_PAGES[0], **SCRIPT})
    back = client.post("/s/q/2", data={"G1": "2", "action": "back", **SCRIPT})
    assert back.status_code == 302
    assert back.headers["Location"] == "/s/q/1"
    draft = draft_of(invitation.id)
    assert draft is not None
    answers, _ = draft
    assert answers["G0"] == "3"
    assert answers["G1"] == "2"  # the half-filled page was kept


def test_after_a_key_change_an_answered_link_still_says_it_has_answered(
    app, app_factory, client, make_invitation
):
    """The answered mark made under the old key is found through the fallbacks (the visit
    query then looks for every key's mark, not only the current one's)."""
    invitation = make_invitation()
    client.get(f"/s/{invitation.token}")
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        client.post(f"/s/q/{number}", data=answers)
    rotated = app_factory(
        SECRET_KEY="a-new-key-for-the-next-window",
        SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]],
    )
    with rotated.app_context():
        page = rotated.test_client().get(f"/s/{invitation.token}", follow_redirects=True)
    assert "Du har redan svarat" in page.text


def test_an_answered_or_closed_link_moves_to_s_so_the_token_leaves_the_address_bar(
    client, make_invitation, make_campaign, make_meeting
):
    """Those pages have no script to replace the address: the link redirects to /s/."""
    answered = make_invitation()
    client.get(f"/s/{answered.token}")
    for number, answers in enumerate(GUARDIAN_PAGES, start=1):
        client.post(f"/s/q/{number}", data=answers)
    again = client.get(f"/s/{answered.token}")
    assert (again.status_code, again.headers["Location"]) == (302, "/s/")
    assert "Du har redan svarat" in client.get("/s/").text
    closed = make_campaign(state=CampaignState.CLOSED)
    late = make_invitation(meeting=make_meeting(campaign=closed))
    opened = client.get(f"/s/{late.token}")
    assert (opened.status_code, opened.headers["Location"]) == (302, "/s/")
    assert "Enkäten är stängd" in client.get("/s/").text
