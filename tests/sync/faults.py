"""Machinery of the fault tests (SYNC.md "Tests that prove it", Faults): the command
line run in-process, a cheap "nothing was committed" probe for loops of thousands of
refusals, and bit-level edits of package files.

Every refusal is checked twice: through `importer.import_package` (type and message of
the exception) and through `hcc-desktop --store S import FILE` (exit 1, one line on
stderr that names the file and the failed check), and the store must be unchanged
after both.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import import_log_count, version_ids

from hcc_desktop import cli
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.store import Store
from hcc_desktop.sync import importer
from hcc_desktop.sync.errors import PackageRefused


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, wall: Any = None) -> CliResult:
    """`hcc-desktop ARGS` in-process (the real parser, handlers and exit-code mapping),
    on `wall` if given. Output is captured without pytest's capsys so the helper also
    works inside loops and fixtures."""
    out, err = io.StringIO(), io.StringIO()
    old = cli.WALL
    cli.WALL = wall
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        cli.WALL = old
    return CliResult(code, out.getvalue(), err.getvalue())


def cli_import(store: Store, path: Path, wall: Any = None) -> CliResult:
    return run_cli("--store", str(store.path), "import", str(path), wall=wall)


class Committed:
    """Whether any connection committed to a store since `mark()`: SQLite's
    `PRAGMA data_version` changes on this connection when another one commits. Costs
    microseconds, so a loop over thousands of damaged files can check every one and
    leave the full canonical dump for the end."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.version = self._read()

    def _read(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def mark(self) -> None:
        self.version = self._read()

    def since_mark(self) -> bool:
        return self._read() != self.version

    def close(self) -> None:
        self.conn.close()


def expect_refusal(
    store: Store,
    path: Path,
    exc_class: type[PackageRefused],
    fragment: str,
    *,
    wall: Any = None,
    cli_too: bool = True,
) -> PackageRefused:
    """Refused by exactly `exc_class`, the message naming the file, the failed check and
    `fragment`; through the importer and the CLI; canonical dump and import log
    byte-identical before and after."""
    before = dump_text(store)
    logged = import_log_count(store)
    versions = version_ids(store)
    with pytest.raises(PackageRefused) as info:
        importer.import_package(store, path)
    exc = info.value
    assert type(exc) is exc_class, f"{type(exc).__name__}: {exc}"
    assert str(exc).startswith(f"{path}: {exc_class.check}: "), str(exc)
    assert fragment in str(exc), str(exc)
    assert dump_text(store) == before
    assert import_log_count(store) == logged
    assert version_ids(store) == versions
    if cli_too:
        res = cli_import(store, path, wall)
        assert res.code == 1, res
        line = res.err.strip()
        assert "\n" not in line, res.err
        assert line.startswith(f"hcc-desktop: {path}: {exc_class.check}: "), res.err
        assert fragment in line, res.err
        assert "Traceback" not in res.err
        assert dump_text(store) == before
        assert import_log_count(store) == logged
    return exc


def flip_bit(data: bytes, bit: int) -> bytes:
    buf = bytearray(data)
    buf[bit // 8] ^= 1 << (bit % 8)
    return bytes(buf)


@dataclass(frozen=True)
class Region:
    """A byte range of a ZIP file and the member it belongs to (None: the central
    directory's end record)."""

    start: int
    end: int
    member: str | None
    kind: str  # "local header", "data", "central header", "end record"


def zip_regions(data: bytes) -> list[Region]:
    """Where each member's local header, compressed data and central-directory entry
    sit in a ZIP written by zipfile (no data descriptors, no comment)."""
    regions = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
        cd_start = zf.start_dir  # type: ignore[attr-defined]
    for info in infos:
        off = info.header_offset
        name_len = int.from_bytes(data[off + 26 : off + 28], "little")
        extra_len = int.from_bytes(data[off + 28 : off + 30], "little")
        data_start = off + 30 + name_len + extra_len
        regions.append(Region(off, data_start, info.filename, "local header"))
        regions.append(Region(data_start, data_start + info.compress_size, info.filename, "data"))
    pos = cd_start
    for info in infos:
        name_len, extra_len, comment_len = (
            int.from_bytes(data[pos + 28 + 2 * k : pos + 30 + 2 * k], "little") for k in range(3)
        )
        end = pos + 46 + name_len + extra_len + comment_len
        regions.append(Region(pos, end, info.filename, "central header"))
        pos = end
    regions.append(Region(pos, len(data), None, "end record"))
    return regions


def region_of(regions: list[Region], offset: int) -> Region:
    for r in regions:
        if r.start <= offset < r.end:
            return r
    raise AssertionError(f"offset {offset} is in no region")


@contextlib.contextmanager
def peak_memory() -> Iterator[dict[str, int]]:
    """Peak Python heap (tracemalloc) of the block, in bytes, in result["peak"]; zlib's
    output buffers and every bytes object are counted."""
    import tracemalloc

    result: dict[str, int] = {}
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield result
    finally:
        result["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
