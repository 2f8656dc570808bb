"""Enquiries own the link to their mail: the outbox no longer names an enquiry

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:17:47.512075
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "enquiry_message",
        sa.Column("enquiry_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiry.id"], name=op.f("fk_enquiry_message_enquiry_id_enquiry"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_message.id"],
            name=op.f("fk_enquiry_message_message_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enquiry_id", "message_id", name=op.f("pk_enquiry_message")),
    )
    with op.batch_alter_table("enquiry_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquiry_message_message_id"), ["message_id"], unique=False)

    op.execute(
        "INSERT INTO enquiry_message (enquiry_id, message_id) "
        "SELECT enquiry_id, id FROM outbox_message WHERE enquiry_id IS NOT NULL"
    )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_enquiry_id"))
        batch_op.drop_constraint(batch_op.f("fk_outbox_message_enquiry_id_enquiry"), type_="foreignkey")
        batch_op.drop_column("enquiry_id")


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enquiry_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_enquiry_id_enquiry"), "enquiry", ["enquiry_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(batch_op.f("ix_outbox_message_enquiry_id"), ["enquiry_id"], unique=False)

    op.execute(
        "UPDATE outbox_message SET enquiry_id = "
        "(SELECT MIN(enquiry_id) FROM enquiry_message WHERE enquiry_message.message_id = outbox_message.id)"
    )

    with op.batch_alter_table("enquiry_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enquiry_message_message_id"))

    op.drop_table("enquiry_message")
