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


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that dies mid-connection (the kill -9 tests) is not an error here."""


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
    log: Any = None  # a text file: one JSON line per accepted request (benchmarks)
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
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

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
                        self.send_header("content-length", "0")
                        self.end_headers()
                        return
                status = receiver.fail_status if n <= receiver.fail_first else receiver.status
                if 200 <= status < 300:
                    got = Received(
                        headers.get("webhook-id"),
                        json.loads(raw or b"{}"),
                        headers,
                        time.time(),
                        verified,
                    )
                    with receiver._lock:
                        receiver.received.append(got)
                        if receiver.log is not None:
                            line = {
                                "webhook_id": got.webhook_id,
                                "id": got.body.get("id"),
                                "at": got.at,
                                "verified": verified,
                            }
                            receiver.log.write(json.dumps(line) + "\n")
                            receiver.log.flush()
                self.send_response(status)
                if status >= 400 and receiver.retry_after:
                    self.send_header("Retry-After", receiver.retry_after)
                self.send_header("content-length", "0")
                self.end_headers()

        self._server = _Server(("127.0.0.1", 0), Handler)
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


def main() -> None:
    """``python -m redline.testing.receiver --out FILE``: serve in its own process (so a
    benchmark measures the deliverer, not a receiver fighting it for the GIL); prints the URL."""
    import argparse
    import signal
    import sys

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--secret")
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--hang", type=float, default=0.0)
    args = ap.parse_args()
    with open(args.out, "a", encoding="utf-8") as log:
        rx = Receiver(secret=args.secret, status=args.status, hang=args.hang, log=log).start()
        print(rx.url, flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            signal.pause()
        finally:
            rx.stop()


if __name__ == "__main__":
    main()
