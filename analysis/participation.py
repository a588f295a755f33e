"""Response rates (with Wilson intervals) and the funnel, over the released classes.

Completed in a group is the number of responses in it, invited the number of invitations in
the same released classes, so every rate is exact on the rows it covers. A generalised value
("*") is a group of its own ("Övriga kommuner i …", "Språk ej angivet"), so totals add up.

Participation by service (services.csv) is not a breakdown: a meeting has several services,
so a role's services overlap. Each service is instead one part of its role beside the rest of
the role (the role's total minus the service), in the same table as every other figure, so
the one small-group rule decides them together: a hidden role hides its services, and a
service can only be shown where its rest could be too (or else the rest would follow from
the role's total by subtraction).
"""

from __future__ import annotations

from collections.abc import Mapping

from analysis.anonymity import CHILD_ATTENDED, GENERALISED, Cell
from analysis.contract import SERVICES
from analysis.dataset import AGE_BANDS, AREAS, FunnelCounts, InvitationCounts, ServiceCounts
from analysis.results import Funnel, Participation, RateGroup
from analysis.stats import wilson_interval
from analysis.suppression import Equation, Table, below, suppress
from questionnaires import ROLES

BREAKDOWNS = ("role", "child_attended", "age_band", "language_group", "area", "municipality")
LANGUAGE_ORDER = ("sv", "other")
TOTAL = ""
#: Node prefixes of a service's part of its role, and of the rest of the role.
SERVICE = "service"
SERVICE_REST = "service_rest"


def municipality_key(area: str, municipality: str) -> str:
    """The municipality breakdown's key: the name, or "<area>/*" for its other municipalities."""
    if municipality != GENERALISED:
        return municipality
    return GENERALISED if area == GENERALISED else f"{area}/{GENERALISED}"


def _groups(cell: Cell) -> dict[str, str]:
    role, band, area, municipality, language, attended = cell
    return {
        "role": role,
        "child_attended": attended,
        "age_band": band,
        "language_group": language,
        "area": area,
        "municipality": municipality_key(area, municipality),
    }


def _ranked(names: set[str], order: tuple[str, ...]) -> list[str]:
    known = [name for name in order if name in names]
    rest = sorted(names - set(known) - {GENERALISED})
    return known + rest + ([GENERALISED] if GENERALISED in names else [])


def _rate(invited: int, completed: int, hidden: bool) -> RateGroup:
    if hidden or invited == 0:
        return RateGroup(None, None, None, None, True)
    return RateGroup(
        invited, completed, completed / invited, wilson_interval(completed, invited), False
    )


def participation_table(
    invitations: Mapping[Cell, InvitationCounts], responses: Mapping[Cell, int]
) -> tuple[Table, dict[str, str]]:
    """The published table of (completed, invited) and each municipality key's area."""
    values: dict[str, list[int]] = {TOTAL: [0, 0]}
    area_of: dict[str, str] = {}
    for cell in set(invitations) | set(responses):
        invited = invitations[cell].invited if cell in invitations else 0
        completed = responses.get(cell, 0)
        groups = _groups(cell)
        area_of[groups["municipality"]] = cell[2]
        for node in (TOTAL, *(f"{b}:{g}" for b, g in groups.items())):
            totals = values.setdefault(node, [0, 0])
            totals[0] += completed
            totals[1] += invited
    names = {b: {n.split(":", 1)[1] for n in values if n.startswith(b + ":")} for b in BREAKDOWNS}
    order = {
        "role": ROLES,
        "child_attended": CHILD_ATTENDED,
        "age_band": AGE_BANDS,
        "language_group": LANGUAGE_ORDER,
        "area": AREAS,
        "municipality": (),
    }
    ranked = {b: _ranked(names[b], order[b]) for b in BREAKDOWNS}
    area_rank = {area: i for i, area in enumerate(ranked["area"])}
    ranked["municipality"] = sorted(
        names["municipality"],
        key=lambda m: (area_rank[area_of[m]], m.endswith(GENERALISED), m),
    )
    equations: list[Equation] = [
        (TOTAL, [f"{b}:{g}" for g in ranked[b]]) for b in BREAKDOWNS if b != "municipality"
    ]
    for area in ranked["area"]:
        mine = [f"municipality:{m}" for m in ranked["municipality"] if area_of[m] == area]
        if mine:
            equations.append((f"area:{area}", mine))
    table = Table({node: (c, i) for node, (c, i) in values.items()}, equations)
    return table, {m: area_of[m] for m in ranked["municipality"]}


