"""Printing an invitation letter: a new link, put on paper and nowhere else.

A letter follows the SMS's rules. Its link is made when the letter is made (a new token; only
its hash is stored, in `links`, like every link), it exists only in the PDF handed back, and
every link of the invitation keeps opening it, until the invitation is withdrawn or the window
ends. Printing is audited — who, which invitation, which size — never with the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from survey_app.domain import audit
from survey_app.domain.invitations import InvitationActionRefused
from survey_app.domain.links import issue_link
from survey_app.extensions import db
from survey_app.messaging.letters import PAPER_SIZES, compose_letter
from survey_app.models import Invitation, User, utcnow

LETTER_PRINTED = "invitation_letter_printed"


@dataclass(frozen=True)
class Letter:
    pdf: bytes
    filename: str


def letter_refusal(invitation: Invitation, now: datetime | None = None) -> str | None:
    """Why no letter can be printed for the invitation now, in words; None when it can."""
    if invitation.withdrawn_at is not None:
        return _(
            "Inbjudan är återkallad, så det går inte att skriva ut ett brev till den. "
            "Registrera personen igen om det behövs."
        )
    if invitation.meeting.campaign.has_ended(now or utcnow()):
        return _("Insamlingsperioden är slut: det går inte längre att skriva ut brev.")
    return None


def print_letter(
    invitation: Invitation, size: str, actor: User | None, now: datetime | None = None
) -> Letter:
    """Make one new link for the invitation and the letter that carries it, and commit both.

    Raises InvitationActionRefused (nothing written) for a withdrawn invitation or an ended
    window. The PDF is laid out before the commit, so a failure leaves no link behind; it is
    returned only after the commit, so no letter carries a link that was never stored.
    """
    if size not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {size!r}")
    refusal = letter_refusal(invitation, now)
    if refusal is not None:
        raise InvitationActionRefused(refusal)
    token = issue_link(invitation.id, typeable=True)
    audit.record(
        actor,
        LETTER_PRINTED,
        "invitation",
        invitation.id,
        meeting_id=invitation.meeting_id,
        role=invitation.role.value,
        language=invitation.language,
        size=size,
    )
    try:
        pdf = compose_letter(invitation, token, size, current_app.config["SURVEY_BASE_URL"])
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return Letter(pdf=pdf, filename=f"sip-inbjudan-{invitation.id}-{size}.pdf")
