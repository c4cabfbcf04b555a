"""Operators manage subscriptions over real HTTP: the JSON API (Bearer token) and the HTML pages
(sign-in cookie + CSRF token), with a loopback webhook receiver that verifies signatures with the
secret shown once; anonymous readers get neither the controls nor the power, and no stored
password or secret is ever served again."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import httpx
import pytest
from tests.notify.helpers import article, edit, source
from tests.web.test_manage import Site, _signed_in
from tests.web.test_manage import site as site

from redline.notify.deliver import Deliverer
from redline.settings import NotifySettings
from redline.storage import Store
from redline.testing.receiver import Receiver
from redline.web.schemas import DeliveryList, SubscriptionCreated, SubscriptionList

FAST = NotifySettings(poll_every=0.05, backoff=30, timeout=2.0)
PASSWORD = "s3cretpassw0rd"
APPRISE = f"json://editor:{PASSWORD}@127.0.0.1:9/hook"  # nothing listens on port 9


@pytest.fixture
def rx() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def deliver(store: Store) -> None:
    asyncio.run(Deliverer(store, FAST).deliver_pending(10))


def a_change(store: Store) -> None:
    a = article(store, "https://daily.example/news/a.html", source(store))
    edit(store, a, 1)


def _all_text(c: httpx.Client, *paths: str) -> str:
    return "\n".join(c.get(p).text for p in paths)


# ---- the JSON API ------------------------------------------------------------------------


def test_api_needs_a_bearer_token(site: Site, rx: Receiver) -> None:
    anon = site.client()
    body = {"name": "hook", "destination": rx.url}
    assert anon.get("/api/v1/subscriptions").status_code == 401
    assert anon.post("/api/v1/subscriptions", json=body).status_code == 401
    site.api().post("/api/v1/subscriptions", json=body)
    for method, path in (
        ("DELETE", "/api/v1/subscriptions/hook"),
        ("POST", "/api/v1/subscriptions/hook/test"),
        ("GET", "/api/v1/subscriptions/hook/deliveries"),
    ):
        r = anon.request(method, path)
        assert r.status_code == 401 and "Bearer" in r.json()["error"]["message"], path
    c, _ = _signed_in(site)  # a browser's cookie is no API credential
    assert c.get("/api/v1/subscriptions").status_code == 401
    assert c.delete("/api/v1/subscriptions/hook").status_code == 401
    assert rx.requests == 0 and [s.name for s in site.store.subscriptions()] == ["hook"]


def test_api_adds_tests_lists_logs_and_removes(site: Site, rx: Receiver) -> None:
    api = site.api()
    r = api.post(
        "/api/v1/subscriptions",
        json={
            "name": "hook",
            "destination": rx.url,
            "min_level": "cosmetic",
            "classes": ["headline"],
        },
    )
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    created = SubscriptionCreated.model_validate(r.json())
    secret = created.secret
    assert secret is not None and secret.startswith("whsec_")
    assert created.subscription.kind == "webhook" and created.subscription.status == "ok"
    assert created.subscription.rule.min_level == "cosmetic"
    rx.secret = secret  # the receiver now refuses anything not signed with it
    r = api.post(
        "/api/v1/subscriptions",
        json={"name": "chat", "destination": APPRISE, "removals": False, "digest_minutes": 30},
    )
    assert r.status_code == 201 and r.json()["secret"] is None
    assert PASSWORD not in r.text and "editor:****@127.0.0.1:9" in r.text
    assert (
        api.post("/api/v1/subscriptions", json={"name": "hook", "destination": rx.url}).status_code
        == 409
    )

    r = api.post("/api/v1/subscriptions/hook/test")
    assert r.status_code == 200 and r.json() == {
        "ok": True,
        "status": 200,
        "error": None,
        "line": "delivered (HTTP 200)",
    }
    assert len(rx.received) == 1 and rx.received[0].verified and rx.rejected == 0
    failing = api.post("/api/v1/subscriptions/chat/test").json()
    assert failing["ok"] is False and failing["error"] and PASSWORD not in failing["error"]

    a_change(site.store)
    deliver(site.store)
    listed = api.get("/api/v1/subscriptions")
    body = SubscriptionList.model_validate(listed.json())
    by = {s.name: s for s in body.items}
    assert by["hook"].delivered == 1 and by["hook"].last_sent is not None
    assert by["chat"].status == "failing" and by["chat"].failing and by["chat"].pending == 1
    assert by["chat"].rule.removals is False and by["chat"].digest_minutes == 30
    assert secret not in listed.text and PASSWORD not in listed.text and "whsec_" not in listed.text

    log = api.get("/api/v1/subscriptions/hook/deliveries")
    items = DeliveryList.model_validate(log.json()).items
    assert [(d.type, d.status, d.attempts) for d in items] == [("change", "delivered", 1)]
    assert items[0].message_id == rx.received[-1].webhook_id
    chat_log = api.get("/api/v1/subscriptions/chat/deliveries?limit=5")
    assert chat_log.json()["items"][0]["status"] == "pending" and PASSWORD not in chat_log.text
    assert api.get("/api/v1/subscriptions/nope/deliveries").status_code == 404

    r = api.delete("/api/v1/subscriptions/chat")
    assert r.status_code == 200 and r.json() == {"removed": "chat"}
    assert api.delete("/api/v1/subscriptions/chat").status_code == 404
    assert api.post("/api/v1/subscriptions/chat/test").status_code == 404
    assert [s.name for s in site.store.subscriptions()] == ["hook"]


def test_api_validation_names_each_field_and_stores_nothing(site: Site) -> None:
    api = site.api()
    r = api.post(
        "/api/v1/subscriptions",
        json={
            "name": "bad name!",
            "destination": "nonsense://what",
            "sources": ["nowhere"],
            "min_level": "huge",
            "classes": ["gossip"],
            "digest_minutes": 0,
        },
    )
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert set(fields) == {
        "name",
        "destination",
        "sources",
        "min_level",
        "classes",
        "digest_minutes",
    }
    assert "not a destination apprise knows" in fields["destination"]
    assert "no source named 'nowhere'" in fields["sources"]
    assert "unknown change class" in fields["classes"]
    r = api.post(
        "/api/v1/subscriptions",
        json={
            "name": "x",
            "destination": "http://h.example/",
            "removals": "yes",
            "classes": "headline",
            "colour": "red",
        },
    )
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"removals", "classes", "colour"}
    assert api.post("/api/v1/subscriptions", json=["x"]).status_code == 422
    assert site.store.subscriptions() == []


# ---- the HTML pages ----------------------------------------------------------------------


def test_anonymous_readers_see_no_controls_and_cannot_post(site: Site, rx: Receiver) -> None:
    site.api().post("/api/v1/subscriptions", json={"name": "hook", "destination": rx.url})
    anon = site.client()
    assert "/manage/subscriptions" not in anon.get("/").text
    r = anon.get("/manage/subscriptions")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert anon.get("/manage/subscriptions/hook").status_code == 303
    assert anon.post("/manage/subscriptions/hook/remove", data={"csrf": "x"}).status_code == 401
    assert anon.post("/manage/subscriptions/hook/test", data={"csrf": "x"}).status_code == 401
    r = anon.post("/manage/subscriptions", data={"csrf": "x", "name": "a", "destination": rx.url})
    assert r.status_code == 401
    assert rx.requests == 0 and [s.name for s in site.store.subscriptions()] == ["hook"]


def test_forms_without_the_csrf_token_or_from_another_site_are_refused(
    site: Site,
    rx: Receiver,
) -> None:
    site.api().post("/api/v1/subscriptions", json={"name": "hook", "destination": rx.url})
    c, csrf = _signed_in(site)
    assert c.post("/manage/subscriptions/hook/remove", data={}).status_code == 403
    assert c.post("/manage/subscriptions/hook/test", data={"csrf": csrf + "0"}).status_code == 403
    r = c.post(
        "/manage/subscriptions/hook/remove",
        data={"csrf": csrf},
        headers={"origin": "https://evil.example"},
    )
    assert r.status_code == 403
    form = {"csrf": "", "name": "other", "destination": rx.url, "removals": "on"}
    assert c.post("/manage/subscriptions", data=form).status_code == 403
    assert rx.requests == 0 and [s.name for s in site.store.subscriptions()] == ["hook"]
    r = c.post("/manage/subscriptions/hook/remove", data={"csrf": csrf})
    assert (
        r.status_code == 303 and r.headers["location"] == "/manage/subscriptions?done=removed+hook"
    )
    assert site.store.subscriptions() == []


def test_a_bad_form_comes_back_with_a_message_per_field(site: Site, rx: Receiver) -> None:
    c, csrf = _signed_in(site)
    page = c.get("/manage/subscriptions/new")
    assert page.status_code == 200 and 'name="removals" checked' in page.text.replace("\n", " ")
    form = {
        "csrf": csrf,
        "name": "desk",
        "destination": "nonsense://what",
        "sources": "nowhere",
        "classes": "headline gossip",
        "digest_minutes": "hourly",
        "min_level": "minor",
        "removals": "on",
    }
    r = c.post("/manage/subscriptions", data=form)
    assert r.status_code == 422
    assert re.search(r'id="e-digest_minutes"[^>]*>digest minutes must be a whole number', r.text)
    assert 'value="hourly"' in r.text and 'value="nonsense://what"' in r.text  # kept as typed
    form["digest_minutes"] = "5"
    r = c.post("/manage/subscriptions", data=form)
    assert r.status_code == 422
    assert re.search(r'id="e-destination"[^>]*>not a destination apprise knows', r.text)
    assert re.search(r'id="e-sources"[^>]*>no source named', r.text)
    assert re.search(r'id="e-classes"[^>]*>unknown change class\(es\): gossip', r.text)
    assert 'aria-invalid="true" aria-describedby="e-destination"' in r.text
    assert site.store.subscriptions() == []
    form.update(destination=rx.url, sources="", classes="headline")
    r = c.post("/manage/subscriptions", data=form)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    secret = re.search(r'id="secret-value">(whsec_[^<]+)<', r.text)
    assert secret, r.text
    (sub,) = site.store.subscriptions()
    assert sub.secret == secret.group(1) and sub.digest_minutes == 5
    assert sub.rule.classes == ("headline",) and sub.rule.removals is True
    # Shown once: no page shows it again.
    text = _all_text(c, "/manage/subscriptions", "/manage/subscriptions/desk")
    assert secret.group(1) not in text and "whsec_" not in text
    r = c.post("/manage/subscriptions", data=form)
    assert r.status_code == 422 and re.search(r'id="e-name"[^>]*>a subscription named', r.text)


def test_list_test_log_and_masking_on_the_pages(site: Site, rx: Receiver) -> None:
    c, csrf = _signed_in(site)
    r = c.post(
        "/manage/subscriptions",
        data={
            "csrf": csrf,
            "name": "chat",
            "destination": APPRISE,
            "min_level": "minor",
            "stealth_only": "on",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/manage/subscriptions?done=added+chat"
    c.post(
        "/manage/subscriptions",
        data={
            "csrf": csrf,
            "name": "hook",
            "destination": rx.url,
            "min_level": "minor",
            "removals": "on",
        },
    )
    rx.secret = site.store.subscription("hook").secret
    a_change(site.store)
    deliver(site.store)
    page = c.get("/manage/subscriptions").text
    assert "editor:****@127.0.0.1:9" in page and PASSWORD not in page
    row = re.search(r'<tr id="sub-chat">.*?</tr>', page, re.S)
    assert row and "failing" in row.group(0) and "stealth only; no removals" in row.group(0)
    hook_row = re.search(r'<tr id="sub-hook">.*?</tr>', page, re.S)
    assert hook_row and ">ok" in hook_row.group(0) and "1 delivered" in hook_row.group(0)
    r = c.post("/manage/subscriptions/hook/test", data={"csrf": csrf})
    assert r.status_code == 200
    assert re.search(r'id="test-result">Test sent: delivered \(HTTP 200\)', r.text)
    assert len(rx.received) == 2  # the change, then the test
    assert rx.rejected == 0 and all(m.verified for m in rx.received)
    log = re.search(r'<table class="data" id="log">.*?</table>', r.text, re.S)
    assert log and "delivered" in log.group(0) and "change " in log.group(0)
    chat = c.get("/manage/subscriptions/chat").text
    assert PASSWORD not in chat and "pending" in chat and 'class="tag failing"' in chat
    r = c.post("/manage/subscriptions/chat/test", data={"csrf": csrf})
    assert 'class="problem" role="status" id="test-result"' in r.text and PASSWORD not in r.text
    assert c.get("/manage/subscriptions/nope").status_code == 404


def test_a_name_from_before_names_were_checked_still_works(site: Site, rx: Receiver) -> None:
    from datetime import UTC, datetime

    from redline.notify.rules import Rule

    site.store.add_subscription("old desk", rx.url, Rule(), datetime.now(UTC), secret="whsec_x")
    c, csrf = _signed_in(site)
    page = c.get("/manage/subscriptions").text
    assert 'href="/manage/subscriptions/old%20desk"' in page
    assert c.get("/manage/subscriptions/old%20desk").status_code == 200
    r = c.post("/manage/subscriptions/old%20desk/remove", data={"csrf": csrf})
    assert r.status_code == 303 and site.store.subscriptions() == []


def test_names_with_a_slash_or_over_64_characters_reach_their_own_subscription(
    site: Site, rx: Receiver
) -> None:
    """Names stored before they were checked: '/' is encoded in links (one path segment), and a
    name is looked up whole, so a long one never resolves to (or removes) its 64-char prefix."""
    from datetime import UTC, datetime

    from redline.notify.rules import Rule

    now = datetime.now(UTC)
    long = "desk-" + "x" * 70
    names = ["team/desk"]
    if site.store.engine.dialect.name == "sqlite":  # PostgreSQL's column holds 64 at most
        names += [long, long[:64]]
    for name in names:
        site.store.add_subscription(name, rx.url, Rule(), now, secret="whsec_x")
    c, csrf = _signed_in(site)
    page = c.get("/manage/subscriptions").text
    for name in names:
        segment = name.replace("/", "%2F")
        assert f'href="/manage/subscriptions/{segment}"' in page
        r = c.get(f"/manage/subscriptions/{segment}")
        assert r.status_code == 200, name
        assert f"<h1>Subscription {name}</h1>" in r.text
    assert c.get("/manage/subscriptions/team%2Fnope").status_code == 404
    assert c.get("/manage/subscriptions/" + long + "y").status_code == 404
    for name in names:
        segment = name.replace("/", "%2F")
        r = c.post(f"/manage/subscriptions/{segment}/remove", data={"csrf": csrf})
        assert r.status_code == 303, name
        left = {s.name for s in site.store.subscriptions()}
        assert name not in left and len(left) == len(names) - 1 - names.index(name)


def test_the_api_reaches_names_with_a_slash_or_over_64_characters(site: Site, rx: Receiver) -> None:
    from datetime import UTC, datetime
    from urllib.parse import quote

    from redline.notify.rules import Rule

    long = "desk-" + "x" * 70
    names = ["team/desk"]
    if site.store.engine.dialect.name == "sqlite":  # PostgreSQL's column holds 64 at most
        names += [long, long[:64]]
    for name in names:
        site.store.add_subscription(name, rx.url, Rule(), datetime.now(UTC), secret="whsec_x")
    api = site.api()
    for name in names:
        r = api.get(f"/api/v1/subscriptions/{quote(name, safe='')}/deliveries")
        assert r.status_code == 200, (name, r.text)
    assert api.get("/api/v1/subscriptions/team%2Fnope/deliveries").status_code == 404
    assert api.delete(f"/api/v1/subscriptions/{long}y").status_code == 404
    for name in names:
        r = api.delete(f"/api/v1/subscriptions/{quote(name, safe='')}")
        assert r.status_code == 200 and r.json() == {"removed": name}
