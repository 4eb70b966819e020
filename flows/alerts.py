"""Alerts through Prefect automations: the event an ingest run emits when files need attention, and the
deployment of `automations.yaml` to a Prefect server with the notification block the operator names."""

from __future__ import annotations

from pathlib import Path

from contracts.statuses import FileStatus

ATTENTION_EVENT = "notices.ingest.attention"
AUTOMATIONS_FILE = Path(__file__).resolve().parents[1] / "automations.yaml"
BLOCK_PLACEHOLDER = "{{ notify_block }}"  # in automations.yaml: the id of the operator's notification block
_ATTENTION = (FileStatus.QUARANTINED, FileStatus.FAILED)


def emit_attention(run_id: int, flow_run_id: str | None, results: list, threshold: int):
    """Emit `notices.ingest.attention` when at least `threshold` files of the run (`FileResult`s) ended
    quarantined or failed (never when `threshold` is 0); the payload holds the counts and the first files.
    Returns the event, or None."""
    bad = [r for r in results if r.status in _ATTENTION]
    if threshold <= 0 or len(bad) < threshold:
        return None
    from prefect.events import emit_event

    return emit_event(
        event=ATTENTION_EVENT,
        resource={
            "prefect.resource.id": f"notices.ingest-run.{flow_run_id or run_id}",
            "prefect.resource.name": f"ingest run {run_id}",
        },
        payload={
            "run_id": run_id,
            "files": len(results),
            "quarantined": sum(r.status == FileStatus.QUARANTINED for r in bad),
            "failed": sum(r.status == FileStatus.FAILED for r in bad),
            "threshold": threshold,
            "examples": [
                {"file": r.file, "status": str(r.status), "reason": (r.reason or "")[:200]} for r in bad[:10]
            ],
        },
    )


class AlertsError(RuntimeError):
    """The automations cannot be deployed (no such block, a file that does not validate)."""


def load_automations(block_id: str, path: Path = AUTOMATIONS_FILE) -> list:
    """The automations of `path` (the format `prefect automation create --from-file` reads) as Prefect
    models, with `{{ notify_block }}` replaced by `block_id`."""
    import yaml
    from prefect.events.schemas.automations import AutomationCore

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs = data["automations"] if isinstance(data, dict) else data

    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return block_id if value == BLOCK_PLACEHOLDER else value

    try:
        return [AutomationCore.model_validate(fill(spec)) for spec in specs]
    except ValueError as exc:
        raise AlertsError(f"{path.name} does not validate: {exc}") from exc


def deploy_automations(block: str, path: Path = AUTOMATIONS_FILE) -> list[tuple[str, str]]:
    """Create the automations of `path` on the Prefect API in use, each notifying through `block`
    (`TYPE-SLUG/NAME` of a saved notification block, e.g. `slack-webhook/notices-ops`); an automation of
    the same name is replaced, so deploying again changes nothing else. Returns (name, id) pairs."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    type_slug, _, name = block.partition("/")
    if not type_slug or not name:
        raise AlertsError(f"--block {block!r}: give it as TYPE-SLUG/NAME, e.g. slack-webhook/notices-ops")
    with get_client(sync_client=True) as client:
        try:
            doc = client.read_block_document_by_name(name=name, block_type_slug=type_slug)
        except ObjectNotFound:
            raise AlertsError(f"no notification block {block} on this Prefect server") from None
        automations = load_automations(str(doc.id), path)
        created = []
        for automation in automations:
            for old in client.read_automations_by_name(automation.name):
                client.delete_automation(old.id)
            created.append((automation.name, str(client.create_automation(automation))))
    return created
