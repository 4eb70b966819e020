"""A database that comes up late: a TCP port where nothing listens for a while, then a forwarder to the
real server. Connections made before it listens are refused, as they are while a server restarts."""

from __future__ import annotations

import asyncio
import socket
import threading
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LateProxy:
    """`with LateProxy("127.0.0.1", 5432, delay=4) as proxy:` connect to 127.0.0.1:`proxy.port`."""

    def __init__(self, target_host: str, target_port: int, delay: float) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        self.port = free_port()
        self.connections = 0
        self.listening_at: float | None = None  # time.monotonic() when it began to listen
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(
            target=self._loop.run_until_complete, args=(self._serve(),), daemon=True
        )

    def __enter__(self) -> LateProxy:
        self.started_at = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        try:
            await asyncio.wait_for(self._stop.wait(), self.delay)
            return  # stopped before it ever listened
        except TimeoutError:
            pass
        server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.listening_at = time.monotonic()
        async with server:
            await self._stop.wait()
        # connections still open (an engine's pool) end with the proxy
        handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in handlers:
            t.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except OSError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
