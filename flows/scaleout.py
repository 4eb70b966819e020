"""Running the per-file tasks on a Dask cluster (`notices ingest --dask-address`).

A Dask worker runs Prefect's task engine with the flow's serialized settings, so its task runs report to the
run's API (`PREFECT_API_URL`), provided one is set when the flow starts (the CLI starts its local server for
that) and the workers can reach it. Two things the task engine does not see to, done here:

- The reader's time and memory limits need a child process per reader, which a daemonic process may not
  start, and Dask's nanny starts its workers daemonic unless `distributed.worker.daemon` is false.
  `check_cluster` asks every worker before the run and says what does not hold.
- A worker keeps Prefect's event and log services between runs, and the event service is shared whatever
  the API (the first run's URL sticks). `release_workers` flushes them into this run's API at the end of
  the run and stops them, with the run's reader processes, so the next run starts clean.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import sys
import urllib.request
from dataclasses import dataclass

log = logging.getLogger(__name__)

WORKER_CONFIG_HINT = "DASK_DISTRIBUTED__WORKER__DAEMON=False"


@dataclass(frozen=True)
class ClusterCheck:
    workers: int
    daemonic: int  # workers that cannot start reader processes
    unreachable: list[str]  # workers that cannot reach the API, with the error

    def error(self, api_url: str) -> str | None:
        """One line when the run cannot report to its API from the workers."""
        if not self.workers:
            return "the Dask cluster has no workers"
        if self.unreachable:
            return (
                f"{len(self.unreachable)} of {self.workers} Dask workers cannot reach the Prefect API at "
                f"{api_url} ({self.unreachable[0]}): set PREFECT_API_URL to a Prefect server that this "
                "machine and the workers both reach"
            )
        return None

    def warning(self) -> str | None:
        """One line when the per-file time and memory limits cannot hold on the workers."""
        if not self.daemonic:
            return None
        return (
            f"{self.daemonic} of {self.workers} Dask workers are daemonic processes and cannot start reader "
            "processes: the per-file time and memory limits are off there (start the workers with "
            f"{WORKER_CONFIG_HINT}, or config distributed.worker.daemon: false)"
        )


def _probe(api_url: str | None) -> dict:
    """Run on a worker: can it start child processes, and does the API answer it?"""
    out = {"daemon": multiprocessing.current_process().daemon, "api_error": None}
    if api_url:
        try:
            with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=10) as resp:
                if resp.status != 200:
                    out["api_error"] = f"HTTP {resp.status}"
        except OSError as exc:
            out["api_error"] = f"{type(exc).__name__}: {exc}"
    return out


async def _probe_async(api_url: str | None) -> dict:
    # in a thread: `Client.run` calls the function in the worker's event loop
    return await asyncio.to_thread(_probe, api_url)


def check_cluster(address: str, api_url: str | None, timeout_s: float = 30) -> ClusterCheck:
    """Ask every worker of the cluster at `address` whether the run can work there."""
    from distributed import Client

    with Client(address, timeout=timeout_s, set_as_default=False) as client:
        answers = client.run(_probe_async, api_url)
    return ClusterCheck(
        workers=len(answers),
        daemonic=sum(a["daemon"] for a in answers.values()),
        unreachable=[f"{w}: {a['api_error']}" for w, a in sorted(answers.items()) if a["api_error"]],
    )


def readers_here(default: int) -> int:
    """Reader processes for this process: on a Dask worker one per worker thread (each thread reads one
    file at a time), elsewhere `default`."""
    if "distributed" in sys.modules:
        from distributed import get_worker

        try:
            return max(1, get_worker().state.nthreads)
        except ValueError:  # not on a worker
            pass
    return default


async def _release() -> None:
    """Run on a worker at the end of a run: send what Prefect still holds to the run's API and stop its
    services; stop the run's reader processes."""
    if "prefect.events.worker" in sys.modules:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        for service in (EventsWorker, APILogWorker):
            await service.drain_all(timeout=30)
    if "flows.resources" in sys.modules:
        from flows import resources

        await asyncio.to_thread(resources.close_resources)


def release_workers(task_runner) -> None:
    """At the end of a run on Dask (`task_runner` a `DaskTaskRunner`); a no-op for other runners. Never
    raises: a cluster that went away has nothing left to release."""
    client = getattr(task_runner, "_client", None)
    if client is None:
        return
    try:
        client.run(_release, on_error="ignore")
    except Exception as exc:
        log.warning("could not release the Dask workers: %s", exc)
