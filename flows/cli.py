"""Command line (DESIGN §6, a contract): `notices ingest SOURCE... [--warehouse URL]`, `notices status`, and
`notices alerts deploy` (the Prefect automations of `automations.yaml`)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from contracts.statuses import ATTENTION_STATUSES
from flows.local_server import LocalServer, ServerError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Budget performance-target notices → warehouse."
)

WarehouseOpt = Annotated[
    str | None,
    typer.Option(
        "--warehouse", help="SQLAlchemy URL; default $NOTICES_WAREHOUSE_URL, else sqlite:///warehouse.db"
    ),
]


@app.command()
def ingest(
    sources: Annotated[
        list[str], typer.Argument(help="PDF files, folders, or http(s) URLs of PDFs or index pages")
    ],
    warehouse: WarehouseOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="reader processes working in parallel [default: $NOTICES_WORKERS, else one per core as memory allows]",
        ),
    ] = None,
    upgrade: Annotated[bool, typer.Option(help="migrate an older warehouse schema automatically")] = True,
    timeout: Annotated[
        float | None,
        typer.Option(min=1, help="seconds allowed to read one file [default: $NOTICES_FILE_TIMEOUT or 300]"),
    ] = None,
    max_pages: Annotated[
        int | None,
        typer.Option(min=1, help="files with more pages are rejected [default: $NOTICES_MAX_PAGES or 2000]"),
    ] = None,
    retry_rejected: Annotated[
        bool, typer.Option("--retry-rejected", help="read files rejected by earlier runs again (time-outs…)")
    ] = False,
    region: Annotated[
        str | None,
        typer.Option(help="region of documents that name none, e.g. 北京市 [default: $NOTICES_REGION]"),
    ] = None,
    output: Annotated[
        str, typer.Option(help="folder for run outputs (Data Docs of quarantined notices)")
    ] = "out",
    summary_json: Annotated[
        Path | None, typer.Option(help="also write the run summary (every file, stage timings) as JSON here")
    ] = None,
    dask_address: Annotated[
        str | None, typer.Option(help="run the per-file tasks on an existing Dask cluster (tcp://host:8786)")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="show Prefect's own log lines")] = False,
) -> None:
    """Ingest notices; exit 0 when every file reached a recorded status."""
    from flows.settings import settings

    _quiet_logs(verbose)
    try:
        cfg = settings(
            warehouse_url=warehouse, workers=workers, file_timeout=timeout, max_pages=max_pages, region=region
        )
    except ValueError as exc:  # a NOTICES_* variable that does not parse
        _fail(f"invalid setting: {exc}", 2)
    # Everything that can be told before orchestration starts is told here, in one line, before Prefect
    # or its server: bad sources, an unreachable scheduler or warehouse, and a run with nothing new to do.
    schema_current, unchanged = _before_start(sources, cfg, upgrade, retry_rejected, dask_address)
    if unchanged is not None:  # nothing new: recorded in the warehouse, no orchestration needed
        _finish(unchanged, cfg.warehouse_url, summary_json)
        return
    # now, so that the Prefect server boots on another core while this process gets ready (a run on Dask
    # needs it too: the workers report their task runs to it)
    server = LocalServer.start_if_needed()
    try:
        _ingest(
            sources, cfg, upgrade, retry_rejected, output, summary_json, dask_address, server, schema_current
        )
    finally:
        if server is not None:
            server.stop()


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _before_start(sources, cfg, upgrade: bool, retry_rejected: bool, dask_address: str | None):
    """Check what the run needs (exit 2 with one line on stderr when something is wrong) and, when the
    warehouse's schema is current, whether there is anything new. Returns whether the schema is current and
    the summary of a run that found nothing new (None when there is work to do)."""
    from flows.preflight import UsageError, check_scheduler, check_sources
    from load.db import ensure_schema, schema_is_current

    try:
        check_sources(sources)
        if dask_address:
            check_scheduler(dask_address)
    except UsageError as exc:
        _fail(str(exc), 2)

    def current_and_unchanged(engine):
        if not schema_is_current(engine):
            if not upgrade:
                ensure_schema(engine, upgrade=False)  # says how far behind it is
            return False, None
        return True, _nothing_new(cfg, engine, sources, retry_rejected)

    return _on_warehouse(cfg, sources, current_and_unchanged)


def _on_warehouse(cfg, sources, step):
    """`step(engine)` on the run's warehouse; a warehouse that cannot be used ends the command (one line,
    exit 2) and the run is kept in the run journal."""
    from load.db import WarehouseError, check_openable, make_engine

    try:
        check_openable(cfg.warehouse_url)
        engine = make_engine(cfg.warehouse_url)
        try:
            return step(engine)
        finally:
            engine.dispose()
    except WarehouseError as exc:
        _journal_failure(cfg, sources, exc)
        _fail(str(exc), 2)


def _nothing_new(cfg, engine, sources, retry_rejected: bool):
    """Earlier failed runs recorded first; then the summary of this run if it finds nothing new, else None."""
    _flush_journal(cfg, engine)
    return _unchanged_run(engine, sources, cfg.cache_dir, retry_rejected)


def _journal_failure(cfg, sources, exc: Exception) -> None:
    """A run that cannot reach its warehouse is kept in the run journal: `notices status` shows it, and the
    next run that reaches the warehouse records it there."""
    from flows import journal

    journal.record(cfg.journal_path, sources, cfg.warehouse_url, str(exc))


def _flush_journal(cfg, engine) -> None:
    """Record the journal's runs that failed before reaching this warehouse; a fault doing so is said, not
    fatal (the lines stay in the journal for the next run)."""
    from flows import journal

    try:
        journal.flush(cfg.journal_path, engine, cfg.warehouse_url)
    except Exception as exc:
        typer.echo(f"warning: earlier failed runs in {cfg.journal_path} not recorded yet: {exc}", err=True)


def _ingest(
    sources, cfg, upgrade, retry_rejected, output, summary_json, dask_address, server, schema_current
):
    from load.db import WarehouseError, ensure_schema

    url = cfg.warehouse_url
    if not schema_current:  # migrated while the server boots; then there may be nothing new after all

        def migrate_and_unchanged(engine):
            ensure_schema(engine, upgrade=upgrade)
            return _nothing_new(cfg, engine, sources, retry_rejected)

        unchanged = _on_warehouse(cfg, sources, migrate_and_unchanged)
        if unchanged is not None:
            _finish(unchanged, url, summary_json)
            return
    from flows import resources

    if not dask_address:
        # start the reader processes now: they import the parser and GX on other cores while this process
        # imports Prefect and its server boots
        resources.extractor_for(
            cfg.workers, cfg.file_timeout, cfg.worker_memory_mb, cfg.max_pages, output
        ).warm_up()
    from flows import ingest as ingest_module

    if server is not None:
        try:
            server.wait_ready()
        except ServerError as exc:
            _fail(str(exc), 1)
    if dask_address:
        _check_dask(dask_address)
    progress = _Progress()
    ingest_module.on_file_done = progress.update
    try:
        flow = ingest_module.ingest_notices
        if dask_address:
            from prefect_dask import DaskTaskRunner

            flow = flow.with_options(task_runner=DaskTaskRunner(address=dask_address))
        # the URL reaches the flow through the environment, not as a parameter: Prefect stores and shows
        # flow parameters, and the URL may hold a password
        os.environ["NOTICES_WAREHOUSE_URL"] = url
        with _run_settings(local_server=server is not None):
            summary = flow(
                sources=list(sources),
                workers=cfg.workers,
                upgrade=upgrade,
                timeout_s=cfg.file_timeout,
                max_pages=cfg.max_pages,
                output_dir=output,
                retry_rejected=retry_rejected,
                region=cfg.region,
            )
    except WarehouseError as exc:
        _fail(str(exc), 2)
    except Exception as exc:  # the run itself failed (not one file): say what, exit non-zero
        _fail(f"run failed: {type(exc).__name__}: {exc}", 1)
    finally:
        progress.close()
        resources.close_resources()
        if server is not None:
            _drain_to_server()
    _finish(summary, url, summary_json)


def _drain_to_server() -> None:
    """Send the log lines and events Prefect still holds to the local server before it stops: Prefect
    sends them in batches, and otherwise tries at exit, when the server is gone ('Error logging to API')."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=5, at_exit=False)


