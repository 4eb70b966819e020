"""v_indicator_targets gains source_sha256, a reliable key to join it with v_projects

File names are not unique across departments; the file's sha256 is. The view keeps every earlier column
in its place and adds the new one at the end (the contract only grows).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 22:15:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SELECT = """
SELECT d.file_name AS source_file,
       t.budget_year AS budget_year,
       p.department_code AS department_code,
       p.unit_code AS unit_code,
       p.name AS project_name,
       i.level1 AS level1,
       i.level2 AS level2,
       i.level3 AS level3,
       t.target_text AS target_text,
       t.comparator AS comparator,
       t.target_value AS target_value,
       t.target_unit AS target_unit,
       t.target_deadline AS target_deadline,
       t.value_kind AS value_kind,
       t.source_page AS source_page{extra}
FROM fact_indicator_target t
JOIN dim_source_document d ON d.document_id = t.document_id AND d.status = 'loaded'
JOIN dim_project p ON p.project_id = t.project_id
JOIN dim_indicator i ON i.indicator_id = t.indicator_id
"""


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_indicator_targets")
    op.execute(
        "CREATE VIEW v_indicator_targets AS" + _SELECT.format(extra=",\n       d.sha256 AS source_sha256")
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_indicator_targets")
    op.execute("CREATE VIEW v_indicator_targets AS" + _SELECT.format(extra=""))
