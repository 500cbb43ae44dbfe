"""A GUI seat on an EOC server (PostgreSQL, `HCC_TEST_PG`; skipped as tests/pg are when
no server answers, a failure when one is required): joining from the first-start
dialog refuses a bad connection string with a reason and changes nothing; the main
window opens on the server and shows another seat's log entry within seconds; a lost
server shows in the status bar, a write meanwhile ends in a dialog with the typed text
kept, and the notice goes once the server is back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy.engine import Engine, make_url

from hcc_desktop.core import models as m
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import SERVER_LOST_TITLE
from hcc_desktop.gui.panels.incident_log import IncidentLogPanel
from hcc_desktop.gui.settings import app_settings, set_application_names
from hcc_desktop.gui.startup import session
from hcc_desktop.gui.startup.first_start import Start
from hcc_desktop.gui.startup.welcome import WelcomeDialog
from hcc_desktop.gui.status_bar import SERVER_DOWN
from tests.gui.conftest import close_window, open_window
from tests.pg.conftest import (  # noqa: F401  (fixtures)
    new_database,
    pg_admin,
    pg_template,
    pg_url,
    server_url,
)

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")
SEAT_B = Actor("Sam Ortiz", "Logistics Section Chief")


@pytest.fixture(autouse=True)
def _names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_application_names()
    # A seat's own folder for a server (pg.local_dir_for) under the test's, not the
    # user's data folder.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _with(url: str, **parts: Any) -> str:
    # URL.set() ignores None (it would keep the password): _replace sets it outright.
    return make_url(url)._replace(**parts).render_as_string(hide_password=False)


def _fill_server(dialog: WelcomeDialog, url: str, password: str = "") -> None:
    dialog.name.setText("Dana Reyes")
    dialog.position.setCurrentText("Duty Officer")
    dialog.server.setChecked(True)
    dialog.server_url.setText(url)
    dialog.server_password.setText(password)


# ---------------------------------------------------------------- joining


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"password": "not-the-password"}, "refused the password"),
        ({"port": 1}, "cannot be reached"),
        ({"database": "no_such_hcc_db"}, "has no database 'no_such_hcc_db'"),
    ],
)
def test_join_with_a_bad_connection_says_why_and_changes_nothing(
    qtbot: Any,
    tmp_path: Path,
    server_url: str,  # noqa: F811
    change: dict[str, Any],
    said: str,
) -> None:
    store_file = tmp_path / "store.sqlite"
    dialog = WelcomeDialog(store_file)
    qtbot.addWidget(dialog)
    _fill_server(dialog, _with(server_url, **change))
    dialog.start_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.outcome is None
    assert not dialog.server_result.isHidden()
    message = dialog.server_result.text()
    assert said in message, message
    assert "hcc-test" not in message  # the password is never shown
    assert not store_file.exists()
    assert app_settings().value(session.STORE_KEY) is None
    # The test button says the same without trying to open anything.
    dialog.server_result.hide()
    assert dialog.test_server() is False
    assert said in dialog.server_result.text()


def test_join_an_empty_server_sets_it_up_and_remembers_it_without_the_password(
    qtbot: Any,
    tmp_path: Path,
    server_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    password = make_url(server_url).password or ""
    bare = _with(server_url, password=None)
    shown: list[WelcomeDialog] = []

    def run_welcome(self: WelcomeDialog) -> int:
        shown.append(self)
        _fill_server(self, bare, password)
        self.station.setText("State EOC")
        self.start_button.click()
        return int(self.result())

    monkeypatch.setattr(WelcomeDialog, "exec", run_welcome)
    settings = app_settings()
    opened = session.open_store(tmp_path / "missing.sqlite", settings)
    assert opened is not None and shown
    try:
        assert opened.store.is_server
        assert opened.store.station_name == "State EOC"
        assert opened.lock is None
        assert opened.actor == Actor("Dana Reyes", "Duty Officer")
        assert "Set up the EOC server station 'State EOC'" in opened.message
        kept = str(settings.value(session.STORE_KEY))
        assert kept == bare  # no password in the settings
        assert not (tmp_path / "missing.sqlite").exists()
    finally:
        opened.close()

    # The next start asks for the password it did not keep, and opens the server.
    asked: list[str] = []
    monkeypatch.setattr(
        session, "ask_password", lambda _p, url, refused=False: asked.append(url) or password
    )
    where = session.preferred_store(session.default_store_path(), settings)
    again = session.open_store(where, settings)
    assert again is not None
    try:
        assert asked and "hcc-test" not in asked[0]
        assert again.store.station_name == "State EOC"
    finally:
        again.close()


def test_joining_an_existing_server_keeps_its_station_name(
    qtbot: Any,
    tmp_path: Path,
    server_url: str,  # noqa: F811
) -> None:
    with open_store(server_url, station_name="State EOC", local_dir=tmp_path / "a"):
        pass
    dialog = WelcomeDialog(tmp_path / "store.sqlite")
    qtbot.addWidget(dialog)
    _fill_server(dialog, server_url)
    dialog.station.setText("Seat 4")
    assert dialog.choice() is Start.SERVER
    assert dialog.test_server()
    assert "'State EOC'" in dialog.server_result.text()
    dialog.start_button.click()
    assert dialog.outcome is not None
    try:
        assert dialog.outcome.store.station_name == "State EOC"
    finally:
        dialog.outcome.store.close()


def test_preferences_switch_to_a_server_keep_the_password_only_when_asked(
    qtbot: Any,
    tmp_path: Path,
    server_url: str,  # noqa: F811
) -> None:
    from hcc_desktop.gui.dialogs.preferences import PreferencesDialog

    password = make_url(server_url).password or ""
    bare = _with(server_url, password=None)
    with open_store(tmp_path / "file.sqlite") as store:
        dialog = PreferencesDialog(store)
        qtbot.addWidget(dialog)
        assert str(tmp_path / "file.sqlite") in dialog.in_use.text()
        dialog.use_server.setChecked(True)
        dialog.server_edit.setText(bare)
        dialog.server_password.setText("wrong")
        assert dialog.test_server() is False
        assert "refused the password" in dialog.server_result.text()
        dialog.server_password.setText(password)
        assert dialog.test_server() is True
        dialog.save()
        assert app_settings().value(session.STORE_KEY) == bare
        dialog.remember_password.setChecked(True)
        dialog.save()
        assert app_settings().value(session.STORE_KEY) == server_url


# ---------------------------------------------------------------- the window


@pytest.fixture
def seats(server_url: str, tmp_path: Path) -> Iterator[Callable[[], Store]]:  # noqa: F811
    opened: list[Store] = []

    def seat() -> Store:
        store = open_store(server_url, local_dir=tmp_path / f"seat-{len(opened)}")
        opened.append(store)
        return store

    yield seat
    for s in opened:
        s.close()


@pytest.fixture
def server_window(qtbot: Any, seats: Callable[[], Store]) -> Iterator[tuple[Any, Store, str]]:
    """A main window on a server seat (an incident open), and the incident's id."""
    store = seats()
    incident = incidents.create_incident(store, actor=ACTOR, name="Ice storm")
    ctx = AppContext(store, ACTOR)
    window = open_window(qtbot, ctx, restore_layout=False)
    yield window, store, incident
    close_window(window)
    ctx.detach()


