"""The whole pipeline against the simulated newsroom over loopback, on SQLite and PostgreSQL.

Every scripted real edit must become exactly one version; furniture, whitespace, markup, 503 and
paywall rounds must not; deletions and redirects must be recorded; URL variants merged.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from redline.crawl import Crawler
from redline.reextract import reextract
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.testing.newsroom import SCRIPT_ROUNDS, Newsroom, serve_newsroom


@pytest.fixture
def room() -> Newsroom:
    return Newsroom(n_articles=14, seed=1)


@pytest.fixture
def site(room: Newsroom) -> Iterator[str]:
    with serve_newsroom(room) as base:
        yield base


def crawler_for(store: Store, base: str) -> Crawler:
    store.save_source(
        SourceConfig(
            name="newsroom",
            feeds=(f"{base}/rss.xml", f"{base}/atom.xml"),
            sitemaps=(f"{base}/sitemap.xml",),
            homepage=f"{base}/",
            delay=0,
            concurrency=8,
            allow_private=True,
        ),
        datetime.now(UTC),
    )
    return Crawler(
        store, Settings(fetch=FetchSettings(retries=0, per_host_delay=0), crawl=CrawlSettings())
    )


def names(byline: str | None) -> list[str]:
    """A byline's names: the page says 'A and B', the extractor stores 'A, B'."""
    return re.split(r",\s*|\s+and\s+", byline or "")


def crawl_all(crawler: Crawler):  # type: ignore[no-untyped-def]
    return asyncio.run(crawler.run_once(all_live=True))


Seen = tuple[str, list[str], str | None, str | None, str]


def history_of(store: Store, art_id: int) -> list[Seen]:
    return [
        (v.title, names(v.byline), v.standfirst, v.lead_caption, v.text)
        for v in store.versions(art_id)
    ]


def expected(room: Newsroom, slug: str) -> list[Seen]:
    return [
        (e.title, names(e.byline), e.standfirst, e.lead_caption, "\n\n".join(e.paragraphs))
        for e in room.expected_history(slug)
    ]


MANY_ROUNDS = SCRIPT_ROUNDS + 8  # the script, then rounds of random real and noise edits


def test_every_real_edit_is_one_version_and_noise_is_none(store: Store) -> None:
    """Over many rounds, with rotating teasers, a sign-up box, hover cards and a credit line
    inside the article body (testing/newsroom/furniture.py): no false version, every scripted
    edit found; after `reextract` (what was learned applied to the whole history) every
    version is exactly the text a reader saw."""
    room = Newsroom(n_articles=14, seed=1, random_edits_after_script=True)
    with serve_newsroom(room) as site:
        crawler = crawler_for(store, site)
        first = crawl_all(crawler)
        assert first.discovered == 12 and first.new_versions == 12, first.line()
        for _ in range(MANY_ROUNDS):
            room.advance()
            crawl_all(crawler)
            crawl_all(crawler)  # a second look in the same round: deletion needs two 404s
        texts: list[str] = []
        for a in room.articles:
            art = store.find_article(site + room.article_path(a.slug))
            assert art is not None, f"{a.slug} was never discovered"
            # No false version and no missed edit: the versions are the real edits, one each
            # (before re-extraction a first version may still carry furniture learned later).
            assert art.version_count == room.expected_versions(a.slug), (a.slug, a.edits)
            got, want = history_of(store, art.id), expected(room, a.slug)
            # title, byline, standfirst and lead photo caption of every version
            assert [g[:4] for g in got] == [w[:4] for w in want], (a.slug, a.edits)
            assert art.status == room.expected_status(a.slug), (a.slug, a.edits, art.status)
            texts += [v.text for v in store.versions(art.id)]
        # the scripted lead-caption corrections were among the edits found
        assert sum("lead_caption" in a.edits for a in room.articles) == 2
        # The in-body furniture (rotating teasers, sign-up box) was kept out in the page or
        # learned; only a first version may still carry a template line learned later.
        assert not any("Read more:" in t or "Related:" in t for t in texts)
        reextract(store)
        for a in room.articles:
            art = store.find_article(site + room.article_path(a.slug))
            assert art is not None
            # Which edits became versions, not only how many: a noise version plus a missed
            # real edit would leave the count right and the contents wrong.
            assert history_of(store, art.id) == expected(room, a.slug), (a.slug, a.edits)
        # tracking-parameter variants (RSS), relative Atom links, sitemap and homepage links:
        # one row each
        assert store.count_articles() == len(room.articles)


