"""sanction decisions; audit events carry the manifest they concern

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sanction_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sanction_id", sa.String(length=40), nullable=False),
        sa.Column("manifest_id", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sanction_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sanction_decisions_sanction_id"), ["sanction_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sanction_decisions_manifest_id"), ["manifest_id"], unique=False)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manifest_id", sa.String(length=128), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_manifest_id"), ["manifest_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_manifest_id"))
        batch_op.drop_column("manifest_id")
    with op.batch_alter_table("sanction_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanction_decisions_manifest_id"))
        batch_op.drop_index(batch_op.f("ix_sanction_decisions_sanction_id"))
    op.drop_table("sanction_decisions")
