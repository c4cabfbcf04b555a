"""Learning furniture while crawling a small real site over HTTP (SQLite and PostgreSQL): a block
rotating inside the body is never a version, a box repeated across articles is learned as
template, the sources file vetoes and pins rules, and real edits still make versions."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.conftest import serve_asgi

from redline.crawl import Crawler
from redline.furniture import RuleKind
from redline.furniture.compare import READ_ALIKE
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store

BOX = "The Daily morning email: our top stories, every weekday before seven."
ELSEWHERE = [f"Elsewhere story number {n} makes waves across the valley" for n in range(40)]


def story(n: int) -> list[str]:
    return [
        f"Story {n}: the council voted on Tuesday to approve a budget after months of debate.",
        f"Story {n}: supporters said the plan would fund schools and transit in the region.",
        f"Story {n}: critics warned the plan relied on optimistic forecasts of tax revenue.",
        f"Story {n}: the budget now goes to the state for a review officials called routine.",
    ]


class Site:
    def __init__(self) -> None:
        self.requests = 0
        self.edits: dict[int, str] = {}
        self.box = BOX
        self.partner = False  # a partner's teaser (a link away) that rotates in the body
        self.said: dict[int, str] = {}  # a short closing line of article n

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.requests += 1
        path = scope["path"]
        if path == "/robots.txt":
            status, body = 200, b"User-agent: *\nAllow: /\n"
        elif path.startswith("/a") and path.endswith(".html"):
            n = int(path[2:-5])
            paras = story(n)
            if n in self.edits:
                paras[0] = self.edits[n]
            # a link block that rotates on every request, inside the body (untracked headlines)
            other = ELSEWHERE[self.requests % len(ELSEWHERE)]
            rotating = f'<p><b>Also read</b> <a href="/elsewhere/{self.requests}">{other}</a></p>'
            html = "".join(f"<p>{p}</p>" for p in paras[:2]) + rotating
            html += f"<div class='box'><p>{self.box}</p></div>"
            if self.partner:
                pick = ELSEWHERE[(self.requests * 7) % len(ELSEWHERE)].replace("number", "no.")
                words = pick.split()
                pick = (
                    " ".join(words[:1] + words[3:]) + f" ({['north', 'south'][self.requests % 2]})"
                )
                html += (
                    f'<p>Partner: <a href="https://partner.example/{self.requests}">{pick}</a>.</p>'
                )
            html += "".join(f"<p>{p}</p>" for p in paras[2:])
            if n in self.said:
                html += f"<p>{self.said[n]}</p>"
            status, body = (
                200,
                (
                    f"<html><head><title>Budget story {n}</title></head><body><article>"
                    f"<h1>Budget story {n}</h1>{html}</article></body></html>"
                ).encode(),
            )
        else:
            status, body = 404, b"<html><title>Not found</title></html>"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    s = Site()
    with serve_asgi(s) as base:
        yield s, base


def setup(store: Store, base: str, n: int, **cfg: Any) -> Crawler:
    src = store.save_source(
        SourceConfig(name="daily", homepage=f"{base}/", delay=0, allow_private=True, **cfg),
        datetime.now(UTC),
    )[0]
    for i in range(n):
        store.add_article(f"{base}/a{i}.html", src.id, datetime.now(UTC), title=f"Budget story {i}")
    return Crawler(
        store, Settings(fetch=FetchSettings(retries=0, per_host_delay=0), crawl=CrawlSettings())
    )


def exclude_the_box(store: Store, base: str) -> None:
    store.save_source(
        SourceConfig(
            name="daily",
            homepage=f"{base}/",
            delay=0,
            allow_private=True,
            exclude_selectors=("div.box",),
        ),
        datetime.now(UTC),
    )


def test_rotating_block_and_template_box_never_make_versions(
    store: Store, site: tuple[Site, str]
) -> None:
    s, base = site
    crawler = setup(store, base, 5)
    first = asyncio.run(crawler.run_once(all_live=True))
    assert first.new_versions == 5
    for _ in range(3):
        again = asyncio.run(crawler.run_once(all_live=True))
        assert again.new_versions == 0, again.line()
    src = store.get_source("daily")
    kinds = {r.kind for r in store.furniture_rules(src.id, 3)}
    # The rotating "Also read" block is caught in the page already (a teaser label) or learned
    # as rotating; either way it never made a version (above). The template box is learned.
    assert RuleKind.TEXT in kinds
    box = next(r for r in store.furniture_rules(src.id, 3) if r.kind is RuleKind.TEXT)
    assert box.sample == BOX and box.articles >= 3 and box.fired > 0
    art = store.find_article(f"{base}/a0.html")
    assert art is not None
    reasons = [c.reason or "" for c in store.captures(art.id)]
    assert any(r.startswith(("rotating furniture", "learned furniture")) for r in reasons)
    # a real edit still makes a version, whatever rotates around it
    s.edits[0] = (
        "Story 0: the council voted on Wednesday to reject the budget after a day of debate."
    )
    asyncio.run(crawler.run_once(all_live=True))
    versions = store.versions(art.id)
    assert len(versions) == 2 and "reject the budget" in versions[1].text
    assert BOX not in versions[1].text
    # (an untracked teaser that happens to rotate in the same fetch as a real edit rides along
    # with that version: only the in-page signals of extract/ can tell it from text)


def test_sources_file_vetoes_and_pins(store: Store, site: tuple[Site, str]) -> None:
    _, base = site
    crawler = setup(store, base, 4, furniture_veto=(BOX,), furniture_pin=(story(0)[3],))
    asyncio.run(crawler.run_once(all_live=True))
    asyncio.run(crawler.run_once(all_live=True))
    for i in range(4):
        art = store.find_article(f"{base}/a{i}.html")
        assert art is not None and art.version_count == 1
        text = store.versions(art.id)[0].text
        if i > 0:
            assert BOX in text  # vetoed: never learned away
    a0 = store.find_article(f"{base}/a0.html")
    assert a0 is not None and story(0)[3] not in store.versions(a0.id)[0].text  # pinned


def test_a_learned_box_s_place_catches_its_next_words(store: Store, site: tuple[Site, str]) -> None:
    """The template box is learned by its text; where it sits becomes a slot rule, so when the
    site puts a new promotion in the box, that is furniture too, and no version."""
    s, base = site
    crawler = setup(store, base, 4)
    for _ in range(3):
        asyncio.run(crawler.run_once(all_live=True))
    src = store.get_source("daily")
    assert src is not None
    slots = [r for r in store.furniture_rules(src.id, 3) if r.kind is RuleKind.SLOT]
    assert [r.key for r in slots] == ["article>div.box>p"] and slots[0].sample == BOX
    s.box = "Win a weekend for two in the mountains: enter our reader competition today."
    again = asyncio.run(crawler.run_once(all_live=True))
    assert again.new_versions == 0, again.line()
    art = store.find_article(f"{base}/a1.html")
    assert art is not None and len(store.versions(art.id)) == 1
    slot = next(r for r in store.furniture_rules(src.id, 3) if r.kind is RuleKind.SLOT)
    assert slot.fired >= 4
    # a real edit next to it is still a version, without the box
    s.edits[1] = (
        "Story 1: the council voted on Wednesday to reject the budget after a day of debate."
    )
    asyncio.run(crawler.run_once(all_live=True))
    versions = store.versions(art.id)
    assert len(versions) == 2 and "reject the budget" in versions[1].text
    assert s.box not in versions[1].text


def test_a_new_way_of_reading_an_unchanged_page_is_no_version(
    store: Store, site: tuple[Site, str]
) -> None:
    """An upgraded extractor, or an exclude selector added to the sources file, reads the same
    page differently. The page did not change, so that is no version: the check extracts the
    latest version's stored page again and finds the capture equal to it."""
    _, base = site
    crawler = setup(store, base, 1)
    asyncio.run(crawler.run_once(all_live=True))
    art = store.find_article(f"{base}/a0.html")
    assert art is not None and BOX in store.versions(art.id)[0].text
    exclude_the_box(store, base)  # the operator's new exclude selector
    asyncio.run(crawler.run_once(all_live=True))
    assert store.versions(art.id)[-1].number == 1
    assert store.captures(art.id)[0].reason == READ_ALIKE  # newest first