def test_noise_rounds_leave_captures_not_versions(store: Store, room: Newsroom, site: str) -> None:
    crawler = crawler_for(store, site)
    crawl_all(crawler)
    room.advance()  # round 1: typo fix, paragraph added, whitespace-only, 503
    summary = crawl_all(crawler)
    assert summary.new_versions == 2, summary.line()
    assert summary.outcomes["error"] == 1  # the 503
    by_slug = {a.index: a.slug for a in room.articles}
    ws = store.find_article(site + room.article_path(by_slug[4]))
    assert ws is not None and ws.version_count == 1
    outage = store.find_article(site + room.article_path(by_slug[9]))
    assert outage is not None and outage.last_error and "503" in outage.last_error
    room.advance()  # round 2: paywall on article 8 → suspect, not a version
    crawl_all(crawler)
    paywalled = store.find_article(site + room.article_path(by_slug[8]))
    assert paywalled is not None and paywalled.version_count == 1
    assert [c.outcome for c in store.captures(paywalled.id, limit=1)] == ["suspect"]
    assert "suspect" in [e.kind for e in store.events(paywalled.id)]


def test_rechecks_use_the_fast_path_and_changes_are_classified(
    store: Store, room: Newsroom, site: str
) -> None:
    crawler = crawler_for(store, site)
    crawl_all(crawler)
    again = crawl_all(crawler)
    # furniture changed on every page; static pages answered 304
    assert (
        again.new_versions == 0
        and again.outcomes["unchanged"] + again.outcomes["not_modified"] == again.checked
    )
    assert again.outcomes["not_modified"] >= 1
    room.advance()
    crawl_all(crawler)
    fixed = store.find_article(site + room.article_path(room.articles[0].slug))
    assert fixed is not None
    v2 = store.versions(fixed.id)[1]
    change = store.changes(fixed.id)[v2.id]
    # the newsroom bumps dateModified with every edit; that rides along and stays cosmetic
    assert (
        set(change.classes) == {"typo"} and change.level == "cosmetic"
    )  # a new modified time adds no tag
    grown = store.find_article(site + room.article_path(room.articles[1].slug))
    assert grown is not None
    change = store.changes(grown.id)[store.versions(grown.id)[1].id]
    assert "paragraph_added" in change.classes and change.stealth


def test_amp_and_tracking_variants_merge_into_one_article(
    store: Store, room: Newsroom, site: str
) -> None:
    crawler = crawler_for(store, site)
    crawl_all(crawler)
    path = room.article_path(room.articles[2].slug)
    n = store.count_articles()
    for variant in (
        f"{site}/amp{path}",
        f"{site}{path}?utm_source=twitter&fbclid=abc",
        f"{site}{path}#comments",
    ):
        art, created = store.add_article(variant, None, datetime.now(UTC))
        assert not created
        assert art.url == site + path
    assert store.count_articles() == n


def test_a_newsroom_on_another_port_is_another_site(store: Store) -> None:
    """`redline demo --keep` run twice: the second newsroom listens on a new port, and its
    articles are new articles, not the first run's under another name."""
    rooms = [Newsroom(n_articles=4, seed=1), Newsroom(n_articles=4, seed=1)]
    found = []
    with serve_newsroom(rooms[0]) as first, serve_newsroom(rooms[1]) as second:
        assert first != second
        for base in (first, second):
            store.save_source(
                SourceConfig(
                    name=f"newsroom-{base.rsplit(':', 1)[1]}",
                    feeds=(f"{base}/rss.xml",),
                    delay=0,
                    allow_private=True,
                ),
                datetime.now(UTC),
            )
            crawler = Crawler(store, Settings(fetch=FetchSettings(retries=0, per_host_delay=0)))
            found.append(asyncio.run(crawler.run_once(source=f"newsroom-{base.rsplit(':', 1)[1]}")))
    assert [s.discovered for s in found] == [4, 4]
    assert [s.new_versions for s in found] == [4, 4]
    assert store.count_articles() == 8
