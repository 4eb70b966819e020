"""The Prefect flow `ingest_notices`: sources → per-file tasks (prepare, then load) → report.

The flow only orchestrates; each stage lives in its own package. Each file goes through two tasks: `prepare`
reads, normalizes and checks it in a reader process (deterministic: never retried), `load` records its outcome
or loads it in one transaction (retried when the database drops or refuses the connection). Every write of
the run's own records happens in a task too.
"""

from __future__ import annotations

import queue
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy.exc import DBAPIError, OperationalError

from contracts.records import NoticeMeta
from contracts.statuses import ATTENTION_STATUSES, SKIPPED, FileStatus, RunStatus
from extract import PARSER_VERSION
from flows import journal
from flows.alerts import emit_attention
from flows.pipeline import FileResult, Prepared, load_file, read_file
from flows.resources import engine_for as _engine
from flows.resources import extractor_for
from flows.runs import RunSummary, log_skipped, split_known
from flows.scaleout import readers_here, release_workers
from flows.settings import settings
from flows.sources import SourceFile, iter_sources
from load import ops
from load.db import WarehouseError, ensure_schema, first_line, masked, now

# Called with each finished file; the CLI sets it to drive a progress bar (not a flow parameter).
on_file_done: Callable[[FileResult, int, int], None] | None = None


@dataclass(frozen=True)
class FileJob:
    """The run's settings every per-file task needs."""

    url: str
    run_id: int
    workers: int
    timeout_s: float
    memory_mb: int
    max_pages: int
    output_dir: str
    region: str | None = None


# ------------------------------------------------------------------ tasks


def _is_db_fault(task, task_run, state) -> bool:
    """Retry only what the world made flaky: a dropped or refused database connection."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if isinstance(exc, WarehouseError):
        exc = exc.__cause__
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


_DB = {"retries": 2, "retry_delay_seconds": [2, 5], "retry_condition_fn": _is_db_fault}


@task(name="prepare-warehouse", **_DB)
def prepare_warehouse(url: str, upgrade: bool) -> None:
    ensure_schema(_engine(url), upgrade=upgrade)


@task(name="flush-run-journal", **_DB)
def flush_journal(url: str, journal_path: str, secret: str | None) -> int:
    """Earlier runs that failed before reaching this warehouse: written into its `ops_run` now."""
    return journal.flush(Path(journal_path), _engine(url), url, secret)


@task(name="discover-sources")
def discover(sources: list[str], cache_dir: str) -> list[SourceFile]:
    return list(iter_sources(sources, cache_dir))


@task(name="start-run", **_DB)
def start_run(url: str, sources: list[str]) -> int:
    return ops.start_run(_engine(url), sources, str(flow_run.get_id() or ""))


@task(name="skip-known", **_DB)
def skip_known(
    url: str, files: list[SourceFile], run_id: int, retry_rejected: bool
) -> tuple[list[SourceFile], int]:
    """Files already in the warehouse with a final status are skipped before extraction."""
    engine = _engine(url)
    todo, known = split_known(engine, files, retry_rejected)
    return todo, log_skipped(engine, run_id, files, known)


@task(name="prepare-file", task_run_name="read {src.name}", cache_policy=NO_CACHE)
def prepare(src: SourceFile, job: FileJob) -> Prepared:
    """Read, normalize and check one file in a reader process. Deterministic: not retried."""
    readers = readers_here(job.workers)  # on a Dask worker: one per worker thread
    extractor = extractor_for(readers, job.timeout_s, job.memory_mb, job.max_pages, job.output_dir)
    return read_file(src, extractor, logger=get_run_logger(), region=job.region)


@task(name="load-file", task_run_name="load {src.name}", cache_policy=NO_CACHE, **_DB)
def load(src: SourceFile, prepared: Prepared, job: FileJob) -> FileResult:
    """Record the file's outcome or load its notice: one transaction, retried on a database fault."""
    return load_file(src, prepared, _engine(job.url), job.run_id)


@task(name="record-failure")
def record_failure(src: SourceFile, url: str, run_id: int, error: str) -> FileResult:
    """A file whose task failed even after retries: mark it failed (retried by the next run) if we can."""
    try:
        meta = NoticeMeta(parser_version=PARSER_VERSION)
        taken = ops.record_outcome(_engine(url), src.meta, meta, FileStatus.FAILED, error, run_id)
        if taken is not None:  # another run recorded it meanwhile: unchanged for this run
            return FileResult(file=src.name, sha256=src.sha256, status=SKIPPED, reason=taken)
    except Exception as exc:  # the database may be the thing that is down
        get_run_logger().warning("could not record failure of %s: %s", src.name, exc)
    return FileResult(file=src.name, sha256=src.sha256, status=FileStatus.FAILED, reason=error)


