"""A load killed mid-transaction leaves nothing; concurrent runs never load a file twice (both databases)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from load.db import ensure_schema, make_engine
from tests.conftest import NOTICES, SEED

# each test starts load workers that import the whole stack and load the samples (7-14 s a test)
pytestmark = pytest.mark.slow


def _worker(url, ready, mode, *pdfs):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.load_worker", url, str(ready), mode, *map(str, pdfs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )


def _wait_for(path, proc, seconds=120):
    deadline = time.time() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline, "worker never reached the point of interest"
        time.sleep(0.05)


def _counts(url):
    engine = make_engine(url)
    with engine.connect() as c:
        out = {
            t: c.execute(sa.text(f"select count(*) from {t}")).scalar_one()
            for t in ("fact_project_budget", "fact_indicator_target", "v_projects", "v_indicator_targets")
        }
        out["documents"] = dict(c.execute(sa.text("select source_file, status from v_source_files")).all())
    engine.dispose()
    return out


def test_sigkill_mid_load_leaves_no_partial_notice(warehouse_url, tmp_path):
    engine = make_engine(warehouse_url)
    ensure_schema(engine)
    engine.dispose()
    ready = tmp_path / "ready"
    proc = _worker(warehouse_url, ready, "pause", SEED)
    _wait_for(ready, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    after_kill = _counts(warehouse_url)
    assert after_kill["fact_project_budget"] == after_kill["fact_indicator_target"] == 0
    assert after_kill["documents"] == {}

    done = _worker(warehouse_url, tmp_path / "ready2", "load", SEED)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    whole = _counts(warehouse_url)
    assert (whole["v_projects"], whole["v_indicator_targets"]) == (6, 60)
    assert whole["documents"] == {"seed_2019_607.pdf": "loaded"}


def test_concurrent_runs_never_load_a_file_twice(warehouse_url, tmp_path):
    engine = make_engine(warehouse_url)
    ensure_schema(engine)
    engine.dispose()
    pdfs = sorted(NOTICES.glob("*.pdf"))
    procs = [
        _worker(warehouse_url, tmp_path / f"r{i}", "load", *(pdfs if i == 0 else reversed(pdfs)))
        for i in range(2)
    ]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        outcomes += [line.split()[:2] for line in out.splitlines()]
    # each file counts as loaded in the one worker that loaded it; the other found it loaded meanwhile
    loaded = sorted(name for name, status in outcomes if status == "loaded")
    assert loaded == sorted(p.name for p in pdfs)
    assert sorted(name for name, status in outcomes if status == "skipped") == loaded
    counts = _counts(warehouse_url)
    assert (counts["v_projects"], counts["v_indicator_targets"]) == (21, 218)
    assert (counts["fact_project_budget"], counts["fact_indicator_target"]) == (21, 218)
    assert set(counts["documents"].values()) == {"loaded"} and len(counts["documents"]) == 9
