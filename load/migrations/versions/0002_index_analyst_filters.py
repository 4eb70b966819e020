"""index analyst filters and the correction lookup

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 21:11:25.819948
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dim_source_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dim_source_document_budget_year"), ["budget_year"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dim_source_document_department_code"), ["department_code"], unique=False
        )

    with op.batch_alter_table("fact_indicator_target", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fact_indicator_target_budget_year"), ["budget_year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fact_indicator_target_indicator_id"), ["indicator_id"], unique=False
        )

    with op.batch_alter_table("fact_project_budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fact_project_budget_budget_year"), ["budget_year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fact_project_budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_project_budget_budget_year"))

    with op.batch_alter_table("fact_indicator_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_indicator_target_indicator_id"))
        batch_op.drop_index(batch_op.f("ix_fact_indicator_target_budget_year"))

    with op.batch_alter_table("dim_source_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dim_source_document_department_code"))
        batch_op.drop_index(batch_op.f("ix_dim_source_document_budget_year"))
