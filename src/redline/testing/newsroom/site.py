"""The newsroom's pages, feeds and sitemaps, as a raw ASGI app (fast: no framework).

Article pages carry the furniture real news pages have, and it changes on every request:
'most read' and 'related' teasers, comment counts, 'updated N minutes ago', ad slot ids, a
cookie banner, a request counter. Teasers are also glued right after the article body, as in
the scraped page in shared/seeds/000.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any

from redline.testing.newsroom import hostile
from redline.testing.newsroom.furniture import in_body_blocks
from redline.testing.newsroom.moves import homepage_path, renamed_article
from redline.testing.newsroom.state import Article, Newsroom

SITE = "The Daily Redline"
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _markup(text: str, variant: int) -> str:
    """The same words with different markup around them (a markup-only edit)."""
    t = escape(text)
    if variant % 3 == 1:
        words = t.split(" ")
        if len(words) > 4:
            words[2] = f"<em>{words[2]}</em>"
            words[4] = f'<span class="hl">{words[4]}</span>'
        return " ".join(words)
    if variant % 3 == 2:
        return f"<b></b>{t}<span></span>"
    return t


def _spaced(text: str, variant: int) -> str:
    """The same text with different whitespace (a whitespace-only edit)."""
    if variant % 2 == 1:
        return text.replace(" ", "  \n ", 3).replace(", ", ",&nbsp;", 1)
    return text


def _jsonld(base: str, a: Article, room: Newsroom, paywalled: bool) -> str:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "author": [{"@type": "Person", "name": n} for n in a.byline.split(" and ")],
        "datePublished": a.published.isoformat(),
        "dateModified": a.modified.isoformat(),
        "mainEntityOfPage": base + (a.moved_to or room.article_path(a.slug)),
        "publisher": {"@type": "Organization", "name": SITE},
    }
    if a.jsonld_body and not paywalled:
        data["articleBody"] = "\n\n".join(a.paragraphs)
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _furniture(room: Newsroom, rng: random.Random, n: int) -> list[str]:
    others = rng.sample(room.articles, min(n, len(room.articles)))
    return [
        f'<li><a href="{room.article_path(o.slug)}">{escape(o.title)}</a> <span class="teaser">{escape(o.paragraphs[0][:90])}…</span></li>'
        for o in others
    ]


def _figure(a: Article) -> str:
    """The article's photo with its caption and a credit, as CMSs mark them up."""
    if not a.caption:
        return ""
    return (
        f"<figure class='photo'><img src='/img/{a.index}.jpg' alt=''><figcaption>"
        f"{escape(a.caption)} <span class='credit'>Photo: {SITE}</span></figcaption></figure>"
    )


def _lead_photo(a: Article, outside: bool) -> str:
    """The photo above the story and its caption: for one in two such articles a hero box
    before <article> (its caption a <p class='hero-caption'>), else a <figure> in the header."""
    if not a.lead_caption or outside != (a.index % 2 == 0):
        return ""
    caption = _spaced(escape(a.lead_caption), a.whitespace)
    if outside:
        return (
            f"<div class='hero'><img src='/img/lead-{a.index}.jpg' alt=''>"
            f"<p class='hero-caption'>{caption}</p></div>"
        )
    return (
        f"<figure class='lead-photo'><img src='/img/lead-{a.index}.jpg' alt=''><figcaption>"
        f"{caption} <span class='credit'>Photo: {SITE}</span></figcaption></figure>"
    )


