"""Feeds, sitemaps and homepages: realistic inputs, malformed ones and hostile XML."""

from __future__ import annotations

import contextlib
import gzip
import tracemalloc
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.discovery import (
    MAX_SITEMAP_URLS,
    looks_like_article_url,
    parse_feed,
    parse_homepage,
    parse_sitemap,
)
from redline.errors import ConfigError, DiscoveryError
from redline.frontier.urls import canonicalize_url

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>World</title>
<item><title>Talks resume</title><link>https://news.example.com/2026/11/22/talks-resume.html?utm_source=rss&amp;utm_medium=feed</link>
<dc:creator>Jane Doe</dc:creator><pubDate>Sun, 22 Nov 2026 10:00:00 +0100</pubDate></item>
<item><title>Second</title><link>https://news.example.com/2026/11/22/second.html</link></item>
<item><title>Duplicate</title><link>https://news.example.com/2026/11/22/second.html</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/news/">
<title>Atom</title><updated>2026-11-22T10:00:00Z</updated><id>urn:x</id>
<entry><title>Relative</title><link rel="alternate" href="2026/relative-link.html"/><id>urn:1</id>
<updated>2026-11-22T09:00:00Z</updated></entry></feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc> https://news.example.com/a.html </loc><news:news><news:publication><news:name>Ex</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-11-22T08:00:00+00:00</news:publication_date><news:title>Budget passes</news:title></news:news></url>
<url><loc>https://news.example.com/b.html</loc><lastmod>2026-11-21</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example.com/sitemap-news.xml</loc></sitemap><sitemap><loc>/sitemap-2026-11.xml.gz</loc></sitemap></sitemapindex>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"""


def test_rss_links_titles_dates_in_order_without_duplicates() -> None:
    feed = parse_feed(RSS, "https://news.example.com/rss.xml")
    items = feed.articles
    assert feed.error is None
    assert [i.title for i in items] == ["Talks resume", "Second"]
    assert items[0].url.startswith(
        "https://news.example.com/2026/11/22/talks-resume.html?utm_source=rss"
    )
    assert items[0].published == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_atom_relative_links_resolve_against_xml_base() -> None:
    (item,) = parse_feed(ATOM, "https://blog.example.org/atom.xml").articles
    assert item.url == "https://blog.example.org/news/2026/relative-link.html"


def test_empty_valid_feed_and_malformed_feed() -> None:
    assert (
        parse_feed(
            b'<rss version="2.0"><channel><title>x</title></channel></rss>', "https://e.com/f"
        ).articles
        == []
    )
    with pytest.raises(DiscoveryError, match="not valid RSS/Atom"):
        parse_feed(b"<html><body>Not a feed</body></html>", "https://e.com/f")
    with pytest.raises(DiscoveryError):
        parse_feed(b"\x00\x01\x02 binary", "https://e.com/f")


def test_truncated_feed_and_sitemap_keep_their_links_and_say_so() -> None:
    """A file cut off mid-way (a dropped connection, a full disk on the outlet's side) keeps the
    links before the cut, with a one-line error; a well-formed one has none."""
    cut = RSS[: RSS.index(b"</item>") + len(b"</item>") + 12]
    feed = parse_feed(cut, "https://news.example.com/rss.xml")
    assert [i.title for i in feed.articles] == ["Talks resume"]
    assert feed.error and "malformed" in feed.error and "\n" not in feed.error
    broken = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Broken<link>http://x/</item></chan'
    assert parse_feed(broken, "https://e.com/f").error
    with pytest.raises(DiscoveryError, match="malformed"):
        parse_feed(
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti', "https://e.com/f"
        )
    urls = "".join(f"<url><loc>https://e.com/{i}.html</loc></url>" for i in range(5))
    whole = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
    assert parse_sitemap(whole, "https://e.com/s.xml").error is None
    page = parse_sitemap(
        whole[: whole.index(b"<url><loc>https://e.com/3")] + b"<url><lo", "https://e.com/s.xml"
    )
    assert len(page.articles) == 3
    assert page.error and "truncated" in page.error and "3 entries kept" in page.error


