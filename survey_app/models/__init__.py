"""The data model. Import models from here."""

from survey_app.models.campaign import Campaign, CampaignState
from survey_app.models.meeting import (
    AgeBand,
    ChildAttended,
    Invitation,
    Meeting,
    MeetingService,
    Role,
    Service,
)
from survey_app.models.messaging import MessageKind, MessageState, OutboxMessage
from survey_app.models.reference import Area, Municipality, Team
from survey_app.models.response import Answer, Draft, Response
from survey_app.models.staff import (
    AuditEvent,
    PasswordReset,
    RecoveryCode,
    SecondFactor,
    StaffRole,
    User,
    user_teams,
)
from survey_app.models.types import UTCDateTime, utcnow

__all__ = [
    "AgeBand",
    "Answer",
    "Area",
    "AuditEvent",
    "Campaign",
    "CampaignState",
    "ChildAttended",
    "Draft",
    "Invitation",
    "Meeting",
    "MeetingService",
    "MessageKind",
    "MessageState",
    "Municipality",
    "OutboxMessage",
    "PasswordReset",
    "RecoveryCode",
    "Response",
    "Role",
    "SecondFactor",
    "Service",
    "StaffRole",
    "Team",
    "UTCDateTime",
    "User",
    "user_teams",
    "utcnow",
]
