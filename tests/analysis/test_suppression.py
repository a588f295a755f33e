"""Small groups show no figure, and no other figure lets them be worked out."""

from __future__ import annotations

from pathlib import Path

from analysis.compute import compute_results
from analysis.dataset import load_dataset
from analysis.participation import compute_participation, participation_table
from analysis.results import RateGroup, Results
from analysis.suppression import Table, below, suppress

from .builders import Response, group, invitation, write_dataset
from .disclosure_attack import exposed

HIDDEN = RateGroup(None, None, None, None, True)


def analyse(
    folder: Path,
    groups: list[tuple[list[Response], list[list[str]]]],
    extra_invitations: list[list[str]] | None = None,
    min_group_size: int = 5,
) -> Results:
    responses = [r for rs, _ in groups for r in rs]
    invitations = [i for _, invs in groups for i in invs] + (extra_invitations or [])
    return compute_results(
        load_dataset(write_dataset(folder, responses, invitations)), min_group_size
    )


def test_a_group_of_four_shows_no_figures(tmp_path: Path) -> None:
    results = analyse(tmp_path, [group(4, "Södra Lappland", "Malå"), group(30)])
    malå = results.participation.by["municipality"]["Malå"]
    assert malå == HIDDEN
    # The area of Malå has nobody else: the area is as small and hidden too.
    assert results.participation.by["area"]["Södra Lappland"].suppressed


def test_a_group_of_four_next_to_a_group_of_six_hides_the_six(tmp_path: Path) -> None:
    results = analyse(tmp_path, [group(30), group(4, role="child"), group(6, role="youth")])
    roles = results.participation.by["role"]
    assert roles["child"] == HIDDEN
    assert roles["youth"] == HIDDEN
    assert roles["guardian"].invited == 30
    assert results.participation.overall.invited == 40
    # Total minus what is shown leaves only the two hidden groups together (4 + 6).


def test_municipalities_are_protected_within_their_area(tmp_path: Path) -> None:
    results = analyse(
        tmp_path,
        [
            group(4, "Södra Lappland", "Malå"),
            group(6, "Södra Lappland", "Lycksele"),
            group(20, "Södra Lappland", "Storuman"),
            group(8, "Umeå med krans", "Vännäs"),
            group(30),
        ],
    )
    municipalities = results.participation.by["municipality"]
    assert municipalities["Malå"].suppressed
    # Lycksele, not the smaller Vännäs in another area: Södra Lappland's total minus
    # Storuman must not give Malå.
    assert municipalities["Lycksele"].suppressed
    assert not municipalities["Vännäs"].suppressed
    assert municipalities["Storuman"].invited == 20
    assert results.participation.by["area"]["Södra Lappland"].invited == 30


def test_a_hidden_area_hides_all_its_municipalities(tmp_path: Path) -> None:
    results = analyse(
        tmp_path,
        [
            group(2, "Skellefteå/Norsjö", "Norsjö"),
            group(2, "Skellefteå/Norsjö", "Skellefteå"),
            group(10, "Södra Lappland", "Lycksele"),
            group(10, "Södra Lappland", "Storuman"),
            group(40),
        ],
    )
    areas = results.participation.by["area"]
    municipalities = results.participation.by["municipality"]
    assert areas["Skellefteå/Norsjö"].suppressed
    # Södra Lappland (20) is the complement of Skellefteå/Norsjö (4)…
    assert areas["Södra Lappland"].suppressed
    assert not areas["Umeå med krans"].suppressed
    # …so its municipalities, which add up to it, are hidden as well.
    assert municipalities["Lycksele"].suppressed
    assert municipalities["Storuman"].suppressed
    assert municipalities["Umeå"].invited == 40


def test_few_answers_among_many_invitations_hide_the_group(tmp_path: Path) -> None:
    not_answered = [invitation("youth") for _ in range(40)]
    results = analyse(
        tmp_path,
        [group(30), group(3, role="youth"), group(9, role="child")],
        extra_invitations=not_answered,
    )
    roles = results.participation.by["role"]
    assert roles["youth"].suppressed  # 43 invited, but only 3 answered
    assert roles["child"].suppressed  # complement
    assert roles["guardian"].rate == 1.0


