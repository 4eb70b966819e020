"""The deployment in prefect.yaml, for real, as the README deploys it: a Secret block holding the warehouse
URL, a process work pool, `prefect deploy --all`, a triggered run picked up by a worker. The password of the
warehouse URL must appear nowhere the API keeps or shows: the deployment, the flow run (parameters, job
variables), its task runs, logs and artifacts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

from tests.conftest import NOTICES, new_pg_database

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PREFECT = [sys.executable, "-m", "prefect"]
SECRET_NAME = "notices-warehouse-url"
# The README's command that puts the warehouse URL (read from standard input) into the Secret block.
SAVE_SECRET = (
    "import sys; from prefect.blocks.system import Secret; "
    f'Secret(value=sys.stdin.read().strip()).save("{SECRET_NAME}", overwrite=True)'
)


def test_the_readme_gives_the_secret_command_this_test_runs():
    assert SAVE_SECRET in README.read_text(encoding="utf-8")


def _all(api: str, path: str, body: dict) -> list[dict]:
    """Every record a filter endpoint returns, page by page."""
    out: list[dict] = []
    while True:
        page = httpx.post(f"{api}{path}", json={**body, "offset": len(out), "limit": 200}, timeout=30)
        page.raise_for_status()
        out += page.json()
        if len(page.json()) < 200:
            return out


def test_deploy_with_the_warehouse_in_a_secret_and_no_password_anywhere(prefect_harness, pg_server, tmp_path):
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value()
    password = f"pw-{uuid.uuid4().hex}"  # the server trusts local connections: any password gets in
    url, drop = new_pg_database(pg_server)
    secret_url = sa.engine.make_url(url).set(password=password).render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTICES_")}
    env.update(
        PREFECT_API_URL=api,
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        NOTICES_SOURCE=str(NOTICES / "notice_006.pdf"),
        NOTICES_CACHE_DIR=str(tmp_path / "cache"),
        NOTICES_RUN_JOURNAL=str(tmp_path / "run-journal.jsonl"),
    )
    said: list[str] = []

    def run(*args, stdin=None, timeout=300):
        done = subprocess.run(
            args, env=env, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=timeout
        )
        said.append(done.stdout + done.stderr)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    try:
        run(sys.executable, "-c", SAVE_SECRET, stdin=secret_url + "\n")
        run(*PREFECT, "work-pool", "create", "notices-local", "--type", "process", "--overwrite")
        run(*PREFECT, "--no-prompt", "deploy", "--all")
        inspected = run(*PREFECT, "deployment", "inspect", "ingest-notices/daily-notices")
        assert "Asia/Shanghai" in inspected and "30 6 * * *" in inspected
        assert SECRET_NAME in inspected and "postgresql" not in inspected
        assert re.search(r"'limit': 1\b", inspected) and "ENQUEUE" in inspected, inspected
        run(*PREFECT, "deployment", "run", "ingest-notices/daily-notices")
        run(*PREFECT, "worker", "start", "--pool", "notices-local", "--run-once", timeout=600)

        # the run read the URL from the secret: the files are in the database only the secret names
        engine = sa.create_engine(url)
        with engine.connect() as c:
            assert c.execute(sa.text("select count(*) from v_indicator_targets")).scalar_one() == 11
            status, flow_run_id = c.execute(sa.text("select status, flow_run_id from ops_run")).one()
        engine.dispose()
        assert status == "completed" and flow_run_id

        (deployment,) = _all(
            api, "/deployments/filter", {"deployments": {"name": {"any_": ["daily-notices"]}}}
        )
        flow_runs = _all(api, "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment["id"]]}}})
        assert [r["id"] for r in flow_runs if r["state_type"] == "COMPLETED"] == [flow_run_id]
        (ours,) = [r for r in flow_runs if r["id"] == flow_run_id]
        assert ours["parameters"]["warehouse_secret"] == SECRET_NAME
        assert "warehouse" not in ours["parameters"] and not ours["job_variables"].get("env")
        task_runs = _all(api, "/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run_id]}}})
        logs = _all(api, "/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run_id]}}})
        artifacts = _all(api, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})
        assert task_runs and artifacts
        masked = sa.engine.make_url(secret_url).render_as_string(hide_password=True)
        assert any(masked in log["message"] for log in logs)  # the logs are there, with the URL masked
        records = {
            "deployment": deployment,
            "flow runs": flow_runs,
            "task runs": task_runs,
            "logs": logs,
            "artifacts": artifacts,
            "command output": said,
        }
        for what, record in records.items():
            assert password not in repr(record), f"the warehouse password is in the {what}"
    finally:
        drop()
