"""Where a file dialog opens: in the last folder used for the same purpose, else beside
the store, else the home folder.

An operator who saved a briefing on the shared drive wants the next one there too, and
packages go on the same USB stick all shift; a dialog that always starts in the home
folder makes them walk the tree every time. Each purpose ("packages", "reports",
"keys", ...) remembers its own folder in QSettings, because the stick for packages is
not where briefings are filed. With nothing remembered yet, the store's folder is the
one place on this machine the operator is known to have chosen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from hcc_desktop.gui.settings import app_settings

PACKAGES = "packages"
REPORTS = "reports"
KEYS = "keys"
STORE = "store"

_PREFIX = "folders/"


def start_folder(purpose: str, *, beside: Path | None = None) -> Path:
    """The folder to open a dialog for `purpose` in (see the module docstring);
    `beside` is the store's path (callers pass ctx.store.path)."""
    saved = app_settings().value(_PREFIX + purpose)
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    if beside is not None and Path(beside).parent.is_dir():
        return Path(beside).parent
    return Path.home()


def remember(purpose: str, chosen: Path | str) -> None:
    """Keep the folder of `chosen` (a file) for the next dialog of `purpose`."""
    app_settings().setValue(_PREFIX + purpose, str(Path(chosen).parent))


def open_file(
    parent: QWidget | None, title: str, purpose: str, filters: str, *, beside: Path | None = None
) -> Path | None:
    """One file to read, or None when the operator cancels."""
    folder = start_folder(purpose, beside=beside)
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(folder), filters)
    if not chosen:
        return None
    remember(purpose, chosen)
    return Path(chosen)


def open_files(
    parent: QWidget | None, title: str, purpose: str, filters: str, *, beside: Path | None = None
) -> list[Path]:
    """Files to read (an empty list when the operator cancels)."""
    folder = start_folder(purpose, beside=beside)
    chosen, _ = QFileDialog.getOpenFileNames(parent, title, str(folder), filters)
    if chosen:
        remember(purpose, chosen[0])
    return [Path(c) for c in chosen]


def save_file(
    parent: QWidget | None,
    title: str,
    purpose: str,
    name: str,
    filters: str,
    *,
    beside: Path | None = None,
    options: QFileDialog.Option | None = None,
) -> Path | None:
    """Where to write a file suggested as `name` (a bare name goes into the start
    folder; a path is taken as it is), or None when the operator cancels."""
    suggested = (
        Path(name) if Path(name).is_absolute() else start_folder(purpose, beside=beside) / name
    )
    if options is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    else:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, title, str(suggested), filters, options=options
        )
    if not chosen:
        return None
    remember(purpose, chosen)
    return Path(chosen)
