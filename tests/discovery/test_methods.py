"""Discovery methods are a registry: a new way of finding articles is one ``register()``, and the
crawler polls it like feeds, sitemaps and homepages (validators, errors, new articles)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.conftest import serve_asgi

from redline.crawl.discover import discover_source
from redline.discovery import Discovered
from redline.discovery.methods import METHODS, Method, Parsed, register, source_documents
from redline.fetch.client import Fetcher
from redline.settings import DiscoverySettings, FetchSettings
from redline.sources import SourceConfig
from redline.storage import Store

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


async def site(scope: dict[str, Any], receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"text/html")]
    body = b"<html><body>No links here</body></html>"
    if scope["path"] == "/api/latest.json":
        body = json.dumps({"items": [{"url": "/news/a-1.html", "headline": "A one"}]}).encode()
        headers = [(b"content-type", b"application/json"), (b"etag", b'"v1"')]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _json_listing(body: bytes, url: str, cfg: SourceConfig, limits: DiscoverySettings) -> Parsed:
    base = url.split("/api/")[0]
    items = json.loads(body)["items"]
    return Parsed([Discovered(base + i["url"], title=i["headline"]) for i in items])


@pytest.fixture
def json_method() -> Iterator[Method]:
    method = register(
        Method("json-listing", lambda cfg: (f"{cfg.homepage}api/latest.json",), _json_listing)
    )
    try:
        yield method
    finally:
        del METHODS[method.kind]


def test_a_registered_method_is_polled_like_the_others(store: Store, json_method: Method) -> None:
    with serve_asgi(site) as base:
        cfg = SourceConfig(name="api", homepage=f"{base}/", delay=0, allow_private=True)
        row, _ = store.save_source(cfg, NOW)
        assert [m.kind for m, _ in source_documents(cfg)] == ["homepage", "json-listing"]

        async def run() -> Any:
            async with Fetcher(FetchSettings(retries=0, per_host_delay=0)) as fetcher:
                return await discover_source(store, fetcher, row, NOW)

        report = asyncio.run(run())
    assert report.errors == [] and report.new == 1
    art = store.find_article(f"{base}/news/a-1.html")
    assert art is not None and art.title == "A one"
    # its validators are kept under its own kind, for the next conditional poll
    validators = store.discovery_validators(row.id, f"{base}/api/latest.json", "json-listing")
    assert validators == ('"v1"', None)
