"""Alerts: the automations of automations.yaml on a real Prefect API, fired by the flows' own states and
events (a failed run, a run with files needing attention, a stale source found by `check-freshness`)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flows.alerts import ATTENTION_EVENT, load_automations
from load.db import make_engine
from tests.conftest import NOTICES
from tests.test_freshness import age


def test_automations_file_validates():
    block = str(uuid.uuid4())
    automations = {a.name: a for a in load_automations(block)}
    assert set(automations) == {"notices-run-failed", "notices-files-need-attention"}
    failed = automations["notices-run-failed"].trigger
    assert failed.expect == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}
    assert failed.match_related.root["prefect.resource.name"] == ["ingest-notices", "check-freshness"]
    assert automations["notices-files-need-attention"].trigger.expect == {ATTENTION_EVENT}
    assert all(str(a.actions[0].block_document_id) == block for a in automations.values())


# ------------------------------------------------------------------ on a Prefect API


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        type(self).received.append(json.loads(body or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    """A webhook that records what it receives, and a notification block that posts to it."""
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    CustomWebhookNotificationBlock(
        name="notices-test",
        url=f"http://127.0.0.1:{server.server_port}/hook",
        json_data={"subject": "{{subject}}", "body": "{{body}}"},
    ).save("notices-test-hook", overwrite=True)
    yield _Hook.received
    server.shutdown()


def _wait_for(received: list[dict], words: str, timeout_s: float = 90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for message in received:
            if words in message.get("subject", ""):
                return message
        time.sleep(0.5)
    raise AssertionError(f"no notification with {words!r}; got {received}")


def test_automations_fire_on_failed_runs_attention_and_stale_sources(prefect_harness, webhook, tmp_path):
    from prefect.client.orchestration import get_client
    from typer.testing import CliRunner

    from flows import cli, ingest, resources
    from flows.freshness import check_freshness
    from tests.fixturegen import generate_notice, make_notice
    from tests.fixturegen.model import fmt_number

    runner = CliRunner()
    deploy = ["alerts", "deploy", "--block", "custom-webhook/notices-test-hook"]
    assert runner.invoke(cli.app, deploy).exit_code == 0
    done = runner.invoke(cli.app, deploy)  # again: replaced, not doubled
    assert done.exit_code == 0 and done.output.count("automation ") == 2, done.output
    missing = runner.invoke(cli.app, ["alerts", "deploy", "--block", "custom-webhook/nothing-here"])
    assert missing.exit_code == 2 and "no notification block" in missing.output
    with get_client(sync_client=True) as client:
        for name in ("notices-run-failed", "notices-files-need-attention"):
            assert len(client.read_automations_by_name(name)) == 1
    try:
        # an ingest run with a quarantined notice emits the attention event with its counts
        spec = make_notice(seed=3, projects=2, renderer="rl", ruling="lines")
        spec.projects[0].p_total = fmt_number(spec.projects[0].total + 999)
        generate_notice(spec, tmp_path / "broken.pdf")
        url = f"sqlite:///{tmp_path / 'w.db'}"
        try:
            summary = ingest.ingest_notices(
                sources=[str(tmp_path / "broken.pdf"), str(NOTICES / "notice_001.pdf")], warehouse=url
            )
        finally:
            resources.close_resources()
        assert summary.by_status == {"quarantined": 1, "loaded": 1}
        message = _wait_for(webhook, f"ingest run {summary.run_id} has files needing attention")
        assert "1 quarantined and 0 failed of 2 files" in message["body"]
        assert "quarantined broken.pdf: money_adds_up" in message["body"]

        # the warehouse is fresh: the freshness run completes
        fresh = check_freshness(warehouse=url, return_state=True)
        assert fresh.is_completed(), fresh.message

        # an ingest run that fails (the warehouse is unreachable) alerts
        bad = ingest.ingest_notices(
            sources=[str(NOTICES / "notice_001.pdf")],
            warehouse="sqlite:////nonexistent/w.db",
            return_state=True,
        )
        assert bad.is_failed()
        _wait_for(webhook, "notices: ingest-notices run ingest notice_001.pdf is Failed")

        # forty days later the source is stale: the freshness run fails, and that alerts
        engine = make_engine(url)
        age(engine, 40)
        engine.dispose()
        stale = check_freshness(warehouse=url, return_state=True)
        assert stale.is_failed() and "no successful run for 40 days" in stale.message
        message = _wait_for(webhook, "notices: check-freshness run")
        assert "no new document for 40 days" in message["body"]
    finally:
        with get_client(sync_client=True) as client:
            for name in ("notices-run-failed", "notices-files-need-attention"):
                for automation in client.read_automations_by_name(name):
                    client.delete_automation(automation.id)
