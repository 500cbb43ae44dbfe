"""Exercises and improvement (issue 14, parts 4-6): HSEEP exercises and their
objectives mapped to ASPR capabilities.

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


def downgrade() -> None:
    op.drop_index("ix_exercise_objectives_exercise_id", table_name="exercise_objectives")
    op.drop_table("exercise_objectives")
    op.drop_index("ix_exercises_incident_id", table_name="exercises")
    op.drop_table("exercises")
