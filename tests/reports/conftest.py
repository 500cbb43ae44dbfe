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
    with Store.open(path, station_name="CTDPH-EOC-01") as store:
        demo.seed_demo(store, as_of=AS_OF)
    return path


@pytest.fixture(scope="session")
def demo_store(demo_path: Path) -> Iterator[Store]:
    """Shared by every report test: they only read."""
    store = Store.open(demo_path)
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
