"""The k-anonymous release: which group attributes a response and an invitation may carry.

A cell is the fine group of an invitation or response: (role, age_band, area, municipality,
language_group, child_attended) — the last from the meeting: whether the child took part. Small
cells are merged with their neighbours until every released class has
at least k invitations and either no responses or at least k, so a released response shares
its class with at least k − 1 other responses and k invitations, and no small class says that
nobody answered. Merging generalises one attribute at a time, in a fixed order; a merged
attribute is written as "*". Role is never generalised: the questionnaire reveals it.
Whether the child took part goes last, and before it goes a group still too small tries to
keep it at county level, merged with the smallest classes of the same role and attendance.

Pure Python on purpose: the web service imports it to export data sets and to show live
participation, without numpy or the rest of the analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: A fine cell or a released class:
#: (role, age_band, area, municipality, language_group, child_attended).
Cell = tuple[str, str, str, str, str, str]
GENERALISED = "*"
ATTRIBUTES = ("role", "age_band", "area", "municipality", "language_group", "child_attended")
#: Generalised first to last; generalising the area also generalises the municipality.
#: Whether the child took part is given up last: children's participation is what the
#: follow-up is about, so a small group rather loses its place (down to the county) than that.
GENERALISATION_ORDER = ("language_group", "municipality", "age_band", "area", "child_attended")
#: Swedish, or any other language of the invitation (a single language can be one family).
LANGUAGE_GROUPS = {"sv": "svenska", "other": "annat språk än svenska"}
#: Whether the child took part in the meeting, as the coordinator registered it.
CHILD_ATTENDED = ("yes", "partly", "no")
#: A response sealed before its meeting's attendance went into the seal: it can only be
#: released merged ("*"), since no invitation is in its fine cell.
UNKNOWN_ATTENDANCE = "unknown"

_ROLE, _AGE, _AREA, _MUNICIPALITY, _LANGUAGE, _ATTENDED = range(6)
_POSITIONS = {
    "language_group": (_LANGUAGE,),
    "municipality": (_MUNICIPALITY,),
    "age_band": (_AGE,),
    "area": (_AREA, _MUNICIPALITY),
    "child_attended": (_ATTENDED,),
}


def language_group(language: str) -> str:
    """ "sv" for Swedish, "other" for every other invitation language."""
    return "sv" if language == "sv" else "other"


@dataclass(frozen=True)
class CellCount:
    """Invitations that could have answered, and responses, in one cell."""

    invitations: int
    responses: int

    def __add__(self, other: CellCount) -> CellCount:
        return CellCount(self.invitations + other.invitations, self.responses + other.responses)


def acceptable(count: CellCount, k: int) -> bool:
    """At least k invitations, and no responses or at least k."""
    return count.invitations >= k and (count.responses == 0 or count.responses >= k)


@dataclass(frozen=True)
class Release:
    """Every fine cell's released class, and the classes that could not be made safe."""

    k: int
    classes: Mapping[Cell, Cell]
    #: Classes still below k after everything was merged (a whole role too small).
    residual: tuple[Cell, ...]

    def released(self, cell: Cell) -> Cell:
        """The class a fine cell is released as."""
        return self.classes[cell]

    def class_counts(self, cells: Mapping[Cell, CellCount]) -> dict[Cell, CellCount]:
        """Counts per released class."""
        totals: dict[Cell, CellCount] = {}
        for cell, count in cells.items():
            label = self.classes[cell]
            totals[label] = totals.get(label, CellCount(0, 0)) + count
        return totals


@dataclass
class _Class:
    label: Cell
    members: list[Cell]
    count: CellCount

    def order(self) -> tuple[int, int, Cell]:
        # Smallest first: by responses, then invitations, then name.
        return (self.count.responses, self.count.invitations, self.label)


def _parent(label: Cell, attribute: str) -> Cell:
    cell = list(label)
    for position in _POSITIONS[attribute]:
        cell[position] = GENERALISED
    return (cell[0], cell[1], cell[2], cell[3], cell[4], cell[5])


def _merge(parts: Iterable[_Class], label: Cell) -> _Class:
    members: list[Cell] = []
    count = CellCount(0, 0)
    for part in parts:
        members += part.members
        count = count + part.count
    return _Class(label, members, count)


def _absorb(
    merged: list[_Class], others: list[_Class], k: int, label: Cell
) -> tuple[_Class, list[_Class]]:
    """Merge `merged`, then the smallest of `others` until acceptable; the rest stays apart."""
    rest = sorted(others, key=_Class.order)
    combined = _merge(merged, label)
    while not acceptable(combined.count, k) and rest:
        combined = _merge([combined, rest.pop(0)], label)
    return combined, rest


