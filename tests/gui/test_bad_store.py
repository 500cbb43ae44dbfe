"""A store that cannot be used as it is gets a dialog saying what happened and offering
the ways out that fit (read-only copy, restore, another store), never a traceback; an
unexpected error is logged and shown with the log file's path."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from sqlalchemy.exc import OperationalError

from hcc_desktop import logs
from hcc_desktop.core import backups
from hcc_desktop.core.opening import open_store
from hcc_desktop.gui import app as gui_app
from hcc_desktop.gui.settings import app_settings, set_application_names
from hcc_desktop.gui.startup import dialogs, probe, session
from hcc_desktop.gui.startup.dialogs import Action, BadStoreDialog, RestoreDialog
from hcc_desktop.gui.startup.probe import Kind
from tests.conftest import copy_store
from tests.store_faults import damage_pages


class Shown:
    """The bad-store dialogs shown, answered from a queue of actions."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kinds: list[Kind] = []
        self.texts: list[str] = []
        self.offered: list[tuple[Action, ...]] = []
        self.answers: list[Action] = []

        def exec_(dialog: BadStoreDialog) -> int:
            self.kinds.append(dialog.problem.kind)
            self.texts.append(dialog.text)
            self.offered.append(dialog.actions_offered)
            action = self.answers.pop(0) if self.answers else Action.QUIT
            assert action in dialog.actions_offered, f"{action} not offered"
            dialog.buttons[action].click()
            return int(dialog.result())

        monkeypatch.setattr(BadStoreDialog, "exec", exec_)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Shown:
    set_application_names()
    return Shown(monkeypatch)


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    return copy_store(template_store, tmp_path / "eoc.sqlite")


