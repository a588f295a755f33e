"""The children's and young people's path, through the test client: pages, promises, privacy."""

from __future__ import annotations

import re

import pytest

from questionnaires import FACES as LOADER_FACES
from survey_app.domain.answering import has_answered
from survey_app.respond.faces import FACES, face_svg
from tests.answers import draft_of, funnel_counts, submitted

from .conftest import CHILD_ANSWERS


def _answer_child_form(client, answers=CHILD_ANSWERS):
    for page, value in enumerate(answers, start=1):
        data = {"action": "next"} if value is None else {"action": "next", f"C{page - 1}": value}
        response = client.post(f"/s/q/{page}", data=data)
        assert response.status_code == 302, response.text
    return response


def _stored(db, questionnaire_key):
    (response,) = [r for r in submitted() if r.questionnaire_key == questionnaire_key]
    return {key: value for key, (value, _text) in response.answers.items()}


def _counts(invitation):
    return funnel_counts(invitation.meeting.campaign_id)


def test_every_face_a_questionnaire_may_name_has_a_drawing():
    assert FACES == LOADER_FACES
    for name in FACES:
        svg = str(face_svg(name))
        assert 'aria-hidden="true"' in svg
        assert 'focusable="false"' in svg


def test_child_start_page_is_the_easy_to_read_one(client, make_invitation):
    invitation = make_invitation(role="child")
    client.get(f"/s/{invitation.token}")
    page = client.get("/s/").text
    assert '<body class="family child"' in page
    assert "Ingen får veta vad du svarar." in page
    assert "Du kan alltid svara Vet inte." in page
    assert 'href="/s/hej-da"' in page
    assert "Börja" in page


def test_youth_start_page_is_plain_and_says_who_asks(client, make_invitation):
    invitation = make_invitation(role="youth")
    client.get(f"/s/{invitation.token}")
    page = client.get("/s/").text
    assert '<body class="family youth"' in page
    assert "HLT-teamet i Åsele" in page
    assert "dina föräldrar" in page
    assert 'href="/s/hej-da"' in page


def test_guardian_start_page_has_no_way_out_for_children(client, make_invitation):
    invitation = make_invitation(role="guardian")
    client.get(f"/s/{invitation.token}")
    page = client.get("/s/").text
    assert '<body class="family"' in page
    assert "/s/hej-da" not in page


def test_not_wanting_to_answer_records_nothing(client, db, make_invitation):
    invitation = make_invitation(role="child")
    client.get(f"/s/{invitation.token}")
    goodbye = client.get("/s/hej-da")
    assert goodbye.status_code == 200
    assert "Du behöver inte svara" in goodbye.text
    assert "Ingenting har sparats." in goodbye.text
    assert ("child", "started") not in _counts(invitation)
    assert not has_answered(invitation.id)
    assert draft_of(invitation.id) is None
    # Changing one's mind still works.
    assert 'href="/s/"' in goodbye.text


def test_goodbye_page_works_without_a_session(client):
    assert client.get("/s/hej-da").status_code == 200


def test_child_question_has_words_first_faces_and_dont_know(client, begin, make_invitation):
    invitation = make_invitation(role="child")
    begin(client, invitation)
    client.post("/s/q/1", data={"action": "next", "C0": "3"})
    page = client.get("/s/q/2").text
    assert '<body class="family child"' in page
    assert '<h1 class="q">Visste du varför ni hade mötet?</h1>' in page
    labels = re.findall(r"<span>([^<]+)</span>", page)
    assert labels == ["Ja", "Lite", "Nej", "Vet inte"]
    assert page.count('<svg class="face"') == 3  # no face for "Vet inte"
    # The word comes before its face in every option.
    assert re.search(r"<span>Ja</span>\s*<svg class=\"face\"", page)
    assert "Fråga 2 av 7" in page
    assert re.search(r'<ol class="dots" aria-hidden="true">(<li[^>]*></li>){7}</ol>', page)
    assert re.search(r"<button [^>]*data-read-aloud hidden>", page)
    assert "Tillbaka" in page


