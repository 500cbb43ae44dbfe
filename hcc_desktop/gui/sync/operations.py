"""File → Export package / Import package: file dialogs, the work off the GUI thread
with a progress dialog that can cancel, and a result dialog that says what arrived."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QWidget,
)

from hcc_desktop.core import backups
from hcc_desktop.core.errors import HccError
from hcc_desktop.gui import file_dialogs
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import CollectionOp, Job, Progress, describe
from hcc_desktop.gui.wording import package_refusal
from hcc_desktop.sync import exporter, importer, trust

FILTER = "hcc-desktop packages (*.hccsync)"


def _adapt(progress: Progress):  # type: ignore[no-untyped-def]
    """The sync modules ask `keep going?`; the worker's step raises on cancel."""

    def step(done: int, total: int) -> bool:
        progress.step(done, total)
        return True

    return step


class ExportOptions(QDialog):
    """Full state (the default: lost or reordered sticks then do not matter) or only
    what one trusted station lacks."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export package")
        form = QFormLayout(self)
        self.target = QComboBox()
        self.target.addItem("Everything (full state)", None)
        for st in trust.list_stations(ctx.store):
            if not st.is_self and st.trusted:
                self.target.addItem(f"Only what {st.name} lacks", st.site_id)
        form.addRow("Contents", self.target)
        form.addRow(QLabel("The package is signed with this station's key."))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def for_site(self) -> str | None:
        return self.target.currentData()


def export_package(parent: QWidget, ctx: AppContext, *, path: Path | None = None) -> Job | None:
    """Ask where and what, then export off the GUI thread."""
    for_site = None
    if path is None:
        opts = ExportOptions(ctx, parent)
        if opts.exec() != QDialog.DialogCode.Accepted:
            return None
        for_site = opts.for_site
        name = f"{ctx.store.station_name}-{date.today():%Y%m%d}.hccsync"
        chosen = file_dialogs.save_file(
            parent, "Export package", file_dialogs.PACKAGES, name, FILTER, beside=ctx.store.path
        )
        if chosen is None:
            return None
        path = chosen if chosen.name.endswith(".hccsync") else Path(f"{chosen}.hccsync")
    store = ctx.store
    target = path

    def work(progress: Progress) -> exporter.ExportResult:
        return exporter.export_package(
            store, target, for_station=for_site, progress=_adapt(progress)
        )

    def done(result: exporter.ExportResult) -> None:
        kind = "everything" if result.against is None else "what the other station lacks"
        ctx.message.emit(f"Exported {result.versions} changes to {result.path}")
        QMessageBox.information(
            parent,
            "Package exported",
            f"{result.versions} changes ({kind}) written to\n{result.path}\n\n"
            "Carry it to the other station and import it there.",
        )

    # A write (the export is recorded for the Sync dock) that may stop at any step
    # before the file is moved into place and the record written.
    return (
        CollectionOp(parent, work)
        .with_progress("Exporting package…", cancellable=True)
        .success(done)
        .failure(lambda exc: QMessageBox.warning(parent, "Export failed", describe(exc)))
        .run_in_background()
    )


def import_packages(
    parent: QWidget, ctx: AppContext, *, paths: list[Path] | None = None
) -> Job | None:
    """Check and import one or more packages off the GUI thread; each is all or
    nothing, and a refusal says which check failed."""
    if paths is None:
        paths = file_dialogs.open_files(
            parent, "Import package", file_dialogs.PACKAGES, FILTER, beside=ctx.store.path
        )
        if not paths:
            return None
    store = ctx.store
    files = list(paths)

    def work(progress: Progress) -> list[tuple[Path, str, bool]]:
        outcome = []
        # One restore point covers the batch, taken before its first package that will
        # change the store: the way back.
        way_back = backups.BeforeImport(store)
        for path in files:
            try:
                report = importer.import_package(
                    store, path, progress=_adapt(progress), before_write=way_back
                )
                outcome.append((path, report.summary(), True))
            except HccError as exc:
                outcome.append((path, package_refusal(exc), False))
        return outcome

    def done(outcome: list[tuple[Path, str, bool]]) -> None:
        lines = [("✔ " if ok else "✖ ") + f"{p.name}: {text}" for p, text, ok in outcome]
        refused = [o for o in outcome if not o[2]]
        ctx.message.emit(lines[-1] if lines else "Nothing imported")
        ctx.imported.emit()
        box = QMessageBox.warning if refused else QMessageBox.information
        title = "Package refused" if refused else "Package imported"
        extra = "\n\nA refused package changed nothing in this store." if refused else ""
        box(parent, title, "\n".join(lines) + extra)

    # Cancel is honest here: each package is checked, then applied in one transaction,
    # and a cancel between steps leaves the package unapplied.
    return (
        CollectionOp(parent, work)
        .with_progress("Importing package…", cancellable=True)
        .success(done)
        .failure(lambda exc: QMessageBox.warning(parent, "Import failed", describe(exc)))
        .run_in_background()
    )
