"""The first start: with no store, the welcome dialog names the station (creating its
key), signs the operator in and starts with the demo, empty, or joined from the hub's
package; a failed join leaves nothing behind. And the preferences dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from hcc_desktop.core import backups
from hcc_desktop.core import models as m
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui import app as gui_app
from hcc_desktop.gui.dialogs.preferences import (
    ZONE_KEY,
    PreferencesDialog,
    display_zone,
)
from hcc_desktop.gui.reports.output import default_paper
from hcc_desktop.gui.settings import app_settings, remembered_operators, set_application_names
from hcc_desktop.gui.startup import session
from hcc_desktop.gui.startup.first_start import Start
from hcc_desktop.gui.startup.welcome import WelcomeDialog
from hcc_desktop.sync import exporter, trust
from hcc_desktop.sync.folder import FOLDER_SETTING, INTERVAL_SETTING
from tests.conftest import copy_store


@pytest.fixture(autouse=True)
def _names() -> None:
    set_application_names()


def _fill(dialog: WelcomeDialog, start: Start, **files: Path) -> None:
    dialog.station.setText("Region 2 HCC")
    dialog.name.setText("Dana Reyes")
    dialog.position.setCurrentText("Duty Officer")
    {Start.DEMO: dialog.demo, Start.EMPTY: dialog.empty, Start.JOIN: dialog.join}[start].setChecked(
        True
    )
    if "key" in files:
        dialog.hub_key.setText(str(files["key"]))
    if "package" in files:
        dialog.package.setText(str(files["package"]))


def _count(store: Store, model: Any) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture(scope="module")
def hub(template_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """A hub station's key file and full package (of the demo coalition), made once."""
    import datetime as dt

    from hcc_desktop.demo import seed_demo

    tmp_path = tmp_path_factory.mktemp("hub")
    path = copy_store(template_store, tmp_path / "hub.sqlite")
    with open_store(path, station_name="State EOC hub") as s:
        seed_demo(s, as_of=dt.date(2026, 11, 20))
        trust.export_key(s, tmp_path / "hub.hcckey")
        result = exporter.export_package(s, tmp_path / "hub.hccsync")
    return tmp_path / "hub.hcckey", result.path, result.versions