def article_page(room: Newsroom, a: Article, base: str, amp: bool = False) -> str:
    rng = random.Random() if room.furniture and not a.static else random.Random(a.index)
    furnished = room.furniture and not a.static
    canonical = base + (a.moved_to or room.article_path(a.slug))
    if a.paywalled:
        body = f"<p>{escape(a.paragraphs[0])}</p><div class='paywall'><p>Subscribe to continue reading this story.</p><p>Already a subscriber? Sign in.</p></div>"
    else:
        extra = in_body_blocks(room, a, rng) if furnished and room.in_body_furniture else {}
        body = "\n".join(
            f"<p>{_spaced(_markup(p, a.markup), a.whitespace)}</p>"
            + (_figure(a) if i == 1 else "")
            + extra.get(i, "")
            for i, p in enumerate(a.paragraphs)
        )
    authors = " and ".join(
        f'<a rel="author" href="/people/{i}">{escape(n)}</a>'
        for i, n in enumerate(a.byline.split(" and "))
    )
    parts = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(a.title)} | {SITE}</title>',
        f'<link rel="canonical" href="{canonical}"><meta property="og:title" content="{escape(a.title)}">',
        f'<meta property="og:url" content="{canonical}"><meta property="og:site_name" content="{SITE}">',
        f'<meta name="author" content="{escape(a.byline)}">',
        f'<script type="application/ld+json">{_jsonld(base, a, room, a.paywalled)}</script>',
    ]
    if furnished:
        parts.append(f"<script>window.__rid={rng.randint(1, 10**9)};</script>")
    parts.append("</head><body>")
    if furnished:
        parts.append(
            '<div id="cookie-banner">We use cookies to improve your experience. <button>Accept all cookies</button></div>'
        )
    parts.append(
        '<header><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/business/">Business</a> <a href="/about">About</a></nav></header>'
    )
    parts.append("<main>")
    if furnished:
        parts.append(f'<div class="ad-slot" id="ad-{rng.randint(1000, 9999)}">Advertisement</div>')
    parts.append(_lead_photo(a, outside=True))
    parts.append(f"<article><header><h1>{escape(a.title)}</h1>")
    if a.standfirst:
        parts.append(f'<p class="standfirst">{_spaced(escape(a.standfirst), a.whitespace)}</p>')
    parts.append(f'<p class="byline">By {authors}</p>{_lead_photo(a, outside=False)}</header>')
    parts.append(f'<time datetime="{a.published.isoformat()}">{a.published:%B %d, %Y}</time>')
    if furnished:
        parts.append(
            f'<span class="timestamp-relative">Updated {rng.randint(1, 59)} minutes ago</span> <a class="comment-count" href="#comments">{rng.randint(0, 900)} comments</a>'
        )
    parts.append(f'<div class="article-body">{body}</div></article>')
    if furnished:
        # other stories' teasers glued after the article, as naive scrapers keep them
        teasers = _furniture(room, rng, 2)
        parts.append(
            '<div class="related-stories"><h2>Related stories</h2><ul>'
            + "".join(teasers)
            + "</ul></div>"
        )
        parts.append(
            '<aside class="most-read"><h2>Most read</h2><ol>'
            + "".join(_furniture(room, rng, 5))
            + "</ol></aside>"
        )
        parts.append(
            '<div class="newsletter">Sign up for our morning briefing newsletter in your inbox.</div>'
        )
    parts.append("</main>")
    footer_extra = (
        f" · served {datetime.now(UTC).isoformat()} · request {room.requests}" if furnished else ""
    )
    parts.append(f"<footer><p>© 2026 {SITE}{footer_extra}</p></footer></body></html>")
    page = "".join(parts)
    if amp:
        page = page.replace('<html lang="en">', '<html amp lang="en">', 1)
    return page


def homepage(room: Newsroom, section: str | None = None) -> str:
    """The front page (or a section front: the same list under another heading)."""
    items = "".join(
        f'<li><a href="{homepage_path(room, a)}">{escape(a.title)}</a></li>'
        for a in room.visible_articles()[:40]
        if a.status == "live"
    )
    title = f"{section} | {SITE}" if section else SITE
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body><nav><a href='/world/'>World</a>"
        f"<a href='/tag/politics'>Politics</a><a href='/about'>About</a></nav><h1>{title}</h1><ul>{items}</ul></body></html>"
    )


def rss(room: Newsroom, base: str) -> str:
    items = []
    for k, a in enumerate(room.visible_articles()[:50]):
        link = (
            base
            + room.article_path(a.slug)
            + ("?utm_source=rss&amp;utm_medium=feed" if k % 2 == 0 else "")
        )
        items.append(
            f"<item><title>{escape(a.title)}</title><link>{link}</link><guid>{base}/a/{a.index}</guid>"
            f"<pubDate>{format_datetime(a.published)}</pubDate><dc:creator>{escape(a.byline)}</dc:creator></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{SITE}</title><link>{base}/</link><description>News</description>{''.join(items)}</channel></rss>"
    )


def atom(room: Newsroom, base: str) -> str:
    entries = "".join(
        f'<entry><title>{escape(a.title)}</title><link rel="alternate" href="{room.article_path(a.slug)[1:]}"/>'
        f"<id>{base}/a/{a.index}</id><updated>{a.modified.isoformat()}</updated></entry>"
        for a in room.visible_articles()[:50]
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/">'
        f"<title>{SITE}</title><id>{base}/</id><updated>{datetime.now(UTC).isoformat()}</updated>{entries}</feed>"
    )


