"""Helpers for walking the family path with the test client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

#: A complete, attended guardian questionnaire, page by page.
GUARDIAN_PAGES: list[dict[str, str]] = [
    {"G0": "3"},
    {"G1": "4", "G2": "3", "G3": "na", "G4": "2", "G5": "1"},
    {"G6": "4", "G7": "4", "G8": "3", "G9": "na"},
    {"G10": "3", "G11": "4", "G12": "Mer tid till barnet."},
]


@pytest.fixture
def begin() -> Callable[[FlaskClient, Any], None]:
    """Open an invitation's link and press Start."""

    def start(client: FlaskClient, invitation: Any) -> None:
        assert client.get(f"/s/{invitation.token}").status_code == 200
        response = client.post("/s/")
        assert response.status_code == 302, response.text

    return start
