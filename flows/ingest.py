"""The Prefect flow `ingest_notices`: sources → per-file tasks (extract, transform, gate, load) → report.

The flow only orchestrates; each stage lives in its own package. One task per file: parsing runs in reader
processes (`Extractor`), loads are one transaction per notice, and database faults are retried per file.
"""

from __future__ import annotations

import queue
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy.exc import DBAPIError, OperationalError

from extract.errors import MAX_PAGES
from extract.isolated import DEFAULT_TIMEOUT_S
from flows.pipeline import FileResult, RunSummary, log_skipped, process_file, split_known
from flows.resources import engine_for as _engine
from flows.resources import extractor_for
from flows.sources import SourceFile, iter_sources
from load import loader
from load.db import WarehouseError, ensure_schema, masked, warehouse_url

STATUSES = ("loaded", "superseded", "no_targets", "rejected", "quarantined", "failed")
# Called with each finished file; the CLI sets it to drive a progress bar (not a flow parameter).
on_file_done: Callable[[FileResult, int, int], None] | None = None


@dataclass(frozen=True)
class FileJob:
    """The run's settings every per-file task needs."""

    url: str
    run_id: int
    workers: int
    timeout_s: float
    max_pages: int
    output_dir: str


# ------------------------------------------------------------------ tasks


def _is_db_fault(task, task_run, state) -> bool:
    """Retry only what the world made flaky: a dropped or refused database connection."""
    exc = state.data if isinstance(state.data, BaseException) else None
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


@task(name="prepare-warehouse", retries=2, retry_delay_seconds=[2, 5], retry_condition_fn=_is_db_fault)
def prepare_warehouse(url: str, upgrade: bool) -> None:
    ensure_schema(_engine(url), upgrade=upgrade)


@task(name="discover-sources")
def discover(sources: list[str]) -> list[SourceFile]:
    return list(iter_sources(sources))


@task(name="start-run", retries=2, retry_delay_seconds=2, retry_condition_fn=_is_db_fault)
def start_run(url: str, sources: list[str]) -> int:
    return loader.start_run(_engine(url), sources, str(flow_run.get_id() or ""))


@task(name="skip-known", retries=2, retry_delay_seconds=2, retry_condition_fn=_is_db_fault)
def skip_known(url: str, files: list[SourceFile], run_id: int) -> tuple[list[SourceFile], int]:
    """Files already in the warehouse with a final status are skipped before extraction."""
    engine = _engine(url)
    todo, known = split_known(engine, files)
    return todo, log_skipped(engine, run_id, files, known)


@task(
    name="ingest-file",
    task_run_name="ingest {src.name}",
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=_is_db_fault,
)
def ingest_file(src: SourceFile, job: FileJob) -> FileResult:
    engine = _engine(job.url)
    if src.error:
        loader.log_file(engine, job.run_id, src.uri, None, "failed", src.error)
        return FileResult(file=src.name, sha256="", status="failed", reason=src.error)
    extractor = extractor_for(job.workers, job.timeout_s, job.max_pages, job.output_dir)
    return process_file(src, engine, extractor, job.run_id)


@task(name="record-failure")
def record_failure(src: SourceFile, url: str, run_id: int, error: str) -> FileResult:
    """A file whose task failed even after retries: mark it failed (retried by the next run) if we can."""
    try:
        loader.record_outcome(_engine(url), src.meta, loader.NoticeMeta(), "failed", error, run_id)
    except Exception as exc:  # the database may be the thing that is down
        get_run_logger().warning("could not record failure of %s: %s", src.name, exc)
    return FileResult(file=src.name, sha256=src.sha256, status="failed", reason=error)


# ------------------------------------------------------------------ flow


def _run_name() -> str:
    sources = (flow_run.parameters or {}).get("sources") or []
    first = str(sources[0]).rstrip("/").rsplit("/", 1)[-1] if sources else "nothing"
    more = f" +{len(sources) - 1} more" if len(sources) > 1 else ""
    return f"ingest {first}{more}"