def test_youth_question_has_four_words_and_dont_know_and_no_faces(client, begin, make_invitation):
    invitation = make_invitation(role="youth")
    begin(client, invitation)
    client.post("/s/q/1", data={"action": "next", "Y0": "3"})
    page = client.get("/s/q/2").text
    assert '<body class="family youth"' in page
    labels = re.findall(r"<span>([^<]+)</span>", page)
    assert labels == ["Ja, helt", "Ja, delvis", "Nej, inte så mycket", "Nej, inte alls", "Vet inte"]
    assert '<svg class="face"' not in page
    assert "Fråga 2 av 9" in page
    assert "data-read-aloud" in page


def test_guardian_question_has_no_faces_but_is_offered_read_aloud(client, begin, make_invitation):
    invitation = make_invitation(role="guardian")
    begin(client, invitation)
    page = client.get("/s/q/1").text
    assert "Sida 1 av 4" in page
    assert re.search(r"<button [^>]*data-read-aloud hidden>", page)
    assert '<svg class="face"' not in page
    assert 'class="dots"' not in page


def test_child_thank_you_page_speaks_to_the_child(client, begin, make_invitation):
    from survey_app.respond.children import CHILD_THANKS

    begin(client, make_invitation(role="child"))
    _answer_child_form(client)
    page = client.get("/s/tack").text
    assert '<body class="family child"' in page
    with client.application.test_request_context():
        for sentence in CHILD_THANKS:
            assert f"<p>{sentence}</p>" in page
    assert "barn och familjer" not in page  # the guardians' sentence
    assert "Inte de vuxna hemma" in page


def test_child_may_go_on_without_choosing(client, db, begin, make_invitation):
    invitation = make_invitation(role="child")
    begin(client, invitation)
    response = _answer_child_form(client, ["3", None, None, None, None, None, None])
    assert response.headers["Location"] == "/s/tack"
    stored = _stored(db, "sip-child")
    assert stored == {"C0": 3} | {f"C{n}": None for n in range(1, 7)}


def test_child_can_go_back_and_change_an_answer(client, db, begin, make_invitation):
    invitation = make_invitation(role="child")
    begin(client, invitation)
    client.post("/s/q/1", data={"action": "next", "C0": "3"})
    client.post("/s/q/2", data={"action": "next", "C1": "1"})
    back = client.post("/s/q/3", data={"action": "back"})
    assert back.headers["Location"] == "/s/q/2"
    assert 'value="1" checked' in client.get("/s/q/2").text
    _answer_child_form(client, CHILD_ANSWERS)
    assert _stored(db, "sip-child")["C1"] == 3


def test_reloading_mid_form_keeps_the_place_and_the_answers(client, begin, make_invitation):
    invitation = make_invitation(role="child")
    begin(client, invitation)
    client.post("/s/q/1", data={"action": "next", "C0": "3"})
    client.post("/s/q/2", data={"action": "next", "C1": "2"})
    assert "Fråga 3 av 7" in client.get("/s/q/3").text
    assert client.get("/s/").text.count("Fortsätt") == 1
    assert 'value="2" checked' in client.get("/s/q/2").text


@pytest.fixture
def handover(make_invitation):
    """A guardian and a child whose link was delivered to the guardian's phone."""
    from survey_app.extensions import db

    guardian = make_invitation(role="guardian")
    child = make_invitation(role="child", meeting=guardian.meeting, phone=None)
    child.handover_from_id = guardian.id
    db.session.commit()
    return guardian, child


def _complete_guardian(client, begin, guardian):
    begin(client, guardian)
    pages = [
        {"G0": "3"},
        {"G1": "4", "G2": "3", "G3": "na", "G4": "2", "G5": "1"},
        {"G6": "4", "G7": "4", "G8": "3", "G9": "na"},
        {"G10": "3", "G11": "4", "G12": ""},
    ]
    for number, answers in enumerate(pages, start=1):
        response = client.post(f"/s/q/{number}", data={"action": "next", **answers})
        assert response.status_code == 302
    assert response.headers["Location"] == "/s/tack"


def test_guardian_hands_the_phone_to_the_child(client, db, begin, handover):
    guardian, child = handover
    _complete_guardian(client, begin, guardian)
    thanks = client.get("/s/tack").text
    assert "Nu är det barnets tur" in thanks
    switched = client.post("/s/barnets-tur")
    assert switched.headers["Location"] == "/s/"
    start = client.get("/s/").text
    assert '<body class="family child"' in start
    with client.session_transaction() as session:
        assert session["invitation"] == child.id
        assert "completed" not in session  # nothing of the guardian's goes along
    assert _counts(child) == {
        ("guardian", "opened"): 1,
        ("guardian", "started"): 1,
        ("child", "opened"): 1,
    }  # opening is not starting


