"""`check`: is this store sound? File integrity, schema, counts, and whether the
materialised view still agrees with the version history."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from hcc_desktop.core import migrations
from hcc_desktop.core import models as m
from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.store import Store


@dataclass
class CheckReport:
    path: str
    schema: str | None
    schema_head: str
    integrity: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.problems and self.schema == self.schema_head


def check_store(store: Store) -> CheckReport:
    report = CheckReport(
        path=store.label,
        schema=migrations.current_revision(store.engine),
        schema_head=migrations.head_revision(),
        # A server's pages are the server's to check (amcheck, by its administrator);
        # what a seat can check of it is the rest of this report.
        integrity=[] if store.is_server else sq.integrity_check(store.engine),
    )
    with store.read() as s:
        for name, ent in ENTITIES.items():
            total = s.scalar(select(func.count()).select_from(ent.table)) or 0
            report.counts[name] = total
        for label, model in (
            ("versions", m.Version),
            ("conflicts", m.Conflict),
            ("change_sets", m.ChangeSet),
            ("stations", m.Station),
        ):
            report.counts[label] = s.scalar(select(func.count()).select_from(model)) or 0
        # The winner of each unit must be its greatest (hlc, site) version.
        wrong = s.execute(
            text(
                """
                SELECT w.entity, w.record_id, w.unit FROM winners w
                WHERE EXISTS (
                  SELECT 1 FROM versions v
                  WHERE v.entity = w.entity AND v.record_id = w.record_id AND v.unit = w.unit
                    AND (v.hlc > w.hlc OR (v.hlc = w.hlc AND v.site_id > w.site_id)))
                LIMIT 5
                """
            )
        ).all()
        for r in wrong:
            report.problems.append(f"winner of {r[0]} {r[1]} {r[2]} is not its latest version")
        missing = s.execute(
            text(
                """
                SELECT COUNT(*) FROM (SELECT DISTINCT entity, record_id, unit FROM versions) u
                WHERE NOT EXISTS (SELECT 1 FROM winners w WHERE w.entity = u.entity
                  AND w.record_id = u.record_id AND w.unit = u.unit)
                """
            )
        ).scalar()
        if missing:
            report.problems.append(f"{missing} merge units have versions but no winner")
        for name, ent in ENTITIES.items():
            orphans = s.execute(
                text(
                    f"SELECT COUNT(DISTINCT record_id) FROM winners WHERE entity = :e "
                    f"AND record_id NOT IN (SELECT id FROM {ent.table.name})"
                ),
                {"e": name},
            ).scalar()
            if orphans:
                report.problems.append(
                    f"{orphans} {name} records are missing from {ent.table.name}"
                )
    return report
