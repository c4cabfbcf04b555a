"""check_article against a small real site: statuses, redirects, canonical merging, 304s."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from tests.conftest import serve_asgi

from redline.crawl import Crawler
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.browse import change_of_version

PARAS = [
    "The city council voted on Tuesday to approve a budget of $17 billion for the coming year, after months of debate.",
    "Supporters said the plan would fund schools and transit, while critics warned it relied on optimistic revenue forecasts.",
    "Mayor Jane Alvarez called the vote a turning point and promised that every district would see new investment by spring.",
    "The budget now goes to the state for review, a step officials described as routine but necessary before spending begins.",
]
DEK = "A late deal won over the last holdouts on the council, and the mayor claimed victory"
CAPTION = "Mayor Jane Alvarez speaks to reporters after the vote on Tuesday"
state: dict[str, object] = {}


def page(title: str, paras: list[str], canonical: str | None = None, furniture: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<html><head><title>{title} | Daily</title>{canon}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By Sam Reporter</p>{body}</article>"
        f"<aside>Most read: {furniture}</aside></body></html>"
    ).encode()


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    path = scope["path"]
    headers = {k.decode(): v.decode() for k, v in scope["headers"]}
    status, extra, body = 200, [], b""
    n = state.setdefault(path, 0)
    state[path] = int(n) + 1  # type: ignore[call-overload]
    if path == "/robots.txt":
        body = b"User-agent: *\nAllow: /\n"
    elif path == "/a.html":
        body = page(str(state.get("title", "Budget approved")), PARAS, furniture=f"teaser {n}")
    elif path == "/dek.html":  # a standfirst under the headline, inside the article
        dek = f"<p class='dek'>{state.get('dek', DEK)}</p>"
        body = page("Budget approved", PARAS).replace(b"</h1>", f"</h1>{dek}".encode())
    elif path == "/hero.html":  # a photo and its caption above the story, outside <article>
        hero = (
            "<div id='hero'><img src='/vote.jpg' alt=''>"
            f"<p class='hero-caption'>{state.get('caption', CAPTION)}</p></div>"
        )
        body = page("Budget approved", PARAS).replace(b"<article>", f"{hero}<article>".encode())
    elif path == "/static.html":
        if headers.get("if-none-match") == '"s1"':
            status = 304
        else:
            body, extra = page("Static story", PARAS), [(b"etag", b'"s1"')]
    elif path == "/gone.html":
        status, body = (200, page("Soon gone", PARAS)) if n == 0 else (404, b"not here")
    elif path in ("/old-slug.html", "/swapped.html") and n > 0:  # first a story, then a redirect
        target = b"/new-slug.html" if path == "/old-slug.html" else b"/another-story.html"
        status, extra = 301, [(b"location", target)]
    elif path in ("/old-slug.html", "/swapped.html", "/new-slug.html"):
        body = page("Budget approved", PARAS)  # the slug changed, the story did not
    elif path == "/another-story.html":
        body = page("Storm closes schools", [p.replace("budget", "storm") for p in PARAS[::-1]])
    elif path in ("/first-old.html", "/other-old.html") and n > 0:  # then moved / pulled
        target = b"/first-old-updated.html" if path == "/first-old.html" else b"/another-story.html"
        status, extra = 301, [(b"location", target)]
    elif path == "/first-old.html":
        body = page("Budget approved", PARAS)
    elif path == "/other-old.html":
        body = page("Budget approved", [p.replace("budget", "plan") for p in PARAS])
    elif path == "/first-old-updated.html":  # the same story, republished with a new headline
        body = page("Budget approved after late vote", PARAS)
    elif path == "/moved.html":
        status, extra = 301, [(b"location", b"/")]
    elif path in ("/amp/a.html", "/print/a.html"):  # /print/ is no variant identity_key folds
        body = page("Budget approved", PARAS, canonical=str(state["base"]) + "/a.html")
    elif path.startswith("/news/story-"):  # canonical links that must never be trusted
        n_story = path.removeprefix("/news/story-").removesuffix(".html")
        canonicals = {
            "1": "/",
            "2": "/",
            "3": "/news/",
            "4": "/front",
            "5": "https://other.example.org/x",
        }
        paras = [f"Story {n_story}: {p}" for p in PARAS]
        body = page(f"Story {n_story} about the budget", paras, canonical=canonicals[n_story])
        if n_story == "2":  # og:url says the same as the canonical link of story 1
            body = body.replace(
                b'<link rel="canonical" href="/">', b'<meta property="og:url" content="/">'
            )
    elif path == "/":
        body = b"<html><body><h1>Front page</h1></body></html>"
    else:
        status, body = 404, b"nope"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/html; charset=utf-8"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def site() -> Iterator[str]:
    state.clear()
    with serve_asgi(app) as base:
        state["base"] = base
        yield base


@pytest.fixture
def crawler(site: str, tmp_path) -> Iterator[Crawler]:  # type: ignore[no-untyped-def]
    store = Store.open(f"sqlite:///{tmp_path}/r.sqlite3")
    store.save_source(
        SourceConfig(name="site", homepage=site + "/front", delay=0, allow_private=True),
        datetime.now(UTC),
    )
    yield Crawler(
        store, Settings(fetch=FetchSettings(retries=0, per_host_delay=0), crawl=CrawlSettings())
    )
    store.close()


def check(crawler: Crawler, url: str):  # type: ignore[no-untyped-def]
    article, _ = crawler.store.add_article(
        url, crawler.store.get_source("site").id, datetime.now(UTC)
    )
    return asyncio.run(crawler.check_one(crawler.store.get_article(article.id)))


def test_furniture_changes_make_no_version_and_real_edits_do(crawler: Crawler, site: str) -> None:
    assert check(crawler, site + "/a.html").outcome == "new_version"
    assert check(crawler, site + "/a.html").outcome == "unchanged"  # only the teaser changed
    state["title"] = "Budget approved after late-night vote"
    out = check(crawler, site + "/a.html")
    assert (out.outcome, out.version) == ("new_version", 2)
    art = crawler.store.find_article(site + "/a.html")
    assert art is not None and art.title == "Budget approved after late-night vote"
    assert art.next_check is not None and art.next_check - datetime.now(UTC) < timedelta(minutes=17)


def test_conditional_request_costs_no_extraction(crawler: Crawler, site: str) -> None:
    assert check(crawler, site + "/static.html").outcome == "new_version"
    assert check(crawler, site + "/static.html").outcome == "not_modified"


def test_two_404s_mark_the_article_deleted_with_an_event(crawler: Crawler, site: str) -> None:
    url = site + "/gone.html"
    assert check(crawler, url).outcome == "new_version"
    assert check(crawler, url).outcome == "missing"
    assert crawler.store.find_article(url).status == "live"  # type: ignore[union-attr]
    assert check(crawler, url).outcome == "missing"
    art = crawler.store.find_article(url)
    assert art is not None and art.status == "deleted" and art.version_count == 1
    assert "deleted" in [e.kind for e in crawler.store.events(art.id)]


def test_redirect_to_homepage_marks_redirected(crawler: Crawler, site: str) -> None:
    out = check(crawler, site + "/moved.html")
    assert out.outcome == "redirected"
    art = crawler.store.find_article(site + "/moved.html")
    assert art is not None and art.status == "redirected" and art.next_check is None


def test_canonical_link_merges_variants(crawler: Crawler, site: str) -> None:
    """/print/a.html is its own article until its page says canonical /a.html: only the
    canonical link can merge it (an /amp/ variant is folded by its identity key before any
    fetch, so it proves nothing about canonical handling)."""
    check(crawler, site + "/a.html")
    variant, _ = crawler.store.add_article(
        site + "/print/a.html", crawler.store.get_source("site").id, datetime.now(UTC)
    )
    assert crawler.store.count_articles() == 2  # not merged by identity
    out = asyncio.run(crawler.check_one(crawler.store.get_article(variant.id)))
    assert out.outcome == "merged", out
    assert crawler.store.count_articles() == 1
    merged = crawler.store.find_article(site + "/print/a.html")
    assert merged is not None and merged.url == site + "/a.html" and merged.version_count == 1
    check(crawler, site + "/amp/a.html")  # the identity-key variant stays one article too
    assert crawler.store.count_articles() == 1


def test_canonical_to_a_homepage_or_section_never_renames_or_merges(
    crawler: Crawler, site: str
) -> None:
    """Story 1 says canonical '/', story 2 og:url '/', story 3 '/news/', story 4 the source's
    homepage, story 5 another site: each stays its own article under its own URL."""
    urls = [f"{site}/news/story-{n}.html" for n in range(1, 6)]
    for url in urls:
        out = check(crawler, url)
        assert out.outcome == "new_version", (url, out)  # not 'merged' into the homepage
    assert crawler.store.count_articles() == 5
    for url in urls:
        art = crawler.store.find_article(url)
        assert art is not None and art.url == url and art.version_count == 1
    assert crawler.store.find_article(site + "/") is None  # never renamed to the homepage


def test_a_redirect_to_another_story_is_redirected_and_to_the_same_story_an_alias(
    crawler: Crawler, site: str
) -> None:
    """Neither target is known and neither shares the slug: the page it leads to decides."""
    for path in ("/old-slug.html", "/swapped.html"):
        assert check(crawler, site + path).outcome == "new_version"
    moved = check(crawler, site + "/old-slug.html")  # same headline at the new URL
    assert moved.outcome == "unchanged", moved
    art = crawler.store.find_article(site + "/new-slug.html")
    # The story moved: the new URL is its main one, the old one an alias, the move an event.
    assert art is not None and art.status == "live" and art.url == site + "/new-slug.html"
    assert crawler.store.find_article(site + "/old-slug.html") == art
    assert ("moved", site + "/new-slug.html") in [
        (e.kind, e.detail) for e in crawler.store.events(art.id)
    ]
    gone = check(crawler, site + "/swapped.html")  # another story altogether
    assert gone.outcome == "redirected", gone
    art = crawler.store.find_article(site + "/swapped.html")
    assert art is not None and art.status == "redirected" and art.next_check is None
    assert ("redirected", site + "/another-story.html") in [
        (e.kind, e.detail) for e in crawler.store.events(art.id)
    ]
    assert crawler.store.find_article(site + "/another-story.html") is None


def test_a_story_found_first_at_its_new_url_merges_into_one_history(
    crawler: Crawler, site: str
) -> None:
    """The new URL is tracked on its own (a fresh v1, headline rewritten) before the old one
    redirects there: the two records become one, by body similarity."""
    assert check(crawler, site + "/first-old.html").outcome == "new_version"
    assert check(crawler, site + "/first-old-updated.html").outcome == "new_version"
    old = crawler.store.find_article(site + "/first-old.html")
    assert old is not None and crawler.store.count_articles() == 2
    out = check(crawler, site + "/first-old.html")
    assert out.outcome == "unchanged", out  # merged, then the page judged against one history
    assert crawler.store.count_articles() == 1
    art = crawler.store.find_article(site + "/first-old-updated.html")
    assert art is not None and art.id == old.id and art.url == site + "/first-old-updated.html"
    assert crawler.store.find_article(site + "/first-old.html") == art
    versions = crawler.store.versions(art.id)
    assert [(v.number, v.title) for v in versions] == [
        (1, "Budget approved"),
        (2, "Budget approved after late vote"),
    ]
    assert art.version_count == 2
    change = crawler.store.changes(art.id)[versions[1].id]
    assert "headline" in change.classes
    kinds = [e.kind for e in crawler.store.events(art.id)]
    assert kinds.count("first_seen") == 1 and "moved" in kinds
    assert check(crawler, site + "/first-old-updated.html").outcome == "unchanged"


def test_a_redirect_to_another_tracked_story_is_still_a_removal(
    crawler: Crawler, site: str
) -> None:
    assert check(crawler, site + "/other-old.html").outcome == "new_version"
    assert check(crawler, site + "/another-story.html").outcome == "new_version"
    out = check(crawler, site + "/other-old.html")
    assert out.outcome == "redirected", out
    assert crawler.store.count_articles() == 2


def test_a_version_stored_before_the_standfirst_field_makes_no_new_version(
    crawler: Crawler, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored by an extractor without the field, the latest version has no standfirst and the
    standfirst as its first paragraph. The next capture, with the field, is the same article:
    unchanged. A later standfirst rewrite is a version whose change is that field alone."""
    import redline.crawl.checker as checker
    import redline.extract.cascade as cascade

    with monkeypatch.context() as old:  # the extractor (and fingerprint) before the field
        old.setattr(cascade, "find_standfirst", lambda *a, **k: None)
        old.setattr(checker, "region_fingerprint", lambda *a, **k: "fingerprint before 0013")
        assert check(crawler, site + "/dek.html").outcome == "new_version"
    art = crawler.store.find_article(site + "/dek.html")
    assert art is not None
    v1 = crawler.store.version(art.id, 1)
    assert v1.standfirst is None and v1.paragraphs == (DEK, *PARAS)

    out = check(crawler, site + "/dek.html")
    assert (out.outcome, out.version) == ("unchanged", None)
    assert crawler.store.get_article(art.id).version_count == 1
    assert "standfirst" in (crawler.store.captures(art.id)[0].reason or "")

    state["dek"] = DEK.replace("the mayor claimed victory", "the mayor thanked critics")
    out = check(crawler, site + "/dek.html")
    assert (out.outcome, out.version) == ("new_version", 2)
    v2 = crawler.store.version(art.id, 2)
    assert v2.standfirst == state["dek"] and v2.paragraphs == tuple(PARAS)
    change = change_of_version(crawler.store, v2.id)
    assert change is not None and "standfirst" in change.classes
    assert not {"paragraph_removed", "sentence_removed"} & set(change.classes)


