"""Meeting fixtures: staff accounts and logins come from the staff area's fixtures."""

from __future__ import annotations

from tests.staff.conftest import make_user, staff_client

__all__ = ["make_user", "staff_client"]
