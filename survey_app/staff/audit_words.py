"""Audit events in words: "anna@region.se registrerade ett möte för HLT Åsele".

Each recorded action has a sentence; the names it needs (team, window, account) are looked up
for a whole page of events at once. An action without a sentence (a newer feature's) is still
shown, with its code, so nothing recorded is ever hidden from the admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from survey_app.domain import audit
from survey_app.domain.lifecycle import CAMPAIGN_CLOSED
from survey_app.domain.meetings import MEETING_REGISTERED
from survey_app.domain.summaries import SUMMARY_PUBLISHED
from survey_app.extensions import db
from survey_app.models import AuditEvent, Campaign, StaffRole, Team, User
from survey_app.staff.admin_forms import ROLE_LABELS
from survey_app.staff.closing import CAMPAIGN_EXTENDED
from survey_app.staff.display import local_time
from survey_app.staff.meetings import MEETINGS_DOWNLOADED
from survey_app.staff.results import EXPORTED_DATA

#: Every action with a sentence, and its name in the action filter (in this order).
ACTION_NAMES: dict[str, LazyString] = {
    MEETING_REGISTERED: _l("Möte registrerat"),
    MEETINGS_DOWNLOADED: _l("Möteslista nedladdad"),
    EXPORTED_DATA: _l("Resultat eller data nedladdade"),
    audit.CAMPAIGN_CREATED: _l("Insamlingsperiod upplagd"),
    audit.CAMPAIGN_CHANGED: _l("Insamlingsperiod ändrad"),
    CAMPAIGN_EXTENDED: _l("Insamlingsperiod förlängd"),
    CAMPAIGN_CLOSED: _l("Insamlingsperiod stängd"),
    SUMMARY_PUBLISHED: _l("Återkoppling till familjer publicerad"),
    audit.LOGIN_SUCCEEDED: _l("Inloggning"),
    audit.LOGIN_FAILED: _l("Misslyckad inloggning"),
    audit.LOGIN_LOCKED: _l("Inloggning spärrad"),
    audit.LOGGED_OUT: _l("Utloggning"),
    audit.PASSWORD_CHANGED: _l("Lösenord bytt"),
    audit.USER_CREATED: _l("Konto skapat"),
    audit.USER_CHANGED: _l("Konto ändrat"),
    audit.USER_DISABLED: _l("Konto avstängt"),
    audit.TEAM_CREATED: _l("Team tillagt"),
    audit.TEAM_DEACTIVATED: _l("Team avvecklat"),
    audit.TEAM_ACTIVATED: _l("Team aktiverat igen"),
    audit.AREA_CREATED: _l("Område tillagt"),
    audit.MUNICIPALITY_CREATED: _l("Kommun tillagd"),
}

#: Names of the fields a change lists ("namn: A → B").
FIELD_NAMES: dict[str, LazyString] = {
    "name": _l("namn"),
    "opens_at": _l("öppnar"),
    "closes_at": _l("stänger"),
    "reminder_count": _l("antal påminnelser"),
    "reminder_delay_days": _l("dagar till påminnelse"),
    "email": _l("e-postadress"),
    "role": _l("roll"),
    "teams": _l("team"),
    "language": _l("språk"),
    "active": _l("aktivt"),
}


@dataclass(frozen=True)
class EventInWords:
    at: datetime
    sentence: str
    #: Further facts, one short line each (what changed, how many).
    facts: list[str] = field(default_factory=list)


@dataclass
class Names:
    """Names of the objects a page of events refers to, looked up once."""

    teams: dict[int, str]
    campaigns: dict[int, str]
    accounts: dict[int, str]

    @classmethod
    def for_events(cls, events: Sequence[AuditEvent]) -> Names:
        def objects(kind: str) -> set[int]:
            return {
                number
                for event in events
                if event.object_type == kind and (number := _number(event.object_id)) is not None
            }

        teams = objects("team") | {
            number
            for event in events
            if (number := _number(event.details.get("team_id"))) is not None
        }
        return cls(
            teams=_lookup(Team.id, Team.name, teams),
            campaigns=_lookup(Campaign.id, Campaign.name, objects("campaign")),
            accounts=_lookup(User.id, User.email, objects("user")),
        )


def _lookup(key: Any, name: Any, wanted: Iterable[int]) -> dict[int, str]:
    wanted = list(wanted)
    if not wanted:
        return {}
    return dict(db.session.execute(select(key, name).where(key.in_(wanted))).tuples().all())


def _number(value: Any) -> int | None:
    return int(value) if value is not None and str(value).isdigit() else None


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.email
    if event.details.get("via") == "cli":
        return _("Någon på servern (kommandoraden)")
    return _("Tjänsten själv")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value) or "–"
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if value in ROLE_LABELS:
        return str(ROLE_LABELS[StaffRole(value)])
    return "–" if value in (None, "") else str(value)


def _changes(details: dict[str, Any]) -> list[str]:
    changes = details.get("changes") or {}
    lines = []
    for key, change in changes.items():
        before, after = [*change, None, None][:2] if isinstance(change, list) else (None, change)
        lines.append(f"{FIELD_NAMES.get(key, key)}: {_value(before)} → {_value(after)}")
    return lines


Sentence = Callable[[AuditEvent, Names, str], tuple[str, list[str]]]


def _object_name(table: dict[int, str], event: AuditEvent, fallback_key: str = "name") -> str:
    known = table.get(_number(event.object_id) or -1)
    return known or str(event.details.get(fallback_key) or event.object_id or "?")


def _account(event: AuditEvent, names: Names) -> str:
    if event.object_id is None:
        return _("en okänd e-postadress")
    return names.accounts.get(_number(event.object_id) or -1) or str(event.object_id)


SENTENCES: dict[str, Sentence] = {
    SUMMARY_PUBLISHED: lambda e, n, who: (
        _(
            "%(who)s publicerade återkopplingen till familjer i %(area)s från %(campaign)s",
            who=who,
            area=e.details.get("area", "?"),
            campaign=_object_name(n.campaigns, e),
        ),
        [],
    ),
    MEETING_REGISTERED: lambda e, n, who: (
        _(
            "%(who)s registrerade ett möte för %(team)s",
            who=who,
            team=n.teams.get(_number(e.details.get("team_id")) or -1, "?"),
        ),
        [_("%(count)s inbjudningar", count=e.details["invitations"])]
        if "invitations" in e.details
        else [],
    ),
    MEETINGS_DOWNLOADED: lambda e, n, who: (
        _("%(who)s laddade ner möteslistan", who=who),
        [_("%(count)s möten", count=e.details.get("meetings", "?"))],
    ),
    EXPORTED_DATA: lambda e, n, who: (
        _(
            "%(who)s laddade ner %(file)s från %(campaign)s",
            who=who,
            file=e.details.get("file", "?"),
            campaign=_object_name(n.campaigns, e),
        ),
        [],
    ),
    audit.CAMPAIGN_CREATED: lambda e, n, who: (
        _("%(who)s lade upp insamlingsperioden %(name)s", who=who, name=e.details.get("name")),
        [
            _(
                "öppnar %(opens)s, stänger %(closes)s",
                opens=_value(e.details.get("opens_at")),
                closes=_value(e.details.get("closes_at")),
            )
        ],
    ),
    audit.CAMPAIGN_CHANGED: lambda e, n, who: (
        _(
            "%(who)s ändrade insamlingsperioden %(name)s",
            who=who,
            name=_object_name(n.campaigns, e),
        ),
        _changes(e.details),
    ),
    CAMPAIGN_EXTENDED: lambda e, n, who: (
        _(
            "%(who)s förlängde insamlingsperioden %(name)s",
            who=who,
            name=_object_name(n.campaigns, e),
        ),
        _changes({"changes": {"closes_at": e.details.get("closes_at")}}),
    ),
    CAMPAIGN_CLOSED: lambda e, n, who: (
        (
            _(
                "%(who)s stängde insamlingsperioden %(name)s före sluttiden",
                who=who,
                name=_object_name(n.campaigns, e),
            )
            if e.details.get("early")
            else _(
                "%(who)s stängde insamlingsperioden %(name)s",
                who=who,
                name=_object_name(n.campaigns, e),
            )
        ),
        [
            _(
                "%(messages)s sms stoppade, %(drafts)s påbörjade svar raderade",
                messages=e.details.get("messages_cancelled", "?"),
                drafts=e.details.get("drafts_discarded", "?"),
            )
        ],
    ),
    audit.LOGIN_SUCCEEDED: lambda e, n, who: (_("%(who)s loggade in", who=who), []),
    audit.LOGIN_FAILED: lambda e, n, who: (
        _("Misslyckad inloggning med %(account)s", account=_account(e, n)),
        [],
    ),
    audit.LOGIN_LOCKED: lambda e, n, who: (
        _("Inloggningen med %(account)s spärrades efter för många försök", account=_account(e, n)),
        [],
    ),
    audit.LOGGED_OUT: lambda e, n, who: (_("%(who)s loggade ut", who=who), []),
    audit.PASSWORD_CHANGED: lambda e, n, who: (_("%(who)s bytte sitt lösenord", who=who), []),
    audit.USER_CREATED: lambda e, n, who: (
        _(
            "%(who)s skapade kontot %(email)s (%(role)s)",
            who=who,
            email=e.details.get("email") or _account(e, n),
            role=_value(e.details.get("role")),
        ),
        [],
    ),
    audit.USER_CHANGED: lambda e, n, who: (
        _("%(who)s ändrade kontot %(email)s", who=who, email=_account(e, n)),
        _changes(e.details),
    ),
    audit.USER_DISABLED: lambda e, n, who: (
        _(
            "%(who)s stängde av kontot %(email)s",
            who=who,
            email=e.details.get("email") or _account(e, n),
        ),
        [],
    ),
    audit.TEAM_CREATED: lambda e, n, who: (
        _("%(who)s lade till teamet %(name)s", who=who, name=_object_name(n.teams, e)),
        [],
    ),
    audit.TEAM_DEACTIVATED: lambda e, n, who: (
        _("%(who)s avvecklade teamet %(name)s", who=who, name=_object_name(n.teams, e)),
        [],
    ),
    audit.TEAM_ACTIVATED: lambda e, n, who: (
        _("%(who)s aktiverade teamet %(name)s igen", who=who, name=_object_name(n.teams, e)),
        [],
    ),
    audit.AREA_CREATED: lambda e, n, who: (
        _("%(who)s lade till området %(name)s", who=who, name=e.details.get("name", "?")),
        [],
    ),
    audit.MUNICIPALITY_CREATED: lambda e, n, who: (
        _("%(who)s lade till kommunen %(name)s", who=who, name=e.details.get("name", "?")),
        [],
    ),
}


def in_words(events: Sequence[AuditEvent]) -> list[EventInWords]:
    """A page of events as sentences, in the order given."""
    names = Names.for_events(events)
    described = []
    for event in events:
        who = _who(event)
        sentence = SENTENCES.get(event.action)
        if sentence is None:
            text = _(
                "%(who)s: %(action)s (%(object)s %(id)s)",
                who=who,
                action=event.action,
                object=event.object_type,
                id=event.object_id or "",
            )
            facts = _changes(event.details)
        else:
            text, facts = sentence(event, names, who)
        described.append(EventInWords(event.at, text, facts))
    return described
