"""Prefect settings for local runs, applied before Prefect is imported (explicit environment wins).

A local run starts Prefect's ephemeral API server itself; on a fresh PREFECT_HOME that takes longer than
Prefect's default 20 s start-up timeout, and analytics would try to reach the network.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
}


def apply() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
