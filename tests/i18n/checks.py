"""Checks of one catalog against the strings in the code (shared by several tests)."""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog, Message

from survey_app.i18n import is_family_facing, placeholders

FIX = (
    "Refresh the catalogs: `make translations-update` "
    "(or `flask --app wsgi translations extract && flask --app wsgi translations update`), "
    "then translate the new entries (translations/README.md) and commit translations/."
)


def key(message: Message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return message.context, str(msgid)


def describe(message: Message) -> str:
    context, msgid = key(message)
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    return f"{f'[{context}] ' if context else ''}{msgid!r} ({where})"


def keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {key(message) for message in catalog if message.id}


def untranslated(message: Message | None) -> bool:
    if message is None or message.fuzzy:
        return True
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def missing_translations(catalog: Catalog, template: Catalog, *, staff_too: bool) -> list[str]:
    """Strings of `template` (fresh from the code) that `catalog` lacks or marks fuzzy."""
    missing = []
    for wanted in template:
        if not wanted.id:
            continue
        locations = [path for path, _ in wanted.locations]
        if not staff_too and not is_family_facing(locations):
            continue
        found = catalog.get(wanted.id, context=wanted.context)
        if untranslated(found):
            missing.append(describe(wanted))
    return missing


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Translations whose named placeholders (`%(x)s`, `{x}`) differ from the source's."""
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        # A plural's forms are a tuple (babel also allows a list; its types say so)
        sources = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        expected = frozenset().union(*(placeholders(source) for source in sources))
        for string in strings:
            if string and placeholders(string) != expected:
                problems.append(
                    f"{describe(message)}: {sorted(placeholders(string))} "
                    f"instead of {sorted(expected)}"
                )
    return problems


def glossary_drift(catalog: Catalog, language: str, terms: dict[str, dict]) -> list[str]:
    """Family-facing translations in `catalog` that leave a glossary term's words out.

    `terms` is translations/glossary.yaml's `terms`. A text whose Swedish matches a term's
    `sv` must contain one of the language's forms (unless its context starts with one of the
    term's `not_in`); an entry in `defined_by` must be exactly the first form. Untranslated
    entries are left to the completeness test.
    """
    problems = []
    for name, term in terms.items():
        forms = [str(form) for form in term[language]]
        pattern = re.compile(term["sv"])
        for message in catalog:
            if not message.id or untranslated(message):
                continue
            if not is_family_facing([path for path, _ in message.locations]):
                continue
            if message.context and message.context.startswith(tuple(term.get("not_in", ()))):
                continue
            sources = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            if not any(pattern.search(source) for source in sources):
                continue
            strings = (
                message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            )
            for string in strings:
                assert string is not None  # untranslated() above ruled a missing one out
                if not any(form.casefold() in string.casefold() for form in forms):
                    problems.append(f"{name}: {describe(message)} = {string!r} lacks {forms}")
        for entry in term.get("defined_by", []):
            context, msgid = entry.split("|", 1)
            defined = catalog.get(msgid, context=context or None)
            if defined is None:
                problems.append(f"{name}: {entry!r} is not in the catalog")
            elif not untranslated(defined) and defined.string != forms[0]:
                problems.append(f"{name}: {entry!r} = {defined.string!r}, not {forms[0]!r}")
    return problems
