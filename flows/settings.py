"""The run's settings, read once from the environment; and Prefect's defaults for local runs.

`Settings` is the one place the `NOTICES_*` environment variables are read. The CLI's options and the flow's
parameters default to it, and pass plain values down to the stages, which read no environment themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_WAREHOUSE_URL = "sqlite:///warehouse.db"


class Settings(BaseSettings):
    """`NOTICES_WAREHOUSE_URL`, `NOTICES_CACHE_DIR`, `NOTICES_FILE_TIMEOUT`, `NOTICES_WORKER_MEMORY_MB`,
    `NOTICES_MAX_PAGES`, `NOTICES_WORKERS` (default: `default_workers()`), `NOTICES_REGION`,
    `NOTICES_RUN_JOURNAL` (default: `run-journal.jsonl` beside the cache folder);
    `NOTICES_STALE_RUN_DAYS`, `NOTICES_STALE_DOCUMENT_DAYS` (freshness), `NOTICES_ALERT_FILES` (alerts)."""

    model_config = SettingsConfigDict(env_prefix="NOTICES_", extra="ignore")

    warehouse_url: str = DEFAULT_WAREHOUSE_URL
    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "budget-notices" / "downloads")
    file_timeout: float = Field(300.0, gt=0, description="seconds allowed to read one file")
    worker_memory_mb: int = Field(2048, ge=0, description="address-space cap of a reader process (0: none)")
    max_pages: int = Field(2000, ge=1, description="files with more pages are rejected")
    workers: int = Field(
        default_factory=lambda: default_workers(),
        ge=1,
        description="reader processes working in parallel (default: one per core, as memory allows)",
    )
    region: str | None = Field(None, description="region of the sources' documents that name none (北京市 …)")
    stale_run_days: float = Field(
        2.0, gt=0, description="a source without a completed run this long is stale"
    )
    stale_document_days: float = Field(
        30.0, gt=0, description="a source that delivered documents before and none new this long is stale"
    )
    alert_files: int = Field(
        1, ge=0, description="quarantined + failed files of one run that emit the attention event (0: never)"
    )
    run_journal: Path | None = Field(
        None, description="runs that failed before reaching the warehouse (JSON lines; see flows.journal)"
    )

    @property
    def journal_path(self) -> Path:
        """The run journal: `NOTICES_RUN_JOURNAL`, else `run-journal.jsonl` beside the download cache."""
        return self.run_journal or self.cache_dir.parent / "run-journal.jsonl"


READER_MB = 400  # what a reader process may take on a large budget document, with room for the rest of a run


def default_workers() -> int:
    """One reader process per core this process may use, as many as the available memory holds (a reader
    peaks near 200 MB on real budgets), at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, _available_mb(cores * READER_MB) // READER_MB))


def _available_mb(otherwise: int) -> int:
    """Memory available for new processes (Linux's MemAvailable: free memory and reclaimable cache)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return otherwise


def settings(**overrides) -> Settings:
    """The environment's settings with the given values (those that are not None) put over them."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


# Prefect reads its settings when it is imported. A local run starts Prefect's API server itself; on a fresh
# PREFECT_HOME that takes longer than Prefect's default 20 s start-up timeout, and analytics would try to reach
# the network.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
}


def apply_prefect_defaults() -> None:
    """Set the defaults above where the environment sets nothing (explicit environment wins)."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
