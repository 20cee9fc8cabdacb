"""delivery: calls ordered per message, posts in doubt, schedule submissions by view id

Revision ID: 0002_delivery
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_delivery"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("unsure", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index("ix_outbox_subject_status", ["subject", "status"], unique=False)
    # Rows owed before this revision: an update or thread reply is about the post it names.
    outbox = sa.table(
        "outbox", sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("subject", sa.String),
        sa.column("payload", sa.JSON),
    )  # fmt: skip
    connection = op.get_bind()
    for row_id, key, payload in connection.execute(sa.select(outbox.c.id, outbox.c.key, outbox.c.payload)):
        payload = payload or {}
        subject = payload.get("of") or payload.get("thread_of") or key
        connection.execute(sa.update(outbox).where(outbox.c.id == row_id).values(subject=subject))
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("view_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_interview_view_id", ["view_id"])


def downgrade() -> None:
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_constraint("uq_interview_view_id", type_="unique")
        batch_op.drop_column("view_id")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_subject_status")
        batch_op.drop_column("unsure")
        batch_op.drop_column("subject")
