"""The command line on a server URL, and a seat whose connections the server drops
(a restart, a network blip): the next write reconnects, the listener comes back."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hcc_desktop import cli
from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.store import Store
from tests.pg.helpers import ACTOR, scalar
from tests.pg.test_live_updates import Ear


def test_the_command_line_works_on_a_server_url(
    server_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # the seat's own folder goes there
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    base = ["--store", server_url, "--operator", "Dana Reyes"]
    assert cli.main([*base, "init", "--station", "State EOC"]) == 0
    shown = capsys.readouterr().out
    # The store is named by the server (password hidden), not by the seat's own folder.
    assert "Store:       postgresql://hcc:***@" in shown and "State EOC" in shown
    assert cli.main([*base, "incidents", "create", "--type", "other", "Ice storm"]) == 0
    assert cli.main([*base, "check"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "hcc-test" not in out  # no password printed
    assert cli.main([*base, "export", str(tmp_path / "p.hccsync")]) == 0
    assert (tmp_path / "p.hccsync").stat().st_size > 0
    # HCC_STORE may name the server too.
    monkeypatch.setenv("HCC_STORE", server_url)
    assert cli.main(["incidents", "list"]) == 0
    assert "Ice storm" in capsys.readouterr().out
    # A seat cannot copy the server: refused with a reason, exit 1.
    assert cli.main([*base, "backup", str(tmp_path / "copy.sqlite")]) == 1
    assert "pg_dump" in capsys.readouterr().err


def test_unreachable_server_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(["--store", "postgresql://hcc:secret@127.0.0.1:9/none", "check"])
    err = capsys.readouterr().err
    assert code != 0 and "cannot reach the EOC server" in err
    assert "secret" not in err and "Traceback" not in err


def _drop_connections(store: Store, other: Store) -> int:
    """Terminate every server connection of `store`'s database except `other`'s
    current one (as a server restart or a network blip would)."""
    with other.engine.connect() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).scalar_one()
        )


def test_a_seat_reconnects_after_the_server_drops_it(open_seat: Callable[..., Store]) -> None:
    seat = open_seat(live=True)
    admin = open_seat()
    ear = Ear()
    seat.listeners.append(ear)
    inc = incidents.create_incident(seat, actor=ACTOR, name="Ice storm")
    log.add_entry(seat, actor=ACTOR, incident_id=inc, text="before")
    assert _drop_connections(seat, admin) >= 1
    # The pool's connection is dead; the pre-ping replaces it, the write goes through.
    log.add_entry(seat, actor=ACTOR, incident_id=inc, text="after")
    assert len(log.list_entries(seat, flt=log.LogFilter(incident_id=inc))) == 2
    # The listener reconnects by itself and hears the other seats again.
    assert seat._listener is not None
    deadline = time.monotonic() + 10
    heard = None
    while time.monotonic() < deadline:
        if seat._listener.connected.is_set():
            rid = log.add_entry(admin, actor=ACTOR, incident_id=inc, text="from another seat")
            try:
                ear.wait_for("log_entry", {rid}, seconds=1.5)
                heard = rid
                break
            except AssertionError:
                continue
        time.sleep(0.1)
    assert heard is not None
    assert scalar(seat, "SELECT count(*) FROM log_entries") >= 3
