"""Indexes for the reads that grow with the log: counting live entries of an incident,
finding corrections of a page of entries, and imported versions after a seen mark.

Revision ID: 0003_read_indexes
Revises: 0002_alerts
Create Date: 2026-11-23 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_read_indexes"
down_revision = "0002_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_log_entries_incident_time", table_name="log_entries")
    op.create_index(
        "ix_log_entries_incident_deleted_time",
        "log_entries",
        ["incident_id", "deleted", "occurred_at"],
    )
    op.create_index(
        "ix_log_entries_corrects",
        "log_entries",
        ["corrects_id"],
        sqlite_where=sa.text("corrects_id IS NOT NULL"),
        postgresql_where=sa.text("corrects_id IS NOT NULL"),
    )
    op.create_index(
        "ix_versions_imported",
        "versions",
        ["entity", "seq"],
        sqlite_where=sa.text("change_id IS NULL"),
        postgresql_where=sa.text("change_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_versions_imported", table_name="versions")
    op.drop_index("ix_log_entries_corrects", table_name="log_entries")
    op.drop_index("ix_log_entries_incident_deleted_time", table_name="log_entries")
    op.create_index("ix_log_entries_incident_time", "log_entries", ["incident_id", "occurred_at"])
