"""What `notices ingest` checks before anything starts (Prefect, its local server, the reader processes):
the sources exist or answer, the Dask scheduler accepts a connection, the warehouse can be opened. Each
check costs at most a request or a connection with a short time-out, and says in one line what is wrong."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

CONNECT_TIMEOUT_S = 3.0


class UsageError(Exception):
    """The command cannot run as given; the text says why, in one line."""


def check_sources(sources: list[str]) -> None:
    from flows.sources import SourceError, check_source

    for source in sources:
        try:
            check_source(source)
        except SourceError as exc:
            raise UsageError(str(exc)) from None


def check_scheduler(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """A Dask scheduler at `address` (tcp://HOST:PORT, tls://… or HOST:PORT) accepts a TCP connection.
    Other transports (inproc, ucx) are left to Dask."""
    parsed = urlparse(address if "://" in address else f"tcp://{address}")
    if parsed.scheme not in ("tcp", "tls"):
        return
    try:
        host, port = parsed.hostname, parsed.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise UsageError(f"Dask scheduler address {address} is not HOST:PORT (e.g. tcp://HOST:8786)")
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except TimeoutError:
        raise UsageError(
            f"cannot reach the Dask scheduler at {address}: no answer within {timeout_s:g} s"
        ) from None
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {why}") from None
