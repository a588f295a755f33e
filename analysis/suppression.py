"""Small-group suppression: which groups of a breakdown must not show figures.

A group is suppressed when it has fewer than `min_group_size` invitations or answers
(primary suppression). Because every breakdown is published with its total, a single
suppressed group could be recovered by subtracting the shown groups from the total, so
the smallest other group is suppressed as well (complementary suppression). Primary and
complementary suppression are shown the same way, so readers cannot tell which group
was the small one.
"""

from __future__ import annotations

from collections.abc import Mapping


def complementary(sizes: Mapping[str, int], suppressed: set[str]) -> set[str]:
    """Add the next-smallest group when exactly one group of a breakdown is suppressed."""
    result = set(suppressed)
    if len(result) == 1:
        candidates = sorted((size, name) for name, size in sizes.items() if name not in result)
        if candidates:
            result.add(candidates[0][1])
    return result


def needs_total_suppressed(sizes: Mapping[str, int], suppressed: set[str]) -> bool:
    """Whether the total must also be hidden: a lone suppressed group with no sibling."""
    return len(suppressed) == 1 and len(sizes) == 1


def breakdown(sizes: Mapping[str, int], primary: set[str]) -> set[str]:
    """Suppressed groups of one breakdown whose total is published."""
    return complementary(sizes, primary)


def nested(
    parent_sizes: Mapping[str, int],
    parent_primary: set[str],
    child_sizes: Mapping[str, int],
    child_primary: set[str],
    parent_of: Mapping[str, str],
) -> tuple[set[str], set[str]]:
    """Suppress a breakdown (e.g. municipalities) nested in another (areas) consistently.

    Children are protected within their parent, whose figure is their total. A hidden
    parent hides all its children, since they would add up to it.
    """
    parent_primary = set(parent_primary)
    child_hidden: set[str] = set()
    for parent in parent_sizes:
        siblings = {c: s for c, s in child_sizes.items() if parent_of[c] == parent}
        hidden = {c for c in child_primary if c in siblings}
        if needs_total_suppressed(siblings, hidden):
            parent_primary.add(parent)
        child_hidden |= complementary(siblings, hidden)
    parent_hidden = complementary(parent_sizes, parent_primary)
    child_hidden |= {c for c in child_sizes if parent_of[c] in parent_hidden}
    return parent_hidden, child_hidden
