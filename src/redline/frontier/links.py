"""Does another URL still name the same article? Pure policy for canonical links and redirects.

A page's ``<link rel=canonical>`` (or ``og:url``) and a redirect both point an article at another
URL. Trusted blindly they destroy articles: a site whose every page says ``canonical = /`` would
rename the first story to the homepage and merge every later one into it, and a redirect to a
section front would be taken for the story moving. These functions decide from the URLs alone
(and, for a redirect that the URLs cannot settle, from the page it led to).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal
from urllib.parse import unquote, urlsplit

from rapidfuzz.distance import Indel

from redline.errors import ConfigError
from redline.frontier.urls import canonicalize_url, identity_key, is_homepage, same_site

RedirectVerdict = Literal["moved", "away", "undecided"]

# Last path segments that say nothing about which story a page is.
_GENERIC_SEGMENTS = frozenset({"", "amp", "index", "index.html", "index.htm", "index.php", "story"})
_EXTENSION = re.compile(r"\.(s?html?|php|aspx?|jsp)$", re.IGNORECASE)
_STORY_ID = re.compile(r"(?<![0-9])[0-9]{6,}(?![0-9])")  # BBC 'world-12345678', NYT-style ids


def _path_segments(url: str) -> list[str]:
    try:
        path = urlsplit(url).path
    except ValueError:
        return []
    return [s for s in unquote(path).lower().split("/") if s]


def story_slug(url: str) -> str | None:
    """The segment of a URL's path that names the story (its last meaningful one, without a file
    extension), or None for a URL with no such segment (a homepage)."""
    for seg in reversed(_path_segments(url)):
        seg = _EXTENSION.sub("", seg)
        if seg not in _GENERIC_SEGMENTS:
            return seg
    return None


def is_section_of(section: str, url: str) -> bool:
    """True when ``section``'s path is a proper ancestor of ``url``'s (``/news/`` of
    ``/news/2026/a.html``): a section front, never the article itself."""
    outer, inner = _path_segments(section), _path_segments(url)
    return len(outer) < len(inner) and inner[: len(outer)] == outer


def _is_front(url: str, article_url: str, homepages: Iterable[str]) -> bool:
    if is_homepage(url) or is_section_of(url, article_url):
        return True
    key = identity_key(url)
    for home in homepages:
        try:
            if identity_key(home) == key:
                return True
        except ConfigError:
            continue
    return False


def usable_canonical(
    article_url: str, canonical: str | None, *, homepages: Iterable[str] = ()
) -> str | None:
    """The page's canonical URL (identity form) when it may rename or merge the article, else
    None: missing or malformed, the article's own URL, another site, the site's homepage or a
    source's homepage, or a section front above the article (``/news/``)."""
    if not canonical:
        return None
    try:
        canon = canonicalize_url(canonical)
        if identity_key(canon) == identity_key(article_url):
            return None
    except ConfigError:
        return None
    if not same_site(canon, article_url) or _is_front(canon, article_url, homepages):
        return None
    return canon


def same_story_url(a: str, b: str) -> bool:
    """Two URLs carry the same story slug or numeric story id."""
    return _same_story_by_url(a, b)


def _same_story_by_url(a: str, b: str) -> bool:
    slug_a, slug_b = story_slug(a), story_slug(b)
    if slug_a is not None and slug_a == slug_b:
        return True
    ids_a = set(_STORY_ID.findall("/".join(_path_segments(a))))
    return bool(ids_a & set(_STORY_ID.findall("/".join(_path_segments(b)))))


def judge_redirect(
    article_url: str, target: str, *, target_is_other_article: bool, homepages: Iterable[str] = ()
) -> RedirectVerdict:
    """What a redirect from ``article_url`` to ``target`` means, from the URLs alone.

    ``away``: to a homepage, a section front or another tracked article (the story is gone).
    ``moved``: the target carries the same story slug or numeric story id (the story moved, often
    to another host of the same outlet). ``undecided``: the page it led to must say
    (``redirect_confirmed``).
    """
    if target_is_other_article or _is_front(target, article_url, homepages):
        return "away"
    if _same_story_by_url(article_url, target):
        return "moved"
    return "undecided"


def redirect_confirmed(
    article_url: str, canonical: str | None, *, title: str | None, previous_title: str | None
) -> bool:
    """For an ``undecided`` redirect: does the page it led to say it is the same story? Yes when
    its canonical URL is the article's own URL or carries the same story slug or id, or when its
    headline is the one the article last had."""
    if canonical:
        try:
            if identity_key(canonical) == identity_key(article_url):
                return True
        except ConfigError:
            pass
        if _same_story_by_url(article_url, canonical):
            return True
    return bool(
        title and previous_title and " ".join(title.split()) == " ".join(previous_title.split())
    )


def text_similarity(a: str, b: str) -> float:
    """0..1: how much of two article bodies is the same text (normalised Indel similarity over
    whitespace-folded text, so reflowed paragraphs score 1)."""
    a, b = " ".join(a.split()), " ".join(b.split())
    if not a or not b:
        return 0.0
    return float(Indel.normalized_similarity(a, b))


def same_story_page(
    old_url: str,
    new_url: str,
    *,
    canonical: str | None,
    title: str | None,
    previous_title: str | None,
    text: str,
    previous_text: str | None,
    threshold: float,
) -> bool:
    """Is the page at ``new_url`` (a redirect target, perhaps already tracked as another
    article) the story last stored for ``old_url``? Yes when the URLs or the page's canonical
    URL carry the same slug or story id, when the headline is unchanged, or when the bodies are
    at least ``threshold`` alike (a headline rewritten with the move still matches)."""
    if same_story_url(old_url, new_url) or redirect_confirmed(
        old_url, canonical, title=title, previous_title=previous_title
    ):
        return True
    return previous_text is not None and text_similarity(text, previous_text) >= threshold