@task(name="finish-run", **_DB)
def finish_run(
    url: str, run_id: int, status: RunStatus, counts: dict, seen: int, skipped: int, error: str | None = None
) -> None:
    ops.finish_run(_engine(url), run_id, status, counts, seen, skipped, error)


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
    workers: int | None = None,
    upgrade: bool = True,
    timeout_s: float | None = None,
    max_pages: int | None = None,
    output_dir: str = "out",
    retry_rejected: bool = False,
    region: str | None = None,
    warehouse_secret: str | None = None,
) -> RunSummary:
    """Ingest every PDF reachable from `sources` into the warehouse; one bad file never stops the run.

    The warehouse URL is `warehouse`, else the value of the Prefect Secret block named `warehouse_secret`
    (read at run time: deployments name the block, so no password is ever a parameter, a job variable or a
    log line), else `NOTICES_WAREHOUSE_URL` of the process that runs the flow. Unset parameters take the
    `NOTICES_*` settings. Data Docs of quarantined notices are written under `output_dir`/data-docs.
    `retry_rejected` reads files rejected earlier again. `region` is the sources' region, for documents
    that do not name theirs.

    A run that fails before the warehouse can record it (unreachable, schema behind with upgrades off,
    secret missing) is written to the run journal (`flows.journal`) and raises a `WarehouseError` saying
    why; the next run that reaches the warehouse writes it into `ops_run`.
    """
    logger = get_run_logger()
    cfg = settings(
        warehouse_url=warehouse, workers=workers, file_timeout=timeout_s, max_pages=max_pages, region=region
    )
    started = now()
    url = None if warehouse_secret and not warehouse else cfg.warehouse_url
    try:
        if url is None:
            url = _secret_url(warehouse_secret)
        logger.info("warehouse %s", masked(url))
        try:
            prepare_warehouse(url, upgrade)
        except WarehouseError:
            raise
        except Exception as exc:
            raise WarehouseError(f"warehouse unreachable at {masked(url)}: {exc}") from exc
        try:
            if n := flush_journal(url, str(cfg.journal_path), warehouse_secret):
                logger.warning(
                    "%d earlier run(s) that failed before reaching the warehouse now in ops_run", n
                )
        except Exception as exc:  # they stay in the journal for the next run
            logger.warning("could not write the run journal into the warehouse: %s", exc)
        run_id = start_run(url, sources)
    except Exception as exc:
        raise _failed_early(exc, sources, url, warehouse_secret, cfg.journal_path, started) from exc
    results: list[FileResult] = []
    files: list[SourceFile] = []
    known = 0
    try:
        files = discover(sources, str(cfg.cache_dir))
        todo, known = skip_known(url, files, run_id, retry_rejected)
        logger.info(
            "run %d: %d files found, %d skipped as unchanged (already in the warehouse), %d to ingest",
            run_id,
            len(files),
            known,
            len(todo),
        )
        job = FileJob(
            url,
            run_id,
            cfg.workers,
            cfg.file_timeout,
            cfg.worker_memory_mb,
            cfg.max_pages,
            output_dir,
            cfg.region,
        )
        for res in _each_file(todo, job, _in_flight_limit(cfg.workers)):  # as files finish
            _log_outcome(logger, res)
            results.append(res)
            if on_file_done is not None:
                on_file_done(res, len(results), len(todo))
        release_workers(FlowRunContext.get().task_runner)  # Dask: flush to this run's API, keep nothing
        skipped = _skipped(known, results)
        counts = _by_status(results)
        finish_run(url, run_id, RunStatus.COMPLETED, counts, len(files), skipped)
        logger.info(
            "run %d done: %s; %d projects and %d indicators loaded",
            run_id,
            ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "nothing new",
            sum(r.projects for r in results),
            sum(r.indicators for r in results),
        )
    except BaseException as exc:
        release_workers(FlowRunContext.get().task_runner)
        try:
            finish_run(
                url,
                run_id,
                RunStatus.FAILED,
                _by_status(results),
                len(files),
                _skipped(known, results),
                error=f"{type(exc).__name__}: {exc}"[:1000],
            )
        except Exception:
            logger.warning("could not mark run %s failed", run_id)
        raise
    _publish_artifacts(run_id, results, skipped)
    emit_attention(run_id, str(flow_run.get_id() or ""), results, cfg.alert_files)  # automations.yaml
    return RunSummary(
        run_id=run_id,
        files=len(files),
        skipped=skipped,
        by_status=counts,
        results=[r.as_row() for r in results],
    )


def _log_outcome(logger, res: FileResult) -> None:
    """One line per file in the flow run's log, what the run's table artifact holds: status, projects,
    indicators, reason. At INFO whatever the status: the CLI keeps warnings on the terminal, which has a
    line per file of its own (files needing attention are listed in the run's artifacts)."""
    logger.info(
        "%s: %s, %d projects, %d indicators%s%s",
        res.file,
        res.status,
        res.projects,
        res.indicators,
        f", {res.warnings} data-quality warnings" if res.warnings else "",
        f"; reason: {res.reason}" if res.reason else "",
    )


def _skipped(known: int, results: list[FileResult]) -> int:
    """Files the run left as unchanged: those known before it began, and those another run recorded while
    this one read them (they count in that run)."""
    return known + sum(r.status == SKIPPED for r in results)


