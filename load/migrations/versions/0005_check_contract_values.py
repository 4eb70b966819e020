"""CHECK constraints: statuses, severities, comparators and value kinds hold only the contract's values

The values are written out here (a migration is a fixed snapshot); `contracts/` is where they live. On SQLite
adding a CHECK rebuilds the table (batch mode), and SQLite cannot rebuild a table a view reads: the views are
dropped first and created again from their own stored SQL, unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FILE_STATUSES = ("loaded", "superseded", "no_targets", "rejected", "quarantined", "failed")
CHECKS = {
    "dim_source_document": [("status", FILE_STATUSES, False)],
    "fact_indicator_target": [
        ("comparator", (">=", "<=", ">", "<", "=", "~"), True),
        ("value_kind", ("numeric", "deadline", "qualitative", "text", "none"), False),
    ],
    "ops_run": [("status", ("running", "completed", "failed"), False)],
    "ops_file_event": [("status", (*FILE_STATUSES, "skipped"), False)],
    "ops_quality_result": [("severity", ("error", "warning"), False)],
}


def _rule(column: str, values: tuple[str, ...], nullable: bool) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({listed})" + (f" OR {column} IS NULL" if nullable else "")


def _with_views_dropped(change) -> None:
    """Run `change`; on SQLite, with the views dropped around it and created again as they were."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        change()
        return
    views = bind.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name")
    ).all()
    for name, _ in views:
        op.execute(f"DROP VIEW {name}")
    change()
    for _, sql in views:
        op.execute(sql)


def upgrade() -> None:
    def add() -> None:
        for table, checks in CHECKS.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column, values, nullable in checks:
                    batch_op.create_check_constraint(column, _rule(column, values, nullable))

    _with_views_dropped(add)


def downgrade() -> None:
    def drop() -> None:
        for table, checks in CHECKS.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column, _, _ in checks:
                    batch_op.drop_constraint(f"ck_{table}_{column}", type_="check")

    _with_views_dropped(drop)
