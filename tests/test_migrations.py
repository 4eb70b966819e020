"""Alembic owns the schema: an older warehouse with data upgrades in place; models and migrations agree."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from contracts.records import FileMeta, NoticeMeta
from extract import PARSER_VERSION
from extract.reader import read_notice
from load.db import (
    MIGRATIONS,
    WarehouseError,
    current_revision,
    ensure_schema,
    head_revision,
    make_engine,
    upgrade_to,
)
from load.facts import load_notice
from tests.conftest import SEED
from transform.normalize import normalize


def _seed_at_0001(engine) -> None:
    """One loaded notice written as the first migration's schema had it (the loader of today writes more
    columns): a department, a unit, a project with its budget fact and two indicator rows (each table
    empty before, so every surrogate key counts from 1)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    now = dt.datetime(2019, 3, 6, tzinfo=dt.UTC)
    with engine.begin() as c:
        c.execute(sa.insert(t["dim_year"]), [{"year": 2019, "is_budget_year": True}])
        c.execute(
            sa.insert(t["dim_department"]),
            [
                {
                    "code": "607",
                    "name": "自治区工业和信息化厅",
                    "valid_from_year": 2019,
                    "is_current": True,
                }
            ],
        )
        c.execute(
            sa.insert(t["dim_unit"]),
            [{"code": "607002", "name": "自治区中小企业服务中心", "department_code": "607"}],
        )
        c.execute(
            sa.insert(t["dim_project"]),
            [
                {
                    "department_code": "607",
                    "unit_code": "607002",
                    "name": "中小企业服务",
                    "period_start_year": 2019,
                    "period_end_year": 2019,
                }
            ],
        )
        c.execute(
            sa.insert(t["dim_source_document"]),
            [
                {
                    "sha256": "f" * 64,
                    "file_name": "seed.pdf",
                    "source_uri": "/seed.pdf",
                    "size_bytes": 1,
                    "status": "loaded",
                    "budget_year": 2019,
                    "department_code": "607",
                    "parser_version": "1.0.0",
                    "projects": 1,
                    "indicators": 2,
                    "warnings": 0,
                    "ingested_at": now,
                }
            ],
        )
        c.execute(
            sa.insert(t["fact_project_budget"]),
            [
                {
                    "project_id": 1,
                    "budget_year": 2019,
                    "document_id": 1,
                    "department_id": 1,
                    "unit_id": 1,
                    "project_seq": 1,
                    "total_funds_wan": 100.0,
                    "fiscal_funds_wan": 100.0,
                    "source_page": 2,
                }
            ],
        )
        c.execute(
            sa.insert(t["dim_indicator"]),
            [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "level3": f"指标{i}",
                    "level1_known": True,
                    "level2_known": True,
                }
                for i in (1, 2)
            ],
        )
        c.execute(
            sa.insert(t["fact_indicator_target"]),
            [
                {
                    "document_id": 1,
                    "project_id": 1,
                    "budget_year": 2019,
                    "indicator_id": i,
                    "row_seq": i,
                    "target_text": "≥95%",
                    "value_kind": "numeric",
                    "is_core": False,
                    "source_page": 2,
                }
                for i in (1, 2)
            ],
        )


def test_first_migration_with_data_upgrades_to_head(warehouse_url):
    engine = make_engine(warehouse_url)
    upgrade_to(engine, "0001")
    _seed_at_0001(engine)

    with pytest.raises(WarehouseError, match="needs"):
        ensure_schema(engine, upgrade=False)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from v_indicator_targets")).scalar_one() == 2
        project = c.execute(
            sa.text("select department_code, unit_name, project_name, scope from v_projects")
        ).one()
        assert tuple(project) == ("607", "自治区中小企业服务中心", "中小企业服务", "project")
        keys = c.execute(
            sa.text("select d.department_key, u.unit_key from dim_department d, dim_unit u")
        ).one()
        assert tuple(keys) == ("|607", "|607|607002")  # notices printed codes and named no region
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("fact_project_budget")}
    assert "ix_fact_project_budget_budget_year" in indexes
    # a notice loaded today lands in the same department and unit
    frames = normalize(read_notice(SEED))
    meta = NoticeMeta(
        parser_version=PARSER_VERSION, budget_year=2019, department_code="607", published_on="2019-03-06"
    )
    load_notice(engine, FileMeta("e" * 64, "seed2.pdf", "/seed2.pdf", 1), meta, frames, None)
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from dim_department where code = '607'")).scalar_one() == 1
    engine.dispose()


def test_models_and_migrations_do_not_drift(warehouse_url):
    engine = make_engine(warehouse_url)
    ensure_schema(engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises when autogenerate would produce a new migration
    engine.dispose()


def test_schema_is_current_is_told_without_alembic_as_alembic_tells_it(tmp_path):
    """A command that finds nothing new checks the schema without importing Alembic: the latest revision
    is read from the migration files, and must be the one Alembic finds."""
    from load.db import declared_head, schema_is_current

    assert declared_head() == head_revision()
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    assert not schema_is_current(engine)
    upgrade_to(engine, "0005")
    assert not schema_is_current(engine)
    ensure_schema(engine)
    assert schema_is_current(engine)
    engine.dispose()