def test_main_window_on_a_server_names_it_without_the_password(
    server_window: tuple[Any, Store, str],
    server_url: str,  # noqa: F811
) -> None:
    window, store, _incident = server_window
    password = make_url(server_url).password or ""
    label = store.label
    assert label in window.windowTitle() and "EOC server" in window.windowTitle()
    assert window.status.store.full_text() == f"Server: {label}"
    for text in (window.windowTitle(), window.status.store.full_text()):
        assert password not in text
    assert window.status.server.isHidden()
    assert window.ctx.server_up


def test_another_seats_log_entry_reaches_the_log_panel(
    qtbot: Any, server_window: tuple[Any, Store, str], seats: Callable[[], Store]
) -> None:
    window, _store, incident = server_window
    panel = window.panel(IncidentLogPanel)
    assert panel is not None and window.ctx.incident_id == incident
    other = seats()  # another seat, e.g. the logistics desk across the room
    entry = log.add_entry(other, actor=SEAT_B, incident_id=incident, text="Generator 2 refuelled")
    qtbot.waitUntil(lambda: panel.model.row_of(entry) >= 0, timeout=5000)


def _terminate(admin: Engine, database: str) -> None:
    with admin.connect() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )


@contextmanager
def _server_refuses(admin: Engine, url: str) -> Iterator[None]:
    """The server refuses this seat (no new connections to its database) and drops the
    ones it has (the listener's and the pool's) until the block ends."""
    database = make_url(url).database or ""
    with admin.connect() as conn:
        conn.exec_driver_sql(f"ALTER DATABASE {database} CONNECTION LIMIT 0")
    try:
        _terminate(admin, database)
        yield
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"ALTER DATABASE {database} CONNECTION LIMIT -1")


