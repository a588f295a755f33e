"""Meeting fixtures: staff accounts and logins come from the staff area's fixtures."""

from __future__ import annotations

from tests.staff.conftest import _fresh_rate_limits, make_user, staff_client

__all__ = ["_fresh_rate_limits", "make_user", "staff_client"]
