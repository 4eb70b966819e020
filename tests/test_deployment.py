"""The deployment in prefect.yaml, for real: a Prefect server, a process work pool, a worker, a triggered run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import NOTICES

ROOT = Path(__file__).resolve().parents[1]
PREFECT = [sys.executable, "-m", "prefect"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def prefect_server(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": "",
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.time() + 180
    while True:
        assert server.poll() is None, (tmp_path / "server.log").read_text()
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.time() < deadline, "Prefect server did not start"
        time.sleep(1)
    yield api, env
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.mark.slow
def test_deploy_trigger_and_worker_run(prefect_server, tmp_path):
    api, env = prefect_server
    warehouse = f"sqlite:///{tmp_path / 'scheduled.db'}"
    env = {
        **env,
        "PREFECT_API_URL": api,
        "NOTICES_WAREHOUSE_URL": warehouse,
        "NOTICES_SOURCE": str(NOTICES / "notice_006.pdf"),
    }

    def prefect(*args, timeout=300):
        done = subprocess.run(
            [*PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    prefect("work-pool", "create", "notices-local", "--type", "process")
    prefect("--no-prompt", "deploy", "--all")
    inspected = prefect("deployment", "inspect", "ingest-notices/daily-notices")
    assert "Asia/Shanghai" in inspected and "30 6 * * *" in inspected
    assert "sqlite:///" in inspected  # the URL reached the job's environment, not a flow parameter
    prefect("deployment", "run", "ingest-notices/daily-notices")
    prefect("worker", "start", "--pool", "notices-local", "--run-once", timeout=600)

    engine = sa.create_engine(warehouse)
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from v_indicator_targets")).scalar_one() == 11
        run = c.execute(sa.text("select status, flow_run_id from ops_run")).one()
    engine.dispose()
    assert run[0] == "completed" and run[1]
    done = httpx.post(
        f"{api}/flow_runs/filter",
        json={"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}},
        timeout=10,
    ).json()
    assert [r["id"] for r in done] == [run[1]]
