"""Questionnaires: versioned YAML content, validated on load, turned into forms."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from survey_app.questionnaires import texts
from survey_app.questionnaires.forms import page_form_class
from survey_app.questionnaires.loader import (
    QuestionnaireError,
    load_directory,
    load_questionnaire,
    load_scales,
)
from survey_app.questionnaires.model import NO_ANSWER, Item, Option, Questionnaire, Scale, SkipRule
from survey_app.questionnaires.questions import QUESTION_TYPES, question_type

#: The questionnaire a role answers.
QUESTIONNAIRE_FOR_ROLE = {"guardian": "sip-guardian", "child": "sip-child", "youth": "sip-youth"}

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "questionnaires"


def init_questionnaires(app: Flask) -> None:
    """Load every questionnaire at start, so a broken file stops the service, not a family."""
    directory = Path(app.config.get("QUESTIONNAIRE_DIRECTORY", DEFAULT_DIRECTORY))
    app.extensions["questionnaires"] = load_directory(directory)
    app.jinja_env.globals["questionnaire_title"] = texts.title


def get_questionnaire(key: str) -> Questionnaire:
    questionnaires: dict[str, Questionnaire] = current_app.extensions["questionnaires"]
    return questionnaires[key]


def all_questionnaires() -> dict[str, Questionnaire]:
    questionnaires: dict[str, Questionnaire] = current_app.extensions["questionnaires"]
    return questionnaires


__all__ = [
    "DEFAULT_DIRECTORY",
    "NO_ANSWER",
    "QUESTIONNAIRE_FOR_ROLE",
    "QUESTION_TYPES",
    "Item",
    "Option",
    "Questionnaire",
    "QuestionnaireError",
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
]
