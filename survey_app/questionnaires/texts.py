"""Questionnaire texts in the respondent's language.

Questionnaire texts go through gettext like every other string, with a message context per
item ("sip-guardian:G3") or scale ("scale:agree4"), so translators work in the same .po files
with the same tools, and an item's text can be polished in one language without touching others.
"""

from __future__ import annotations

from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString

from questionnaires import Item, Option, Questionnaire, Scale


def item_context(questionnaire_key: str, item_key: str) -> str:
    return f"{questionnaire_key}:{item_key}"


def item_text(questionnaire: Questionnaire, item: Item) -> LazyString:
    return lazy_pgettext(item_context(questionnaire.key, item.key), item.text)


def item_hint(questionnaire: Questionnaire, item: Item) -> LazyString | None:
    if item.hint is None:
        return None
    return lazy_pgettext(item_context(questionnaire.key, item.key) + ":hint", item.hint)


def title(questionnaire: Questionnaire) -> LazyString:
    return lazy_pgettext(f"{questionnaire.key}:title", questionnaire.title)


def option_label(scale: Scale, option: Option) -> LazyString:
    return lazy_pgettext(f"scale:{scale.key}", option.label)


def no_answer_label(scale: Scale) -> LazyString | None:
    if scale.no_answer is None:
        return None
    return lazy_pgettext(f"scale:{scale.key}", scale.no_answer)
