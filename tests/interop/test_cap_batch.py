"""The fast paths of a CAP feed's import give what the plain paths gave: alerts recorded
through `Writer.put_new` store exactly the versions, winners and rows one `put` per
record stored; a feed read entry by entry as it parses reads the same alerts and
refuses with the same message as a read of the whole tree; members inside areas found
through bounding boxes are the members `area_contains` finds one by one."""

from __future__ import annotations

import math
import os
import random
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hcc_desktop.core import versions
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents, organizations
from hcc_desktop.core.services.alerts import alert_id
from hcc_desktop.core.services.common import Actor
from hcc_desktop.interop import areas
from hcc_desktop.interop.cap import (
    MAX_FILE_POINTS,
    TEXT_CAP,
    TEXT_CAPS,
    _feed,
    parse_cap_bytes,
)
from hcc_desktop.interop.cap_import import import_cap
from hcc_desktop.interop.xmlsafe import XmlRefused, parse_xml
from tests.conftest import FakeWall, copy_store

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"
SENDER = "nws@noaa.gov"


def _entry(i: int, *, references: str = "", poly_lat: float = 41.2) -> str:
    refs = f"<references>{references}</references>" if references else ""
    lat = poly_lat
    return (
        f"<entry><id>urn:t:{i}</id><title>Alert {i}</title><content type='text/xml'>"
        f'<alert xmlns="{CAP12}"><identifier>T-{i}</identifier><sender>{SENDER}</sender>'
        f"<sent>2026-11-17T15:{i:02d}:00-05:00</sent><status>Actual</status>"
        f"<msgType>{'Update' if refs else 'Alert'}</msgType><scope>Public</scope>{refs}"
        f"<info><category>Met</category><event>Flood Warning</event><urgency>Expected</urgency>"
        f"<severity>Severe</severity><certainty>Likely</certainty>"
        f"<headline>Flood Warning {i}</headline><description>River flooding.</description>"
        f"<area><areaDesc>Zone {i}</areaDesc><polygon>{lat},-72.9 {lat + 0.5},-72.9 "
        f"{lat + 0.5},-72.5 {lat},-72.5 {lat},-72.9</polygon>"
        f"<geocode><valueName>SAME</valueName><value>009003</value></geocode></area>"
        f"</info></alert></content></entry>"
    )


def _feed_bytes(entries: Iterable[str], tail: str = "</feed>") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        + "".join(entries)
        + tail
    ).encode()


# ------------------------------------------------------------------ recording


def _put_one_by_one(
    self: versions.Writer, items: Iterable[tuple[str, str, Mapping[str, Any]]]
) -> list[list[str]]:
    """What `put_new` stands for: one `put(..., new=True)` per record."""
    return [self.put(entity, rid, values, new=True) for entity, rid, values in items]


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(str(path))
    try:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("versions", "winners", "alerts", "log_entries", "change_sets")
        }
    finally:
        conn.close()


def _record_twice(
    template: Path, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, list[tuple[Any, ...]]]:
    """Three imports into a copy of the template store with a fixed clock and fixed
    random bytes, so two runs make the same ids: six new alerts (one updating another);
    then, after one of them is deleted, a feed with all six again plus two new ones
    (the deleted one is recorded again between fresh ones, the rest are duplicates)."""
    counter = iter(range(1_000_000))
    monkeypatch.setattr(os, "urandom", lambda n: next(counter).to_bytes(n, "big"))
    (tmp_path / name).mkdir()
    path = copy_store(template, tmp_path / name / "store.sqlite")
    wall = FakeWall()
    store = open_store(path, wall=wall)
    actor = Actor("Dana Reyes", "Situation Unit Leader")
    try:
        for i, lat in enumerate((41.3, 41.7, 42.6)):
            organizations.add_organization(
                store, actor=actor, name=f"Hospital {i}", member_type="hospital",
                membership="core", lat=lat, lon=-72.7,
            )  # fmt: skip
        inc = incidents.create_incident(
            store, actor=actor, name="Flood", started_at="2026-11-17T12:00Z"
        )
        ref = f"{SENDER},T-1,2026-11-17T15:01:00-05:00"
        first = [_entry(i, references=ref if i == 4 else "") for i in range(1, 7)]
        feed = tmp_path / name / "feed-1.xml"
        feed.write_bytes(_feed_bytes(first))
        wall.advance()
        assert import_cap(store, feed, actor=actor, incident_id=inc).new == 6
        wall.advance()
        gone = alert_id("T-2", SENDER, "2026-11-17T15:02:00-05:00")
        with store.writing(operator=actor.label, summary="delete") as w:
            w.put("alert", gone, {"deleted": True})
        wall.advance()
        feed = tmp_path / name / "feed-2.xml"
        feed.write_bytes(_feed_bytes([*first, _entry(7), _entry(8)]))
        result = import_cap(store, feed, actor=actor, incident_id=inc)
        assert (result.new, result.duplicates) == (3, 5)
    finally:
        store.close()
    return _tables(path)