def test_lost_server_shows_in_the_status_bar_and_a_write_keeps_the_typed_text(
    qtbot: Any,
    server_window: tuple[Any, Store, str],
    server_url: str,  # noqa: F811
    pg_admin: Engine,  # noqa: F811
    boxes: list[tuple[str, str]],
) -> None:
    from hcc_desktop.gui.dialogs.incident_dialog import IncidentDialog

    window, store, _incident = server_window
    with _server_refuses(pg_admin, server_url):
        qtbot.waitUntil(lambda: not window.status.server.isHidden(), timeout=5000)
        assert window.status.server.text() == SERVER_DOWN
        assert not window.ctx.server_up

        panel = window.panel(IncidentLogPanel)
        panel.entry.line.setText("Shelter at Hartford HS at capacity")
        panel.entry.submit()
        assert boxes and boxes[-1][0] == SERVER_LOST_TITLE
        assert "cannot be reached" in boxes[-1][1] and "still here" in boxes[-1][1]
        assert panel.entry.line.text() == "Shelter at Hartford HS at capacity"

        dialog = IncidentDialog(store, ACTOR, window)
        qtbot.addWidget(dialog)
        dialog.name.setText("Water main break")
        dialog.save()
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert dialog.name.text() == "Water main break"
        assert boxes[-1][0] == SERVER_LOST_TITLE

    # Back: the notice goes, and the line saves as typed.
    qtbot.waitUntil(lambda: window.status.server.isHidden(), timeout=10_000)
    assert window.ctx.server_up
    panel.entry.submit()
    assert panel.entry.line.text() == ""
    with store.read() as s:
        texts = [e.text for e in s.query(m.LogEntry).all()]
    assert "Shelter at Hartford HS at capacity" in texts


# ---------------------------------------------------------------- start-up