def test_news_sitemap_index_gzip_and_plain_text() -> None:
    page = parse_sitemap(NEWS_SITEMAP, "https://news.example.com/sitemap-news.xml")
    assert [a.url for a in page.articles] == [
        "https://news.example.com/a.html",
        "https://news.example.com/b.html",
    ]
    assert page.articles[0].title == "Budget passes"
    assert page.articles[0].published == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    index = parse_sitemap(gzip.compress(INDEX), "https://news.example.com/sitemap.xml")
    assert index.sitemaps == [
        "https://news.example.com/sitemap-news.xml",
        "https://news.example.com/sitemap-2026-11.xml.gz",
    ]
    plain = parse_sitemap(b"https://e.com/a\nhttps://e.com/b\n", "https://e.com/s.txt")
    assert [a.url for a in plain.articles] == ["https://e.com/a", "https://e.com/b"]


@pytest.mark.parametrize("parser", [parse_feed, parse_sitemap])
@pytest.mark.parametrize(
    "doc",
    [
        BILLION_LAUGHS + b"<urlset>&lol9;</urlset>",
        XXE + b"<urlset><url><loc>&xxe;</loc></url></urlset>",
    ],
)
def test_hostile_xml_is_refused_without_expansion(parser, doc: bytes) -> None:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    with pytest.raises(DiscoveryError, match=r"entities|external|refused"):
        parser(doc, "https://e.com/x.xml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20_000_000


LAUGHS_FEED = (
    '<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title>'
    "<link>https://e.com/2026/11/22/kept-if-the-screen-fails.html</link></item></channel></rss>"
)
LAUGHS_SITEMAP = "<urlset><url><loc>https://e.com/2026/11/22/kept.html</loc><news:title>&lol9;</news:title></url></urlset>"
_DTD = BILLION_LAUGHS.decode().removeprefix('<?xml version="1.0"?>')


def _hostile(encoding: str, root: str, comment: int = 0) -> bytes:
    """A billion-laughs document in ``encoding``, its declarations after a ``comment``-byte
    comment, so neither a byte search for '<!ENTITY' nor a look at the first 64 KB finds them."""
    head = f'<?xml version="1.0" encoding="{encoding}"?>'
    text = head + (f"<!--{'c' * comment}-->" if comment else "") + _DTD + root
    return text.encode("utf-16" if encoding == "UTF-16" else encoding)


@pytest.mark.parametrize(
    "parser,root", [(parse_feed, LAUGHS_FEED), (parse_sitemap, LAUGHS_SITEMAP)]
)
@pytest.mark.parametrize(
    "encoding,comment",
    [
        ("UTF-16", 0),
        ("UTF-8", 70_000),
        ("UTF-16", 70_000),
        ("ISO-8859-1", 70_000),
        ("Shift_JIS", 0),
    ],
)
def test_entity_declarations_are_refused_in_any_encoding_anywhere_in_the_prolog(
    parser, root: str, encoding: str, comment: int
) -> None:  # type: ignore[no-untyped-def]
    doc = _hostile(encoding, root, comment)
    assert b"<!ENTITY" not in doc[:65536] or encoding != "UTF-8"
    with pytest.raises(DiscoveryError, match="entities"):  # nothing kept: no links returned
        parser(doc, "https://e.com/x.xml")


@pytest.mark.parametrize(
    "parser,root", [(parse_feed, LAUGHS_FEED), (parse_sitemap, LAUGHS_SITEMAP)]
)
def test_a_utf16_document_without_declarations_is_read(parser, root: str) -> None:  # type: ignore[no-untyped-def]
    plain = root.replace("&lol9;", "Budget").replace("<news:title>Budget</news:title>", "")
    doc = ('<?xml version="1.0" encoding="UTF-16"?>' + plain).encode("utf-16")
    page = parser(doc, "https://e.com/x.xml")
    assert len(page.articles) == 1 and page.error is None


def test_a_huge_feed_is_cut_to_its_first_entries() -> None:
    from redline.discovery import MAX_FEED_ENTRIES

    n = MAX_FEED_ENTRIES + 500
    items = "".join(
        f"<item><title>T{i}</title><link>https://e.com/{i}.html</link></item>" for i in range(n)
    )
    for encoding in ("utf-8", "utf-16"):
        doc = f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
        page = parse_feed(doc.encode(encoding), "https://e.com/feed.xml")
        assert [d.url for d in page.articles] == [
            f"https://e.com/{i}.html" for i in range(MAX_FEED_ENTRIES)
        ]
        assert page.error is not None and f"{MAX_FEED_ENTRIES:,} entries" in page.error
    atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>' + "".join(
        f'<entry><id>urn:{i}</id><link href="https://e.com/{i}.html"/></entry>' for i in range(n)
    )
    page = parse_feed((atom + "</feed>").encode(), "https://e.com/feed.xml")
    assert len(page.articles) == MAX_FEED_ENTRIES


