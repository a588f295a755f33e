"""Build a WTForms class for one page of a questionnaire."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field

from questionnaires import Item, Questionnaire
from survey_app.questionnaires.questions import question_type

_form_classes: dict[tuple[str, int, tuple[str, ...]], type[FlaskForm]] = {}


def page_form_class(questionnaire: Questionnaire, items: tuple[Item, ...]) -> type[FlaskForm]:
    """A form class with one field per item, named by the item key.

    Labels are lazy strings, so one class serves every language; cached per page shape.
    """
    cache_key = (questionnaire.key, questionnaire.version, tuple(item.key for item in items))
    form_class = _form_classes.get(cache_key)
    if form_class is None:
        fields: dict[str, Field] = {
            item.key: question_type(item).field(questionnaire, item) for item in items
        }
        form_class = type(f"{questionnaire.key}-page", (FlaskForm,), fields)
        _form_classes[cache_key] = form_class
    return form_class
