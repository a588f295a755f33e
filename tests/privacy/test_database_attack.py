"""Someone holds the database (or a backup of it) and tries to tie an answer to an invitation.

They have every table and all the time in the world, but not SECRET_KEY (it lives in the
environment file, never in the database or its backups: PRIVACY.md). Each test is one way in:
a key or a join, what one submit writes (two backups around it), the order or size of rows,
what staff pages show, and — after close — the released groups against the invitations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from survey_app.domain.lifecycle import close_campaign
from survey_app.extensions import db
from survey_app.models import Campaign, Invitation, Meeting, utcnow
from tests.results.conftest import ANSWERS, answer_all

#: Tables that hold answers, drafts or the traces of answering.
ANSWER_SIDE = {"responses", "answers", "sealed_responses", "drafts", "link_marks", "funnel_counts"}
#: Tables that say who was invited.
INVITATION_SIDE = {"invitations", "meetings", "links", "outbox_messages", "meeting_services"}


def _dump(app: Flask) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table: what a copy of the database holds."""
    tables = sa.MetaData()
    tables.reflect(bind=db.engine)
    db.session.expire_all()
    return {
        name: {tuple(row) for row in db.session.execute(sa.select(table))}
        for name, table in tables.tables.items()
        if name != "alembic_version"
    }


def test_no_foreign_key_leads_from_the_answer_side_to_the_invitation_side(app: Flask) -> None:
    inspector = sa.inspect(db.engine)
    for table in ANSWER_SIDE:
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert referred <= {"campaigns", "responses"}, (table, referred)


