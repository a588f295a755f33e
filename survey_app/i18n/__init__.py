"""Locale selection, text direction, and translations that cannot crash a page.

Locale order: staff pages use the staff member's setting (sv or en). Family pages use, first,
a language the person picked from the language menu on the page (kept in the session, so it
persists through the questionnaire); then the invitation's language, chosen by the coordinator;
then the browser's Accept-Language; Swedish last. A picked language wins over the invitation's
because the person on the phone knows best which language they read. An invitation in a language
that is no longer offered falls back to Swedish.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Domain, get_locale

from survey_app.extensions import babel


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
#: Languages a family language is named after in staff pages, when its own code says too little
#: (CLDR names "fa" Persian and "fa_AF" Dari: the families speak both).
NAMED_AFTER = {"fa": ("fa", "fa_AF")}
#: Unicode isolates: a right-to-left name beside a left-to-right one keeps its own order.
_ISOLATE, _END_ISOLATE = "\u2068", "\u2069"
DEFAULT_LANGUAGE = "sv"
TRANSLATIONS_DIRECTORY = Path(__file__).resolve().parents[2] / "translations"
SESSION_KEY = "lang"

#: Sources whose strings only staff see: complete in English, other languages optional.
#: Besides the staff package: staff accounts, meeting registration, invitation actions and
#: letter printing, and phone-number checks (only staff type those).
STAFF_SOURCE_PATTERNS = (
    re.compile(r"^survey_app/templates/staff/"),
    re.compile(r"^survey_app/staff/"),
    re.compile(r"^survey_app/accounts/"),
    re.compile(r"^survey_app/domain/(meetings|invitations|letters)\.py$"),
    re.compile(r"^survey_app/messaging/phones\.py$"),
    re.compile(r"^survey_app/cli\.py$"),
    re.compile(r"commands\.py$"),
)
#: `%(name)s`-style and `{name}`-style placeholders.
PLACEHOLDER = re.compile(r"%\(([^)]*)\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|(?<!\{)\{(\w*)\}(?!\})")


def family_language(code: str | None) -> str:
    """A language families can get, falling back to Swedish for unknown or removed codes."""
    return code if code in FAMILY_LANGUAGES else DEFAULT_LANGUAGE


def language_name(code: str, in_language: str | None = None) -> str:
    """A family language's name in the staff's language, from CLDR ("tigrinja" → "Tigrinja").

    From Babel's locale data, so a new family language needs no new strings to translate.
    """
    staff_locale = Locale.parse(in_language or str(get_locale()))
    names = "/".join(staff_locale.languages.get(c, c) for c in NAMED_AFTER.get(code, (code,)))
    return names[:1].upper() + names[1:]


def language_label(code: str, in_language: str | None = None, *, isolated: bool = True) -> str:
    """A family language as staff see it: its name in the staff's language beside its own name.

    "Tigrinja – ትግርኛ" for Swedish staff, "Tigrinya – ትግርኛ" for English; a name that is the
    same in both ("Svenska" for Swedish staff) once. An unknown code is shown as it is.
    `isolated` wraps the native name in Unicode isolates for pages (a file does without).
    """
    language = FAMILY_LANGUAGES.get(code)
    if language is None:
        return code
    name = language_name(code, in_language)
    if name.casefold() == language.native_name.casefold():
        return language.native_name
    if not isolated:
        return f"{name} – {language.native_name}"
    return f"{name} – {_ISOLATE}{language.native_name}{_END_ISOLATE}"


def select_locale() -> str:
    staff_language = g.get("staff_language")
    if staff_language in STAFF_LANGUAGES:
        return str(staff_language)
    if not has_request_context():  # a command or the worker: the source language
        return DEFAULT_LANGUAGE
    chosen = session.get(SESSION_KEY)
    if chosen in FAMILY_LANGUAGES:
        return str(chosen)
    invitation_language = g.get("invitation_language")
    if invitation_language in FAMILY_LANGUAGES:
        return str(invitation_language)
    try:
        best = request.accept_languages.best_match(list(FAMILY_LANGUAGES))
    except ValueError:  # a malformed Accept-Language header is not the family's problem
        best = None
    return best or DEFAULT_LANGUAGE


@lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def selected_locale() -> Locale:
    """select_locale's language as Babel's Locale, parsed once per language: Flask-Babel
    parses a name on every request, a share of a family page's CPU."""
    return _locale(select_locale())


def text_direction(code: str | None = None) -> str:
    language = FAMILY_LANGUAGES.get(code or str(get_locale()))
    return language.direction if language else "ltr"


def is_staff_source(location: str) -> bool:
    return any(pattern.search(location) for pattern in STAFF_SOURCE_PATTERNS)


def is_family_facing(locations: Iterable[str]) -> bool:
    """A string is family-facing when any place that uses it is outside the staff sources."""
    return any(not is_staff_source(location) for location in locations)


def placeholders(text: str) -> frozenset[str]:
    """The named placeholders in a message, written as "%(x)" or "{x}"."""
    found = set()
    for match in PLACEHOLDER.finditer(text):
        named, brace = match.groups()
        found.add(f"%({named})" if named is not None else f"{{{brace}}}")
    return frozenset(found)


class _AnyValue(dict[str, Any]):
    """A mapping that has every key, to see whether a message formats at all."""

    def __missing__(self, key: str) -> int:
        return 0


def _formats(text: str) -> bool:
    try:
        text % _AnyValue()  # only whether it raises matters
    except (KeyError, ValueError, TypeError):
        return False
    return True


def translation_is_safe(source: str, translation: str, *, plural: bool = False) -> bool:
    """Whether showing `translation` for `source` keeps the placeholders and cannot raise."""
    expected = placeholders(source) | ({"%(num)"} if plural else frozenset())
    found = placeholders(translation)
    same = found <= expected if plural else found == expected
    return same and (_formats(translation) or not _formats(source))


def drop_unsafe_translations(translations: Any) -> list[str]:
    """Remove entries whose placeholders differ from the source: the source text is shown."""
    catalog: dict[Any, str] = getattr(translations, "_catalog", {})
    dropped: list[str] = []
    for key, text in list(catalog.items()):
        plural = isinstance(key, tuple)
        source = str(key[0] if plural else key).split("\x04", 1)[-1]
        if source and not translation_is_safe(source, text, plural=plural):
            del catalog[key]
            dropped.append(source)
    return dropped


class PlaceholderSafeDomain(Domain):
    """Flask-Babel's domain, with a cache per app and broken translations left out.

    A translation whose placeholders differ from the source would raise KeyError in
    `gettext(..., date=...)` and in templates; the family sees the Swedish source instead,
    and the log says which string to fix.
    """

    def get_translations_cache(self, ctx: object) -> dict[Any, Any]:
        cache: dict[Any, Any] = current_app.extensions.setdefault("survey_translations", {})
        return cache

    def get_translations(self) -> Any:
        translations = super().get_translations()
        if not getattr(translations, "survey_checked", False):
            for source in drop_unsafe_translations(translations):
                current_app.logger.warning(
                    "translation into %s of %r left out: its placeholders differ from the source",
                    get_locale(),
                    source[:60],
                )
            translations.survey_checked = True
        return translations


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIRECTORY))
    babel.init_app(app, locale_selector=selected_locale)
    # Flask-Babel keeps one default domain on the (shared) Babel object; ours caches per app.
    babel.domain_instance = PlaceholderSafeDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))

    @app.context_processor
    def language_context() -> dict[str, object]:
        locale = str(get_locale())
        return {
            "current_language": locale,
            "text_direction": text_direction(locale),
            "family_languages": FAMILY_LANGUAGES.values(),
        }
