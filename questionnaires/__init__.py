"""The SIP follow-up questionnaires: the YAML files beside this module and their one model.

Plain typed Python with no Flask, used by the web service (which builds its forms from it) and
by the analysis (which reads an exported codebook into the same types).
"""

from __future__ import annotations

from pathlib import Path

from .codebook import entries, parse_entries
from .load import load_directory, load_questionnaire, load_scales, load_set
from .model import (
    NO_ANSWER,
    Item,
    Option,
    Questionnaire,
    QuestionnaireSet,
    Scale,
    SkipRule,
)
from .schema import QuestionnaireError
from .vocabulary import (
    COMMON_CATEGORIES,
    DIMENSIONS,
    FACES,
    ITEM_TYPES,
    LUNDY_DIMENSIONS,
    PARALLEL_KEYS,
    QUESTIONNAIRE_FOR_ROLE,
    ROLES,
)

#: The folder holding scales.yaml and the questionnaire files.
DIRECTORY = Path(__file__).resolve().parent

__all__ = [
    "COMMON_CATEGORIES",
    "DIMENSIONS",
    "DIRECTORY",
    "FACES",
    "ITEM_TYPES",
    "LUNDY_DIMENSIONS",
    "NO_ANSWER",
    "PARALLEL_KEYS",
    "QUESTIONNAIRE_FOR_ROLE",
    "ROLES",
    "Item",
    "Option",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireSet",
    "Scale",
    "SkipRule",
    "entries",
    "load_directory",
    "load_questionnaire",
    "load_scales",
    "load_set",
    "parse_entries",
]