def _generalise(classes: list[_Class], attribute: str, k: int) -> list[_Class]:
    groups: dict[Cell, list[_Class]] = {}
    for item in classes:
        groups.setdefault(_parent(item.label, attribute), []).append(item)
    result: list[_Class] = []
    for parent in sorted(groups):
        siblings = groups[parent]
        # A class already labelled as the parent must join the merge: labels stay unique.
        small = [c for c in siblings if not acceptable(c.count, k) or c.label == parent]
        if len(siblings) == 1 or not any(not acceptable(c.count, k) for c in small):
            # Nothing to merge with: generalising alone would only cut the class off from
            # the neighbours it can merge with at the next attribute.
            result += siblings
            continue
        merged, rest = _absorb(small, [c for c in siblings if c not in small], k, parent)
        result += [merged, *rest]
    return result


def _top(key: tuple[str, ...], kept: tuple[int, ...]) -> Cell:
    label = [GENERALISED] * len(ATTRIBUTES)
    for position, value in zip(kept, key, strict=True):
        label[position] = value
    return (label[0], label[1], label[2], label[3], label[4], label[5])


def _keeping(
    classes: list[_Class], k: int, kept: tuple[int, ...], *, only_if_safe: bool
) -> tuple[list[_Class], list[Cell]]:
    """Merge what is still too small into the class that keeps only the attributes at `kept`
    (e.g. (role, *, …, *)), with the smallest classes sharing them, until it is acceptable.

    With `only_if_safe` a merge that cannot be made acceptable is not made: the classes are
    left for the next step. Returns the classes and the merged ones still too small."""
    result: list[_Class] = []
    residual: list[Cell] = []
    keys = sorted({tuple(c.label[i] for i in kept) for c in classes})
    for key in keys:
        mine = [c for c in classes if tuple(c.label[i] for i in kept) == key]
        top = _top(key, kept)
        small = [c for c in mine if not acceptable(c.count, k) or c.label == top]
        if not any(not acceptable(c.count, k) for c in small):
            result += mine
            continue
        merged, rest = _absorb(small, [c for c in mine if c not in small], k, top)
        if only_if_safe and not acceptable(merged.count, k):
            result += mine
            continue
        result += [merged, *rest]
        if not acceptable(merged.count, k):
            residual.append(top)
    return result, residual


def release_classes(cells: Mapping[Cell, CellCount], k: int) -> Release:
    """The released class of every fine cell (same input, same output, in any order)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    for cell in cells:
        if len(cell) != len(ATTRIBUTES) or GENERALISED in cell:
            raise ValueError(f"not a fine cell: {cell!r}")
    classes = [_Class(cell, [cell], cells[cell]) for cell in sorted(cells)]
    for attribute in GENERALISATION_ORDER:
        if attribute == "child_attended":
            # Before attendance is given up, a group still too small keeps it at county
            # level: merged with the smallest classes of its role and attendance, when that
            # makes it large enough (else attendance goes, among its siblings, as any other).
            classes, _ = _keeping(classes, k, (_ROLE, _ATTENDED), only_if_safe=True)
        classes = _generalise(classes, attribute, k)
    classes, residual = _keeping(classes, k, (_ROLE,), only_if_safe=False)
    mapping = {member: item.label for item in classes for member in item.members}
    return Release(k, {cell: mapping[cell] for cell in sorted(mapping)}, tuple(sorted(residual)))


def releasable_parts(
    parts: Mapping[tuple[str, str], CellCount], totals: Mapping[str, CellCount], k: int
) -> set[tuple[str, str]]:
    """The (role, part) counts that may be stored and published beside their role's total.

    For counts of overlapping parts of a role — the invitations and responses of meetings a
    service was at; a meeting has several — that are not group attributes of a row. A part is
    kept when it is acceptable and so is the rest of its role (total − part): the role's total
    is published, so a part's figure also tells its complement's by subtraction. A part that
    is the whole role (nothing left over) tells nothing the total does not.
    """
    kept: set[tuple[str, str]] = set()
    for (role, part), count in parts.items():
        total = totals.get(role, CellCount(0, 0))
        rest = CellCount(total.invitations - count.invitations, total.responses - count.responses)
        if acceptable(count, k) and (rest == CellCount(0, 0) or acceptable(rest, k)):
            kept.add((role, part))
    return kept
