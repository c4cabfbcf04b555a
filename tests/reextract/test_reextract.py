"""`redline reextract`: a history rebuilt with everything learned equals what a fresh crawl with
today's extractor stores for the very same pages; collapses are reported; nothing is lost."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from redline.crawl import Crawler
from redline.furniture import RuleKind
from redline.reextract import reextract
from redline.settings import CrawlSettings, FetchSettings, FurnitureSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.testing.newsroom import Newsroom, make_app
from tests.conftest import free_port, serve_asgi

# real edits and noise, but no headline edits: a teaser's headline is then the same for
# every crawler at every moment, whatever order the round checks articles in
SCRIPT = [
    (1, 0, "typo_fix"),
    (1, 1, "paragraph_added"),
    (1, 4, "whitespace"),
    (2, 3, "correction"),
    (2, 5, "number"),
    (3, 1, "quote"),
    (3, 4, "markup"),
    (4, 6, "byline"),
    (4, 3, "paragraph_added"),
]
ROUNDS = 5

Response = tuple[int, list[tuple[bytes, bytes]], bytes]


def recording(app: Callable[..., Any], tape: dict[str, deque[Response]]) -> Callable[..., Any]:
    """The newsroom, keeping every answer per path in order."""

    async def rec(scope: dict[str, Any], receive: Any, send: Any) -> None:
        started: dict[str, Any] = {}
        body = bytearray()

        async def keep(msg: dict[str, Any]) -> None:
            if msg["type"] == "http.response.start":
                started.update(msg)
            else:
                body.extend(msg.get("body", b""))
            await send(msg)

        await app(scope, receive, keep)
        tape[scope["path"]].append((started["status"], list(started["headers"]), bytes(body)))

    return rec


def replaying(tape: dict[str, deque[Response]]) -> Callable[..., Any]:
    """The same answers again, per path, in the same order."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        queue = tape.get(scope["path"])
        status, headers, body = queue.popleft() if queue else (500, [], b"tape ran out")
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def crawl(store: Store, base: str, settings: FurnitureSettings, **source: Any) -> None:
    store.save_source(
        SourceConfig(
            name="newsroom",
            feeds=(f"{base}/rss.xml",),
            delay=0,
            concurrency=4,
            allow_private=True,
            **source,
        ),
        datetime.now(UTC),
    )
    crawler = Crawler(
        store,
        Settings(
            fetch=FetchSettings(retries=0, per_host_delay=0),
            crawl=CrawlSettings(),
            furniture=settings,
        ),
    )
    asyncio.run(crawler.run_once(all_live=True))
    for _ in range(ROUNDS):
        if room_of.get(store) is not None:
            room_of[store].advance()
        asyncio.run(crawler.run_once(all_live=True))


room_of: dict[Store, Newsroom] = {}


def history(store: Store) -> dict[str, Any]:
    out = {}
    for art in store.list_articles(limit=1000):
        changes = store.changes(art.id)
        out[art.url] = (
            [(v.number, v.title, v.byline, v.text) for v in store.versions(art.id)],
            sorted((c.level, tuple(c.classes), c.summary) for c in changes.values()),
            [c.outcome == "new_version" for c in reversed(store.captures(art.id))],
        )
    return out


def test_a_rebuilt_history_equals_a_fresh_crawl_with_todays_extractor(
    store: Store, database_url: str, tmp_path: Any
) -> None:
    port = free_port()
    room = Newsroom(n_articles=8, seed=3, script=SCRIPT)
    tape: dict[str, deque[Response]] = defaultdict(deque)
    learning = FurnitureSettings()
    with serve_asgi(recording(make_app(room), tape), port=port) as base:
        room_of[store] = room
        crawl(store, base, learning)
    del room_of[store]
    src = store.get_source("newsroom")
    learned = store.furniture_rules(src.id, learning.min_articles)
    assert RuleKind.TEXT in {r.kind for r in learned}  # teasers may be caught in the page already
    dry = reextract(store, dry_run=True, settings=learning)
    assert dry.rewritten > 0  # first versions still carried furniture learned later
    before = history(store)
    done = reextract(store, settings=learning)
    assert (done.rewritten, done.collapsed) == (dry.rewritten, dry.collapsed)
    assert history(store) != before

    # A fresh crawl of the same answers with today's rules from the start (pinned, not learned;
    # a slot's path is a CSS selector, so it is pinned as an exclude selector).
    pins = tuple(r.sample for r in learned if r.kind in (RuleKind.TEXT, RuleKind.ROTATING))
    slots = tuple(r.key for r in learned if r.kind is RuleKind.SLOT)
    fresh = Store.open(f"sqlite:///{tmp_path}/fresh.sqlite3")
    try:
        with serve_asgi(replaying(tape), port=port) as base:
            crawl(
                fresh,
                base,
                FurnitureSettings(learn=False),
                furniture_pin=pins,
                exclude_selectors=slots,
            )
        assert history(fresh) == history(store)
        assert fresh.active_furniture(fresh.get_source("newsroom").id, 1) == []  # nothing learned
    finally:
        fresh.close()
    # Nothing is lost, and a second run has nothing left to do.
    again = reextract(store, settings=learning)
    assert (again.collapsed, again.rewritten) == (0, 0)


def test_a_version_without_its_page_and_a_standfirst_today_make_no_change() -> None:
    """Re-extraction keeps a version whose page is gone as stored (the standfirst as its first
    paragraph); the next one, re-extracted with the field, is the same content: it collapses."""
    from redline.furniture.compare import Body
    from redline.furniture.policy import FurniturePolicy
    from redline.reextract.plan import Derived, plan_history

    dek = "A late deal won over the last holdouts on the council"
    story = ("The council approved the budget on Tuesday.", "The vote was 7 to 2.")
    old = Body("Budget approved", None, (dek, *story))
    new = Body("Budget approved", None, story, dek)
    plan = plan_history(
        [Derived(1, 1, old, "trafilatura", None), Derived(2, 2, new, "trafilatura", "<html/>")],
        [(old, "trafilatura"), (old, "trafilatura")],
        rules=None,
        policy=FurniturePolicy(),
    )
    assert [k.number for k in plan.kept] == [1]
    assert [(c.old_number, c.into) for c in plan.collapsed] == [(2, 1)]
    assert "standfirst" in plan.collapsed[0].reason
