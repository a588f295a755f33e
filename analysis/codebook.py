"""The codebook (codebook.json): the questionnaire model plus what the data set's files mean.

The questionnaires and scales are the `questionnaires` package's own types, read by the same
rules as the YAML files; this module adds the file's format version around them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.anonymity import (
    CHILD_ATTENDED,
    GENERALISATION_ORDER,
    GENERALISED,
    LANGUAGE_GROUPS,
    Cell,
)
from analysis.contract import CODEBOOK_FORMAT, GROUP_COLUMNS, SERVICES
from analysis.errors import DatasetError
from questionnaires import (
    COMMON_CATEGORIES,
    LUNDY_DIMENSIONS,
    ROLES,
    Item,
    Questionnaire,
    QuestionnaireError,
    QuestionnaireSet,
    Scale,
    entries,
    parse_entries,
)

__all__ = [
    "CODEBOOK_FORMAT",
    "COMMON_CATEGORIES",
    "LUNDY_DIMENSIONS",
    "ROLES",
    "Codebook",
    "Item",
    "Questionnaire",
    "ReleaseInfo",
    "Scale",
    "codebook_data",
    "load_codebook",
    "parse_codebook",
]


RELEASE_MEANING = (
    "Svar och inbjudningar bär bara den frisläppta klassen av sin grupp (roll, åldersgrupp, "
    "område, kommun, språkgrupp, om barnet var med på mötet). En grupp med färre än k "
    "inbjudningar, eller med svar men färre än k svar, har slagits ihop med sina minsta "
    "grannar ett kännetecken i taget i ordningen i 'order'; ett hopslaget kännetecken "
    "skrivs '*'. Område '*' betyder också kommun '*'. Roll slås aldrig ihop. Bara "
    "inbjudningar vars sms skickades räknas, eftersom bara de kan ha svarat."
)
#: The coordinator's answer to "Var barnet med på mötet?", as the registration form words it.
CHILD_ATTENDED_LABELS = {"yes": "Ja", "partly": "En del av mötet", "no": "Nej"}
#: The services a coordinator can register as taking part in the meeting.
SERVICE_LABELS = {
    "social_services": "Socialtjänst",
    "primary_care": "Primärvård",
    "school_health": "Skola och elevhälsa",
    "child_psychiatry": "Barn- och ungdomspsykiatri",
    "habilitation": "Habilitering",
    "other": "Annan verksamhet",
}
CHILD_ATTENDED_MEANING = (
    "child_attended: samordnarens svar på om barnet var med på mötet. Det ges upp sist när "
    "grupper slås ihop, så en liten grupp behåller det på områdes- eller länsnivå; '*' betyder "
    "att det slogs ihop (eller inte var registrerat)."
)
SERVICES_MEANING = (
    "services.csv: inbjudna (invited) och svar (completed) per roll och verksamhet, från möten "
    "där verksamheten var med. Ett möte kan ha flera verksamheter, så raderna överlappar och "
    "summeras inte till rollens total. En rad saknas där den själv eller resten av rollen "
    "(rollens total minus raden) skulle ha färre än k inbjudningar, eller svar men färre än k."
)


@dataclass(frozen=True)
class ReleaseInfo:
    """How the data set's group attributes were released (the codebook's release section)."""

    k: int
    #: Classes that are below k even after everything of their role was merged.
    residual: tuple[Cell, ...] = ()


@dataclass(frozen=True)
class Codebook(QuestionnaireSet):
    """The questionnaires and scales of a data set, its release, and the decoded file."""

    release: ReleaseInfo = ReleaseInfo(1)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


def release_section(k: int, residual: tuple[Cell, ...] = ()) -> dict[str, Any]:
    """The codebook's description of the release."""
    return {
        "k": k,
        "order": list(GENERALISATION_ORDER),
        "generalised": GENERALISED,
        "meaning": RELEASE_MEANING,
        "language_groups": dict(LANGUAGE_GROUPS),
        "child_attended": {
            "meaning": CHILD_ATTENDED_MEANING,
            "values": {key: CHILD_ATTENDED_LABELS[key] for key in CHILD_ATTENDED},
        },
        "services": {
            "meaning": SERVICES_MEANING,
            "values": {key: SERVICE_LABELS[key] for key in SERVICES},
        },
        "residual": [dict(zip(GROUP_COLUMNS, cell, strict=True)) for cell in residual],
    }


def codebook_data(
    questionnaires: QuestionnaireSet, k: int, residual: tuple[Cell, ...] = ()
) -> dict[str, Any]:
    """codebook.json's content for a set of questionnaires (ready for json.dumps)."""
    return {
        "format": CODEBOOK_FORMAT,
        **entries(questionnaires),
        "release": release_section(k, residual),
    }


def _parse_release(raw: Any) -> ReleaseInfo:
    where = "codebook.json, release"
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: expected an object")
    k = raw.get("k")
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise DatasetError(f"{where}, k: {json.dumps(k)} is not a whole number from 1")
    residual_raw = raw.get("residual", [])
    if not isinstance(residual_raw, list):
        raise DatasetError(f"{where}, residual: expected a list")
    residual = []
    for entry in residual_raw:
        if not isinstance(entry, dict) or set(entry) != set(GROUP_COLUMNS):
            raise DatasetError(f"{where}, residual: each class needs {', '.join(GROUP_COLUMNS)}")
        role, age_band, area, municipality, language_group, child_attended = (
            str(entry[column]) for column in GROUP_COLUMNS
        )
        residual.append((role, age_band, area, municipality, language_group, child_attended))
    _check_values(raw, "child_attended", CHILD_ATTENDED)
    _check_values(raw, "services", SERVICES)
    return ReleaseInfo(k, tuple(residual))


def _check_values(release: dict[str, Any], key: str, expected: tuple[str, ...]) -> None:
    """A labelled variable of the release: its meaning, and a label for every known value."""
    where = f"codebook.json, release, {key}"
    section = release.get(key)
    if not isinstance(section, dict) or not isinstance(section.get("values"), dict):
        raise DatasetError(f"{where}: expected an object with meaning and values")
    if sorted(section["values"]) != sorted(expected):
        raise DatasetError(f"{where}, values: expected labels for {', '.join(expected)}")


def parse_codebook(raw: Any) -> Codebook:
    """Validate a decoded codebook.json and build the codebook."""
    if not isinstance(raw, dict):
        raise DatasetError("codebook.json: expected an object at the top level")
    if raw.get("format") != CODEBOOK_FORMAT:
        got = json.dumps(raw.get("format"))
        raise DatasetError(f"codebook.json, format: expected format {CODEBOOK_FORMAT}, got {got}")
    extra = sorted(set(raw) - {"format", "questionnaires", "scales", "release"})
    if extra:
        raise DatasetError(f"codebook.json: unknown key {extra[0]!r}")
    if "release" not in raw:
        raise DatasetError("codebook.json: the release section is missing")
    release = _parse_release(raw["release"])
    try:
        parsed = parse_entries(raw)
    except QuestionnaireError as error:
        raise DatasetError(str(error)) from None
    return Codebook(parsed.questionnaires, parsed.scales, release, raw)


def load_codebook(path: Path) -> Codebook:
    """Read and validate codebook.json."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(f"codebook.json: file not found in {path.parent}") from None
    except UnicodeDecodeError:
        raise DatasetError("codebook.json: not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"codebook.json, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    return parse_codebook(raw)
