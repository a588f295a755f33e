"""What stays on disk and in the logs: read as bytes, the way someone with the files would."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from survey_app.domain.answering import SubmitOutcome, start, submit
from survey_app.domain.free_text import mask_identifying_details
from survey_app.domain.lifecycle import close_campaign
from survey_app.extensions import db
from survey_app.messaging.gateways import ConsoleGateway
from survey_app.messaging.outbox import queue_messages, send_due
from survey_app.models import Invitation, Response, Role, utcnow
from survey_app.questionnaires import get_questionnaire
from tests.answers import submitted
from tests.results.conftest import ANSWERS, answer_all

#: Typed into a draft that is never sent: it must not survive the close anywhere.
DRAFT_TEXT = "UTKAST-SOM-ALDRIG-SKICKADES-7731"
PHONES = ("+46701740611", "+46701740612", "+46701740613", "+46701740614")


def _raw(database: Path) -> bytes:
    """The database file and its write-ahead log, as bytes."""
    found = b""
    for suffix in ("", "-wal", "-journal"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            found += path.read_bytes()
    return found


def _spellings(phone: str) -> list[bytes]:
    national = "0" + phone[3:]
    return [phone.encode(), national.encode(), phone[1:].encode(), phone.encode("utf-16-le")]


def test_after_close_no_phone_number_token_or_draft_is_left_in_the_file_or_its_wal(
    app: Flask,
    make_invitation: Callable[..., Invitation],
    capsys: pytest.CaptureFixture[str],
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads the SQLite file; PostgreSQL's files are the operator's (PRIVACY.md)")
    database = Path(db.engine.url.database or "")
    first = make_invitation(phone=PHONES[0])
    family = [first] + [make_invitation(meeting=first.meeting, phone=phone) for phone in PHONES[1:]]
    for invitation in family:
        queue_messages(invitation, campaign=first.meeting.campaign)
    db.session.commit()
    send_due(ConsoleGateway(), now=utcnow() + timedelta(days=1, hours=1))
    tokens = re.findall(r"/s/([\w-]{22})", capsys.readouterr().out)
    tokens += [invitation.token for invitation in family]
    answer_all(app.test_client(), family[0])
    # One family stops half way with a comment typed in the draft.
    halfway = family[1]
    start(halfway.id, Role.GUARDIAN, halfway.meeting.campaign_id)
    client = app.test_client()
    client.get(f"/s/{halfway.token}")
    client.post("/s/")
    for page, answers in enumerate(
        ({"G0": "3"}, ANSWERS["guardian"], ANSWERS["guardian"]), start=1
    ):
        client.post(f"/s/q/{page}", data=answers)
    client.post("/s/q/4", data={"G10": "3", "G11": "4", "G12": DRAFT_TEXT, "action": "back"})

    before = _raw(database)
    assert any(spelling in before for spelling in _spellings(PHONES[0]))  # the test can see

    close_campaign(first.meeting.campaign_id, utcnow())
    after = _raw(database)
    for phone in PHONES:
        for spelling in _spellings(phone):
            assert spelling not in after, phone
    for token in tokens:
        assert token.encode() not in after
    assert DRAFT_TEXT.encode() not in after
    assert not Path(f"{database}-wal").exists() or Path(f"{database}-wal").stat().st_size == 0


def test_a_failing_statement_logs_neither_phone_number_nor_free_text(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    secret_text = "Min son Kalle mår dåligt"
    statement = sa.text("INSERT INTO no_such_table (phone, text) VALUES (:phone, :text)")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(sa.exc.SQLAlchemyError) as raised:
        db.session.execute(statement, {"phone": "+46701740699", "text": secret_text})
    db.session.rollback()
    logged = caplog.text + str(raised.value) + repr(raised.value)
    assert "no_such_table" in logged  # the error itself is told
    assert "+46701740699" not in logged
    assert secret_text not in logged


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ring mig på 070-123 45 67 tack", "Ring mig på [telefonnummer] tack"),
        ("nr +46 70 123 45 67.", "nr [telefonnummer]."),
        ("Mitt barn 20121212-1212 behöver hjälp", "Mitt barn [personnummer] behöver hjälp"),
        ("pnr 121212-1212", "pnr [personnummer]"),
        ("mejla anna.andersson@example.se", "mejla [e-post]"),
        ("Vi bor på Storgatan 12B i Åsele", "Vi bor på [adress] i Åsele"),
        ("Kungsvägen 3 är adressen", "[adress] är adressen"),
        # Left alone: numbers that identify no one.
        ("Mötet tog 2 timmar, 12 personer", "Mötet tog 2 timmar, 12 personer"),
        ("Det kostade 200000-1234 kronor", "Det kostade 200000-1234 kronor"),
        ("Bra möte!", "Bra möte!"),
    ],
)
def test_free_text_is_masked_for_what_identifies_a_person(typed: str, stored: str) -> None:
    assert mask_identifying_details(typed) == stored


def test_a_submitted_comment_is_masked_before_it_is_stored(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> None:
    invitation = make_invitation()
    comment = "Ring mig på 070-123 45 67 eller mejla a.b@example.se"
    answers = {**ANSWERS["guardian"], "G12": comment}
    outcome = submit(invitation.id, get_questionnaire("sip-guardian"), answers)
    assert outcome is SubmitOutcome.STORED
    (response,) = submitted()
    assert response.answers["G12"] == (None, "Ring mig på [telefonnummer] eller mejla [e-post]")


def test_released_comments_stay_masked(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> None:
    invitation = make_invitation()
    answer_all(app.test_client(), invitation, {**ANSWERS["guardian"], "G12": "070-1234567"})
    close_campaign(invitation.meeting.campaign_id, utcnow())
    texts = db.session.scalars(sa.text("SELECT text FROM answers WHERE text IS NOT NULL")).all()
    assert texts == ["[telefonnummer]"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
