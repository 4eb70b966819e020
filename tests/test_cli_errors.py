"""The command line before anything starts: bad usage ends with one line on stderr and a non-zero exit,
before Prefect is imported or its local server launched; a run with nothing new starts neither; `notices
status` never creates a warehouse. Each command runs in a subprocess that reports, as it exits, whether the
local Prefect server was launched and which heavy modules were imported."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

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


def test_status_of_a_missing_sqlite_warehouse_creates_nothing(tmp_path):
    warehouse = tmp_path / "missing.db"
    done, started = _notices("status", "--warehouse", f"sqlite:///{warehouse}")
    _assert_one_line_before_start(done, started, "no warehouse at", str(warehouse))
    assert not warehouse.exists()
    done, _ = _notices("status", "--warehouse", f"sqlite:///{tmp_path / 'gone' / 'w.db'}")
    assert done.returncode == 2 and "warehouse folder" in done.stderr and "does not exist" in done.stderr
