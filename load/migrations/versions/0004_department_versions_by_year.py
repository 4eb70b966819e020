"""dim_department versions are runs of years: one name may have several versions (A → B → A)

The natural key of a version becomes code × name × valid_from_year (was code × name). On SQLite the table
is rebuilt (batch mode), which `load.db.upgrade_to` runs with foreign-key enforcement off and checks after.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 01:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# v_projects reads dim_department; SQLite cannot rebuild a table a view reads, so the view is dropped and
# created again, unchanged (this is its definition as of 0001)
_V_PROJECTS = """
CREATE VIEW v_projects AS
SELECT d.file_name AS source_file,
       d.sha256 AS source_sha256,
       f.budget_year AS budget_year,
       p.department_code AS department_code,
       cur.name AS department_name,
       p.unit_code AS unit_code,
       u.name AS unit_name,
       p.name AS project_name,
       p.period_start_year AS period_start_year,
       p.period_end_year AS period_end_year,
       f.total_funds_wan AS total_funds_wan,
       f.fiscal_funds_wan AS fiscal_funds_wan,
       f.other_funds_wan AS other_funds_wan,
       f.performance_goal AS performance_goal
FROM fact_project_budget f
JOIN dim_source_document d ON d.document_id = f.document_id AND d.status = 'loaded'
JOIN dim_project p ON p.project_id = f.project_id
JOIN dim_unit u ON u.unit_id = f.unit_id
JOIN dim_department cur ON cur.code = p.department_code AND cur.is_current
"""


def _rebuild_department_key(columns: list[str]) -> None:
    op.execute("DROP VIEW v_projects")
    with op.batch_alter_table("dim_department", schema=None) as batch_op:
        batch_op.drop_constraint("uq_dim_department_code", type_="unique")
        batch_op.create_unique_constraint("uq_dim_department_code", columns)
    op.execute(_V_PROJECTS)


def upgrade() -> None:
    _rebuild_department_key(["code", "name", "valid_from_year"])


def downgrade() -> None:
    _rebuild_department_key(["code", "name"])
