"""create star schema and ops tables

Revision ID: 0001
Revises:
Create Date: 2026-11-28 20:47:12.966522
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The analyst views as first created; a later change re-creates a view in a migration of its own.
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
       t.source_page AS source_page
FROM fact_indicator_target t
JOIN dim_source_document d ON d.document_id = t.document_id AND d.status = 'loaded'
JOIN dim_project p ON p.project_id = t.project_id
JOIN dim_indicator i ON i.indicator_id = t.indicator_id
"""

_V_SOURCE_FILES = """
CREATE VIEW v_source_files AS
SELECT d.file_name AS source_file,
       d.sha256 AS source_sha256,
       d.status AS status,
       d.reason AS reason,
       d.projects AS projects,
       d.indicators AS indicators,
       d.ingested_at AS ingested_at
FROM dim_source_document d
"""

_VIEWS = {
    "v_projects": _V_PROJECTS,
    "v_indicator_targets": _V_INDICATOR_TARGETS,
    "v_source_files": _V_SOURCE_FILES,
}


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dim_department",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("former_names", sa.Text(), nullable=True),
        sa.Column("valid_from_year", sa.Integer(), nullable=False),
        sa.Column("valid_to_year", sa.Integer(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("department_id", name=op.f("pk_dim_department")),
        sa.UniqueConstraint("code", "name", name=op.f("uq_dim_department_code")),
        comment="grain: one row per department code x name version",
    )
    with op.batch_alter_table("dim_department", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dim_department_code"), ["code"], unique=False)

    op.create_table(
        "dim_indicator",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("level1", sa.String(length=100), nullable=False),
        sa.Column("level2", sa.String(length=100), nullable=False),
        sa.Column("level3", sa.Text(), nullable=False),
        sa.Column("level1_known", sa.Boolean(), nullable=False),
        sa.Column("level2_known", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("indicator_id", name=op.f("pk_dim_indicator")),
        sa.UniqueConstraint("level1", "level2", "level3", name=op.f("uq_dim_indicator_level1")),
        comment="grain: one row per (level1, level2, level3) indicator",
    )
    op.create_table(
        "dim_project",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("period_start_year", sa.Integer(), nullable=False),
        sa.Column("period_end_year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_dim_project")),
        sa.UniqueConstraint(
            "department_code",
            "unit_code",
            "name",
            "period_start_year",
            "period_end_year",
            name=op.f("uq_dim_project_department_code"),
        ),
        comment="grain: one row per project (department, unit, name, period) across budget years",
    )
    op.create_table(
        "dim_unit",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department_code", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_dim_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_dim_unit_code")),
        comment="grain: one row per implementing unit code",
    )
    with op.batch_alter_table("dim_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dim_unit_department_code"), ["department_code"], unique=False)

    op.create_table(
        "dim_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("is_budget_year", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_dim_year")),
        comment="grain: one row per calendar year referenced (budget and period years)",
    )
    op.create_table(
        "ops_quarantine",
        sa.Column("quarantine_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("quarantine_id", name=op.f("pk_ops_quarantine")),
        sa.UniqueConstraint("sha256", name=op.f("uq_ops_quarantine_sha256")),
        comment="grain: one row per quarantined file version (sha256)",
    )
    op.create_table(
        "ops_run",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("files_seen", sa.Integer(), nullable=False),
        sa.Column("files_skipped", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_ops_run")),
        comment="grain: one row per ingest run",
    )
    op.create_table(
        "dim_source_document",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("source_uri", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("budget_year", sa.Integer(), nullable=True),
        sa.Column("department_code", sa.String(length=16), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("producer", sa.String(length=200), nullable=True),
        sa.Column("parser_version", sa.String(length=20), nullable=False),
        sa.Column("projects", sa.Integer(), nullable=False),
        sa.Column("indicators", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ops_run.run_id"], name=op.f("fk_dim_source_document_run_id_ops_run")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["dim_source_document.document_id"],
            name=op.f("fk_dim_source_document_superseded_by_dim_source_document"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_dim_source_document")),
        sa.UniqueConstraint("sha256", name=op.f("uq_dim_source_document_sha256")),
        comment="grain: one row per ingested file version (sha256)",
    )
    with op.batch_alter_table("dim_source_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dim_source_document_status"), ["status"], unique=False)

    op.create_table(
        "ops_file_event",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("source_uri", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ops_run.run_id"], name=op.f("fk_ops_file_event_run_id_ops_run")
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_ops_file_event")),
        comment="grain: one row per file x run",
    )
    with op.batch_alter_table("ops_file_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_file_event_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ops_file_event_sha256"), ["sha256"], unique=False)

    op.create_table(
        "ops_quality_result",
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("suite", sa.String(length=100), nullable=False),
        sa.Column("expectation", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("observed", sa.Text(), nullable=True),
        sa.Column("unexpected_sample", sa.JSON(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ops_run.run_id"], name=op.f("fk_ops_quality_result_run_id_ops_run")
        ),
        sa.PrimaryKeyConstraint("result_id", name=op.f("pk_ops_quality_result")),
        comment="grain: one row per notice (sha256) x expectation x run",
    )
    with op.batch_alter_table("ops_quality_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_quality_result_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ops_quality_result_sha256"), ["sha256"], unique=False)

    op.create_table(
        "fact_indicator_target",
        sa.Column("indicator_target_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("row_seq", sa.Integer(), nullable=False),
        sa.Column("target_text", sa.Text(), nullable=True),
        sa.Column("comparator", sa.String(length=2), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_unit", sa.String(length=50), nullable=True),
        sa.Column("target_deadline", sa.Date(), nullable=True),
        sa.Column("value_kind", sa.String(length=12), nullable=False),
        sa.Column("is_core", sa.Boolean(), nullable=False),
        sa.Column("score_text", sa.String(length=50), nullable=True),
        sa.Column("note_text", sa.Text(), nullable=True),
        sa.Column("source_page", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_year"], ["dim_year.year"], name=op.f("fk_fact_indicator_target_budget_year_dim_year")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["dim_source_document.document_id"],
            name=op.f("fk_fact_indicator_target_document_id_dim_source_document"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["dim_indicator.indicator_id"],
            name=op.f("fk_fact_indicator_target_indicator_id_dim_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["dim_project.project_id"],
            name=op.f("fk_fact_indicator_target_project_id_dim_project"),
        ),
        sa.PrimaryKeyConstraint("indicator_target_id", name=op.f("pk_fact_indicator_target")),
        sa.UniqueConstraint(
            "document_id", "project_id", "row_seq", name=op.f("uq_fact_indicator_target_document_id")
        ),
        comment="grain: one row per indicator row x project x budget year x source document",
    )
    with op.batch_alter_table("fact_indicator_target", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fact_indicator_target_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fact_indicator_target_project_id"), ["project_id"], unique=False)

    op.create_table(
        "fact_project_budget",
        sa.Column("project_budget_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("project_seq", sa.Integer(), nullable=False),
        sa.Column("total_funds_wan", sa.Numeric(precision=18, scale=4, asdecimal=False), nullable=True),
        sa.Column("fiscal_funds_wan", sa.Numeric(precision=18, scale=4, asdecimal=False), nullable=True),
        sa.Column("other_funds_wan", sa.Numeric(precision=18, scale=4, asdecimal=False), nullable=True),
        sa.Column("performance_goal", sa.Text(), nullable=True),
        sa.Column("period_text", sa.String(length=100), nullable=True),
        sa.Column("annex_label", sa.String(length=50), nullable=True),
        sa.Column("source_page", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_year"], ["dim_year.year"], name=op.f("fk_fact_project_budget_budget_year_dim_year")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["dim_department.department_id"],
            name=op.f("fk_fact_project_budget_department_id_dim_department"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["dim_source_document.document_id"],
            name=op.f("fk_fact_project_budget_document_id_dim_source_document"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["dim_project.project_id"],
            name=op.f("fk_fact_project_budget_project_id_dim_project"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["dim_unit.unit_id"], name=op.f("fk_fact_project_budget_unit_id_dim_unit")
        ),
        sa.PrimaryKeyConstraint("project_budget_id", name=op.f("pk_fact_project_budget")),
        sa.UniqueConstraint(
            "project_id", "budget_year", "document_id", name=op.f("uq_fact_project_budget_project_id")
        ),
        comment="grain: one row per project x budget year x source document",
    )
    with op.batch_alter_table("fact_project_budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fact_project_budget_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fact_project_budget_project_id"), ["project_id"], unique=False)

    for sql in _VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in _VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    with op.batch_alter_table("fact_project_budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_project_budget_project_id"))
        batch_op.drop_index(batch_op.f("ix_fact_project_budget_document_id"))

    op.drop_table("fact_project_budget")
    with op.batch_alter_table("fact_indicator_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fact_indicator_target_project_id"))
        batch_op.drop_index(batch_op.f("ix_fact_indicator_target_document_id"))

    op.drop_table("fact_indicator_target")
    with op.batch_alter_table("ops_quality_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_quality_result_sha256"))
        batch_op.drop_index(batch_op.f("ix_ops_quality_result_run_id"))

    op.drop_table("ops_quality_result")
    with op.batch_alter_table("ops_file_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_file_event_sha256"))
        batch_op.drop_index(batch_op.f("ix_ops_file_event_run_id"))

    op.drop_table("ops_file_event")
    with op.batch_alter_table("dim_source_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dim_source_document_status"))

    op.drop_table("dim_source_document")
    op.drop_table("ops_run")
    op.drop_table("ops_quarantine")
    op.drop_table("dim_year")
    with op.batch_alter_table("dim_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dim_unit_department_code"))

    op.drop_table("dim_unit")
    op.drop_table("dim_project")
    op.drop_table("dim_indicator")
    with op.batch_alter_table("dim_department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dim_department_code"))

    op.drop_table("dim_department")
