"""The warehouse: a star schema of budget performance targets plus the ops tables (DESIGN §3).

Every table states its grain in its docstring (also stored as the table comment). Surrogate integer keys,
natural keys under unique constraints. Schema changes go through Alembic (load/migrations).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from contracts.statuses import EVENT_STATUSES, FileStatus, RunStatus, Severity
from contracts.vocabulary import COMPARATORS, VALUE_KINDS, DocumentKind, Scope

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(18, 4, asdecimal=False)


def one_of(column: str, values, name: str | None = None, nullable: bool = False) -> CheckConstraint:
    """A CHECK that `column` holds one of the contract's values (named `ck_<table>_<column>`)."""
    listed = ", ".join(f"'{v}'" for v in values)
    rule = f"{column} IN ({listed})" + (f" OR {column} IS NULL" if nullable else "")
    return CheckConstraint(rule, name=name or column)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DimYear(Base):
    """One row per calendar year referenced: budget years and project-period years."""

    __tablename__ = "dim_year"
    __table_args__ = {"comment": "grain: one row per calendar year referenced (budget and period years)"}

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    is_budget_year: Mapped[bool] = mapped_column(Boolean, default=False)


class DimDepartment(Base):
    """One row per department (主管部门) version: a run of budget years in which one name was printed for the
    department; a rename keeps the code and opens a new version. A department is its region and code where
    a code is printed, else its region and name (`department_key`)."""

    __tablename__ = "dim_department"
    __table_args__ = (
        UniqueConstraint("department_key", "name", "valid_from_year"),
        {"comment": "grain: one row per department (region + code, else region + name) x name version"},
    )

    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_key: Mapped[str] = mapped_column(String(300), index=True)
    region: Mapped[str | None] = mapped_column(String(50))
    code: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    former_names: Mapped[str | None] = mapped_column(
        Text
    )  # 原… names printed beside this version, '；'-joined
    valid_from_year: Mapped[int] = mapped_column(Integer)
    valid_to_year: Mapped[int | None] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class DimUnit(Base):
    """One row per implementing unit (实施单位) of a department: its code where printed, else its name (or
    none printed); the name is the latest printed."""

    __tablename__ = "dim_unit"
    __table_args__ = {"comment": "grain: one row per implementing unit (department + code, else + name)"}

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_key: Mapped[str] = mapped_column(String(600), unique=True)
    code: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    department_key: Mapped[str] = mapped_column(String(300), index=True)
    department_code: Mapped[str | None] = mapped_column(String(16), index=True)


class DimProject(Base):
    """One row per project across budget years: department + unit + name + period."""

    __tablename__ = "dim_project"
    __table_args__ = (
        UniqueConstraint("department_key", "unit_key", "name", "period_start_year", "period_end_year"),
        {"comment": "grain: one row per project (department, unit, name, period) across budget years"},
    )

    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_key: Mapped[str] = mapped_column(String(300), index=True)
    unit_key: Mapped[str] = mapped_column(String(600))
    region: Mapped[str | None] = mapped_column(String(50))
    department_code: Mapped[str | None] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    period_start_year: Mapped[int] = mapped_column(Integer)
    period_end_year: Mapped[int] = mapped_column(Integer)


class DimIndicator(Base):
    """One row per indicator definition: level1 / level2 / level3."""

    __tablename__ = "dim_indicator"
    __table_args__ = (
        UniqueConstraint("level1", "level2", "level3"),
        {"comment": "grain: one row per (level1, level2, level3) indicator"},
    )

    indicator_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level1: Mapped[str] = mapped_column(String(100))
    level2: Mapped[str] = mapped_column(String(100))
    level3: Mapped[str] = mapped_column(Text)
    level1_known: Mapped[bool] = mapped_column(Boolean)
    level2_known: Mapped[bool] = mapped_column(Boolean)


class DimSourceDocument(Base):
    """One row per ingested file version (identified by sha256), whatever became of it."""

    __tablename__ = "dim_source_document"
    __table_args__ = (
        one_of("status", FileStatus),
        one_of("document_kind", DocumentKind, nullable=True),
        {"comment": "grain: one row per ingested file version (sha256)"},
    )

    document_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    source_uri: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    budget_year: Mapped[int | None] = mapped_column(Integer, index=True)
    department_code: Mapped[str | None] = mapped_column(String(16), index=True)
    region: Mapped[str | None] = mapped_column(String(50), index=True)
    publisher: Mapped[str | None] = mapped_column(String(200))
    document_kind: Mapped[str | None] = mapped_column(String(20))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    pages: Mapped[int | None] = mapped_column(Integer)
    producer: Mapped[str | None] = mapped_column(String(200))
    parser_version: Mapped[str] = mapped_column(String(20))
    projects: Mapped[int] = mapped_column(Integer, default=0)
    indicators: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("dim_source_document.document_id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ops_run.run_id"))


