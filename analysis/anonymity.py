"""Stand-in for the k-anonymous release (replaced by the analysis library's own module).

Every cell is released at the role only: safe whenever a role has at least k invitations
and k responses, and enough for the service's own tests until the full algorithm lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

GENERALISED = "*"
Cell = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class CellCount:
    invitations: int
    responses: int


@dataclass(frozen=True)
class Release:
    classes: dict[Cell, Cell]
    residual: list[Cell] = field(default_factory=list)


def release_classes(cells: Mapping[Cell, CellCount], k: int) -> Release:
    classes = {cell: (cell[0], "*", "*", "*", "*") for cell in cells}
    return Release(classes)
