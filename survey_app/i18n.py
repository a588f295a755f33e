"""Locale selection and text direction.

Families: the invitation's language, unless the person picks another on the page; without an
invitation, the browser's Accept-Language; Swedish last. Staff: their own setting (sv or en).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from flask import Flask, g, request, session
from flask_babel import get_locale

from .extensions import babel


class Language(NamedTuple):
    code: str
    #: The language's name in itself, as shown in the language menu.
    native_name: str
    direction: str


#: Family languages in menu order; Swedish is the source language.
FAMILY_LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("sv", "Svenska", "ltr"),
        Language("en", "English", "ltr"),
        Language("ar", "العربية", "rtl"),
        Language("fa", "فارسی", "rtl"),
        Language("so", "Soomaali", "ltr"),
        Language("ti", "ትግርኛ", "ltr"),
        Language("fi", "Suomi", "ltr"),
    )
}
STAFF_LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
TRANSLATIONS_DIRECTORY = Path(__file__).resolve().parents[1] / "translations"
SESSION_KEY = "lang"


def family_language(code: str | None) -> str:
    """A language families can get, falling back to Swedish for unknown or removed codes."""
    return code if code in FAMILY_LANGUAGES else DEFAULT_LANGUAGE


def select_locale() -> str:
    chosen = session.get(SESSION_KEY)
    if chosen in FAMILY_LANGUAGES:
        return str(chosen)
    invitation_language = g.get("invitation_language")
    if invitation_language in FAMILY_LANGUAGES:
        return str(invitation_language)
    staff_language = g.get("staff_language")
    if staff_language in STAFF_LANGUAGES:
        return str(staff_language)
    try:
        best = request.accept_languages.best_match(list(FAMILY_LANGUAGES))
    except ValueError:  # a malformed Accept-Language header is not the family's problem
        best = None
    return best or DEFAULT_LANGUAGE


def text_direction(code: str | None = None) -> str:
    language = FAMILY_LANGUAGES.get(code or str(get_locale()))
    return language.direction if language else "ltr"


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIRECTORY))
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context() -> dict[str, object]:
        locale = str(get_locale())
        return {
            "current_language": locale,
            "text_direction": text_direction(locale),
            "family_languages": FAMILY_LANGUAGES.values(),
        }
