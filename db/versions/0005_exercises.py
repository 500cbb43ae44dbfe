"""Exercises and improvement (issue 14, parts 4-6): HSEEP exercises and their
objectives mapped to ASPR capabilities, after-action reports with their ratings and
findings, and the improvement plan's corrective actions.

New tables only, all starting empty: no existing row or column changes. Written by hand
in the style of 0004.

Revision ID: 0005_exercises
Revises: 0004_preparedness
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_exercises"
down_revision = "0004_preparedness"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercises",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("exercise_type", sa.String(length=20), nullable=True),
        sa.Column("starts_on", sa.String(length=10), nullable=True),
        sa.Column("ends_on", sa.String(length=10), nullable=True),
        sa.Column("scenario", sa.Text(), nullable=True),
        sa.Column("hazard", sa.String(length=200), nullable=True),
        sa.Column("hva_hazard_id", sa.String(length=36), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("sponsor", sa.String(length=200), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=True),
        sa.Column("incident_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercises")),
    )
    op.create_index("ix_exercises_incident_id", "exercises", ["incident_id"])
    op.create_table(
        "exercise_objectives",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("exercise_id", sa.String(length=36), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("capabilities", sa.JSON(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_objectives")),
    )
    op.create_index(
        "ix_exercise_objectives_exercise_id", "exercise_objectives", ["exercise_id"]
    )

    op.create_table(
        "aars",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("exercise_id", sa.String(length=36), nullable=True),
        sa.Column("incident_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("status_by", sa.String(length=120), nullable=True),
        sa.Column("status_at", sa.String(length=32), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aars")),
    )
    op.create_index("ix_aars_exercise_id", "aars", ["exercise_id"])
    op.create_index("ix_aars_incident_id", "aars", ["incident_id"])
    op.create_table(
        "aar_ratings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("aar_id", sa.String(length=36), nullable=True),
        sa.Column("objective_number", sa.Integer(), nullable=True),
        sa.Column("capability", sa.String(length=10), nullable=True),
        sa.Column("rating", sa.String(length=1), nullable=True),
        sa.Column("rated_by", sa.String(length=120), nullable=True),
        sa.Column("rated_at", sa.String(length=32), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aar_ratings")),
    )
    op.create_index("ix_aar_ratings_aar_id", "aar_ratings", ["aar_id"])
    op.create_table(
        "aar_findings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("aar_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("capability", sa.String(length=10), nullable=True),
        sa.Column("objective_number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("analysis", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aar_findings")),
    )
    op.create_index("ix_aar_findings_aar_id", "aar_findings", ["aar_id"])
    op.create_table(
        "corrective_actions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("aar_id", sa.String(length=36), nullable=True),
        sa.Column("finding_id", sa.String(length=36), nullable=True),
        sa.Column("issue", sa.Text(), nullable=True),
        sa.Column("capability", sa.String(length=10), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("element", sa.String(length=20), nullable=True),
        sa.Column("owner_org_id", sa.String(length=36), nullable=True),
        sa.Column("poc", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.String(length=10), nullable=True),
        sa.Column("due_on", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("status_by", sa.String(length=120), nullable=True),
        sa.Column("status_at", sa.String(length=32), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrective_actions")),
    )
    op.create_index("ix_corrective_actions_aar_id", "corrective_actions", ["aar_id"])
    op.create_index(
        "ix_corrective_actions_owner_org_id", "corrective_actions", ["owner_org_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_corrective_actions_owner_org_id", table_name="corrective_actions")
    op.drop_index("ix_corrective_actions_aar_id", table_name="corrective_actions")
    op.drop_table("corrective_actions")
    op.drop_index("ix_aar_findings_aar_id", table_name="aar_findings")
    op.drop_table("aar_findings")
    op.drop_index("ix_aar_ratings_aar_id", table_name="aar_ratings")
    op.drop_table("aar_ratings")
    op.drop_index("ix_aars_incident_id", table_name="aars")
    op.drop_index("ix_aars_exercise_id", table_name="aars")
    op.drop_table("aars")
    op.drop_index("ix_exercise_objectives_exercise_id", table_name="exercise_objectives")
    op.drop_table("exercise_objectives")
    op.drop_index("ix_exercises_incident_id", table_name="exercises")
    op.drop_table("exercises")