def test_after_a_new_reading_a_rotating_teaser_is_still_furniture(
    store: Store, site: tuple[Site, str]
) -> None:
    """The capture differs from the stored version both by the new reading (the box now
    excluded) and by a partner teaser that rotated: judged against the page as read today, the
    teaser is rotation, so still no version."""
    s, base = site
    s.partner = True
    crawler = setup(store, base, 1)
    asyncio.run(crawler.run_once(all_live=True))
    art = store.find_article(f"{base}/a0.html")
    assert art is not None and BOX in store.versions(art.id)[0].text
    exclude_the_box(store, base)  # the operator's new exclude selector
    asyncio.run(crawler.run_once(all_live=True))
    assert [v.number for v in store.versions(art.id)] == [1]
    assert (store.captures(art.id)[0].reason or "").startswith("rotating furniture")


def test_an_edit_put_back_is_collapsed_but_never_learned_as_furniture(
    store: Store, site: tuple[Site, str]
) -> None:
    """A short line edited, then put back, flips back (A→B→A) like a rotating call-out: the
    capture that puts it back is collapsed, as a rotation, but nothing is learned from a flip
    back alone. Learned, the article's own sentence would be furniture for the whole source and
    vanish from the article's later versions."""
    s, base = site
    said, edited = "The mayor called the cuts a mistake.", "The mayor called the cuts a disgrace."
    s.said[0] = said
    crawler = setup(store, base, 3)
    asyncio.run(crawler.run_once(all_live=True))
    s.said[0] = edited
    asyncio.run(crawler.run_once(all_live=True))
    s.said[0] = said
    asyncio.run(crawler.run_once(all_live=True))
    art = store.find_article(f"{base}/a0.html")
    assert art is not None
    versions = store.versions(art.id)
    assert [v.paragraphs[-1] for v in versions] == [said, edited]
    last = max(store.captures(art.id), key=lambda c: c.captured_at)
    assert (last.reason or "").startswith("rotating furniture"), last
    src = store.get_source("daily")
    rotating = {r.sample for r in store.furniture_rules(src.id, 3) if r.kind is RuleKind.ROTATING}
    assert said not in rotating and edited not in rotating
