"""Freshness of each source: in `notices status`, and what the `check-freshness` flow fails on (its run on a
Prefect API is in tests/test_alerts.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from contracts.records import FileMeta, NoticeMeta
from contracts.statuses import FileStatus, RunStatus
from extract import PARSER_VERSION
from flows.report import freshness, status_report
from load import ops
from load.db import ensure_schema, make_engine
from load.models import DimSourceDocument, OpsRun

DAY = dt.timedelta(days=1)


def _document(engine, run_id: int, uri: str, status=FileStatus.NO_TARGETS) -> None:
    f = FileMeta(sha256=uuid.uuid4().hex * 2, file_name=uri.rsplit("/", 1)[-1], source_uri=uri, size_bytes=1)
    ops.record_outcome(engine, f, NoticeMeta(parser_version=PARSER_VERSION), status, None, run_id)


def _run(engine, sources: list[str], docs: list[str] = (), status=RunStatus.COMPLETED) -> int:
    run_id = ops.start_run(engine, sources, None)
    for uri in docs:
        _document(engine, run_id, uri)
    ops.finish_run(engine, run_id, status, {}, len(docs), 0)
    return run_id


def age(engine, days: float) -> None:
    """Everything the warehouse recorded happened `days` earlier."""
    back = dt.timedelta(days=days)
    runs, docs = OpsRun.__table__, DimSourceDocument.__table__
    with engine.begin() as conn:
        for rid, started, finished in conn.execute(
            sa.select(runs.c.run_id, runs.c.started_at, runs.c.finished_at)
        ):
            conn.execute(
                runs.update()
                .where(runs.c.run_id == rid)
                .values(started_at=started - back, finished_at=finished - back if finished else None)
            )
        for doc, at in conn.execute(sa.select(docs.c.document_id, docs.c.ingested_at)):
            conn.execute(docs.update().where(docs.c.document_id == doc).values(ingested_at=at - back))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    ensure_schema(engine)
    yield engine
    engine.dispose()


def test_freshness_per_source(engine):
    _run(engine, ["/data/a"], ["/data/a/1.pdf", "/data/a/2.pdf"])
    _run(engine, ["https://x.gov.cn/b/index.html"])  # runs, never delivered a document
    _run(engine, ["/data/c"], status=RunStatus.FAILED)  # never completed
    # a run of two sources: each document counts for the source its address begins with
    _run(engine, ["/data/a", "/data/d"], ["/data/d/9.pdf"])
    now = dt.datetime.now(dt.UTC)
    by = {fr.source: fr for fr in freshness(engine, at=now)}
    assert set(by) == {"/data/a", "/data/c", "/data/d", "https://x.gov.cn/b/index.html"}
    assert (by["/data/a"].documents, by["/data/d"].documents) == (2, 1)
    assert by["/data/a"].stale == [] and by["https://x.gov.cn/b/index.html"].stale == []
    assert by["/data/c"].stale == ["no successful run yet"]
    assert (
        by["/data/a"]
        .line()
        .startswith(f"fresh  /data/a: last new document {now:%Y-%m-%d}, last successful run")
    )

    # three days on: no run completed for 3 days (> 2), documents still recent (< 30)
    later = {fr.source: fr for fr in freshness(engine, at=now + 3 * DAY)}
    assert later["/data/a"].stale == ["no successful run for 3 days"]
    # a new run of /data/a finds nothing new 40 days on: the runs are fresh, the documents are not;
    # the source that never delivered anything is not held to the document check
    age(engine, 40)
    _run(engine, ["/data/a"])
    _run(engine, ["https://x.gov.cn/b/index.html"])
    now = dt.datetime.now(dt.UTC)
    by = {fr.source: fr for fr in freshness(engine, at=now)}
    assert by["/data/a"].stale == ["no new document for 40 days"]
    assert by["https://x.gov.cn/b/index.html"].stale == []
    assert "stale  /data/a: last new document" in by["/data/a"].line()
    # the thresholds are the caller's; named sources are checked even when never run
    relaxed = freshness(engine, sources=["/data/a", "/data/new"], document_days=60, at=now)
    assert [(fr.source, fr.stale) for fr in relaxed] == [
        ("/data/a", []),
        ("/data/new", ["no successful run yet"]),
    ]
    # sources nobody ran for 90 days are left out
    assert "/data/c" not in {fr.source for fr in freshness(engine, at=now + 100 * DAY)}


def test_status_shows_freshness_per_source(engine, tmp_path):
    url = str(engine.url)
    _run(engine, ["/data/a"], ["/data/a/1.pdf"])
    report = status_report(url)
    assert "freshness (stale: no completed run for 2 days, or no new document for 30 days" in report
    assert f"  fresh  /data/a: last new document {dt.datetime.now(dt.UTC):%Y-%m-%d}" in report
    age(engine, 5)
    report = status_report(url, run_days=7, document_days=3)
    assert "  stale  /data/a: " in report and "(no new document for 5 days)" in report