def service_node(role: str, service: str) -> str:
    """The table node of one role's invitations from meetings a service was at."""
    return f"{SERVICE}:{role}/{service}"


def rest_node(role: str, service: str) -> str:
    """The table node of the rest of the role: meetings the service was not at."""
    return f"{SERVICE_REST}:{role}/{service}"


def with_services(table: Table, services: Mapping[tuple[str, str], ServiceCounts]) -> Table:
    """The table with each published (role, service) and its rest as a breakdown of the role.

    One equation per service, role = service + rest, since services overlap (a meeting has
    several): each is a split of the role of its own, like the role's other breakdowns. A
    service that is the whole role has no rest (it says nothing the role does not).
    """
    values = dict(table.values)
    equations = list(table.equations)
    for (role, service), counts in services.items():
        role_node = f"role:{role}"
        if role_node not in values:
            continue
        completed, invited = values[role_node]
        rest = (completed - counts.completed, invited - counts.invited)
        parts = [service_node(role, service)]
        values[parts[0]] = (counts.completed, counts.invited)
        if rest != (0, 0):
            parts.append(rest_node(role, service))
            values[parts[1]] = rest
        equations.append((role_node, parts))
    return Table(values, equations)


def _by_service(
    table: Table,
    hidden: set[str],
    services: Mapping[tuple[str, str], ServiceCounts],
    roles: list[str],
) -> dict[str, dict[str, RateGroup]]:
    """Per role and service the rate, or hidden (also when services.csv left the row out)."""
    by_service: dict[str, dict[str, RateGroup]] = {}
    for role in roles:
        by_service[role] = {}
        for service in SERVICES:
            node = service_node(role, service)
            if (role, service) not in services:
                by_service[role][service] = _rate(0, 0, True)
                continue
            completed, invited = table.values[node]
            by_service[role][service] = _rate(invited, completed, node in hidden)
    return by_service


def compute_participation(
    invitations: Mapping[Cell, InvitationCounts],
    responses: Mapping[Cell, int],
    funnel: Mapping[str, FunnelCounts],
    min_group_size: int,
    services: Mapping[tuple[str, str], ServiceCounts] | None = None,
) -> Participation:
    """Participation overall and by role, whether the child took part, age band, language
    group, area and municipality; with `services` (services.csv) also by role and service."""
    table, area_of = participation_table(invitations, responses)
    if services is not None:
        table = with_services(table, services)
    hidden = suppress(table, below(table.values, min_group_size), min_group_size)
    completed_total, invited_total = table.values[TOTAL]
    overall_hidden = TOTAL in hidden or invited_total == 0
    by: dict[str, dict[str, RateGroup]] = {}
    nodes = [part for total, parts in table.equations if total == TOTAL for part in parts]
    for node in [*nodes, *(f"municipality:{m}" for m in area_of)]:
        breakdown, group = node.split(":", 1)
        completed, invited = table.values[node]
        by.setdefault(breakdown, {})[group] = _rate(invited, completed, node in hidden)
    by = {b: by.get(b, {}) for b in BREAKDOWNS}
    if overall_hidden:
        result_funnel = Funnel(None, None, None, None, None, None, None, True)
    else:
        counts = sum(invitations.values(), InvitationCounts())
        result_funnel = Funnel(
            invited=invited_total,
            sent=counts.sent,
            delivered=counts.delivered,
            opened=sum(f.opened for f in funnel.values()),
            started=sum(f.started for f in funnel.values()),
            completed=completed_total,
            opted_out=counts.opted_out,
            suppressed=False,
        )
    return Participation(
        overall=_rate(invited_total, completed_total, overall_hidden),
        funnel=result_funnel,
        by=by,
        by_service=(
            _by_service(table, hidden, services, list(by["role"])) if services is not None else {}
        ),
    )
