"""The audit trail: who among staff did what to which object. Append-only from the application.

`record` adds the event to the current session, so it is committed (or rolled back) together
with the change it describes. Nothing about respondents goes here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session

from survey_app.extensions import db
from survey_app.models import AuditEvent, User

#: Actions recorded by the staff area; other features add their own ("meeting_registered", ...).
LOGIN_SUCCEEDED = "login_succeeded"
LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"
LOGGED_OUT = "logged_out"
PASSWORD_CHANGED = "password_changed"  # noqa: S105  (an action name, not a secret)
SECOND_FACTOR_FAILED = "second_factor_failed"
SECOND_FACTOR_LOCKED = "second_factor_locked"
SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
SECOND_FACTOR_REMOVED = "second_factor_removed"
RECOVERY_CODE_USED = "recovery_code_used"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
PASSWORD_RESET_ISSUED = "password_reset_issued"  # noqa: S105
PASSWORD_RESET_USED = "password_reset_used"  # noqa: S105
SSO_LOGIN_REFUSED = "sso_login_refused"
USER_CREATED = "user_created"
USER_CHANGED = "user_changed"
USER_DISABLED = "user_disabled"
TEAM_CREATED = "team_created"
TEAM_DEACTIVATED = "team_deactivated"
TEAM_ACTIVATED = "team_activated"
AREA_CREATED = "area_created"
MUNICIPALITY_CREATED = "municipality_created"
CAMPAIGN_CREATED = "campaign_created"
CAMPAIGN_CHANGED = "campaign_changed"


class AuditTrailIsAppendOnly(RuntimeError):
    """Someone tried to change or delete a recorded audit event."""


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits with its change)."""
    audit_event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
    )
    db.session.add(audit_event)
    return audit_event


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper: Mapper[AuditEvent], connection: Any, target: AuditEvent) -> None:
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # Bulk update()/delete() statements bypass the per-object events above.
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is AuditEvent:
        raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted in bulk")
