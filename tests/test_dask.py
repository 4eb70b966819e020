"""`notices ingest --dask-address` on a local Dask cluster: the workers report to the run's Prefect API, start
no Prefect server of their own, and keep the per-file time limit; the CLI says so when they cannot."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import NOTICES
from tests.helpers import pdfcraft

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster(request):
    """A local cluster of two worker processes; `daemon` (the parameter) as Dask's nanny starts them."""
    import dask
    from distributed import Client, LocalCluster

    daemon = getattr(request, "param", False)
    # the workers' environment names no Prefect API (the harness sets none in os.environ): they learn the
    # run's from the run, as workers on other machines would
    with (
        dask.config.set({"distributed.worker.daemon": daemon}),
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield cluster.scheduler_address, client


def _cli(*args, api_url: str | None):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=600, env=env
    )


def _worker_descendants(client) -> list[str]:
    import psutil

    out = []
    for pid in client.run(os.getpid).values():
        for child in psutil.Process(pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):  # gone meanwhile
                out.append(" ".join(child.cmdline()))
    return out


def _task_runs(flow_run_id: str, wait_for: set[str], timeout_s: float = 60) -> set[str]:
    """Names of the flow run's task runs in the API (recorded from events: they arrive soon after)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[uuid.UUID(flow_run_id)]))
            )
            names = {r.name for r in runs}
            if wait_for <= names or time.monotonic() > deadline:
                return names
            time.sleep(1)


def _rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    with engine.connect() as c:
        rows = [tuple(r) for r in c.execute(sa.text(sql))]
    engine.dispose()
    return rows


def test_dask_run_reports_to_the_runs_api_and_stops_a_hung_reader(prefect_harness, cluster, tmp_path):
    from prefect.settings import PREFECT_API_URL

    address, client = cluster
    hangs = tmp_path / "hangs.pdf"  # keeps pdfminer busy for minutes
    hangs.write_bytes(pdfcraft.flate_bomb(40))
    url = f"sqlite:///{tmp_path / 'w.db'}"

    # no PREFECT_API_URL: the CLI starts its local server, and the workers report there
    first = _cli(
        "ingest", str(hangs), str(NOTICES / "notice_001.pdf"), "--warehouse", url,
        "--dask-address", address, "--timeout", "5", api_url=None,
    )  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    assert "warning:" not in first.stderr, first.stderr
    statuses = dict(_rows(url, "select source_file, status from v_source_files"))
    assert statuses == {"hangs.pdf": "rejected", "notice_001.pdf": "loaded"}
    reason = _rows(url, "select reason from v_source_files where source_file = 'hangs.pdf'")[0][0]
    assert "longer than 5 s" in reason
    # neither a Prefect server nor a reader process stays on the workers
    assert _worker_descendants(client) == []

    # a second run on the same workers reports its task runs to its own API (here the test's)
    second = _cli(
        "ingest", str(NOTICES / "notice_002.pdf"), "--warehouse", url, "--dask-address", address,
        api_url=PREFECT_API_URL.value(),
    )  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr
    flow_run_id = _rows(url, "select flow_run_id from ops_run order by run_id desc")[0][0]
    wanted = {"read notice_002.pdf", "load notice_002.pdf"}
    assert wanted <= _task_runs(flow_run_id, wanted)
    assert not [c for c in _worker_descendants(client) if "uvicorn" in c or "prefect" in c]


@pytest.mark.parametrize("cluster", [True], indirect=True, ids=["daemonic-workers"])
def test_cli_says_when_dask_workers_cannot_keep_the_limits(prefect_harness, cluster, tmp_path):
    from prefect.settings import PREFECT_API_URL

    address, _ = cluster

    def args(db: str) -> tuple[str, ...]:
        url = f"sqlite:///{tmp_path / db}"
        return ("ingest", str(NOTICES / "notice_001.pdf"), "--warehouse", url, "--dask-address", address)

    done = _cli(*args("w.db"), api_url=PREFECT_API_URL.value())
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "time and memory limits are off" in warnings[0], done.stderr
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in warnings[0]
    assert "loaded 1" in done.stdout

    # an API the workers cannot reach: said in one line, before any file is read
    unreachable = _cli(*args("other.db"), api_url="http://127.0.0.1:9/api")
    assert unreachable.returncode == 1
    assert "cannot reach the Prefect API at http://127.0.0.1:9/api" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
