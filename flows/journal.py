"""The run journal: runs that failed before the warehouse could record them.

A run records itself in the warehouse (`ops_run`); a run that cannot reach the warehouse (down, refusing
connections, its schema behind with upgrades off, its secret missing) cannot. Such a run is written here,
one JSON line in a local file (`Settings.journal_path`, beside the download cache): when it started and
failed, its sources, the warehouse URL with the password masked, the reason, the Prefect flow-run id and
the host. The next run that reaches that warehouse writes the lines for it into `ops_run` (status
`failed`) and drops them from the journal; `notices status` shows them before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from flows.locks import file_lock
from load.db import masked
from load.ops import record_failed_run

EARLY = "failed before reaching the warehouse"


def record(
    path: Path,
    sources: Sequence[str],
    warehouse_url: str | None,
    reason: str,
    started_at: dt.datetime | None = None,
    flow_run_id: str | None = None,
    secret: str | None = None,
) -> dict | None:
    """Append one failed run to the journal; returns the entry, or None when the journal cannot be written
    (the caller reports the failure anyway). Only the masked URL is written; `secret` names the Prefect
    Secret the URL comes from (all that is known of the warehouse when the secret cannot be read)."""
    failed_at = dt.datetime.now(dt.UTC)
    entry = {
        "started_at": (started_at or failed_at).isoformat(),
        "failed_at": failed_at.isoformat(),
        "sources": [str(s) for s in sources],
        "warehouse": masked(warehouse_url) if warehouse_url else None,
        "secret": secret,
        "reason": reason,
        "flow_run_id": flow_run_id or None,
        "host": socket.gethostname(),
    }
    try:
        with _locked(path), path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError:
        return None
    return entry


def _of(entry: dict, warehouse_url: str, secret: str | None) -> bool:
    """Whether a journal entry is a run of this warehouse (by masked URL, or by the secret naming it)."""
    return entry.get("warehouse") == masked(warehouse_url) or bool(secret and entry.get("secret") == secret)


def pending(path: Path, warehouse_url: str, secret: str | None = None) -> list[dict]:
    """The journal's runs of this warehouse not yet written into it, oldest first."""
    if not path.exists():
        return []
    with _locked(path):
        return [e for e in _read(path) if _of(e, warehouse_url, secret)]


def flush(path: Path, engine: Engine, warehouse_url: str, secret: str | None = None) -> int:
    """Write the journal's runs of this warehouse into its `ops_run` and drop them from the journal (the
    lines of other warehouses stay). Writing a run twice (a crash between the two steps) records it once.
    Returns how many runs were written."""
    if not path.exists():
        return 0
    with _locked(path):
        entries = _read(path)
        mine = [e for e in entries if _of(e, warehouse_url, secret)]
        for e in mine:
            record_failed_run(
                engine,
                e["sources"],
                dt.datetime.fromisoformat(e["started_at"]),
                dt.datetime.fromisoformat(e["failed_at"]),
                e.get("flow_run_id"),
                f"{EARLY} (run journal of {e.get('host') or 'an unknown host'}): {e['reason']}",
            )
        if mine:
            rest = [e for e in entries if not _of(e, warehouse_url, secret)]
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in rest), encoding="utf-8")
            os.replace(tmp, path)
    return len(mine)


def describe(entry: dict) -> str:
    """One line for `notices status`."""
    sources = ", ".join(entry.get("sources") or []) or "-"
    return (
        f"{entry['started_at'][:19].replace('T', ' ')} on {entry.get('host')}: {sources}: {entry['reason']}"
    )


def _read(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
    return out


def _locked(path: Path):
    """One process at a time reads or rewrites the journal (a lock file beside it)."""
    return file_lock(path.with_name(path.name + ".lock"))
