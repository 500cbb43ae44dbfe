"""Files the program writes for people (packages, alerts, tables, PDFs) appear whole
or not at all: written beside the target, flushed to disk, then renamed over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
