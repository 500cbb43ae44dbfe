"""Fixtures of the report tests: the demo coalition seeded once per session (seeding
takes seconds), documents built once per module, and the text of a PDF as pypdf reads
it, which is what a person searching or copying from the PDF gets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

#: The demo story's "now" (D 21:30 in New York on the as-of date) and zone, so that
#: "overdue" and the printed times do not depend on when the tests run.
AS_OF = dt.date(2026, 11, 20)
NOW = "2026-11-21T02:30:00Z"
ZONE = ZoneInfo("America/New_York")
DUTY_OFFICER = Actor("Marisol Ortega", "Duty Officer")


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    demo = pytest.importorskip("hcc_desktop.demo", reason="the demo data set is not built yet")
    path = tmp_path_factory.mktemp("demo") / "store.sqlite"
    with open_store(path, station_name="CTDPH-EOC-01") as store:
        demo.seed_demo(store, as_of=AS_OF)
    return path


@pytest.fixture(scope="session")
def demo_store(demo_path: Path) -> Iterator[Store]:
    """Shared by every report test: they only read."""
    store = open_store(demo_path)
    yield store
    store.close()


def pdf_pages(path: Path) -> list[str]:
    """Each page's text with runs of white space made one space (table cells wrap)."""
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def pdf_text(path: Path) -> str:
    return " ".join(pdf_pages(path))


def assert_page_numbers(pages: list[str], prefix: str = "") -> None:
    total = len(pages)
    for n, text in enumerate(pages, start=1):
        assert re.search(rf"{re.escape(prefix)}Page {n} of {total}\b", text), (n, text[-300:])


BUNDLED_FONTS = frozenset(
    {
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSansCondensed",
        "DejaVuSansCondensed-Bold",
    }
)


def shown_fonts(path: Path) -> set[str]:
    """The fonts in which a PDF shows text, after checking that each run of text is
    shown in a TrueType font embedded in the file (a printer without DejaVu prints the
    same) and that no page carries an image (of text or otherwise). reportlab may
    select its default font while drawing a table cell's background; only fonts that
    show glyphs count."""
    reader = PdfReader(str(path))
    shown: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"]
        xobjects = resources.get("/XObject", {})
        assert not any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())
        fonts = {name: ref.get_object() for name, ref in resources["/Font"].items()}
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = fonts[operands[0]]
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                assert current is not None, "text shown before any font was chosen"
                font = current
                if font["/Subtype"] == "/Type0":
                    font = font["/DescendantFonts"][0].get_object()
                assert "/FontFile2" in font.get("/FontDescriptor", {}), (
                    f"{path.name}: {operands!r} shown in {current['/BaseFont']}, not embedded"
                )
                shown.add(str(current["/BaseFont"]).split("+")[-1])
    return shown
