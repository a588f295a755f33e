"""The data set contract: file names and columns shared by the service's export and this library.

Kept free of imports so the web service can write data sets without loading numpy or scipy.
"""

from __future__ import annotations

RESPONSES_FILE = "responses.csv"
INVITATIONS_FILE = "invitations.csv"
CODEBOOK_FILE = "codebook.json"
#: 2: questionnaires and scales in the same form as the YAML files they come from.
CODEBOOK_FORMAT = 2

RESPONSE_COLUMNS = (
    "response_id",
    "campaign_id",
    "questionnaire",
    "questionnaire_version",
    "role",
    "age_band",
    "area",
    "municipality",
    "team",
    "language",
    "submitted_on",
    "item",
    "value",
    "text",
)
INVITATION_GROUPS = ("role", "age_band", "area", "municipality", "team", "language")
FUNNEL_STAGES = ("sent", "delivered", "opened", "started", "completed", "opted_out")
INVITATION_COLUMNS = INVITATION_GROUPS + FUNNEL_STAGES
#: Cells a spreadsheet would run as a formula when they start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@")


def escape_cell(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with ' (the contract's rule)."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo escape_cell: drop a ' that stands before =, +, - or @."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
