"""Shared-folder mode: drop this station's package in a folder everyone can reach and
import any new trusted package found there — the same import path and checks as a
package carried by hand.

A damaged or tampered file is moved aside (into `rejected/`, with a note saying why)
so it is never retried in a loop. A package from a station not trusted yet is left in
place for the others and skipped here until its key is trusted.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from hcc_desktop.core import backups
from hcc_desktop.core import models as m
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.sync.errors import PackageRefused, Untrusted
from hcc_desktop.sync.exporter import export_package
from hcc_desktop.sync.history import record_export
from hcc_desktop.sync.importer import ImportReport, import_package

FOLDER_SETTING = "shared_folder"
INTERVAL_SETTING = "shared_folder_minutes"
REJECTED = "rejected"


@dataclass
class FolderResult:
    exported: Path | None = None
    imported: list[tuple[Path, ImportReport]] = field(default_factory=list)
    skipped_untrusted: list[tuple[Path, str]] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)

    def summary(self) -> str:
        new = sum(r.new for _, r in self.imported if not r.already_imported)
        parts = [f"{len(self.imported)} packages read, {new} new changes"]
        if self.skipped_untrusted:
            parts.append(f"{len(self.skipped_untrusted)} from untrusted stations skipped")
        if self.rejected:
            parts.append(f"{len(self.rejected)} damaged moved to {REJECTED}/")
        return "; ".join(parts)


def own_package_name(store: Store) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", store.station_name).strip("-").lower() or "station"
    return f"{slug}-{store.site_id}.hccsync"


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sync_folder(store: Store, folder: Path, *, export: bool = True) -> FolderResult:
    folder = Path(folder)
    if not folder.is_dir():
        raise PackageRefused(str(folder), "the shared folder does not exist or is not a folder")
    result = FolderResult()
    own = folder / own_package_name(store)
    with store.read() as s:
        known = set(s.scalars(select(m.ImportRecord.sha256)))
    # One restore point per run, before its first package that will change the store,
    # as a manual import takes: the folder may bring packages every few minutes.
    way_back = backups.BeforeImport(store)
    for path in sorted(folder.glob("*.hccsync")):
        if path.name == own.name or path.name.endswith(f"-{store.site_id}.hccsync"):
            continue
        try:
            if _sha(path) in known:
                continue
            result.imported.append((path, import_package(store, path, before_write=way_back)))
        except Untrusted as exc:
            result.skipped_untrusted.append((path, exc.message))
        except PackageRefused as exc:
            result.rejected.append((path, str(exc)))
            _move_aside(folder, path, str(exc), store)
        except OSError as exc:  # the file vanished or is being written right now
            result.skipped_untrusted.append((path, f"not readable now ({exc.strerror})"))
    if export:
        export_package(store, own)
        record_export(store, for_site=None, at=from_ms(store.wall()))
        result.exported = own
    return result


def _move_aside(folder: Path, path: Path, reason: str, store: Store) -> None:
    target_dir = folder / REJECTED
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    try:
        shutil.move(str(path), str(target))
    except OSError:
        return
    note = target.with_name(target.name + ".txt")
    note.write_text(
        f"Refused by {store.station_name} at {from_ms(store.wall())}:\n{reason}\n",
        encoding="utf-8",
    )
