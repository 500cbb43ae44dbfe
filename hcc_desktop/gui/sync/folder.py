"""Shared-folder mode in the GUI: a timer that drops this station's package in the
folder and imports what others dropped there, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import CollectionOp, Job, Progress, describe
from hcc_desktop.sync.folder import FOLDER_SETTING, INTERVAL_SETTING, FolderResult, sync_folder

DEFAULT_MINUTES = 10


class FolderSync(QObject):
    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_now)
        self.job: Job | None = None
        self.configure()

    @property
    def folder(self) -> Path | None:
        value = self.ctx.store.get_setting(FOLDER_SETTING)
        return Path(value) if value else None

    @property
    def minutes(self) -> int:
        try:
            return max(1, int(self.ctx.store.get_setting(INTERVAL_SETTING) or DEFAULT_MINUTES))
        except ValueError:
            return DEFAULT_MINUTES

    def configure(self, folder: Path | None = None, minutes: int | None = None) -> None:
        changed: dict[str, str | None] = {}
        if folder is not None:
            changed[FOLDER_SETTING] = str(folder) if str(folder) else None
        if minutes is not None:
            changed[INTERVAL_SETTING] = str(minutes)
        if changed:
            self.ctx.store.set_settings(changed)
        self.timer.stop()
        if self.folder:
            self.timer.start(self.minutes * 60_000)

    def run_now(self) -> Job | None:
        folder = self.folder
        if folder is None or (self.job is not None and not self.job.done):
            return None
        store = self.ctx.store

        def work(_progress: Progress) -> FolderResult:
            return sync_folder(store, folder)

        # On a timer, unattended: the outcome goes to the status bar, never a dialog.
        self.job = (
            CollectionOp(None, work)
            .success(lambda r: self.ctx.message.emit(f"Shared folder {folder}: {r.summary()}"))
            .failure(lambda exc: self.ctx.message.emit(f"Shared folder: {describe(exc)}"))
            .run_in_background()
        )
        return self.job
