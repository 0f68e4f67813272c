"""A slow link in front of a local server: a TCP proxy on 127.0.0.1 with GPRS-like latency and
bandwidth, or one that accepts connections and never answers.

Why a proxy: Chromium's network emulation (CDP ``Network.emulateNetworkConditions``) applies to the
page's own requests, not to the fetches its service worker makes, so a page answered by the worker
from the network would look fast. The browser talks to the proxy's port instead of the server's;
everything (pages, worker fetches, API calls) crosses the same slow link.

The link is shared by every connection, as a radio link is: each direction sends one chunk at a time
at its bandwidth (a chunk of n bytes occupies it n·8/bps seconds), then the chunk arrives half the
round trip later. ``hang = True`` makes the link connect and then carry nothing, in either direction.

``by_kind[kind]`` counts the bytes ``[up, down]`` of the requests that ``classify(method, path)``
calls ``kind`` (HTTP headers and bodies, not TCP/IP headers): a connection's bytes belong to the
request it carries, and a request line at the start of a read on the way up starts a new one
(browsers do not pipeline HTTP/1.1, so a request always starts a read).
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

CHUNK = 1460  # one TCP segment's payload
REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]\r\n")


@dataclass
class Direction:
    bits_per_second: float
    one_way_s: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    free_at: float = 0.0

    def schedule(self, size: int) -> float:
        """When a chunk of ``size`` bytes handed over now arrives at the other end."""
        with self.lock:
            start = max(time.monotonic(), self.free_at)
            self.free_at = start + size * 8 / self.bits_per_second
            return self.free_at + self.one_way_s


class SlowLink:
    def __init__(self, target_port: int, down_bps: float = 50_000, up_bps: float = 20_000,
                 rtt_s: float = 0.5, classify: Callable[[str, str], str] = lambda method, path: "other"):
        self.target_port = target_port
        self.classify = classify
        self.by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self._count_lock = threading.Lock()
        self.down = Direction(down_bps, rtt_s / 2)
        self.up = Direction(up_bps, rtt_s / 2)
        self.hang = False
        self.slow = True  # False: no delay at all (to set a browser up quickly on the same origin)
        self.bytes_down = 0
        self.bytes_up = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._server.close()
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self._sockets.append(client)
            if self.hang:
                continue  # connected; nothing will ever come back
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets.append(upstream)
            request = {"kind": "other"}  # what this connection carries now
            for source, sink, way, name in ((client, upstream, self.up, "up"),
                                            (upstream, client, self.down, "down")):
                threading.Thread(target=self._pump, args=(source, sink, way, name, request),
                                 daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, way: Direction, name: str,
              request: dict) -> None:
        """Read as fast as the sender sends; hand each chunk to the link; a second thread delivers."""
        pending: queue.Queue = queue.Queue()
        threading.Thread(target=self._deliver, args=(pending, sink), daemon=True).start()
        try:
            while True:
                data = source.recv(CHUNK)
                if not data:
                    break
                if self.hang:
                    continue  # swallowed: the link stays open and silent
                line = REQUEST_LINE.match(data) if name == "up" else None
                if line:
                    request["kind"] = self.classify(line[1].decode(), line[2].decode())
                with self._count_lock:
                    if name == "down":
                        self.bytes_down += len(data)
                    else:
                        self.bytes_up += len(data)
                    self.by_kind[request["kind"]][name == "down"] += len(data)
                pending.put((way.schedule(len(data)) if self.slow else 0.0, data))
        except OSError:
            pass
        pending.put((0.0, None))

    @staticmethod
    def _deliver(pending: queue.Queue, sink: socket.socket) -> None:
        try:
            while True:
                arrive, data = pending.get()
                if data is None:
                    break
                delay = arrive - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def slow_link(target_url: str, **options) -> Iterator[SlowLink]:
    link = SlowLink(int(target_url.rsplit(":", 1)[1]), **options)
    link.start()
    try:
        yield link
    finally:
        link.stop()
