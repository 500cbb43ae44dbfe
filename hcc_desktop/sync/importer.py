"""Import: every check of SYNC.md before the store is touched, then one transaction.

Order of checks: size → ZIP allow-list → signature by a trusted, unrevoked key whose
site id matches → member hashes and sizes → format and schema → strict lines with
recomputed version ids → HLC bounds. Only then BEGIN IMMEDIATE: replay check, new
versions, clocks observed, winners and conflicts recomputed, import recorded.

On an EOC server the connection may be lost part way (the server restarts, the network
drops): PostgreSQL rolls the open transaction back, so the import is tried again whole
(`Store.retrying`, with more patience than a service call: a restart takes seconds). A
connection lost as the transaction committed leaves it unknown whether it landed; the
next attempt finds the package in the import log if it did and reports what that
import recorded. When the server does not come back, a `StoreError` says so, and that
the package is not applied (or, had it committed, whole).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    ProgrammingError,
    StatementError,
)
from sqlalchemy.orm import Session

from hcc_desktop.core import migrations, pg
from hcc_desktop.core import models as m
from hcc_desktop.core.clock import COUNTER_BITS, MAX_VALID_MS, MIN_VALID_MS
from hcc_desktop.core.errors import Cancelled, StoreError
from hcc_desktop.core.station import fingerprint, site_id_for
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.core.versions import (
    VERSIONS,
    ArrivedUnits,
    Changes,
    count_conflicts,
    existing_ids,
    param_mark,
)
from hcc_desktop.sync import format as fmt
from hcc_desktop.sync.errors import (
    BadContainer,
    BadHash,
    BadSignature,
    Malformed,
    NewerFormat,
    Replay,
    TooLarge,
    Untrusted,
)
from hcc_desktop.sync.vectors import raise_peer_vector

Progress = Callable[[int, int], bool]
T = TypeVar("T")

#: Attempts at each server step of an import before the lost connection is reported
#: (`pg.retrying` waits 0.2 s, 0.4 s, ... between them: about 5.6 s in all, enough for
#: a server restart; a workstation's file is tried once).
SERVER_ATTEMPTS = 8

#: What reading a damaged ZIP can raise besides BadZipFile: a flipped bit in a header
#: reaches zlib (zlib.error), asks for a feature zipfile lacks (NotImplementedError) or
#: points outside the file (OSError, EOFError, ValueError, struct.error).
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    OSError,
    EOFError,
    ValueError,
    struct.error,
)


def _why(exc: BaseException) -> str:
    """The library's own words, or at least the kind of failure (some are raised with
    no text, which would leave the operator with "()")."""
    text = str(exc).strip()
    return text or type(exc).__name__


@dataclass(frozen=True)
class ImportReport:
    package_id: str
    origin_site: str
    origin_name: str
    new: int
    known: int
    conflicts: int
    clock_warnings: int
    already_imported: bool
    changes: Changes

    def summary(self) -> str:
        if self.already_imported:
            return (
                f"no new changes: package {self.package_id[:8]} from {self.origin_name} "
                "was imported before"
            )
        text = f"{self.new} new, {self.known} already known, {self.conflicts} conflicts"
        if self.clock_warnings:
            text += f", {self.clock_warnings} clock warnings (stamps over 24 h ahead of this PC)"
        return f"from {self.origin_name}: {text}"


@dataclass
class _Checked:
    manifest: dict[str, Any]
    sha256: str
    rows: list[fmt.Line]
    label: str = ""


def import_package(
    store: Store,
    path: Path,
    *,
    progress: Progress | None = None,
    before_write: Callable[[], object] | None = None,
) -> ImportReport:
    """Check the package and apply it in one transaction. `before_write` (the restore
    point the command line, the GUI and the shared folder take) is called only once the
    package has passed every check and is not one imported before: a refused or repeated
    file changes nothing, so it needs no way back."""
    path = Path(path)
    digest = _file_sha256(path)
    if digest is not None:
        again = _reading(store, str(path), lambda: _imported_before(store, digest))
        if again is not None:
            return again
    checked = check_package(store, path, progress=progress, sha256=digest)
    if before_write is not None:
        before_write()
    return _apply(store, checked)


def _reading(store: Store, label: str, work: Callable[[], T]) -> T:
    """A read of the store before the import's transaction, tried again after a lost
    server connection; a server that stays away is a StoreError, not a traceback."""
    try:
        return store.retrying(work, attempts=SERVER_ATTEMPTS)
    except DBAPIError as exc:
        if not (store.is_server and pg.is_transient(exc)):
            raise
        raise StoreError(
            f"{label}: not imported: the EOC server {store.label} cannot be reached "
            f"({_reason(exc)}); nothing was changed, import the package again once it is back"
        ) from exc


def _reason(exc: DBAPIError) -> str:
    """The driver's first line (psycopg adds context lines), or the kind of failure."""
    text = str(exc.orig if exc.orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc.orig or exc).__name__


