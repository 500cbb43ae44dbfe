"""An incident opened from a CAP alert is ready for work: it starts with a first
operational period (the alert's onset or effective time to its expiry, else the
default length), so the next HAVE or EEI import is not refused; and the commands that
act on the current incident name it."""

from __future__ import annotations

from pathlib import Path

from hcc_desktop.core.services import incidents
from hcc_desktop.interop.cap_import import import_cap
from tests.test_cli import coalition, run  # noqa: F401  (fixtures)

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"


def _alert(path: Path, *, times: str, sent: str = "2026-11-17T15:00:00-05:00") -> Path:
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="{CAP12}">
  <identifier>HU-OPEN-1</identifier><sender>w-nws.webmaster@noaa.gov</sender>
  <sent>{sent}</sent><status>Exercise</status><msgType>Alert</msgType><scope>Public</scope>
  <info><category>Met</category><event>Hurricane Warning</event>
    <urgency>Expected</urgency><severity>Extreme</severity><certainty>Likely</certainty>
    {times}<headline>Hurricane Warning for the shoreline</headline>
    <area><areaDesc>New London County</areaDesc></area></info>
</alert>""",
        encoding="utf-8",
    )
    return path


def test_period_runs_from_onset_to_expiry(store, actor, tmp_path) -> None:
    f = _alert(
        tmp_path / "a.xml",
        times="<effective>2026-11-17T15:00:00-05:00</effective>"
        "<onset>2026-11-17T18:00:00-05:00</onset><expires>2026-11-18T06:00:00-05:00</expires>",
    )
    r = import_cap(store, f, actor=actor, new_incident=True)
    assert r.first_period is not None and r.first_period.basis == "until the alert expires"
    (p,) = incidents.list_periods(store, incident_id=r.incident_id)
    assert (p.number, p.starts_at, p.ends_at) == (1, "2026-11-17T23:00:00Z", "2026-11-18T11:00:00Z")
    assert incidents.current_incident(store).id == r.incident_id


def test_no_expiry_takes_the_default_length(store, actor, cap_dir) -> None:
    r = import_cap(
        store, cap_dir / "oasis-spec-example-homeland-security.cap", actor=actor, new_incident=True
    )
    (p,) = incidents.list_periods(store, incident_id=r.incident_id)
    assert (p.starts_at, p.ends_at) == ("2003-04-02T19:39:01Z", "2003-04-03T07:39:01Z")
    assert r.first_period and r.first_period.basis.startswith("default length, 12 h")


def test_expiry_within_the_hour_takes_the_default(store, actor, cap_dir) -> None:
    r = import_cap(store, cap_dir / "thunderstorm.cap", actor=actor, new_incident=True)
    (p,) = incidents.list_periods(store, incident_id=r.incident_id)
    assert p.ends_at == "2003-06-18T09:57:00Z"
    assert r.first_period and "too short" in r.first_period.basis


def test_onset_before_sent_starts_the_incident_then(store, actor, tmp_path) -> None:
    f = _alert(
        tmp_path / "a.xml",
        times="<onset>2026-11-17T09:00:00-05:00</onset><expires>2026-11-17T21:00:00-05:00</expires>",
    )
    r = import_cap(store, f, actor=actor, new_incident=True)
    inc = incidents.get_incident(store, r.incident_id)
    assert inc.started_at == "2026-11-17T14:00:00Z"
    (p,) = incidents.list_periods(store, incident_id=r.incident_id)
    assert p.starts_at == inc.started_at


def test_cli_new_incident_is_ready_for_eei_and_named(run, coalition, tmp_path) -> None:  # noqa: F811
    f = _alert(
        tmp_path / "a.xml",
        times="<expires>2026-11-18T03:00:00-05:00</expires>",
    )
    r = run("import-cap", str(f), "--new-incident")
    assert r.code == 0, r.err
    assert "Opened incident Hurricane Warning for the shoreline (" in r.out
    assert "operational period 1:" in r.out and "until the alert expires" in r.out
    r = run("eei", "set", "--org", "YNHH", "--period", "1", "BEDS_ADULT_ICU_AVAILABLE=3")
    assert r.code == 0, r.err
    assert "in Hurricane Warning for the shoreline (" in r.out
    r = run("requests", "add", "--kind", "Ventilators", "--quantity", "4")
    assert r.code == 0, r.err
    assert "in Hurricane Warning for the shoreline (" in r.out