def test_no_hand_over_before_the_guardian_has_answered(client, db, begin, handover):
    guardian, child = handover
    begin(client, guardian)
    refused = client.post("/s/barnets-tur")
    assert refused.headers["Location"] == "/s/"
    with client.session_transaction() as session:
        assert session["invitation"] == guardian.id
    assert ("child", "opened") not in _counts(child)


def test_no_hand_over_to_another_familys_child(client, begin, make_invitation):
    from survey_app.extensions import db

    guardian = make_invitation(role="guardian")
    other_guardian = make_invitation(role="guardian")
    child = make_invitation(role="child", phone=None)
    child.handover_from_id = other_guardian.id
    db.session.commit()
    _complete_guardian(client, begin, guardian)
    assert "Nu är det barnets tur" not in client.get("/s/tack").text
    client.post("/s/barnets-tur")
    with client.session_transaction() as session:
        assert session["invitation"] == guardian.id


def test_nothing_of_the_childs_answers_can_be_seen_afterwards(client, db, begin, handover):
    guardian, child = handover
    _complete_guardian(client, begin, guardian)
    client.post("/s/barnets-tur")
    client.post("/s/")
    _answer_child_form(client)
    assert draft_of(child.id) is None
    for path in ("/s/q/1", "/s/q/3", "/s/q/7", "/s/", "/s/tack"):
        page = client.get(path)
        assert page.headers["Cache-Control"] == "no-store"
        assert "checked" not in page.text
        assert "Tack för dina svar!" in page.text
        assert "Nu är det barnets tur" not in page.text
    # Reopening the child's link (a parent looking later) shows only that it was answered.
    client.get(f"/s/{child.token}")
    assert "Du har redan svarat" in client.get("/s/q/2").text


def test_child_link_opened_after_the_guardian_finished_works(client, db, begin, handover):
    guardian, child = handover
    _complete_guardian(client, begin, guardian)
    begin(client, child)
    page = client.get("/s/q/1").text
    assert '<body class="family child"' in page
    _answer_child_form(client)
    assert has_answered(child.id)


def test_accessibility_statement_needs_no_session(app, client):
    app.config["ACCESSIBILITY_CONTACT"] = "hjalp@example.se"
    page = client.get("/tillganglighet")
    assert page.status_code == 200
    assert "<h1>Tillgänglighetsredogörelse</h1>" in page.text
    assert 'href="mailto:hjalp@example.se"' in page.text
    assert "WCAG 2.1" in page.text
    assert 'href="https://www.digg.se/' in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_every_family_page_links_to_the_accessibility_statement(client, begin, make_invitation):
    invitation = make_invitation(role="child")
    pages = [client.get("/s/nonsense-link").text, client.get("/s/hej-da").text]
    begin(client, invitation)
    pages += [client.get("/s/").text, client.get("/s/q/1").text]
    _answer_child_form(client)
    pages.append(client.get("/s/tack").text)
    for page in pages:
        assert 'href="/tillganglighet"' in page
        assert 'id="quick-exit"' in page


def test_accessibility_contact_comes_from_the_environment(monkeypatch, app_factory):
    monkeypatch.setenv("ACCESSIBILITY_CONTACT", "a11y@kommun.example")
    assert app_factory().config["ACCESSIBILITY_CONTACT"] == "a11y@kommun.example"


def test_child_intro_is_on_the_child_start_page(client, make_invitation):
    from survey_app.respond.children import CHILD_INTRO, CHILD_PROMISES

    invitation = make_invitation(role="child")
    client.get(f"/s/{invitation.token}")
    page = client.get("/s/").text
    with client.application.test_request_context():
        for sentence in (*CHILD_INTRO, *CHILD_PROMISES):
            assert str(sentence) in page


def test_an_opened_child_invitation_is_not_an_answered_one(db, client, make_invitation):
    invitation = make_invitation(role="child")
    client.get(f"/s/{invitation.token}")
    client.post("/s/sedd")  # what the start page's script sends when a browser shows it
    client.get("/s/hej-da")
    assert _counts(invitation) == {("child", "opened"): 1}
    assert not has_answered(invitation.id)