def test_quadratic_blowup_is_refused() -> None:
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "'
        + b"A" * 50_000
        + b'">]><urlset>'
        + b"&a;" * 50_000
        + b"</urlset>"
    )
    with pytest.raises(DiscoveryError):
        parse_sitemap(doc, "https://e.com/x.xml")


def test_gzip_bomb_is_refused_while_inflating() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 200_000
    tracemalloc.start()
    with pytest.raises(DiscoveryError, match="inflates"):
        parse_sitemap(bomb, "https://e.com/x.xml.gz")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 120_000_000


def test_gigantic_sitemap_is_refused() -> None:
    n = MAX_SITEMAP_URLS + 1
    doc = (
        b"<urlset>"
        + b"".join(b"<url><loc>https://e.com/%d</loc></url>" % i for i in range(n))
        + b"</urlset>"
    )
    with pytest.raises(DiscoveryError, match="more than"):
        parse_sitemap(doc, "https://e.com/x.xml")
    ok = parse_sitemap(
        doc.replace(b"<url><loc>https://e.com/0</loc></url>", b""), "https://e.com/x.xml"
    )
    assert len(ok.articles) == MAX_SITEMAP_URLS


def test_not_a_sitemap() -> None:
    with pytest.raises(DiscoveryError, match="not a sitemap"):
        parse_sitemap(b"<html><body>hi</body></html>", "https://e.com/x.xml")
    with pytest.raises(DiscoveryError, match="not valid XML"):
        parse_sitemap(b"<urlset><url><loc>", "https://e.com/x.xml")


HOME = b"""<html><head><base href="/"></head><body><nav><a href="/world/">World</a><a href="/about">About</a>
<a href="/tag/budget">Budget</a></nav>
<a href="news/2026/11/22/budget-passes.html?utm_source=home">Budget passes after late vote</a>
<a href="https://news.example.com/politics/mayor-wins-second-term-in-landslide">Mayor wins</a>
<a href="https://other.example.net/2026/11/22/elsewhere.html">Elsewhere</a>
<a href="/video/2026/11/22/clip.html">Clip</a><a href="#top">Top</a><a href="javascript:void(0)">x</a></body></html>"""


def test_homepage_article_links_by_heuristic_and_patterns() -> None:
    found = parse_homepage(HOME, "https://news.example.com/")
    assert [d.url for d in found] == [
        "https://news.example.com/news/2026/11/22/budget-passes.html?utm_source=home",
        "https://news.example.com/politics/mayor-wins-second-term-in-landslide",
    ]
    assert found[0].title == "Budget passes after late vote"
    only = parse_homepage(HOME, "https://news.example.com/", include=[r"/politics/"])
    assert [d.url for d in only] == [
        "https://news.example.com/politics/mayor-wins-second-term-in-landslide"
    ]
    none = parse_homepage(HOME, "https://news.example.com/", exclude=[r"/news/", r"/politics/"])
    assert none == []
    with pytest.raises(ConfigError, match="invalid regular expression"):
        parse_homepage(HOME, "https://news.example.com/", include=["("])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.nytimes.com/2018/01/05/us/politics/us-korea-trade-talks.html", True),
        ("https://www.bbc.com/news/world-asia-67812345", True),
        ("https://www.theguardian.com/world/2026/nov/22/some-story", True),
        ("https://www.bbc.com/news/world", False),
        ("https://example.com/tag/politics", False),
        ("https://example.com/", False),
    ],
)
def test_looks_like_article_url(url: str, expected: bool) -> None:
    assert looks_like_article_url(url) is expected


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_parsers_never_raise_anything_but_discovery_error(data: bytes) -> None:
    for parser in (parse_feed, parse_sitemap):
        with contextlib.suppress(DiscoveryError):
            parser(data, "https://e.com/x.xml")
    parse_homepage(data, "https://e.com/")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_parsers_survive_arbitrary_text(text: str) -> None:
    for body in (
        text.encode(),
        ("<urlset>" + text).encode(),
        ("<rss><channel><item><link>" + text).encode(),
    ):
        for parser in (parse_feed, parse_sitemap):
            with contextlib.suppress(DiscoveryError):
                parser(body, "https://e.com/x.xml")


