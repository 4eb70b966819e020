"""Run the reader in worker processes: CPU-bound parsing in parallel, and a hung or runaway parser killed.

pdfminer can loop for minutes or eat gigabytes on hostile input; only a separate process with a hard time
limit (and an address-space cap) stops that. Workers are reused between files.
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing
import os
import resource
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from extract.errors import CorruptPdf, ExtractError, ExtractTimeout, TooLarge
from extract.model import RawNotice
from extract.reader import MAX_PAGES, read_notice

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = float(os.environ.get("NOTICES_FILE_TIMEOUT", 300))
DEFAULT_MEMORY_MB = int(os.environ.get("NOTICES_WORKER_MEMORY_MB", 2048))
MAX_TASKS_PER_WORKER = 200  # recycle workers now and then: pdfminer caches grow


def _init_worker(megabytes: int) -> None:
    # a worker killed by its memory cap is reported by the parent with a reason; no crash dump from the child
    faulthandler.disable()
    # pdfminer logs every oddity of a damaged file at WARNING; the file's fate is reported as its reason
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _read(path: str, max_pages: int) -> RawNotice | ExtractError:
    try:
        return read_notice(Path(path), max_pages=max_pages)
    except ExtractError as exc:
        return exc  # typed reasons travel back as values
    except MemoryError:
        return TooLarge("file needs more memory than the worker's cap")
    except RecursionError:
        return CorruptPdf("corrupt PDF: structure nested too deeply to parse")
    except Exception as exc:  # hostile input can break parsers anywhere: the file is unreadable, not the run
        return CorruptPdf(f"corrupt PDF: reader failed with {type(exc).__name__}: {exc}"[:300])


class Extractor:
    """A pool of reader processes. `read` blocks until the file is read, rejected, or timed out."""

    def __init__(
        self,
        workers: int = 1,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        memory_mb: int = DEFAULT_MEMORY_MB,
        max_pages: int = MAX_PAGES,
    ):
        self.timeout_s = timeout_s
        self.max_pages = max_pages
        self._pool = None
        if multiprocessing.current_process().daemon:
            # daemonic processes (Dask's workers) may not start children: read in-process, where the
            # cluster's own limits (worker memory, nanny restarts) are the safety net
            log.warning(
                "reader runs in-process in a daemonic worker: the per-file time limit is not enforced"
            )
            return
        self._workers, self._memory_mb = max(1, workers), memory_mb
        self._pool_lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(
            max_workers=self._workers,
            max_tasks=MAX_TASKS_PER_WORKER,
            initializer=_init_worker,
            initargs=(self._memory_mb,),
            # fresh interpreters: a forked child would inherit the parent's address space (Prefect, GX …),
            # which both wastes memory and counts against the worker's address-space cap
            context=multiprocessing.get_context("spawn"),
        )

    def read(self, path: Path) -> RawNotice:
        result = _read(str(path), self.max_pages) if self._pool is None else self._read_in_pool(path)
        if isinstance(result, ExtractError):
            raise result
        return result

    def _read_in_pool(self, path: Path) -> RawNotice | ExtractError:
        for attempt in (1, 2):
            with self._pool_lock:
                future = self._pool.schedule(_read, args=(str(path), self.max_pages), timeout=self.timeout_s)
            try:
                return future.result()
            except FutureTimeout as exc:
                raise ExtractTimeout(
                    f"reading took longer than {self.timeout_s:g} s; parser stopped"
                ) from exc
            except ProcessExpired as exc:
                raise TooLarge(
                    f"reader process died (exit code {exc.exitcode}): memory cap or parser crash"
                ) from exc
            except BrokenProcessPool:
                # the pool as a whole broke (workers failing to start, e.g. under memory pressure): one bad
                # moment must not fail every queued file, so start a new pool and read the file once more;
                # a second failure propagates and the file is recorded failed (retried by the next run)
                if attempt == 2:
                    raise
                with self._pool_lock:
                    self._pool.stop()
                    self._pool = self._new_pool()
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._pool is None:
            return
        self._pool.close()
        self._pool.join(timeout=10)
        self._pool.stop()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
