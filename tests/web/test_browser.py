"""The pages in real headless Chromium (Debian's package, driven by Playwright) over HTTP.

Skipped with a reason when /usr/bin/chromium is missing, unless REDLINE_REQUIRE_BROWSER=1
(CI), which makes that a failure. Screenshots go to test-artifacts/; any console error fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from tests.conftest import serve_asgi
from tests.web.sample import CLOCK, HOSTILE, Sample, populate

from redline.storage import Store
from redline.web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE = os.environ.get("REDLINE_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"REDLINE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"{reason} (install with `apt-get install chromium`)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Sample]]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('browser')}/redline.sqlite3")
    sample = populate(store, fillers=5)
    with serve_asgi(create_app(store, clock=lambda: CLOCK)) as base:
        yield base, sample
    store.close()


class Tab:
    """A browser tab that records console errors and takes named screenshots."""

    def __init__(self, page: Any, name: str) -> None:
        self.page, self.name, self.errors = page, name, []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{step}.png"), full_page=True)


@pytest.fixture(
    params=[("laptop", 1280, 900, "light"), ("phone", 390, 844, "dark")], ids=lambda p: p[0]
)
def tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[Tab]:
    name, w, h, scheme = request.param
    ctx = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
    tab = Tab(ctx.new_page(), f"{request.node.originalname}-{name}")
    yield tab
    ctx.close()
    assert not tab.errors, f"console errors: {tab.errors}"


def test_front_page_to_article_to_diff_and_layouts(site: tuple[str, Sample], tab: Tab) -> None:
    base, sample = site
    p = tab.page
    p.goto(base + "/")
    assert p.locator("h1").inner_text() == "Recent changes"
    assert p.locator("ol.stream > li").count() >= 5
    tab.shot("1-front")
    entry = p.locator("li.entry", has=p.locator("del", has_text="Minister resigns over budget"))
    entry.locator(".headline a").click()
    p.wait_for_url(f"{base}/articles/{sample.minister}")
    assert p.locator(".timeline > li").count() == 4  # the cosmetic version 4 is hidden
    assert p.locator("#cosmetic-toggle a").count() == 1
    tab.shot("2-article")
    p.locator(f'.timeline a[href="/articles/{sample.minister}/diff/1/2"]').click()
    p.wait_for_url(re.compile(r".*/diff/1/2$"))
    assert p.locator(".diffbox .rl-field-title del").first.inner_text().strip() == "Minister"
    assert p.locator(".diffbox ins.rl-ins", has_text="27.6").count() == 1
    tab.shot("3-diff-inline")
    p.get_by_role("link", name="Side by side").click()
    p.wait_for_url(re.compile(r".*view=side.*"))
    assert p.locator("table.rl-sbs").is_visible()
    tab.shot("4-diff-side")
    p.get_by_role("link", name="Next change →").click()
    p.wait_for_url(re.compile(r".*/diff/2/3\?view=side$"))
    p.get_by_role("link", name="Inline").click()
    p.wait_for_url(re.compile(r".*/diff/2/3\?view=inline.*"))
    assert p.locator("table.rl-sbs").count() == 0 and p.locator(".rl-inline").is_visible()


def test_search_from_the_header(site: tuple[str, Sample], tab: Tab) -> None:
    base, _ = site
    p = tab.page
    p.goto(base + "/sources")
    p.locator("#qs").fill("dock workers")
    p.locator("#qs").press("Enter")
    p.wait_for_url(re.compile(r".*/search\?q=dock\+workers"))
    assert [m.lower() for m in p.locator(".snippet mark").all_inner_texts()] == ["dock", "workers"]
    assert HOSTILE in p.locator(".results .headline").first.inner_text()  # shown as text
    tab.shot("search")


def test_subscribe_to_a_feed(site: tuple[str, Sample], tab: Tab) -> None:
    base, _ = site
    p = tab.page
    p.goto(base + "/")
    assert p.locator('link[rel=alternate][type="application/atom+xml"]').count() == 1
    p.get_by_role("link", name="Feeds", exact=True).click()
    p.wait_for_url(base + "/feeds")
    tab.shot("feeds")
    with p.expect_response(lambda r: r.url.endswith("/feeds/headlines.atom")) as info:
        p.get_by_role("link", name="Headline changes").click()
    resp = info.value
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(resp.body())
    assert not feed.bozo and feed.entries[0].title.startswith("Headline changed")
    assert "/diff/1/2" in feed.entries[0].link


def test_pages_work_without_javascript(site: tuple[str, Sample], browser: Any) -> None:
    base, sample = site
    ctx = browser.new_context(java_script_enabled=False)
    p = ctx.new_page()
    p.goto(f"{base}/articles/{sample.minister}")
    p.locator("#cmp-from").select_option("1")
    p.locator("#cmp-to").select_option("4")
    p.get_by_role("button", name="Show changes").click()
    p.wait_for_url(re.compile(r".*/diff/1/4$"))
    assert "not neighbours" in p.content()
    p.goto(f"{base}/find")
    p.locator("input[name=url]").fill("https://m.daily.example/politics/minister?utm_source=x")
    p.get_by_role("button", name="Find").click()
    p.wait_for_url(f"{base}/articles/{sample.minister}")
    ctx.close()
