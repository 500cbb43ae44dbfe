"""The map's row-by-row point-in-ring test answers as testing every grid point against
every edge does (the even-odd rule), for rings of every shape."""

from __future__ import annotations

import numpy as np

from hcc_desktop.reports.mapview import _inside_ring


def _every_edge(gx: np.ndarray, gy: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    inside = np.zeros(gx.shape, dtype=bool)
    x0, y0 = xs[-1], ys[-1]
    for x1, y1 in zip(xs.tolist(), ys.tolist(), strict=True):
        if y0 != y1:
            crosses = (y1 > gy) != (y0 > gy)
            at = (x0 - x1) * (gy - y1) / (y0 - y1) + x1
            inside ^= crosses & (gx < at)
        x0, y0 = x1, y1
    return inside


def test_rows_answer_as_every_edge_does() -> None:
    rng = np.random.default_rng(7)
    gx, gy = np.meshgrid(np.arange(3.0, 300, 6), np.arange(3.0, 200, 6))
    rings = [
        np.array([[10.0, 10], [250, 30], [200, 180], [40, 150]]),  # convex
        np.array([[0.0, 3], [300, 3], [300, 9], [0, 9]]),  # edges on grid rows
        np.array([[-50.0, -50], [-10, -50], [-10, -10]]),  # outside the frame
        np.array([[5.0, 5]]),  # a lone point
    ]
    for _ in range(20):  # star-shaped and self-crossing rings, vertices on the grid too
        n = int(rng.integers(3, 60))
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radius = rng.uniform(10, 120, n)
        ring = np.column_stack([150 + radius * np.cos(angles), 100 + radius * np.sin(angles)])
        rings.append(np.round(ring / 3) * 3 if rng.random() < 0.3 else ring)
        rings.append(rng.uniform(-20, 320, (n, 2)))
    for ring in rings:
        xs, ys = ring[:, 0], ring[:, 1]
        assert (_inside_ring(gx, gy, xs, ys) == _every_edge(gx, gy, xs, ys)).all()
