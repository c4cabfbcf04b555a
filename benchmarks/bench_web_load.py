"""Web latency under concurrent load on a database of 1,000,000 versions.

    .venv/bin/python benchmarks/bench_web_load.py [--versions 1000000] [--keep /tmp/load.sqlite3]
        [--database-url URL] [--connections 16] [--seconds 20] [--workers 2]

Builds the database with bench_web.build() scaled up (200,000 articles, 1,000,000 versions by
default), starts `redline serve` in its own process, and drives it from this process with
``--connections`` concurrent keep-alive HTTP clients for ``--seconds`` per page. Prints requests
per second and client-side p50/p99 latency (network on loopback included) per page, once with
plain GETs and once with conditional GETs (If-None-Match from the last answer, as browsers and
feed readers send; the server answers 304, or 200 with a new ETag when the page changed, e.g.
a relative time at a minute boundary: that is counted as `refreshed`, not as an error). Goal:
front page >= 1,000 req/s conditional and >= 300 req/s plain, p99 < 100 ms, on 2 cores.

The client shares the machine with the server, so it is kept cheap: ``--client raw`` (the
default) is a minimal HTTP/1.1 keep-alive client on asyncio streams (uvloop when installed),
about 30 µs of CPU per request; ``--client httpx`` is the general-purpose client the first
figures were taken with (about 1.5 ms of CPU per request, as much as the server spent).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import bench_web

from redline.storage import Store
from redline.testing.asgi import free_port, wait_http

_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_ETAG = re.compile(rb"\r\netag:[ \t]*([^\r\n]+)", re.IGNORECASE)


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.refreshed = 0


async def _raw_connection(
    host: str, port: int, path: str, deadline: float, conditional: bool, tally: Tally
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    head = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n"
    etag: bytes | None = None
    try:
        while time.perf_counter() < deadline:
            req = head.encode() + (b"If-None-Match: " + etag + b"\r\n" if etag else b"") + b"\r\n"
            t0 = time.perf_counter()
            writer.write(req)
            answer = await reader.readuntil(b"\r\n\r\n")
            status = int(answer[9:12])
            m = _LENGTH.search(answer)
            if m and int(m.group(1)):
                await reader.readexactly(int(m.group(1)))
            tally.latencies.append((time.perf_counter() - t0) * 1000)
            if status >= 400:
                tally.errors += 1
            elif conditional:
                if etag is not None and status == 200:
                    tally.refreshed += 1
                e = _ETAG.search(answer)
                etag = e.group(1) if e else None
    finally:
        writer.close()


async def load_raw(url: str, connections: int, seconds: float, conditional: bool) -> Tally:
    parts = httpx.URL(url)
    tally = Tally()
    deadline = time.perf_counter() + seconds
    path = parts.raw_path.decode()
    host, port = parts.host, parts.port or 80
    await asyncio.gather(
        *(
            _raw_connection(host, port, path, deadline, conditional, tally)
            for _ in range(connections)
        )
    )
    return tally


def run_loop(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


async def load(
    url: str, connections: int, seconds: float, conditional: bool = False
) -> tuple[int, list[float], int]:
    """The httpx client (``--client httpx``)."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        headers = {}
        if conditional:
            headers["if-none-match"] = (await client.get(url)).headers.get("etag", "")
        deadline = time.perf_counter() + seconds

        async def one() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                r = await client.get(url, headers=headers)
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += r.status_code >= 400 or (conditional and r.status_code != 304)

        await asyncio.gather(*(one() for _ in range(connections)))
    return len(latencies), latencies, errors


# One server process whose store reports no data version: every request takes the ordinary
# path (routing, validator query, kept rendering), as it does on PostgreSQL.
_ORDINARY_PATH = """
import sys, uvicorn
from redline.storage import Store
from redline.web import create_app
store = Store.open(sys.argv[1], run_migrations=False)
store.data_version = lambda: None
uvicorn.run(create_app(store), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            access_log=False, lifespan="off")
"""


def _committer(url: str, per_second: float) -> None:
    """A writer beside the server, as a crawler is: a commit that changes no page (a worker
    heartbeat) ``per_second`` times a second. On SQLite every commit moves the data version,
    so the server's fast path gives way to its ordinary path (query, kept rendering)."""
    from datetime import UTC, datetime

    store = Store.open(url, run_migrations=False)
    started = datetime.now(UTC)
    n = 0
    while True:
        n += 1
        store.heartbeat("bench", "localhost", os.getpid(), started, datetime.now(UTC), n, 0)
        time.sleep(1 / per_second)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=1_000_000)
    ap.add_argument("--database-url")
    ap.add_argument("--keep", type=Path, help="SQLite file to build once and reuse")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--workers", type=int, default=1, help="redline serve --workers")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw")
    ap.add_argument(
        "--no-fast-path",
        action="store_true",
        help="serve every request through the routes (as on PostgreSQL); one process",
    )
    ap.add_argument(
        "--commits", type=float, default=0, help="commits per second by a writer beside the server"
    )
    args = ap.parse_args()
    bench_web.VERSIONS = args.versions
    bench_web.ARTICLES = max(args.versions // 5, 1)
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{args.keep or Path(tmp.name) / 'load.sqlite3'}"
    store = Store.open(url)
    if store.count_articles() == 0:
        t0 = time.perf_counter()
        bench_web.build(store)
        print(
            f"built {bench_web.ARTICLES:,} articles / {bench_web.VERSIONS:,} versions in {time.perf_counter() - t0:.0f} s"
        )
    article_id = store.list_articles(changed=True, limit=1)[0].id
    store.close()
    port = free_port()
    env = {**os.environ, "REDLINE_DATABASE_URL": url}
    cmd = [sys.executable, "-m", "redline", "serve", "--port", str(port)]
    if args.workers > 1:
        cmd += ["--workers", str(args.workers)]
    if args.no_fast_path:
        cmd = [sys.executable, "-c", _ORDINARY_PATH, url, str(port)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    writer = None
    if args.commits:
        writer = multiprocessing.get_context("spawn").Process(
            target=_committer, args=(url, args.commits), daemon=True
        )
        writer.start()
    try:
        wait_http(base + "/", server, timeout=120)
        print(
            f"{args.connections} concurrent connections, {args.seconds:g} s per page, server pid {server.pid}, "
            f"{args.workers} worker(s), {args.commits:g} commits/s beside, load average "
            + " ".join(f"{x:.1f}" for x in os.getloadavg())
        )
        pages = (
            ("front page", "/"),
            ("article page", f"/articles/{article_id}"),
            ("changes feed", "/feeds/changes.atom"),
        )
        for conditional in (False, True):
            for label, path in pages:
                if args.client == "raw":
                    tally = run_loop(
                        load_raw(base + path, args.connections, args.seconds, conditional)
                    )
                    lat, errors, refreshed = tally.latencies, tally.errors, tally.refreshed
                else:
                    _, lat, errors = asyncio.run(
                        load(base + path, args.connections, args.seconds, conditional)
                    )
                    refreshed = 0
                q = statistics.quantiles(lat, n=100)
                mode = "conditional" if conditional else "plain"
                print(
                    f"  {label:<13} {mode:<11} {len(lat) / args.seconds:7.1f} req/s   p50 {q[49]:7.1f} ms"
                    f"   p99 {q[98]:7.1f} ms   errors {errors}"
                    + (f"   refreshed {refreshed}" if conditional else "")
                )
    finally:
        if writer is not None:
            writer.terminate()
        server.terminate()
        server.wait(timeout=20)
        tmp.cleanup()


if __name__ == "__main__":
    main()
