"""The release: every released class is safe, labels tell the truth, and an attacker holding
the exported responses and invitations finds at least k candidates for every response."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.anonymity import (
    CHILD_ATTENDED,
    GENERALISED,
    Cell,
    CellCount,
    language_group,
    releasable_parts,
    release_classes,
)

PLACES = {
    "Södra Lappland": ("Dorotea", "Sorsele", "Åsele", "Lycksele"),
    "Umeå med krans": ("Umeå", "Bjurholm"),
    "Skellefteå/Norsjö": ("Skellefteå", "Norsjö"),
}
AGE_OF = {"child": ("6-11",), "youth": ("12-18",), "guardian": ("0-5", "6-11", "12-18")}
FINE_CELLS = [
    (role, age, area, municipality, language, attended)
    for role, ages in AGE_OF.items()
    for age in ages
    for area, municipalities in PLACES.items()
    for municipality in municipalities
    for language in ("sv", "other")
    for attended in CHILD_ATTENDED
]


@st.composite
def cell_tables(draw: st.DrawFn) -> tuple[dict[Cell, CellCount], int]:
    """A random table of fine cells, from nearly empty to county-sized, and k."""
    chosen = draw(st.lists(st.sampled_from(FINE_CELLS), min_size=1, max_size=40, unique=True))
    table = {}
    for cell in chosen:
        invitations = draw(st.integers(0, 30))
        table[cell] = CellCount(invitations, draw(st.integers(0, invitations)))
    return table, draw(st.integers(1, 8))


def safe(count: CellCount, k: int) -> bool:
    """The promise, written out here rather than taken from the code under test."""
    return count.invitations >= k and count.responses in (0, *range(k, count.responses + 1))


def classes_of(table: dict[Cell, CellCount], k: int) -> dict[Cell, CellCount]:
    return release_classes(table, k).class_counts(table)


@given(cell_tables())
def test_every_fine_cell_is_released_as_a_truthful_class(data) -> None:
    table, k = data
    release = release_classes(table, k)
    assert set(release.classes) == set(table)
    for cell, label in release.classes.items():
        for fine, released in zip(cell, label, strict=True):
            assert released in (fine, GENERALISED)
        assert label[0] == cell[0]  # role is never generalised
        assert label[0] != GENERALISED
        if label[2] == GENERALISED:
            assert label[3] == GENERALISED  # no municipality without its area


@given(cell_tables())
def test_every_class_is_safe_or_named_residual(data) -> None:
    table, k = data
    release = release_classes(table, k)
    for label, count in release.class_counts(table).items():
        assert safe(count, k) or label in release.residual
    for label in release.residual:
        # Only a whole role can be left too small, and the codebook names it.
        assert label[1:] == (GENERALISED,) * 5


@given(cell_tables(), st.randoms(use_true_random=False))
def test_the_release_does_not_depend_on_the_order_of_the_table(data, rng: random.Random) -> None:
    table, k = data
    shuffled = list(table.items())
    rng.shuffle(shuffled)
    assert release_classes(dict(shuffled), k) == release_classes(table, k)


@given(cell_tables())
def test_an_attacker_with_the_export_finds_k_candidates_for_every_response(data) -> None:
    table, k = data
    release = release_classes(table, k)
    # What the export holds: one row per invitation and per response, each with its class.
    invitations: Counter[Cell] = Counter()
    responses: Counter[Cell] = Counter()
    for cell, count in table.items():
        invitations[release.released(cell)] += count.invitations
        responses[release.released(cell)] += count.responses
    for label, answered in responses.items():
        if answered == 0 or label in release.residual:
            continue
        # Matching a response on everything both files share leaves its whole class.
        assert invitations[label] >= k
        assert answered - 1 >= k - 1
    for label, invited in invitations.items():
        if label not in release.residual:
            assert responses[label] == 0 or responses[label] >= k
            assert invited >= k


def test_dorotea_and_sorsele_are_merged_within_their_area() -> None:
    table = {
        ("guardian", "6-11", "Södra Lappland", "Dorotea", "sv", "yes"): CellCount(2, 1),
        ("guardian", "6-11", "Södra Lappland", "Sorsele", "sv", "yes"): CellCount(2, 1),
        ("guardian", "6-11", "Södra Lappland", "Lycksele", "sv", "yes"): CellCount(12, 7),
        ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes"): CellCount(40, 25),
    }
    release = release_classes(table, 5)
    dorotea = release.released(("guardian", "6-11", "Södra Lappland", "Dorotea", "sv", "yes"))
    sorsele = release.released(("guardian", "6-11", "Södra Lappland", "Sorsele", "sv", "yes"))
    # 4 invitations and 2 answers together are still too few: Lycksele, the only
    # sibling, joins them, and the class is "the municipalities of Södra Lappland".
    assert dorotea == sorsele == ("guardian", "6-11", "Södra Lappland", "*", "sv", "yes")
    assert (
        release.released(("guardian", "6-11", "Södra Lappland", "Lycksele", "sv", "yes")) == dorotea
    )
    assert release.released(("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes")) == (
        "guardian",
        "6-11",
        "Umeå med krans",
        "Umeå",
        "sv",
        "yes",
    )
    assert release.residual == ()


def test_two_small_municipalities_take_only_the_smallest_sibling_they_need() -> None:
    table = {
        ("guardian", "12-18", "Södra Lappland", "Dorotea", "sv", "yes"): CellCount(2, 0),
        ("guardian", "12-18", "Södra Lappland", "Sorsele", "sv", "yes"): CellCount(2, 0),
        ("guardian", "12-18", "Södra Lappland", "Lycksele", "sv", "yes"): CellCount(9, 5),
        ("guardian", "12-18", "Södra Lappland", "Storuman", "sv", "yes"): CellCount(6, 0),
    }
    release = release_classes(table, 5)
    generalised = ("guardian", "12-18", "Södra Lappland", "*", "sv", "yes")
    # Dorotea + Sorsele (4 invited) need one more: Storuman has fewer answers than Lycksele.
    assert release.released(table_key(table, "Dorotea")) == generalised
    assert release.released(table_key(table, "Storuman")) == generalised
    assert release.released(table_key(table, "Lycksele"))[3] == "Lycksele"


def table_key(table: dict[Cell, CellCount], municipality: str) -> Cell:
    return next(cell for cell in table if cell[3] == municipality)


def test_one_tigrinya_speaking_family_in_asele_loses_its_language_first() -> None:
    table = {
        ("guardian", "6-11", "Södra Lappland", "Åsele", "sv", "yes"): CellCount(6, 5),
        ("guardian", "6-11", "Södra Lappland", "Åsele", language_group("ti"), "yes"): CellCount(
            2, 1
        ),
    }
    release = release_classes(table, 5)
    # Their language is generalised, and they are released with Åsele's other families.
    assert set(release.classes.values()) == {
        ("guardian", "6-11", "Södra Lappland", "Åsele", "*", "yes")
    }
    assert release.class_counts(table) == {
        ("guardian", "6-11", "Södra Lappland", "Åsele", "*", "yes"): CellCount(8, 6)
    }


def test_a_role_too_small_overall_is_named_residual() -> None:
    table = {
        ("youth", "12-18", "Umeå med krans", "Umeå", "sv", "yes"): CellCount(3, 2),
        ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes"): CellCount(20, 12),
    }
    release = release_classes(table, 5)
    assert release.residual == (("youth", "*", "*", "*", "*", "*"),)
    assert (
        release.released(("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes"))[3] == "Umeå"
    )


def test_no_small_class_says_that_nobody_answered() -> None:
    table = {
        ("guardian", "0-5", "Umeå med krans", "Umeå", "sv", "yes"): CellCount(30, 0),
        ("guardian", "0-5", "Umeå med krans", "Bjurholm", "sv", "yes"): CellCount(3, 0),
        ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes"): CellCount(30, 10),
    }
    counts = classes_of(table, 5)
    assert all(safe(count, 5) for count in counts.values())
    assert CellCount(33, 0) in counts.values()


@pytest.mark.parametrize("bad", [("guardian", "*", "x", "y", "sv", "yes"), ("guardian", "6-11")])
def test_only_fine_cells_are_accepted(bad) -> None:
    with pytest.raises(ValueError, match="not a fine cell"):
        release_classes({bad: CellCount(5, 5)}, 5)


def test_whether_the_child_took_part_is_kept_at_area_level_when_the_place_is_given_up() -> None:
    # Two small groups where the child was not there, in two municipalities of one area.
    table = {
        ("guardian", "6-11", "Södra Lappland", "Dorotea", "sv", "no"): CellCount(3, 3),
        ("guardian", "6-11", "Södra Lappland", "Sorsele", "sv", "no"): CellCount(3, 2),
        ("guardian", "6-11", "Södra Lappland", "Dorotea", "sv", "yes"): CellCount(12, 6),
        ("guardian", "6-11", "Södra Lappland", "Sorsele", "sv", "yes"): CellCount(11, 5),
    }
    release = release_classes(table, 5)
    # The municipality goes before attendance: together they are a class of their area.
    assert release.released(table_key(table, "Dorotea")) == (
        "guardian",
        "6-11",
        "Södra Lappland",
        "*",
        "sv",
        "no",
    )
    assert release.released(("guardian", "6-11", "Södra Lappland", "Sorsele", "sv", "yes")) == (
        "guardian",
        "6-11",
        "Södra Lappland",
        "Sorsele",
        "sv",
        "yes",
    )


def test_a_lone_small_attendance_group_is_merged_with_its_smallest_sibling_last() -> None:
    table = {
        ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "partly"): CellCount(3, 2),
        ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "no"): CellCount(9, 5),
        ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "yes"): CellCount(30, 15),
    }
    release = release_classes(table, 5)
    merged = ("guardian", "6-11", "Umeå med krans", "Umeå", "sv", "*")
    # Nothing else to merge with: attendance is given up, with the smaller of its siblings.
    assert release.released(table_key_attended(table, "partly")) == merged
    assert release.released(table_key_attended(table, "no")) == merged
    assert release.released(table_key_attended(table, "yes"))[5] == "yes"


def test_a_small_attendance_group_keeps_its_attendance_at_county_level() -> None:
    """Young people answering in Swedish where the child (they) did not take part: too few in
    Umeå, even with the language and the place given up; at county level, with the group of
    Skellefteå that did not take part either, they are enough. Their attendance is kept and
    the large group where they did take part keeps everything."""
    table = {
        ("youth", "12-18", "Umeå med krans", "Umeå", "sv", "no"): CellCount(3, 2),
        ("youth", "12-18", "Umeå med krans", "Umeå", "sv", "yes"): CellCount(40, 20),
        ("youth", "12-18", "Skellefteå/Norsjö", "Skellefteå", "other", "no"): CellCount(6, 5),
        ("youth", "12-18", "Skellefteå/Norsjö", "Skellefteå", "other", "yes"): CellCount(30, 12),
    }
    release = release_classes(table, 5)
    county_no = ("youth", "*", "*", "*", "*", "no")
    assert release.released(("youth", "12-18", "Umeå med krans", "Umeå", "sv", "no")) == county_no
    assert (
        release.released(("youth", "12-18", "Skellefteå/Norsjö", "Skellefteå", "other", "no"))
        == county_no
    )
    for cell in table:
        if cell[5] == "yes":
            assert release.released(cell) == cell


def table_key_attended(table: dict[Cell, CellCount], attended: str) -> Cell:
    return next(cell for cell in table if cell[5] == attended)


ROLE_TOTALS = {"guardian": CellCount(40, 20)}


@pytest.mark.parametrize(
    ("part", "kept", "why"),
    [
        (CellCount(20, 10), True, "the part and the rest (20 invited, 10 answered) reach k"),
        (CellCount(40, 20), True, "the part is the whole role: nothing left to work out"),
        (CellCount(37, 18), False, "the rest (3 invited, 2 answered) would follow by subtraction"),
        (CellCount(36, 20), False, "the rest has 4 invitations (and no answers)"),
        (CellCount(4, 2), False, "the part itself is too small"),
        (CellCount(10, 3), False, "the part has answers, but fewer than k"),
        (CellCount(10, 0), True, "no answers: acceptable like a released class"),
        (CellCount(0, 0), False, "no invitations at all"),
    ],
)
def test_a_service_is_releasable_only_with_a_large_enough_rest(
    part: CellCount, kept: bool, why: str
) -> None:
    parts = {("guardian", "school_health"): part}
    assert (releasable_parts(parts, ROLE_TOTALS, 5) == {("guardian", "school_health")}) is kept, why


def test_a_service_of_a_role_with_no_invitations_is_not_releasable() -> None:
    parts = {("youth", "habilitation"): CellCount(0, 0)}
    assert releasable_parts(parts, {}, 5) == set()
