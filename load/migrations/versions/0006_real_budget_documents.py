"""Real budget documents (contract v2): documents know their region, publisher and kind; codes are optional;
projects of one name under different units are different projects; a document may print several budget
lines of one project; views gain the v2 columns and v_project_disclosures

- dim_source_document + region, publisher, document_kind;
- dim_department: a department is its region and code where printed, else its region and name
  (`department_key`), so `code` may be empty; dim_unit: a unit is its department and code, else its name
  (`unit_key`); dim_project is keyed by department_key, unit_key, name and period. Existing rows (notices,
  all with codes and no region) get keys from their codes;
- fact_project_budget: one row per budget line (document, project_seq), + scope, project_code,
  carryover_funds_wan; fact_indicator_target + project_seq (its budget line), indicator_nature, weight,
  period_target_text;
- views: v_projects shows each project-year once (a department budget before a notice, a unit budget and a
  department-wide declaration), v_project_disclosures once per current document, both with the v2 columns;
  v_indicator_targets and v_source_files gain theirs. Every earlier column keeps its place.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_DOCUMENT_KINDS = ("notice", "department_budget", "unit_budget", "department_overall")

# the document kinds in the order v_projects prefers them when several current documents disclose one
# project-year (lower first); ties go to the document loaded last
_KIND_RANK = """CASE {d}.document_kind WHEN 'department_budget' THEN 1 WHEN 'notice' THEN 2
            WHEN 'unit_budget' THEN 3 WHEN 'department_overall' THEN 4 ELSE 5 END"""

_PROJECT_COLUMNS = """
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
       f.performance_goal AS performance_goal,
       d.region AS region,
       d.publisher AS publisher,
       d.document_kind AS document_kind,
       f.scope AS scope,
       f.project_code AS project_code,
       f.carryover_funds_wan AS carryover_funds_wan,
       f.source_page AS source_page
FROM fact_project_budget f
JOIN dim_source_document d ON d.document_id = f.document_id AND d.status = 'loaded'
JOIN dim_project p ON p.project_id = f.project_id
JOIN dim_unit u ON u.unit_id = f.unit_id
JOIN dim_department cur ON cur.department_key = p.department_key AND cur.is_current
"""

_V_PROJECT_DISCLOSURES = "CREATE VIEW v_project_disclosures AS" + _PROJECT_COLUMNS

_V_PROJECTS = (
    "CREATE VIEW v_projects AS"
    + _PROJECT_COLUMNS
    + f"""WHERE NOT EXISTS (
    SELECT 1
    FROM fact_project_budget f2
    JOIN dim_source_document d2 ON d2.document_id = f2.document_id AND d2.status = 'loaded'
    WHERE f2.project_id = f.project_id
      AND f2.budget_year = f.budget_year
      AND f2.document_id <> f.document_id
      AND ({_KIND_RANK.format(d="d2")} < {_KIND_RANK.format(d="d")}
           OR ({_KIND_RANK.format(d="d2")} = {_KIND_RANK.format(d="d")} AND d2.document_id > d.document_id))
)
"""
)

_V_INDICATOR_TARGETS = """
CREATE VIEW v_indicator_targets AS
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
       t.source_page AS source_page,
       d.sha256 AS source_sha256,
       d.region AS region,
       u.name AS unit_name,
       f.project_code AS project_code,
       t.indicator_nature AS indicator_nature,
       t.weight AS weight,
       t.period_target_text AS period_target_text
FROM fact_indicator_target t
JOIN dim_source_document d ON d.document_id = t.document_id AND d.status = 'loaded'
JOIN dim_project p ON p.project_id = t.project_id
JOIN dim_indicator i ON i.indicator_id = t.indicator_id
JOIN fact_project_budget f ON f.document_id = t.document_id AND f.project_seq = t.project_seq
JOIN dim_unit u ON u.unit_id = f.unit_id
"""

_V_SOURCE_FILES = """
CREATE VIEW v_source_files AS
SELECT d.file_name AS source_file,
       d.sha256 AS source_sha256,
       d.status AS status,
       d.reason AS reason,
       d.projects AS projects,
       d.indicators AS indicators,
       d.ingested_at AS ingested_at,
       d.region AS region,
       d.publisher AS publisher,
       d.document_kind AS document_kind,
       d.budget_year AS budget_year
