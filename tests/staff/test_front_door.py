"""`/` leads to the staff login; in development it also says where the demo links are."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask


def test_the_front_door_leads_to_the_staff_login(client: object) -> None:
    response = client.get("/")  # type: ignore[attr-defined]
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    login = client.get("/", follow_redirects=True)  # type: ignore[attr-defined]
    assert login.request.path == "/staff/login"


def test_in_development_it_says_where_the_demo_links_are(app_factory: Callable[..., Flask]) -> None:
    development = app_factory(SURVEY_ENV="development", SMS_GATEWAY="console")
    page = development.test_client().get("/").get_data(as_text=True)
    assert '<a href="/staff/login">Logga in som personal</a>' in page
    assert "demolänkar skrevs ut i terminalen" in page
    assert "Sms-arbetaren körs bredvid webbservern" in page
    english = development.test_client().get("/", headers={"Accept-Language": "en"})
    assert 'lang="en"' in english.get_data(as_text=True)
