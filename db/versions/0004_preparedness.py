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

#: The seven 0-3 columns of a hazard row (written out: a migration must not change when
#: the program's vocabulary does).
_SCORES = ("probability", "human", "property", "business", "preparedness", "internal", "external")


def upgrade() -> None:
    op.add_column("organizations", sa.Column("joined_on", sa.String(length=10), nullable=True))
    op.add_column("organizations", sa.Column("left_on", sa.String(length=10), nullable=True))
    op.add_column("contacts", sa.Column("phone_24_7", sa.String(length=40), nullable=True))
    op.create_table(
        "hva_assessments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("region_id", sa.String(length=36), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("status_by", sa.String(length=120), nullable=True),
        sa.Column("status_at", sa.String(length=32), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hva_assessments")),
    )
    op.create_index("ix_hva_assessments_region_id", "hva_assessments", ["region_id"])
    op.create_table(
        "hva_hazards",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("assessment_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in _SCORES),
        sa.Column("occurred", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hva_hazards")),
    )
    op.create_index("ix_hva_hazards_assessment_id", "hva_hazards", ["assessment_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("plan_type", sa.String(length=40), nullable=True),
        sa.Column("owner_org_id", sa.String(length=36), nullable=True),
        sa.Column("capabilities", sa.JSON(), nullable=True),
        sa.Column("version", sa.String(length=40), nullable=True),
        sa.Column("approved_on", sa.String(length=10), nullable=True),
        sa.Column("review_due", sa.String(length=10), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index("ix_plans_owner_org_id", "plans", ["owner_org_id"])
    op.create_table(
        "essential_functions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("rto_hours", sa.Float(), nullable=True),
        sa.Column("owner", sa.String(length=120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_essential_functions")),
    )
    op.create_index(
        "ix_essential_functions_organization_id", "essential_functions", ["organization_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_essential_functions_organization_id", table_name="essential_functions")
    op.drop_table("essential_functions")
    op.drop_index("ix_plans_owner_org_id", table_name="plans")
    op.drop_table("plans")
    op.drop_index("ix_hva_hazards_assessment_id", table_name="hva_hazards")
    op.drop_table("hva_hazards")
    op.drop_index("ix_hva_assessments_region_id", table_name="hva_assessments")
    op.drop_table("hva_assessments")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("phone_24_7")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("left_on")
        batch_op.drop_column("joined_on")
