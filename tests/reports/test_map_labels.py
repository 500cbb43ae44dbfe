"""The briefing map's number placement asks only a number's neighbourhood (issue 11):
it must choose exactly the boxes that comparing with every placed box and every dot
chooses, for crowded and sparse maps alike."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from hcc_desktop.reports import mapview
from hcc_desktop.reports.mapview import LABEL_HEIGHT, MemberMap


def _everything_compared(
    view: SimpleNamespace, x: float, y: float, w: float, placed: list, dots: list
) -> tuple[float, float, float, float]:
    """The rule as stated in _label_box's docstring, checked against all others."""
    h = LABEL_HEIGHT
    candidates = []
    for reach in (1.0, 2.2):
        dx, dy = 4 * reach, 2.5 * reach
        candidates += [
            (x + dx, y + dy), (x - dx - w, y + dy), (x + dx, y - dy - h),
            (x - dx - w, y - dy - h), (x - w / 2, y + 4 * reach),
            (x - w / 2, y - 4 * reach - h), (x + 5 * reach, y - h / 2),
            (x - 5 * reach - w, y - h / 2),
        ]  # fmt: skip

    def cost(bx: float, by: float) -> float:
        inside = bx >= 0 and by >= 0 and bx + w <= view.width and by + h <= view.height
        hits = sum(
            1 for px, py, pw, ph in placed
            if bx < px + pw and px < bx + w and by < py + ph and py < by + h
        )  # fmt: skip
        covered = sum(1 for qx, qy in dots if bx - 3 < qx < bx + w + 3 and by - 3 < qy < by + h + 3)
        return (0 if inside else 100) + 10 * hits + covered

    best = min(range(len(candidates)), key=lambda i: (cost(*candidates[i]), i))
    return (*candidates[best], w, h)


@pytest.mark.parametrize(("count", "size"), [(40, 300.0), (400, 250.0), (300, 600.0)])
def test_numbers_land_where_comparing_with_all_would_put_them(count: int, size: float) -> None:
    rng = random.Random(count)
    view = SimpleNamespace(width=size, height=size * 0.8)
    points = [(rng.uniform(-5, size + 5), rng.uniform(-5, size * 0.8 + 5)) for _ in range(count)]
    widths = [rng.choice([8.0, 11.5, 15.0]) for _ in range(count)]

    dots = mapview._Buckets()
    for x, y in points:
        dots.add((x, y), x, y, x, y)
    placed = mapview._Buckets()
    fast: list[tuple[float, float, float, float]] = []
    slow: list[tuple[float, float, float, float]] = []
    for (x, y), w in zip(points, widths, strict=True):
        box = MemberMap._label_box(view, x, y, w, placed, dots)  # type: ignore[arg-type]
        placed.add(box, box[0], box[1], box[0] + box[2], box[1] + box[3])
        fast.append(box)
        slow.append(_everything_compared(view, x, y, w, slow, points))
    assert fast == slow
    # Crowded maps must really exercise the neighbourhood: some boxes moved aside.
    if count >= 300:
        offsets = {
            (round(b[0] - p[0]), round(b[1] - p[1])) for b, p in zip(fast, points, strict=True)
        }
        assert len(offsets) > 4
