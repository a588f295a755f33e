"""The columns each table may have, written out: a new column is a privacy decision, not a detail.

An allow-list, not a list of forbidden names: a column that links an answer to an invitation
under any name (`inv`, `ref`, `source_id`…) fails here until this table is changed on purpose
and PRIVACY.md says why.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from survey_app.domain.answering import SubmitOutcome, submit
from survey_app.domain.lifecycle import close_campaign
from survey_app.extensions import db
from survey_app.models import Invitation, utcnow
from survey_app.questionnaires import get_questionnaire

ALLOWED_COLUMNS = {
    # Answers: a random id, the window, the questionnaire, the released group; no time.
    "responses": {
        "id",
        "campaign_id",
        "questionnaire_key",
        "questionnaire_version",
        "role",
        "age_band",
        "area",
        "municipality",
        "language_group",
        # Whether the child took part in the meeting: a released group attribute like the
        # others, generalised last (children's participation is what is followed up).
        "child_attended",
    },
    "answers": {"response_id", "item_key", "value", "text"},
    # While the window is open: sealed blobs and keyed marks, nothing in clear.
    "sealed_responses": {"id", "campaign_id", "sealed"},
    "drafts": {"key", "campaign_id", "sealed"},
    "link_marks": {"mark", "campaign_id"},
    "funnel_counts": {"campaign_id", "role", "stage", "count"},
    "released_cells": {
        "campaign_id",
        "role",
        "age_band",
        "area",
        "municipality",
        "language_group",
        "child_attended",
        "released_age_band",
        "released_area",
        "released_municipality",
        "released_language_group",
        "released_child_attended",
    },
    # Counts per role and service, written only where safe beside the role's total: a
    # meeting's services are never a column of an answer.
    "released_service_counts": {"campaign_id", "role", "service", "invited", "completed"},
    # The invitation side: who was invited and whether the SMS went; never whether they
    # opened, started or answered.
    "invitations": {
        "id",
        "meeting_id",
        "role",
        "questionnaire_key",
        "language",
        "phone",
        "handover_from_id",
        "created_at",
        "sent_at",
        "delivered_at",
        "opted_out_at",
        # Withdrawn by staff (a wrong number), and the invitation a correction replaced.
        "withdrawn_at",
        "replaces_id",
    },
    "links": {"token_hash", "invitation_id"},
    # What came of a window, told to families: per area and team, what staff decided and
    # wrote. No figure is stored (they are read from the report) and nothing names a family.
    "family_summaries": {"id", "campaign_id", "area_id", "published_at", "published_by_id"},
    "summary_actions": {"id", "summary_id", "position", "team_id", "text", "report_back_on"},
    # No text: a queued SMS holds no link.
    "outbox_messages": {
        "id",
        "invitation_id",
        "kind",
        "sequence",
        "segments",
        "encoding",
        "state",
        "gateway",
        "provider_id",
        "callback_secret_hash",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "delivered_at",
    },
}


@pytest.mark.parametrize("table", sorted(ALLOWED_COLUMNS))
def test_each_table_has_exactly_the_allowed_columns(app: Flask, table: str) -> None:
    columns = {column["name"] for column in sa.inspect(db.engine).get_columns(table)}
    assert columns == ALLOWED_COLUMNS[table]


def test_response_ids_do_not_depend_on_the_invitation(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> None:
    """The same invitation (same id, same key) answering twice from the same state gets two
    unrelated ids (so an id is not computed from the invitation); the released response gets
    yet another."""
    invitation = make_invitation()
    first = submit(invitation.id, get_questionnaire("sip-guardian"), {"G0": "1"})
    assert first is SubmitOutcome.STORED
    (sealed_id,) = db.session.scalars(sa.text("SELECT id FROM sealed_responses")).all()
    db.session.execute(sa.text("DELETE FROM sealed_responses"))
    db.session.execute(sa.text("DELETE FROM link_marks"))
    db.session.commit()
    again = submit(invitation.id, get_questionnaire("sip-guardian"), {"G0": "1"})
    assert again is SubmitOutcome.STORED
    (second_id,) = db.session.scalars(sa.text("SELECT id FROM sealed_responses")).all()
    assert second_id != sealed_id
    close_campaign(invitation.meeting.campaign_id, utcnow())
    (released_id,) = db.session.scalars(sa.text("SELECT id FROM responses")).all()
    assert released_id not in (sealed_id, second_id)
    for value in (sealed_id, second_id, released_id):
        assert len(value) == 32
        assert int(value, 16) > 2**64  # 128 random bits, not a number that counts
