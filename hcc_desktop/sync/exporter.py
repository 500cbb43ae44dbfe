"""Export: write this station's versions (all, or what a peer lacks) as a signed
package, atomically, so a half-written file never sits where a peer might take it."""

from __future__ import annotations

import base64
import hashlib
import queue
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hcc_desktop import __version__
from hcc_desktop.core import migrations
from hcc_desktop.core import models as m
from hcc_desktop.core.clock import HybridClock
from hcc_desktop.core.errors import Cancelled
from hcc_desktop.core.files import staged
from hcc_desktop.core.ids import canonical_json, uuid7
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.sync import format as fmt
from hcc_desktop.sync.format import line_of
from hcc_desktop.sync.history import record_export
from hcc_desktop.sync.trust import find_station
from hcc_desktop.sync.vectors import Vector, lacks, own_vector, peer_vector

_V = m.Version
#: What a package line is made of (format.version_line).
LINE_COLUMNS = (
    _V.id, _V.entity, _V.record_id, _V.unit, _V.value, _V.hlc,
    _V.site_id, _V.parent_id, _V.operator, _V.resolves,
)  # fmt: skip
#: Deflate level of the package: 1 is half the CPU time of zlib's default (6) on the
#: NDJSON of a full export, for a package about a fifth larger (9.2 MB instead of
#: 7.7 MB for 100,000 log entries); a package is carried on a stick or a shared
#: folder, where a fifth more bytes cost nothing an operator waits for.
COMPRESSLEVEL = 1
#: The same columns, in `format.line_of`'s argument order, in arrival order.
_LINES_SQL = (
    f"SELECT {', '.join(c.name for c in LINE_COLUMNS)} FROM {_V.__tablename__} ORDER BY seq"
)

Progress = Callable[[int, int], bool]  # (done, total) -> keep going?


@dataclass(frozen=True)
class ExportResult:
    path: Path
    package_id: str
    versions: int
    against: Vector | None
    bytes: int


class _Sink:
    """Deflates and hashes the package lines on a second thread while this one reads
    and formats the next rows: zlib, SHA-256 and the ZIP's CRC release the GIL, so on
    a machine with two cores the compression no longer adds to the operator's wait.
    The writes keep their order (one queue, one writer); a failure there is raised in
    the exporting thread at its next write or at `close`, which always waits for the
    writer, so the member is never closed under it."""

    def __init__(self, member: IO[bytes], digest: Any) -> None:
        self._member = member
        self._digest = digest
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="hcc-export-deflate")
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain: the exporting thread raises it
            try:
                self._member.write(data)
                self._digest.update(data)
            except BaseException as exc:  # handed to the exporting thread
                self._error = exc

    def write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def close(self) -> None:
        """Wait for every queued write; raise what went wrong in them."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error


def export_package(
    store: Store,
    out: Path,
    *,
    for_station: str | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Full state by default; with `for_station`, only what that station's last known
    vector lacks."""
    out = Path(out)
    against: Vector | None = None
    peer_site = None
    if for_station:
        peer_site = find_station(store, for_station).site_id
    with store.read() as s:
        if peer_site:
            against = peer_vector(s, peer_site)
        vector = own_vector(s)
        total = s.query(m.Version).count()
        clock_row = s.get_one(m.ClockState, 1)
        created_hlc = HybridClock(clock_row.hlc, store.wall).tick()
        digest = hashlib.sha256()
        size = lines = done = 0
        # The lines go straight into the ZIP member (deflated as they come), hashed on
        # the way; the manifest that names their hash follows them. An intermediate
        # file of the uncompressed lines cost writing and reading it all again. The
        # package appears only once "sent" is recorded, and the record only if the
        # package could be written (core/files.staged).
        with staged(out) as tmp:
            with zipfile.ZipFile(
                tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL
            ) as zf:
                with zf.open(fmt.CHANGES, "w") as member:
                    # Driver rows in one statement: an export reads every version once,
                    # and the stored value is written as it is.
                    cursor = s.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
                    sink = _Sink(member, digest)
                    try:
                        cursor.execute(_LINES_SQL)
                        while batch := cursor.fetchmany(2000):
                            chunk = [
                                line_of(*row)
                                for row in batch
                                if against is None or lacks(against, row[6], row[5])
                            ]
                            done += len(batch)
                            if progress and not progress(done, total):
                                raise Cancelled()
                            data = b"".join(chunk)
                            sink.write(data)
                            size += len(data)
                            lines += len(chunk)
                    finally:
                        cursor.close()
                        sink.close()
                package_id = uuid7(store.wall())
                created_at = from_ms(store.wall())
                manifest = {
                    "format": fmt.FORMAT,
                    "schema": migrations.head_revision(),
                    "app_version": __version__,
                    "package_id": package_id,
                    "origin": {
                        "site_id": store.site_id,
                        "name": store.station_name,
                        "fingerprint": store.identity.fingerprint,
                        "public_key": store.identity.public_key_b64,
                    },
                    "created_hlc": created_hlc,
                    "created_at": created_at,
                    "vector": vector,
                    "against": against,
                    "members": {
                        fmt.CHANGES: {"sha256": digest.hexdigest(), "size": size, "lines": lines}
                    },
                }
                manifest_bytes = canonical_json(manifest).encode("utf-8")
                key = store.private_key()
                signature = {
                    "alg": "ed25519",
                    "key_id": store.identity.fingerprint,
                    "site_id": store.site_id,
                    "sig": base64.b64encode(key.sign(manifest_bytes)).decode("ascii"),
                }
                zf.writestr(fmt.MANIFEST, manifest_bytes)
                zf.writestr(fmt.SIGNATURE, canonical_json(signature).encode("utf-8"))
            with store.atomic():
                record_export(store, for_site=peer_site, at=created_at)
    return ExportResult(out, package_id, lines, against, out.stat().st_size)
