"""The work behind the welcome dialog, Qt-free so the self-test and the tests can call
it: create the store (which creates the station's key pair), then fill it from the demo,
leave it empty, or join a coalition by importing the hub's full package. Or, at an
EOC seat, join the EOC server: nothing is created on this computer, the store is the
server's database (set up by the first seat that joins an empty one).

All or nothing: if seeding or joining fails, the new store, its key and its backup
folder are removed, so trying again starts from the same empty slate rather than from a
half-made station that would later sign packages under a key nobody trusts.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hcc_desktop.core import backups
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.station import key_path_for
from hcc_desktop.core.store import Store

#: (done, total) -> keep going; what the sync importer reports progress through.
Progress = Callable[[int, int], bool]


class Start(StrEnum):
    DEMO = "demo"
    EMPTY = "empty"
    JOIN = "join"
    SERVER = "server"


@dataclass(frozen=True)
class Plan:
    path: Path
    station: str
    actor: Actor
    start: Start
    hub_key: Path | None = None
    package: Path | None = None
    #: The EOC server's connection string (password included) for Start.SERVER.
    server: str | None = None


@dataclass(frozen=True)
class Outcome:
    store: Store
    #: One line for the status bar: what the new store holds.
    summary: str


def check(plan: Plan) -> None:
    """Refuse a plan that cannot work before anything is created (ValidationError)."""
    if plan.start is Start.SERVER:
        if not plan.actor.name.strip():
            raise ValidationError("operator", "enter your name: changes are recorded under it")
        if not (plan.server or "").strip():
            raise ValidationError("server", "give the EOC server's connection string")
        return
    if not plan.station.strip():
        raise ValidationError("station", "give this station a name, e.g. 'Region 2 HCC'")
    if not plan.actor.name.strip():
        raise ValidationError("operator", "enter your name: changes are recorded under it")
    if plan.path.exists():
        raise ValidationError("store", f"{plan.path} exists already; choose a new file")
    if plan.start is Start.JOIN:
        for field, value in (("hub key", plan.hub_key), ("package", plan.package)):
            if value is None or not Path(value).is_file():
                raise ValidationError(field, "choose the file the hub station gave you")


def remove_store(path: Path) -> None:
    """Delete a store made by a failed first start (with its key and backups)."""
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    key_path_for(path).unlink(missing_ok=True)
    folder = backups.backup_dir(path)
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


def create(plan: Plan, *, progress: Progress | None = None) -> Outcome:
    """Carry out the plan; returns the open store. Raises HccError (nothing left on disk)
    when the demo cannot be seeded or the hub's key or package is refused."""
    check(plan)
    if plan.start is Start.SERVER:
        return join_server(plan)
    store = open_store(plan.path, station_name=plan.station.strip())
    try:
        if plan.start is Start.DEMO:
            from hcc_desktop.demo import seed_demo

            seed_demo(store, as_of=dt.datetime.now().astimezone(), actor=plan.actor)
            summary = "Demo coalition loaded (Hurricane Calder exercise)"
        elif plan.start is Start.JOIN:
            from hcc_desktop.sync import importer, trust

            assert plan.hub_key is not None and plan.package is not None
            hub = trust.trust(store, Path(plan.hub_key))
            report = importer.import_package(store, Path(plan.package), progress=progress)
            summary = f"Joined {hub.name}: {report.summary()}"
        else:
            summary = "Empty store created"
    except BaseException:
        store.close()
        remove_store(plan.path)
        raise
    return Outcome(store, summary)


def join_server(plan: Plan) -> Outcome:
    """Open the EOC server named in the plan after testing the connection (a refusal
    is a ServerProblem saying why, and nothing anywhere has changed). The station name
    names the server station only when this seat is the first to join (an empty
    database); an existing server keeps its name."""
    from hcc_desktop.gui.startup.server_check import check_server

    assert plan.server is not None
    info = check_server(plan.server)
    name = (plan.station.strip() or None) if info.is_new else None
    store = open_store(plan.server, station_name=name)
    if info.is_new:
        summary = f"Set up the EOC server station {store.station_name!r} at {store.label}"
    else:
        summary = f"Joined the EOC server station {store.station_name!r} at {store.label}"
    return Outcome(store, summary)
