"""Question pages served from the per-process store are the pages a fresh render gives.

The store is only safe if its key covers everything a page shows; these tests render the same
pages with the store and without it (QUESTION_PAGE_CACHE_SIZE=0) and compare them byte for
byte, apart from the CSRF token, which must be this session's own and valid.
"""

from __future__ import annotations

import re

import pytest

from survey_app.respond.page_cache import CSRF_PLACEHOLDER, EXTENSION_KEY, RenderedPages

from .conftest import GUARDIAN_PAGES

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _token(text: str) -> str:
    match = TOKEN.search(text)
    assert match, "the page carries a CSRF token"
    return match.group(1)


#: A CSRF field whichever order its attributes are written in (the hand-over form writes its own).
ANY_TOKEN_FIELD = re.compile(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*(")')


def _without_token(text: str) -> str:
    return ANY_TOKEN_FIELD.sub(r"\1\2", TOKEN.sub('name="csrf_token" type="hidden" value=""', text))


def _begin(client, invitation) -> str:
    client.get(f"/s/{invitation.token}")
    token = _token(client.get("/s/").text)
    assert client.post("/s/", data={"csrf_token": token}).status_code == 302
    return token


@pytest.fixture
def stored_and_fresh(app_factory):
    """Two apps on one database, CSRF on: one with the page store, one rendering every time."""
    stored = app_factory(WTF_CSRF_ENABLED=True)
    fresh = app_factory(WTF_CSRF_ENABLED=True, QUESTION_PAGE_CACHE_SIZE=0)
    assert stored.extensions[EXTENSION_KEY] is not None
    assert fresh.extensions[EXTENSION_KEY] is None
    with stored.app_context():
        yield stored, fresh


@pytest.mark.parametrize(
    ("role", "language"),
    [("guardian", "sv"), ("guardian", "ar"), ("child", "sv"), ("youth", "fi")],
)
def test_every_page_of_the_path_is_the_page_a_fresh_render_gives(
    stored_and_fresh, make_invitation, role, language
):
    stored, fresh = stored_and_fresh
    invitation = make_invitation(role=role, language=language)
    phone = stored.test_client()
    _begin(phone, invitation)
    compared = 0
    for number in range(1, 30):
        page = phone.get(f"/s/q/{number}")
        if page.status_code != 200:
            break
        again = phone.get(f"/s/q/{number}")  # from the store this time
        other_phone = fresh.test_client()
        other_phone.get(f"/s/{invitation.token}")
        rendered = other_phone.get(f"/s/q/{number}")
        assert rendered.status_code == 200
        assert _without_token(page.text) == _without_token(rendered.text)
        assert _without_token(again.text) == _without_token(rendered.text)
        assert CSRF_PLACEHOLDER not in again.text
        # The first option of every question (an empty text for free text) to move on.
        answers = {key: "" for key in re.findall(r'name="([A-Z]+\d+)"', page.text)}
        for key, value in reversed(
            re.findall(r'name="([A-Z]+\d+)" id="[^"]+" value="([^"]+)"', page.text)
        ):
            answers[key] = value
        moved = phone.post(f"/s/q/{number}", data={**answers, "csrf_token": _token(again.text)})
        assert moved.status_code == 302, moved.text
        compared += 1
        if moved.headers["Location"] == "/s/tack":
            break
    assert compared >= 4


def test_the_token_in_a_stored_page_is_the_sessions_own(stored_and_fresh, make_invitation):
    stored, _ = stored_and_fresh
    first, second = stored.test_client(), stored.test_client()
    _begin(first, make_invitation())
    _begin(second, make_invitation())
    page_one, page_two = first.get("/s/q/1").text, second.get("/s/q/1").text
    assert _without_token(page_one) == _without_token(page_two)
    assert _token(page_one) != _token(page_two)
    # One session's page token does not work in the other session; each works in its own.
    refused = second.post("/s/q/1", data={"G0": "3", "csrf_token": _token(page_one)})
    assert refused.status_code == 200
    assert "Sidan hade varit öppen länge" in refused.text
    accepted = first.post("/s/q/1", data={"G0": "3", "csrf_token": _token(page_one)})
    assert accepted.headers["Location"] == "/s/q/2"


def test_saved_answers_are_shown_checked_and_not_to_anyone_else(stored_and_fresh, make_invitation):
    stored, _ = stored_and_fresh
    answering, other = stored.test_client(), stored.test_client()
    token = _begin(answering, make_invitation())
    _begin(other, make_invitation())
    answering.post("/s/q/1", data={**GUARDIAN_PAGES[0], "csrf_token": token})
    answering.post("/s/q/2", data={**GUARDIAN_PAGES[1], "csrf_token": token, "action": "back"})
    other.post("/s/q/1", data={**GUARDIAN_PAGES[0], "csrf_token": _token(other.get("/s/q/1").text)})
    assert re.search(r'name="G1" id="G1-0" value="4"\s+checked', answering.get("/s/q/2").text)
    assert " checked" not in other.get("/s/q/2").text


def test_a_waiting_message_is_shown_not_a_stored_page(stored_and_fresh, make_invitation):
    stored, _ = stored_and_fresh
    phone = stored.test_client()
    token = _begin(phone, make_invitation())
    phone.get("/s/q/1")  # now in the store without a message
    moved = phone.post("/s/q/3", data={"G6": "4", "csrf_token": token})
    assert moved.headers["Location"] == "/s/q/1"
    assert "Den sidan kan du inte svara på just nu" in phone.get("/s/q/1").text
    assert "Den sidan kan du inte svara på just nu" not in phone.get("/s/q/1").text


def test_the_store_keeps_the_most_recently_used_pages():
    pages = RenderedPages(capacity=2)
    renders: list[str] = []

    def render(name: str):
        def make() -> str:
            renders.append(name)
            return f"<p>{name}</p>"

        return make

    assert pages.get_or_render("a", render("a")) == "<p>a</p>"
    pages.get_or_render("b", render("b"))
    pages.get_or_render("a", render("a"))  # used again: "b" is now the oldest
    pages.get_or_render("c", render("c"))
    pages.get_or_render("a", render("a"))
    pages.get_or_render("b", render("b"))
    assert renders == ["a", "b", "c", "b"]
    assert len(pages) == 2


def test_each_language_gets_its_own_page(stored_and_fresh, make_invitation):
    stored, fresh = stored_and_fresh
    swedish, arabic = make_invitation(language="sv"), make_invitation(language="ar")
    pages = {}
    for invitation in (swedish, arabic):
        phone = stored.test_client()
        _begin(phone, invitation)
        pages[invitation.language] = phone.get("/s/q/1").text
    assert 'lang="ar" dir="rtl"' in pages["ar"]
    other_phone = fresh.test_client()
    other_phone.get(f"/s/{arabic.token}")
    assert _without_token(pages["ar"]) == _without_token(other_phone.get("/s/q/1").text)


def _same_page_both_ways(stored, fresh, invitation, path: str, steps=()) -> str:
    """GET `path` twice from the store and once freshly rendered, after the same steps."""
    pages = []
    for app in (stored, stored, fresh):
        phone = app.test_client()
        phone.get(f"/s/{invitation.token}")
        for step in steps:
            step(phone)
        pages.append(phone.get(path))
    assert [page.status_code for page in pages] == [200, 200, 200]
    first, again, rendered = (_without_token(page.text) for page in pages)
    assert first == again == rendered
    return rendered


@pytest.mark.parametrize(
    ("role", "language"), [("guardian", "sv"), ("child", "so"), ("youth", "sv")]
)
def test_start_pages_are_the_pages_a_fresh_render_gives(
    stored_and_fresh, make_invitation, make_meeting, role, language
):
    stored, fresh = stored_and_fresh
    invitation = make_invitation(role=role, language=language)
    page = _same_page_both_ways(stored, fresh, invitation, "/s/")
    # A guardian's start page carries the first question; the others have a Start button.
    assert ("Nästa" if role == "guardian" else "Börja") in page or language != "sv"
    # Another team's start page names its own place, not the one stored first.
    elsewhere = make_invitation(
        role=role, language=language, meeting=make_meeting(team="HLT Skellefteå")
    )
    other = _same_page_both_ways(stored, fresh, elsewhere, "/s/")
    assert (other == page) is (role == "child")  # the child's page names no place
    # Once started, the page says Fortsätt ("go on") instead of Börja.
    phone = stored.test_client()
    _begin(phone, invitation)
    resumed = _same_page_both_ways(stored, fresh, invitation, "/s/")
    assert resumed != page


def test_thank_you_pages_with_and_without_a_hand_over(stored_and_fresh, make_invitation):
    from survey_app.extensions import db

    stored, fresh = stored_and_fresh

    def finished_guardian(with_child: bool):
        guardian = make_invitation(role="guardian")
        if with_child:
            child = make_invitation(role="child", meeting=guardian.meeting, phone=None)
            child.handover_from_id = guardian.id
            db.session.commit()
        phone = stored.test_client()
        token = _begin(phone, guardian)
        for number, answers in enumerate(GUARDIAN_PAGES, start=1):
            phone.post(f"/s/q/{number}", data={**answers, "csrf_token": token})
        return phone

    pages = {}
    for with_child in (False, True):
        phone = finished_guardian(with_child)
        first, again = phone.get("/s/tack").text, phone.get("/s/tack").text
        same_session = fresh.test_client()  # the apps share the secret key, so the session
        same_session.set_cookie("sip", phone.get_cookie("sip").value)
        rendered = same_session.get("/s/tack").text
        assert _without_token(first) == _without_token(again) == _without_token(rendered)
        pages[with_child] = rendered
    assert "Nu är det barnets tur" in pages[True]
    assert "Nu är det barnets tur" not in pages[False]


def test_a_form_made_before_rendering_is_refused_for_the_store(stored_and_fresh):
    from flask_wtf.csrf import generate_csrf

    from survey_app.respond.page_cache import stored_page

    stored, _ = stored_and_fresh
    with stored.test_request_context("/s/"):
        generate_csrf()  # as a form made outside `render` would
        with pytest.raises(RuntimeError, match="while rendering"):
            stored_page(("test",), lambda: "<p>page</p>")


def test_a_typed_answer_is_never_kept_in_the_store(stored_and_fresh, make_invitation):
    stored, _ = stored_and_fresh
    phone = stored.test_client()
    token = _begin(phone, make_invitation())
    for number, answers in enumerate(GUARDIAN_PAGES[:3], start=1):
        phone.post(f"/s/q/{number}", data={**answers, "csrf_token": token})
    typed = "Min granne Britt-Marie på Storgatan 4 var med"
    back = {"G10": "3", "G11": "4", "G12": typed, "action": "back", "csrf_token": token}
    assert phone.post("/s/q/4", data=back).headers["Location"] == "/s/q/3"
    assert typed in phone.get("/s/q/4").text  # shown to the person who typed it
    kept = stored.extensions[EXTENSION_KEY]
    assert len(kept) > 0
    assert not any(typed in page for page in kept._pages.values())
