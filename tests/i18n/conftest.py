"""Fixtures for the language tests: catalogs compiled for this run, a family walking the path.

The .mo files are git-ignored and built by `make translations`; these tests compile the .po
files themselves into a temporary directory, so a fresh clone tests the catalogs as they are
(and a stale .mo in the tree can never hide a broken .po).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app.i18n.commands import compile_catalogs

#: One complete answer set per role, page by page (item key → value).
ANSWERS: dict[str, list[dict[str, str]]] = {
    "guardian": [
        {"G0": "3"},
        {"G1": "4", "G2": "3", "G3": "na", "G4": "2", "G5": "1"},
        {"G6": "4", "G7": "4", "G8": "3", "G9": "na"},
        {"G10": "3", "G11": "4", "G12": ""},
    ],
    "child": [{f"C{n}": "3" if n == 0 else "na"} for n in range(7)],
    "youth": [{"Y0": "3"}] + [{f"Y{n}": "na"} for n in range(1, 8)] + [{"Y8": ""}],
}


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("translations")
    compile_catalogs(target=directory)
    return directory


class OwnContextClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The `app` fixture keeps an app context open for the whole test; requests would otherwise
    share its `g`, where Flask-Babel caches the locale, and a language chosen in one request
    would not show in the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_factory: Callable[..., Flask], compiled_translations: Path) -> Iterator[Flask]:
    application = app_factory(BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations))
    application.test_client_class = OwnContextClient
    with application.app_context():
        yield application


@pytest.fixture
def begin() -> Callable[[FlaskClient, Any], str]:
    """Open an invitation's link, press Start; returns the first question page's path."""

    def start(client: FlaskClient, invitation: Any) -> str:
        assert client.get(f"/s/{invitation.token}").status_code == 200
        response = client.post("/s/")
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])

    return start


@pytest.fixture
def answer_all(begin: Callable[[FlaskClient, Any], str]) -> Callable[[FlaskClient, Any], None]:
    """Walk an invitation's whole questionnaire to the thank-you page."""

    def walk(client: FlaskClient, invitation: Any) -> None:
        location = begin(client, invitation)
        for answers in ANSWERS[invitation.role.value]:
            response = client.post(location, data=answers)
            assert response.status_code == 302, response.text
            location = response.headers["Location"]
        assert location == "/s/tack"

    return walk
