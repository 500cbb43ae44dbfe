"""The significant-events index (issue 11): the log panel's review tab and its pending
count select an incident's nominated or approved entries; on a long log they scanned
every entry of the incident (about 0.2 s per 300,000 entries, on every panel open).
A partial index holds only the entries that were ever put forward, so it stays small.

Revision ID: 0007_log_significant_index
Revises: 0006_coordination
Create Date: 2026-12-02 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_log_significant_index"
down_revision = "0006_coordination"
branch_labels = None
depends_on = None

_WHERE = sa.text("significant IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_log_entries_significant",
        "log_entries",
        ["incident_id", "significant", "occurred_at"],
        sqlite_where=_WHERE,
        postgresql_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_log_entries_significant", table_name="log_entries")
