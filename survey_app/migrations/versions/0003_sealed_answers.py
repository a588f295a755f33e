"""sealed answers, links apart from invitations, no per-invitation funnel

Revision ID: 0003
Revises: 0002

Moves every answer to the model in PRIVACY.md without losing one:
- the link of each invitation (its token hash) moves to `links`;
- opened / started counts per window and role move to `funnel_counts`; in windows still open,
  who opened, started and answered becomes keyed marks (`link_marks`), so a link stays single
  use; the columns go;
- drafts of open windows are sealed under their invitation's keyed mark;
- responses of open windows are sealed (`sealed_responses`) and released when the window
  closes; responses of closed windows are released now, in groups of at least MIN_GROUP_SIZE,
  and lose their team, language and date;
- queued messages lose their text (a link in plain text); reminder rows that say how a
  reminder went are deleted and counted per window.

The keys come from the app's SECRET_KEY (survey_app.domain.sealing): run it with the same
settings as the service.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN_STATES = ("draft", "open")
AGE_BANDS = "('0-5', '6-11', '12-18', '*')"


def _create_tables() -> None:
    op.create_table(
        "links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(token_hash) = 64", name=op.f("ck_links_token_hash_is_sha256")),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["invitations.id"], name=op.f("fk_links_invitation_id_invitations")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_links")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("links") as batch_op:
        batch_op.create_index(batch_op.f("ix_links_invitation_id"), ["invitation_id"])
    for name in ("link_marks", "sealed_responses"):
        key = "mark" if name == "link_marks" else "id"
        columns = [sa.Column(key, sa.String(length=64 if key == "mark" else 32), nullable=False)]
        columns.append(sa.Column("campaign_id", sa.Integer(), nullable=False))
        if name == "sealed_responses":
            columns.append(sa.Column("sealed", sa.LargeBinary(), nullable=False))
        op.create_table(
            name,
            *columns,
            sa.ForeignKeyConstraint(
                ["campaign_id"], ["campaigns.id"], name=op.f(f"fk_{name}_campaign_id_campaigns")
            ),
            sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{name}")),
            sqlite_with_rowid=False,
        )
        with op.batch_alter_table(name) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{name}_campaign_id"), ["campaign_id"])
    op.create_table(
        "funnel_counts",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "guardian", "child", "youth", name="role", native_enum=False,
                create_constraint=True, length=16,
            ),
            nullable=False,
        ),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("stage IN ('opened', 'started')", name=op.f("ck_funnel_counts_known_stage")),
        sa.CheckConstraint("count >= 0", name=op.f("ck_funnel_counts_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_funnel_counts_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("campaign_id", "role", "stage", name=op.f("pk_funnel_counts")),
    )
    op.create_table(
        "released_cells",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "guardian", "child", "youth", name="role", native_enum=False,
                create_constraint=True, length=16,
            ),
            nullable=False,
        ),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("area", sa.String(length=80), nullable=False),
        sa.Column("municipality", sa.String(length=80), nullable=False),
        sa.Column("language_group", sa.String(length=8), nullable=False),
        sa.Column("released_age_band", sa.String(length=8), nullable=False),
        sa.Column("released_area", sa.String(length=80), nullable=False),
        sa.Column("released_municipality", sa.String(length=80), nullable=False),
        sa.Column("released_language_group", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_released_cells_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "role", "age_band", "area", "municipality", "language_group",
            name=op.f("pk_released_cells"),
        ),
        sqlite_with_rowid=False,
    )


def _rows(connection: sa.Connection, sql: str, **params: Any) -> list[Any]:
    return list(connection.execute(sa.text(sql), params))


def upgrade() -> None:
    # Imported here: the service's own sealing and release, with the app's keys and settings.
    from survey_app.domain import sealing
    from survey_app.domain.answering import draft_context, response_context
    from survey_app.domain.release import InvitationRow, decide_release, language_group
    from survey_app.models.response import new_response_id

    connection = op.get_bind()
    _create_tables()
    op.add_column(
        "campaigns", sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0")
    )

    campaigns = {row.id: row.state for row in _rows(connection, "SELECT id, state FROM campaigns")}
    is_open = {cid: state in OPEN_STATES for cid, state in campaigns.items()}
    invitations = _rows(
        connection,
        "SELECT i.id, i.role, i.language, i.token_hash, i.opened_at, i.started_at, i.completed_at,"
        " m.campaign_id, m.age_band, a.name AS area, mu.name AS municipality"
        " FROM invitations i JOIN meetings m ON m.id = i.meeting_id"
        " JOIN teams t ON t.id = m.team_id JOIN municipalities mu ON mu.id = t.municipality_id"
        " JOIN areas a ON a.id = mu.area_id",
    )
    links = [{"token_hash": i.token_hash, "invitation_id": i.id} for i in invitations]
    if links:
        connection.execute(sa.text("INSERT INTO links (token_hash, invitation_id) VALUES (:token_hash, :invitation_id)"), links)
    counts: Counter[tuple[int, str, str]] = Counter()
    marks = []
    for invitation in invitations:
        for stage, moment in (
            ("opened", invitation.opened_at),
            ("started", invitation.started_at),
            ("answered", invitation.completed_at),
        ):
            if moment is None:
                continue
            if stage != "answered":
                counts[(invitation.campaign_id, invitation.role, stage)] += 1
            if is_open[invitation.campaign_id]:
                marks.append(
                    {"mark": sealing.mark(stage, invitation.id), "campaign_id": invitation.campaign_id}
                )
    if counts:
        connection.execute(
            sa.text("INSERT INTO funnel_counts (campaign_id, role, stage, count) VALUES (:c, :r, :s, :n)"),
            [{"c": c, "r": r, "s": s, "n": n} for (c, r, s), n in counts.items()],
        )
    if marks:
        connection.execute(sa.text("INSERT INTO link_marks (mark, campaign_id) VALUES (:mark, :campaign_id)"), marks)

    # Drafts: sealed under the invitation's keyed mark (only open windows still have drafts).
    campaign_of = {i.id: i.campaign_id for i in invitations}
    old_drafts = _rows(connection, "SELECT invitation_id, answers, reached_page FROM drafts")
    op.drop_table("drafts")
    op.create_table(
        "drafts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_drafts_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_drafts")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("drafts") as batch_op:
        batch_op.create_index(batch_op.f("ix_drafts_campaign_id"), ["campaign_id"])
    drafts = []
    for draft in old_drafts:
        # A JSON column read as text: a string on SQLite, already decoded on PostgreSQL.
        answers = json.loads(draft.answers) if isinstance(draft.answers, str) else draft.answers
        key = sealing.mark("draft", draft.invitation_id)
        drafts.append(
            {
                "key": key,
                "campaign_id": campaign_of[draft.invitation_id],
                "sealed": sealing.seal(
                    {"answers": answers or {}, "reached_page": draft.reached_page},
                    draft_context(key),
                ),
            }
        )
    if drafts:
        connection.execute(
            sa.insert(sa.table("drafts", sa.column("key"), sa.column("campaign_id"), sa.column("sealed", sa.LargeBinary))),
            drafts,
        )

    # Responses: sealed in open windows, released in closed ones.
    responses = _rows(
        connection,
        "SELECT r.id, r.campaign_id, r.questionnaire_key, r.questionnaire_version, r.role,"
        " r.age_band, r.team_id, r.language, a.name AS area, mu.name AS municipality"
        " FROM responses r JOIN teams t ON t.id = r.team_id"
        " JOIN municipalities mu ON mu.id = t.municipality_id JOIN areas a ON a.id = mu.area_id",
    )
    answers_of: dict[str, list[list[Any]]] = defaultdict(list)
    for answer in _rows(connection, "SELECT response_id, item_key, value, text FROM answers"):
        answers_of[answer.response_id].append([answer.item_key, answer.value, answer.text])
    sealed_rows = []
    moved = []
    for response in responses:
        if not is_open[response.campaign_id]:
            continue
        new_id = new_response_id()
        payload = {
            "questionnaire": response.questionnaire_key,
            "version": response.questionnaire_version,
            "role": response.role,
            "team_id": response.team_id,
            "age_band": response.age_band,
            "language": response.language,
            "answers": sorted(answers_of[response.id]),
        }
        sealed_rows.append(
            {
                "id": new_id,
                "campaign_id": response.campaign_id,
                "sealed": sealing.seal(payload, response_context(new_id)),
            }
        )
        moved.append({"id": response.id})
    if sealed_rows:
        connection.execute(
            sa.insert(sa.table("sealed_responses", sa.column("id"), sa.column("campaign_id"), sa.column("sealed", sa.LargeBinary))),
            sealed_rows,
        )
        connection.execute(sa.text("DELETE FROM answers WHERE response_id = :id"), moved)
        connection.execute(sa.text("DELETE FROM responses WHERE id = :id"), moved)

    # Released groups may be "*": the age band becomes a plain string before they are written.
    with op.batch_alter_table(
        "responses", table_kwargs={"sqlite_with_rowid": False}
    ) as batch_op:
        batch_op.add_column(sa.Column("area", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("municipality", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("language_group", sa.String(length=8), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_responses_ageband"), type_="check")
        batch_op.alter_column(
            "age_band",
            existing_type=sa.Enum("0-5", "6-11", "12-18", name="ageband", native_enum=False, length=16),
            type_=sa.String(length=8),
            existing_nullable=False,
        )

    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    released_cells = []
    updates = []
    for campaign_id, state_open in is_open.items():
        if state_open:
            continue
        window_invitations = [
            InvitationRow(
                # The sixth attribute (whether the child took part) came in 0007: one value
                # for all here, so this release is the five-attribute one it was.
                (i.role, i.age_band, i.area, i.municipality, language_group(i.language), "-"),
                sent=True,
                delivered=True,
                opted_out=False,
                reachable=True,  # each had its token: its link could have been opened
            )
            for i in invitations
            if i.campaign_id == campaign_id
        ]
        window_responses = [r for r in responses if r.campaign_id == campaign_id]
        cell_of = {
            r.id: (r.role, r.age_band, r.area, r.municipality, language_group(r.language), "-")
            for r in window_responses
        }
        release = decide_release(window_invitations, cell_of.values(), minimum)
        for fine, group in sorted(release.classes.items()):
            released_cells.append(
                {
                    "campaign_id": campaign_id, "role": fine[0], "age_band": fine[1],
                    "area": fine[2], "municipality": fine[3], "language_group": fine[4],
                    "released_age_band": group[1], "released_area": group[2],
                    "released_municipality": group[3], "released_language_group": group[4],
                }
            )
        for response in window_responses:
            group = release.classes[cell_of[response.id]]
            updates.append(
                {"id": response.id, "b": group[1], "a": group[2], "m": group[3], "l": group[4]}
            )
    if released_cells:
        connection.execute(
            sa.insert(
                sa.table(
                    "released_cells",
                    *(sa.column(name) for name in released_cells[0]),
                )
            ),
            released_cells,
        )
    if updates:
        connection.execute(
            sa.text(
                "UPDATE responses SET age_band = :b, area = :a, municipality = :m,"
                " language_group = :l WHERE id = :id"
            ),
            updates,
        )

    with op.batch_alter_table(
        "responses", table_kwargs={"sqlite_with_rowid": False}
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_team_id"))
        batch_op.drop_constraint(batch_op.f("fk_responses_team_id_teams"), type_="foreignkey")
        batch_op.drop_column("team_id")
        batch_op.drop_column("language")
        batch_op.drop_column("submitted_on")
        batch_op.alter_column("area", existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column("municipality", existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column("language_group", existing_type=sa.String(length=8), nullable=False)
        batch_op.create_check_constraint("known_age_band", f"age_band IN {AGE_BANDS}")
        batch_op.create_check_constraint(
            "known_language_group", "language_group IN ('sv', 'other', '*')"
        )
        batch_op.create_check_constraint(
            "no_municipality_without_area", "area != '*' OR municipality = '*'"
        )

    # Messages: no text; reminders that were handled are counted, then deleted.
    sent = _rows(
        connection,
        "SELECT m.campaign_id, count(*) AS n FROM outbox_messages o"
        " JOIN invitations i ON i.id = o.invitation_id JOIN meetings m ON m.id = i.meeting_id"
        " WHERE o.kind = 'reminder' AND o.state IN ('sent', 'delivered') GROUP BY m.campaign_id",
    )
    for row in sent:
        connection.execute(
            sa.text("UPDATE campaigns SET reminders_sent = :n WHERE id = :c"), {"n": row.n, "c": row.campaign_id}
        )
    connection.execute(
        sa.text(
            "DELETE FROM outbox_messages WHERE kind = 'reminder' AND (state != 'queued' OR"
            " invitation_id IN (SELECT i.id FROM invitations i JOIN meetings m ON m.id = i.meeting_id"
            " WHERE m.campaign_id IN (SELECT id FROM campaigns WHERE state NOT IN ('draft', 'open'))))"
        )
    )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_column("body")
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_messagekind"), type_="check")
        batch_op.alter_column(
            "kind",
            existing_type=sa.Enum("invite", "reminder", name="messagekind", native_enum=False, length=12),
            type_=sa.Enum(
                "invite", "reminder", "resend", name="messagekind", native_enum=False,
                create_constraint=True, length=12,
            ),
            existing_nullable=False,
        )
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.create_check_constraint("reminders_sent_not_negative", "reminders_sent >= 0")
        batch_op.alter_column("reminders_sent", existing_type=sa.Integer(), server_default=None)

    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_invitations_token_hash"), type_="unique")
        for name in (
            "completed_after_started",
            "token_hash_is_sha256",
            "reminders_sent_not_negative",
            "started_after_opened",
        ):
            batch_op.drop_constraint(batch_op.f(f"ck_invitations_{name}"), type_="check")
        for column in ("token_hash", "opened_at", "started_at", "completed_at", "reminders_sent"):
            batch_op.drop_column(column)
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invitations_replaces_id_invitations"), "invitations", ["replaces_id"], ["id"]
        )


def downgrade() -> None:
    raise NotImplementedError(
        "0003 cannot be undone: answers are sealed or released, and who answered is no longer "
        "stored. Restore the backup taken before the upgrade instead."
    )