def test_start_on_an_unreachable_server_offers_try_again_and_quits_cleanly(
    tmp_path: Path,
    server_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hcc_desktop.gui.startup import dialogs
    from hcc_desktop.gui.startup.probe import Kind

    asked: list[Any] = []

    def ask(problem: Any, _parent: Any = None) -> dialogs.Action:
        asked.append(problem)
        return dialogs.Action.QUIT

    monkeypatch.setattr(dialogs, "ask_bad_store", ask)
    password = make_url(server_url).password or ""
    dead = _with(server_url, port=1)
    assert session.open_store(dead, app_settings()) is None
    (problem,) = asked
    assert problem.kind is Kind.SERVER
    assert "cannot be reached" in problem.detail and password not in problem.detail
    dialog = dialogs.BadStoreDialog(problem)
    assert dialogs.Action.RETRY in dialog.buttons and password not in dialog.text
    assert not list(tmp_path.glob("*.lock"))


def test_backups_on_a_server_seat_are_the_administrators(
    qtbot: Any, server_window: tuple[Any, Store, str], boxes: list[tuple[str, str]]
) -> None:
    window, _store, _incident = server_window
    assert session.backup_now(window, window.ctx) is None
    assert session.restore_backup(window, window.ctx) is False
    assert [t for t, _ in boxes] == ["Back up now", "Restore from a backup"]
    assert all("pg_dump" in text for _, text in boxes)


def test_screenshot_of_a_server_store(
    qtbot: Any,
    tmp_path: Path,
    server_url: str,  # noqa: F811
) -> None:
    from hcc_desktop.gui import app

    with open_store(server_url, station_name="State EOC", local_dir=tmp_path / "a") as store:
        incidents.create_incident(store, actor=ACTOR, name="Ice storm")
    out = tmp_path / "server.png"
    assert app.run(server_url, screenshot=out, size=(1280, 800)) == 0
    assert out.stat().st_size > 10_000


def test_preferences_on_a_server_seat_started_with_a_password_do_not_remember_it(
    qtbot: Any,
    server_window: tuple[Any, Store, str],
    server_url: str,  # noqa: F811
) -> None:
    from hcc_desktop.gui.dialogs.preferences import PreferencesDialog

    window, store, _incident = server_window
    dialog = PreferencesDialog(store, app_settings(), window, store_path=server_url)
    qtbot.addWidget(dialog)
    assert dialog.use_server.isChecked()
    assert dialog.in_use.text() == f"EOC server {store.label}"
    assert not dialog.remember_password.isChecked() and not dialog.server_password.text()
    assert not dialog.keep_days.isEnabled()
    dialog.save()
    assert app_settings().value(session.STORE_KEY) == _with(server_url, password=None)


def test_a_write_after_the_server_dropped_the_seats_connections_saves_without_a_dialog(
    qtbot: Any,
    server_window: tuple[Any, Store, str],
    server_url: str,  # noqa: F811
    pg_admin: Engine,  # noqa: F811
    boxes: list[tuple[str, str]],
) -> None:
    window, store, _incident = server_window
    _terminate(pg_admin, make_url(server_url).database or "")  # e.g. a server restart
    panel = window.panel(IncidentLogPanel)
    panel.entry.line.setText("Radio check with Region 3 complete")
    panel.entry.submit()
    assert boxes == []
    assert panel.entry.line.text() == ""
    with store.read() as s:
        assert s.query(m.LogEntry).filter_by(text="Radio check with Region 3 complete").count() == 1
    # The listener noticed and came back by itself; the notice, if shown, is gone.
    qtbot.waitUntil(
        lambda: window.status.server.isHidden() and window.ctx.server_up, timeout=10_000
    )


def test_switching_incident_while_the_server_is_lost_says_why_and_stays(
    qtbot: Any,
    server_window: tuple[Any, Store, str],
    server_url: str,  # noqa: F811
    pg_admin: Engine,  # noqa: F811
    boxes: list[tuple[str, str]],
) -> None:
    """Choosing another incident in the toolbar reads its periods and makes it the
    station's current one. With the server gone the window stays on the incident it
    shows and the status bar says why: no dialog, no 'unexpected error'; once the
    server is back the switch works."""
    window, store, first = server_window
    second = incidents.create_incident(store, actor=ACTOR, name="Water main break")
    window.switchers.refresh_incidents()
    said: list[str] = []
    window.ctx.message.connect(said.append)
    with _server_refuses(pg_admin, server_url):
        qtbot.waitUntil(lambda: not window.ctx.server_up, timeout=5000)
        window.switchers.select_incident(second)
        assert window.ctx.incident_id == first
        assert window.switchers.incident.currentData() == first
        assert any(s.startswith("Not switched") for s in said), said
        assert boxes == []
    qtbot.waitUntil(lambda: window.ctx.server_up, timeout=10_000)
    window.switchers.select_incident(second)
    assert window.ctx.incident_id == second
    current = incidents.current_incident(store)
    assert current is not None and current.id == second
