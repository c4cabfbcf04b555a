"""Fuzzing the HTML entry points (bounded budget): only ExtractionError may come out."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.errors import ExtractionError
from redline.extract import extract, region_fingerprint
from redline.extract.decode import decode_html

_TAGS = st.sampled_from(
    [
        "p",
        "div",
        "article",
        "h1",
        "script",
        "title",
        "meta",
        "span",
        "time",
        "main",
        "a",
        "!--",
        "<",
    ]
)
_html = st.lists(
    st.one_of(
        st.text(max_size=40),
        _TAGS.map(lambda t: f"<{t}>"),
        _TAGS.map(lambda t: f"</{t}>"),
        st.just('<script type="application/ld+json">{"@type": "NewsArticle", "headline": '),
        st.just('<meta property="og:title" content="'),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_html)
def test_extract_and_fingerprint_on_broken_html(html: str) -> None:
    with contextlib.suppress(ExtractionError):
        ext = extract(html, "https://example.com/a")
        assert ext.title and ext.paragraphs
    region_fingerprint(html)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=3000),
    st.one_of(
        st.none(),
        st.sampled_from(
            ["text/html; charset=utf-8", "text/html; charset=bogus", "text/html; charset=utf-16"]
        ),
    ),
)
def test_decode_and_extract_arbitrary_bytes(body: bytes, ctype: str | None) -> None:
    try:
        html = decode_html(body, ctype)
    except ExtractionError:
        return
    with contextlib.suppress(ExtractionError):
        extract(html)
