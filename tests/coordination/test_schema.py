"""Migration 0006 (issue 16 response coordination, issue 18 request origin): a store
at 0005 with requests upgrades without losing them, the new request columns read as
"not escalated, made here", and the schema is what the models declare."""

from __future__ import annotations

from pathlib import Path

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents, requests
from hcc_desktop.core.services.common import Actor

SETUP = Actor("Setup Script", "Planning")


def test_a_0005_store_upgrades_and_keeps_its_requests(store_path: Path, wall: object) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from hcc_desktop.paths import migrations_dir

    with open_store(store_path, wall=wall) as s:  # type: ignore[arg-type]
        iid = incidents.create_incident(s, actor=SETUP, name="Storm", incident_type="hurricane")
        rid = requests.create_request(
            s, actor=SETUP, incident_id=iid, resource_kind="Generator", quantity=2
        )
        before = dump_text(s)
        cfg = Config()
        cfg.set_main_option("script_location", str(migrations_dir()))
        with s.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005_exercises")
            tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
            assert "messages" not in tables and "resource_requests" in tables
            cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(resource_requests)")}
            assert "elevated_to" not in cols
    with open_store(store_path, wall=wall) as s:  # type: ignore[arg-type]
        assert dump_text(s) == before
        with s.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), m.Base.metadata)
        assert diff == []
        with s.read() as session:
            req = session.get(m.ResourceRequest, rid)
            assert req is not None
            assert (req.elevated_to, req.filled_quantity, req.external_ref) == (None, None, None)


def test_every_new_table_is_a_synchronised_entity() -> None:
    """A table the coordination tools write must travel in packages: each is named in
    ENTITIES with every column of its model in exactly one unit."""
    for name, model in (
        ("eei_request", m.EEIRequest),
        ("position_assignment", m.PositionAssignment),
        ("duty_shift", m.DutyShift),
        ("handover", m.Handover),
        ("message", m.Message),
        ("message_ack", m.MessageAck),
        ("request", m.ResourceRequest),
    ):
        ent = ENTITIES[name]
        assert ent.model is model
        in_units = [c for u in ent.units.values() for c in u.columns]
        assert len(in_units) == len(set(in_units)), name
        assert set(in_units) == {c.name for c in ent.table.columns} - {"id"}, name
