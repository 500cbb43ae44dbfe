"""Spreadsheets in: CSV (any common delimiter; UTF-8 with or without BOM, UTF-16/32 with
BOM, else Windows-1252) and XLSX (openpyxl, read-only), with size caps, as header +
rows.

Reading streams: `open_table` hands rows over one at a time, so a 100,000-row file
never sits in memory as bytes, text and rows at once. A cell our own export made inert
(a leading `'` before a formula character, see tabular.safe_cell) reads back as written."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from hcc_desktop.core.errors import HccError
from hcc_desktop.interop.tabular import FORMULA_START, PROGRESS_EVERY, Progress

MAX_FILE = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL = 10_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class TableRefused(HccError):
    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


@dataclass
class Table:
    """Header and rows of the first sheet. `refused` holds the rows the reader
    itself will not hand over as values (line → reason, e.g. a formula cell); the
    previews show them as refused rows rather than guess at their contents."""

    file: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line or row number in the file, cells)
    refused: dict[int, str] = field(default_factory=dict)


@dataclass
class TableStream:
    """Like `Table`, but `rows` can be iterated once, while `open_table` is open;
    `refused` fills as the rows go by."""

    file: str
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    refused: dict[int, str] = field(default_factory=dict)


def read_table(
    path: Path, *, progress: Progress | None = None, rows_required: bool = True
) -> Table:
    """The whole table in memory (the import dialog shows and maps it)."""
    with open_table(path, progress=progress, rows_required=rows_required) as stream:
        rows = list(stream.rows)
        return Table(stream.file, stream.headers, rows, stream.refused)


@contextmanager
def open_table(
    path: Path, *, progress: Progress | None = None, rows_required: bool = True
) -> Iterator[TableStream]:
    """The header, then the rows one by one. Refuses (naming the file) what is not a
    table: unreadable, too big, empty, an unknown encoding, and (unless not
    `rows_required`) a header with no rows, which no import can use."""
    path = Path(path)
    label = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableRefused(label, f"cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise TableRefused(label, "the file is empty (0 bytes)")
    if size > MAX_FILE:
        raise TableRefused(label, f"{size} bytes; at most {MAX_FILE // 2**20} MiB are read")
    opener = _open_xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else _open_csv
    with opener(path, label, size, progress) as stream:
        if rows_required:
            first = next(stream.rows, None)
            if first is None:
                raise TableRefused(label, "only a header row; there are no rows to import")
            stream.rows = chain([first], stream.rows)
        yield stream


# ------------------------------------------------------------------------ CSV


def _encoding(path: Path, label: str) -> str:
    """The file's encoding, checked over the whole file a block at a time: a BOM
    decides; else UTF-8 if every byte decodes, else Windows-1252 (which also reads
    Latin-1 letters)."""
    with path.open("rb") as fh:
        head = fh.read(4)
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return encoding
        if b"\x00" in head:
            raise TableRefused(
                label,
                "has NUL bytes: UTF-16 without a byte-order mark, or not text; "
                "save it as CSV (UTF-8) and import that",
            )
        for encoding in ("utf-8", "cp1252"):
            fh.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
    raise TableRefused(label, "neither UTF-8, UTF-16 nor Windows-1252 text")


class _CountingReader:
    """A binary file that remembers how many bytes were read (for progress)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.done = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.done += len(data)
        return data

    def read1(self, n: int = -1) -> bytes:
        data = self.raw.read1(n)  # type: ignore[attr-defined]
        self.done += len(data)
        return data

    def readable(self) -> bool:
        return True


@contextmanager
def _open_csv(
    path: Path, label: str, size: int, progress: Progress | None
) -> Iterator[TableStream]:
    import io

    encoding = _encoding(path, label)
    with path.open("rb") as raw:
        counting = _CountingReader(raw)
        text = io.TextIOWrapper(counting, encoding=encoding, newline="")  # type: ignore[arg-type]
        try:
            sample = text.read(8192)
            if not sample.strip():
                raise TableRefused(label, "the file is empty (blank)")
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel
            text.seek(0)
            counting.done = 0
            reader = csv.reader(text, dialect)
            try:
                header = next(reader)
            except (StopIteration, csv.Error) as exc:
                raise TableRefused(label, f"no header row ({exc})") from None
            headers = _headers(header, label)

            def rows() -> Iterator[tuple[int, dict[str, str]]]:
                count = 0
                try:
                    for cells in reader:
                        if not any(c.strip() for c in cells):
                            continue
                        count += 1
                        if count > MAX_ROWS:
                            raise TableRefused(label, f"more than {MAX_ROWS} rows")
                        if progress is not None and count % PROGRESS_EVERY == 0:
                            progress(counting.done, size)
                        yield reader.line_num, _row(headers, cells, label, reader.line_num)
                except csv.Error as exc:
                    raise TableRefused(label, f"line {reader.line_num}: {exc}") from None
                except UnicodeDecodeError as exc:  # a BOM that lied about the rest
                    raise TableRefused(label, f"line {reader.line_num}: {exc.reason}") from None
                if progress is not None:
                    progress(size, size)

            yield TableStream(label, headers, rows())
        finally:
            text.detach()


