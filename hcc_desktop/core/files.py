"""Files the program writes for people (packages, alerts, tables, PDFs) appear whole
or not at all: written beside the target, flushed to disk, then renamed over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hcc_desktop.core.errors import ValidationError


def check_out_folder(out: Path | str, field: str = "out", *, hint: str = "a file name") -> Path:
    """Refuse, naming `field` (the option the operator typed the path into), a path
    whose file cannot be written: a missing folder, a folder given as the file, a
    folder that is not writable. Every command that writes a file the operator names
    calls this before any work, so a typo in the path is reported as that option and
    that folder at once -- not later as an OS error on our internal `.tmp` file, and
    never after the store was changed (an export records the package it wrote)."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise ValidationError(field, f"{out}: is a folder; give {hint}")
    if not folder.is_dir():
        raise ValidationError(field, f"{folder}: no such folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValidationError(field, f"{folder}: not allowed to write in this folder")
    return out


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A temporary path beside `out` to write to. When the block ends normally the
    file is synced and renamed to `out`; when it raises, it is removed and `out` is
    untouched. Work that must succeed with the file (recording it in the store) goes
    inside the block, so a refusal there leaves no file behind either."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        yield tmp
        sync_file(tmp)
        os.replace(tmp, out)
        _sync_folder(out.parent)
    finally:
        tmp.unlink(missing_ok=True)


def sync_file(path: Path) -> None:
    """Flush a written file to disk before it is renamed into place."""
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to
    sync and orders renames on its own."""
    if os.name != "posix":
        return
    fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
