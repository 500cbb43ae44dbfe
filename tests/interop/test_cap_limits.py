"""CAP import at its limits: a 50 MB file, a file over the size cap, dates that are not
dates, a polygon of 100,000 points, and all-or-nothing recording under a full disk."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from hcc_desktop import cli
from hcc_desktop.cli import run as cli_run
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import alerts, incidents
from hcc_desktop.core.store import Store
from hcc_desktop.interop.cap import MAX_FILE_POINTS, TEXT_CAPS
from hcc_desktop.interop.cap_geo import MAX_POLYGON_POINTS
from hcc_desktop.interop.cap_import import import_cap, read_cap, record_cap
from hcc_desktop.interop.xmlsafe import MAX_XML, XmlRefused
from tests.store_faults import assert_all_or_nothing

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"
SENT = "2026-11-17T15:00:00-05:00"


def _alert(
    ident: str = "A-1",
    *,
    sent: str = SENT,
    description: str = "Flooding expected.",
    times: str = "",
    polygon: str = "",
) -> str:
    poly = f"<polygon>{polygon}</polygon>" if polygon else ""
    return (
        f'<alert xmlns="{CAP12}"><identifier>{ident}</identifier><sender>nws@noaa.gov</sender>'
        f"<sent>{sent}</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>"
        f"<info><event>Flood Warning</event><severity>Severe</severity>{times}"
        f"<headline>Flood Warning for Hartford</headline><description>{description}</description>"
        f"<area><areaDesc>Hartford</areaDesc>{poly}</area></info></alert>"
    )


def _cli(store_path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["--store", str(store_path), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


# ------------------------------------------------------------------ size


def test_file_over_the_cap_is_refused_naming_file_and_limit(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "huge.cap"
    big.write_text(_alert())
    with big.open("r+b") as fh:  # sparse: the size check comes before any read
        fh.truncate(MAX_XML + 1)
    with open_store(store_path) as store:
        before = dump_text(store)
        with pytest.raises(XmlRefused, match=r"huge\.cap: .*at most 50 MiB"):
            read_cap(store, big)
    code, said = _cli(store_path, "import-cap", str(big), "--new-incident", capsys=capsys)
    assert code == 1
    assert "huge.cap" in said and "50 MiB" in said
    with open_store(store_path) as store:
        assert dump_text(store) == before


def test_fifty_megabyte_alert_imports_in_bounded_memory(store: Store, actor, tmp_path) -> None:
    """One alert whose description is 50 MB: imported, the description cut (and the
    cut said), without holding the text more than once."""
    path = tmp_path / "fifty.cap"
    filler = "River flooding. " * (50_000_000 // 16)
    path.write_bytes(_alert(description=filler).encode())
    size = path.stat().st_size
    assert 50_000_000 <= size <= MAX_XML
    del filler
    tracemalloc.start()
    try:
        result = import_cap(store, path, actor=actor, new_incident=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * size, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
    assert result.new == 1
    assert any("<description> of" in w and "cut to its first" in w for w in result.warnings)
    (kept,) = alerts.list_alerts(store, incident_id=result.incident_id)
    # the first 64 KiB, less the trailing space the reader strips
    assert (
        TEXT_CAPS["description"] - 1
        <= len(kept.infos[0]["description"])
        <= TEXT_CAPS["description"]
    )


def test_big_feed_imports_in_bounded_memory(store: Store, actor, tmp_path) -> None:
    """A feed of many ordinary alerts (3 MB here): memory grows with the file, not
    faster; a generous bound that catches a copy per alert or a quadratic cost."""
    body = "River flooding expected along the Connecticut River. " * 40
    n = 3_000_000 // len(_alert(description=body))
    entries = "".join(f"<entry>{_alert(f'F-{i}', description=body)}</entry>" for i in range(n))
    path = tmp_path / "feed.atom"
    path.write_text(f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>')
    tracemalloc.start()
    try:
        result = import_cap(store, path, actor=actor, new_incident=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.new == n
    assert peak < 25 * path.stat().st_size


def test_overlong_identifier_is_refused_not_cut(store: Store, actor, incident, tmp_path) -> None:
    path = tmp_path / "ident.cap"
    path.write_text(_alert("X" * 10_000))
    before = dump_text(store)
    with pytest.raises(XmlRefused, match=r"ident\.cap: alert: <identifier> is 10000 characters"):
        import_cap(store, path, actor=actor, incident_id=incident)
    assert dump_text(store) == before


# ------------------------------------------------------------------ dates


@pytest.fixture
def incident(store: Store, actor) -> str:
    return incidents.create_incident(
        store, actor=actor, name="Flood", incident_type="flood", started_at="2026-11-17T12:00Z"
    )


@pytest.mark.parametrize(
    ("sent", "why"),
    [
        ("2026-13-45T99:00:00-05:00", "is not a real date and time"),
        ("yesterday", "is not a date and time like"),
        ("2026-11-17T15:00:00", "has no time zone"),
    ],
)
def test_bad_sent_is_refused_naming_the_element(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], sent: str, why: str
) -> None:
    path = tmp_path / "dates.cap"
    path.write_text(_alert(sent=sent))
    with open_store(store_path) as store:
        before = dump_text(store)
    code, said = _cli(store_path, "import-cap", str(path), "--new-incident", capsys=capsys)
    assert code == 1
    assert "dates.cap: alert: <sent>" in said and why in said and sent in said
    with open_store(store_path) as store:
        assert dump_text(store) == before


def test_bad_optional_times_are_ignored_and_said(store: Store, actor, incident, tmp_path) -> None:
    times = (
        "<effective>2026-13-45T99:00:00-05:00</effective><onset>yesterday</onset>"
        "<expires>2026-11-18T06:00:00</expires>"
    )
    path = tmp_path / "optional.cap"
    path.write_text(_alert(times=times))
    result = import_cap(store, path, actor=actor, incident_id=incident)
    info = result.alerts[0].alert.infos[0]
    assert (info.effective, info.onset, info.expires) == (None, None, None)
    notes = " | ".join(result.warnings)
    for element in ("effective", "onset", "expires"):
        assert f"alert info 1: <{element}>" in notes
    assert "has no time zone" in notes and notes.count("; ignored") == 3


def test_good_times_and_utc_z_are_kept(store: Store, actor, incident, tmp_path) -> None:
    path = tmp_path / "good.cap"
    path.write_text(
        _alert(sent="2026-11-17T20:00:00Z", times="<expires>2026-11-18T06:00:00-05:00</expires>")
    )
    result = import_cap(store, path, actor=actor, incident_id=incident)
    assert result.warnings == []
    assert result.alerts[0].alert.infos[0].expires == "2026-11-18T06:00:00-05:00"


# ------------------------------------------------------------------ polygons


def _ring(n: int) -> str:
    """A closed ring of n points around Hartford."""
    import math

    pts = [
        f"{41.76 + 0.2 * math.sin(2 * math.pi * i / (n - 1)):.5f},"
        f"{-72.68 + 0.2 * math.cos(2 * math.pi * i / (n - 1)):.5f}"
        for i in range(n - 1)
    ]
    return " ".join([*pts, pts[0]])


def test_polygon_of_100k_points_is_refused_quickly(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "poly.cap"
    path.write_text(_alert(polygon=_ring(100_000)))
    with open_store(store_path) as store:
        before = dump_text(store)
    start = time.perf_counter()
    code, said = _cli(store_path, "import-cap", str(path), "--new-incident", capsys=capsys)
    assert time.perf_counter() - start < 10
    assert code == 1
    assert "poly.cap: alert info 1: <polygon> has 100000 points" in said
    assert f"at most {MAX_POLYGON_POINTS}" in said
    with open_store(store_path) as store:
        assert dump_text(store) == before


def test_polygon_at_the_limit_is_accepted_and_drawn(store: Store, actor, incident, tmp_path):
    from hcc_desktop.core.timeutil import parse_iso
    from hcc_desktop.interop.areas import active_shapes

    path = tmp_path / "detailed.cap"
    path.write_text(_alert(polygon=_ring(MAX_POLYGON_POINTS)))
    start = time.perf_counter()
    result = import_cap(store, path, actor=actor, incident_id=incident)
    rows = alerts.list_alerts(store, incident_id=incident)
    (shape,) = active_shapes(rows, now=parse_iso("2026-11-17T21:00Z"))
    assert time.perf_counter() - start < 10
    assert result.new == 1 and len(shape.rings[0]) == MAX_POLYGON_POINTS


def test_too_many_points_in_one_file_is_refused(tmp_path: Path) -> None:
    from hcc_desktop.interop.cap import parse_cap_bytes

    per = MAX_POLYGON_POINTS
    count = MAX_FILE_POINTS // per + 1
    ring = _ring(per)
    feed = "".join(f"<entry>{_alert(f'P-{i}', polygon=ring)}</entry>" for i in range(count))
    data = f'<feed xmlns="http://www.w3.org/2005/Atom">{feed}</feed>'.encode()
    with pytest.raises(XmlRefused, match=rf"many\.atom: .*at most {MAX_FILE_POINTS}"):
        parse_cap_bytes(data, label="many.atom")


# ------------------------------------------------------------------ all or nothing


def _three_alerts(tmp_path: Path) -> Path:
    path = tmp_path / "three.atom"
    entries = "".join(f"<entry>{_alert(f'T-{i}')}</entry>" for i in range(3))
    path.write_text(f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>')
    return path


def test_new_incident_import_is_all_or_nothing(store_path: Path, tmp_path: Path, actor) -> None:
    """A new incident, made current, and its alerts: one commit or none."""
    path = _three_alerts(tmp_path)
    writes = assert_all_or_nothing(
        store_path,
        tmp_path / "work.sqlite",
        lambda s: import_cap(s, path, actor=actor, new_incident=True),
    )
    assert writes > 3


def test_record_cap_into_incident_is_all_or_nothing(
    store_path: Path, tmp_path: Path, actor
) -> None:
    with open_store(store_path) as s:
        inc = incidents.create_incident(s, actor=actor, name="Flood", incident_type="flood")
    path = _three_alerts(tmp_path)

    def writer(s: Store) -> object:
        return record_cap(s, read_cap(s, path), actor=actor, incident_id=inc)

    assert_all_or_nothing(store_path, tmp_path / "work.sqlite", writer)


def test_record_alerts_is_all_or_nothing(store_path: Path, tmp_path: Path, actor) -> None:
    with open_store(store_path) as s:
        inc = incidents.create_incident(s, actor=actor, name="Flood", incident_type="flood")
    inputs = [
        alerts.AlertInput(
            identifier=f"R-{i}",
            sender="nws@noaa.gov",
            sent=SENT,
            status="Actual",
            msg_type="Alert",
            scope="Public",
            note=None,
            references=[],
            infos=[],
            source="test",
            log_text=f"CAP alert R-{i}",
            priority="routine",
        )
        for i in range(3)
    ]
    assert_all_or_nothing(
        store_path,
        tmp_path / "work.sqlite",
        lambda s: alerts.record_alerts(s, actor=actor, alerts=inputs, incident_id=inc),
    )


def test_cli_new_incident_is_all_or_nothing(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI command as a whole: a full disk leaves the store as it was (and the
    command says so, exit 1)."""
    path = _three_alerts(tmp_path)
    monkeypatch.setenv("HCC_OPERATOR", "Dana Reyes")

    def writer(s: Store) -> object:
        monkeypatch.setattr(cli_run, "open_store", lambda *a, **k: _Unclosed(s))
        code = cli.main(["--store", str(s.path), "import-cap", str(path), "--new-incident"])
        if code != 0:
            raise RuntimeError(f"exit {code}")
        return code

    assert_all_or_nothing(store_path, tmp_path / "work.sqlite", writer)


class _Unclosed:
    """The test's open store handed to the CLI, which would otherwise open (and
    close) its own, out of reach of the fault injection."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def close(self) -> None:
        pass

    def __enter__(self) -> Store:
        return self._store

    def __exit__(self, *exc: object) -> None:
        pass
