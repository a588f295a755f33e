"""The web service's side of the questionnaires: forms and texts over the one model.

The model, the YAML loader and the vocabulary live in the top-level `questionnaires` package
(no Flask); this package loads them at start and turns items into WTForms fields.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from questionnaires import (
    DIRECTORY,
    NO_ANSWER,
    QUESTIONNAIRE_FOR_ROLE,
    Item,
    Option,
    Questionnaire,
    QuestionnaireError,
    QuestionnaireSet,
    Scale,
    SkipRule,
    load_directory,
    load_questionnaire,
    load_scales,
    load_set,
)
from survey_app.questionnaires import texts
from survey_app.questionnaires.forms import page_form_class
from survey_app.questionnaires.questions import QUESTION_TYPES, question_type

DEFAULT_DIRECTORY = DIRECTORY


def init_questionnaires(app: Flask) -> None:
    """Load every questionnaire at start, so a broken file stops the service, not a family."""
    directory = Path(app.config.get("QUESTIONNAIRE_DIRECTORY", DEFAULT_DIRECTORY))
    loaded = load_set(directory)
    app.extensions["questionnaire_set"] = loaded
    app.extensions["questionnaires"] = dict(loaded.questionnaires)
    app.jinja_env.globals["questionnaire_title"] = texts.title


def get_questionnaire(key: str) -> Questionnaire:
    questionnaires: dict[str, Questionnaire] = current_app.extensions["questionnaires"]
    return questionnaires[key]


def all_questionnaires() -> dict[str, Questionnaire]:
    questionnaires: dict[str, Questionnaire] = current_app.extensions["questionnaires"]
    return questionnaires


def questionnaire_set() -> QuestionnaireSet:
    """The loaded questionnaires with their scales (what the codebook describes)."""
    loaded: QuestionnaireSet = current_app.extensions["questionnaire_set"]
    return loaded


__all__ = [
    "DEFAULT_DIRECTORY",
    "NO_ANSWER",
    "QUESTIONNAIRE_FOR_ROLE",
    "QUESTION_TYPES",
    "Item",
    "Option",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireSet",
    "Scale",
    "SkipRule",
    "all_questionnaires",
    "get_questionnaire",
    "init_questionnaires",
    "load_directory",
    "load_questionnaire",
    "load_scales",
    "page_form_class",
    "question_type",
    "questionnaire_set",
]