FROM dim_source_document d
"""

_VIEWS = ("v_projects", "v_project_disclosures", "v_indicator_targets", "v_source_files")


def _kinds_rule() -> str:
    listed = ", ".join(f"'{k}'" for k in _DOCUMENT_KINDS)
    return f"document_kind IN ({listed}) OR document_kind IS NULL"


def upgrade() -> None:
    for view in _VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")

    with op.batch_alter_table("dim_source_document", schema=None) as batch:
        batch.add_column(sa.Column("region", sa.String(length=50), nullable=True))
        batch.add_column(sa.Column("publisher", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("document_kind", sa.String(length=20), nullable=True))
        batch.create_check_constraint("document_kind", _kinds_rule())
        batch.create_index(batch.f("ix_dim_source_document_region"), ["region"], unique=False)

    # existing rows are notices: every department and unit printed its code, and no region was known
    with op.batch_alter_table("dim_department", schema=None) as batch:
        batch.add_column(sa.Column("department_key", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("region", sa.String(length=50), nullable=True))
    op.execute("UPDATE dim_department SET department_key = '|' || code")
    with op.batch_alter_table("dim_department", schema=None) as batch:
        batch.alter_column("department_key", existing_type=sa.String(length=300), nullable=False)
        batch.alter_column("code", existing_type=sa.String(length=16), nullable=True)
        batch.drop_constraint("uq_dim_department_code", type_="unique")
        batch.create_unique_constraint(
            "uq_dim_department_department_key", ["department_key", "name", "valid_from_year"]
        )
        batch.create_index(batch.f("ix_dim_department_department_key"), ["department_key"], unique=False)

    with op.batch_alter_table("dim_unit", schema=None) as batch:
        batch.add_column(sa.Column("unit_key", sa.String(length=600), nullable=True))
        batch.add_column(sa.Column("department_key", sa.String(length=300), nullable=True))
    op.execute("UPDATE dim_unit SET department_key = '|' || department_code")
    op.execute("UPDATE dim_unit SET unit_key = department_key || '|' || code")
    with op.batch_alter_table("dim_unit", schema=None) as batch:
        batch.alter_column("unit_key", existing_type=sa.String(length=600), nullable=False)
        batch.alter_column("department_key", existing_type=sa.String(length=300), nullable=False)
        batch.alter_column("code", existing_type=sa.String(length=16), nullable=True)
        batch.alter_column("name", existing_type=sa.String(length=200), nullable=True)
        batch.alter_column("department_code", existing_type=sa.String(length=16), nullable=True)
        batch.drop_constraint("uq_dim_unit_code", type_="unique")
        batch.create_unique_constraint("uq_dim_unit_unit_key", ["unit_key"])
        batch.create_index(batch.f("ix_dim_unit_code"), ["code"], unique=False)
        batch.create_index(batch.f("ix_dim_unit_department_key"), ["department_key"], unique=False)

    with op.batch_alter_table("dim_project", schema=None) as batch:
        batch.add_column(sa.Column("department_key", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("unit_key", sa.String(length=600), nullable=True))
        batch.add_column(sa.Column("region", sa.String(length=50), nullable=True))
    op.execute("UPDATE dim_project SET department_key = '|' || department_code")
    op.execute("UPDATE dim_project SET unit_key = department_key || '|' || unit_code")
    with op.batch_alter_table("dim_project", schema=None) as batch:
        batch.alter_column("department_key", existing_type=sa.String(length=300), nullable=False)
        batch.alter_column("unit_key", existing_type=sa.String(length=600), nullable=False)
        batch.alter_column("department_code", existing_type=sa.String(length=16), nullable=True)
        batch.alter_column("unit_code", existing_type=sa.String(length=16), nullable=True)
        batch.drop_constraint("uq_dim_project_department_code", type_="unique")
        batch.create_unique_constraint(
            "uq_dim_project_department_key",
            ["department_key", "unit_key", "name", "period_start_year", "period_end_year"],
        )
        batch.create_index(batch.f("ix_dim_project_department_key"), ["department_key"], unique=False)

    with op.batch_alter_table("fact_project_budget", schema=None) as batch:
        batch.add_column(sa.Column("scope", sa.String(length=12), nullable=False, server_default="project"))
        batch.add_column(sa.Column("project_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("carryover_funds_wan", sa.Numeric(18, 4, asdecimal=False), nullable=True))
        batch.create_check_constraint("scope", "scope IN ('project', 'department')")
        batch.drop_constraint("uq_fact_project_budget_project_id", type_="unique")
        batch.create_unique_constraint("uq_fact_project_budget_document_id", ["document_id", "project_seq"])

    with op.batch_alter_table("fact_indicator_target", schema=None) as batch:
        batch.add_column(sa.Column("project_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("indicator_nature", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("weight", sa.Float(), nullable=True))
        batch.add_column(sa.Column("period_target_text", sa.Text(), nullable=True))
    # one budget line per (document, project) so far: the line is found by the project
    op.execute(
        """UPDATE fact_indicator_target SET project_seq = (
               SELECT f.project_seq FROM fact_project_budget f
               WHERE f.document_id = fact_indicator_target.document_id
                 AND f.project_id = fact_indicator_target.project_id)"""
    )
    with op.batch_alter_table("fact_indicator_target", schema=None) as batch:
        batch.alter_column("project_seq", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("uq_fact_indicator_target_document_id", type_="unique")
        batch.create_unique_constraint(
            "uq_fact_indicator_target_document_id", ["document_id", "project_seq", "row_seq"]
        )

    for sql in (_V_PROJECTS, _V_PROJECT_DISCLOSURES, _V_INDICATOR_TARGETS, _V_SOURCE_FILES):
        op.execute(sql)

    if op.get_bind().dialect.name != "sqlite":  # SQLite keeps no table comments
        for table, comment in _COMMENTS.items():
            op.create_table_comment(table, comment)


_COMMENTS = {
    "dim_department": "grain: one row per department (region + code, else region + name) x name version",
    "dim_unit": "grain: one row per implementing unit (department + code, else + name)",
    "fact_project_budget": "grain: one row per project budget line x budget year x source document",
}


def downgrade() -> None:
    raise NotImplementedError(
        "0006 makes codes optional and keys departments by region: warehouses holding budget documents "
        "cannot go back to code-only keys; restore a backup taken before the upgrade"
    )
