"""The EEI grid reads the same values on an EOC server as on a workstation's file: the
grid decodes the stored JSON itself, and psycopg hands a `json` column back already
decoded, so the server's read must ask for the text (a grid that showed
"could not be loaded" on every server seat went unnoticed until a seat looked)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents, organizations, status
from hcc_desktop.core.store import Store
from hcc_desktop.demo.seed import seed_demo
from hcc_desktop.gui.models.eei_data import GridData, load_grid
from tests.pg.conftest import (  # noqa: F401  (fixtures)
    new_database,
    pg_admin,
    pg_template,
    pg_url,
    server_url,
)

AS_OF = dt.date(2026, 11, 18)


def _grid(store: Store) -> GridData:
    incident = incidents.current_incident(store)
    assert incident is not None
    periods = incidents.list_periods(store, incident_id=incident.id)
    return load_grid(store, incident_id=incident.id, period=periods[-1].number)


def _by_name(data: GridData) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Each cell as shown (text, level, the decoded value, its state), keyed by
    facility name and element code: ids differ between the two stores."""
    out = {}
    for i, facility in enumerate(data.facilities):
        for j, element in enumerate(data.elements):
            cell = data.cells[i][j]
            out[(facility.name, element.code)] = (
                data.display[i][j],
                data.levels[i][j],
                None if cell is None else cell.value,
                None if cell is None else cell.state,
            )
    return out


def test_the_grid_on_a_server_shows_what_it_shows_on_a_file(
    server_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with open_store(tmp_path / "station.sqlite", station_name="Station") as file_store:
        seed_demo(file_store, as_of=AS_OF)
        on_file = _by_name(_grid(file_store))
    with open_store(server_url, station_name="EOC server", live=False) as server:
        seed_demo(server, as_of=AS_OF)
        on_server = _by_name(_grid(server))
    values = [v for (_text, _level, v, _state) in on_file.values() if v is not None]
    # The demo's grid holds text choices and numbers, both of which the server would
    # hand back decoded.
    assert {type(v) for v in values} >= {str, int}
    assert on_server == on_file


def _statuses(store: Store) -> list[dict[str, tuple[Any, ...]]]:
    """Per period of the current incident, each facility's status (by name) as the grid
    has it, after checking it is the status service's."""
    incident = incidents.current_incident(store)
    assert incident is not None
    names = {f.id: f.name for f in organizations.list_organizations(store)}
    out = []
    for period in incidents.list_periods(store, incident_id=incident.id):
        grid = load_grid(store, incident_id=incident.id, period=period.number)
        by_service = status.facility_statuses(store, incident_id=incident.id, period=period.number)
        assert list(grid.statuses.items()) == list(by_service.items())
        out.append(
            {
                names[org]: (s.status, s.reported_at, s.period, s.diversion_until, s.reasons)
                for org, s in grid.statuses.items()
            }
        )
    return out


def test_statuses_on_a_server_are_those_on_a_file(
    server_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    """The statuses decode their stored values themselves too (and the grid's take the
    period's from its own read): the same on both stores, period by period."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with open_store(tmp_path / "station.sqlite", station_name="Station") as file_store:
        seed_demo(file_store, as_of=AS_OF)
        on_file = _statuses(file_store)
    with open_store(server_url, station_name="EOC server", live=False) as server:
        seed_demo(server, as_of=AS_OF)
        on_server = _statuses(server)
    assert len(on_file) >= 3 and any(s[0] == "diversion" for s in on_file[-2].values())
    assert on_server == on_file
