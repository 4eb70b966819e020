"""The `check-freshness` flow: ends Failed when a source of the warehouse is stale (see `flows/report.py`),
which the `notices-run-failed` automation (automations.yaml) turns into an alert. Deployed on a schedule by
prefect.yaml."""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.states import Failed

from flows.report import SourceFreshness, freshness
from flows.settings import settings
from load.db import make_engine


@task(name="measure-freshness", retries=2, retry_delay_seconds=[2, 5])
def measure(
    url: str, sources: list[str] | None, run_days: float, document_days: float
) -> list[SourceFreshness]:
    engine = make_engine(url)
    try:
        return freshness(engine, sources, run_days, document_days)
    finally:
        engine.dispose()


@flow(name="check-freshness", log_prints=False)
def check_freshness(
    sources: list[str] | None = None,
    warehouse: str | None = None,
    run_days: float | None = None,
    document_days: float | None = None,
):
    """Ends Failed when a source is stale (no completed run for `run_days`, or no new document for
    `document_days` from a source that delivered documents before). Unset values take the `NOTICES_*`
    settings; `sources` defaults to every source run within the last 90 days."""
    cfg = settings(warehouse_url=warehouse, stale_run_days=run_days, stale_document_days=document_days)
    report = measure(
        cfg.warehouse_url,
        [s for s in sources or () if s] or None,
        cfg.stale_run_days,
        cfg.stale_document_days,
    )
    stale = [fr for fr in report if fr.stale]
    lines = [
        "# Warehouse freshness",
        "",
        f"Stale: no completed run for {cfg.stale_run_days:g} days, or no new document for "
        f"{cfg.stale_document_days:g} days from a source that delivered documents before.",
        "",
        *(f"- {fr.line()}" for fr in report),
    ]
    create_markdown_artifact("\n".join(lines), key="warehouse-freshness", description="freshness per source")
    if stale:
        return Failed(message="stale: " + " | ".join(fr.line() for fr in stale))
    if not report:
        return Failed(message="no source has been run: nothing to check")
    return [fr.line() for fr in report]
