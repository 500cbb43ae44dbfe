"""Export writes each version's stored value text into its package line unchanged
(format.version_line). That is only right while every stored value is canonical JSON:
this holds the line to the plain definition, canonical JSON of the whole body, for
every version of the demo coalition, and checks that the importer reads it back."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

from helpers import StationFactory
from sqlalchemy import select

from hcc_desktop.core.ids import canonical_json
from hcc_desktop.demo.seed import seed_demo
from hcc_desktop.sync import format as fmt
from hcc_desktop.sync.exporter import LINE_COLUMNS


def test_lines_are_the_canonical_json_of_the_version(make_station: StationFactory) -> None:
    station = make_station("S0")
    seed_demo(station.store, as_of=dt.date(2026, 9, 14))
    with station.store.read() as s:
        rows = list(s.execute(select(*LINE_COLUMNS)))
    assert len(rows) > 1000
    for row in rows:
        body = {
            "id": row.id,
            "entity": row.entity,
            "record_id": row.record_id,
            "unit": row.unit,
            "value": json.loads(row.value),
            "hlc": row.hlc,
            "site": row.site_id,
            "parent": row.parent_id,
            "operator": row.operator,
            "resolves": json.loads(row.resolves) if row.resolves else None,
        }
        line = fmt.version_line(row)
        assert line == canonical_json(body).encode() + b"\n"
        parsed = fmt.parse_line(line[:-1])
        assert parsed.id == row.id and parsed.value == row.value


def test_a_resolution_line(make_station: StationFactory) -> None:
    """`resolves` sorts before "value" and is a list: the splice must keep it intact."""
    station = make_station("S0")
    seed_demo(station.store, as_of=dt.date(2026, 9, 14))
    with station.store.read() as s:
        row = s.execute(select(*LINE_COLUMNS).limit(1)).one()
    resolved = SimpleNamespace(
        **{**row._asdict(), "resolves": canonical_json(sorted(["b" * 64, "a" * 64]))}
    )
    line = fmt.version_line(resolved)
    assert json.loads(line)["resolves"] == ["a" * 64, "b" * 64]
    assert line == canonical_json({**json.loads(line)}).encode() + b"\n"
