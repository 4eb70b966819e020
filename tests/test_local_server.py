"""The local Prefect server a `notices ingest` starts for itself when no PREFECT_API_URL is set."""

from __future__ import annotations

from flows import local_server


def test_server_skips_start_up_work_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", raising=False)
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "true")
    env = local_server.server_env()
    assert env["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "false"
    assert env["PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION"] == "false"
    assert env["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "true"  # explicit environment wins
    assert env["PREFECT__SERVER_EPHEMERAL"] == "1" and env["PREFECT_UI_ENABLED"] == "0"
