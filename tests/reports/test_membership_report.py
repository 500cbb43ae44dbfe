"""The membership report on paper: the figures of `membership.membership_report` by
status, type and region, the HPP core types a region lacks in words, every member
under its region with its dates, "Page N of M", only the bundled fonts; one region
alone; refusals naming the field; `members print` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core.enums import MEMBER_TYPES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import membership, organizations
from hcc_desktop.core.store import Store
from hcc_desktop.reports.membership_report import build_membership_report
from tests.reports.conftest import (
    BUNDLED_FONTS,
    DUTY_OFFICER,
    ZONE,
    assert_page_numbers,
    pdf_pages,
    pdf_text,
    shown_fonts,
)
from tests.reports.test_cli_reports import _snapshot, run


@pytest.fixture(scope="module")
def report(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("membership") / "members.pdf"
    result = build_membership_report(
        demo_store, out, paper="letter", prepared_by=DUTY_OFFICER, zone=ZONE
    )
    assert result.pages == len(pdf_pages(out)) and not result.draft
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_totals_types_and_regions_as_the_service_counts_them(
    demo_store: Store, report: Path
) -> None:
    rep = membership.membership_report(demo_store)
    text = _flat(pdf_text(report))
    assert f"{rep.total} members as of" in text and f"{rep.active} active" in text
    for c in rep.by_status:
        assert f"{c.label} {c.count}" in text
    for c in rep.by_type:
        if c.count:
            assert c.label in text
    gaps = [r for r in rep.by_region if r.core_types_missing]
    assert gaps, "the demo has a region without a core member of some core type"
    for r in rep.by_region:
        assert f"{r.total}" in text and (r.name or "")[:12] in text
    missing = ", ".join(MEMBER_TYPES[t] for t in gaps[0].core_types_missing)
    assert _flat(f"None: {missing}") in text


def test_every_member_under_its_region_with_its_dates(demo_store: Store, report: Path) -> None:
    text = _flat(pdf_text(report))
    orgs = organizations.list_organizations(demo_store)
    for o in orgs:
        assert _flat(o.name or "")[:25] in text
    joined = [o for o in orgs if o.joined_on]
    assert joined and all(o.joined_on in text for o in joined)
    regions = organizations.list_regions(demo_store)
    for r in regions:
        count = sum(o.region_id == r.id for o in orgs)
        if count:
            assert _flat(f"{r.name} ({count})") in text


def test_pages_numbered_fonts_embedded(report: Path) -> None:
    pages = pdf_pages(report)
    assert_page_numbers(pages)
    assert shown_fonts(report) <= BUNDLED_FONTS


def test_one_region_alone(demo_store: Store, tmp_path: Path) -> None:
    region = next(r for r in organizations.list_regions(demo_store) if r.key == "ma-1")
    out = tmp_path / "ma1.pdf"
    build_membership_report(demo_store, out, region_id=region.id, zone=ZONE)
    text = _flat(pdf_text(out))
    rep = membership.membership_report(demo_store, region_id=region.id)
    assert f"Members of {region.name}" in text and f"{rep.total} members as of" in text
    orgs = organizations.list_organizations(demo_store)
    inside = " | ".join(_flat(o.name or "") for o in orgs if o.region_id == region.id)
    outsiders = [_flat(o.name or "") for o in orgs if o.region_id != region.id]
    # Names that are not part of a member's name inside the region must not appear.
    shown = [n for n in outsiders if n not in inside and n in text]
    assert not shown and len(outsiders) > 100


def test_refusals_name_the_field(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        build_membership_report(demo_store, tmp_path / "missing" / "r.pdf")
    assert err.value.field == "out"
    with pytest.raises(ValidationError) as err:
        build_membership_report(demo_store, tmp_path / "r.pdf", region_id="no-such-region")
    assert err.value.field == "region" and not (tmp_path / "r.pdf").exists()


def test_members_print_on_the_command_line(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "members.pdf"
    assert run(demo_path, "members", "print", str(out), "--a4", "--region", "ct") == 0
    assert f"Wrote {out}: membership report of " in capsys.readouterr().out
    assert "Connecticut" in pdf_text(out)
    before = _snapshot(demo_path)
    for args, field in (
        (("members", "print", str(tmp_path / "no" / "r.pdf")), "out"),
        (("members", "print", str(tmp_path / "r.pdf"), "--region", "nowhere"), "region"),
    ):
        assert run(demo_path, *args) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"hcc-desktop: {field}: ") and err.count("\n") == 1
    assert _snapshot(demo_path) == before
    assert not (tmp_path / "r.pdf").exists()
