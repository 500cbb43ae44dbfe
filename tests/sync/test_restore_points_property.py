"""Restore points against full copies, over random histories: local edits, deletions,
log entries and undos at one station, imports of another's packages (some repeated,
some bringing conflicts) in between. Before each import both a full copy and a restore
point are taken; at the end every point, restored, must give exactly its copy (every
table, row for row, but the clock and the AUTOINCREMENT counters, which a point leaves
as they are), however much happened after it."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from helpers import Station, file_tables, station_from
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcc_desktop.core import backups
from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.undo import undo_last
from hcc_desktop.sync import exporter, importer

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")
NAMES = ("Windham Hospital", "Backus Hospital", "Day Kimball Hospital")

steps = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.sampled_from(("a", "b")), st.integers(0, 2),
                  st.sampled_from(("Putnam", "Norwich", "Windham", None))),
        st.tuples(st.just("log"), st.sampled_from(("a", "b")), st.integers(0, 3)),
        st.tuples(st.just("delete"), st.sampled_from(("a", "b")), st.integers(0, 2)),
        st.tuples(st.just("undo"), st.sampled_from(("a", "b"))),
        st.tuples(st.just("import"), st.booleans()),
    ),
    min_size=3,
    max_size=14,
)  # fmt: skip


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(history=steps)
def test_every_point_restores_exactly_its_copy(
    pool: dict[str, Path], ram_root: Path, history: list[tuple[object, ...]]
) -> None:
    work = Path(tempfile.mkdtemp(prefix="rp-", dir=ram_root))
    try:
        _run(pool, work, history)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(pool: dict[str, Path], work: Path, history: list[tuple[object, ...]]) -> None:
    a = station_from(pool["S0"], work / "a")
    b = station_from(pool["S1"], work / "b")
    stations = {"a": a, "b": b}
    try:
        ids = orgs.add_organizations(
            b.store,
            actor=ACTOR,
            members=[(None, {"name": n, "member_type": "hospital", "membership": "core"})
                     for n in NAMES],
        )  # fmt: skip
        incident = incidents.create_incident(
            b.store, actor=ACTOR, name="Ice storm", started_at="2026-01-01T00:00:00Z"
        )
        first = work / "first.hccsync"
        exporter.export_package(b.store, first)
        importer.import_package(a.store, first)
        pairs: list[tuple[Path, Path]] = []
        package: Path | None = None
        for n, step in enumerate(history):
            kind = step[0]
            for st_ in stations.values():
                st_.wall.advance(7)
            if kind != "import":
                # A refusal (a deleted member edited, nothing to undo) changes nothing.
                with contextlib.suppress(HccError):
                    _local(kind, step, n, stations, ids, incident)
            else:
                again = bool(step[1]) and package is not None
                if not again:
                    package = work / f"b-{n}.hccsync"
                    exporter.export_package(b.store, package)
                assert package is not None
                copy = backups.make_backup(a.store.engine, a.store.path, backups.MANUAL)
                way_back = backups.BeforeImport(a.store)
                report = importer.import_package(a.store, package, before_write=way_back)
                if report.already_imported:
                    assert way_back.made is None
                    copy.unlink()
                else:
                    assert way_back.made is not None
                    pairs.append((way_back.made, copy))
        a.close()
        for k, (point, copy) in enumerate(pairs):
            scratch = work / f"scratch-{k}" / a.path.name
            scratch.parent.mkdir()
            for side in ("", "-wal"):
                if Path(f"{a.path}{side}").exists():
                    shutil.copy2(f"{a.path}{side}", f"{scratch}{side}")
            backups.restore(scratch, point)
            assert file_tables(scratch) == file_tables(copy), f"point {k} of {len(pairs)}"
    finally:
        for st_ in stations.values():
            st_.close()


def _local(
    kind: object, step: tuple[object, ...], n: int, stations: dict[str, Station],
    ids: list[str], incident: str,
) -> None:  # fmt: skip
    """One local change at station a or b."""
    who = stations[str(step[1])]
    if kind == "edit":
        town = None if step[3] is None else str(step[3])
        orgs.update_organization(who.store, actor=ACTOR, org_id=ids[int(str(step[2]))], town=town)
    elif kind == "log":
        entries = [log.NewEntry(f"step {n} line {i}") for i in range(int(str(step[2])) + 1)]
        log.add_entries(who.store, actor=ACTOR, incident_id=incident, entries=entries)
    elif kind == "delete":
        orgs.delete_organization(who.store, actor=ACTOR, org_id=ids[int(str(step[2]))])
    elif kind == "undo":
        undo_last(who.store, actor=ACTOR)
