"""Hit-testing the member map's markers, over the same arrays they are drawn from.

pyqtgraph hit-tests each scatter item point by point; the map instead tests every
drawn marker at once with numpy, so members placed on one spot (a ZIP centroid) all
stay reachable: the hover tooltip names them all, and repeated clicks take turns.
"""

from __future__ import annotations

import numpy as np

from hcc_desktop.gui.map.markers import Markers

#: Extra pixels around a marker that still count as a hit (a steady hand is rare).
HIT_SLOP = 2.0


def members_at(
    markers: Markers, visible: np.ndarray, x: float, y: float, pixel: tuple[float, float]
) -> list[str]:
    """Ids of the drawn markers (`visible`, bottom to top) over view point (x, y) =
    (lon, lat), top first; `pixel` is the view's (degrees per pixel) in x and y."""
    px, py = pixel
    if not len(visible) or px <= 0 or py <= 0:
        return []
    dx = (markers.lon[visible] - x) / px
    dy = (markers.lat[visible] - y) / py
    reach = markers.sizes[visible] / 2 + HIT_SLOP
    hits = visible[dx * dx + dy * dy <= reach * reach]
    return [str(i) for i in markers.ids[hits[::-1]]]


def next_choice(ids: list[str], current: str) -> str:
    """The member a click selects among `ids` under the cursor: the one after the
    current selection, so markers on the same spot take turns."""
    return ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