def _file_sha256(path: Path) -> str | None:
    """SHA-256 of the whole file, or None when it is missing or over the size cap (the
    checks then say so)."""
    try:
        if path.stat().st_size > fmt.MAX_FILE:
            return None
        whole = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                whole.update(block)
    except OSError:
        return None
    return whole.hexdigest()


def _imported_before(store: Store, sha256: str) -> ImportReport | None:
    """The very same file was checked and imported before: nothing in it can be new,
    so say so without parsing it again (shared-folder mode meets the same files every
    few minutes). A file with the same package id but other bytes goes through every
    check and is then refused as equivocation."""
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT l.package_id, l.origin_site, l.new_versions + l.known_versions, s.name "
            f"FROM {m.ImportRecord.__tablename__} l LEFT JOIN {m.Station.__tablename__} s "
            "ON s.site_id = l.origin_site WHERE l.sha256 = " + param_mark(conn),
            (sha256,),
        ).first()
    if row is None:
        return None
    package_id, site, total, name = row
    return ImportReport(package_id, site, name or site, 0, int(total or 0), 0, 0, True, Changes())


# ------------------------------------------------------------------- checks


def check_package(
    store: Store, path: Path, *, progress: Progress | None = None, sha256: str | None = None
) -> _Checked:
    """All checks that need no write; raises a PackageRefused subclass. `sha256` is the
    whole file's, when the caller has it already."""
    label = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadContainer(label, f"cannot read the file ({exc.strerror})") from None
    if size > fmt.MAX_FILE:
        raise TooLarge(label, f"{size} bytes; packages are at most {fmt.MAX_FILE // 2**20} MiB")
    if sha256 is None:
        sha256 = _file_sha256(path)
        if sha256 is None:
            raise BadContainer(label, "cannot read the file")
    try:
        zf = zipfile.ZipFile(path)
    except ZIP_ERRORS:
        raise BadContainer(label, "not a package: the file is corrupt or truncated") from None
    with zf:
        _check_members(zf, label)
        manifest_bytes = _read_member(zf, fmt.MANIFEST, fmt.MAX_MANIFEST, label)
        signature_bytes = _read_member(zf, fmt.SIGNATURE, fmt.MAX_SIGNATURE, label)
        manifest = _parse_json(manifest_bytes, label, fmt.MANIFEST)
        origin = manifest.get("origin") if isinstance(manifest, dict) else None
        if not isinstance(origin, dict):
            raise Malformed(label, "manifest.json: origin missing")
        _check_signature(store, manifest_bytes, signature_bytes, origin, label)
        _check_format(manifest, label)
        member = manifest["members"].get(fmt.CHANGES)
        if not isinstance(member, dict):
            raise Malformed(label, "manifest.json: members: changes.ndjson missing")
        declared = _declared(member, label)
        rows = list(_parse_lines(zf, declared, label, progress))  # checks the hash too
    return _Checked(manifest, sha256, rows, label)


def _check_members(zf: zipfile.ZipFile, label: str) -> None:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(names) != len(set(names)):
        raise BadContainer(label, "duplicate member names")
    for name in names:
        if name not in fmt.MEMBERS:
            raise BadContainer(
                label, f"unexpected member {name!r} (allowed: {', '.join(fmt.MEMBERS)})"
            )
    for need in fmt.MEMBERS:
        if need not in names:
            raise BadContainer(label, f"member {need} is missing")
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BadContainer(label, f"{info.filename}: unsupported compression")
        if info.file_size > fmt.MAX_MEMBER:
            raise TooLarge(
                label, f"{info.filename} unpacks to more than {fmt.MAX_MEMBER // 2**20} MiB"
            )
        if info.flag_bits & 0x1:
            raise BadContainer(label, f"{info.filename}: encrypted members are not allowed")


def _read_member(zf: zipfile.ZipFile, name: str, cap: int, label: str) -> bytes:
    try:
        with zf.open(name) as fh:
            data = fh.read(cap + 1)
    except ZIP_ERRORS as exc:
        raise BadContainer(label, f"{name} is damaged ({_why(exc)})") from None
    if len(data) > cap:
        raise TooLarge(label, f"{name} is larger than {cap} bytes")
    return data


