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
import os
import socket
import subprocess
import sys
import time

import httpx

# the same switches Prefect's own temporary server uses: no UI, ephemeral services only
_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
START_TIMEOUT_S = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"))


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
            env={**os.environ, **_SERVER_ENV},
            stdin=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    code = None if self.process is None else self.process.returncode
                    raise ServerError(f"the local Prefect server exited during start-up (exit code {code})")
                try:
                    if client.get(f"{self.url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
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
