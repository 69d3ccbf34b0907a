"""manifest transmissions: every transmission of a list kept, later ones superseding earlier ones

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "manifest_transmissions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("manifest_id", sa.String(length=128), nullable=False),
        sa.Column("transmission_key", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=255), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("message_ref", sa.String(length=128), nullable=True),
        sa.Column("transmitted_at", sa.String(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("travellers_in", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("sanctions", sa.Integer(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("manifest_id", "transmission_key", name="uq_transmission"),
    )
    with op.batch_alter_table("manifest_transmissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_manifest_transmissions_manifest_id"), ["manifest_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("manifest_transmissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manifest_transmissions_manifest_id"))
    op.drop_table("manifest_transmissions")