# ----------------------------------------------------------------------- XLSX


@contextmanager
def _open_xlsx(
    path: Path, label: str, size: int, progress: Progress | None
) -> Iterator[TableStream]:
    """The first sheet, read-only and streaming.

    A cell holding a formula is not evaluated and not taken: its row is refused,
    naming the line and the column, and the operator pastes values over the formulas
    and imports again. Its cached result may be stale or missing (files written by
    other programs often have none), and its text is not the value the operator saw,
    so neither is what an EOC operator would expect to land in the store. A cell
    stored as text that merely starts with "=" is text and is taken as it is."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise TableRefused(label, f"not a readable XLSX workbook ({exc})") from None
    except Exception as exc:  # zipfile.BadZipFile and the like from inside openpyxl
        raise TableRefused(label, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        ws = wb.worksheets[0]
        first_row = ws.min_row or 1
        total = ws.max_row or 0
        it = ws.iter_rows()
        header = next(it, None)
        if header is None or all(c.value is None for c in header):
            raise TableRefused(label, "the first sheet is empty")
        for i, c in enumerate(header, start=1):
            if c.data_type == "f":
                raise TableRefused(
                    label,
                    f"row {first_row}, column {get_column_letter(i)}: the header is a formula",
                )
        headers = _headers(["" if c.value is None else str(c.value) for c in header], label)
        stream = TableStream(label, headers, iter(()))

        def rows() -> Iterator[tuple[int, dict[str, str]]]:
            count = 0
            for n, row in enumerate(it, start=first_row + 1):
                cells = []
                formula = None
                for i, c in enumerate(row):
                    if c.data_type == "f":
                        column = headers[i] if i < len(headers) and headers[i] else None
                        where = (
                            f"column {column!r}" if column else f"column {get_column_letter(i + 1)}"
                        )
                        formula = formula or (
                            f"{where} holds a formula ({_formula_text(c.value)}); only values "
                            "are imported: paste the values over the formulas and import again"
                        )
                        cells.append("")
                    else:
                        cells.append("" if c.value is None else _cell_text(c.value))
                if formula is None and not any(c.strip() for c in cells):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise TableRefused(label, f"more than {MAX_ROWS} rows")
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(n, total)
                if formula is not None:
                    stream.refused[n] = formula
                yield n, _row(headers, cells, label, n)
            if progress is not None:
                progress(total, total)

        stream.rows = rows()
        yield stream
    finally:
        wb.close()


def _formula_text(value: Any) -> str:
    text = str(getattr(value, "text", value))  # ArrayFormula keeps its text aside
    return text if len(text) <= 40 else text[:39] + "…"


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _headers(header: Sequence[str], label: str) -> list[str]:
    headers = [h.strip() for h in header]
    if not any(headers):
        raise TableRefused(label, "the header row is empty")
    seen = set()
    for h in headers:
        if h and h.lower() in seen:
            raise TableRefused(label, f"column {h!r} appears twice in the header")
        seen.add(h.lower())
    return headers


def _row(headers: list[str], cells: Sequence[str], label: str, line: int) -> dict[str, str]:
    for c in cells:
        if len(c) > MAX_CELL:
            raise TableRefused(label, f"line {line}: a cell is longer than {MAX_CELL} characters")
    return {
        h: _unescape(cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers) if h
    }


def _unescape(text: str) -> str:
    """Undo `safe_cell`'s quote, so a table exported here reads back as it was."""
    if text[:1] == "'" and text[1:2] in FORMULA_START and text[1:2]:
        return text[1:]
    return text
