"""Server time of every web page on a database of 10,000 articles and 50,000 versions.

    .venv/bin/python benchmarks/bench_web.py                 # SQLite in a temporary directory
    .venv/bin/python benchmarks/bench_web.py --database-url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python benchmarks/bench_web.py --keep /tmp/bench.sqlite3   # reuse a built database

The database is filled with bulk INSERTs (the FTS triggers fire as they would for the crawler).
Texts are synthetic paragraphs over a Zipf-like vocabulary; the changes of the first articles
are computed by the real diff engine and reused, re-labelled, for the rest. Server time is the
app's own ``Server-Timing: app;dur=`` (routing, queries, templates; no network); each page is
requested ``--runs`` times after one warm-up request. Target: every page under 50 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from redline.diff import DIFF_ENGINE_VERSION, DocVersion, compare
from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage import schema as t

ARTICLES = 10_000
VERSIONS = 50_000
SOURCES = 8
T_END = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TARGET_MS = 50.0


def vocabulary(rng: random.Random, n: int = 6000) -> list[str]:
    syll = ["ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "an", "is", "ur", "pe", "qua", "ti"]
    words = {"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(n * 2)}
    return sorted(words)[:n]


class TextMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.weights = [1 / (i + 1) for i in range(len(self.words))]  # Zipf-like

    def sentence(self) -> str:
        ws = self.rng.choices(self.words, self.weights, k=self.rng.randint(8, 16))
        n = self.rng.randint(1, 99)
        return f"{ws[0].capitalize()} {' '.join(ws[1:5])} {n} {' '.join(ws[5:])}."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))

    def article(self) -> tuple[str, list[str]]:
        title = " ".join(self.rng.choices(self.words, self.weights, k=7)).capitalize()
        return title, [self.paragraph() for _ in range(self.rng.randint(4, 8))]

    def edit(self, title: str, paras: list[str]) -> tuple[str, list[str]]:
        paras = list(paras)
        kind = self.rng.random()
        if kind < 0.2:
            title = title + " " + self.rng.choice(self.words)
        if kind < 0.5:
            i = self.rng.randrange(len(paras))
            paras[i] = paras[i].replace(" 1", " 7", 1) + " " + self.sentence()
        elif kind < 0.75:
            paras.insert(self.rng.randrange(len(paras) + 1), self.paragraph())
        elif kind < 0.9 and len(paras) > 2:
            paras.pop(self.rng.randrange(len(paras)))
        else:
            i = self.rng.randrange(len(paras))
            paras[i] = paras[i].replace(".", ",", 1)
        return title, paras


def build(store: Store, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    maker = TextMaker(rng)
    now = T_END
    src_ids = []
    for i in range(SOURCES):
        row, _ = store.save_source(
            SourceConfig(name=f"outlet{i}", homepage=f"https://www.outlet{i}.example/"), now
        )
        src_ids.append(row.id)
    # Versions per article: 1..9, adjusted so the total is exactly VERSIONS.
    counts = [rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9]) for _ in range(ARTICLES)]
    diff = VERSIONS - sum(counts)
    while diff:
        i = rng.randrange(ARTICLES)
        if diff > 0 and counts[i] < 12:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > 1:
            counts[i] -= 1
            diff += 1
    templates: list[dict[str, Any]] = []
    articles, urls, versions, changes, events = [], [], [], [], []
    version_id = 0
    for aid in range(1, ARTICLES + 1):
        src = src_ids[min(int(rng.paretovariate(1.2)) - 1, SOURCES - 1)]  # skewed sizes
        first = T_END - timedelta(days=30) + timedelta(seconds=rng.randint(0, 29 * 86400))
        url = f"https://www.outlet{src_ids.index(src)}.example/news/{aid}-story"
        title, paras = maker.article()
        at = first
        prev: DocVersion | None = None
        n = counts[aid - 1]
        for number in range(1, n + 1):
            if number > 1:
                title, paras = maker.edit(title, paras)
                at += timedelta(minutes=rng.randint(5, 600))
            version_id += 1
            text = "\n\n".join(paras)
            versions.append(
                dict(
                    id=version_id,
                    article_id=aid,
                    number=number,
                    captured_at=at,
                    title=title,
                    byline="By Staff",
                    published=first,
                    modified=None,
                    text=text,
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    raw_sha256=None,
                    url=url,
                    extractor="jsonld",
                    extractor_version="bench",
                )
            )
            doc = DocVersion(title=title, paragraphs=tuple(paras))
            if prev is not None:
                if len(templates) < 400:
                    data = compare(prev, doc).to_dict()
                    templates.append(data)
                else:
                    data = rng.choice(templates)
                changes.append(
                    dict(
                        version_id=version_id,
                        article_id=aid,
                        created_at=at,
                        engine_version=DIFF_ENGINE_VERSION,
                        level=data["level"],
                        score=data["score"],
                        classes=json.dumps(data["classes"]),
                        summary=data["summary"],
                        stealth=data["stealth"],
                        headline_changed="headline" in data["classes"],
                        data=json.dumps(data),
                    )
                )
            prev = doc
        status = "live"
        events.append(dict(article_id=aid, at=first, kind="first_seen", detail=url))
        if rng.random() < 0.02:
            status = "deleted"
            events.append(
                dict(
                    article_id=aid,
                    at=at + timedelta(hours=3),
                    kind="deleted",
                    detail="HTTP 404 on 3 consecutive checks",
                )
            )
        articles.append(
            dict(
                id=aid,
                source_id=src,
                url=url,
                status=status,
                title=title,
                first_seen=first,
                last_checked=at,
                last_changed=at,
                next_check=at + timedelta(hours=6) if status == "live" else None,
                version_count=n,
                check_count=n * 3,
                missing_count=0,
            )
        )
        urls.append(
            dict(key=url.split("://", 1)[1].replace("www.", "", 1), article_id=aid, url=url)
        )
    with store.engine.begin() as conn:
        for table, rows in (
            (t.articles, articles),
            (t.article_urls, urls),
            (t.versions, versions),
            (t.changes, changes),
            (t.events, events),
        ):
            for i in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[i : i + 5000])
    return {"counts": counts}


def _timed(client: Any, url: str, runs: int) -> tuple[float, float, float, int]:
    client.get(url)  # warm-up (template compile, caches)
    server, wall = [], []
    status = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        status = r.status_code
        server.append(float(r.headers["server-timing"].split("dur=")[1]))
    server.sort()
    return (
        statistics.median(server),
        server[int(len(server) * 0.95) - 1],
        statistics.median(wall),
        status,
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--database-url", help="Use this (empty) database instead of a temporary SQLite file."
    )
    ap.add_argument("--keep", type=Path, help="SQLite file to build once and reuse on later runs.")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="redline-bench-")
    url = args.database_url or f"sqlite:///{args.keep or Path(tmp.name) / 'bench.sqlite3'}"
    store = Store.open(url)
    with store.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(t.versions)).scalar_one()
    if have == 0:
        t0 = time.perf_counter()
        build(store)
        print(
            f"built {ARTICLES:,} articles / {VERSIONS:,} versions in {time.perf_counter() - t0:.1f} s"
        )
        if store.dialect == "postgresql":
            # What autovacuum does shortly after a bulk load; without statistics PostgreSQL's
            # planner guesses row counts and can pick plans 100x slower.
            with store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
    with store.engine.connect() as conn:
        n_art = conn.execute(select(func.count()).select_from(t.articles)).scalar_one()
        n_ver = conn.execute(select(func.count()).select_from(t.versions)).scalar_one()
        n_chg = conn.execute(select(func.count()).select_from(t.changes)).scalar_one()
        busiest = conn.execute(
            select(t.articles.c.id).order_by(t.articles.c.version_count.desc()).limit(1)
        ).scalar_one()
        nver = conn.execute(
            select(t.articles.c.version_count).where(t.articles.c.id == busiest)
        ).scalar_one()
        word = conn.execute(select(t.versions.c.title).limit(1)).scalar_one().split()[0].lower()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

        from redline.web import create_app
    client = TestClient(create_app(store, clock=lambda: T_END), follow_redirects=False)

    # Cursors deep into pagination, found through the API.
    def deep(path: str, pages: int) -> str:
        nxt = None
        for _ in range(pages):
            r = client.get(path + (f"&before={nxt}" if nxt else "")).json()
            nxt = r["next"]
        return nxt

    front_deep = deep("/api/v1/changes?limit=200", 50)  # entry 10,000 of the stream
    articles_deep = deep("/api/v1/articles?limit=200&order=last_changed", 40)
    rare = "".join(sorted(TextMaker(random.Random(7)).words, key=len)[-1:])
    pages = [
        ("front page", "/"),
        ("front page, entry 10,000 (page 201)", f"/?before={front_deep}"),
        ("front page, largest source", "/?source=outlet0"),
        ("front page, small source", "/?source=outlet5"),
        ("front page, headline changes", "/?class=headline"),
        ("front page, corrections", "/?class=correction"),
        ("front page, deletions", "/?class=deleted"),
        ("sources", "/sources"),
        ("articles, entry 8,000", f"/articles?before={articles_deep}"),
        (f"article page ({nver} versions)", f"/articles/{busiest}"),
        ("diff page, stored (inline)", f"/articles/{busiest}/diff/1/2"),
        ("diff page, stored (side by side)", f"/articles/{busiest}/diff/1/2?view=side"),
        (f"diff page, computed v1→v{nver}", f"/articles/{busiest}/diff/1/{nver}"),
        ("version text", f"/articles/{busiest}/versions/{nver}"),
        (f"search, common word ({word})", f"/search?q={word}"),
        ("search, two words", f"/search?q={word}+{rare}"),
        ("search, rare word", f"/search?q={rare}"),
        ("find by URL", f"/find?url=https://m.outlet0.example/news/{busiest}-story"),
        ("feed, all changes", "/feeds/changes.atom"),
        ("feed, headlines", "/feeds/headlines.atom"),
        ("feed, one article", f"/feeds/articles/{busiest}.atom"),
        ("API changes (50)", "/api/v1/changes"),
        ("API diff (computed)", f"/api/v1/articles/{busiest}/diff?from=1&to={nver}"),
    ]
    print(
        f"\n{store.dialect}: {n_art:,} articles, {n_ver:,} versions, {n_chg:,} changes; "
        f"{args.runs} runs per page\n"
    )
    print(f"{'page':<44} {'median':>8} {'p95':>8} {'wall':>8}  status")
    worst = 0.0
    for name, path in pages:
        med, p95, wall, status = _timed(client, path, args.runs)
        worst = max(worst, p95)
        flag = "" if p95 < TARGET_MS else "  over target"
        print(f"{name:<44} {med:7.1f}ms {p95:7.1f}ms {wall:7.1f}ms  {status}{flag}")
    print(f"\nslowest p95: {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")
    store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
