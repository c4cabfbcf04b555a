"""Operators manage sources over real HTTP: the JSON API (Bearer token) and the HTML forms
(sign-in cookie + CSRF token); anonymous readers get neither the controls nor the power."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from tests.conftest import serve_asgi

from redline.sources import SourceConfig
from redline.storage import Store
from redline.web import create_app

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FEED = "https://news.example/rss.xml"


@dataclass
class Site:
    store: Store
    base: str
    token: str

    def client(self, **kw: object) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=10, **kw)  # type: ignore[arg-type]

    def api(self) -> httpx.Client:
        return self.client(headers={"authorization": f"Bearer {self.token}"})


@pytest.fixture
def site(store: Store) -> Iterator[Site]:
    token = store.create_token("test", NOW)
    with serve_asgi(create_app(store)) as base:
        yield Site(store, base, token)


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def _signed_in(site: Site) -> tuple[httpx.Client, str]:
    c = site.client()
    r = c.post("/login", data={"token": site.token, "next": "/manage/sources"})
    assert r.status_code == 303 and r.headers["location"] == "/manage/sources"
    page = c.get("/manage/sources")
    assert page.status_code == 200
    return c, _csrf(page.text)


# ---- the JSON API ------------------------------------------------------------------------


def test_api_needs_a_bearer_token(site: Site) -> None:
    anon = site.client()
    body = {"name": "news", "feeds": [FEED]}
    assert anon.post("/api/v1/sources", json=body).status_code == 401
    bad = site.client(headers={"authorization": "Bearer rl_not-a-token"})
    r = bad.post("/api/v1/sources", json=body)
    assert r.status_code == 401 and "Bearer" in r.json()["error"]["message"]
    assert anon.delete("/api/v1/sources/news").status_code == 401
    assert anon.post("/api/v1/articles", json={"url": FEED}).status_code == 401
    # A signed-in browser's cookie is no API credential (a cross-site page could send it).
    c, _ = _signed_in(site)
    assert c.post("/api/v1/sources", json=body).status_code == 401
    assert site.store.list_sources() == []


def test_api_adds_edits_pauses_and_removes_a_source(site: Site) -> None:
    api = site.api()
    r = api.post("/api/v1/sources", json={"name": "news", "feeds": [FEED], "include": ["/n/"]})
    assert r.status_code == 201, r.text
    assert r.json()["source"]["feeds"] == [FEED] and r.json()["source"]["paused"] is False
    assert api.post("/api/v1/sources", json={"name": "news", "feeds": [FEED]}).status_code == 409

    r = api.patch("/api/v1/sources/news", json={"delay": 2.5, "schedule": [["3h", "15m"]]})
    assert r.status_code == 200, r.text
    cfg = site.store.get_source("news").config
    assert cfg.delay == 2.5 and cfg.feeds == (FEED,) and cfg.include == ("/n/",)
    assert cfg.schedule is not None and cfg.schedule.to_config() == [["3h", "15m"]]

    assert api.patch("/api/v1/sources/news", json={"paused": True}).json()["source"]["paused"]
    assert site.store.get_source("news").paused
    assert api.post("/api/v1/sources/news/resume").json()["source"]["paused"] is False
    assert api.post("/api/v1/sources/news/pause").json()["source"]["paused"] is True

    r = api.delete("/api/v1/sources/news")
    assert r.status_code == 200 and r.json() == {"removed": "news", "articles_kept": 0}
    assert api.delete("/api/v1/sources/news").status_code == 404


def test_api_validation_names_the_field_and_stores_nothing(site: Site) -> None:
    api = site.api()
    r = api.post(
        "/api/v1/sources",
        json={"name": "news", "feeds": [FEED], "include": ["("], "concurrency": 0},
    )
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert "invalid regular expression" in fields["include"]
    assert "concurrency must be at least 1" in fields["concurrency"]
    r = api.post("/api/v1/sources", json={"name": "bad name!", "feeds": [FEED]})
    assert r.status_code == 422 and "invalid source name" in r.json()["error"]["fields"]["name"]
    r = api.post("/api/v1/sources", json={"name": "news"})
    assert r.status_code == 422 and "feed, sitemap or homepage" in r.json()["error"]["message"]
    assert site.store.list_sources() == []
    api.post("/api/v1/sources", json={"name": "news", "feeds": [FEED]})
    r = api.patch("/api/v1/sources/news", json={"homepage": "not a url", "bogus": 1})
    assert r.status_code == 422 and set(r.json()["error"]["fields"]) == {"homepage", "bogus"}
    r = api.patch("/api/v1/sources/news", json={"name": "other"})
    assert r.status_code == 422 and "cannot change name" in r.json()["error"]["message"]
    assert site.store.get_source("news").config == SourceConfig("news", feeds=(FEED,))


def test_api_tracks_a_url_on_a_source_site(site: Site) -> None:
    api = site.api()
    api.post("/api/v1/sources", json={"name": "news", "feeds": [FEED]})
    r = api.post("/api/v1/articles", json={"url": "https://news.example/world/a?utm_source=x"})
    assert r.status_code == 201, r.text
    art = r.json()["article"]
    assert art["url"] == "https://news.example/world/a" and art["source"] == "news"
    again = api.post("/api/v1/articles", json={"url": "http://news.example/world/a"})
    assert again.status_code == 200 and again.json()["article"]["id"] == art["id"]
    r = api.post("/api/v1/articles", json={"url": "https://elsewhere.example/a"})
    assert r.status_code == 422 and "configured sources" in r.json()["error"]["message"]
    assert api.post("/api/v1/articles", json={"url": "nope"}).status_code == 422


# ---- the HTML forms ----------------------------------------------------------------------


def test_anonymous_readers_see_no_controls_and_cannot_post(site: Site) -> None:
    site.store.add_source(SourceConfig("news", feeds=(FEED,)), NOW)
    anon = site.client()
    page = anon.get("/sources").text
    assert "Manage sources" not in page and 'method="post"' not in page
    assert "/login" in page  # only the way in
    r = anon.get("/manage/sources")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = anon.post("/manage/sources/news/pause", data={"csrf": "x"})
    assert r.status_code == 401
    anon.cookies.set("redline_session", "1.99999999999.forged")
    assert "Manage sources" not in anon.get("/sources").text
    assert not site.store.get_source("news").paused


def test_sign_in_sets_a_strict_httponly_cookie(site: Site) -> None:
    c = site.client()
    r = c.post("/login", data={"token": "rl_wrong"})
    assert r.status_code == 401 and "not a valid API token" in r.text
    r = c.post("/login", data={"token": site.token, "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/manage/sources"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "Manage sources" in c.get("/sources").text
    r = c.post("/logout", data={"csrf": _csrf(c.get("/manage/sources").text)})
    assert r.status_code == 303
    assert c.get("/manage/sources").status_code == 303


def test_revoking_the_token_ends_its_sessions(site: Site) -> None:
    c, _ = _signed_in(site)
    token_id = site.store.list_tokens()[0]["id"]
    site.store.revoke_token(token_id)
    assert c.get("/manage/sources").status_code == 303


def test_forms_without_the_csrf_token_or_from_another_site_are_refused(site: Site) -> None:
    site.store.add_source(SourceConfig("news", feeds=(FEED,)), NOW)
    c, csrf = _signed_in(site)
    assert c.post("/manage/sources/news/pause", data={}).status_code == 403
    wrong = csrf[:-1] + ("1" if csrf.endswith("0") else "0")  # one character off, never equal
    assert c.post("/manage/sources/news/pause", data={"csrf": wrong}).status_code == 403
    r = c.post(
        "/manage/sources/news/pause",
        data={"csrf": csrf},
        headers={"origin": "https://evil.example"},
    )
    assert r.status_code == 403
    form = {"csrf": "", "name": "other", "feeds": FEED}
    assert c.post("/manage/sources", data=form).status_code == 403
    assert not site.store.get_source("news").paused
    assert [s.name for s in site.store.list_sources()] == ["news"]
    # The same request with the token goes through.
    assert c.post("/manage/sources/news/pause", data={"csrf": csrf}).status_code == 303
    assert site.store.get_source("news").paused


def test_a_bad_form_is_shown_again_with_the_message_next_to_the_field(site: Site) -> None:
    c, csrf = _signed_in(site)
    form = {
        "csrf": csrf,
        "name": "news",
        "feeds": f"{FEED}\nnot-a-url",
        "delay": "soon",
        "include": "(",
        "respect_robots": "on",
    }
    r = c.post("/manage/sources", data=form)
    assert r.status_code == 422
    assert re.search(r'id="e-feeds"[^>]*>[^<]*not-a-url', r.text)
    assert re.search(r'id="e-delay"[^>]*>delay must be a number', r.text)
    assert re.search(r'id="e-include"[^>]*>invalid regular expression', r.text)
    assert "not-a-url" in r.text and 'value="soon"' in r.text  # what was typed is kept
    assert site.store.list_sources() == []
    form.update(feeds=FEED, delay="0.5", include="/world/")
    r = c.post("/manage/sources", data=form)
    assert r.status_code == 303, r.text
    cfg = site.store.get_source("news").config
    assert cfg.feeds == (FEED,) and cfg.delay == 0.5 and cfg.include == ("/world/",)


def test_edit_pause_resume_remove_and_track_from_the_forms(site: Site) -> None:
    site.store.add_source(
        SourceConfig("news", feeds=(FEED,), delay=1.0, rules={"body": "main"}), NOW
    )
    c, csrf = _signed_in(site)
    page = c.get("/manage/sources/news/edit").text
    assert FEED in page and 'value="1"' in page
    r = c.post(
        "/manage/sources/news/edit",
        data={
            "csrf": csrf,
            "feeds": FEED,
            "homepage": "https://news.example/",
            "schedule": "3h=15m, 1d=1h",
            "respect_robots": "on",
        },
    )
    assert r.status_code == 303, r.text
    cfg = site.store.get_source("news").config
    assert cfg.homepage == "https://news.example/" and cfg.delay is None  # the form cleared it
    assert cfg.rules == {"body": "main"}  # not in the form: kept
    r = c.post("/manage/sources/news/edit", data={"csrf": csrf, "feeds": FEED, "schedule": "3h"})
    assert r.status_code == 422 and 'id="e-schedule"' in r.text
    assert c.post("/manage/sources/news/pause", data={"csrf": csrf}).status_code == 303
    assert "paused" in c.get("/sources").text and site.store.get_source("news").paused
    assert c.post("/manage/sources/news/resume", data={"csrf": csrf}).status_code == 303
    assert not site.store.get_source("news").paused
    r = c.post("/manage/track", data={"csrf": csrf, "url": "https://elsewhere.example/a"})
    assert r.status_code == 422 and 'id="e-url"' in r.text
    r = c.post("/manage/track", data={"csrf": csrf, "url": "https://news.example/world/b"})
    assert r.status_code == 303
    assert site.store.find_article("https://news.example/world/b") is not None
    assert c.post("/manage/sources/news/remove", data={"csrf": csrf}).status_code == 303
    assert site.store.list_sources() == []


def test_sessions_last_the_loaded_session_lifetime(store: Store) -> None:
    """`web.session_lifetime` from the loaded settings, not the default 12 hours."""
    from datetime import timedelta

    from redline.settings import WebSettings

    token = store.create_token("short", NOW)
    now = [NOW]
    app = create_app(
        store, clock=lambda: now[0], settings=WebSettings(session_lifetime=timedelta(minutes=5))
    )
    with serve_asgi(app) as base, httpx.Client(base_url=base, follow_redirects=False) as c:
        r = c.post("/login", data={"token": token, "next": "/sources"})
        assert r.status_code == 303 and "Max-Age=300" in r.headers["set-cookie"]
        assert "Manage sources" in c.get("/sources").text
        now[0] = NOW + timedelta(minutes=6)
        assert "Manage sources" not in c.get("/sources").text
