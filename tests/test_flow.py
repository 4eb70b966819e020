"""End to end: the Prefect flow and the command line on real sample PDFs, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa

from flows import ingest, resources
from load.db import make_engine
from tests.conftest import NOTICES, REAL, SEED
from tests.truth import load_truth, mismatches

TRUTH = [NOTICES / "seed_2019_607.truth.json", NOTICES / "notices.truth.json"]


def _rows(url: str, sql: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as c:
        out = [tuple(r) for r in c.execute(sa.text(sql))]
    engine.dispose()
    return out


@pytest.fixture
def run(prefect_harness):
    def _run(sources, url, **kw):
        try:
            return ingest.ingest_notices(sources=[str(s) for s in sources], warehouse=url, **kw)
        finally:
            resources.close_resources()

    return _run


def test_samples_match_ground_truth_and_rerun_skips(run, warehouse_url):
    first = run([NOTICES], warehouse_url)
    assert first.by_status == {"loaded": 9}
    assert mismatches(warehouse_url, load_truth(*TRUTH)) == []
    counts = _rows(
        warehouse_url, "select (select count(*) from v_projects), (select count(*) from v_indicator_targets)"
    )
    assert counts == [(21, 218)]

    second = run([NOTICES], warehouse_url)
    assert (second.files, second.skipped, second.by_status) == (9, 9, {})
    assert (
        _rows(
            warehouse_url,
            "select (select count(*) from v_projects), (select count(*) from v_indicator_targets)",
        )
        == counts
    )
    assert _rows(warehouse_url, "select status, count(*) from ops_run group by status") == [("completed", 2)]


def test_overlapping_runs_count_each_file_in_the_run_that_loaded_it(run, warehouse_url, monkeypatch):
    """Run A lists its files as new, then run B ingests them all before A records any: B counts them, A
    finds each one recorded meanwhile and logs it skipped instead of counting it a second time."""
    files = [NOTICES / f"notice_00{i}.pdf" for i in (1, 2, 3)] + [min(REAL.glob("*.pdf"))]
    real_split = ingest.split_known
    runs: dict[str, object] = {}

    def split_then_let_another_run_in(engine, srcs, retry_rejected=False):
        todo, known = real_split(engine, srcs, retry_rejected)
        if not runs:  # run A: run B whole before A goes on (a thread of its own: a flow run of its own)
            runs["B"] = None
            other = threading.Thread(target=lambda: runs.update(B=run(files, warehouse_url)))
            other.start()
            other.join()
        return todo, known

    monkeypatch.setattr(ingest, "split_known", split_then_let_another_run_in)
    a = run(files, warehouse_url)
    b = runs["B"]
    assert (b.files, b.skipped, b.by_status) == (4, 0, {"loaded": 3, "no_targets": 1})
    assert (a.files, a.skipped, a.by_status) == (4, 4, {})
    assert {r["status"] for r in a.results} == {"skipped"}
    assert all("meanwhile" in r["reason"] for r in a.results)
    recorded = [
        (run_id, json.loads(counts) if isinstance(counts, str) else counts, skipped)
        for run_id, counts, skipped in _rows(
            warehouse_url, "select run_id, counts, files_skipped from ops_run order by run_id"
        )
    ]
    assert recorded == [(a.run_id, {}, 4), (b.run_id, {"loaded": 3, "no_targets": 1}, 0)]
    events = _rows(
        warehouse_url,
        "select run_id, status, count(*) from ops_file_event group by run_id, status order by 1, 2",
    )
    assert events == [(a.run_id, "skipped", 4), (b.run_id, "loaded", 3), (b.run_id, "no_targets", 1)]
    assert _rows(warehouse_url, "select count(*) from v_source_files where status = 'loaded'") == [(3,)]


def test_a_run_that_cannot_reach_the_warehouse_is_journaled_then_recorded(run, tmp_path, monkeypatch):
    """The warehouse cannot be opened (its folder is missing): after the retries the flow run fails with
    the reason in its final state and the run goes into the run journal; the next run that reaches the
    warehouse writes it into ops_run before its own."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    from load.db import WarehouseError

    path = tmp_path / "run-journal.jsonl"
    monkeypatch.setenv("NOTICES_RUN_JOURNAL", str(path))
    folder = tmp_path / "not-yet"
    url = f"sqlite:///{folder / 'w.db'}"
    with pytest.raises(WarehouseError, match="warehouse folder .* does not exist") as failed:
        run([NOTICES / "notice_001.pdf"], url)
    assert "run journal" in str(failed.value)
    (entry,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert entry["sources"] == [str(NOTICES / "notice_001.pdf")] and entry["warehouse"] == url
    state = httpx.get(f"{PREFECT_API_URL.value()}/flow_runs/{entry['flow_run_id']}", timeout=10).json()[
        "state"
    ]
    assert state["type"] == "FAILED"
    assert "does not exist" in state["message"] and "run journal" in state["message"]

    folder.mkdir()
    assert run([NOTICES / "notice_001.pdf"], url).by_status == {"loaded": 1}
    runs = _rows(url, "select status, flow_run_id, error from ops_run order by run_id")
    assert [r[0] for r in runs] == ["failed", "completed"]
    assert runs[0][1] == entry["flow_run_id"] and entry["reason"] in runs[0][2]
    assert path.read_text(encoding="utf-8") == ""


def test_the_warehouse_url_comes_from_the_named_secret(prefect_harness, tmp_path, monkeypatch):
    """`warehouse_secret` names a Secret block holding the URL; a missing block fails the run with the
    reason, into the run journal under the block's name."""
    from prefect.blocks.system import Secret

    from load.db import WarehouseError

    path = tmp_path / "run-journal.jsonl"
    monkeypatch.setenv("NOTICES_RUN_JOURNAL", str(path))
    monkeypatch.delenv("NOTICES_WAREHOUSE_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'secret.db'}"
    Secret(value=url).save("notices-test-warehouse", overwrite=True)
    sources = [str(NOTICES / "notice_001.pdf")]
    try:
        summary = ingest.ingest_notices(sources=sources, warehouse_secret="notices-test-warehouse")
        with pytest.raises(WarehouseError, match="warehouse secret 'no-such-block' could not be read"):
            ingest.ingest_notices(sources=sources, warehouse_secret="no-such-block")
    finally:
        resources.close_resources()
    assert summary.by_status == {"loaded": 1} and _rows(url, "select count(*) from v_projects") == [(1,)]
    (entry,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert (entry["warehouse"], entry["secret"]) == (None, "no-such-block")


def test_real_budget_pdfs_load_no_projects(run, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    summary = run([REAL], url)
    assert summary.by_status == {"no_targets": 22}
    assert _rows(url, "select count(*) from v_projects") == [(0,)]


def test_the_runs_region_names_documents_that_name_none(run, tmp_path):
    """Notices name no region: a run given one stores it (and the department key uses it); a run without
    one leaves it NULL and records the region_known warning, and the file still loads."""
    notice = NOTICES / "notice_001.pdf"
    named, unnamed = f"sqlite:///{tmp_path / 'named.db'}", f"sqlite:///{tmp_path / 'unnamed.db'}"
    assert run([notice], named, region="测试市").by_status == {"loaded": 1}
    assert run([notice], unnamed).by_status == {"loaded": 1}
    assert _rows(named, "select distinct region from v_projects") == [("测试市",)]
    assert _rows(named, "select region from v_source_files") == [("测试市",)]
    assert _rows(unnamed, "select distinct region from v_projects") == [(None,)]
    check = "select severity, success from ops_quality_result where expectation = 'region_known'"
    assert _rows(named, check) == [("warning", True)]
    assert _rows(unnamed, check) == [("warning", False)]


def test_bad_files_never_stop_a_run(run, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "page.pdf").write_bytes(b"<!doctype html><html><body>not here</body></html>")
    (folder / "truncated.pdf").write_bytes(SEED.read_bytes()[:5000])
    shutil.copy(NOTICES / "notice_001.pdf", folder / "好的通知.pdf")
    shutil.copy(next(REAL.glob("*.pdf")), folder / "budget.pdf")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    run([folder], url)
    statuses = dict(_rows(url, "select source_file, status from v_source_files"))
    assert statuses == {
        "empty.pdf": "rejected",
        "page.pdf": "rejected",
        "truncated.pdf": "rejected",
        "好的通知.pdf": "loaded",
        "budget.pdf": "no_targets",
    }
    reasons = dict(_rows(url, "select source_file, reason from v_source_files where status = 'rejected'"))
    assert (
        "empty" in reasons["empty.pdf"]
        and "HTML" in reasons["page.pdf"]
        and "corrupt" in reasons["truncated.pdf"]
    )


def _flow_run_log(url: str, run_id: int) -> list[str]:
    """The log lines of the Prefect flow run behind warehouse run `run_id`, as the UI shows them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10, at_exit=False)
    [(flow_run_id,)] = _rows(url, f"select flow_run_id from ops_run where run_id = {run_id}")
    with get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    return [log.message for log in logs]


def test_the_flow_run_logs_every_files_outcome(run, tmp_path):
    """Ops read a run in the Prefect UI: one line per file (status, projects, indicators, reason), one line
    for the files skipped as unchanged, one for the run's totals."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    shutil.copy(NOTICES / "notice_001.pdf", folder / "notice.pdf")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first = run([folder], url)
    lines = _flow_run_log(url, first.run_id)
    assert "empty.pdf: rejected, 0 projects, 0 indicators; reason: empty file (0 bytes)" in lines, lines
    assert any(line.startswith("notice.pdf: loaded, 1 projects, 20 indicators") for line in lines), lines
    assert (
        f"run {first.run_id}: 2 files found, 0 skipped as unchanged (already in the warehouse), 2 to ingest"
        in lines
    )
    assert f"run {first.run_id} done: loaded 1, rejected 1; 1 projects and 20 indicators loaded" in lines
    again = run([folder], url)
    lines = _flow_run_log(url, again.run_id)
    assert (
        f"run {again.run_id}: 2 files found, 2 skipped as unchanged (already in the warehouse), 0 to ingest"
        in lines
    )
    assert f"run {again.run_id} done: nothing new; 0 projects and 0 indicators loaded" in lines


def test_quarantined_notice_loads_nothing_and_good_one_loads(run, tmp_path):
    from tests.fixturegen import generate_notice, make_notice
    from tests.fixturegen.model import fmt_number

    # a notice whose printed total is not 财政拨款 + 其他资金, and the issuer's corrected re-issue of it
    spec = make_notice(seed=3, projects=3, renderer="rl", ruling="lines")
    good_total = spec.projects[0].p_total
    spec.projects[0].p_total = fmt_number(spec.projects[0].total + 999)
    generate_notice(spec, tmp_path / "broken.pdf")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    run([tmp_path / "broken.pdf", NOTICES / "notice_004.pdf"], url, output_dir=str(tmp_path / "out"))
    rows = dict(_rows(url, "select source_file, status from v_source_files"))
    assert rows == {"broken.pdf": "quarantined", "notice_004.pdf": "loaded"}
    reason = _rows(url, "select reason from v_source_files where status = 'quarantined'")[0][0]
    assert reason.startswith("money_adds_up")
    assert _rows(url, "select distinct source_file from v_projects") == [("notice_004.pdf",)]
    spec.projects[0].p_total = good_total
    generate_notice(spec, tmp_path / "corrected.pdf")
    run([tmp_path / "corrected.pdf"], url, output_dir=str(tmp_path / "out"))
    rows = dict(_rows(url, "select source_file, status from v_source_files"))
    assert rows["corrected.pdf"] == "loaded" and rows["broken.pdf"] == "quarantined"
    assert _rows(url, "select count(*) from v_projects where source_file = 'corrected.pdf'") == [(3,)]
    docs = tmp_path / "out" / "data-docs"
    assert (docs / "index.html").exists()
    assert {p.name for p in (docs / "validations" / "notice_projects").iterdir()} == {"broken.pdf"}


def _cli(*args, env=None, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=os.getcwd(),
    )


@pytest.mark.slow
def test_cli_ingest_and_status(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = _cli("ingest", str(SEED), str(NOTICES / "notice_002.pdf"), "--warehouse", url)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Traceback" not in out and " ERROR " not in out and "| ERROR" not in out, out
    assert "loaded 2" in out and "7 projects and 69 indicators" in out
    # nothing new: the run is recorded in the warehouse without starting orchestration at all
    again = _cli("ingest", str(SEED), str(NOTICES / "notice_002.pdf"), "--warehouse", url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "2 unchanged (skipped)" in again.stdout and "nothing new" in again.stdout
    runs = _rows(url, "select run_id, flow_run_id, status, files_seen, files_skipped from ops_run order by 1")
    assert [r[2:] for r in runs] == [("completed", 2, 0), ("completed", 2, 2)]
    assert runs[0][1] and runs[1][1] is None
    status = _cli("status", "--warehouse", url)
    assert status.returncode == 0 and "loaded       2" in status.stdout, status.stdout + status.stderr
    assert "files 2, skipped 2: nothing new" in status.stdout


@pytest.mark.parametrize(
    "url", ["postgresql://nobody:secretpw@127.0.0.1:1/none", "sqlite:////nonexistent-folder/w.db"]
)
def test_cli_unreachable_warehouse_exits_non_zero(url, tmp_path):
    journal = tmp_path / "run-journal.jsonl"
    env = {"NOTICES_RUN_JOURNAL": str(journal)}
    done = _cli("ingest", str(SEED), "--warehouse", url, env=env)
    assert done.returncode == 2 and done.stderr.startswith("error: ")
    assert "secretpw" not in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    # the refused run is in the run journal (password masked), and `notices status` shows it
    (entry,) = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert entry["sources"] == [str(SEED)] and entry["reason"] in done.stderr
    assert "secretpw" not in journal.read_text(encoding="utf-8")
    status = _cli("status", "--warehouse", url, env=env)
    assert status.returncode == 2 and "not yet in it" in status.stderr and str(SEED) in status.stderr


@pytest.mark.slow
def test_cli_never_prints_the_warehouse_password(pg_server):
    url = sa.engine.make_url(pg_server).set(password="hunter2").render_as_string(hide_password=False)
    done = _cli("status", "--warehouse", url)
    assert done.returncode == 0, done.stderr
    assert "hunter2" not in done.stdout + done.stderr and "***" in done.stdout


def test_cli_options_default_to_the_notices_settings(monkeypatch, tmp_path):
    """`NOTICES_FILE_TIMEOUT` and friends reach the run; an option given on the command line wins."""
    from typer.testing import CliRunner

    from flows import cli

    seen = {}
    monkeypatch.setattr(cli, "_ingest", lambda sources, cfg, *rest: seen.update(cfg=cfg))
    monkeypatch.setattr(cli.LocalServer, "start_if_needed", classmethod(lambda cls: None))
    monkeypatch.setattr(cli, "_quiet_logs", lambda verbose: None)  # it sets Prefect's logging variables
    env = {
        "NOTICES_FILE_TIMEOUT": "7",
        "NOTICES_WORKERS": "3",
        "NOTICES_WAREHOUSE_URL": f"sqlite:///{tmp_path / 'env.db'}",
    }
    runner = CliRunner()
    assert runner.invoke(cli.app, ["ingest", str(SEED)], env=env).exit_code == 0
    cfg = seen["cfg"]
    assert (cfg.file_timeout, cfg.workers, cfg.warehouse_url) == (7.0, 3, env["NOTICES_WAREHOUSE_URL"])
    assert runner.invoke(cli.app, ["ingest", str(SEED), "--timeout", "9"], env=env).exit_code == 0
    assert seen["cfg"].file_timeout == 9.0
    bad = runner.invoke(cli.app, ["ingest", str(SEED)], env={"NOTICES_FILE_TIMEOUT": "soon"})
    assert bad.exit_code == 2 and "file_timeout" in bad.output


def test_readers_default_to_one_per_core_as_memory_allows(monkeypatch):
    from flows import settings as settings_module

    monkeypatch.delenv("NOTICES_WORKERS", raising=False)
    cores = len(os.sched_getaffinity(0))
    assert settings_module.Settings().workers == settings_module.default_workers()
    assert 1 <= settings_module.default_workers() <= cores
    # as many as the available memory holds, at least one
    monkeypatch.setattr(settings_module, "_available_mb", lambda otherwise: 2 * settings_module.READER_MB)
    assert settings_module.default_workers() == min(cores, 2)
    monkeypatch.setattr(settings_module, "_available_mb", lambda otherwise: 100)
    assert settings_module.default_workers() == 1
    monkeypatch.setenv("NOTICES_WORKERS", "5")
    assert settings_module.Settings().workers == 5
