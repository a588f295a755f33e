"""A fixed time of day for tests that send SMS: a window's quiet hours (21–08 Swedish time by
default) postpone everything sent at night, so a test that sends "now" fails in the evening."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def daytime(days: int = 1) -> datetime:
    """10 in the morning, Swedish time, `days` days from today (as UTC): outside quiet hours."""
    day = datetime.now(STOCKHOLM).date() + timedelta(days=days)
    return datetime.combine(day, time(10), tzinfo=STOCKHOLM).astimezone(UTC)
