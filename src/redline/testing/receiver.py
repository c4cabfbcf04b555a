"""A webhook receiver over loopback for tests and benchmarks: a real HTTP server that verifies
Standard Webhooks signatures with ``standardwebhooks.Webhook.verify`` and records what came.

Its answer is configurable (a status, a ``Retry-After``, the first N answers failing, or hanging
for a while), to play a healthy, a failing or a hanging destination.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    webhook_id: str | None
    body: dict[str, Any]
    headers: dict[str, str]
    at: float  # time.time() on arrival
    verified: bool


@dataclass
class Receiver:
    secret: str | None = None
    status: int = 200
    retry_after: str | None = None
    fail_first: int = 0  # answer ``fail_status`` to the first N requests
    fail_status: int = 500
    hang: float = 0.0  # seconds to wait before answering
    received: list[Received] = field(default_factory=list)
    rejected: int = 0  # requests whose signature did not verify
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    receiver._count += 1
                    n = receiver._count
                if receiver.hang:
                    time.sleep(receiver.hang)
                verified = False
                if receiver.secret:
                    from standardwebhooks import Webhook

                    try:
                        Webhook(receiver.secret).verify(raw, headers)
                        verified = True
                    except Exception:
                        with receiver._lock:
                            receiver.rejected += 1
                        self.send_response(401)
                        self.end_headers()
                        return
                status = receiver.fail_status if n <= receiver.fail_first else receiver.status
                if 200 <= status < 300:
                    with receiver._lock:
                        receiver.received.append(
                            Received(headers.get("webhook-id"), json.loads(raw or b"{}"),
                                     headers, time.time(), verified)
                        )  # fmt: skip
                self.send_response(status)
                if status >= 400 and receiver.retry_after:
                    self.send_header("Retry-After", receiver.retry_after)
                self.send_header("content-length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def requests(self) -> int:
        return self._count

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
