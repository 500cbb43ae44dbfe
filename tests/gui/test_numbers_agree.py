"""Issue 17 (4): the overview and the briefing count the same things in the same words.

The overview said "Not reporting 4" and the briefing's status table "Not reported 1"
for the same period: two definitions under one name. Now "Not reported this period"
is eei.timeliness's missing on screen and on paper, and a facility that never sent a
status is "No report yet". The test seeds the demo relative to now (as the first start
does), loads the overview for the current period, builds the briefing for the same
period and compares tile by tile with what the PDF says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.status import STATUSES
from hcc_desktop.gui.context import AppContext
from hcc_desktop.reports.briefing import build_briefing
from tests.conftest import copy_store
from tests.gui.conftest import close_window, open_window
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_now(tmp_path_factory: pytest.TempPathFactory) -> Path:
    demo = pytest.importorskip("hcc_desktop.demo")
    path = tmp_path_factory.mktemp("demo_now") / "store.sqlite"
    with open_store(path, station_name="CTDPH-EOC-01") as store:
        demo.seed_demo(store, as_of=dt.datetime.now().astimezone())
    return path


@pytest.fixture
def window(qtbot: Any, demo_now: Path, tmp_path: Path) -> Iterator[Any]:
    store = open_store(copy_store(demo_now, tmp_path / "store.sqlite"))
    ctx = AppContext(store, Actor("Marisol Ortega", "Duty Officer"))
    w = open_window(qtbot, ctx)
    yield w
    close_window(w)
    ctx.detach()
    store.close()


def _tile(window: Any, key: str) -> tuple[str, str]:
    tile = window.overview.tiles[key]
    return tile.caption.text(), tile.value.text()


def test_overview_tiles_and_briefing_agree(window: Any, tmp_path: Path) -> None:
    ctx = window.ctx
    assert ctx.incident_id and ctx.period
    data = window.overview.data
    assert data.period is not None and data.period.number == ctx.period

    caption, reporting = _tile(window, "reporting")
    assert caption == "Reported this period"
    reported, expected = (int(x) for x in reporting.split("/"))
    caption, missing = _tile(window, "missing")
    assert caption == "Not reported this period"
    assert reported + int(missing) == expected
    diversion = _tile(window, "diversion")[1]
    closed = _tile(window, "closed")[1]
    open_requests = _tile(window, "requests")[1]
    overdue = _tile(window, "overdue")[1]

    out = tmp_path / "briefing.pdf"
    build_briefing(ctx.store, out, incident_id=ctx.incident_id, period=ctx.period)
    text = pdf_text(out)

    # At a glance, on the first page: every tile's number, in the tile's words.
    assert f"{reported} of {expected} facilities reported this period" in text
    assert f"{missing} not reported this period" in text
    assert f"{diversion} on EMS diversion" in text
    assert f"{closed} closed or evacuating" in text
    assert f"{open_requests} open resource requests {overdue} overdue" in text
    # The facility status note, the EEI reporting section and the requests section.
    assert (
        f"{reported} of {expected} facilities reported this period, "
        f"{missing} not reported this period." in text
    )
    assert f"late, {missing} not reported this period." in text
    assert f"{open_requests} open:" in text and f"{overdue} overdue (needed by" in text
    # The status of a facility that never reported has its own name, and the old
    # ambiguous one is gone from the paper.
    assert STATUSES["not_reported"] == "No report yet"
    assert "No report yet" in text
    assert re.search(r"Not reported(?! this period)", text) is None
    assert "Not reporting" not in text
