"""The meeting's context: participation by child attendance and by service, and answers by
child attendance, under the one small-group rule (literal tables, so the policy is pinned)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from analysis.anonymity import CHILD_ATTENDED
from analysis.codebook import load_codebook
from analysis.compute import compute_results
from analysis.contract import SERVICES
from analysis.dataset import InvitationCounts, ServiceCounts, load_dataset
from analysis.labels import SUPPRESSED, percent
from analysis.participation import compute_participation, participation_table
from analysis.report_content import Table, build_report
from analysis.results import ItemGroup, Participation, RateGroup, Results

from .builders import Response, group, invitation, write_dataset
from .disclosure_attack import exposed


def analyse(
    folder: Path,
    groups: list[tuple[list[Response], list[list[str]]]],
    extra_invitations: list[list[str]] | None = None,
    services: dict[tuple[str, str], tuple[int, int]] | None = None,
) -> Results:
    responses = [r for rs, _ in groups for r in rs]
    invitations = [i for _, invs in groups for i in invs] + (extra_invitations or [])
    folder = write_dataset(folder, responses, invitations, services=services)
    return compute_results(load_dataset(folder), 5)


def shown(groups: Mapping[str, RateGroup | ItemGroup]) -> dict[str, bool]:
    return {name: not group.suppressed for name, group in groups.items()}


# -- participation by whether the child took part ------------------------------------------


def test_a_small_attendance_group_is_hidden_with_its_next_smallest_sibling(
    tmp_path: Path,
) -> None:
    results = analyse(
        tmp_path,
        [
            group(30, child_attended="yes"),
            group(3, child_attended="partly"),
            group(8, child_attended="no"),
        ],
    )
    attended = results.participation.by["child_attended"]
    # Three answers where the child took part for a while: hidden, and "no" with it, or
    # the county total minus "yes" would give them away.
    assert shown(attended) == {"yes": True, "partly": False, "no": False}
    assert attended["yes"].invited == 30
    assert list(attended) == ["yes", "partly", "no"]


def test_the_generalised_attendance_group_is_a_row_of_its_own_last(tmp_path: Path) -> None:
    results = analyse(
        tmp_path,
        [
            group(6, child_attended="*"),
            group(20, child_attended="no"),
            group(12, child_attended="yes"),
        ],
    )
    attended = results.participation.by["child_attended"]
    assert list(attended) == ["yes", "no", "*"]
    assert all(shown(attended).values())
    assert sum(g.completed or 0 for g in attended.values()) == 38


# -- participation by service: each service beside the rest of its role ----------------------

GUARDIAN_SERVICES = {
    # 40 guardians invited, 30 answered (below). The rows services.csv could hold:
    ("guardian", "social_services"): (38, 29),  # rest 2 invited, 1 answered
    ("guardian", "school_health"): (20, 15),  # rest 20 and 15
    ("guardian", "primary_care"): (3, 2),  # itself too small
    ("guardian", "child_psychiatry"): (40, 30),  # at every meeting: the role itself
    ("guardian", "other"): (10, 0),  # invitations, but nobody answered
    # habilitation: left out of services.csv (not publishable)
}
#: Whether each service's rate is shown, and why.
SERVICE_POLICY = {
    "social_services": (False, "its rest (2 invited, 1 answer) would follow by subtraction"),
    "school_health": (True, "it and its rest reach 5 invitations and 5 answers"),
    "primary_care": (False, "3 invitations are too few"),
    "child_psychiatry": (True, "the whole role: it tells nothing the role's row does not"),
    "habilitation": (False, "the export left it out"),
    "other": (False, "no answers is a figure under 5 too"),
}


@pytest.fixture
def guardians_with_services(tmp_path: Path) -> Results:
    return analyse(
        tmp_path,
        [group(30)],
        extra_invitations=[invitation() for _ in range(10)],
        services=GUARDIAN_SERVICES,
    )


def test_which_service_figures_are_shown(guardians_with_services: Results) -> None:
    by_service = guardians_with_services.participation.by_service
    assert list(by_service) == ["guardian"]
    assert list(by_service["guardian"]) == list(SERVICES)
    for service, (is_shown, why) in SERVICE_POLICY.items():
        assert (not by_service["guardian"][service].suppressed) is is_shown, why
    school = by_service["guardian"]["school_health"]
    assert (school.invited, school.completed, school.rate) == (20, 15, 0.75)
    # The role's own row is not touched by its services.
    assert guardians_with_services.participation.by["role"]["guardian"].invited == 40


def test_a_service_is_never_shown_where_its_rest_is_small() -> None:
    """The subtraction attack: role total − service = the meetings the service was not at."""
    cell = ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes")
    invitations = {cell: _invitations(40)}
    services = {("guardian", "social_services"): ServiceCounts(37, 28)}
    participation = compute_participation(invitations, {cell: 30}, {}, 5, services)
    role = participation.by["role"]["guardian"]
    service = participation.by_service["guardian"]["social_services"]
    assert not role.suppressed
    assert service.suppressed  # 40 − 37 = 3 invited, 30 − 28 = 2 answered: too few


def test_a_hidden_role_hides_its_services() -> None:
    guardian = ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes")
    child = ("child", "6-11", "Umeå med krans", "Umeå", "sv", "yes")
    invitations = {guardian: _invitations(30), child: _invitations(4)}
    # A service at all four children's meetings: the row alone would be a figure of four.
    services = {("child", "school_health"): ServiceCounts(4, 4)}
    participation = compute_participation(invitations, {guardian: 30, child: 4}, {}, 5, services)
    assert participation.by["role"]["child"].suppressed
    assert participation.by_service["child"]["school_health"].suppressed


def _invitations(n: int) -> InvitationCounts:
    return InvitationCounts(n, n, n, 0)


ROLES = ("guardian", "child", "youth")


@st.composite
def tables_with_services(draw: st.DrawFn):
    """Roles and attendance groups of random size, and services of random size in them."""
    invitations = {}
    responses = {}
    for role in draw(st.lists(st.sampled_from(ROLES), min_size=1, unique=True)):
        for attended in draw(st.lists(st.sampled_from(CHILD_ATTENDED), min_size=1, unique=True)):
            invited = draw(st.integers(1, 14))
            cell = (role, "6-11", "Umeå med krans", "Umeå", "sv", attended)
            invitations[cell] = _invitations(invited)
            responses[cell] = draw(st.integers(0, invited))
    services = {}
    for role in {cell[0] for cell in invitations}:
        invited = sum(c.invited for cell, c in invitations.items() if cell[0] == role)
        answered = sum(n for cell, n in responses.items() if cell[0] == role)
        for service in draw(st.lists(st.sampled_from(SERVICES[:3]), unique=True)):
            part_invited = draw(st.integers(0, invited))
            part_answered = draw(st.integers(max(0, answered - (invited - part_invited)), answered))
            services[(role, service)] = ServiceCounts(
                part_invited, min(part_answered, part_invited)
            )
    return invitations, responses, services, draw(st.integers(2, 6))


@given(tables_with_services())
def test_no_hidden_figure_follows_from_the_published_ones_with_services(data) -> None:
    """The attacker's view, built here from the published results, not the code's table:
    every service is a part of its role beside the rest of the role (role − service)."""
    invitations, responses, services, k = data
    participation = compute_participation(invitations, responses, {}, k, services)
    table, _ = participation_table(invitations, responses)
    values = dict(table.values)
    equations = list(table.equations)
    hidden = {node for node in values if _published(participation, node).suppressed}
    for (role, service), counts in services.items():
        part, rest = f"s:{role}/{service}", f"rest:{role}/{service}"
        completed, invited = values[f"role:{role}"]
        values[part] = (counts.completed, counts.invited)
        values[rest] = (completed - counts.completed, invited - counts.invited)
        equations.append((f"role:{role}", [part, rest]))
        if not participation.by_service[role][service].suppressed:
            # Shown beside a shown role, the rest is published too, by subtraction.
            assert values[rest] == (0, 0) or min(values[rest]) >= k, (role, service)
        elif values[rest] != (0, 0):
            hidden |= {part, rest}
        else:
            hidden.add(part)
    assume(len(hidden) <= 14)
    assert exposed(equations, values, hidden, k) == []


def _published(participation: Participation, node: str) -> RateGroup:
    if node == "":
        return participation.overall
    breakdown, name = node.split(":", 1)
    return participation.by[breakdown][name]


# -- answers by whether the child took part --------------------------------------------------


def test_answers_of_a_small_attendance_group_are_hidden_with_the_next_smallest(
    tmp_path: Path,
) -> None:
    results = analyse(
        tmp_path,
        [
            group(20, child_attended="yes", answers={"G0": 3, "G10": 4}),
            group(4, child_attended="partly", answers={"G0": 3, "G10": 3}),
            group(7, child_attended="no", answers={"G0": 3, "G10": 1}),
        ],
    )
    item = results.items["sip-guardian"]["G10"]
    assert shown(item.by_child_attended) == {"yes": True, "partly": False, "no": False}
    assert item.by_child_attended["yes"].counts == {"4": 20, "3": 0, "2": 0, "1": 0}
    assert item.by_child_attended["partly"].counts is None
    assert item.n == 31


def test_a_group_hidden_in_participation_stays_hidden_in_the_answers(tmp_path: Path) -> None:
    # Nobody answered of the ten invited where the child took part for a while: that row
    # is hidden in participation, and "no" (six answers) with it. Six answers would be
    # enough for the item table alone, but participation hid the group.
    results = analyse(
        tmp_path,
        [
            group(20, child_attended="yes", answers={"G0": 3, "G10": 4}),
            group(6, child_attended="no", answers={"G0": 3, "G10": 2}),
        ],
        extra_invitations=[invitation(child_attended="partly") for _ in range(10)],
    )
    attended = results.participation.by["child_attended"]
    assert shown(attended) == {"yes": True, "partly": False, "no": False}
    item = results.items["sip-guardian"]["G10"]
    # "no" hidden alone would follow from total − yes: so "yes" goes too, the total stays.
    assert shown(item.by_child_attended) == {"yes": False, "no": False}
    assert not item.suppressed


def test_attendance_groups_are_compared_without_the_generalised_group(tmp_path: Path) -> None:
    results = analyse(
        tmp_path,
        [
            group(10, child_attended="yes", answers={"G0": 3, "G10": 4}),
            group(10, child_attended="no", answers={"G0": 3, "G10": 2}),
            group(6, child_attended="*", answers={"G0": 3, "G10": 3}),
        ],
    )
    comparison = next(
        c for c in results.comparisons if c.kind == "child_attended" and c.subject == "G10"
    )
    assert comparison.groups == ["yes", "no"]
    assert comparison.excluded_groups == []
    assert comparison.test == "mann-whitney"
    # Holm's adjustment runs over the attendance comparisons with all the others.
    tested = [c for c in results.comparisons if c.testable]
    smallest_first = sorted(tested, key=lambda c: c.p or 0.0)
    rank = smallest_first.index(comparison)
    assert comparison.p is not None
    assert comparison.p_holm is not None
    assert comparison.p_holm >= min(1.0, (len(tested) - rank) * comparison.p)
    assert comparison.p_holm < 0.05


# -- the report ---------------------------------------------------------------------------------


def test_the_report_shows_the_meetings_context(analysed: tuple[Path, Results]) -> None:
    out, results = analysed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Svarsfrekvens efter om barnet var med på mötet" in html
    assert "Svarsfrekvens per verksamhet på mötet – vårdnadshavare" in html
    assert "raderna överlappar och summeras inte till raden Alla" in html
    assert "Andel positiva svar efter om barnet var med på mötet – vårdnadshavare" in html
    assert "Barnet var med en del av mötet" in html
    charts = json.loads((out / "charts" / "charts.json").read_text(encoding="utf-8"))
    description = charts["child_attended.svg"]["description"]
    yes = results.participation.by["child_attended"]["yes"]
    assert f"Barnet var med: {percent(yes.rate)}" in description


def test_a_hidden_service_is_shown_as_too_few_in_the_report(
    guardians_with_services: Results, simulated: Path
) -> None:
    report = build_report(guardians_with_services, load_codebook(simulated / "codebook.json"), [])
    table = next(b for b in report.blocks if isinstance(b, Table) and "per verksamhet" in b.caption)
    rows = {row[0]: row for row in table.rows}
    assert rows["Skola och elevhälsa"][1:4] == ["20", "15", percent(0.75)]
    assert rows["Socialtjänst"][3] == SUPPRESSED
    assert rows["Habilitering"][3] == SUPPRESSED
    assert rows["Alla"][1] == "40"
