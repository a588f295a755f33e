"""The data model. Import models from here."""

from .campaign import Campaign, CampaignState
from .meeting import AgeBand, ChildAttended, Invitation, Meeting, MeetingService, Role, Service
from .messaging import MessageKind, MessageState, OutboxMessage
from .reference import Area, Municipality, Team
from .response import Answer, Draft, Response
from .staff import AuditEvent, StaffRole, User, user_teams
from .types import UTCDateTime, utcnow

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
    "Response",
    "Role",
    "Service",
    "StaffRole",
    "Team",
    "UTCDateTime",
    "User",
    "user_teams",
    "utcnow",
]