def test_a_standfirst_the_old_extractor_left_out_makes_no_new_version(
    crawler: Crawler, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the old body did not hold the standfirst but the old page did, the field that
    appears is what today's extractor reads from the same page: no version."""
    import dataclasses

    import redline.crawl.checker as checker

    real = checker.extract

    def before_the_field(*a, **k):  # type: ignore[no-untyped-def]
        ext = real(*a, **k)
        return dataclasses.replace(ext, standfirst=None)

    with monkeypatch.context() as old:
        old.setattr(checker, "extract", before_the_field)
        old.setattr(checker, "region_fingerprint", lambda *a, **k: "fingerprint before 0013")
        assert check(crawler, site + "/dek.html").outcome == "new_version"
    art = crawler.store.find_article(site + "/dek.html")
    assert art is not None and crawler.store.version(art.id, 1).paragraphs == tuple(PARAS)
    out = check(crawler, site + "/dek.html")
    assert (out.outcome, out.version) == ("unchanged", None)


def test_a_version_stored_before_the_lead_caption_field_makes_no_new_version(
    crawler: Crawler, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The general rule covers the upgrade, no special case: the latest version (stored without
    the field) differs from the capture, so its stored page is read again with today's extractor
    (``read_alike``), and that reading is the capture: unchanged. A corrected caption later is a
    version whose change is that field, 'changed' (not 'added')."""
    import dataclasses

    import redline.crawl.checker as checker

    real = checker.extract

    def before_the_field(*a, **k):  # type: ignore[no-untyped-def]
        return dataclasses.replace(real(*a, **k), lead_caption=None)

    with monkeypatch.context() as old:
        old.setattr(checker, "extract", before_the_field)
        old.setattr(checker, "region_fingerprint", lambda *a, **k: "fingerprint before 0014")
        assert check(crawler, site + "/hero.html").outcome == "new_version"
    art = crawler.store.find_article(site + "/hero.html")
    assert art is not None
    v1 = crawler.store.version(art.id, 1)
    assert v1.lead_caption is None and v1.paragraphs == tuple(PARAS)

    out = check(crawler, site + "/hero.html")
    assert (out.outcome, out.version) == ("unchanged", None)
    assert crawler.store.get_article(art.id).version_count == 1
    assert "reads the same today" in (crawler.store.captures(art.id)[0].reason or "")

    state["caption"] = CAPTION.replace("Mayor Jane Alvarez", "Deputy mayor Tom Okafor")
    out = check(crawler, site + "/hero.html")
    assert (out.outcome, out.version) == ("new_version", 2)
    v2 = crawler.store.version(art.id, 2)
    assert v2.lead_caption == state["caption"] and v2.paragraphs == tuple(PARAS)
    change = change_of_version(crawler.store, v2.id)
    assert change is not None and change.classes[0] == "lead_caption"
    assert change.summary.startswith("Photo caption changed")
    assert check(crawler, site + "/hero.html").outcome == "unchanged"


def test_the_furniture_decision_and_the_change_run_off_the_event_loop(
    crawler: Crawler, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judging a capture against its latest version re-reads and diffs pages (tens of ms of
    CPU on a real page): done on the event loop, it would stall every other fetch in flight."""
    import threading

    from redline.crawl import checker

    threads: dict[str, set[bool]] = {"furniture": set(), "change": set()}

    def on_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def spy(name: str, real):  # type: ignore[no-untyped-def]
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            threads[name].add(on_loop())
            return real(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(checker, "only_furniture", spy("furniture", checker.only_furniture))
    monkeypatch.setattr(checker, "change_between", spy("change", checker.change_between))
    assert check(crawler, site + "/a.html").outcome == "new_version"
    assert check(crawler, site + "/a.html").outcome == "unchanged"  # the teaser rotated
    state["title"] = "Budget approved after late-night vote"
    assert check(crawler, site + "/a.html").outcome == "new_version"
    assert threads == {"furniture": {False}, "change": {False}}, threading.enumerate()
