"""When a message may go: quiet hours in Swedish local time, back-off between attempts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Stockholm")


def in_quiet_hours(moment: datetime, quiet_from: time, quiet_until: time) -> bool:
    """Whether `moment` falls in the quiet period (which may wrap past midnight)."""
    if quiet_from == quiet_until:
        return False
    local = moment.astimezone(LOCAL_TIME).time()
    if quiet_from < quiet_until:
        return quiet_from <= local < quiet_until
    return local >= quiet_from or local < quiet_until


def end_of_quiet_hours(moment: datetime, quiet_from: time, quiet_until: time) -> datetime:
    """The first moment at or after `moment` outside quiet hours (UTC)."""
    if not in_quiet_hours(moment, quiet_from, quiet_until):
        return moment
    local = moment.astimezone(LOCAL_TIME)
    day = local.date()
    if local.time() >= quiet_until and quiet_from > quiet_until:
        day += timedelta(days=1)  # evening: the quiet period ends tomorrow morning
    # Combining the local wall time with the zone handles the DST changes in March and October.
    return datetime.combine(day, quiet_until, tzinfo=LOCAL_TIME).astimezone(UTC)


def backoff_seconds(attempts: int, base: float, ceiling: float) -> float:
    """Exponential back-off after `attempts` failed tries: base, 2·base, 4·base … ceiling."""
    return float(min(base * (2 ** max(attempts - 1, 0)), ceiling))
