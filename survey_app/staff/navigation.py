"""The staff menu: each feature adds its pages; everyone sees only what their role may use."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from survey_app.web.access import rule_for


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: LazyString | str
    #: One sentence on the start page: what the page is for.
    description: LazyString | str
    order: int = 50


_MENU: dict[str, MenuEntry] = {}


def add_menu_entry(
    endpoint: str, label: LazyString | str, description: LazyString | str, order: int = 50
) -> None:
    """Put a page in the staff menu (call at import time of the feature's view module)."""
    _MENU[endpoint] = MenuEntry(endpoint, label, description, order)


def menu_for_current_user(app: Flask | None = None) -> list[MenuEntry]:
    """The menu entries the logged-in staff member's role may open."""
    if not current_user.is_authenticated:
        return []
    application = app or current_app._get_current_object()  # type: ignore[attr-defined]
    entries = []
    for entry in sorted(_MENU.values(), key=lambda e: (e.order, e.endpoint)):
        rule = rule_for(application, entry.endpoint)
        if rule is not None and rule.admits(current_user.role):
            entries.append(entry)
    return entries


add_menu_entry("staff.home", _l("Start"), _l("Vad du kan göra här, utifrån din roll."), order=0)
