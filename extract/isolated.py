"""Run the reader in worker processes: CPU-bound parsing in parallel, and a hung or runaway parser killed.

pdfminer can loop for minutes or eat gigabytes on hostile input; only a separate process with a hard time
limit (and an address-space cap) stops that. Workers are reused between files.
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing
import resource
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

from contracts.raw import RawNotice
from extract.errors import MAX_PAGES, CorruptPdf, ExtractError, ExtractTimeout, ReaderBug, TooLarge

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_MB = 2048
MAX_TASKS_PER_WORKER = 200  # recycle workers now and then: pdfminer caches grow


def _init_worker(megabytes: int, warm: Callable[[], None] | None) -> None:
    # a worker killed by its memory cap is reported by the parent with a reason; no crash dump from the child
    faulthandler.disable()
    # pdfminer logs every oddity of a damaged file at WARNING; the file's fate is reported as its reason
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if warm is not None:
        try:
            warm()
        except Exception:  # a cold worker still works: its first file pays what warming would have
            log.exception("warming a reader process failed")


def _noop() -> None:
    pass


def read_guarded(path: str, max_pages: int) -> RawNotice | ExtractError | ReaderBug:
    """Read one notice; what goes wrong comes back as a value: an `ExtractError` when the file is at fault,
    a `ReaderBug` when this program's own code is."""
    # imported here, in the reader process: the process that only starts readers never loads the PDF
    # libraries (~17 MB)
    from extract.reader import raised_by_pdf_library, read_notice

    try:
        return read_notice(Path(path), max_pages=max_pages)
    except ExtractError as exc:
        return exc  # typed reasons travel back as values
    except MemoryError:
        return TooLarge("file needs more memory than the worker's cap")
    except RecursionError as exc:
        if raised_by_pdf_library(exc):
            return CorruptPdf("corrupt PDF: structure nested too deeply to parse")
        return reader_bug(exc)
    except Exception as exc:
        return reader_bug(exc)


def reader_bug(exc: BaseException) -> ReaderBug:
    """An error raised by this program's own code, with its traceback as text (it crosses processes)."""
    return ReaderBug(f"{type(exc).__name__}: {exc}"[:300], "".join(traceback.format_exception(exc)))


class Extractor:
    """A pool of reader processes. `read` blocks until the file is read, rejected, or timed out.

    `work(path, max_pages)` is what a worker does with one file: by default `read_guarded`; the pipeline
    passes a function that also transforms and checks the notice, so that all CPU-bound work of a file runs
    in the worker. It must be a module-level function, and return an `ExtractError` or a `ReaderBug` rather
    than raise one.
    `warm()`, if given, runs once in every new worker (e.g. to import what `work` needs); see `warm_up`.
    """

    def __init__(
        self,
        workers: int = 1,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        memory_mb: int = DEFAULT_MEMORY_MB,
        max_pages: int = MAX_PAGES,
        work: Callable[..., Any] = read_guarded,
        warm: Callable[[], None] | None = None,
    ):
        self.work, self.warm = work, warm
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
            initargs=(self._memory_mb, self.warm),
            # fresh interpreters: a forked child would inherit the parent's address space (Prefect, GX …),
            # which both wastes memory and counts against the worker's address-space cap
            context=multiprocessing.get_context("spawn"),
        )

    def warm_up(self) -> None:
        """Start the reader processes now, without waiting for them: each runs `warm` (imports, caches) while
        the caller gets on with its own start-up."""
        if self._pool is not None:
            with self._pool_lock:
                for _ in range(self._workers):
                    self._pool.schedule(_noop)

    def read(self, path: Path, **kwargs: Any) -> Any:
        """`work(path, max_pages, **kwargs)` for one file (a `RawNotice` by default); raises the
        `ExtractError` or `ReaderBug` it returned."""
        if self._pool is None:
            result = self.work(str(path), self.max_pages, **kwargs)
        else:
            result = self._read_in_pool(path, kwargs)
        if isinstance(result, ExtractError | ReaderBug):
            raise result
        return result

    def _read_in_pool(self, path: Path, kwargs: dict) -> Any:
        for attempt in (1, 2):
            with self._pool_lock:
                future = self._pool.schedule(
                    self.work, args=(str(path), self.max_pages), kwargs=kwargs, timeout=self.timeout_s
                )
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