def test_the_minimum_group_size_is_a_parameter(tmp_path: Path) -> None:
    results = analyse(
        tmp_path, [group(30), group(4, role="child"), group(6, role="youth")], min_group_size=3
    )
    assert results.min_group_size == 3
    assert results.participation.by["role"]["child"].invited == 4


def test_item_counts_by_area_are_suppressed_with_a_complement(tmp_path: Path) -> None:
    results = analyse(
        tmp_path,
        [
            group(4, "Södra Lappland", "Malå", answers={"G0": 3, "G2": 1}),
            group(6, "Skellefteå/Norsjö", "Norsjö", answers={"G0": 3, "G2": 2}),
            group(20, answers={"G0": 3, "G2": 4}),
        ],
    )
    item = results.items["sip-guardian"]["G2"]
    assert item.counts == {"4": 20, "3": 0, "2": 6, "1": 4}
    assert item.by_area["Södra Lappland"].suppressed
    assert item.by_area["Södra Lappland"].counts is None
    assert item.by_area["Skellefteå/Norsjö"].suppressed
    assert item.by_area["Umeå med krans"].counts == {"4": 20, "3": 0, "2": 0, "1": 0}
    # Comparisons only use the shown groups: one area left, nothing to test.
    comparison = next(c for c in results.comparisons if c.kind == "areas" and c.subject == "G2")
    assert comparison.groups == ["Umeå med krans"]
    assert set(comparison.excluded_groups) == {"Södra Lappland", "Skellefteå/Norsjö"}
    assert not comparison.testable
    assert comparison.p is None


def test_small_value_counts_are_shown_in_a_large_enough_group(tmp_path: Path) -> None:
    # The documented rule: suppression is by group size; one "Nej, inte alls" among 20 shows.
    results = analyse(tmp_path, [group(19), group(1, answers={"G0": 3, "G2": 1})])
    item = results.items["sip-guardian"]["G2"]
    assert item.n == 20
    assert item.counts == {"4": 19, "3": 0, "2": 0, "1": 1}


def test_an_item_with_few_answers_is_hidden_even_when_many_saw_it(tmp_path: Path) -> None:
    results = analyse(tmp_path, [group(3), group(10, answers={"G0": 3, "G2": None})])
    item = results.items["sip-guardian"]["G2"]
    assert item.suppressed
    assert item.n is None
    assert item.no_answer is None


def test_a_tiny_data_set_shows_no_figures_anywhere(tmp_path: Path) -> None:
    results = analyse(tmp_path, [group(3), group(1, role="child", answers={"C2": 3})])
    assert results.participation.overall == HIDDEN
    assert results.participation.funnel.suppressed
    assert results.participation.funnel.invited is None
    for breakdown in results.participation.by.values():
        assert all(g == HIDDEN for g in breakdown.values())
    for items in results.items.values():
        assert all(i.suppressed and i.counts is None for i in items.values())
    for indexes in results.indexes.values():
        assert all(i.suppressed and i.mean is None for i in indexes.values())
    assert not any(c.testable for c in results.comparisons)
    assert results.free_text.count is None


def test_role_comparisons_leave_out_hidden_roles(tmp_path: Path) -> None:
    results = analyse(
        tmp_path,
        [
            group(10, answers={"G0": 3, "G2": 4}),
            group(10, answers={"G0": 3, "G2": 2}),
            group(4, role="child", answers={"C2": 3}),
            group(12, role="youth", answers={"Y2": 1}),
        ],
    )
    voice = next(c for c in results.comparisons if c.kind == "roles" and c.subject == "voice")
    assert voice.groups == ["guardian", "youth"]
    assert voice.excluded_groups == ["child"]
    assert "child" not in (voice.distributions or {})
    assert voice.distributions == {
        "guardian": {"negative": 10, "partly": 0, "positive": 10},
        "youth": {"negative": 12, "partly": 0, "positive": 0},
    }


