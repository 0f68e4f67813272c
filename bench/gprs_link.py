"""A GPRS-like link in front of a local server: a TCP proxy on 127.0.0.1 that shapes bandwidth and
adds latency, for every connection the browser makes (page, service worker, background fetches).

Why a proxy: CDP's Network.emulateNetworkConditions slows the page's own requests but not the
service worker's fetches, so a benchmark of anything the worker or a sync does would run on a fast
link. Here the browser talks to ``link.url`` and cannot tell the difference from a real slow link.

The model: one shared link per direction (all connections compete for it, as on a phone),
serialising bytes at ``down_kbps`` / ``up_kbps``, each packet delivered ``rtt_ms / 2`` after it
has been serialised; a new connection waits one round trip (the TCP handshake). ``shape`` can be
switched on and off while the browser runs (set up fast, measure slow).

    with GprsLink(upstream_port) as link:
        link.shape = True
        ... browser on link.url ...
        link.bytes_up, link.bytes_down
        link.by_kind["photo"]  # [up, down] of the requests classify() called "photo"

Bytes are payload bytes (HTTP headers and bodies as sent), not counting TCP/IP headers. Each
connection's bytes are put down to the request it is carrying: a request line starting a read on
the way up starts a new request (browsers do not pipeline HTTP/1.1, so it always starts a read).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable

PACKET = 1460  # bytes of payload per TCP segment on a typical link
REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]\r\n")


class _Direction:
    """One direction of the shared link: when the next byte can go out."""

    def __init__(self, kbps: float):
        self.bytes_per_s = kbps * 1000 / 8
        self.free_at = 0.0
        self.bytes = 0

    def schedule(self, size: int, now: float, shaped: bool, one_way: float) -> float:
        """When a packet of ``size`` bytes written now arrives at the other end."""
        self.bytes += size
        if not shaped:
            return now
        start = max(now, self.free_at)
        self.free_at = start + size / self.bytes_per_s
        return self.free_at + one_way


class GprsLink:
    def __init__(self, upstream_port: int, down_kbps: float = 50, up_kbps: float = 20, rtt_ms: float = 500,
                 classify: Callable[[str, str], str] = lambda method, path: "other"):
        self.upstream_port = upstream_port
        self.classify = classify
        self.by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.rtt = rtt_ms / 1000
        self.down = _Direction(down_kbps)
        self.up = _Direction(up_kbps)
        self.shape = False
        self.port = 0
        self.last_activity = time.monotonic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def bytes_up(self) -> int:
        return self.up.bytes

    @property
    def bytes_down(self) -> int:
        return self.down.bytes

    def wait_idle(self, quiet: float = 2.0, timeout: float = 60) -> None:
        """Wait until no byte has crossed the link for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() - self.last_activity < quiet and time.monotonic() < deadline:
            time.sleep(0.1)

    def __enter__(self) -> GprsLink:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        if self._loop:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._connection, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            # connections the browser left open: end their tasks quietly before closing the loop
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    async def _connection(self, client_reader, client_writer) -> None:
        if self.shape:
            await asyncio.sleep(self.rtt)  # SYN, SYN-ACK
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_writer.close()
            return
        request = {"kind": "other"}  # what this connection is carrying now
        with contextlib.suppress(asyncio.CancelledError):  # the link shutting down
            await asyncio.gather(self._pipe(client_reader, server_writer, self.up, request, 0),
                                 self._pipe(server_reader, client_writer, self.down, request, 1))
        for writer in (client_writer, server_writer):
            with contextlib.suppress(OSError, RuntimeError):
                writer.close()

    async def _pipe(self, reader, writer, direction: _Direction, request: dict, side: int) -> None:
        """Forward one direction: read, wait until the link has carried it, write, in order."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=64)  # ~90 KB in flight, then TCP pushes back

        async def deliver():
            broken = False
            while (item := await queue.get()) is not None:
                due, data = item
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                self.last_activity = time.monotonic()
                if broken:
                    continue  # the other end is gone: keep emptying the queue
                try:
                    writer.write(data)
                    await writer.drain()
                except (ConnectionError, OSError, RuntimeError):
                    broken = True
            with contextlib.suppress(OSError, RuntimeError):
                writer.write_eof()

        sender = asyncio.ensure_future(deliver())
        try:
            while data := await reader.read(PACKET):
                line = REQUEST_LINE.match(data) if side == 0 else None
                if line:
                    request["kind"] = self.classify(line[1].decode(), line[2].decode())
                self.by_kind[request["kind"]][side] += len(data)
                due = direction.schedule(len(data), time.monotonic(), self.shape, self.rtt / 2)
                await queue.put((due, data))
        except (ConnectionError, OSError):
            pass
        finally:
            await queue.put(None)
            with contextlib.suppress(ConnectionError, OSError):
                await sender
