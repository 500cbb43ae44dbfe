"""Interchange workloads: a CAP feed in, EDXL-HAVE out.

The CAP baseline is the same safe parse (defusedxml) of the feed plus the rows the
import stores (alerts, log entries; already made) written with `executemany` in one
transaction with the store's pragmas; the HAVE baseline is ElementTree serialising the
same document (same elements, attributes and text). Both sides' output is checked equal,
so the ratio is the price of what the program adds: mapping to the catalog, matching
members inside alert areas, the versioned history, SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, canonicalize, fromstring, tostring

import defusedxml.ElementTree as DET

from benchmarks.registry import Context, Lap, Result, stopwatch, workload
from benchmarks.shared import fetch_all, insert_sql, store_pragmas, table_ddl, timed_write
from hcc_desktop.core import models as m
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.interop.cap_import import import_cap
from hcc_desktop.interop.have_export import build_have

ACTOR = Actor("Bench Operator", "Situation Unit")
ALERTS = 1_000
FACILITIES = 1_000
CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"


def _feed(n: int) -> bytes:
    entries = []
    for i in range(n):
        lat = 41.0 + (i % 50) * 0.02
        entries.append(
            f"""<entry><id>urn:bench:{i}</id><title>Alert {i}</title>
<updated>2026-11-17T15:00:00-05:00</updated><content type="text/xml">
<alert xmlns="{CAP12}"><identifier>BENCH-{i}</identifier><sender>bench@nws.noaa.gov</sender>
<sent>2026-11-17T15:{i % 60:02d}:00-05:00</sent><status>Actual</status><msgType>Alert</msgType>
<scope>Public</scope><info><category>Met</category><event>Flood Warning</event>
<urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
<headline>Flood Warning {i}</headline><description>River flooding expected.</description>
<area><areaDesc>Zone {i}</areaDesc>
<polygon>{lat},-72.9 {lat + 0.1},-72.9 {lat + 0.1},-72.6 {lat},-72.6 {lat},-72.9</polygon>
<geocode><valueName>SAME</valueName><value>009003</value></geocode></area></info></alert>
</content></entry>"""
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        + "".join(entries)
        + "</feed>"
    ).encode()


def _store(ctx: Context, name: str) -> Store:
    return open_store(ctx.tmpdir / f"{name}.sqlite", station_name="Bench")


ALERTS_TABLE = m.Alert.__table__
LOG_TABLE = m.LogEntry.__table__


def _cap_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What a CAP import stored: the alerts and their log entries, all columns."""
    conn = sqlite3.connect(str(path))
    try:
        alerts = fetch_all(conn, ALERTS_TABLE.name)
        logs = conn.execute(
            f"SELECT * FROM {LOG_TABLE.name} WHERE id IN "
            f"(SELECT log_entry_id FROM {ALERTS_TABLE.name}) ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    return {ALERTS_TABLE.name: alerts, LOG_TABLE.name: logs}


@workload(
    "cap_feed_import",
    3.0,
    "Import a CAP feed of 1,000 alerts (alert records, log entries, members in areas) vs. "
    "a defusedxml parse of the feed plus executemany of the same rows",
)
def cap_feed_import(ctx: Context) -> Result:
    n = ctx.rows(ALERTS, minimum=10)
    feed = ctx.tmpdir / "feed.xml"
    data = _feed(n)
    feed.write_bytes(data)
    counter = iter(range(10_000))
    stored: dict[str, Any] = {}

    def ours() -> Lap:
        store = _store(ctx, f"cap{next(counter)}")
        for i in range(30):
            organizations.add_organization(
                store, actor=ACTOR, name=f"Hospital {i}", member_type="hospital",
                membership="core", lat=41.0 + i * 0.03, lon=-72.7,
            )  # fmt: skip
        inc = incidents.create_incident(
            store, actor=ACTOR, name="Bench", started_at="2026-11-17T00:00Z"
        )
        stored.setdefault("pragmas", store_pragmas(store))
        with stopwatch() as lap:
            import_cap(store, feed, actor=ACTOR, incident_id=inc)
        store.close()
        rows = _cap_rows(store.path)
        stored.setdefault("ours", rows)  # the baseline writes the first run's rows
        if [len(r) for r in rows.values()] != [n, n]:
            raise AssertionError(f"the import stored {[len(r) for r in rows.values()]} rows")
        return lap

    def baseline() -> Lap:
        rows = stored["ours"]
        inserts = [
            (insert_sql(t.name, [c.name for c in t.columns]), rows[t.name])
            for t in (ALERTS_TABLE, LOG_TABLE)
        ]
        ddl = table_ddl(ALERTS_TABLE, LOG_TABLE)
        with stopwatch() as parse:
            DET.fromstring(data)
        path = ctx.tmpdir / "cap-baseline.sqlite"
        lap, written = timed_write(path, stored["pragmas"], ddl, inserts)
        stored["baseline"] = written
        return Lap(parse.seconds + lap.seconds, parse.cpu_seconds + lap.cpu_seconds)

    value, base = ctx.compare(ours, baseline)
    if stored["baseline"] != stored["ours"]:
        raise AssertionError("the baseline did not store the rows the import stored")
    return Result.from_laps(value, base, alerts=n, bytes=len(data), same_rows=True)


def _have_store(ctx: Context, n: int) -> tuple[Store, str]:
    store = _store(ctx, "have")
    inc = incidents.create_incident(
        store, actor=ACTOR, name="Bench", exercise=True, started_at="2026-11-17T00:00Z"
    )
    incidents.add_period(store, actor=ACTOR, incident_id=inc, starts_at="2026-11-17T00:00Z",
                         ends_at="2026-11-17T12:00Z")  # fmt: skip
    from hcc_desktop.core.services.organizations import upsert_organizations

    upsert_organizations(store, actor=ACTOR, rows=[
        {"name": f"Hospital {i:04d}", "member_type": "hospital", "membership": "core",
         "lat": 41.0 + (i % 100) * 0.01, "lon": -72.0 - (i // 100) * 0.01, "town": "Hartford",
         "state": "CT", "zip": "06106"}
        for i in range(n)
    ])  # fmt: skip
    orgs = organizations.list_organizations(store)
    reports = [
        eei.FacilityReport(o.id, 1, {
            "FACILITY_STATUS": "Normal", "EMS_TRAFFIC_STATUS": "Normal",
            "BEDS_ADULT_ICU_STAFFED": 20, "BEDS_ADULT_ICU_AVAILABLE": 5,
            "BEDS_MEDICAL_SURGICAL_STAFFED": 200, "BEDS_MEDICAL_SURGICAL_AVAILABLE": 30,
            "STAFFING_STATUS": "Adequate"}, reported_at="2026-11-17T01:00Z")
        for o in orgs
    ]  # fmt: skip
    ids = eei.submit_reports(store, actor=ACTOR, incident_id=inc, reports=reports)
    eei.validate(store, actor=ACTOR, report_ids=ids, state="validated")
    return store, inc


@workload(
    "have_export",
    2.0,
    "EDXL-HAVE export for 1,000 facilities vs. serialising the same values with the XML "
    "library alone",
)
def have_export(ctx: Context) -> Result:
    n = ctx.rows(FACILITIES, minimum=10)
    store, inc = _have_store(ctx, n)
    # The document as nested (tag, attributes, text, children), read from one untimed
    # export: the values the baseline serialises, as the log baseline gets its rows.
    first = build_have(store, incident_id=inc, period=1)[0]
    plan = _plan(fromstring(first))
    out: dict[str, bytes] = {}

    def ours() -> Lap:
        with stopwatch() as lap:
            out["ours"] = build_have(store, incident_id=inc, period=1)[0]
        return lap

    def baseline() -> Lap:
        with stopwatch() as lap:
            out["baseline"] = tostring(_build(plan), encoding="utf-8", xml_declaration=True)
        return lap

    value, base = ctx.compare(ours, baseline)
    store.close()
    same = _canonical(out["ours"]) == _canonical(out["baseline"])
    if not same:
        raise AssertionError("the baseline's XML differs from the export's")
    return Result.from_laps(
        value, base, facilities=n, same_xml=same, bytes=len(out["ours"]),
        baseline_bytes=len(out["baseline"]),
    )  # fmt: skip


Plan = tuple[str, dict[str, str], str | None, list["Plan"]]


def _plan(e: Element) -> Plan:
    text = e.text if e.text and e.text.strip() else None
    return (e.tag, dict(e.attrib), text, [_plan(c) for c in e])


def _build(plan: Plan, parent: Element | None = None) -> Element:
    tag, attrib, text, children = plan
    e = Element(tag, attrib) if parent is None else SubElement(parent, tag, attrib)
    e.text = text
    for child in children:
        _build(child, e)
    return e


def _canonical(xml: bytes) -> str:
    """C14N 2.0 without whitespace-only text and with prefixes renamed: equal when the
    two documents have the same elements, attributes and text."""
    return canonicalize(xml.decode("utf-8"), strip_text=True, rewrite_prefixes=True)