def test_answer_side_tables_have_no_hidden_row_order_on_sqlite(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("rowid is SQLite's")  # PostgreSQL keeps no insertion sequence to select
    rows = db.session.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type='table'"))
    schema = {name: sql for name, sql in rows}
    for table in ANSWER_SIDE - {"funnel_counts"}:
        assert "WITHOUT ROWID" in schema[table], table


def _meeting_with(make_invitation: Callable[..., Invitation], count: int) -> list[Invitation]:
    first = make_invitation()
    return [first] + [make_invitation(meeting=first.meeting) for _ in range(count - 1)]


def test_a_submit_writes_nothing_that_names_the_invitation(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> None:
    """Two backups, one taken just before a family's last Next and one just after."""
    family = _meeting_with(make_invitation, 3)
    invitation = family[0]
    client = app.test_client()
    answers = ANSWERS["guardian"]
    answer_all(client, family[1])  # others answered earlier
    assert client.get(f"/s/{invitation.token}").status_code == 200
    location = client.post("/s/").headers["Location"]
    while True:
        before = _dump(app)
        response = client.post(location, data=answers)
        location = response.headers["Location"]
        if location.endswith("/s/tack"):
            break
    after = _dump(app)

    changed = {
        table: (after[table] - before[table], before[table] - after[table])
        for table in after
        if after[table] != before[table]
    }
    # One sealed response and one keyed mark added, one sealed draft gone: nothing else.
    sizes = {table: (len(added), len(gone)) for table, (added, gone) in changed.items()}
    assert sizes == {"sealed_responses": (1, 0), "link_marks": (1, 0), "drafts": (0, 1)}
    # And none of what changed carries anything of the invitation's side in clear.
    identifying = {
        invitation.id,
        invitation.meeting_id,
        invitation.meeting.team_id,
        invitation.language,
        invitation.token,
        invitation.phone,
        str(invitation.id),
    }
    for added, gone in changed.values():
        for row in added | gone:
            cells = set(row[:1]) | set(row[2:])  # [1] of these rows is the window's id
            assert not cells & identifying, row


def test_sealed_responses_are_one_size_whoever_answered(
    app: Flask, make_invitation: Callable[..., Invitation]
) -> None:
    guardian = make_invitation(role="guardian")
    child = make_invitation(role="child", meeting=guardian.meeting)
    youth = make_invitation(role="youth")
    long_comment = "Det var ett bra möte men det tog lite för lång tid för oss alla."
    for invitation, answers in (
        (guardian, {**ANSWERS["guardian"], "G12": long_comment}),
        (child, {"C0": "1"}),  # not at the meeting: one answer only
        (youth, {**ANSWERS["youth"], "Y8": ""}),
    ):
        answer_all(app.test_client(), invitation, answers)
    sizes = db.session.scalars(sa.text("SELECT length(sealed) FROM sealed_responses")).all()
    assert len(sizes) == 3
    assert len(set(sizes)) == 1


def test_a_staff_member_cannot_tell_from_any_page_whether_a_family_answered(
    app: Flask,
    make_invitation: Callable[..., Invitation],
    staff_pages: Callable[[Meeting], dict[str, str]],
) -> None:
    invitation = make_invitation()
    make_invitation(meeting=invitation.meeting, phone="+46701740606")
    before = staff_pages(invitation.meeting)
    answer_all(app.test_client(), invitation)
    after = staff_pages(invitation.meeting)
    assert after == before


def _reachable_invitations_by_class(campaign_id: int) -> Counter[tuple[str, ...]]:
    """What the attacker computes after close: invitations with a link, per released group."""
    rows = db.session.execute(
        sa.text(
            "SELECT r.role, r.released_age_band, r.released_area, r.released_municipality,"
            " r.released_language_group, r.released_child_attended, count(*)"
            " FROM invitations i JOIN meetings m ON m.id = i.meeting_id"
            " JOIN teams t ON t.id = m.team_id JOIN municipalities mu ON mu.id = t.municipality_id"
            " JOIN areas a ON a.id = mu.area_id"
            " JOIN released_cells r ON r.campaign_id = m.campaign_id AND r.role = i.role"
            "  AND r.age_band = m.age_band AND r.area = a.name AND r.municipality = mu.name"
            "  AND r.language_group = CASE WHEN i.language = 'sv' THEN 'sv' ELSE 'other' END"
            "  AND r.child_attended = m.child_attended"
            " WHERE m.campaign_id = :campaign"
            "  AND EXISTS (SELECT 1 FROM links l WHERE l.invitation_id = i.id)"
            " GROUP BY 1, 2, 3, 4, 5, 6"
        ),
        {"campaign": campaign_id},
    )
    return Counter({tuple(row[:6]): row[6] for row in rows})


def _released_responses_by_class(campaign_id: int) -> Counter[tuple[str, ...]]:
    rows = db.session.execute(
        sa.text(
            "SELECT role, age_band, area, municipality, language_group, child_attended, count(*)"
            " FROM responses WHERE campaign_id = :campaign GROUP BY 1, 2, 3, 4, 5, 6"
        ),
        {"campaign": campaign_id},
    )
    return Counter({tuple(row[:6]): row[6] for row in rows})


@pytest.mark.parametrize("answered", [1, 5, 40])
def test_after_close_every_released_answer_hides_among_enough_invitations_and_answers(
    app: Flask, simulated_window: Callable[..., Campaign], answered: int
) -> None:
    """The seed's scale (about 160 meetings, 450 invitations), with one, a few or many answers."""
    campaign = simulated_window(invitations=450, responses=answered)
    close_campaign(campaign.id, utcnow())
    minimum = int(app.config["MIN_GROUP_SIZE"])
    responses = _released_responses_by_class(campaign.id)
    invitations = _reachable_invitations_by_class(campaign.id)
    assert sum(responses.values()) == answered
    for group, count in responses.items():
        if group[1:] == ("*", "*", "*", "*", "*") and count < minimum:
            # Fewer answers of a role than the minimum in the whole window: nothing smaller
            # than the role can be kept, and the role (shown by the questionnaire) hides the
            # answer among every invitation of that role.
            assert invitations[group] >= minimum, group
            continue
        assert count >= minimum, (group, count)
        assert invitations[group] >= minimum, (group, invitations[group])


def _reachable_by_role_and_service(campaign_id: int) -> dict[tuple[str, str], int]:
    """What the attacker computes: invitations with a link, per role and service at the meeting."""
    rows = db.session.execute(
        sa.text(
            "SELECT i.role, s.service, count(*) FROM invitations i"
            " JOIN meetings m ON m.id = i.meeting_id"
            " JOIN meeting_services s ON s.meeting_id = m.id"
            " WHERE m.campaign_id = :campaign"
            "  AND EXISTS (SELECT 1 FROM links l WHERE l.invitation_id = i.id)"
            " GROUP BY 1, 2"
        ),
        {"campaign": campaign_id},
    )
    return {(role, service): count for role, service, count in rows}


@pytest.mark.parametrize("answered", [1, 5, 40])
def test_after_close_no_stored_service_count_singles_out_a_few_families(
    app: Flask, simulated_window: Callable[..., Campaign], answered: int
) -> None:
    """The per-service counts, and what is left of each role once they are subtracted from
    its total, hold at least the minimum of invitations that could have answered, and no or at
    least the minimum of answers: the database never holds a small group's figure."""
    campaign = simulated_window(invitations=450, responses=answered)
    close_campaign(campaign.id, utcnow())
    minimum = int(app.config["MIN_GROUP_SIZE"])
    responses = _released_responses_by_class(campaign.id)
    invitations = _reachable_invitations_by_class(campaign.id)
    role_answers = Counter[str]()
    role_invitations = Counter[str]()
    for group, count in responses.items():
        role_answers[group[0]] += count
    for group, count in invitations.items():
        role_invitations[group[0]] += count
    reachable = _reachable_by_role_and_service(campaign.id)
    stored = db.session.execute(
        sa.text(
            "SELECT role, service, completed FROM released_service_counts"
            " WHERE campaign_id = :campaign"
        ),
        {"campaign": campaign.id},
    ).all()
    for role, service, completed in stored:
        rest_answers = role_answers[role] - completed
        rest_invitations = role_invitations[role] - reachable[(role, service)]
        assert reachable[(role, service)] >= minimum, (role, service)
        assert completed == 0 or completed >= minimum, (role, service, completed)
        if (rest_answers, rest_invitations) != (0, 0):
            assert rest_invitations >= minimum, (role, service, rest_invitations)
            assert rest_answers == 0 or rest_answers >= minimum, (role, service, rest_answers)
    if answered == 1:
        # The one answer's role and services: every count with it would be of one answer.
        assert all(completed == 0 for _role, _service, completed in stored)
    if answered == 40:
        assert any(completed >= minimum for _role, _service, completed in stored)
