"""An operator manages a source in real headless Chromium: sign in, a bad value shown next to
its field, fixed, saved, paused; then signed out, no controls are left."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.conftest import serve_asgi
from tests.web.test_browser import Tab, browser  # noqa: F401  (the shared browser fixture)

from redline.storage import Store
from redline.web import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def operator_site(tmp_path: Any) -> Iterator[tuple[str, Store, str]]:
    store = Store.open(f"sqlite:///{tmp_path}/redline.sqlite3")
    token = store.create_token("browser", datetime.now(UTC))
    with serve_asgi(create_app(store)) as base:
        yield base, store, token
    store.close()


def test_operator_adds_fixes_and_pauses_a_source(
    operator_site: tuple[str, Store, str],
    browser: Any,  # noqa: F811
) -> None:
    base, store, token = operator_site
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = Tab(ctx.new_page(), "manage-source")
    p = tab.page
    p.goto(base + "/sources")
    assert p.locator("form[method=post]").count() == 0  # a reader sees no controls
    p.get_by_role("link", name="Operator sign-in").click()
    p.get_by_label("API token").fill(token)
    p.get_by_role("button", name="Sign in").click()
    p.wait_for_url(base + "/manage/sources")
    p.get_by_role("link", name="Add a source").click()
    p.wait_for_url(base + "/manage/sources/new")
    p.get_by_label("Name").fill("daily")
    p.get_by_label("Feeds").fill("https://daily.example/rss.xml")
    p.get_by_label("Delay between requests (seconds)").fill("soon")
    p.get_by_role("button", name="Add source").click()
    error = p.locator("#e-delay")
    assert "delay must be a number" in error.inner_text()
    assert p.get_by_label("Feeds").input_value() == "https://daily.example/rss.xml"  # kept
    assert (
        p.get_by_label("Delay between requests (seconds)").get_attribute("aria-invalid") == "true"
    )
    tab.shot("1-error")
    assert store.list_sources() == []
    p.get_by_label("Delay between requests (seconds)").fill("2")
    p.get_by_role("button", name="Add source").click()
    p.wait_for_url(base + "/manage/sources?done=added+daily")
    assert store.get_source("daily").config.delay == 2.0
    p.locator("#src-daily").get_by_role("button", name="Pause").click()
    p.wait_for_url(base + "/manage/sources?done=paused+daily")
    assert p.locator("#src-daily .paused").inner_text() == "paused"
    assert store.get_source("daily").paused
    p.goto(base + "/sources")
    assert p.locator(".tag.paused").count() == 1
    tab.shot("2-paused")
    p.get_by_role("button", name="Sign out").click()
    p.wait_for_url(base + "/")
    p.goto(base + "/sources")
    assert p.get_by_role("link", name="Manage sources").count() == 0
    ctx.close()
    # The invalid form is answered 422 on purpose (Chromium logs that status); nothing else.
    errors = [e for e in tab.errors if "status of 422" not in e]
    assert len(errors) == len(tab.errors) - 1 and not errors, f"console errors: {tab.errors}"


def test_operator_subscribes_a_webhook_tests_it_and_reads_the_log(
    operator_site: tuple[str, Store, str],
    browser: Any,  # noqa: F811
) -> None:
    """Sign in, add a webhook subscription to a loopback receiver (a bad destination first),
    copy the secret shown once, send a test the receiver verifies, then see a real change's
    delivery in the log."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tests.notify.helpers import article, edit, source

    from redline.notify.deliver import Deliverer
    from redline.settings import NotifySettings
    from redline.testing.receiver import Receiver

    base, store, token = operator_site
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = Tab(ctx.new_page(), "manage-subscription")
    p = tab.page
    with Receiver() as rx:
        p.goto(base + "/login?next=/manage/subscriptions")
        p.get_by_label("API token").fill(token)
        p.get_by_role("button", name="Sign in").click()
        p.wait_for_url(base + "/manage/subscriptions")
        p.get_by_role("link", name="Add a subscription").click()
        p.wait_for_url(base + "/manage/subscriptions/new")
        p.get_by_label("Name").fill("desk")
        p.get_by_label("Destination").fill("nonsense://what")
        p.get_by_label("Minimum level").select_option("cosmetic")
        p.get_by_role("button", name="Add subscription").click()
        assert "not a destination apprise knows" in p.locator("#e-destination").inner_text()
        assert p.get_by_label("Destination").get_attribute("aria-invalid") == "true"
        assert p.get_by_label("Minimum level").input_value() == "cosmetic"  # kept
        tab.shot("1-error")
        assert store.subscriptions() == []
        p.get_by_label("Destination").fill(rx.url)
        p.get_by_role("button", name="Add subscription").click()
        secret = p.locator("#secret-value").inner_text()
        assert secret.startswith("whsec_")
        tab.shot("2-secret")
        rx.secret = secret  # the receiver verifies every signature with what the page showed
        p.goto(base + "/manage/subscriptions")
        assert secret not in p.content()  # shown once
        p.locator("#sub-desk").get_by_role("button", name="Send a test to desk").click()
        p.wait_for_url(base + "/manage/subscriptions/desk/test")
        assert p.locator("#test-result").inner_text() == "Test sent: delivered (HTTP 200)"
        assert len(rx.received) == 1 and rx.received[0].verified and rx.rejected == 0
        a = article(store, "https://daily.example/news/a.html", source(store))
        edit(store, a, 1)
        # the browser's sync API holds this thread's event loop: deliver from another thread
        deliverer = Deliverer(store, NotifySettings(poll_every=0.05))
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: asyncio.run(deliverer.deliver_pending(10))).result()
        p.goto(base + "/manage/subscriptions/desk")
        row = p.locator("#log tbody tr")
        assert row.count() == 1
        assert row.locator(".delivery-status").inner_text().startswith("delivered")
        assert len(rx.received) == 2 and rx.received[1].webhook_id
        tab.shot("3-log")
    ctx.close()
    errors = [e for e in tab.errors if "status of 422" not in e]
    assert not errors, f"console errors: {tab.errors}"
