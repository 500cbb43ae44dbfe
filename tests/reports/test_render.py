"""Every document renders with poppler's pdftoppm (what CI installs), page by page: a
PDF that one viewer forgives and a printer's RIP chokes on is no use in an outage."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hcc_desktop.cli.context import resolve_org
from hcc_desktop.core.store import Store
from hcc_desktop.reports import build_briefing, build_hics251, build_ics213rr, build_ics214
from tests.reports.conftest import BUNDLED_FONTS, NOW, ZONE, shown_fonts

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm not installed (apt-get install poppler-utils; CI installs it)",
)


def _render(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / pdf.stem)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def test_all_documents_render(demo_store: Store, tmp_path: Path) -> None:
    griffin = resolve_org(demo_store, "Griffin Hospital", "facility")
    docs = [
        build_briefing(demo_store, tmp_path / "briefing.pdf", now=NOW, zone=ZONE),
        build_briefing(demo_store, tmp_path / "public.pdf", public=True, paper="a4", now=NOW),
        build_ics214(demo_store, tmp_path / "ics214.pdf", now=NOW, zone=ZONE),
        build_ics213rr(demo_store, tmp_path / "ics213rr.pdf", request="CTDPH-002", now=NOW),
        build_hics251(demo_store, tmp_path / "hics251.pdf", facility_id=griffin.id, now=NOW),
    ]
    for doc in docs:
        images = _render(doc.path, tmp_path)
        assert len(images) == doc.pages
        assert all(img.stat().st_size > 2_000 for img in images)
        assert shown_fonts(doc.path) <= BUNDLED_FONTS
