"""A letter's link exists only on the paper: not in the database, the audit trail or the logs.

Think as someone who later holds the database file (and its WAL), the audit log or the
application's log: the link that a letter carried must be in none of them. Only its hash is
stored, like every link's.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from weasyprint.urls import FatalURLFetchingError

from survey_app.domain import letters as letters_domain
from survey_app.domain.letters import LETTER_PRINTED, print_letter
from survey_app.domain.links import invitation_for_token
from survey_app.domain.tokens import TYPEABLE_ALPHABET, hash_token, looks_like_token
from survey_app.extensions import db
from survey_app.messaging.letters import render_pdf
from survey_app.models import AuditEvent, Invitation, Link

from .conftest import link_count
from .reading import read_letter

TOKEN = re.compile(r"/s/([A-Za-z0-9_-]{22})")


def _token(pdf: bytes) -> str:
    (link,) = read_letter(pdf).qr_codes
    match = TOKEN.search(link)
    assert match is not None, link
    return match.group(1)


def _every_stored_value() -> str:
    """Every row of every table, as text (what a database dump holds)."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    rows: list[str] = []
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows.extend(repr(tuple(row)) for row in connection.execute(sa.select(table)))
    return "\n".join(rows)


def test_a_letter_makes_exactly_one_link_and_stores_only_its_hash(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> None:
    invitation = make_invitation()
    before = set(db.session.scalars(sa.select(Link.token_hash)))

    token = _token(print_letter(invitation, "A5", actor=None).pdf)

    after = set(db.session.scalars(sa.select(Link.token_hash)))
    assert after - before == {hash_token(token)}
    assert before <= after  # the SMS's link still works too
    assert invitation_for_token(invitation.token) == invitation.id
    assert invitation_for_token(token) == invitation.id


def test_the_link_is_in_no_table_no_audit_detail_no_log_and_not_in_the_file(
    app: Flask,
    make_invitation: Callable[..., Invitation],
    staff_client: Callable[..., FlaskClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    invitation = make_invitation(team="HLT Åsele", language="fa", role="youth")
    coordinator = staff_client("coordinator", teams=("HLT Åsele",))
    caplog.set_level(logging.DEBUG)

    response = coordinator.post(f"/staff/invitations/{invitation.id}/letter", data={"size": "A4"})

    token = _token(response.get_data())
    stored = _every_stored_value()
    assert hash_token(token) in stored  # the dump is complete enough to find the hash
    assert token not in stored
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == LETTER_PRINTED))
    assert event is not None
    assert token not in repr(event.details)
    assert set(event.details) == {"meeting_id", "role", "language", "size"}
    assert token not in caplog.text
    assert all(token not in str(record.args) for record in caplog.records)
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        db.session.remove()
        db.engine.dispose()
        for path in (Path(url.database), Path(url.database + "-wal")):
            if path.exists():
                assert token.encode() not in path.read_bytes(), path


def test_a_letter_that_cannot_be_laid_out_leaves_no_link_and_no_audit_event(
    app: Flask, make_invitation: Callable[..., Invitation], monkeypatch: pytest.MonkeyPatch
) -> None:
    invitation = make_invitation()
    before = link_count()

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(letters_domain, "compose_letter", broken)
    with pytest.raises(RuntimeError, match="no fonts"):
        print_letter(invitation, "A4", actor=None)
    assert link_count() == before
    printed = sa.select(sa.func.count()).where(AuditEvent.action == LETTER_PRINTED)
    assert db.session.scalar(printed) == 0


@pytest.mark.parametrize(
    "source",
    [
        '<img src="http://example.invalid/pixel.png">',
        '<link rel="stylesheet" href="https://example.invalid/letter.css">',
        '<img src="file:///etc/hostname">',
    ],
)
def test_laying_out_a_letter_fetches_nothing(app: Flask, source: str) -> None:
    """A stray address in the template stops the letter: no request leaves, no file is read."""
    with pytest.raises(FatalURLFetchingError, match=r"example\.invalid|hostname"):
        render_pdf(f"<!DOCTYPE html><html><body><p>Hej</p>{source}</body></html>")


def test_a_printed_token_is_as_strong_as_an_sms_token_and_has_no_look_alikes(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> None:
    assert set(TYPEABLE_ALPHABET).isdisjoint("0O1lI-_")
    assert len(TYPEABLE_ALPHABET) == 57
    assert 22 * math.log2(len(TYPEABLE_ALPHABET)) >= 128
    token = _token(print_letter(make_invitation(), "A4", actor=None).pdf)
    assert looks_like_token(token)
