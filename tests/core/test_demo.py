"""The demo creates a usable window with one link per role and per family language."""

from __future__ import annotations

import json

import sqlalchemy as sa

from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.models import Invitation


def test_demo_json_lists_links_per_role_and_language(runner, app):
    result = runner.invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["base_url"] == "https://enkat.example.se"
    assert isinstance(data["campaign_id"], int)
    roles = {link["role"] for link in data["links"]}
    assert roles == {"guardian", "child", "youth"}
    guardian_languages = {link["language"] for link in data["links"] if link["role"] == "guardian"}
    assert guardian_languages == set(FAMILY_LANGUAGES)
    assert all(link["url"].startswith("https://enkat.example.se/s/") for link in data["links"])
    assert isinstance(data["staff"], list)


def test_demo_is_idempotent_and_its_links_work(runner, app, client, db):
    first = json.loads(runner.invoke(args=["demo", "--json"]).output)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))
    second = json.loads(runner.invoke(args=["demo", "--json"]).output)
    assert first["links"] == second["links"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == count
    for link in first["links"][:3]:
        path = link["url"].removeprefix(first["base_url"])
        assert client.get(path).status_code == 200
        assert client.get("/s/").status_code == 200


def test_demo_prints_links_as_text(runner, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "https://enkat.example.se/s/" in result.output
