"""Rows changed by an imported package are marked in the members directory, the
resource tracker and the EEI grid until the operator marks each panel seen; local edits
are never marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from hcc_desktop.core import lifecycle
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.import_marks import FRESH_BG
from hcc_desktop.sync import exporter, importer, trust
from tests.conftest import FakeWall

PEER = Actor("Lee Park", "Region 2 Coordinator")


def _peer_edits(store: Store, scenario: Any, tmp: Path) -> Path:
    """A second station that got this store's state, changed one member, one request
    and one EEI value, and sent a package back."""
    peer_path = tmp / "peer.sqlite"
    with open_store(peer_path, station_name="Region 2 HCC", wall=FakeWall()) as peer:
        for a, b, name in ((store, peer, "main"), (peer, store, "peer")):
            key = tmp / f"{name}.hcckey"
            trust.export_key(a, key)
            trust.trust(b, key)
        exporter.export_package(store, tmp / "full.hccsync")
        importer.import_package(peer, tmp / "full.hccsync")
        peer.wall.advance(3600)
        organizations.update_organization(
            peer, actor=PEER, org_id=scenario.facilities[0], phone_24_7="860-555-0199"
        )
        open_request = next(
            r
            for r in requests.list_requests(peer, incident_id=scenario.incident_id)
            if lifecycle.allowed_next(r.status)
        )
        requests.set_status(
            peer,
            actor=PEER,
            request_id=open_request.id,
            status=lifecycle.allowed_next(open_request.status)[0],
        )
        eei.submit_reports(
            peer,
            actor=PEER,
            incident_id=scenario.incident_id,
            reports=[
                eei.FacilityReport(
                    scenario.facilities[1], scenario.periods, {"GENERATOR_FUEL_HOURS": 12}
                )
            ],
        )
        out = tmp / "back.hccsync"
        exporter.export_package(peer, out)
    return out


def test_imported_changes_are_marked_until_seen(
    qtbot: Any, main_window: Any, scenario: Any, tmp_path: Path
) -> None:
    store = main_window.ctx.store
    members = main_window.panels["membersDock"]
    tracker = main_window.panels["resourceTrackerDock"]
    grid = main_window.panels["eeiGridDock"]
    main_window.ctx.set_period(scenario.periods)
    qtbot.waitUntil(main_window.all_loaded, timeout=20_000)
    for panel in (members, tracker, grid):
        assert panel.marks.bar.isHidden(), "nothing imported yet"

    organizations.update_organization(
        store, actor=main_window.ctx.actor, org_id=scenario.facilities[2], notes="local edit"
    )
    package = _peer_edits(store, scenario, tmp_path)
    importer.import_package(store, package)
    qtbot.waitUntil(lambda: bool(members.marks.fresh and tracker.marks.fresh), timeout=10_000)
    qtbot.waitUntil(lambda: grid.is_loaded() and grid.marks.bar.isVisible(), timeout=20_000)

    assert members.marks.fresh == {scenario.facilities[0]}
    assert "1 member changed" in members.marks.bar.label.text()
    row = members.model.row_of(scenario.facilities[0])
    cell = members.model.index(row, 0)
    assert members.model.data(cell, Qt.ItemDataRole.BackgroundRole) == FRESH_BG
    local_row = members.model.row_of(scenario.facilities[2])
    assert (
        members.model.data(members.model.index(local_row, 0), Qt.ItemDataRole.BackgroundRole)
        != FRESH_BG
    )
    assert len(tracker.marks.fresh) == 1
    assert "1 report changed" in grid.marks.bar.label.text()

    members.marks.bar.button.click()
    assert members.marks.bar.isHidden()
    assert members.model.data(cell, Qt.ItemDataRole.BackgroundRole) != FRESH_BG
    assert tracker.marks.fresh, "marking one panel seen leaves the others marked"