def _check_dask(address: str) -> None:
    """Before a run on Dask: the workers must reach the run's Prefect API (exit 1 if not, in one line);
    a line of warning when the per-file time and memory limits cannot hold there."""
    from flows.scaleout import check_cluster

    api_url = os.environ.get("PREFECT_API_URL")
    try:
        check = check_cluster(address, api_url)
    except OSError as exc:  # no scheduler there
        _fail(f"no Dask scheduler answers at {address}: {exc}", 1)
    if problem := check.error(api_url):
        _fail(problem, 1)
    if warning := check.warning():
        typer.echo(f"warning: {warning}", err=True)


def _run_settings(local_server: bool):
    """Prefect settings for this flow run. Flow-run heartbeats let a persistent server notice a run whose
    process died; this command's own server stops with the process, so there they only cost time: Prefect
    joins the heartbeat thread when the flow ends, and that thread sleeps in 1 s steps (0.5 s on average)."""
    if not local_server:
        return contextlib.nullcontext()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def _unchanged_run(engine, sources: list[str], cache_dir, retry_rejected: bool):
    """When every source file is already in the warehouse with a final status, record the run and return
    its summary; otherwise (or when the sources cannot be listed here) leave everything to the flow.

    Only local sources are checked here: knowing an http source's files means downloading them, which the
    flow would then do again."""
    from urllib.parse import urlparse

    from flows.runs import record_unchanged_run, split_known
    from flows.sources import SourceError, iter_sources

    if any(urlparse(s).scheme.lower() in ("http", "https") for s in sources):
        return None
    try:
        files = list(iter_sources(sources, cache_dir))
    except SourceError:
        return None  # the flow records the failed run and says why
    if not files or any(f.error for f in files):
        return None
    todo, known = split_known(engine, files, retry_rejected)
    return None if todo else record_unchanged_run(engine, list(sources), files, known)