BAD_URLS = ["http://[oops/a", "http://[", "http://[1.2.3.4]/", "http://a]b/", "https://x:99999/"]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_an_unparseable_url_is_skipped_not_fatal(bad: str) -> None:
    good = "https://news.example.com/2026/11/22/good-story-here.html"
    sitemap = f"<urlset><url><loc>{bad}</loc></url><url><loc>{good}</loc></url></urlset>"
    assert [
        d.url for d in parse_sitemap(sitemap.encode(), "https://news.example.com/s.xml").articles
    ] == [good]
    index = f"<sitemapindex><sitemap><loc>{bad}</loc></sitemap><sitemap><loc>{good}</loc></sitemap></sitemapindex>"
    assert parse_sitemap(index.encode(), "https://news.example.com/s.xml").sitemaps == [good]
    plain = f"{bad}\n{good}\n".encode()
    assert [d.url for d in parse_sitemap(plain, "https://news.example.com/s.txt").articles] == [
        good
    ]
    rss = f'<rss version="2.0"><channel><item><link>{bad}</link></item><item><link>{good}</link></item></channel></rss>'
    assert [d.url for d in parse_feed(rss.encode(), "https://news.example.com/f.xml").articles] == [
        good
    ]
    home = f'<html><base href="{bad}"><a href="{bad}">x</a><a href="{good}">y</a></html>'
    assert [d.url for d in parse_homepage(home, "https://news.example.com/")] == [good]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_canonicalize_says_config_error_in_one_line(bad: str) -> None:
    with pytest.raises(ConfigError) as info:
        canonicalize_url(bad)
    assert len(str(info.value).splitlines()) == 1


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["http://[", "https://[", "http://a]", "//["]))
def test_parsers_skip_broken_hosts_in_links(tail: str, head: str) -> None:
    link = (head + tail).replace("<", "").replace("&", "")
    for body, parser in (
        (f"<urlset><url><loc>{link}</loc></url></urlset>", parse_sitemap),
        (f"<sitemapindex><sitemap><loc>{link}</loc></sitemap></sitemapindex>", parse_sitemap),
        (
            f'<rss version="2.0"><channel><item><link>{link}</link></item></channel></rss>',
            parse_feed,
        ),
    ):
        with contextlib.suppress(DiscoveryError):
            parser(body.encode(), "https://e.com/x.xml")
    parse_homepage(f'<a href="{link}">x</a><base href="{link}">', "https://e.com/")
    with contextlib.suppress(ConfigError):
        canonicalize_url(link)
    # The broken link is skipped, not fatal: the good link after it is kept, and whatever was
    # kept of the broken one is a URL the rest of Redline can take.
    good = "https://e.com/2026/11/22/good-story-here.html"
    link = "".join(c for c in link if c.isprintable() and c not in "\"'")  # well-formed XML
    for got in (
        parse_sitemap(
            f"<urlset><url><loc>{link}</loc></url><url><loc>{good}</loc></url></urlset>".encode(),
            "https://e.com/x.xml",
        ).articles,
        parse_feed(
            f'<rss version="2.0"><channel><item><link>{link}</link></item>'
            f"<item><link>{good}</link></item></channel></rss>".encode(),
            "https://e.com/x.xml",
        ).articles,
        parse_homepage(f'<a href="{link}">x</a><a href="{good}">y</a>', "https://e.com/"),
    ):
        urls = [d.url for d in got]
        assert urls[-1] == good
        for url in urls:
            assert canonicalize_url(url)
