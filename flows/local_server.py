"""Prefect's local API server for one `notices ingest`, started before Prefect is even imported.

Without `PREFECT_API_URL`, Prefect starts a temporary API server itself on the first client call: the main
process imports the server code (seconds) and then waits while the server boots (seconds more), all on the
critical path. The CLI instead launches the same server process (`prefect.server.api.server:create_app` under
uvicorn, in Prefect's ephemeral mode) as its first step and points `PREFECT_API_URL` at it, so the boot runs
on another core while the CLI imports its own modules and finds out what there is to do. The process is
stopped when the command ends. With `PREFECT_API_URL` already set (a persistent server), nothing is started.
"""

from __future__ import annotations

import atexit
import http.client
import os
import socket
import subprocess
import sys
import threading
import time

# the same switches Prefect's own temporary server uses: no UI, ephemeral services only
_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# Defaults for this per-run server only (explicit environment wins). Its boot is on the start-up's critical
# path and CPU-bound, so it skips start-up work a one-command server has no use for:
# - block auto-registration: on every start Prefect imports each installed collection to hash the block
#   registry (here prefect_dask, which imports dask.distributed and numpy: ~0.5 s of CPU), only to find
#   the types already registered. Clients register a block type themselves when they save a block, and
#   `prefect server start` registers them all for the UI.
# - the triggers service (automations: reactive triggers and their actions): building its in-process API
#   clients and reading automations costs ~0.3 s of CPU; automations belong to a persistent server.
# Task-run recording, event persistence and log streaming stay on: the run, its task runs, states, logs
# and artifacts are recorded as before.
_SERVER_DEFAULTS = {
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
}
START_TIMEOUT_S = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"))


def server_env() -> dict[str, str]:
    """The local server's environment: this process's, with the defaults above where it sets nothing."""
    return {**_SERVER_DEFAULTS, **os.environ, **_SERVER_ENV}


class ServerError(RuntimeError):
    """The local Prefect server did not come up."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen | None = self._launch()
        self._answered = threading.Event()
        threading.Thread(target=self._watch_start, name="prefect-server-start", daemon=True).start()
        atexit.register(self.stop)

    @classmethod
    def start_if_needed(cls) -> LocalServer | None:
        """Launch a server unless one is configured or Prefect is already imported (and so configured)."""
        if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
            return None
        server = cls()
        os.environ["PREFECT_API_URL"] = server.url
        return server

    def _launch(self) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=server_env(),
            stdin=subprocess.DEVNULL,
        )

    def _watch_start(self) -> None:
        """In a thread from launch on: poll until the server answers, then make the first API call Prefect's
        client makes. The server builds its API routes on the first call to them (~0.4 s of CPU); made here,
        that overlaps with this process's own start-up instead of delaying the flow's first call."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            process = self.process
            if process is None or process.poll() is not None:
                return
            if self._get("/health", timeout_s=2.0) == 200:
                self._answered.set()
                self._get("/admin/version", timeout_s=30.0)
                return
            time.sleep(0.05)

    def _get(self, path: str, timeout_s: float) -> int | None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout_s)
        try:
            conn.request("GET", f"/api{path}")
            return conn.getresponse().status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while not self._answered.wait(0.05):
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise ServerError(f"the local Prefect server exited during start-up (exit code {code})")
            if time.monotonic() >= deadline:
                self.stop()
                raise ServerError(f"the local Prefect server did not answer within {timeout_s:.0f} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
