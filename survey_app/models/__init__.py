"""The data model. Import models from here."""

from survey_app.models.campaign import ENDED_STATES, Campaign, CampaignState
from survey_app.models.meeting import (
    AgeBand,
    ChildAttended,
    Invitation,
    Link,
    Meeting,
    MeetingService,
    Role,
    Service,
)
from survey_app.models.messaging import MessageKind, MessageState, OutboxMessage
from survey_app.models.reference import Area, Municipality, Team
from survey_app.models.response import (
    GENERALISED,
    Answer,
    Draft,
    FunnelCount,
    LinkMark,
    ReleasedCell,
    ReleasedServiceCount,
    Response,
    SealedResponse,
)
from survey_app.models.staff import (
    AuditEvent,
    PasswordReset,
    RecoveryCode,
    SecondFactor,
    StaffRole,
    User,
    user_teams,
)
from survey_app.models.summary import ACTION_TEXT_LENGTH, FamilySummary, SummaryAction
from survey_app.models.types import UTCDateTime, utcnow

__all__ = [
    "ACTION_TEXT_LENGTH",
    "ENDED_STATES",
    "GENERALISED",
    "AgeBand",
    "Answer",
    "Area",
    "AuditEvent",
    "Campaign",
    "CampaignState",
    "ChildAttended",
    "Draft",
    "FamilySummary",
    "FunnelCount",
    "Invitation",
    "Link",
    "LinkMark",
    "Meeting",
    "MeetingService",
    "MessageKind",
    "MessageState",
    "Municipality",
    "OutboxMessage",
    "PasswordReset",
    "RecoveryCode",
    "ReleasedCell",
    "ReleasedServiceCount",
    "Response",
    "Role",
    "SealedResponse",
    "SecondFactor",
    "Service",
    "StaffRole",
    "SummaryAction",
    "Team",
    "UTCDateTime",
    "User",
    "user_teams",
    "utcnow",
]
