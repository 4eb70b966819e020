"""Serial, `--workers 2` and Dask runs give identical contract views."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from flows import ingest, resources
from tests.conftest import NOTICES, REAL


def _views(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    with engine.connect() as c:
        out = {
            "v_projects": sorted(map(tuple, c.execute(sa.text("select * from v_projects")))),
            "v_indicator_targets": sorted(
                map(tuple, c.execute(sa.text("select * from v_indicator_targets"))), key=repr
            ),
            "v_source_files": sorted(
                map(
                    tuple,
                    c.execute(
                        sa.text(
                            "select source_file, source_sha256, status, reason, projects, indicators from v_source_files"
                        )
                    ),
                )
            ),
        }
    engine.dispose()
    return out


def _run(url, flow=ingest.ingest_notices, **kw):
    try:
        return flow(sources=[str(NOTICES), str(next(REAL.glob("*.pdf")))], warehouse=url, **kw)
    finally:
        resources.close_resources()


@pytest.mark.slow
def test_serial_workers_and_dask_agree(prefect_harness, tmp_path):
    from distributed import LocalCluster
    from prefect_dask import DaskTaskRunner

    serial = f"sqlite:///{tmp_path / 'serial.db'}"
    _run(serial)
    expected = _views(serial)
    assert len(expected["v_projects"]) == 21 and len(expected["v_source_files"]) == 10

    parallel = f"sqlite:///{tmp_path / 'parallel.db'}"
    _run(parallel, workers=2)
    assert _views(parallel) == expected

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask_url = f"sqlite:///{tmp_path / 'dask.db'}"
        flow = ingest.ingest_notices.with_options(
            task_runner=DaskTaskRunner(address=cluster.scheduler_address)
        )
        summary = _run(dask_url, flow=flow)
    assert summary.by_status == {"loaded": 9, "no_targets": 1}
    assert _views(dask_url) == expected