def _finish(summary, url: str, summary_json: Path | None) -> None:
    if summary_json is not None:
        summary_json.write_text(json.dumps(asdict(summary), ensure_ascii=False, indent=1), encoding="utf-8")
    _print_summary(summary, url)


def _print_summary(summary, url: str) -> None:
    """What the run did, for an analyst: files by status, what loaded by kind and region, projects and
    indicators, and the files that need attention."""
    from load.db import make_engine, masked
    from load.ops import count_rows

    by = summary.by_status
    typer.echo(
        f"run {summary.run_id} on {masked(url)}: {summary.files} files, {summary.skipped} unchanged (skipped)"
    )
    typer.echo(
        "files by status: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items()))
        if by
        else "files by status: nothing new"
    )
    loaded = [r for r in summary.results if r["status"] in ("loaded", "superseded")]
    if loaded:
        typer.echo(
            f"loaded: {len(loaded)} documents, {sum(r['projects'] for r in loaded)} projects, "
            f"{sum(r['indicators'] for r in loaded)} indicators; by kind and region:"
        )
        groups: dict[str, Counter] = {}
        for r in loaded:
            groups.setdefault(r.get("document_kind") or "unknown kind", Counter())[
                r.get("region") or "no region"
            ] += 1
        for kind, regions in sorted(groups.items()):
            typer.echo(f"  {kind:<19} " + ", ".join(f"{region} {n}" for region, n in sorted(regions.items())))
    problems = [r for r in summary.results if r["status"] in ATTENTION_STATUSES]
    if problems:
        typer.echo(f"files needing attention ({len(problems)}):")
        for r in problems:
            typer.echo(f"  {r['status']:<11} {r['file']}: {r['reason']}")
    engine = make_engine(url)
    counts = count_rows(engine)
    engine.dispose()
    typer.echo(f"warehouse now holds {counts['projects']} projects and {counts['indicators']} indicators")


class _Progress:
    """A progress bar on a terminal, one plain line per file otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar = None

    def update(self, result, done: int, total: int) -> None:
        if self.tty:
            if self.bar is None:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

                self.bar = Progress(
                    TextColumn("ingest"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.description}"),
                    transient=True,
                )
                self.bar.start()
                self.task = self.bar.add_task("", total=total)
            self.bar.update(self.task, completed=done, description=result.file)
        else:
            typer.echo(f"[{done}/{total}] {result.status:<11} {result.file}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# Prefect's logging configuration, by environment: its own loggers at WARNING, and the console too (the
# command prints its own progress and summary), but the flow run's and its tasks' loggers at INFO, so that
# each file's outcome reaches the API and the run's log in the UI.
QUIET_PREFECT = {
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "WARNING",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "INFO",
}


def _quiet_logs(verbose: bool) -> None:
    """Prefect's local server logs at INFO and its event flushing can log shutdown noise; keep warnings on
    the terminal, and the run's own lines for the API (`QUIET_PREFECT`). Explicit environment wins."""
    if not verbose:
        for key, value in QUIET_PREFECT.items():
            os.environ.setdefault(key, value)
    logging.getLogger("alembic").setLevel(logging.WARNING)


@app.command()
def status(
    warehouse: WarehouseOpt = None,
    runs: Annotated[int, typer.Option(help="how many recent runs to show")] = 5,
) -> None:
    """Recent runs, file statuses and data-quality failures."""
    from flows.report import status_report
    from flows.settings import settings
    from load.db import WarehouseError

    try:
        cfg = settings(warehouse_url=warehouse)
        typer.echo(
            status_report(
                cfg.warehouse_url, runs, cfg.journal_path, cfg.stale_run_days, cfg.stale_document_days
            )
        )
    except WarehouseError as exc:
        _fail(str(exc), 2)


alerts_app = typer.Typer(no_args_is_help=True, help="Alerts: Prefect automations (automations.yaml).")
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("deploy")
def alerts_deploy(
    block: Annotated[
        str,
        typer.Option(
            help="notification block to alert through, TYPE-SLUG/NAME (e.g. slack-webhook/notices-ops)"
        ),
    ],
    file: Annotated[Path | None, typer.Option(help="automations file [default: automations.yaml]")] = None,
) -> None:
    """Create the automations of automations.yaml on the Prefect server PREFECT_API_URL names (replacing
    those of the same names)."""
    from prefect.settings import PREFECT_API_URL

    from flows.alerts import AUTOMATIONS_FILE, AlertsError, deploy_automations

    if not PREFECT_API_URL.value():
        _fail("automations live on a Prefect server: set PREFECT_API_URL to it", 2)
    try:
        created = deploy_automations(block, file or AUTOMATIONS_FILE)
    except AlertsError as exc:
        _fail(str(exc), 2)
    for name, automation_id in created:
        typer.echo(f"automation {name}: {automation_id}")


if __name__ == "__main__":
    app()