def _parse_json(data: bytes, label: str, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"), parse_constant=lambda c: _bad_constant(c))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError):
        raise Malformed(label, f"{name}: not valid JSON") from None


def _bad_constant(name: str) -> Any:
    raise ValueError(name)


def _check_signature(
    store: Store, manifest: bytes, sig_bytes: bytes, origin: dict[str, Any], label: str
) -> None:
    sig = _parse_json(sig_bytes, label, fmt.SIGNATURE)
    site = origin.get("site_id")
    claimed_key = origin.get("public_key")
    shown = "unknown"
    if isinstance(claimed_key, str):
        with contextlib.suppress(ValueError):
            shown = fingerprint(base64.b64decode(claimed_key, validate=True))
    station = _station(store, site, label) if isinstance(site, str) else None
    claimed_name = origin.get("name")
    name = claimed_name if isinstance(claimed_name, str) else "?"
    if len(name) > 60:  # not verified yet: whatever it says, keep the message readable
        name = name[:57] + "..."
    if station is None or not station.trusted or station.revoked or station.public_key is None:
        state = "revoked" if station is not None and station.revoked else "not trusted here"
        raise Untrusted(
            label,
            f"sender {name!r} (fingerprint {shown}) is {state}; compare the fingerprint "
            "with that station and trust its key file first",
        )
    if (
        not isinstance(sig, dict)
        or sig.get("alg") != "ed25519"
        or not isinstance(sig.get("sig"), str)
    ):
        raise BadSignature(label, "manifest.sig is not an Ed25519 signature")
    key = base64.b64decode(station.public_key)
    if site_id_for(key) != site:
        raise BadSignature(
            label, f"the key trusted for {station.name} does not belong to site {site}"
        )
    signed_for = sig.get("site_id")
    if signed_for != site:
        shown_site = signed_for if isinstance(signed_for, str) else "?"
        raise BadSignature(
            label,
            f"signed for site {shown_site[:40]!r} but the manifest says it comes from "
            f"{station.name} (site {site}); a station cannot sign for another",
        )
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(base64.b64decode(sig["sig"]), manifest)
    except (InvalidSignature, ValueError):
        raise BadSignature(
            label,
            f"signature does not match: not signed by {station.name}'s key "
            f"({station.fingerprint}), or the manifest was changed",
        ) from None


def _station(store: Store, site: str, label: str) -> Any:
    """The trust record of a site, read with one Core query: a shared folder full of
    damaged or foreign files must not cost an ORM session per file."""

    def read() -> Any:
        with store.engine.connect() as conn:
            return conn.exec_driver_sql(_STATION_SQL + param_mark(conn), (site,)).first()

    return _reading(store, label, read)


_STATION_SQL = (
    f"SELECT name, public_key, fingerprint, trusted, revoked FROM {m.Station.__tablename__} "
    "WHERE site_id = "
)


def _check_format(manifest: dict[str, Any], label: str) -> None:
    form = manifest.get("format")
    if not isinstance(form, str) or not form.startswith("hccsync/"):
        raise Malformed(label, "manifest.json: format: not an hccsync package")
    try:
        major = int(form.split("/", 1)[1].split(".")[0])
    except ValueError:
        raise Malformed(label, f"manifest.json: format: {form!r} not understood") from None
    if major > fmt.FORMAT_MAJOR:
        raise NewerFormat(label, f"made in format {form} by a newer hcc-desktop: upgrade to import")
    if major < fmt.FORMAT_MAJOR:
        raise Malformed(label, f"format {form} is no longer read")
    schema = manifest.get("schema")
    known = migrations.known_revisions()
    if schema not in known:
        raise NewerFormat(
            label, f"schema {schema!r} is newer than this hcc-desktop knows: upgrade to import"
        )
    for key in ("package_id", "members", "vector"):
        if key not in manifest:
            raise Malformed(label, f"manifest.json: {key} missing")
    if not isinstance(manifest["package_id"], str) or not 8 <= len(manifest["package_id"]) <= 64:
        raise Malformed(label, "manifest.json: package_id: expected an id")
    vector = manifest["vector"]
    if not isinstance(vector, dict) or not all(
        isinstance(k, str)
        and fmt.SITE_ID.fullmatch(k)
        and isinstance(v, int)
        and not isinstance(v, bool)
        and 0 <= v <= fmt.INT_MAX
        for k, v in vector.items()
    ):
        raise Malformed(label, "manifest.json: vector: expected site id → stamp")
    if not isinstance(manifest["members"], dict):
        raise Malformed(label, "manifest.json: members: expected an object")


def _declared(member: dict[str, Any], label: str) -> dict[str, Any]:
    sha = member.get("sha256")
    if not (isinstance(sha, str) and len(sha) == 64):
        raise Malformed(label, "manifest.json: changes.ndjson sha256 missing")
    size, lines = _count(member, "size", label), _count(member, "lines", label)
    if size > fmt.MAX_MEMBER:
        raise TooLarge(label, f"changes.ndjson declares {size} bytes")
    return {"sha256": sha, "size": size, "lines": lines}


def _count(member: dict[str, Any], key: str, label: str) -> int:
    value = member.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Malformed(label, f"manifest.json: changes.ndjson {key}: expected a count")
    return value


def _stream(zf: zipfile.ZipFile, declared: dict[str, Any], label: str) -> Iterator[bytes]:
    """Decompressed blocks, never more than the declared size (a lying header or a
    zip bomb stops here, with bounded memory)."""
    limit = declared["size"]
    read = 0
    try:
        fh: IO[bytes]
        with zf.open(fmt.CHANGES) as fh:
            while True:
                block = fh.read(min(1 << 20, limit + 1 - read))
                if not block:
                    break
                read += len(block)
                if read > limit:
                    raise BadHash(label, "changes.ndjson is larger than the manifest says")
                yield block
    except ZIP_ERRORS as exc:
        raise BadContainer(label, f"changes.ndjson is damaged ({_why(exc)})") from None
    if read != limit:
        raise BadHash(label, f"changes.ndjson is {read} bytes, the manifest says {limit}")


def _parse_lines(
    zf: zipfile.ZipFile, declared: dict[str, Any], label: str, progress: Progress | None
) -> Iterator[fmt.Line]:
    """The checked lines of changes.ndjson, from one pass over it that also checks its
    SHA-256 and line count (decompressing a large member twice cost a tenth of an
    import). The member's hash and count are still judged first: a line's fault is
    held back until the whole member has matched them, so a package damaged in transit
    is refused as such (BadHash), not for whatever its damaged lines look like. After a
    fault the rest is only hashed, never buffered (a signed 128 MiB "line" stays
    bounded)."""
    digest = hashlib.sha256()
    counted = 0
    buf = b""
    number = 0
    total = declared["lines"]
    fault: Malformed | None = None
    for block in _stream(zf, declared, label):
        digest.update(block)
        counted += block.count(b"\n")
        if fault is not None:
            continue
        buf += block
        if len(buf) > fmt.MAX_LINE and b"\n" not in buf[-len(block) :] and b"\n" not in buf:
            fault = Malformed(label, f"changes.ndjson line {number + 1}: longer than 1 MiB")
            buf = b""
            continue
        *complete, buf = buf.split(b"\n")
        for raw in complete:
            number += 1
            try:
                row = _one_line(raw, number, label)
            except Malformed as exc:
                fault = exc
                buf = b""
                break
            yield row
            if progress and number % 2000 == 0 and not progress(number, total):
                raise Cancelled()
    if digest.hexdigest() != declared["sha256"]:
        raise BadHash(label, "changes.ndjson does not match its SHA-256 in the manifest")
    if counted != total:
        raise BadHash(label, f"changes.ndjson has {counted} lines, the manifest says {total}")
    if fault is not None:
        raise fault
    if buf:
        raise Malformed(label, f"changes.ndjson line {number + 1}: no line end")


#: `stamp_in_bounds` as bounds on the whole stamp: the counter sits below the time.
_MIN_STAMP = MIN_VALID_MS << COUNTER_BITS
_MAX_STAMP = MAX_VALID_MS << COUNTER_BITS


def _one_line(raw: bytes, number: int, label: str) -> fmt.Line:
    try:
        row = fmt.parse_line(raw)
    except fmt.LineError as exc:
        raise Malformed(label, f"changes.ndjson line {number}: {exc}") from None
    if not _MIN_STAMP <= row.hlc < _MAX_STAMP:  # clock.stamp_in_bounds, once per line
        raise Malformed(label, f"changes.ndjson line {number}: hlc outside 2020–2100")
    return row


# ------------------------------------------------------------------- apply


def _apply(store: Store, checked: _Checked) -> ImportReport:
    """Run the transaction; a value the checks let through but SQLite cannot store is
    the package's fault (refused, rolled back), while a locked or full disk is the
    store's and propagates as it is. On a server, a lost connection rolls the
    transaction back and it is run again; one that does not come back is reported."""
    tries = 0

    def once() -> ImportReport:
        nonlocal tries
        tries += 1
        return _apply_once(store, checked, resumed=tries > 1)

    try:
        return store.retrying(once, attempts=SERVER_ATTEMPTS)
    except OverflowError as exc:
        why: object = exc
    except DBAPIError as exc:
        if store.is_server and pg.is_transient(exc):
            raise _lost(store, checked, exc, tries) from exc
        if not isinstance(exc, IntegrityError | InterfaceError | ProgrammingError):
            raise
        why = exc.orig
    except StatementError as exc:
        why = exc.orig
    raise Malformed(checked.label, f"changes.ndjson: a value cannot be stored ({why})")


def _lost(store: Store, checked: _Checked, exc: DBAPIError, tries: int) -> StoreError:
    package_id = checked.manifest["package_id"]
    return StoreError(
        f"{checked.label}: not imported: the connection to the EOC server {store.label} "
        f"was lost during the import and did not come back after {tries} tries "
        f"({_reason(exc)}). The server rolled the import back, so nothing of package "
        f"{package_id[:8]} is applied (had the connection broken just as the import "
        "committed, all of it is); import the package again once the server is back: "
        "it brings what is missing, or says there is nothing new"
    )


def _apply_once(store: Store, checked: _Checked, *, resumed: bool = False) -> ImportReport:
    """The one transaction; any exception rolls all of it back. `resumed`: an earlier
    attempt lost its connection, perhaps as it committed (then the import log holds
    this package, and its record says what that attempt brought)."""
    manifest = checked.manifest
    origin = manifest["origin"]
    package_id = manifest["package_id"]
    with store.receiving() as rx:
        s = rx.session
        done = s.get(m.ImportRecord, package_id)
        if done is not None:
            if done.sha256 != checked.sha256:
                raise Replay(
                    checked.label,
                    f"package {package_id} was imported before with other content "
                    "(equivocation or tampering); refused",
                )
            if resumed:
                # The attempt that committed never got to tell this seat's panels (its
                # notice to the other seats names this seat, which ignores its own):
                # announce the package's records now, after this transaction.
                announced = Changes()
                for r in checked.rows:
                    announced.add(r.entity, r.record_id)
                rx.changes.merge(announced)
                return ImportReport(
                    package_id, origin["site_id"], origin.get("name", "?"), done.new_versions,
                    done.known_versions, done.conflicts, done.clock_warnings, False, announced,
                )  # fmt: skip
            return ImportReport(
                package_id, origin["site_id"], origin.get("name", "?"), 0,
                len(checked.rows), 0, 0, True, Changes(),
            )  # fmt: skip
        new_rows = _new_rows(s, checked.rows)
        # Stamps far ahead are rare: when the latest is not, none is (one test, not one
        # per version).
        far = new_rows and rx.is_far_future(max(r.hlc for r in new_rows))
        warnings = sum(1 for r in new_rows if rx.is_far_future(r.hlc)) if far else 0
        keys = _arrived_units(new_rows)
        changes = rx.apply(new_rows, keys)
        conflicts = _count_conflicts(s, keys)
        s.add(
            m.ImportRecord(
                package_id=package_id,
                sha256=checked.sha256,
                origin_site=origin["site_id"],
                imported_at=from_ms(store.wall()),
                new_versions=len(new_rows),
                known_versions=len(checked.rows) - len(new_rows),
                conflicts=conflicts,
                clock_warnings=warnings,
            )
        )
        raise_peer_vector(s, origin["site_id"], manifest["vector"])
    return ImportReport(
        package_id, origin["site_id"], origin.get("name", "?"), len(new_rows),
        len(checked.rows) - len(new_rows), conflicts, warnings, False, changes,
    )  # fmt: skip


def _new_rows(s: Session, rows: list[fmt.Line]) -> list[fmt.Line]:
    """The package's versions this store does not hold yet, each once, in package
    order."""
    seen: set[str] = set()
    unique = []
    for r in rows:
        if r.id not in seen:
            seen.add(r.id)
            unique.append(r)
    existing = existing_ids(s.connection(), VERSIONS, [r.id for r in unique])
    return [r for r in unique if r.id not in existing]


def _arrived_units(rows: list[fmt.Line]) -> ArrivedUnits:
    """The units the new versions belong to, with the version of each unit that
    received only one (the merge need not read those back: `ArrivedUnits`)."""
    single: dict[tuple[str, str, str], fmt.Line] = {}
    several: set[tuple[str, str, str]] = set()
    for r in rows:
        key = (r.entity, r.record_id, r.unit)
        if key in single:
            several.add(key)
        else:
            single[key] = r
    keys = ArrivedUnits(single, {})
    for key in several:
        del single[key]
    keys.single = single
    return keys


def _count_conflicts(s: Session, keys: set[tuple[str, str, str]]) -> int:
    """Open conflicts among the units this package touched."""
    return count_conflicts(s, keys)
