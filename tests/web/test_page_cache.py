"""The rendered-page cache over real HTTP: a kept page is served again only while its data is
unchanged, only to the same kind of viewer, and never with another request's Host in it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from tests.conftest import serve_asgi
from tests.web.sample import CLOCK, T0, Sample, populate, write_versions

from redline.storage import Store
from redline.storage import schema as t
from redline.web import create_app


@dataclass
class Site:
    store: Store
    sample: Sample
    base: str
    app: object

    def client(self, **kw: object) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=10, **kw)  # type: ignore[arg-type]

    @property
    def hits(self) -> int:
        """Answers from memory: kept renderings and the fast path."""
        state = self.app.state  # type: ignore[attr-defined]
        return int(state.pages.hits + state.fast.hits)


NOW = [CLOCK]


@pytest.fixture
def site(store: Store) -> Iterator[Site]:
    sample = populate(store)
    NOW[0] = CLOCK
    app = create_app(store, clock=lambda: NOW[0])
    with serve_asgi(app) as base:
        yield Site(store, sample, base, app)


PAGES = ["/", "/feeds/changes.atom", "/articles/{single}", "/articles", "/sources"]


@pytest.mark.parametrize("path", PAGES)
def test_a_new_change_gives_a_new_etag_and_new_content(site: Site, path: str) -> None:
    shows_titles = path != "/sources"  # counts only (the new version is older than a day)
    url = path.format(single=site.sample.single)
    with site.client() as c:
        first = c.get(url)
        again = c.get(url)  # from the cache: the same bytes and validator
        assert again.status_code == 200 and again.content == first.content
        assert again.headers["etag"] == first.headers["etag"] and site.hits >= 1
        assert "Kick-off is at nine" not in first.text
        write_versions(
            site.store,
            site.sample.single,
            [("Cup final moved to nine", ["Kick-off is at nine, not eight."])],
            T0 + timedelta(hours=20),
        )
        after = c.get(url, headers={"if-none-match": first.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
        assert ("Cup final moved to nine" in after.text) is shows_titles
        assert c.get(url, headers={"if-none-match": after.headers["etag"]}).status_code == 304


def test_rediff_changes_the_stream_validator(site: Site) -> None:
    """`redline rediff` rewrites stored summaries in place: pages showing them must change."""
    store = site.store
    with store.engine.begin() as conn:  # a change stored by an older diff engine
        conn.execute(
            update(t.changes)
            .where(t.changes.c.article_id == site.sample.minister)
            .values(engine_version=0, summary="STALE SUMMARY")
        )
    api = [
        f"/api/v1/articles/{site.sample.minister}",
        f"/api/v1/articles/{site.sample.minister}/versions",
    ]
    with site.client() as c:
        first = c.get("/")
        assert "STALE SUMMARY" in first.text
        api_before = [c.get(path) for path in api]
        assert all("STALE SUMMARY" in r.text for r in api_before)
        url = store.engine.url.render_as_string(hide_password=False)
        run = subprocess.run(
            [sys.executable, "-m", "redline", "--database-url", url, "rediff"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        after = c.get("/", headers={"if-none-match": first.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
        assert "STALE SUMMARY" not in after.text
        feed = c.get("/feeds/changes.atom")
        assert "STALE SUMMARY" not in feed.text
        for path, before in zip(api, api_before, strict=True):  # the API's validators too
            again = c.get(path, headers={"if-none-match": before.headers["etag"]})
            assert again.status_code == 200 and "STALE SUMMARY" not in again.text, path


def test_operator_pages_never_reach_anonymous_readers(site: Site) -> None:
    token = site.store.create_token("desk", CLOCK)
    with site.client() as op, site.client() as anon:
        r = op.post("/login", data={"token": token, "next": "/sources"})
        assert r.status_code == 303
        mine = op.get("/sources")
        assert "Manage sources" in mine.text and 'name="csrf"' in mine.text
        for _ in range(2):  # the second time from the cache
            theirs = anon.get("/sources")
            assert theirs.status_code == 200
            assert "Manage sources" not in theirs.text and 'name="csrf"' not in theirs.text
        assert theirs.headers["vary"] == "Cookie"
        # the operator's validator does not make a 304 for a reader without the session
        cond = anon.get("/sources", headers={"if-none-match": mine.headers["etag"]})
        assert cond.status_code == 200 and "Manage sources" not in cond.text
        # a cookie that is not a valid session gets the reader's page, not the operator's
        forged = site.client(cookies={"redline_session": op.cookies["redline_session"] + "0"})
        with forged:
            page = forged.get("/sources")
            assert "Manage sources" not in page.text and 'name="csrf"' not in page.text
        # and the operator, asking again, still gets their own page with their own CSRF token
        again = op.get("/sources")
        assert "Manage sources" in again.text and again.text == mine.text


def test_a_forged_host_header_never_reaches_another_reader(site: Site) -> None:
    """Absolute links follow the Host of a loopback request; the kept page is per host."""
    url = f"/articles/{site.sample.minister}/diff/1/2"
    with site.client() as c:
        evil = c.get(url, headers={"host": "evil.example"})
        assert "evil.example" in evil.text
        plain = c.get(url)
        assert plain.status_code == 200 and "evil.example" not in plain.text
        feed_evil = c.get("/feeds/changes.atom", headers={"host": "evil.example"})
        assert "evil.example" in feed_evil.text
        assert "evil.example" not in c.get("/feeds/changes.atom").text


def test_relative_times_are_not_served_past_their_minute(site: Site) -> None:
    """A page showing "3 min ago" changes its validator each minute, also when it is kept."""
    NOW[0] = CLOCK.replace(second=30)
    with site.client() as c:
        first = c.get("/")
        assert c.get("/", headers={"if-none-match": first.headers["etag"]}).status_code == 304
        NOW[0] = CLOCK.replace(second=0) + timedelta(minutes=1, seconds=5)
        later = c.get("/", headers={"if-none-match": first.headers["etag"]})
        assert later.status_code == 200 and later.headers["etag"] != first.headers["etag"]


def test_a_write_by_another_process_is_seen_at_once(site: Site) -> None:
    """The fast path's data version (SQLite) sees commits made by any connection."""
    with site.client() as c:
        first = c.get("/sources")
        assert c.get("/sources").content == first.content
        url = site.store.engine.url.render_as_string(hide_password=False)
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "redline",
                "--database-url",
                url,
                "source",
                "add",
                "gazette",
                "--homepage",
                "https://gazette.example/",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        after = c.get("/sources", headers={"if-none-match": first.headers["etag"]})
        assert after.status_code == 200 and "gazette" in after.text


def test_the_fast_path_answers_repeat_readers_on_sqlite_only(site: Site) -> None:
    fast = site.app.state.fast  # type: ignore[attr-defined]
    with site.client() as c:
        first = c.get("/")
        before = fast.hits
        plain = c.get("/")
        cond = c.get("/", headers={"if-none-match": first.headers["etag"]})
        head = c.head("/")
    assert plain.content == first.content and cond.status_code == 304 and head.content == b""
    for r in (plain, cond, head):
        assert r.headers["etag"] == first.headers["etag"] and r.headers["vary"] == "Cookie"
        assert "content-security-policy" in r.headers or r.status_code == 304
    served = fast.hits - before
    assert served == (3 if site.store.dialect == "sqlite" else 0)
