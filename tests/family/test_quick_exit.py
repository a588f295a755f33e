"""Quick exit ends the visit: the session is forgotten before the family is sent elsewhere."""

from __future__ import annotations

import pytest

EXIT = "/s/lamna"
NEUTRAL_SITE = "https://www.smhi.se/"


def _session_cookie_deleted(response) -> bool:
    cookies = response.headers.getlist("Set-Cookie")
    return any(c.startswith("sip=;") and "Expires=Thu, 01 Jan 1970" in c for c in cookies)


@pytest.mark.parametrize("method", ["get", "post"])
def test_quick_exit_forgets_the_visit_and_leaves(client, begin, make_invitation, method):
    invitation = make_invitation(role="child")
    begin(client, invitation)
    client.post("/s/q/1", data={"action": "next", "C0": "3"})
    assert "Fråga 2 av 7" in client.get("/s/q/2").text

    left = getattr(client, method)(EXIT)

    assert left.status_code == 303
    assert left.headers["Location"] == NEUTRAL_SITE
    assert _session_cookie_deleted(left)
    assert left.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        assert dict(session) == {}
    # Back in the history reloads the page (it is never cached): no questionnaire, no answers.
    again = client.get("/s/q/2")
    assert again.status_code == 400
    assert "Öppna länken i sms:et igen" in again.text
    assert 'type="radio"' not in again.text


def test_quick_exit_leads_where_the_setting_says(app, client):
    app.config["QUICK_EXIT_URL"] = "https://www.example.se/vader"
    assert client.get(EXIT).headers["Location"] == "https://www.example.se/vader"


def test_quick_exit_needs_no_form_token(app_factory):
    """A page open for hours still lets the family leave (CSRF on, no token posted)."""
    client = app_factory(WTF_CSRF_ENABLED=True).test_client()
    assert client.post(EXIT).status_code == 303


def test_quick_exit_works_when_the_database_does_not(client, begin, make_invitation, monkeypatch):
    begin(client, make_invitation(role="guardian"))

    def broken(*args, **kwargs):
        raise RuntimeError("the database does not answer")

    monkeypatch.setattr("survey_app.respond.views.load_visit", broken)
    left = client.get(EXIT)
    assert left.status_code == 303
    assert _session_cookie_deleted(left)


def test_every_family_page_sends_the_quick_exit_through_the_server(client, begin, make_invitation):
    invitation = make_invitation(role="child")
    pages = [client.get("/s/nonsense-link").text, client.get("/tillganglighet").text]
    begin(client, invitation)
    pages += [client.get("/s/").text, client.get("/s/q/1").text]
    for page in pages:
        assert f'<a class="exit" id="quick-exit" href="{EXIT}" rel="noreferrer">' in page
        assert NEUTRAL_SITE not in page
