"""Swedish labels and number formats shared by the charts and both reports."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from analysis.codebook import SERVICE_LABELS

if TYPE_CHECKING:
    from analysis.results import Window

ROLE_LABELS = {"guardian": "Vårdnadshavare", "child": "Barn 6–11 år", "youth": "Unga 12–18 år"}
ROLE_SHORT = {"guardian": "Vårdnadshavare", "child": "Barn", "youth": "Unga"}
AGE_BAND_LABELS = {"0-5": "0–5 år", "6-11": "6–11 år", "12-18": "12–18 år"}
BREAKDOWN_LABELS = {
    "role": "Roll",
    "child_attended": "Barnets närvaro",
    "age_band": "Barnets ålder",
    "language_group": "Språk",
    "area": "Område",
    "municipality": "Kommun",
}
#: How a table's caption names a breakdown: "Svarsfrekvens per område", "… efter om …".
BREAKDOWN_CAPTIONS = {
    "role": "per roll",
    "child_attended": "efter om barnet var med på mötet",
    "age_band": "per barnets ålder",
    "language_group": "per språk",
    "area": "per område",
    "municipality": "per kommun",
}
LANGUAGE_GROUP_LABELS = {"sv": "Svenska", "other": "Annat språk än svenska"}
#: Whether the child took part in the meeting, as the coordinator registered it.
CHILD_ATTENDED_LABELS = {
    "yes": "Barnet var med",
    "partly": "Barnet var med en del av mötet",
    "no": "Barnet var inte med",
}
#: The same groups inside a sentence: "… svarade de inbjudna till möten där barnet …".
CHILD_ATTENDED_PHRASES = {
    "yes": "där barnet var med",
    "partly": "där barnet var med en del av mötet",
    "no": "där barnet inte var med",
}
#: The rows of values the release generalised ("*"), so that totals still add up.
GENERALISED_LABELS = {
    "age_band": "Ålder ej angiven",
    "language_group": "Språk ej angivet",
    "child_attended": "Barnets närvaro ej angiven",
    "area": "Område ej angivet",
    "municipality": "Område och kommun ej angivna",
}
DIMENSION_LABELS = {
    "filter": "Närvaro",
    "space": "Utrymme",
    "voice": "Röst",
    "audience": "Publik (att bli lyssnad på)",
    "influence": "Inflytande",
    "plan": "Planen",
    "child_involvement": "Barnets delaktighet",
    "overall": "Helhetsomdöme",
    "comment": "Kommentar",
}
PARALLEL_LABELS = {
    "voice": "Fick säga det hen ville",
    "audience": "Blev lyssnad på",
    "understanding": "Förstod det som sades",
    "influence": "Fick vara med och bestämma",
}
COMMON_LABELS = {"negative": "Nej", "partly": "Delvis", "positive": "Ja"}
FUNNEL_LABELS = {
    "invited": "Inbjudna",
    "sent": "Skickade",
    "delivered": "Levererade",
    "opened": "Öppnade länken",
    "started": "Påbörjade",
    "completed": "Besvarade",
    "opted_out": "Avböjde",
}
TEST_LABELS = {
    "chi-square": "χ²-test",
    "kruskal-wallis": "Kruskal–Wallis",
    "mann-whitney": "Mann–Whitney U",
}
EFFECT_LABELS = {
    "cramers_v": "Cramérs V",
    "epsilon_squared": "ε²",
    "rank_biserial_r": "rangbiserial r",
}
SUPPRESSED = "för få svar"
ALL_NO_ANSWER = "alla svarade Vet inte"
NOTHING_TO_REPORT = "Det finns inget att rapportera ännu."
NO_VALUE = "–"


def role_label(role: str) -> str:
    """Swedish name of a respondent role."""
    return ROLE_LABELS.get(role, role)


def group_label(breakdown: str, group: str) -> str:
    """Swedish name of a group in a breakdown (areas and municipalities are already Swedish)."""
    if group == "*":
        return GENERALISED_LABELS.get(breakdown, "Ej angivet")
    if breakdown == "municipality" and group.endswith("/*"):
        return f"Övriga kommuner i {group.removesuffix('/*')}"
    if breakdown == "role":
        return role_label(group)
    if breakdown == "age_band":
        return AGE_BAND_LABELS.get(group, group)
    if breakdown == "language_group":
        return LANGUAGE_GROUP_LABELS.get(group, group)
    if breakdown == "child_attended":
        return CHILD_ATTENDED_LABELS.get(group, group)
    return group


def service_label(service: str) -> str:
    """Swedish name of a service that can take part in a SIP meeting."""
    return SERVICE_LABELS.get(service, service)


def percent(share: float | None, decimals: int = 0) -> str:
    """A share as Swedish percent, e.g. '52 %' (non-breaking space, decimal comma)."""
    if share is None:
        return NO_VALUE
    return f"{share * 100:.{decimals}f}".replace(".", ",") + "\u00a0%"


def interval(ci: tuple[float, float] | list[float] | None) -> str:
    """A 95% interval of shares as '45–59 %'."""
    if ci is None:
        return NO_VALUE
    return f"{ci[0] * 100:.0f}–{ci[1] * 100:.0f}\u00a0%"


def number(value: float | None, decimals: int = 2) -> str:
    """A decimal number with a Swedish decimal comma."""
    if value is None:
        return NO_VALUE
    if decimals == 0:
        return f"{value:,.0f}".replace(",", "\u00a0")
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")


def count(value: int | None) -> str:
    """A count with a thin space as thousands separator."""
    if value is None:
        return NO_VALUE
    return f"{value:,}".replace(",", "\u00a0")


def p_value(p: float | None) -> str:
    """A p-value as printed in the report ('< 0,001' for very small values)."""
    if p is None:
        return NO_VALUE
    if p < 0.001:
        return "<\u00a00,001"
    return number(p, 3)


MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
#: Window dates are printed as the region's calendar shows them.
LOCAL_TIME = ZoneInfo("Europe/Stockholm")
WINDOW_STATUS_LABELS = {"final": "slutlig", "preliminary": "preliminär"}


def date_label(moment: str) -> str:
    """An ISO 8601 date-time as a Swedish date, e.g. '1 september 2026'."""
    local = datetime.fromisoformat(moment).astimezone(LOCAL_TIME)
    return f"{local.day}\u00a0{MONTHS[local.month - 1]} {local.year}"


def window_label(window: Window) -> str:
    """'Insamlingsfönster 3, Hösten 2026: 1 september – 30 november 2026 (slutlig)'."""
    status = WINDOW_STATUS_LABELS.get(window.status, window.status)
    return (
        f"Insamlingsfönster {window.id}, {window.name}: {date_label(window.opens_at)} – "
        f"{date_label(window.closes_at)} ({status})"
    )


def points(difference: float | None) -> str:
    """A difference of shares in percentage points with its sign, e.g. '+5 procentenheter'."""
    if difference is None:
        return NO_VALUE
    value = round(difference * 100)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value)}\u00a0procentenheter"


def points_interval(ci: tuple[float, float] | list[float] | None) -> str:
    """A 95% interval of a difference in percentage points, e.g. '−3 till +12'."""
    if ci is None:
        return NO_VALUE

    def signed(value: float) -> str:
        rounded = round(value * 100)
        return f"{'−' if rounded < 0 else '+' if rounded > 0 else ''}{abs(rounded)}"

    return f"{signed(ci[0])} till {signed(ci[1])}"
