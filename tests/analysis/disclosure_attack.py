"""An attacker for published tables: what can be worked out from the shown figures and totals.

It writes every published total as an equation (total = sum of its parts), puts the shown
figures in as known numbers, and asks which hidden figures, alone or summed, then follow from
any combination of the equations: every row, column and total subtraction, and any mix of
them. A set of hidden cells is exposed when its indicator lies in the span of the equations.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np


def derivable_sets(
    equations: Sequence[tuple[str, Sequence[str]]], hidden: set[str], limit: int = 16
) -> list[frozenset[str]]:
    """Every non-empty set of hidden cells whose sum follows from the published equations."""
    cells = sorted(hidden)
    if not cells:
        return []
    if len(cells) > limit:
        raise ValueError(f"{len(cells)} hidden cells: too many to try every set")
    column = {cell: i for i, cell in enumerate(cells)}
    rows = []
    for total, members in equations:
        row = np.zeros(len(cells))
        if total in column:
            row[column[total]] = 1.0
        for member in members:
            if member in column:
                row[column[member]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    # An orthonormal basis of the row space; a vector is derivable when it has no part
    # outside it.
    _, singular, vt = np.linalg.svd(matrix)
    basis = vt[: int((singular > 1e-9).sum())]
    found = []
    for size in range(1, len(cells) + 1):
        for subset in itertools.combinations(range(len(cells)), size):
            vector = np.zeros(len(cells))
            vector[list(subset)] = 1.0
            if np.linalg.norm(vector - basis.T @ (basis @ vector)) < 1e-7:
                found.append(frozenset(cells[i] for i in subset))
    return found


def exposed(
    equations: Sequence[tuple[str, Sequence[str]]],
    values: Mapping[str, Sequence[int]],
    hidden: set[str],
    k: int,
) -> list[frozenset[str]]:
    """Derivable hidden sets that are a single cell or sum to less than k in any quantity."""
    problems = []
    for cells in derivable_sets(equations, hidden):
        sums = [sum(q) for q in zip(*(values[c] for c in cells), strict=True)]
        if len(cells) < 2 or any(total < k for total in sums):
            problems.append(cells)
    return problems
