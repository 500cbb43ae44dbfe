"""Response coordination (issue 16) and resource-message origin (issue 18): EEI
requests with due times, the position roster and duty schedule, shift handovers, the
communications log with acknowledgements; the escalation and origin columns of resource
requests.

New tables start empty; the new request columns are null on every existing row, which
reads as "not escalated" and "made here". Written by hand in the style of 0005.

Revision ID: 0006_coordination
Revises: 0005_exercises
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_coordination"
down_revision = "0005_exercises"
branch_labels = None
depends_on = None

ID = sa.String(length=36)


def _request_columns() -> tuple[sa.Column, ...]:
    """Fresh each call: a Column belongs to the one table it was added to."""
    return (
        sa.Column("filled_quantity", sa.Float(), nullable=True),
        sa.Column("elevated_to", sa.String(length=200), nullable=True),
        sa.Column("elevated_quantity", sa.Float(), nullable=True),
        sa.Column("elevated_at", sa.String(length=32), nullable=True),
        sa.Column("elevated_by", sa.String(length=120), nullable=True),
        sa.Column("elevated_ref", sa.String(length=80), nullable=True),
        sa.Column("elevated_note", sa.Text(), nullable=True),
        sa.Column("external_ref", sa.String(length=200), nullable=True),
        sa.Column("external_sender", sa.String(length=200), nullable=True),
        sa.Column("external_line", sa.Integer(), nullable=True),
    )


def upgrade() -> None:
    for column in _request_columns():
        op.add_column("resource_requests", column)
    op.create_index("ix_resource_requests_external_ref", "resource_requests", ["external_ref"])

    op.create_table(
        "eei_requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("elements", sa.JSON(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=True),
        sa.Column("due_at", sa.String(length=32), nullable=True),
        sa.Column("repeat", sa.String(length=20), nullable=True),
        sa.Column("repeat_hours", sa.Integer(), nullable=True),
        sa.Column("context", sa.String(length=30), nullable=True),
        sa.Column("issued_at", sa.String(length=32), nullable=True),
        sa.Column("issued_by", sa.String(length=120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("status_by", sa.String(length=120), nullable=True),
        sa.Column("status_at", sa.String(length=32), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eei_requests")),
    )
    op.create_index("ix_eei_requests_incident_id", "eei_requests", ["incident_id"])

    op.create_table(
        "position_assignments",
        sa.Column("id", ID, nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.Column("period_id", ID, nullable=True),
        sa.Column("position", sa.String(length=40), nullable=True),
        sa.Column("person", sa.String(length=120), nullable=True),
        sa.Column("organization_id", ID, nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("signed_in_at", sa.String(length=32), nullable=True),
        sa.Column("signed_out_at", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_assignments")),
    )
    op.create_index("ix_position_assignments_incident_id", "position_assignments", ["incident_id"])

    op.create_table(
        "duty_shifts",
        sa.Column("id", ID, nullable=False),
        sa.Column("role", sa.String(length=40), nullable=True),
        sa.Column("person", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("starts_at", sa.String(length=32), nullable=True),
        sa.Column("ends_at", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_shifts")),
    )
    op.create_index("ix_duty_shifts_starts_at", "duty_shifts", ["starts_at"])

    op.create_table(
        "handovers",
        sa.Column("id", ID, nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.Column("prepared_at", sa.String(length=32), nullable=True),
        sa.Column("prepared_by", sa.String(length=120), nullable=True),
        sa.Column("since", sa.String(length=32), nullable=True),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("incoming", sa.String(length=120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("acknowledged_at", sa.String(length=32), nullable=True),
        sa.Column("ack_note", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_index("ix_handovers_incident_id", "handovers", ["incident_id"])

    op.create_table(
        "messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=30), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=True),
        sa.Column("sender", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.String(length=32), nullable=True),
        sa.Column("sent_by", sa.String(length=120), nullable=True),
        sa.Column("ref_kind", sa.String(length=30), nullable=True),
        sa.Column("ref_id", ID, nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_incident_id", "messages", ["incident_id"])
    op.create_index("ix_messages_ref_id", "messages", ["ref_id"])
    op.create_index("ix_messages_external_id", "messages", ["external_id"])

    op.create_table(
        "message_acks",
        sa.Column("id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=True),
        sa.Column("organization_id", ID, nullable=True),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=True),
        sa.Column("channel", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_acks")),
    )
    op.create_index("ix_message_acks_message_id", "message_acks", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_message_acks_message_id", table_name="message_acks")
    op.drop_table("message_acks")
    for name in ("external_id", "ref_id", "incident_id"):
        op.drop_index(f"ix_messages_{name}", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_handovers_incident_id", table_name="handovers")
    op.drop_table("handovers")
    op.drop_index("ix_duty_shifts_starts_at", table_name="duty_shifts")
    op.drop_table("duty_shifts")
    op.drop_index("ix_position_assignments_incident_id", table_name="position_assignments")
    op.drop_table("position_assignments")
    op.drop_index("ix_eei_requests_incident_id", table_name="eei_requests")
    op.drop_table("eei_requests")
    op.drop_index("ix_resource_requests_external_ref", table_name="resource_requests")
    with op.batch_alter_table("resource_requests", schema=None) as batch_op:
        for column in reversed(_request_columns()):
            batch_op.drop_column(column.name)
