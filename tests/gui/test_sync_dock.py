"""The Sync dock and package operations as an operator sees them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from hcc_desktop.core import backups
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.sync import operations
from hcc_desktop.gui.sync.panel import SyncPanel
from hcc_desktop.gui.sync.stations import StationsDialog
from hcc_desktop.sync import conflicts, exporter, importer, trust
from tests.conftest import FakeWall

pytestmark = pytest.mark.gui


@pytest.fixture
def pair(tmp_path: Path):
    a = open_store(tmp_path / "a.sqlite", station_name="State EOC", wall=FakeWall())
    b = open_store(tmp_path / "b.sqlite", station_name="Region 1", wall=FakeWall())
    for s, t in ((a, b), (b, a)):
        trust.export_key(t, tmp_path / f"{t.site_id}.json")
        trust.trust(s, tmp_path / f"{t.site_id}.json")
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for name in ("information", "warning"):
        monkeypatch.setattr(
            QMessageBox,
            name,
            staticmethod(lambda _p, title, text, *a, **k: shown.append((title, text))),
        )
    return shown


def _conflict(
    a: Store,
    b: Store,
    tmp: Path,
    ours: dict[str, Any] | None = None,
    theirs: dict[str, Any] | None = None,
) -> str:
    """A member both stations change at once (A `ours`, B `theirs`; phone numbers by
    default); A's change is exported to a2.hccsync, not yet imported. Returns its id."""
    ann, bob = Actor("Ann", "Duty Officer"), Actor("Bob", "Duty Officer")
    org = orgs.add_organization(
        a, actor=ann, name="Hartford Hospital", member_type="hospital", membership="core"
    )
    exporter.export_package(a, tmp / "a1.hccsync")
    importer.import_package(b, tmp / "a1.hccsync")
    a.wall.advance(5)
    b.wall.advance(5)
    orgs.update_organization(a, actor=ann, org_id=org, **(ours or {"phone": "860-111-1111"}))
    orgs.update_organization(b, actor=bob, org_id=org, **(theirs or {"phone": "860-222-2222"}))
    exporter.export_package(a, tmp / "a2.hccsync")
    return org


def test_import_through_gui_reports_and_lists_conflict(qtbot, pair, tmp_path, boxes) -> None:
    a, b = pair
    _conflict(a, b, tmp_path)
    ctx = AppContext(b, Actor("Bob", "Duty Officer"))
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    assert panel.conflicts.list.count() == 0
    job = operations.import_packages(panel, ctx, paths=[tmp_path / "a2.hccsync"])
    assert job is not None
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    qtbot.waitUntil(lambda: panel.conflicts.list.count() == 1, timeout=5_000)
    assert boxes and boxes[-1][0] == "Package imported"
    assert "1 conflicts" in boxes[-1][1]
    assert panel.tabs.tabText(1) == "Conflicts (1)"
    assert "State EOC" in [
        panel.stations.item(r, 0).text() for r in range(panel.stations.rowCount())
    ]
    assert panel.imports.rowCount() == 2
    (point,) = backups.list_backups(b.path)  # the way back from this import
    assert point.is_point and point.reason == backups.IMPORT


def test_keep_button_resolves_conflict(qtbot, pair, tmp_path, boxes) -> None:
    a, b = pair
    _conflict(a, b, tmp_path)
    importer.import_package(b, tmp_path / "a2.hccsync")
    ctx = AppContext(b, Actor("Bob", "Duty Officer"))
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    qtbot.waitUntil(panel.is_loaded, timeout=5_000)  # the dock reads off the GUI thread
    (cv,) = conflicts.list_conflicts(b)
    loser = next(s for s in cv.sides if not s.winner)
    button = panel.findChild(QPushButton, f"keep_{loser.version_id[:8]}")
    assert button is not None
    button.click()
    assert conflicts.list_conflicts(b) == []
    qtbot.waitUntil(lambda: panel.conflicts.list.count() == 0, timeout=5_000)
    with b.read() as s:
        from hcc_desktop.core import models as m

        phones = {o.phone for o in s.query(m.Organization)}
    assert phones == {loser.value}


