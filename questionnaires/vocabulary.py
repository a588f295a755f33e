"""The words every questionnaire, codebook and analysis shares, defined once."""

from __future__ import annotations

#: Who answers: guardians, children 6–11 and young people 12–18, one questionnaire each.
ROLES = ("guardian", "child", "youth")
#: The questionnaire each role answers.
QUESTIONNAIRE_FOR_ROLE = {"guardian": "sip-guardian", "child": "sip-child", "youth": "sip-youth"}
ITEM_TYPES = ("choice", "text")
DIMENSIONS = (
    "filter",
    "space",
    "voice",
    "audience",
    "influence",
    "plan",
    "child_involvement",
    "overall",
    "comment",
)
#: The Lundy model of child participation: the dimensions that get an index.
LUNDY_DIMENSIONS = ("space", "voice", "audience", "influence")
#: Items asked of children, young people and guardians alike, compared across roles.
PARALLEL_KEYS = ("voice", "audience", "understanding", "influence")
#: The ordinal every scale maps onto, so 3- and 4-point answers are compared, never averaged.
COMMON_CATEGORIES = ("negative", "partly", "positive")
#: Faces a child scale may draw beside its words.
FACES = frozenset({"happy", "calm", "neutral"})