def test_put_new_stores_what_put_by_put_stored(
    template_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batched = _record_twice(template_store, tmp_path, "batched", monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(versions.Writer, "put_new", _put_one_by_one)
        plain = _record_twice(template_store, tmp_path, "plain", monkeypatch)
    assert len(batched["alerts"]) == 8 and len(batched["versions"]) > 40
    for table, rows in plain.items():
        assert batched[table] == rows, table


# ------------------------------------------------------------------ parsing


def _whole_tree(data: bytes, label: str = "feed") -> list[dict[str, Any]]:
    """The feed read as before: the whole tree parsed, then its entries."""
    root = parse_xml(data, label=label, text_caps=TEXT_CAPS, text_cap=TEXT_CAP)
    alerts = _feed(root, label, entry="entry")
    points = sum(len(p) for a in alerts for i in a.infos for ar in i.areas for p in ar.polygons)
    assert points <= MAX_FILE_POINTS
    return [a.as_dict() for a in alerts]


def _outcome(read: Any, data: bytes) -> Any:
    try:
        return read(data)
    except XmlRefused as exc:
        return ("refused", str(exc))


SUMMARY = (
    "<entry><id>urn:s:1</id><updated>2026-11-17T15:00:00-05:00</updated>"
    "<event xmlns='urn:oasis:names:tc:emergency:cap:1.1'>Winter Storm Watch</event>"
    "<title>Watch</title></entry>"
)
NEITHER = "<entry><id>urn:x</id><title>No alert here</title></entry>"
LONG = f"<entry><id>urn:l</id><content><alert xmlns='{CAP12}'><identifier>L</identifier>" + (
    f"<sender>{SENDER}</sender><sent>2026-11-17T15:00:00-05:00</sent><status>Actual</status>"
    f"<msgType>Alert</msgType><note>{'n' * (TEXT_CAPS['note'] + 10)}</note></alert>"
    "</content></entry>"
)


@pytest.mark.parametrize(
    "data",
    [
        _feed_bytes([_entry(i) for i in range(1, 6)]),
        _feed_bytes([_entry(1), SUMMARY, LONG, "<title>between</title>", _entry(2)]),
        _feed_bytes([_entry(1), NEITHER, _entry(2)]),
        _feed_bytes([_entry(1), NEITHER, _entry(2)], tail="<entry></feed>"),
        _feed_bytes([_entry(1), _entry(2).replace("<identifier>T-2</identifier>", "")]),
        _feed_bytes([_entry(1), _entry(2).replace("-05:00</sent>", "</sent>"), NEITHER]),
        _feed_bytes(["<title>empty</title>"]),
        _feed_bytes(["<x><entry>nested, not an entry of the feed</entry></x>", _entry(3)]),
        _feed_bytes([_entry(1)], tail=""),
    ],
    ids=[
        "plain", "mixed", "neither", "neither-then-malformed", "no-identifier",
        "no-zone", "empty", "nested", "unclosed",
    ],
)  # fmt: skip
def test_feed_read_entry_by_entry_reads_what_the_whole_tree_read(data: bytes) -> None:
    def streamed(d: bytes) -> list[dict[str, Any]]:
        return [a.as_dict() for a in parse_cap_bytes(d, label="feed")]

    assert _outcome(streamed, data) == _outcome(_whole_tree, data)


def test_a_malformed_feed_is_refused_as_such_whatever_its_entries() -> None:
    data = _feed_bytes([_entry(1), NEITHER], tail="<entry></feed>")
    with pytest.raises(XmlRefused, match="not well-formed XML"):
        parse_cap_bytes(data, label="feed")


# ------------------------------------------------------------------ areas


def _one_by_one(infos: list[dict[str, Any]], members: list[Any]) -> list[Any]:
    """`members_inside` as it was: every member asked every shape of every area, each
    polygon behind its bounding box (a polygon with a NaN corner answers as that did)."""

    def polygon(poly: Any) -> Any:
        lats, lons = [p[0] for p in poly] or [0.0], [p[1] for p in poly] or [0.0]
        south, north = min(lats), max(lats)
        west, east = min(lons) - areas.BOX_SLACK, max(lons) + areas.BOX_SLACK

        def test(lat: float, lon: float) -> bool:
            if lat < south or lat > north or lon < west or lon > east:
                return False
            return areas.point_in_polygon(lat, lon, poly)

        return test

    counties = areas._county_tests()
    tests: list[Any] = []
    for area in (a for info in infos for a in info.get("areas") or ()):
        tests += [polygon(p) for p in area.get("polygons") or ()]
        for c_lat, c_lon, radius in area.get("circles") or ():
            tests.append(lambda la, lo, c=(c_lat, c_lon, radius): (
                areas.distance_km(la, lo, c[0], c[1]) <= c[2]
            ))  # fmt: skip
        for name, value in area.get("geocodes") or ():
            fips = areas.county_fips(name, value)
            if fips and fips in counties:
                tests.append(counties[fips])
    return [
        o
        for o in members
        if o.lat is not None and o.lon is not None and any(t(o.lat, o.lon) for t in tests)
    ]


def test_members_inside_by_boxes_finds_what_each_member_test_finds() -> None:
    rng = random.Random(7)
    members = [
        SimpleNamespace(name=f"m{i}", lat=rng.uniform(40.9, 42.1), lon=rng.uniform(-73.8, -71.7))
        for i in range(400)
    ]
    # Members on corners and edges, and members without a usable position.
    members += [
        SimpleNamespace(name="corner", lat=41.5, lon=-72.5),
        SimpleNamespace(name="edge", lat=41.5, lon=-72.3),
        SimpleNamespace(name="no position", lat=None, lon=-72.5),
        SimpleNamespace(name="nan", lat=math.nan, lon=-72.5),
        SimpleNamespace(name="Hartford", lat=41.7545, lon=-72.6797),
    ]
    points = areas.MemberPoints(members)
    shapes: list[list[dict[str, Any]]] = [
        [{"areas": [{"polygons": [[[41.5, -72.5], [41.9, -72.5], [41.9, -72.1], [41.5, -72.5]]]}]}],
        [{"areas": [{"circles": [[41.6, -72.6, 15.0]]}, {"geocodes": [["SAME", "009003"]]}]}],
        [{"areas": [{"polygons": [[[41.0, -73.0], [41.0, -73.0], [41.0, -73.0], [41.0, -73.0]]]}]}],
        [
            {
                "areas": [
                    {"polygons": [[[41.2, -72.4], [41.2, math.nan], [41.8, -72.0], [41.2, -72.4]]]}
                ]
            }
        ],
        [{"areas": []}, {"areas": [{"geocodes": [["FIPS", "09009"], ["SAME", "x"]]}]}],
    ]
    for _ in range(60):
        lat, lon = rng.uniform(41.0, 42.0), rng.uniform(-73.5, -72.0)
        ring = [
            [lat + rng.uniform(-0.4, 0.4), lon + rng.uniform(-0.4, 0.4)]
            for _ in range(rng.randint(3, 9))
        ]
        shapes.append([{"areas": [{"polygons": [[*ring, ring[0]]]}]}])
    for infos in shapes:
        assert areas.members_inside(infos, points) == _one_by_one(infos, members)
        assert areas.members_inside(infos, members) == _one_by_one(infos, members)