def test_dorotea_and_sorsele_cannot_be_read_off_their_area(tmp_path: Path) -> None:
    results = analyse(
        tmp_path,
        [
            group(2, "Södra Lappland", "Dorotea"),
            group(2, "Södra Lappland", "Sorsele"),
            group(12, "Södra Lappland", "Lycksele"),
            group(9, "Södra Lappland", "Storuman"),
            group(40),
        ],
    )
    municipalities = results.participation.by["municipality"]
    assert municipalities["Dorotea"].suppressed
    assert municipalities["Sorsele"].suppressed
    # Hiding the pair alone would leave their sum (4) as area minus the shown municipalities.
    assert municipalities["Storuman"].suppressed
    assert municipalities["Lycksele"].invited == 12
    assert results.participation.by["area"]["Södra Lappland"].invited == 25


def hidden_nodes(participation) -> set[str]:
    return {
        f"{breakdown}:{name}"
        for breakdown, groups in participation.by.items()
        for name, figures in groups.items()
        if figures.suppressed
    } | ({""} if participation.overall.suppressed else set())


def test_the_attacker_finds_nothing_in_the_simulated_participation(simulated: Path) -> None:
    dataset = load_dataset(simulated)
    responses = dataset.responses.class_counts()
    participation = compute_participation(dataset.invitations.classes, responses, dataset.funnel, 5)
    table, _ = participation_table(dataset.invitations.classes, responses)
    hidden = hidden_nodes(participation)
    assert exposed(table.equations, table.values, hidden, 5) == []


def test_live_figures_from_the_web_service_need_no_validation() -> None:
    # The web service counts its own database by class and calls this directly.
    from analysis.dataset import FunnelCounts, InvitationCounts

    new = ("guardian", "6-11", "Nytt område", "Ny kommun", "sv", "yes")
    umea = ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "no")
    invitations = {new: InvitationCounts(6, 6, 6, 0), umea: InvitationCounts(7, 7, 7, 0)}
    participation = compute_participation(
        invitations, {new: 6, umea: 7}, {"guardian": FunnelCounts(13, 13)}, 5
    )
    assert list(participation.by["municipality"]) == ["Umeå", "Ny kommun"]
    assert participation.by["area"]["Nytt område"].invited == 6
    assert participation.funnel.opened == 13
    assert list(participation.by["child_attended"]) == ["yes", "no"]
    # Without services.csv's counts there is no by-service section (not a hidden one).
    assert participation.by_service == {}


# The rule itself, on small literal tables (analysis/suppression.py): the boundaries at exactly
# the minimum, and the repeated passes that carry a hidden figure to the equations before it.


def test_a_figure_of_exactly_the_minimum_is_shown() -> None:
    values = {"a": (5, 5), "b": (4, 9), "c": (9, 4), "d": (6, 6)}
    assert below(values, 5) == {"b", "c"}


def test_two_hidden_parts_that_reach_exactly_the_minimum_together_protect_each_other() -> None:
    values = {"T": (12,), "a": (2,), "b": (3,), "c": (7,)}
    table = Table(values, [("T", ["a", "b", "c"])])
    # a alone could be worked out (T - b - c): the next smallest, b, goes too; 2 + 3 = 5.
    assert suppress(table, {"a"}, 5) == {"a", "b"}


def test_a_part_hidden_in_a_later_equation_hides_its_own_parts_on_the_next_pass() -> None:
    values = {"T": (20,), "a": (2,), "b": (18,), "x": (9,), "y": (9,)}
    # b's breakdown comes first; b is hidden only by T's equation after it.
    table = Table(values, [("b", ["x", "y"]), ("T", ["a", "b"])])
    assert suppress(table, {"a"}, 5) == {"a", "b", "x", "y"}


def test_a_hidden_total_hides_its_parts_down_every_level() -> None:
    values = {"A": (3,), "a1": (2,), "a2": (1,), "x": (1,), "y": (1,)}
    table = Table(values, [("a1", ["x", "y"]), ("A", ["a1", "a2"])])
    assert suppress(table, {"A"}, 5) == {"A", "a1", "a2", "x", "y"}