def test_start_empty_names_the_station_and_makes_its_key(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "new" / "store.sqlite"
    dialog = WelcomeDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.choice() is Start.EMPTY and not dialog.join_box.isEnabled()
    _fill(dialog, Start.EMPTY)
    dialog.start_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.outcome is not None
    store = dialog.outcome.store
    try:
        assert store.station_name == "Region 2 HCC"
        assert Path(f"{path}.key").exists()
        assert _count(store, m.Organization) == 0
        assert dialog.actor() == Actor("Dana Reyes", "Duty Officer")
    finally:
        store.close()


def test_start_with_the_demo(qtbot: Any, tmp_path: Path) -> None:
    dialog = WelcomeDialog(tmp_path / "store.sqlite")
    qtbot.addWidget(dialog)
    _fill(dialog, Start.DEMO)
    dialog.start_button.click()
    assert dialog.outcome is not None
    with dialog.outcome.store as store:
        assert _count(store, m.Organization) > 100
        assert "Demo" in dialog.outcome.summary


def test_join_from_the_hubs_package(
    qtbot: Any, tmp_path: Path, hub: tuple[Path, Path, int]
) -> None:
    key, package, versions = hub
    dialog = WelcomeDialog(tmp_path / "joined.sqlite")
    qtbot.addWidget(dialog)
    _fill(dialog, Start.JOIN, key=key, package=package)
    assert dialog.join_box.isEnabled()
    dialog.start_button.click()
    assert dialog.outcome is not None, dialog.error.text()
    with dialog.outcome.store as store:
        assert _count(store, m.Organization) > 100
        stations = {st.name: st for st in trust.list_stations(store)}
        assert stations["State EOC hub"].trusted
        assert store.station_name == "Region 2 HCC"
        assert "Joined State EOC hub" in dialog.outcome.summary
        assert f"{versions} new" in dialog.outcome.summary


def test_a_refused_join_leaves_nothing_behind(
    qtbot: Any, tmp_path: Path, hub: tuple[Path, Path, int]
) -> None:
    key, _package, _versions = hub
    bogus = tmp_path / "bogus.hccsync"
    bogus.write_bytes(b"PK\x03\x04 not really a package")
    path = tmp_path / "joined.sqlite"
    dialog = WelcomeDialog(path)
    qtbot.addWidget(dialog)
    _fill(dialog, Start.JOIN, key=key, package=bogus)
    dialog.start_button.click()
    assert dialog.outcome is None and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text()
    assert not path.exists() and not Path(f"{path}.key").exists()
    assert not backups.backup_dir(path).exists()


@pytest.mark.parametrize(
    ("field", "expected"),
    [("station", "station"), ("name", "operator"), ("package", "hub key")],
)
def test_missing_answers_are_named(qtbot: Any, tmp_path: Path, field: str, expected: str) -> None:
    path = tmp_path / "store.sqlite"
    dialog = WelcomeDialog(path)
    qtbot.addWidget(dialog)
    _fill(dialog, Start.JOIN if field == "package" else Start.EMPTY)
    if field == "station":
        dialog.station.setText("  ")
    elif field == "name":
        dialog.name.setText("")
    dialog.start_button.click()
    assert dialog.outcome is None
    if field == "station":  # said beside the field (issue 17)
        assert dialog.station_error.text().startswith("Give this station a name")
    else:
        assert dialog.error.text().startswith(expected)
    assert not path.exists()


def test_run_with_no_store_shows_the_welcome_then_the_window(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole first start through app.run: welcome → window, operator remembered,
    no operator dialog in between."""
    monkeypatch.setenv("HCC_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.delenv(gui_app.OPERATOR_ENV, raising=False)
    path = tmp_path / "first.sqlite"
    welcomed: list[Path] = []

    def exec_(dialog: WelcomeDialog) -> int:
        welcomed.append(dialog.store_path)
        _fill(dialog, Start.EMPTY)
        dialog.start_button.click()
        return int(dialog.result())

    monkeypatch.setattr(WelcomeDialog, "exec", exec_)
    monkeypatch.setattr(
        "hcc_desktop.gui.dialogs.operator_dialog.OperatorDialog.exec",
        lambda self: pytest.fail("the operator was asked twice"),
    )
    titles: list[str] = []

    def app_exec() -> int:
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and w.objectName() != "welcomeDialog":
                titles.append(w.windowTitle())
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(app_exec))
    assert gui_app.run(path, ["hcc-desktop"]) == 0
    assert welcomed == [path] and path.exists() and titles
    with open_store(path) as store:
        assert store.station_name == "Region 2 HCC"
        known = remembered_operators(app_settings(), store.site_id)
    assert known == [Actor("Dana Reyes", "Duty Officer")]


def test_quitting_the_welcome_creates_nothing(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HCC_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(WelcomeDialog, "exec", lambda self: 0)
    path = tmp_path / "never.sqlite"
    assert gui_app.run(path, ["hcc-desktop"]) == 0
    assert not path.exists()


def test_preferences_are_saved_where_their_readers_look(
    qtbot: Any, template_store: Path, tmp_path: Path
) -> None:
    path = copy_store(template_store, tmp_path / "s.sqlite")
    shared = tmp_path / "shared"
    shared.mkdir()
    with open_store(path) as store:
        dialog = PreferencesDialog(store)
        qtbot.addWidget(dialog)
        dialog.folder_edit.setText(str(shared))
        dialog.minutes.setValue(5)
        dialog.paper.setCurrentIndex(dialog.paper.findData("a4"))
        dialog.zone.setCurrentIndex(dialog.zone.findData("UTC"))
        dialog.keep_days.setValue(30)
        dialog.store_edit.setText(str(tmp_path / "elsewhere.sqlite"))
        dialog._accept()
        assert dialog.result() == QDialog.DialogCode.Accepted
        dialog.save()
        assert store.get_setting(FOLDER_SETTING) == str(shared)
        assert store.get_setting(INTERVAL_SETTING) == "5"
        assert backups.keep_days(store) == 30
    settings = app_settings()
    assert default_paper() == "a4"
    assert settings.value(ZONE_KEY) == "UTC" and str(display_zone()) == "UTC"
    assert settings.value(session.STORE_KEY) == str(tmp_path / "elsewhere.sqlite")
    settings.setValue(ZONE_KEY, "")
    from hcc_desktop.gui.dialogs.preferences import apply_display_zone

    apply_display_zone(settings)


def test_preferences_refuse_an_unknown_zone_and_a_missing_folder(
    qtbot: Any, template_store: Path, tmp_path: Path
) -> None:
    path = copy_store(template_store, tmp_path / "s.sqlite")
    with open_store(path) as store:
        dialog = PreferencesDialog(store)
        qtbot.addWidget(dialog)
        dialog.zone.setEditText("Mars/Olympus_Mons")
        dialog._accept()
        assert "Unknown time zone" in dialog.error.text()
        dialog.zone.setCurrentIndex(0)
        dialog.folder_edit.setText(str(tmp_path / "nowhere"))
        dialog._accept()
        assert "no such folder" in dialog.error.text()
        assert dialog.result() != QDialog.DialogCode.Accepted