def test_refused_package_shows_reason_and_changes_nothing(qtbot, pair, tmp_path, boxes) -> None:
    a, b = pair
    _conflict(a, b, tmp_path)
    bad = tmp_path / "bad.hccsync"
    bad.write_bytes((tmp_path / "a2.hccsync").read_bytes()[:-40])
    before = dump_text(b)
    ctx = AppContext(b, Actor("Bob", "Duty Officer"))
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    job = operations.import_packages(panel, ctx, paths=[bad])
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    qtbot.waitUntil(lambda: bool(boxes), timeout=5_000)
    title, text = boxes[-1]
    assert title == "Package refused"
    assert "bad.hccsync" in text and "changed nothing" in text
    assert dump_text(b) == before
    assert backups.list_backups(b.path) == []  # nothing changed: nothing to go back from


def test_export_through_gui_writes_package(qtbot, pair, tmp_path, boxes) -> None:
    a, b = pair
    ctx = AppContext(a, Actor("Ann", "Duty Officer"))
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    out = tmp_path / "out.hccsync"
    job = operations.export_package(panel, ctx, path=out)
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    assert out.exists()
    assert boxes[-1][0] == "Package exported"
    assert importer.import_package(b, out).already_imported is False


def test_stations_dialog_shows_fingerprint_and_trusts(qtbot, tmp_path) -> None:
    a = open_store(tmp_path / "a.sqlite", station_name="State EOC", wall=FakeWall())
    c = open_store(tmp_path / "c.sqlite", station_name="Region 2", wall=FakeWall())
    trust.export_key(c, tmp_path / "c.json")
    ctx = AppContext(a, Actor("Ann", "Duty Officer"))
    dialog = StationsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.fingerprint.text() == a.identity.fingerprint
    assert dialog.fingerprint.font().pointSize() >= 18
    assert dialog.list.count() == 0
    assert dialog.trust_file(tmp_path / "c.json", confirm=False)
    assert dialog.list.count() == 1 and "Region 2" in dialog.list.item(0).text()
    a.close()
    c.close()


def test_last_sent_stands_on_the_station_the_package_was_made_for(qtbot, pair, tmp_path) -> None:
    """Issue 17 (4): a package made for Region 1 shows under Region 1's "Last sent";
    a full package names no station, so it shows only on this station's own row."""
    a, b = pair
    exporter.export_package(a, tmp_path / "all.hccsync")
    ctx = AppContext(a, Actor("Ann", "Duty Officer"))
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    qtbot.waitUntil(panel.is_loaded, timeout=5_000)

    def sent() -> dict[str, str]:
        t = panel.stations
        heads = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
        col = heads.index("Last sent")
        return {t.item(r, 0).text(): t.item(r, col).text() for r in range(t.rowCount())}

    assert sent()["Region 1"] == "" and sent()["State EOC"] != ""
    a.wall.advance(60)
    exporter.export_package(a, tmp_path / "for-b.hccsync", for_station=b.site_id)
    panel.reload()
    qtbot.waitUntil(lambda: sent()["Region 1"] != "", timeout=5_000)
    assert sent()["Region 1"] == sent()["State EOC"]  # the newest package was for it
    ctx.detach()


def test_another_value_is_read_as_the_fields_type_and_a_bad_one_is_refused(
    qtbot, pair, tmp_path, boxes, answers
) -> None:
    """ "Enter another value…" on a bed-count conflict: "lots" gets a dialog naming the
    field and changes nothing; "25" is stored as the number 25."""
    a, b = pair
    org = _conflict(a, b, tmp_path, {"beds": 120}, {"beds": 140})
    importer.import_package(b, tmp_path / "a2.hccsync")
    ctx = AppContext(b, Actor("Bob", "Duty Officer"))
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    qtbot.waitUntil(panel.is_loaded, timeout=5_000)
    (cv,) = conflicts.list_conflicts(b)
    button = panel.findChild(QPushButton, f"other_{cv.id[:8]}")
    assert button is not None
    before = dump_text(b)
    answers.append("lots")
    button.click()
    assert boxes == [("Conflict not resolved", "value: beds: expected a whole number; got 'lots'")]
    assert dump_text(b) == before and len(conflicts.list_conflicts(b)) == 1
    answers.append("25")
    button.click()
    assert conflicts.list_conflicts(b) == []
    with b.read() as s:
        from hcc_desktop.core import models as m

        assert s.get_one(m.Organization, org).beds == 25