def sitemap_index(base: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap-news.xml</loc></sitemap><sitemap><loc>{base}/sitemap-articles.xml</loc></sitemap></sitemapindex>"
    )


def sitemap(room: Newsroom, base: str, news: bool) -> str:
    arts = room.visible_articles()
    if news:
        arts = arts[:100]
        urls = "".join(
            f"<url><loc>{base}{room.article_path(a.slug)}</loc><news:news><news:publication><news:name>{SITE}</news:name>"
            f"<news:language>en</news:language></news:publication><news:publication_date>{a.published.isoformat()}</news:publication_date>"
            f"<news:title>{escape(a.title)}</news:title></news:news></url>"
            for a in arts
        )
        ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    else:
        urls = "".join(
            f"<url><loc>{base}{room.article_path(a.slug)}</loc><lastmod>{a.modified.isoformat()}</lastmod></url>"
            for a in arts
        )
        ns = ""
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{urls}</urlset>'


ROBOTS = "User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"


def make_app(room: Newsroom) -> Callable[..., Awaitable[None]]:
    async def app(scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        base = f"http://{headers.get('host', 'localhost')}"
        with room.lock:
            room.requests += 1
        if path.startswith("/hostile/"):
            await hostile.serve(path, receive, send)
            return
        if room.latency and path.endswith(".html"):
            await asyncio.sleep(room.latency)
        status, ctype, body, extra = _route(room, path, base)
        etag = None
        if status == 200 and (ctype != "text/html" or extra.get("static")):
            etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:16] + '"'
            if headers.get("if-none-match") == etag:
                await _respond(send, 304, ctype, b"", {"etag": etag})
                return
        out = {k: v for k, v in extra.items() if k != "static"}
        if etag:
            out["etag"] = etag
        await _respond(send, status, ctype, body.encode("utf-8"), out)

    return app


def _route(room: Newsroom, path: str, base: str) -> tuple[int, str, str, dict[str, Any]]:
    html = "text/html"
    if path == "/":
        return 200, html, homepage(room), {}
    if path == "/world/":
        return 200, html, homepage(room, "World"), {}
    if path == "/robots.txt":
        return 200, "text/plain", ROBOTS.format(base=base), {}
    if path == "/rss.xml":
        return 200, "application/rss+xml", rss(room, base), {}
    if path == "/atom.xml":
        return 200, "application/atom+xml", atom(room, base), {}
    if path == "/sitemap.xml":
        return 200, "application/xml", sitemap_index(base), {}
    if path in ("/sitemap-news.xml", "/sitemap-articles.xml"):
        return 200, "application/xml", sitemap(room, base, news=path == "/sitemap-news.xml"), {}
    amp = path.startswith("/amp/")
    slug = path.rsplit("/", 1)[-1].removesuffix(".html")
    with room.lock:
        a = room.by_slug.get(slug) or renamed_article(room, slug)
        served = (a.moved_to or room.article_path(a.slug)) if a else None
        if a is not None and a.moved_to and path == room.article_path(a.slug):
            return 301, html, "", {"location": a.moved_to}  # the story moved
        if (
            a is None
            or not a.visible
            or not path.endswith(".html")
            or served != path.removeprefix("/amp")
        ):
            return (
                404,
                html,
                "<html><head><title>Page not found</title></head><body><h1>404</h1></body></html>",
                {},
            )
        if a.status == "deleted":
            return (
                404,
                html,
                "<html><head><title>Page not found</title></head><body><h1>Not found</h1></body></html>",
                {},
            )
        if a.status == "gone":
            return (
                410,
                html,
                "<html><head><title>Gone</title></head><body><h1>This story was removed</h1></body></html>",
                {},
            )
        if a.status == "redirected":
            return 301, html, "", {"location": a.redirect_to or "/"}
        if a.unavailable:
            return (
                503,
                html,
                "<html><head><title>503 Service Unavailable</title></head><body>Try again later</body></html>",
                {},
            )
        page = article_page(room, a, base, amp=amp)
        return (
            200,
            html,
            page,
            {"static": a.static, "last-modified": format_datetime(a.modified, usegmt=True)}
            if a.static
            else {},
        )


async def _respond(send: Send, status: int, ctype: str, body: bytes, extra: dict[str, Any]) -> None:
    headers = [
        (b"content-type", f"{ctype}; charset=utf-8".encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.encode(), str(v).encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
