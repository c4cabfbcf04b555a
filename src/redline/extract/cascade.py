"""The extraction cascade: per-source rules, then JSON-LD, then trafilatura.

Each field takes the first source that gives a plausible value. The body is the part that
matters most, so each candidate is checked for plausibility (length, consistency with the page)
before it wins; furniture lines are dropped from whichever wins.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from redline.dates import parse_date
from redline.errors import ExtractionError
from redline.extract.body import (
    body_from_jsonld,
    body_from_rules,
    body_from_trafilatura,
    same_text,
    with_captions,
    words,
)
from redline.extract.clean import clean_for_body
from redline.extract.furniture import drop_furniture, furniture_key
from redline.extract.leadcaption import find_lead_caption
from redline.extract.metadata import (
    byline_from_markup,
    canonical_url,
    jsonld_articles,
    meta,
    node_text,
    strip_site_name,
)
from redline.extract.model import Dropped, DropReason, Extraction, ExtractRules
from redline.extract.normalize import normalize_text
from redline.extract.standfirst import find_standfirst, without_standfirst
from redline.settings import ExtractSettings


def parse(html: str, max_chars: int = ExtractSettings.max_html_chars) -> LexborHTMLParser:
    if not html or not html.strip():
        raise ExtractionError("empty", "the page is empty")
    if len(html) > max_chars:
        raise ExtractionError("too_large", f"the page has {len(html):,} characters; not an article")
    try:
        return LexborHTMLParser(html)
    except Exception as exc:
        raise ExtractionError("unparseable", f"the page cannot be parsed as HTML: {exc}") from exc


def _without_heading(
    paragraphs: tuple[str, ...], headings: set[str], byline: str | None
) -> tuple[str, ...]:
    """Body extractors often repeat the headline and byline as the first lines; they are fields."""
    heads = {h.casefold() for h in headings if h}
    by = {f"by {byline}".casefold(), (byline or "").casefold()} if byline else set()
    out = list(paragraphs)
    while out and (out[0].casefold() in heads or out[0].casefold() in by):
        out.pop(0)
    return tuple(out)


_BY_LINE = re.compile(r"^(?:by|par|von|por|door|di|de)\s+", re.IGNORECASE)


def _without_byline(
    paragraphs: tuple[str, ...], byline: str | None
) -> tuple[tuple[str, ...], tuple[Dropped, ...]]:
    """A 'By Jane Doe' line anywhere in the body is the byline (a field), not article text."""
    if not byline:
        return paragraphs, ()
    names = {byline.casefold(), f"by {byline}".casefold()}
    kept, dropped = [], []
    for p in paragraphs:
        bare = _BY_LINE.sub("", p).strip(" .,|·-–—").casefold()
        if (p.casefold() in names or (bare in names and bare != p.casefold())) or (
            _BY_LINE.match(p) and len(p.split()) <= 8 and byline.casefold() in p.casefold()
        ):
            dropped.append(Dropped(p, DropReason.BYLINE))
        else:
            kept.append(p)
    return tuple(kept), tuple(dropped)


def _summary(ld_body: tuple[str, ...], page: tuple[str, ...], short: int) -> bool:
    """An articleBody that is the story's summary, not the story: short, and the page's own
    text three times longer (selbst.de and elnuevodia.com put their teaser there)."""
    n = words(ld_body)
    return n < short and words(page) >= 3 * n


def extract(
    html: str,
    url: str | None = None,
    rules: ExtractRules | None = None,
    limits: ExtractSettings = ExtractSettings(),
) -> Extraction:
    """Extract the article from a page, or raise ExtractionError(reason)."""
    tree = parse(html, limits.max_html_chars)
    min_words = limits.min_body_words
    cleaned = clean_for_body(html, url, rules)
    for sel in rules.drop if rules else ():
        for node in tree.css(sel):
            node.decompose()
    body_tree = LexborHTMLParser(cleaned.html)
    ld = jsonld_articles(tree)
    ld_main = ld[0] if ld else None

    # ---- body ----
    paragraphs: tuple[str, ...] = ()
    method = ""
    language = None
    if rules and rules.body:
        paragraphs = body_from_rules(body_tree, rules.body)
        method = "rules"
    if words(paragraphs) < min_words and ld_main and ld_main.body:
        candidate = body_from_jsonld(ld_main.body)
        if words(candidate) >= min_words:
            paragraphs, method = candidate, "jsonld"
    if method != "rules" or words(paragraphs) < min_words:
        try:
            traf, language = body_from_trafilatura(cleaned.html, url, limits.short_body_words)
        except ExtractionError:
            traf = ()
        if method == "jsonld":
            # articleBody without paragraph breaks, or trimmed: the page's own paragraphs are
            # better when they say the same thing; and when it is only the story's summary.
            unbroken = len(paragraphs) <= 1 and same_text(paragraphs, traf) > 0.8
            if unbroken or _summary(paragraphs, traf, limits.short_body_words):
                paragraphs, method = traf, "trafilatura"
            else:
                paragraphs = with_captions(paragraphs, traf, cleaned.captions)
        elif words(traf) >= words(paragraphs):
            paragraphs, method = traf, "trafilatura"
    paragraphs, dropped = drop_furniture(paragraphs, rules, cleaned.keep)
    if not paragraphs:
        raise ExtractionError("no_body", "no article body found on the page")

    # ---- title ----
    site = meta(tree, "og:site_name") or ""
    h1 = node_text(tree.css_first("h1"))
    candidates: list[tuple[str, str | None]] = []
    if rules and rules.title:
        candidates.append(("rules", node_text(tree.css_first(rules.title))))
    candidates += [
        ("jsonld", ld_main.headline if ld_main else None),
        ("og", meta(tree, "og:title", "twitter:title")),
        ("h1", h1),
        ("title", strip_site_name(node_text(tree.css_first("title")), [site])),
    ]
    title, title_method = next(
        ((normalize_text(t), m) for m, t in candidates if t and normalize_text(t)), ("", "")
    )
    if title_method == "og" and site:
        title = strip_site_name(title, [site])
    if not title:
        title, title_method = paragraphs[0][:120], "body"

    # ---- byline ----
    byline = None
    if rules and rules.byline:
        byline = node_text(tree.css_first(rules.byline)) or None
    if not byline and ld_main and ld_main.authors:
        byline = ", ".join(ld_main.authors)
    if not byline:
        byline = meta(tree, "author", "article:author", "byl", "dc.creator", "sailthru.author")
        if byline and byline.startswith(("http://", "https://")):
            byline = None
    if not byline:
        scope = tree.css_first("article") or tree
        byline = byline_from_markup(scope)
    if byline:
        byline = normalize_text(byline.removeprefix("By ").removeprefix("by ")) or None

    # ---- dates ----
    published = (ld_main.published if ld_main else None) or parse_date(
        meta(tree, "article:published_time", "datePublished", "pubdate", "date", "dc.date")
    )
    modified = (ld_main.modified if ld_main else None) or parse_date(
        meta(tree, "article:modified_time", "dateModified", "og:updated_time")
    )
    if published is None:
        t = tree.css_first("article time[datetime]") or tree.css_first("time[datetime]")
        published = parse_date(t.attributes.get("datetime")) if t is not None else None

    paragraphs = _without_heading(paragraphs, {title, h1}, byline)
    paragraphs, by_lines = _without_byline(paragraphs, byline)
    if not paragraphs:
        raise ExtractionError("no_body", "no article body found on the page")
    standfirst = find_standfirst(tree, paragraphs, title, rules.standfirst if rules else None)
    if standfirst:
        rest = without_standfirst(paragraphs, standfirst)
        if rest:
            paragraphs = rest
        else:  # the page's only text: the body, whatever its markup says
            standfirst = None
    lead_caption = find_lead_caption(tree, paragraphs, title)
    if lead_caption and standfirst and furniture_key(lead_caption) == furniture_key(standfirst):
        lead_caption = None  # one text, one field: the standfirst's
    if language is None:
        html_node = tree.css_first("html")
        language = (html_node.attributes.get("lang") or None) if html_node is not None else None
    return Extraction(
        title=title,
        byline=byline,
        standfirst=standfirst,
        lead_caption=lead_caption,
        published=published,
        modified=modified,
        paragraphs=paragraphs,
        method=method,
        canonical_url=canonical_url(tree, url),
        language=language,
        title_method=title_method,
        dropped=cleaned.dropped + dropped + by_lines,
    )
