"""The line at the map's foot: what the operator is looking at, in numbers.

"192 of 192 members shown" said nothing useful while the view showed one state and
most markers were grey. The line now counts what is in view, how many of those the
incident covers, and the whole membership, then what the filters hide and who has no
location: "41 in view · 38 in this incident · 192 members".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hcc_desktop.gui.map.markers import Markers


@dataclass(frozen=True)
class Counts:
    in_view: int
    #: Of those in view, members in the incident's regions; None without an incident.
    in_incident: int | None
    #: Every member, with or without a location.
    total: int
    #: Members with a location that the filters leave out.
    filtered_out: int = 0
    unplaced: int = 0

    def text(self) -> str:
        parts = [f"{self.in_view} in view"]
        if self.in_incident is not None:
            parts.append(f"{self.in_incident} in this incident")
        parts.append(f"{self.total} member{'s' if self.total != 1 else ''}")
        if self.filtered_out:
            parts.append(f"{self.filtered_out} hidden by filters")
        if self.unplaced:
            parts.append(f"{self.unplaced} without a location")
        return " · ".join(parts)


def count(
    markers: Markers,
    visible: np.ndarray,
    view: tuple[tuple[float, float], tuple[float, float]],
    *,
    unplaced: int,
    has_incident: bool,
) -> Counts:
    """The counts for the markers drawn (`visible`) and the view's ((x0, x1), (y0, y1))."""
    (x0, x1), (y0, y1) = view
    shown = markers.within(visible, x0, x1, y0, y1)
    return Counts(
        in_view=len(shown),
        in_incident=int(markers.in_incident[shown].sum()) if has_incident else None,
        total=len(markers) + unplaced,
        filtered_out=len(markers) - len(visible),
        unplaced=unplaced,
    )
