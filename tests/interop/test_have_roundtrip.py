"""Lossless EDXL-HAVE: what one store exports, another store with the same members
imports equal, for every value HAVE can carry (statuses, bed counts, EMS traffic with
its reason, services); what HAVE cannot carry is named in the export report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.store import Store
from hcc_desktop.interop.have_export import export_have
from hcc_desktop.interop.have_import import import_have
from hcc_desktop.interop.have_map import mappings
from tests.conftest import FakeWall, copy_store

CAT = load_catalog()
MAPS = {mp.element.code: mp for mp in mappings(CAT)}


def _value(code: str) -> st.SearchStrategy[Any]:
    el = CAT.elements[code]
    if el.value_type == "choice":
        # Choices HAVE has a word for (a closed morgue has none: see the report test).
        return st.sampled_from([c for c in el.choices if el.have_values.get(c) is not None])
    if el.value_type == "integer":
        low = int(el.min) if el.min is not None else 0
        high = int(el.max) if el.max is not None else 100_000
        return st.integers(min_value=low, max_value=min(high, 100_000))
    assert el.value_type == "text", code
    # Anything XML can carry, line breaks (including a Windows \r) inside; surrounding
    # blanks are layout in XML, so the catalog's text is compared as trimmed.
    chars = st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\n\t\r")
    return st.text(chars, min_size=1, max_size=60).map(str.strip).filter(bool)


def _consistent(values: dict[str, Any]) -> dict[str, Any]:
    """Raise the right side of each catalog rule (available ≤ staffed) that the drawn
    values break: the service refuses such a report, which is not what is tested."""
    for rule in CAT.rules:
        if rule.op == "<=" and rule.left in values and rule.right in values:
            values[rule.right] = max(values[rule.right], values[rule.left])
    return values


REPORTS = st.lists(
    st.dictionaries(st.sampled_from(sorted(MAPS)), st.none(), min_size=1)
    .flatmap(lambda d: st.fixed_dictionaries({code: _value(code) for code in d}))
    .map(_consistent),
    min_size=1,
    max_size=3,
)


@pytest.fixture
def pair(tmp_path: Path, template_store: Path, actor) -> Iterator[tuple[Store, Store, list[str]]]:
    """Two stores with the same three members (B is a copy of A made before any
    incident), each opened on its own clock."""
    a_path = copy_store(template_store, tmp_path / "a.sqlite")
    a = open_store(a_path, wall=FakeWall())
    ids = [
        organizations.add_organization(
            a, actor=actor, name=name, member_type="hospital", membership="core", town=town
        )
        for name, town in (
            ("Backus Hospital", "Norwich"),
            ("Lawrence + Memorial Hospital", "New London"),
            ("Windham Hospital", "Willimantic"),
        )
    ]
    a.close()
    b_path = copy_store(a_path, tmp_path / "b.sqlite")
    a, b = open_store(a_path, wall=FakeWall()), open_store(b_path, wall=FakeWall())
    yield a, b, ids
    a.close()
    b.close()


def _incident(store: Store, actor) -> str:
    return incidents.create_incident(
        store, actor=actor, name="Round trip", started_at="2026-11-18T00:00Z",
        first_period_hours=12,
    )  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(reports=REPORTS)
def test_every_carried_value_arrives_equal(pair, actor, tmp_path, reports) -> None:
    a, b, ids = pair
    inc_a, inc_b = _incident(a, actor), _incident(b, actor)
    sent: dict[tuple[str, str], Any] = {}
    for org_id, values in zip(ids, reports, strict=False):
        rep_ids = eei.set_values(
            a, actor=actor, incident_id=inc_a, organization_id=org_id, period=1,
            values=values, reported_at="2026-11-18T01:00Z",
        )  # fmt: skip
        eei.validate(a, actor=actor, report_ids=rep_ids, state="validated")
        sent.update({(org_id, code): v for code, v in values.items()})
    out = tmp_path / "have.xml"
    result = export_have(a, out, incident_id=inc_a, period=1)
    assert result.values == len(sent)
    assert result.not_carried == ()
    imported = import_have(b, out, actor=actor, incident_id=inc_b, period=1)
    assert imported.unmatched == []
    got = {
        (r.organization_id, r.element_code): r.value
        for r in eei.reports_for_period(b, incident_id=inc_b, period=1)
    }
    assert got == sent


def test_export_report_names_what_have_cannot_carry(pair, actor, tmp_path) -> None:
    a, _b, ids = pair
    inc = _incident(a, actor)
    rep_ids = eei.set_values(
        a, actor=actor, incident_id=inc, organization_id=ids[0], period=1,
        values={
            "MORGUE_STATUS": "Closed", "VENTILATORS_AVAILABLE": 3,
            "EMS_TRAFFIC_REASON": "Generator\x07 failure", "BEDS_BURN_AVAILABLE": 2,
        },
        comment="called in by the house supervisor", reported_at="2026-11-18T01:00Z",
    )  # fmt: skip
    eei.validate(a, actor=actor, report_ids=rep_ids, state="validated")
    result = export_have(a, tmp_path / "h.xml", incident_id=inc, period=1)
    text = "\n".join(result.not_carried)
    assert "VENTILATORS_AVAILABLE" in text and "no HAVE element" in text
    assert "MORGUE_STATUS" in text and "'Closed': no HAVE value" in text
    assert "EMS_TRAFFIC_REASON" in text and "without characters XML cannot carry" in text
    assert "comments on 2 reported values" in text
    assert "Generator failure" in (tmp_path / "h.xml").read_text(encoding="utf-8")