@pytest.fixture
def restore_newest(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """RestoreDialog accepts its first (newest) backup; records how many it listed."""
    listed: list[int] = []

    def exec_(dialog: RestoreDialog) -> int:
        listed.append(len(dialog.items))
        dialog.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(RestoreDialog, "exec", exec_)
    return listed


def _open(path: Path) -> session.Session | None:
    return session.open_store(path, app_settings())


def test_a_sound_store_opens_without_a_dialog(qtbot: Any, shown: Shown, store_path: Path) -> None:
    s = _open(store_path)
    assert s is not None and not s.read_only and shown.kinds == []
    try:
        assert Path(f"{store_path}.lock").exists()
        # The day's copy is the window's to make, once it is up (test_integrity_check).
        assert backups.list_backups(store_path) == []
    finally:
        s.close()
    assert not Path(f"{store_path}.lock").exists()


def test_locked_by_another_copy_offers_a_read_only_copy(
    qtbot: Any, shown: Shown, store_path: Path
) -> None:
    other = QLockFile(f"{store_path}.lock")
    assert other.tryLock(0)
    shown.answers = [Action.READ_ONLY]
    try:
        s = _open(store_path)
    finally:
        other.unlock()
    assert shown.kinds == [Kind.LOCKED]
    assert "Another copy of hcc-desktop is using this store" in shown.texts[0]
    assert "process" in shown.texts[0]
    assert s is not None and s.read_only and s.path == store_path
    try:
        assert s.store.path != store_path  # a private copy
        with pytest.raises(OperationalError, match=r"readonly|query_only|read-only"):
            s.store.set_setting("x", "y")
    finally:
        s.close()
    assert s.temp_dir is None


def test_locked_then_try_again_after_the_other_copy_closed(
    qtbot: Any, shown: Shown, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = QLockFile(f"{store_path}.lock")
    assert other.tryLock(0)

    def release_then_retry(dialog: BadStoreDialog) -> int:
        shown.kinds.append(dialog.problem.kind)
        other.unlock()
        dialog.buttons[Action.RETRY].click()
        return 1

    monkeypatch.setattr(BadStoreDialog, "exec", release_then_retry)
    s = _open(store_path)
    assert shown.kinds == [Kind.LOCKED]
    assert s is not None and not s.read_only
    s.close()


def test_read_only_store(
    qtbot: Any, shown: Shown, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(probe, "writable", lambda _p: False)
    shown.answers = [Action.READ_ONLY]
    s = _open(store_path)
    assert shown.kinds == [Kind.READ_ONLY]
    assert "cannot be changed" in shown.texts[0] and "write access" in shown.texts[0]
    assert s is not None and s.read_only
    s.close()


def test_corrupt_store_restores_the_newest_backup(
    qtbot: Any, shown: Shown, store_path: Path, restore_newest: list[int]
) -> None:
    with open_store(store_path) as s:
        backups.make_backup(s.engine, s.path, backups.DAILY)
    damage_pages(store_path)
    shown.answers = [Action.RESTORE]
    opened = _open(store_path)
    assert shown.kinds == [Kind.CORRUPT]
    assert "integrity check" in shown.texts[0] and "Restore" in shown.texts[0]
    assert restore_newest == [1]
    assert opened is not None and not opened.read_only
    opened.close()
    reasons = [b.reason for b in backups.list_backups(store_path)]
    assert "before-restore" in reasons  # the damaged file is kept


def test_newer_store_offers_another_store(
    qtbot: Any,
    shown: Shown,
    store_path: Path,
    template_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff00000000'")
    conn.commit()
    conn.close()
    other = copy_store(template_store, tmp_path / "other.sqlite")
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(other), ""))
    )
    shown.answers = [Action.CHOOSE]
    s = _open(store_path)
    assert shown.kinds == [Kind.NEWER]
    assert "newer version" in shown.texts[0] and "ffff00000000" in shown.texts[0]
    assert Action.READ_ONLY not in shown.offered[0]
    assert s is not None and s.path == other
    s.close()
    assert app_settings().value(session.STORE_KEY) == str(other)


@pytest.mark.parametrize(
    ("make", "kind", "words"),
    [
        (lambda p: p.write_text("hello, not a database\n" * 40), Kind.NOT_STORE, "not an"),
        (lambda p: Path(f"{p}.key").unlink(), Kind.KEY_MISSING, "station key"),
    ],
)
def test_other_bad_files_quit_cleanly(
    qtbot: Any, shown: Shown, store_path: Path, make: Any, kind: Kind, words: str
) -> None:
    make(store_path)
    assert _open(store_path) is None  # the default answer is Quit
    assert shown.kinds == [kind]
    assert words in shown.texts[0]


def test_run_on_a_damaged_store_shows_the_dialog_and_no_traceback(
    qtbot: Any,
    shown: Shown,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    damage_pages(store_path)
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0  # the operator chose Quit
    assert shown.kinds == [Kind.CORRUPT]
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out


def test_unexpected_error_is_logged_and_shown_with_the_log_path(
    qtbot: Any, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setenv(gui_app.OPERATOR_ENV, "Dana Reyes")
    shown_errors: list[tuple[str, Path]] = []
    monkeypatch.setattr(
        dialogs, "show_error", lambda s, p, parent=None: shown_errors.append((s, p))
    )

    def broken(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("the panel factory fell over")

    monkeypatch.setattr("hcc_desktop.gui.main_window.MainWindow", broken)
    assert gui_app.run(store_path, ["hcc-desktop"]) == 1
    assert shown_errors and "the panel factory fell over" in shown_errors[0][0]
    log_file = shown_errors[0][1]
    assert log_file == tmp_path / "logs" / logs.LOG_FILE
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "the panel factory fell over" in text
    assert not Path(f"{store_path}.lock").exists()  # released on the way out


def test_show_error_names_the_log_file(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def exec_(box: QMessageBox) -> int:
        seen.append(box.text() + "\n" + box.informativeText())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    dialogs.show_error("KeyError: 'x'", Path("/somewhere/hcc-desktop.log"))
    assert "KeyError: 'x'" in seen[0] and "/somewhere/hcc-desktop.log" in seen[0]


def test_restore_from_the_running_window_reopens_the_store(
    qtbot: Any,
    shown: Shown,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    restore_newest: list[int],
) -> None:
    """File → Restore from backup closes the window, restores and opens the store again,
    in the same process and for the same operator."""
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setenv(gui_app.OPERATOR_ENV, "Dana Reyes")
    with open_store(store_path) as s:
        backups.make_backup(s.engine, s.path, backups.MANUAL)
    runs: list[str] = []

    def exec_() -> int:
        current = session.current
        assert current is not None
        runs.append(str(current.store.path))
        if len(runs) == 1:
            assert session.restore_backup(None, None) is True
            return session.RESTART_EXIT
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(exec_))
    left: list[int] = []
    monkeypatch.setattr(session, "leave_event_loop", left.append)
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0
    assert left == [session.RESTART_EXIT]
    assert runs == [str(store_path), str(store_path)]
    reasons = [b.reason for b in backups.list_backups(store_path)]
    assert "before-restore" in reasons and shown.kinds == []


def test_restore_a_restore_point_from_the_running_window(
    qtbot: Any,
    shown: Shown,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    restore_newest: list[int],
) -> None:
    """A restore point chosen in File → Restore from backup: the window closes, the
    store is rewound to the point (what was made after it is gone, what came before
    stays) and opened again; the status bar says what was restored."""
    from hcc_desktop.core.services.common import Actor
    from hcc_desktop.core.services.incidents import create_incident, list_incidents

    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setenv(gui_app.OPERATOR_ENV, "Dana Reyes")
    actor = Actor("Dana Reyes", "Duty Officer")
    with open_store(store_path) as s:
        create_incident(s, actor=actor, name="Before the point")
        point = backups.make_point(s.path)
        create_incident(s, actor=actor, name="After the point")
    seen: list[list[str]] = []

    def exec_() -> int:
        current = session.current
        assert current is not None
        seen.append(sorted(i.name for i in list_incidents(current.store)))
        if len(seen) == 1:
            assert session.restore_backup(None, None) is True
            return session.RESTART_EXIT
        assert point.name in (current.message or "")
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(exec_))
    monkeypatch.setattr(session, "leave_event_loop", lambda _code: None)
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0
    assert seen == [["After the point", "Before the point"], ["Before the point"]]
    assert restore_newest == [1] and shown.kinds == []


def test_a_cancelled_restore_reopens_the_store_unchanged_and_says_so(
    qtbot: Any,
    shown: Shown,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    restore_newest: list[int],
) -> None:
    """Cancel on the Restoring dialog (here: the operator's cancel already asked for when
    the restore starts): the window opens again on the store as it was, and the status
    bar says the restore was cancelled; no before-restore copy is made."""
    from hcc_desktop.core.services.common import Actor
    from hcc_desktop.core.services.incidents import create_incident, list_incidents
    from hcc_desktop.gui.startup import busy

    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setenv(gui_app.OPERATOR_ENV, "Dana Reyes")
    actor = Actor("Dana Reyes", "Duty Officer")
    with open_store(store_path) as s:
        create_incident(s, actor=actor, name="Before the point")
        backups.make_point(s.path)
        create_incident(s, actor=actor, name="After the point")
    real = busy.run_with_busy_dialog

    def cancelled_at_once(title: str, label: str, work: Any, *, cancel: str | None = None) -> Any:
        assert cancel == "Cancel"  # the restore offers the button
        return real(title, label, lambda _stop: work(lambda: True), cancel=cancel)

    monkeypatch.setattr(busy, "run_with_busy_dialog", cancelled_at_once)
    seen: list[list[str]] = []
    messages: list[str | None] = []

    def exec_() -> int:
        current = session.current
        assert current is not None
        seen.append(sorted(i.name for i in list_incidents(current.store)))
        messages.append(current.message)
        if len(seen) == 1:
            assert session.restore_backup(None, None) is True
            return session.RESTART_EXIT
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(exec_))
    monkeypatch.setattr(session, "leave_event_loop", lambda _code: None)
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0
    both = ["After the point", "Before the point"]
    assert seen == [both, both]
    assert messages[1] == session.RESTORE_CANCELLED
    assert restore_newest == [1] and shown.kinds == []
    assert not any(b.reason == backups.BEFORE_RESTORE for b in backups.list_backups(store_path))
    # The Restoring dialog of that quick restore does not pop up afterwards (its delayed
    # show once outlived it and came up empty over the reopened window).
    until = time.monotonic() + (busy.SHOW_AFTER_MS + 300) / 1000
    while time.monotonic() < until:
        QApplication.processEvents()
        time.sleep(0.01)
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() == "busyDialog"
                and w.isVisible()]  # fmt: skip
