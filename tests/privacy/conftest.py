"""Fixtures for the privacy attacks: a window at the county's scale, and what staff can see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.demo.simulate import simulate_responses
from survey_app.models import Campaign, Meeting
from tests.results.conftest import staff_client  # noqa: F401  (a fixture)


@pytest.fixture
def simulated_window(app: Flask, make_campaign: Callable[..., Campaign]) -> Callable[..., Campaign]:
    """An open window filled by the simulation: meetings across the county, links sent, some
    answers in (sealed), drafts and marks as the family path leaves them."""

    def make(*, invitations: int, responses: int, seed: int = 7) -> Campaign:
        campaign = make_campaign()
        simulate_responses(campaign.id, responses, seed=seed, invitations=invitations)
        return campaign

    return make


@pytest.fixture
def staff_pages(staff_client: Callable[..., FlaskClient]) -> Callable[[Meeting], dict[str, str]]:  # noqa: F811
    """Every staff page about one meeting and its window, as admin and as its coordinator."""

    clients: dict[str, Any] = {}

    def read(meeting: Meeting) -> dict[str, str]:
        pages: dict[str, str] = {}
        if not clients:  # the same accounts each time: only the answering may differ
            clients["admin"] = staff_client("admin")
            clients["coordinator"] = staff_client("coordinator", teams=(meeting.team.name,))
        for who, client in clients.items():
            for path in ("/staff/", "/staff/meetings", f"/staff/meetings/{meeting.id}"):
                response = client.get(path)
                assert response.status_code == 200, (who, path)
                # The CSRF token differs per session, not per answer.
                text = response.get_data(as_text=True)
                pages[f"{who} {path}"] = _without_csrf(text)
        return pages

    return read


def _without_csrf(text: str) -> str:
    import re

    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", text)