class FactProjectBudget(Base):
    """One row per budget line of a project in a source document (project x budget year x document; a name
    printed over several money blocks is several lines); money in 万元."""

    __tablename__ = "fact_project_budget"
    __table_args__ = (
        UniqueConstraint("document_id", "project_seq"),
        one_of("scope", Scope),
        {"comment": "grain: one row per project budget line x budget year x source document"},
    )

    project_budget_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("dim_project.project_id"), index=True)
    budget_year: Mapped[int] = mapped_column(ForeignKey("dim_year.year"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("dim_source_document.document_id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("dim_department.department_id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("dim_unit.unit_id"))
    project_seq: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(12), default=Scope.PROJECT)
    project_code: Mapped[str | None] = mapped_column(String(40))
    total_funds_wan: Mapped[float | None] = mapped_column(Money)
    fiscal_funds_wan: Mapped[float | None] = mapped_column(Money)
    other_funds_wan: Mapped[float | None] = mapped_column(Money)
    carryover_funds_wan: Mapped[float | None] = mapped_column(Money)
    performance_goal: Mapped[str | None] = mapped_column(Text)
    period_text: Mapped[str | None] = mapped_column(String(100))
    annex_label: Mapped[str | None] = mapped_column(String(50))
    source_page: Mapped[int] = mapped_column(Integer)


class FactIndicatorTarget(Base):
    """One row per indicator row x project x budget year x source document."""

    __tablename__ = "fact_indicator_target"
    __table_args__ = (
        UniqueConstraint("document_id", "project_seq", "row_seq"),
        one_of("comparator", COMPARATORS, nullable=True),
        one_of("value_kind", VALUE_KINDS),
        {"comment": "grain: one row per indicator row x project x budget year x source document"},
    )

    indicator_target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("dim_source_document.document_id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("dim_project.project_id"), index=True)
    budget_year: Mapped[int] = mapped_column(ForeignKey("dim_year.year"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("dim_indicator.indicator_id"), index=True)
    project_seq: Mapped[int] = mapped_column(Integer)  # the budget line (fact_project_budget) it belongs to
    row_seq: Mapped[int] = mapped_column(Integer)
    target_text: Mapped[str | None] = mapped_column(Text)
    comparator: Mapped[str | None] = mapped_column(String(2))
    target_value: Mapped[float | None] = mapped_column(Float)
    target_unit: Mapped[str | None] = mapped_column(String(50))
    target_deadline: Mapped[dt.date | None] = mapped_column(Date)
    value_kind: Mapped[str] = mapped_column(String(12))
    is_core: Mapped[bool] = mapped_column(Boolean, default=False)
    score_text: Mapped[str | None] = mapped_column(String(50))
    note_text: Mapped[str | None] = mapped_column(Text)
    indicator_nature: Mapped[str | None] = mapped_column(String(20))
    weight: Mapped[float | None] = mapped_column(Float)
    period_target_text: Mapped[str | None] = mapped_column(Text)
    source_page: Mapped[int] = mapped_column(Integer)


class OpsRun(Base):
    """One row per `notices ingest` run."""

    __tablename__ = "ops_run"
    __table_args__ = (one_of("status", RunStatus), {"comment": "grain: one row per ingest run"})

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    sources: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))  # a RunStatus
    files_seen: Mapped[int] = mapped_column(Integer, default=0)
    files_skipped: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict | None] = mapped_column(JSON)  # files by status
    error: Mapped[str | None] = mapped_column(Text)


class OpsFileEvent(Base):
    """One row per file x run: what the run did with the file (the file log)."""

    __tablename__ = "ops_file_event"
    __table_args__ = (one_of("status", EVENT_STATUSES), {"comment": "grain: one row per file x run"})

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ops_run.run_id"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    source_uri: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # a FileStatus, or skipped
    reason: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float | None] = mapped_column(Float)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OpsQualityResult(Base):
    """One row per notice x expectation evaluated by the data-quality gate."""

    __tablename__ = "ops_quality_result"
    __table_args__ = (
        one_of("severity", Severity),
        {"comment": "grain: one row per notice (sha256) x expectation x run"},
    )

    result_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ops_run.run_id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    suite: Mapped[str] = mapped_column(String(100))
    expectation: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(10))  # a Severity
    success: Mapped[bool] = mapped_column(Boolean)
    observed: Mapped[str | None] = mapped_column(Text)
    unexpected_sample: Mapped[list | None] = mapped_column(JSON)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OpsQuarantine(Base):
    """One row per quarantined notice version: its extracted rows kept as JSON for inspection."""

    __tablename__ = "ops_quarantine"
    __table_args__ = {"comment": "grain: one row per quarantined file version (sha256)"}

    quarantine_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    projects: Mapped[list] = mapped_column(JSON)
    indicators: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
