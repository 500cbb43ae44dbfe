from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "standards"


@pytest.fixture
def cap_dir() -> Path:
    return FIXTURES / "cap"


@pytest.fixture
def have_xsd() -> Path:
    return FIXTURES / "edxl-have" / "xsd" / "edxl-have" / "1.0" / "edxl-have.xsd"
