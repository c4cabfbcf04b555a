"""Scale-out: rechecks per second with 1, 2 and 4 worker processes on PostgreSQL and one on
SQLite; CPU ms per check; frontier claim latency; worker memory as the frontier grows.

    .venv/bin/python benchmarks/bench_workers.py --articles 20000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/test [--memory]
    .venv/bin/python benchmarks/bench_workers.py --memory-only --articles 100

The memory measurement runs one full round of the real engine (claims, leases, releases) over
frontiers of 10,000, 100,000 and 1,000,000 due articles, with the network check replaced by its
frontier write, and samples the worker's resident memory during the round.

The newsroom runs in its own process. Each configuration starts from the same steady state
(every article has one version and a fingerprint), sets every article due, starts the workers
and times until every article has been checked once more. CPU time is read from /proc for the
worker processes only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text, update

sys.path.insert(0, str(Path(__file__).parent))
from bench_crawl import start_newsroom

from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.schema import articles

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def workers(url: str, n: int, concurrency: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "REDLINE_DATABASE_URL": url}
    return [
        subprocess.Popen(
            [sys.executable, "-m", "redline", "worker", "--concurrency", str(concurrency)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]


def checked_since(store: Store, t0: datetime) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(articles).where(articles.c.last_checked >= t0)
            ).scalar_one()
        )


def make_due(store: Store) -> datetime:
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(
            update(articles).values(
                next_check=now - timedelta(seconds=1), lease_owner=None, lease_expires=None
            )
        )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # fresh statistics and no dead rows after rewriting every row, as autovacuum would
        # leave them in a running system
        conn.execute(
            text("VACUUM ANALYZE articles" if conn.dialect.name == "postgresql" else "ANALYZE")
        )
    return now


def run_config(
    label: str, store: Store, url: str, n_workers: int, concurrency: int, total: int
) -> None:
    t0 = make_due(store)
    procs = workers(url, n_workers, concurrency)
    start = time.perf_counter()
    while checked_since(store, t0) < total:
        if time.perf_counter() - start > 900:
            print(f"{label}: gave up after 900 s")
            break
        time.sleep(0.5)
    wall = time.perf_counter() - start
    cpu = sum(cpu_seconds(p.pid) for p in procs)
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=60)
    done = checked_since(store, t0)
    print(
        f"{label:<26} {done / wall:8.1f} checks/s   {cpu * 1000 / max(done, 1):6.2f} CPU ms/check   wall {wall:6.1f}s"
    )


def claim_latency(store: Store, label: str) -> None:
    make_due(store)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        got = store.claim_articles(
            datetime.now(UTC), 50, worker="bench", lease=timedelta(minutes=5)
        )
        times.append((time.perf_counter() - t0) * 1000)
        store.release_articles([a.id for a in got], "bench")
    print(
        f"{label:<26} claim of 50 due articles: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms"
    )


def prepare(url: str, base: str, total: int) -> Store:
    store = Store.open(url)
    store.save_source(
        SourceConfig(
            name="newsroom",
            sitemaps=(f"{base}/sitemap.xml",),
            delay=0,
            concurrency=64,
            allow_private=True,
        ),
        datetime.now(UTC),
    )
    return store


def _round_worker(url: str) -> None:
    """Child process of the memory benchmark: one full round of the real engine over the whole
    frontier (claims in batches, leases, per-article bookkeeping, releases) with the network
    check replaced by its frontier write (next check in a day, written for the whole batch
    before the next claim), so a 1,000,000-article round takes minutes, not hours. Prints
    "checked seconds"."""
    import asyncio

    import redline.crawl.engine as engine
    from redline.crawl.checker import CheckOutcome
    from redline.fetch.client import Fetcher
    from redline.settings import Settings

    store = Store.open(url, run_migrations=False)
    done: list[int] = []  # checked in the batch in flight; written before the next claim

    async def frontier_only_check(ctx, article, cfg, now):  # type: ignore[no-untyped-def]
        done.append(article.id)
        return CheckOutcome(article.url, "unchanged")

    real_claim = store.claim_articles

    def claim_after_writing(now, limit, **kw):  # type: ignore[no-untyped-def]
        if done:  # the batch's checks, as one statement: reschedule a day ahead and release
            with store.engine.begin() as conn:
                conn.execute(
                    update(articles)
                    .where(articles.c.id.in_(done), articles.c.lease_owner == kw["worker"])
                    .values(
                        last_checked=now,
                        next_check=now + timedelta(days=1),
                        lease_owner=None,
                        lease_expires=None,
                        check_count=articles.c.check_count + 1,
                    )
                )
            done.clear()
        return real_claim(now, limit, **kw)

    store.claim_articles = claim_after_writing  # type: ignore[method-assign]
    engine.check_article = frontier_only_check  # type: ignore[assignment]
    settings = Settings()

    async def go() -> int:
        async with Fetcher(settings.fetch) as fetcher:
            summary = await engine.Crawler(store, settings).check_due(fetcher)
        return summary.checked

    t = time.perf_counter()
    checked = asyncio.run(go())
    print(f"{checked} {time.perf_counter() - t:.1f}", flush=True)


def memory_growth(pg_base: str, base: str, sizes: list[int]) -> None:
    """Worker RSS over one full round of a frontier of each size (every article due)."""
    schema = f"mem_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    # The benchmark's own writes need not survive a crash: no fsync per check.
    url = f"{pg_base}?options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    store = prepare(url, base, 0)
    print(
        "one full round over the whole frontier; the network check is replaced by its frontier write"
    )
    try:
        for size in sizes:
            with store.engine.begin() as conn:
                have = conn.execute(select(func.count()).select_from(articles)).scalar_one()
                conn.execute(
                    text(
                        "INSERT INTO articles (source_id, url, status, first_seen, next_check, version_count, check_count, missing_count) "
                        "SELECT 1, :base || '/missing/' || g || '.html', 'live', now(), now(), 0, 0, 0 FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g"
                    ),
                    {"base": base, "a": have + 1, "b": size},
                )
            make_due(store)
            with store.engine.begin() as conn:
                conn.execute(text("ANALYZE articles"))
            child = subprocess.Popen(
                [sys.executable, __file__, "--round-worker", url],
                stdout=subprocess.PIPE,
                text=True,
            )
            peak, samples = 0.0, []
            while child.poll() is None:
                rss = rss_mb(child.pid)
                peak = max(peak, rss)
                samples.append(rss)
                time.sleep(0.25)
            out = (child.stdout.read() if child.stdout else "").split()
            checked, seconds = (int(out[0]), float(out[1])) if len(out) == 2 else (0, 0.0)
            mid = samples[len(samples) // 2] if samples else 0.0
            print(
                f"frontier {size:>9,}: round checked {checked:>9,} in {seconds:6.1f} s "
                f"({checked / max(seconds, 0.001):6.0f}/s); worker RSS mid-round {mid:6.1f} MB, "
                f"peak {peak:6.1f} MB"
            )
    finally:
        store.close()
        with psycopg.connect(
            pg_base.replace("postgresql+psycopg", "postgresql"), autocommit=True
        ) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument(
        "--postgres",
        default=os.environ.get(
            "REDLINE_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument(
        "--memory",
        action="store_true",
        help="also measure worker memory with a 1,000,000-article frontier",
    )
    ap.add_argument("--memory-only", action="store_true", help="only the memory measurement")
    ap.add_argument(
        "--memory-sizes",
        default="10000,100000,1000000",
        help="frontier sizes of the memory measurement (comma-separated)",
    )
    ap.add_argument("--backends", default="sqlite,postgresql", help="which of sqlite,postgresql")
    ap.add_argument("--workers", default="1,2,4", help="PostgreSQL worker counts to run")
    ap.add_argument("--round-worker", metavar="URL", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.round_worker:
        _round_worker(args.round_worker)
        return
    proc, base = start_newsroom(args.articles)
    tmp = tempfile.TemporaryDirectory()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    pg_plain = args.postgres.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(pg_plain, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    pg_url = f"{args.postgres}?options=-csearch_path%3D{schema}"
    sqlite_url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    try:
        print(f"newsroom {base} with {args.articles} articles; {os.cpu_count()} CPUs")
        backends = (("sqlite", sqlite_url), ("postgresql", pg_url))
        for label, url in (
            () if args.memory_only else [b for b in backends if b[0] in args.backends.split(",")]
        ):
            store = prepare(url, base, args.articles)
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "redline", "--database-url", url, "crawl", "--once"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            total = store.count_articles()
            print(
                f"{label}: first crawl of {total} articles (discovery + extraction) took {time.perf_counter() - t:.0f} s"
            )
            claim_latency(store, label)
            if label == "sqlite":
                run_config("sqlite, 1 process", store, url, 1, args.concurrency, total)
            else:
                for n in (int(x) for x in args.workers.split(",")):
                    run_config(
                        f"postgresql, {n} process(es)", store, url, n, args.concurrency, total
                    )
            store.close()
        if args.memory or args.memory_only:
            memory_growth(args.postgres, base, [int(x) for x in args.memory_sizes.split(",")])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        tmp.cleanup()
        with psycopg.connect(pg_plain, autocommit=True) as c:
            c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    main()
