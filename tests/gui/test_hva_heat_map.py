"""The HVA heat map with several hazards in one cell: each rank stays one number.

A new user read "1310" in a cell holding hazards 13 and 10: the ranks were drawn at
fixed offsets that, on a map a few hundred pixels wide, put them side by side with no
space. The cell now carries one label, ranks separated by a comma or a line break and
the rest counted ("+2"), its tooltip naming every hazard."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from hcc_desktop.core.enums import HVA_SCORES
from hcc_desktop.core.services import hva
from hcc_desktop.core.services.hva import HazardRow
from hcc_desktop.gui.panels.hva_chart import HvaHeatMap, cell_lines, line_text
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def _ranks(text: str) -> list[str]:
    """The numbers of a cell's text as a reader separates them."""
    return [t for t in re.split(r"[,\s]+", text) if t]


def test_two_hazards_in_one_cell_of_the_dock_read_as_two_numbers(
    demo_window: Any, qtbot: Any, actor: Any, tmp_path: Path
) -> None:
    panel = show(demo_window, "hvaDock")
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.table.rowCount() > 0, timeout=10_000)
    if panel.current_assessment().status == "final":
        panel.toggle_final()
        qtbot.waitUntil(lambda: panel.is_loaded() and panel.state.text() == "draft")
    store, aid = panel.ctx.store, panel.assessment_id()
    # The two lowest-ranked hazards (two-digit ranks) scored alike: one cell.
    a, b = panel.rows[-2], panel.rows[-1]
    hva.set_hazard(store, actor=actor, assessment_id=aid, name=b.name, **a.scores)
    panel.reload()
    qtbot.waitUntil(
        lambda: panel.is_loaded() and panel.heat.placed[a.id] == panel.heat.placed[b.id],
        timeout=10_000,
    )
    ranks = {r.id: str(r.rank) for r in panel.rows}
    assert int(ranks[a.id]) >= 10 and int(ranks[b.id]) >= 10
    cell = panel.heat.placed[a.id]
    text = panel.heat.cell_text[cell]
    assert {ranks[a.id], ranks[b.id]} <= set(_ranks(text))
    assert ranks[a.id] + ranks[b.id] not in text and ranks[b.id] + ranks[a.id] not in text
    label = panel.heat.labels[cell]
    assert label.textItem.toPlainText() == text  # what is drawn is what was laid out
    tip = label.toolTip()
    assert f"{ranks[a.id]}. {a.name}" in tip and f"{ranks[b.id]}. {b.name}" in tip
    shot = tmp_path / "hva_heat_map.png"
    assert panel.heat.grab().save(str(shot))


def _row(rank: int, probability: int, severity: int) -> HazardRow:
    scores = dict.fromkeys(HVA_SCORES, 0)
    scores["probability"] = probability
    for i in range(severity):
        key = HVA_SCORES[1 + i % 6]
        scores[key] += 1
    risk = round(100 * probability * severity / 54)
    return HazardRow(rank, f"h{rank}", f"Hazard {rank}", "natural", scores, risk, False, None)


@pytest.fixture
def heat(qtbot: Any) -> HvaHeatMap:
    widget = HvaHeatMap()
    qtbot.addWidget(widget)
    widget.resize(360, 420)  # the dock's default share of the window
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("width", [320, 360, 700])
def test_ranks_in_one_cell_neither_run_together_nor_into_other_cells(
    heat: HvaHeatMap, width: int
) -> None:
    """Two-digit ranks in one cell, six hazards in another, neighbours either side, on
    the dock's narrowest map (320), its default and a wide one: no two labels touch,
    and every cell's text splits into its ranks."""
    heat.resize(width, 420)
    rows = [_row(13, 2, 9), _row(10, 2, 9), _row(14, 2, 10), _row(15, 2, 8)]
    rows += [_row(r, 2, 6) for r in range(2, 8)]
    heat.show_rows(rows, selected="h10")
    QApplication.processEvents()
    boxes = [item.textItem.sceneBoundingRect() for item in heat.labels.values()]
    for one, other in itertools.combinations(boxes, 2):
        assert not one.intersects(other)
    assert set(_ranks(heat.cell_text[(9, 2)])) == {"10", "13"}
    assert heat.cell_text[(10, 2)] == "14"
    six = heat.cell_text[(6, 2)]
    shown = _ranks(six)
    counted = sum(int(t[1:]) for t in shown if t.startswith("+"))
    assert len([t for t in shown if not t.startswith("+")]) + counted == 6
    assert heat.labels[(6, 2)].toolTip().count("Hazard ") == 6


def test_the_chosen_hazard_is_never_hidden_in_the_count(heat: HvaHeatMap) -> None:
    rows = [_row(r, 1, 5) for r in range(1, 13)]
    heat.show_rows(rows, selected="h12")
    text = heat.cell_text[(5, 1)]
    assert "+" in text  # twelve do not fit a cell of the default map
    assert "12" in _ranks(text)
    assert "<span style='color:#b71c1c'>12</span>" in heat._html([["12"]], "12")


def _width(chars: int) -> Any:
    return lambda text: len(text) <= chars


@pytest.mark.parametrize(
    ("ranks", "chars", "lines", "expected"),
    [
        (["13", "10"], 6, 3, ["13, 10"]),
        (["13", "10"], 4, 3, ["13", "10"]),
        (["13", "10", "4", "2"], 6, 1, ["13 +3"]),
        (["13", "10", "4", "2"], 6, 2, ["13, 10", "4, 2"]),
        (["13", "10", "4", "2", "1"], 6, 2, ["13, 10", "4 +2"]),
        (["13", "10", "4", "2"], 2, 2, ["13", "+3"]),
        (["13"], 1, 0, ["13"]),
        ([], 6, 3, []),
    ],
)
def test_cell_lines(ranks: list[str], chars: int, lines: int, expected: list[str]) -> None:
    """Side by side while the width allows, under each other while the height allows,
    the rest counted; one rank is always drawn, however small the cell."""
    assert [line_text(x) for x in cell_lines(ranks, _width(chars), lines)] == expected
