"""The data set contract: file names and columns shared by the service's export and this library.

Kept free of heavy imports so the web service can write data sets without numpy or scipy.
Version 4 (version 3 — a window.json naming the window, whose id every CSV row carries — and
the meeting's context: whether the child took part, as a group column, and participation by
service in services.csv): nothing in the files links a response to an invitation. Both carry
only the released class of their group (analysis/anonymity.py), responses carry no date, and
the invitations carry no per-invitation trace of answering. A meeting has several services, so
they are not a group column: services.csv holds counts per role and service, written only
where they and the rest of their role reach the minimum group size.
"""

from __future__ import annotations

RESPONSES_FILE = "responses.csv"
INVITATIONS_FILE = "invitations.csv"
FUNNEL_FILE = "funnel.csv"
CODEBOOK_FILE = "codebook.json"
#: The collection window the data set is of: id, name, dates and whether it had closed.
WINDOW_FILE = "window.json"
#: 4: child_attended on every row, and services.csv.
DATASET_FORMAT = 4
#: `final`: the window had closed when the data set was made; `preliminary`: it was open.
WINDOW_STATUSES = ("final", "preliminary")
#: 2: questionnaires and scales in the same form as the YAML files, and the release section;
#: 3: the release's classes have child_attended, and it labels child_attended and services.
CODEBOOK_FORMAT = 3

#: The released class of a response or an invitation; any but role may be "*".
GROUP_COLUMNS = ("role", "age_band", "area", "municipality", "language_group", "child_attended")
RESPONSE_COLUMNS = (
    "response_id",
    "campaign_id",
    "questionnaire",
    "questionnaire_version",
    *GROUP_COLUMNS,
    "item",
    "value",
    "text",
)
#: 0/1 per invitation: nothing that happens only to those who answer.
INVITATION_FLAGS = ("sent", "delivered", "opted_out")
INVITATION_COLUMNS = ("campaign_id", *GROUP_COLUMNS, *INVITATION_FLAGS)
#: Participation per role and service that took part in the meeting (a meeting has one or
#: more): invitations, and responses, of meetings the service was at.
SERVICES_FILE = "services.csv"
SERVICE_COLUMNS = ("campaign_id", "role", "service", "invited", "completed")
#: The services a coordinator can register, in the order the reports list them.
SERVICES = (
    "social_services",
    "primary_care",
    "school_health",
    "child_psychiatry",
    "habilitation",
    "other",
)
#: Counted per role by the service, never per invitation.
FUNNEL_COUNTERS = ("opened", "started")
FUNNEL_COLUMNS = ("role", *FUNNEL_COUNTERS)
#: The steps of the funnel the results show, after "invited".
FUNNEL_STAGES = ("sent", "delivered", "opened", "started", "completed", "opted_out")
#: Beside the report's charts: each chart's title and text alternative (read by the service).
CHARTS_INDEX = "charts.json"
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
