"""Putting an invitation right: correct a number or language, send the link again, withdraw it.

A typo in a phone number sends a family's — or a child's — personal link to a stranger. A
correction therefore never edits the invitation in place: the old invitation is withdrawn (its
links revoked at once, so an SMS already delivered to the wrong phone opens the "not valid"
page; what it still had queued is cancelled) and a new one, pointing back to it, gets a new
link by SMS to the right number. A child whose link went to the corrected guardian's phone
moves with the guardian. Sending again makes a new link (the service keeps no token to send
twice) and leaves the earlier ones working. Each action is audited, never with the number.

None of this may tell staff whether a family answered: a resend goes whatever the family did,
and withdrawing looks the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from survey_app.domain import audit
from survey_app.domain.links import revoke_links
from survey_app.extensions import db
from survey_app.i18n import FAMILY_LANGUAGES
from survey_app.messaging.outbox import queue_message, queue_messages
from survey_app.messaging.phones import PhoneNumberProblem, normalise_phone
from survey_app.models import (
    Invitation,
    MessageKind,
    MessageState,
    OutboxMessage,
    User,
    utcnow,
)

INVITATION_CORRECTED = "invitation_corrected"
INVITATION_RESENT = "invitation_resent"
INVITATION_WITHDRAWN = "invitation_withdrawn"
#: Sending again is for a lost SMS, not a channel: a few times, with a pause between.
MAX_RESENDS = 3
RESEND_PAUSE = timedelta(minutes=10)


@dataclass
class InvitationActionRefused(Exception):
    """Why an action on an invitation cannot be done, in words for the staff member."""

    message: str
    #: The form field the problem belongs to, if any.
    field: str | None = None

    def __str__(self) -> str:
        return self.message


def _check_changeable(invitation: Invitation, now: datetime) -> None:
    if invitation.withdrawn_at is not None:
        raise InvitationActionRefused(_("Inbjudan är redan återkallad."))
    if invitation.meeting.campaign.has_ended(now):
        raise InvitationActionRefused(
            _("Insamlingsperioden är slut: inbjudningar kan inte längre ändras.")
        )


def _stop_messages(invitation_id: int, reason: str) -> int:
    """Cancel what is still queued (or waiting to be retried) and drop queued reminders."""
    queued = (
        OutboxMessage.invitation_id == invitation_id,
        OutboxMessage.state == MessageState.QUEUED,
    )
    reminders = db.session.execute(
        delete(OutboxMessage)
        .where(*queued, OutboxMessage.kind == MessageKind.REMINDER)
        .execution_options(synchronize_session=False)
    )
    others = db.session.execute(
        update(OutboxMessage)
        .where(*queued)
        .values(state=MessageState.CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return int(reminders.rowcount) + int(others.rowcount)  # type: ignore[attr-defined]


def _withdraw(invitation: Invitation, now: datetime, reason: str) -> None:
    invitation.withdrawn_at = now
    revoke_links(invitation.id)
    _stop_messages(invitation.id, reason)


def _handed_over_children(guardian: Invitation) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation).where(
                Invitation.handover_from_id == guardian.id, Invitation.withdrawn_at.is_(None)
            )
        )
    )


def withdraw_invitation(
    invitation: Invitation, actor: User | None, now: datetime | None = None
) -> None:
    """Revoke the invitation's links and stop its messages (a child handed over to its phone
    keeps its own invitation: withdraw that one too if the child should not answer)."""
    now = now or utcnow()
    _check_changeable(invitation, now)
    _withdraw(invitation, now, "withdrawn by staff")
    audit.record(
        actor,
        INVITATION_WITHDRAWN,
        "invitation",
        invitation.id,
        meeting_id=invitation.meeting_id,
        role=invitation.role.value,
    )
    db.session.commit()


@dataclass(frozen=True)
class Correction:
    """What to change: a new number (as typed) and/or a new language; None keeps it."""

    phone: str | None = None
    language: str | None = None


def _replacement(
    old: Invitation, phone: str | None, language: str, handover_from: Invitation | None
) -> Invitation:
    new = Invitation(
        meeting=old.meeting,
        role=old.role,
        questionnaire_key=old.questionnaire_key,
        language=language,
        phone=phone,
        handover_from=handover_from,
        replaces_id=old.id,
    )
    db.session.add(new)
    return new


def correct_invitation(
    invitation: Invitation,
    correction: Correction,
    actor: User | None,
    now: datetime | None = None,
) -> Invitation:
    """Replace the invitation by one with the right number or language; returns the new one.

    Raises InvitationActionRefused (nothing changed) for a wrong number, an unknown language,
    nothing to change, a withdrawn invitation or an ended window.
    """
    now = now or utcnow()
    _check_changeable(invitation, now)
    phone = invitation.phone
    if correction.phone is not None:
        if invitation.handover_from_id is not None:
            raise InvitationActionRefused(
                _(
                    "Barnets länk skickas till en vårdnadshavares telefon: rätta den "
                    "vårdnadshavarens nummer i stället."
                ),
                "phone",
            )
        try:
            phone = normalise_phone(correction.phone)
        except PhoneNumberProblem as problem:
            raise InvitationActionRefused(str(problem), "phone") from None
    language = correction.language or invitation.language
    if language not in FAMILY_LANGUAGES:
        raise InvitationActionRefused(_("Välj ett språk i listan."), "language")
    if phone == invitation.phone and language == invitation.language:
        raise InvitationActionRefused(
            _("Numret och språket är desamma som förut: det finns inget att rätta."), "phone"
        )
    campaign = invitation.meeting.campaign
    children = _handed_over_children(invitation)
    _withdraw(invitation, now, "corrected by staff")
    new = _replacement(invitation, phone, language, invitation.handover_from)
    queue_messages(new, campaign=campaign, now=now)
    for child in children:  # the child's link goes to the (corrected) guardian's phone
        _withdraw(child, now, "corrected by staff")
        moved = _replacement(child, phone, child.language, new)
        queue_messages(moved, campaign=campaign, now=now)
    db.session.flush()
    audit.record(
        actor,
        INVITATION_CORRECTED,
        "invitation",
        invitation.id,
        meeting_id=invitation.meeting_id,
        role=invitation.role.value,
        replaced_by=new.id,
        phone_changed=phone != invitation.phone,
        language=language if language != invitation.language else None,
        children_moved=len(children),
    )
    db.session.commit()
    return new


def resend_invitation(
    invitation: Invitation, actor: User | None, now: datetime | None = None
) -> None:
    """Queue the invitation SMS again, with a new link (the earlier links keep working)."""
    now = now or utcnow()
    _check_changeable(invitation, now)
    if invitation.phone is None:
        raise InvitationActionRefused(_("Inbjudan har inget nummer att skicka till."))
    resends = db.session.execute(
        select(
            func.count(), func.max(OutboxMessage.created_at), func.max(OutboxMessage.sequence)
        ).where(
            OutboxMessage.invitation_id == invitation.id, OutboxMessage.kind == MessageKind.RESEND
        )
    ).one()
    count, latest, sequence = resends
    if count >= MAX_RESENDS:
        raise InvitationActionRefused(
            _("Länken har redan skickats igen %(count)s gånger.", count=MAX_RESENDS)
        )
    if latest is not None and now - latest < RESEND_PAUSE:
        raise InvitationActionRefused(
            _(
                "Länken skickades igen för en stund sedan. Vänta %(minutes)s minuter innan du "
                "skickar den igen.",
                minutes=int(RESEND_PAUSE.total_seconds() // 60),
            )
        )
    # Only the invitation SMS again, no new reminders.
    queue_message(invitation, MessageKind.RESEND, (sequence or 0) + 1, now).created_at = now
    audit.record(
        actor,
        INVITATION_RESENT,
        "invitation",
        invitation.id,
        meeting_id=invitation.meeting_id,
        role=invitation.role.value,
    )
    db.session.commit()
