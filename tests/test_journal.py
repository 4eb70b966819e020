"""The run journal: a run that fails before the warehouse can record it is kept locally, shown by
`notices status`, and written into `ops_run` by the next run that reaches the warehouse (both databases)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from flows import journal
from flows.report import status_report
from load.db import WarehouseError, ensure_schema, make_engine

OTHER = "postgresql://etl:pw-other-42@db.example:5432/warehouse"


def test_an_early_failure_waits_in_the_journal_until_the_warehouse_is_back(warehouse_url, tmp_path):
    path = tmp_path / "journal" / "run-journal.jsonl"
    reason = "warehouse unreachable at somewhere: connection refused"
    entry = journal.record(path, ["/data/notices"], warehouse_url, reason, flow_run_id="f-1")
    journal.record(path, ["https://example.gov.cn/index.html"], OTHER, "refused")
    assert entry is not None and entry["warehouse"] == sa.engine.make_url(warehouse_url).render_as_string()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [e["warehouse"] for e in lines][1] == "postgresql://etl:***@db.example:5432/warehouse"
    assert "pw-other-42" not in path.read_text(encoding="utf-8")

    # the warehouse is still empty (a SQLite file not even created: status says so): status shows the
    # journal's run all the same
    try:
        report = status_report(warehouse_url, journal_path=path)
    except WarehouseError as exc:
        assert warehouse_url.startswith("sqlite") and "no warehouse at" in str(exc)
        report = str(exc)
    assert "runs that failed before reaching the warehouse, not yet in it" in report
    assert "/data/notices" in report and reason in report and "refused" not in report.replace(reason, "")

    engine = make_engine(warehouse_url)
    ensure_schema(engine)
    assert journal.flush(path, engine, warehouse_url) == 1
    assert journal.flush(path, engine, warehouse_url) == 0
    assert journal.pending(path, warehouse_url) == [] and len(journal.pending(path, OTHER)) == 1
    with engine.connect() as c:
        row = c.execute(sa.text("select status, flow_run_id, files_seen, error, sources from ops_run")).one()
    assert row[:3] == ("failed", "f-1", 0)
    assert row[3].startswith("failed before reaching the warehouse (run journal of ") and reason in row[3]
    assert json.loads(row[4]) == ["/data/notices"]

    report = status_report(warehouse_url, journal_path=path)
    assert "not yet in it" not in report
    assert " failed " in report and "error: failed before reaching the warehouse" in report

    # written once, however often it is given (a crash between writing it and rewriting the journal)
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    assert journal.flush(path, engine, warehouse_url) == 1
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from ops_run")).scalar_one() == 1
    engine.dispose()


def test_status_of_an_unreachable_warehouse_lists_the_journal(tmp_path):
    url = "postgresql://etl:pw-down-7@127.0.0.1:1/none"
    path = tmp_path / "run-journal.jsonl"
    journal.record(path, ["/data/notices"], url, "warehouse unreachable at …: connection refused")
    with pytest.raises(WarehouseError) as down:
        status_report(url, journal_path=path)
    text = str(down.value)
    assert text.startswith("warehouse unreachable at postgresql://etl:***@127.0.0.1:1/none")
    assert "not yet in it" in text and "/data/notices" in text and "pw-down-7" not in text


def test_a_torn_journal_line_is_ignored(tmp_path):
    path = tmp_path / "run-journal.jsonl"
    url = f"sqlite:///{tmp_path / 'w.db'}"
    journal.record(path, ["a"], url, "down")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"started_at": "2026-')
    assert [e["sources"] for e in journal.pending(path, url)] == [["a"]]
