"""Alembic owns the schema: an older warehouse with data upgrades in place; models and migrations agree."""

from __future__ import annotations

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


def test_first_migration_with_data_upgrades_to_head(warehouse_url):
    engine = make_engine(warehouse_url)
    upgrade_to(engine, "0001")
    frames = normalize(read_notice(SEED))
    meta = NoticeMeta(
        parser_version=PARSER_VERSION, budget_year=2019, department_code="607", published_on="2019-03-06"
    )
    load_notice(engine, FileMeta("f" * 64, "seed.pdf", "/seed.pdf", 1), meta, frames, None)

    with pytest.raises(WarehouseError, match="needs"):
        ensure_schema(engine, upgrade=False)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from v_indicator_targets")).scalar_one() == 60
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("fact_project_budget")}
    assert "ix_fact_project_budget_budget_year" in indexes
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