def _by_status(results: list[FileResult]) -> dict[str, int]:
    """Files this run recorded, by status (files skipped as recorded by another run are not counted)."""
    return dict(Counter(str(r.status) for r in results if r.status != SKIPPED))


def _secret_url(name: str) -> str:
    """The warehouse URL kept in the Prefect Secret block `name` (`prefect.blocks.system.Secret`)."""
    from prefect.blocks.system import Secret

    try:
        value = Secret.load(name).get()
    except Exception as exc:
        raise WarehouseError(
            f"warehouse secret {name!r} could not be read: {type(exc).__name__}: {first_line(exc)}"
        ) from None
    if not isinstance(value, str) or "://" not in value:
        raise WarehouseError(f"warehouse secret {name!r} does not hold a database URL")
    return value


def _failed_early(
    exc: Exception, sources: list[str], url: str | None, secret: str | None, journal_path, started
) -> WarehouseError:
    """A run the warehouse cannot record: written to the run journal, and the error the flow run ends
    with (its final state's message says why, and where the run is recorded)."""
    reason = str(exc) if isinstance(exc, WarehouseError) else f"{type(exc).__name__}: {first_line(exc)}"
    entry = journal.record(
        journal_path, sources, url, reason, started, str(flow_run.get_id() or "") or None, secret
    )
    where = (
        f"recorded in the run journal {journal_path}; the next run that reaches the warehouse writes it "
        "into ops_run"
        if entry is not None
        else f"the run journal {journal_path} could not be written either"
    )
    return WarehouseError(f"{reason} ({where})")


def _in_flight_limit(workers: int) -> int | None:
    """How many files are submitted at a time. Prefect's thread-pool runner gives every submitted task a
    thread of its own, and its threads live until the flow ends: submitting the whole corpus at once meant
    one thread per file (each keeping its stack and allocator state after its file), and the CLI process
    grew with the corpus. A few more tasks than readers keep every reader busy (the next file is queued
    while a finished one loads). Other runners (Dask) schedule the tasks themselves: no limit."""
    runner = FlowRunContext.get().task_runner
    return 2 * workers + 2 if isinstance(runner, ThreadPoolTaskRunner) else None


def _each_file(todo: list[SourceFile], job: FileJob, limit: int | None) -> Iterator[FileResult]:
    """Run `prepare` then `load` for each file, at most `limit` files at a time, and yield each file's
    result as it finishes. A file whose task failed for good is recorded `failed`."""
    finished: queue.SimpleQueue[PrefectFuture] = queue.SimpleQueue()
    waiting = iter(todo)
    pending: dict[PrefectFuture, SourceFile] = {}  # one future per file in flight: its prepare or its load

    def track(fut: PrefectFuture, src: SourceFile) -> None:
        pending[fut] = src
        fut.add_done_callback(finished.put)

    def submit_more() -> None:
        while limit is None or len(pending) < limit:
            src = next(waiting, None)
            if src is None:
                return
            track(prepare.submit(src, job), src)

    submit_more()
    while pending:
        fut = finished.get()
        src = pending.pop(fut)
        fut.wait()  # sets the future's final state from the task itself, not from the API's record
        state = fut.state
        if not state.is_completed():
            err = state.data if isinstance(state.data, BaseException) else None
            reason = f"{type(err).__name__}: {err}"[:500] if err else state.message
            submit_more()
            yield record_failure(src, job.url, job.run_id, reason)
            continue
        outcome = fut.result()
        if isinstance(outcome, Prepared):
            track(load.submit(src, outcome, job), src)
            continue
        submit_more()
        yield outcome


_CHECKED = (FileStatus.LOADED, FileStatus.SUPERSEDED, FileStatus.QUARANTINED)


def _publish_artifacts(run_id: int, results: list[FileResult], skipped: int) -> None:
    counts = Counter(_by_status(results))
    lines = [
        f"# Ingest run {run_id}",
        "",
        f"- files processed: **{sum(counts.values())}**, unchanged and skipped: **{skipped}**",
        *(f"- {s}: **{counts.get(s, 0)}**" for s in FileStatus),
        f"- projects loaded: **{sum(r.projects for r in results)}**, "
        f"indicators loaded: **{sum(r.indicators for r in results)}**",
        f"- data-quality warnings: **{sum(r.warnings for r in results)}**",
    ]
    checked = [r for r in results if r.status in _CHECKED]
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
    problems = [r for r in results if r.status in ATTENTION_STATUSES]
    if problems:
        lines += ["", "## Files needing attention", "", "| file | status | reason |", "|---|---|---|"]
        lines += [f"| {r.file} | {r.status} | {(r.reason or '').replace('|', '/')} |" for r in problems]
    create_markdown_artifact("\n".join(lines), key="ingest-summary", description=f"ingest run {run_id}")
    if results:
        create_table_artifact(
            [r.as_row() for r in results], key="ingest-files", description=f"files of ingest run {run_id}"
        )
