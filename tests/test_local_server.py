"""The local Prefect server a `notices ingest` starts for itself when no PREFECT_API_URL is set."""

from __future__ import annotations

import pytest

from flows import local_server


def test_server_skips_start_up_work_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", raising=False)
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "true")
    env = local_server.server_env()
    assert env["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "false"
    assert env["PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION"] == "false"
    assert env["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "true"  # explicit environment wins
    assert env["PREFECT__SERVER_EPHEMERAL"] == "1" and env["PREFECT_UI_ENABLED"] == "0"


@pytest.mark.slow
def test_the_server_is_prefects_own_api_at_the_pinned_version():
    """`LocalServer` launches Prefect's API app by its module path with Prefect's ephemeral-server switches,
    which are Prefect internals: pinned in pyproject.toml, and checked here against the installed Prefect."""
    import json
    import urllib.request

    import prefect

    server = local_server.LocalServer()
    try:
        server.wait_ready(timeout_s=180)
        with urllib.request.urlopen(f"{server.url}/admin/version", timeout=30) as resp:
            assert json.loads(resp.read()) == prefect.__version__
        with urllib.request.urlopen(f"{server.url}/health", timeout=30) as resp:
            assert resp.status == 200
    finally:
        server.stop()
    assert server.process is None
