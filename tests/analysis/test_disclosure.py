"""The small-group rule: an attacker who tries every subtraction finds nothing small."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import assume, given
from hypothesis import strategies as st

from analysis.suppression import Table, below, suppress

from .disclosure_attack import derivable_sets, exposed

AREAS = {"A": ("a1", "a2", "a3", "a4"), "B": ("b1", "b2", "b3"), "C": ("c1",)}
ROLES = ("guardian", "child", "youth")


@st.composite
def county_tables(draw: st.DrawFn) -> tuple[Table, int]:
    """A county's participation table: (answers, invitations) from random fine groups."""
    fine: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for area, municipalities in AREAS.items():
        for municipality in draw(st.lists(st.sampled_from(municipalities), unique=True)):
            for role in draw(st.lists(st.sampled_from(ROLES), min_size=1, unique=True)):
                invited = draw(st.integers(0, 12))
                answered = draw(st.integers(0, invited))
                for cell in ("", f"area:{area}", f"municipality:{municipality}", f"role:{role}"):
                    fine[cell][0] += answered
                    fine[cell][1] += invited
    assume(fine[""][1] > 0)
    equations = [
        ("", [cell for cell in sorted(fine) if cell.startswith("role:")]),
        ("", [cell for cell in sorted(fine) if cell.startswith("area:")]),
    ]
    for area, municipalities in AREAS.items():
        present = [f"municipality:{m}" for m in municipalities if f"municipality:{m}" in fine]
        if present:
            equations.append((f"area:{area}", present))
    values = {cell: (answered, invited) for cell, (answered, invited) in fine.items()}
    return Table(values, equations), draw(st.integers(2, 6))


@given(county_tables())
def test_no_hidden_figure_or_sum_of_them_can_be_worked_out(data) -> None:
    table, k = data
    hidden = suppress(table, below(table.values, k), k)
    assume(len(hidden) <= 14)
    assert exposed(table.equations, table.values, hidden, k) == []


@given(county_tables())
def test_every_small_figure_is_hidden_and_a_hidden_total_hides_its_parts(data) -> None:
    table, k = data
    hidden = suppress(table, below(table.values, k), k)
    for cell, (answered, invited) in table.values.items():
        if answered < k or invited < k:
            assert cell in hidden
    for total, parts in table.equations:
        if total in hidden:
            assert set(parts) <= hidden


def test_dorotea_and_sorsele_are_not_left_to_subtraction() -> None:
    # Two small municipalities in one area, 2 invitations and 1 answer each: hiding just the
    # two would still let anyone read their sum (4 invited, 2 answered) off the area row.
    values = {
        "": (48, 80),
        "area:Södra Lappland": (18, 30),
        "area:Umeå med krans": (30, 50),
        "municipality:Dorotea": (1, 2),
        "municipality:Sorsele": (1, 2),
        "municipality:Lycksele": (9, 14),
        "municipality:Storuman": (7, 12),
        "municipality:Umeå": (30, 50),
    }
    parts = [
        ("", ["area:Södra Lappland", "area:Umeå med krans"]),
        (
            "area:Södra Lappland",
            [
                "municipality:Dorotea",
                "municipality:Sorsele",
                "municipality:Lycksele",
                "municipality:Storuman",
            ],
        ),
        ("area:Umeå med krans", ["municipality:Umeå"]),
    ]
    table = Table(values, parts)
    hidden = suppress(table, below(values, 5), 5)
    assert hidden == {"municipality:Dorotea", "municipality:Sorsele", "municipality:Storuman"}
    assert exposed(parts, values, hidden, 5) == []
    # The rule the earlier code had (hide a second cell only when one alone is hidden)
    # leaves the pair to subtraction: the attacker finds it.
    assert frozenset({"municipality:Dorotea", "municipality:Sorsele"}) in derivable_sets(
        parts, {"municipality:Dorotea", "municipality:Sorsele"}
    )


def test_a_lone_small_part_hides_its_total_when_it_has_no_sibling() -> None:
    values = {"": (40, 60), "area:A": (3, 4), "area:B": (37, 56), "municipality:x": (3, 4)}
    parts = [("", ["area:A", "area:B"]), ("area:A", ["municipality:x"])]
    hidden = suppress(Table(values, parts), below(values, 5), 5)
    # Area A is small, so the next smallest area is hidden with it; all of A's parts too.
    assert hidden == {"area:A", "area:B", "municipality:x"}
