"""The command line before anything starts: bad usage ends with one line on stderr and a non-zero exit,
before Prefect is imported or its local server launched; a run with nothing new starts neither; `notices
status` never creates a warehouse. Each command runs in a subprocess that reports, as it exits, whether the
local Prefect server was launched and which heavy modules were imported."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import NOTICES, SEED

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("prefect", "pandas", "great_expectations", "pdfplumber", "alembic")

# `notices` as installed, but with a record of what the command started and imported
RUN_CLI = """
import atexit, json, sys
from flows import local_server
launched = []
_init = local_server.LocalServer.__init__
def _record(self, *args, **kwargs):
    launched.append(True)
    _init(self, *args, **kwargs)
local_server.LocalServer.__init__ = _record
@atexit.register
def _report():
    heavy = [name for name in HEAVY if name in sys.modules]
    sys.stdout.write("\\n@@ " + json.dumps({"server": bool(launched), "imported": heavy}) + "\\n")
from flows.cli import app
app(prog_name="notices")
""".replace("HEAVY", repr(HEAVY))


def _notices(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """Run `notices ARGS...` without `PREFECT_API_URL` (so that a run would launch the local server)."""
    environ = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**environ, **(env or {})},
    )
    report = next(line for line in done.stdout.splitlines() if line.startswith("@@ "))
    return done, json.loads(report[3:])


def _closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _assert_one_line_before_start(done, started: dict, *words: str) -> None:
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert all(w.lower() in lines[0].lower() for w in words), lines[0]
    assert "Traceback" not in done.stdout + done.stderr
    assert started == {"server": False, "imported": []}, started


def test_missing_source(tmp_path):
    warehouse = tmp_path / "w.db"
    done, started = _notices("ingest", "/nonexistent/notices", "--warehouse", f"sqlite:///{warehouse}")
    _assert_one_line_before_start(done, started, "no such file or folder", "/nonexistent/notices")
    assert not warehouse.exists()  # a command that cannot run leaves nothing behind


def test_http_source_whose_server_refuses_the_connection(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/notices/index.html"
    done, started = _notices("ingest", url, "--warehouse", f"sqlite:///{tmp_path / 'w.db'}")
    _assert_one_line_before_start(done, started, "cannot reach", url, "refused")


class _NotFound(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(404)
        self.end_headers()


def test_http_source_that_is_not_there(tmp_path):
    """A server without HEAD (501) is asked with GET before the URL is called missing."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/gone.pdf"
        done, started = _notices("ingest", url, "--warehouse", f"sqlite:///{tmp_path / 'w.db'}")
    finally:
        server.shutdown()
    _assert_one_line_before_start(done, started, url, "answered 404 Not Found")


def test_unreachable_dask_scheduler(tmp_path):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    done, started = _notices(
        "ingest", str(SEED), "--dask-address", address, "--warehouse", f"sqlite:///{tmp_path / 'w.db'}"
    )
    _assert_one_line_before_start(done, started, "cannot reach the Dask scheduler", address, "refused")


def test_sqlite_warehouse_in_a_missing_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'w.db'}"
    done, started = _notices("ingest", str(SEED), "--warehouse", url)
    _assert_one_line_before_start(
        done, started, "warehouse folder", str(tmp_path / "no-such-folder"), "does not exist"
    )


@pytest.mark.postgres
def test_unreachable_postgres_warehouse_never_shows_its_password():
    done, started = _notices(
        "ingest", str(SEED), "--warehouse", "postgresql://nobody:secretpw@127.0.0.1:1/none"
    )
    _assert_one_line_before_start(done, started, "warehouse unreachable", "127.0.0.1:1", "refused")
    assert "secretpw" not in done.stdout + done.stderr


def test_status_of_a_missing_sqlite_warehouse_creates_nothing(tmp_path):
    warehouse = tmp_path / "missing.db"
    done, started = _notices("status", "--warehouse", f"sqlite:///{warehouse}")
    _assert_one_line_before_start(done, started, "no warehouse at", str(warehouse))
    assert not warehouse.exists()
    done, _ = _notices("status", "--warehouse", f"sqlite:///{tmp_path / 'gone' / 'w.db'}")
    assert done.returncode == 2 and "warehouse folder" in done.stderr and "does not exist" in done.stderr


def test_nothing_new_starts_no_server_and_imports_nothing_heavy(tmp_path):
    """Every source file already in the warehouse: the run is recorded and summarised without Prefect, its
    server, the reader processes or pandas."""
    from contracts.records import NoticeMeta
    from contracts.statuses import FileStatus
    from extract import PARSER_VERSION
    from flows.sources import iter_sources
    from load.db import ensure_schema, make_engine
    from load.ops import record_outcome

    folder = tmp_path / "notices"
    folder.mkdir()
    for name in ("notice_001.pdf", "notice_002.pdf"):
        shutil.copy(NOTICES / name, folder / name)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    ensure_schema(engine)
    for src in iter_sources(
        [str(folder)], tmp_path / "cache"
    ):  # known to the warehouse, as a run leaves them
        record_outcome(
            engine, src.meta, NoticeMeta(parser_version=PARSER_VERSION), FileStatus.NO_TARGETS, "", None
        )

    done, started = _notices("ingest", str(folder), "--warehouse", url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 unchanged (skipped)" in done.stdout and "nothing new" in done.stdout, done.stdout
    assert done.stderr == "" and started == {"server": False, "imported": []}, (done.stderr, started)
    with engine.connect() as conn:
        runs = conn.execute(
            sa.text("select flow_run_id, status, files_seen, files_skipped from ops_run")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in runs] == [(None, "completed", 2, 2)]


def test_the_run_logs_reach_the_api_and_not_the_terminal():
    """The CLI keeps Prefect's own lines and the console at WARNING, but the flow run's and its tasks'
    loggers at INFO: each file's outcome is sent to the API (the run's log in the UI)."""
    code = """
import logging, os
from flows.cli import QUIET_PREFECT, _quiet_logs
for key in QUIET_PREFECT:
    os.environ.pop(key, None)
_quiet_logs(verbose=False)
from prefect.logging.configuration import setup_logging
from prefect.logging.handlers import APILogHandler
setup_logging()
flow_runs, task_runs = logging.getLogger("prefect.flow_runs"), logging.getLogger("prefect.task_runs")
console = [h for h in logging.getLogger().handlers if type(h).__name__ == "PrefectConsoleHandler"]
assert flow_runs.getEffectiveLevel() == task_runs.getEffectiveLevel() == logging.INFO
assert any(isinstance(h, APILogHandler) for h in flow_runs.handlers + task_runs.handlers)
assert console and all(h.level == logging.WARNING for h in console)
assert logging.getLogger("prefect").level == logging.WARNING
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
