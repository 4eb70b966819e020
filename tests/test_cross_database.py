"""The same generated notices loaded into SQLite and into PostgreSQL give the same contract views."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pytest
import sqlalchemy as sa

from flows import ingest, resources
from load.db import make_engine
from tests.conftest import new_pg_database
from tests.fixturegen import generate_corpus
from tests.truth import load_truth, mismatches


def _canonical(value):
    """One spelling per value across drivers: dates as ISO text, numbers as rounded floats."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, decimal.Decimal | float):
        return round(float(value), 6)
    return value


def _views(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    out = {}
    with engine.connect() as c:
        for view in ("v_projects", "v_indicator_targets"):
            rows = c.execute(sa.text(f"select * from {view}"))
            out[view] = sorted((tuple(_canonical(v) for v in row) for row in rows), key=repr)
    engine.dispose()
    return out


@pytest.mark.slow
def test_sixty_generated_notices_are_identical_on_both_databases(prefect_harness, pg_server, tmp_path):
    """Issue acceptance: 60 notices the reader has not seen (every layout, both PDF producers) give the same
    contract views, row for row, and so the same scores, on SQLite and on PostgreSQL."""
    corpus = tmp_path / "corpus"
    truth = generate_corpus(corpus, 60, seed=5)
    expected = sum(len(n["projects"]) for n in json.loads(truth.read_text()))
    sqlite_url = f"sqlite:///{tmp_path / 'w.db'}"
    pg_url, drop = new_pg_database(pg_server)
    try:
        for url in (sqlite_url, pg_url):
            try:
                ingest.ingest_notices(sources=[str(corpus)], warehouse=url, workers=2)
            finally:
                resources.close_resources()
        on_sqlite, on_postgres = _views(sqlite_url), _views(pg_url)
        assert len(on_sqlite["v_projects"]) >= 0.9 * expected and len(on_sqlite["v_indicator_targets"]) > 1000
        assert on_sqlite == on_postgres
        assert mismatches(sqlite_url, load_truth(truth)) == mismatches(pg_url, load_truth(truth))
    finally:
        drop()
