"""The server is a station to the field: it exports and imports signed packages like
any workstation and converges with SQLite stations under the same rules (SYNC.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents, log, organizations
from hcc_desktop.core.store import Store
from hcc_desktop.demo import seed_demo
from hcc_desktop.reports import eei_figures
from hcc_desktop.reports.briefing import build_briefing
from hcc_desktop.sync import exporter, importer, trust
from tests.conftest import FakeWall
from tests.pg.helpers import ACTOR, scalar


def _trust_all(stores: list[Store], folder: Path) -> None:
    for i, st in enumerate(stores):
        trust.export_key(st, folder / f"{i}.pub.json")
    for i, st in enumerate(stores):
        for j, _other in enumerate(stores):
            if i != j:
                trust.trust(st, folder / f"{j}.pub.json")


def _exchange(stores: list[Store], folder: Path, rounds: int = 2) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for r in range(rounds):
        for i, a in enumerate(stores):
            pkg = folder / f"all-{r}-{i}.hccsync"
            exporter.export_package(a, pkg)
            for b in stores:
                if b is not a:
                    importer.import_package(b, pkg)


def _conflicts(store: Store) -> int:
    return int(scalar(store, "SELECT count(*) FROM conflicts"))


def test_server_and_two_stations_converge_with_the_same_conflicts(
    open_seat: Callable[..., Store], tmp_path: Path
) -> None:
    server = open_seat(station_name="State EOC", wall=FakeWall())
    a = open_store(tmp_path / "a.sqlite", station_name="Region 1", wall=FakeWall())
    b = open_store(tmp_path / "b.sqlite", station_name="Region 2", wall=FakeWall())
    stores = [server, a, b]
    try:
        _trust_all(stores, tmp_path)
        org = organizations.add_organization(
            server, actor=ACTOR, name="Hartford Hospital", member_type="hospital", membership="core"
        )
        inc = incidents.create_incident(server, actor=ACTOR, name="Ice storm")
        _exchange(stores, tmp_path / "r1")
        # Concurrent edits of one field at all three: the same conflict everywhere.
        for st, phone in ((server, "860-555-0100"), (a, "860-555-0101"), (b, "860-555-0102")):
            st.wall.advance(5)  # type: ignore[attr-defined]
            organizations.update_organization(st, actor=ACTOR, org_id=org, phone=phone)
            log.add_entry(st, actor=ACTOR, incident_id=inc, text=f"{st.station_name} reports")
        _exchange(stores, tmp_path / "r2")
        dumps = {dump_text(st) for st in stores}
        assert len(dumps) == 1
        assert _conflicts(server) == _conflicts(a) == _conflicts(b) == 1
        assert len(log.list_entries(server, flt=log.LogFilter(incident_id=inc))) == 3
        # A second import of the same package is a no-op on the server too.
        again = importer.import_package(server, tmp_path / "r2" / "all-1-1.hccsync")
        assert again.new == 0
    finally:
        a.close()
        b.close()


def test_the_demo_seeded_on_the_server_reaches_a_station_whole(
    open_seat: Callable[..., Store], tmp_path: Path
) -> None:
    """Every service the demo uses (members, contacts, incidents, periods, log,
    requests, EEI reports, preparedness) writes on PostgreSQL; its package rebuilds the
    same data in a workstation's file."""
    server = open_seat(station_name="State EOC", wall=FakeWall())
    station = open_store(tmp_path / "s.sqlite", station_name="Region 1", wall=FakeWall())
    try:
        _trust_all([server, station], tmp_path)
        seed_demo(server, as_of=dt.date(2026, 11, 18))
        pkg = tmp_path / "demo.hccsync"
        exporter.export_package(server, pkg)
        report = importer.import_package(station, pkg)
        assert report.new > 1000
        assert dump_text(station) == dump_text(server)
        # Reports read the server as they read a file (the briefing's SQL included).
        inc = incidents.current_incident(server)
        assert inc is not None
        for period in (1, 2):
            firsts = eei_figures.first_reports(server, incident_id=inc.id, period=period)
            assert firsts == eei_figures.first_reports(station, incident_id=inc.id, period=period)
        assert firsts
        briefing = build_briefing(server, tmp_path / "briefing.pdf", incident_id=inc.id)
        assert (tmp_path / "briefing.pdf").read_bytes().startswith(b"%PDF") and briefing
        # And back: the station's full package brings nothing new to the server.
        exporter.export_package(station, tmp_path / "back.hccsync")
        assert importer.import_package(server, tmp_path / "back.hccsync").new == 0
    finally:
        station.close()