@flow(name="ingest-notices", flow_run_name=_run_name, log_prints=False)
def ingest_notices(
    sources: list[str],
    warehouse: str | None = None,
    workers: int = 1,
    upgrade: bool = True,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_pages: int = MAX_PAGES,
    output_dir: str = "out",
) -> RunSummary:
    """Ingest every PDF reachable from `sources` into the warehouse; one bad file never stops the run.

    Data Docs of quarantined notices are written under `output_dir`/data-docs.
    """
    logger = get_run_logger()
    url = warehouse_url(warehouse)
    try:
        prepare_warehouse(url, upgrade)
    except WarehouseError:
        raise
    except Exception as exc:
        raise WarehouseError(f"warehouse unreachable at {masked(url)}: {exc}") from exc
    run_id = start_run(url, sources)
    engine = _engine(url)
    results: list[FileResult] = []
    files: list[SourceFile] = []
    skipped = 0
    try:
        files = discover(sources)
        todo, skipped = skip_known(url, files, run_id)
        logger.info("%d files found, %d unchanged, %d to ingest", len(files), skipped, len(todo))
        job = FileJob(url, run_id, workers, timeout_s, max_pages, output_dir)
        total = len(todo)
        for fut, src in _submitted(todo, job, _in_flight_limit(workers)):  # as files finish
            fut.wait()  # sets the future's final state from the task itself, not from the API's record
            state = fut.state
            if state.is_completed():
                res = fut.result()
            else:
                err = state.data if isinstance(state.data, BaseException) else None
                res = record_failure(
                    src, url, run_id, f"{type(err).__name__}: {err}"[:500] if err else state.message
                )
            results.append(res)
            if on_file_done is not None:
                on_file_done(res, len(results), total)
        counts = Counter(r.status for r in results)
        loader.finish_run(engine, run_id, "completed", dict(counts), len(files), skipped)
    except BaseException as exc:
        try:
            loader.finish_run(
                engine,
                run_id,
                "failed",
                dict(Counter(r.status for r in results)),
                len(files),
                skipped,
                error=f"{type(exc).__name__}: {exc}"[:1000],
            )
        except Exception:
            logger.warning("could not mark run %s failed", run_id)
        raise
    _publish_artifacts(run_id, results, skipped)
    return RunSummary(
        run_id=run_id,
        files=len(files),
        skipped=skipped,
        by_status=dict(counts),
        results=[r.as_row() for r in results],
    )


def _in_flight_limit(workers: int) -> int | None:
    """How many files are submitted at a time. Prefect's thread-pool runner gives every submitted task a
    thread of its own, and its threads live until the flow ends: submitting the whole corpus at once meant
    one thread per file (each keeping its stack and allocator state after its file), and the CLI process
    grew with the corpus. A few more tasks than readers keep every reader busy (the next file is queued
    while a finished one loads). Other runners (Dask) schedule the tasks themselves: no limit."""
    runner = FlowRunContext.get().task_runner
    return 2 * workers + 2 if isinstance(runner, ThreadPoolTaskRunner) else None


def _submitted(
    todo: list[SourceFile], job: FileJob, limit: int | None
) -> Iterator[tuple[PrefectFuture[FileResult], SourceFile]]:
    """Submit `ingest_file` for each file, at most `limit` at a time, and yield (future, file) as each one
    finishes; the next file is submitted before the finished one is handed over."""
    finished: queue.SimpleQueue[PrefectFuture[FileResult]] = queue.SimpleQueue()
    waiting = iter(todo)
    pending: dict[PrefectFuture[FileResult], SourceFile] = {}

    def submit_more() -> None:
        while limit is None or len(pending) < limit:
            src = next(waiting, None)
            if src is None:
                return
            fut = ingest_file.submit(src, job)
            pending[fut] = src
            fut.add_done_callback(finished.put)

    submit_more()
    while pending:
        fut = finished.get()
        src = pending.pop(fut)
        submit_more()
        yield fut, src


def _publish_artifacts(run_id: int, results: list[FileResult], skipped: int) -> None:
    counts = Counter(r.status for r in results)
    lines = [
        f"# Ingest run {run_id}",
        "",
        f"- files processed: **{len(results)}**, unchanged and skipped: **{skipped}**",
        *(f"- {s}: **{counts.get(s, 0)}**" for s in STATUSES),
        f"- projects loaded: **{sum(r.projects for r in results)}**, "
        f"indicators loaded: **{sum(r.indicators for r in results)}**",
        f"- data-quality warnings: **{sum(r.warnings for r in results)}**",
    ]
    checked = [r for r in results if r.status in ("loaded", "superseded", "quarantined")]
    failed_checks = Counter(c for r in results for c in r.failed_checks)
    lines += [
        "",
        "## Data quality",
        "",
        f"- notices checked: **{len(checked)}**, passed every check: "
        f"**{sum(1 for r in checked if not r.failed_checks)}**, quarantined: **{counts.get('quarantined', 0)}**",
    ]
    if failed_checks:
        lines += ["", "| check | notices failing |", "|---|---|"]
        lines += [f"| {name} | {n} |" for name, n in failed_checks.most_common()]
    problems = [r for r in results if r.status in ("rejected", "quarantined", "failed")]
    if problems:
        lines += ["", "## Files needing attention", "", "| file | status | reason |", "|---|---|---|"]
        lines += [f"| {r.file} | {r.status} | {(r.reason or '').replace('|', '/')} |" for r in problems]
    create_markdown_artifact("\n".join(lines), key="ingest-summary", description=f"ingest run {run_id}")
    if results:
        create_table_artifact(
            [r.as_row() for r in results], key="ingest-files", description=f"files of ingest run {run_id}"
        )
