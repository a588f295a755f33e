"""One small-group rule for every published table: which figures must not be shown.

A table is published with its totals: the county total with its breakdowns (roles, age bands,
language groups, areas), each area with its municipalities, each municipality with its teams,
each item with its areas. A figure under the minimum (primary) is hidden; then, until nothing
changes, for every total and the parts that add up to it:

* a hidden total hides all its parts (they would add up to it);
* under a shown total, the hidden parts must be none, or at least two that together reach the
  minimum in every quantity (invitations and answers); otherwise the next smallest shown part
  is hidden too, and when there is none left, the total itself.

So no hidden figure, and no sum of hidden figures, can be worked out from the shown figures
and the totals: subtracting the shown parts from a shown total leaves the hidden parts
together, which reach the minimum; a hidden total leaves nothing to subtract from. Primary and
complementary hiding look the same, so a reader cannot tell which figure was the small one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The figures of one cell that must each reach the minimum (e.g. answers, invitations);
#: the first is compared first when looking for the next smallest part.
Quantities = tuple[int, ...]


Equation = tuple[str, Sequence[str]]


@dataclass(frozen=True)
class Table:
    """Cells, and the equations between them: a total and the parts that add up to it.

    A total may have several breakdowns (the county by role, by age band, by area); each
    breakdown is an equation of its own. Every part belongs to one equation.
    """

    values: Mapping[str, Quantities]
    equations: Sequence[Equation]


def below(values: Mapping[str, Quantities], k: int) -> set[str]:
    """Cells with any quantity under k (the primary rule for counts of people)."""
    return {cell for cell, quantities in values.items() if any(q < k for q in quantities)}


def _protected(hidden: list[str], values: Mapping[str, Quantities], k: int) -> bool:
    if not hidden:
        return True
    sums = [sum(column) for column in zip(*(values[c] for c in hidden), strict=True)]
    return len(hidden) >= 2 and all(total >= k for total in sums)


def suppress(table: Table, primary: set[str], k: int) -> set[str]:
    """Every cell that must be hidden, given the primary ones."""
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for total, parts in table.equations:
            if total in hidden:
                missing = [p for p in parts if p not in hidden]
                if missing:
                    hidden.update(missing)
                    changed = True
                continue
            if _protected([p for p in parts if p in hidden], table.values, k):
                continue
            shown = sorted(
                (p for p in parts if p not in hidden), key=lambda p: (table.values[p], p)
            )
            hidden.add(shown[0] if shown else total)
            changed = True
    return hidden
