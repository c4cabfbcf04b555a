"""Extraction on realistic pages: cascade order, furniture kept out, fingerprint, decoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.errors import ExtractionError
from redline.extract import ExtractRules, extract, normalize_text, region_fingerprint
from redline.extract.decode import decode_html
from redline.testing.newsroom import Newsroom
from redline.testing.newsroom.site import article_page

# A copy of shared/seeds/000_71c52ab0021724e8.txt, kept in the repository so a fresh clone
# (CI) has it without the shared folder beside the checkout.
SCRAPED_SEED = Path(__file__).parent / "fixtures" / "scraped_seed_000.txt"
BODY = [
    "Officials from the US and South Korea said that further talks are needed to revise their free-trade pact, a negotiation straining ties between the allies.",
    "The US on Friday presented proposals to improve auto exports and lift trade barriers during a meeting with South Korean counterparts in Washington.",
    "While both sides agreed to hold more talks soon, South Korea’s top negotiator said afterward that “the negotiation is not easy,” Yonhap reported.",
    "Stangarone said trade in cars was likely to be a major focus of talks, given the US’ US$18.8 billion vehicle trade gap with South Korea.",
]


def page(
    *,
    jsonld: dict | None = None,
    teasers: bool = True,
    body: list[str] = BODY,
    extra_head: str = "",
) -> str:
    ld = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    paras = "".join(f"<p>{p}</p>" for p in body)
    tail = ""
    if teasers:
        tail = (
            '<div class="related"><h3>Related</h3><p><a href="/a">PERSISTENT RUMORS: Nvidia’s CEO said the firm is not in talks to sell AI chips to China</a></p>'
            '<p><a href="/b">Taiwan shares close higher on tech gains as investors weigh rate outlook</a></p></div>'
            '<aside class="most-read"><ol><li><a href="/c">Typhoon nears east coast</a></li><li><a href="/d">Vote delayed</a></li></ol></aside>'
        )
    return (
        f"<html lang='en'><head><title>US, Seoul need more trade talks - Taipei Times</title>{ld}{extra_head}"
        "<meta property='og:site_name' content='Taipei Times'></head><body>"
        "<div id='cookie-banner'>We use cookies. <button>Accept all cookies</button></div>"
        "<nav><a href='/'>Home</a><a href='/world'>World</a></nav><main><article><h1>US, Seoul need more trade talks</h1>"
        f"<p class='byline'>By Jane Doe</p><span class='ago'>Updated 5 minutes ago</span>{paras}</article>{tail}</main>"
        "<footer>© 2026 Taipei Times</footer></body></html>"
    )


def test_teasers_navigation_and_banners_never_reach_the_text() -> None:
    ext = extract(page(), "https://www.taipeitimes.com/News/biz/archives/2018/01/07/2003685276")
    assert ext.paragraphs == tuple(BODY)
    assert ext.title == "US, Seoul need more trade talks"
    assert ext.byline == "Jane Doe"
    for noise in ("Nvidia", "cookies", "Updated 5 minutes", "Typhoon", "Taiwan shares"):
        assert noise not in ext.text


def test_jsonld_metadata_wins_and_articlebody_with_paragraphs_is_used() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage"},
            {
                "@type": "NewsArticle",
                "headline": "US and Seoul need more trade talks, officials say",
                "author": [
                    {"@type": "Person", "name": "By Jane Doe"},
                    {"@type": "Person", "name": "Lee Min"},
                ],
                "datePublished": "2018-01-07T08:00:00+08:00",
                "dateModified": "2018-01-07T10:00:00Z",
                "articleBody": "\n\n".join(BODY),
            },
        ],
    }
    ext = extract(page(jsonld=ld))
    assert ext.method == "jsonld"
    assert ext.title == "US and Seoul need more trade talks, officials say"
    assert ext.byline == "Jane Doe, Lee Min"
    assert ext.published is not None and ext.published.isoformat() == "2018-01-07T08:00:00+08:00"
    assert ext.paragraphs == tuple(BODY)


def test_implausible_articlebody_falls_back_to_the_page() -> None:
    ld = {"@type": "NewsArticle", "headline": "H", "articleBody": "Too short."}
    ext = extract(page(jsonld=ld))
    assert ext.method == "trafilatura" and ext.paragraphs == tuple(BODY)


def test_an_articlebody_that_is_the_summary_gives_way_to_the_story() -> None:
    """selbst.de and elnuevodia.com put a teaser of 30-40 words in articleBody; the story is
    on the page, three times longer and more."""
    teaser = (  # in words of its own, unlike the story's (a summary, not a trimmed copy)
        "Negotiators from two allies disagree over automobiles; another round is planned. Our "
        "correspondent explains what is at stake for exporters, carmakers and workers in both "
        "countries, and why it matters."
    )
    body = BODY * 2 + [p.replace("US", "American side") for p in BODY]
    ld = {"@type": "NewsArticle", "headline": "H", "articleBody": teaser}
    ext = extract(page(jsonld=ld, body=body))
    assert ext.method == "trafilatura" and ext.paragraphs[-1] == body[-1]
    whole = {"@type": "NewsArticle", "headline": "H", "articleBody": "\n\n".join(body)}
    assert extract(page(jsonld=whole, body=body)).method == "jsonld"


def test_rules_come_first() -> None:
    rules = ExtractRules(body="article", drop=(".byline", ".ago"), title="h1", byline="footer")
    ext = extract(page(), rules=rules)
    assert ext.method == "rules" and ext.paragraphs == tuple(BODY)
    assert ext.byline == "© 2026 Taipei Times"


def test_normalisation_folds_whitespace_nbsp_zero_width_and_nfc() -> None:
    assert normalize_text("  Caf\u0065\u0301\u00a0\u200bau   lait\n") == "Café au lait"
    a = extract(page(body=[p.replace(" ", "  ", 3) for p in BODY]))
    b = extract(page(body=[p.replace(" ", "\u00a0", 2) for p in BODY]))
    assert a.paragraphs == b.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    ("html", "reason"),
    [("", "empty"), ("   ", "empty"), ("<html><body><nav>Home</nav></body></html>", "no_body")],
)
def test_no_article_is_an_extraction_error(html: str, reason: str) -> None:
    with pytest.raises(ExtractionError) as exc:
        extract(html)
    assert exc.value.reason == reason


def test_decode_header_meta_detection_and_binary() -> None:
    text = "<html><head><meta charset='iso-8859-1'></head><body>Café crème</body></html>"
    assert "Café crème" in decode_html(text.encode("latin-1"))
    assert "Café" in decode_html("<p>Café</p>".encode("cp1252"), "text/html; charset=windows-1252")
    assert "Café" in decode_html("<p>Café</p>".encode(), "text/html; charset=utf-8")
    # a lying header: declared UTF-8, really Latin-1
    assert "Café" in decode_html(
        "<p>Café au lait et croissant</p>".encode("latin-1"), "text/html; charset=utf-8"
    )
    with pytest.raises(ExtractionError) as exc:
        decode_html(bytes(range(256)) * 20)
    assert exc.value.reason == "binary"


def test_fingerprint_ignores_furniture_and_sees_real_edits() -> None:
    # furniture outside the body only: teasers rotating inside it change the region (the
    # checker's learned rules handle those, tests/crawl/test_furniture_learning.py)
    room = Newsroom(n_articles=14, seed=3, in_body_furniture=False)
    art = room.articles[0]
    base = "http://news.test"
    a, b = article_page(room, art, base), article_page(room, art, base)
    assert a != b  # furniture differs between two requests
    assert region_fingerprint(a) == region_fingerprint(b) is not None
    assert extract(a).paragraphs == extract(b).paragraphs
    art.paragraphs[2] += " A new sentence."
    assert region_fingerprint(article_page(room, art, base)) != region_fingerprint(a)
    art.title += " (updated)"
    assert region_fingerprint(article_page(room, art, base)) != region_fingerprint(a)
    assert region_fingerprint("<html><body><div>no container</div></body></html>") is None


def test_the_scraped_seed_page_shows_why_teasers_must_go() -> None:
    """The seed is plain text of what a naive scraper kept: the article, then other stories."""
    seed = SCRAPED_SEED.read_text(encoding="utf-8").splitlines()
    article, teasers = seed[:13], seed[13:]
    assert teasers and teasers[0].startswith("PERSISTENT RUMORS")
    html = page(body=article, teasers=False).replace(
        "</article>",
        "</article><div class='related-stories'>"
        + "".join(f"<p><a href='/x{i}'>{t[:200]}</a></p>" for i, t in enumerate(teasers))
        + "</div>",
    )
    ext = extract(html)
    assert ext.paragraphs == tuple(normalize_text(p) for p in article)


def test_decode_western_page_declared_as_utf8_is_not_mojibake() -> None:
    page = (
        "<html><head><meta charset='utf-8'><title>Café ruiné</title></head><body><p>"
        + "Le café était fermé à cause de la grève, a déclaré le propriétaire. " * 5
        + "</p></body></html>"
    ).encode("latin-1") + b"\xff\xfe\x80"
    text = decode_html(page, "text/html; charset=utf-8")
    assert "Café ruiné" in text and "grève" in text
    german = "<p>Die Straßenbahn fährt über die Brücke nach Köln.</p>".encode("cp1252")
    assert "Straßenbahn fährt über" in decode_html(german)


def test_decode_cyrillic_code_page_is_not_read_as_western() -> None:
    page = (
        "<html><body><p>" + "Правительство объявило о новых мерах поддержки. " * 8 + "</p>"
    ).encode("cp1251")
    assert "Правительство объявило" in decode_html(page)


def test_paragraphs_only_precision_mode_kept_are_put_back_where_they_stood() -> None:
    """slate.com2: balanced mode finds the long story but drops its lead paragraph, which
    precision mode kept; the lead goes back before the paragraph that followed it."""
    from redline.extract.body import _merged

    precise = ("Lead", "One", "Tail")
    balanced = ("Photo", "One", "Two", "Credit")
    assert _merged(precise, balanced) == ("Photo", "Lead", "One", "Tail", "Two", "Credit")
    assert _merged(("Lead",), balanced) == balanced  # nothing shared: no place to put it
    assert _merged(("One", "Two"), balanced) == balanced
    # a line both keep twice ('Advertisement'): the place is after what came before it
    twice = ("Ad", "One", "Ad")
    assert _merged(("One", "Lead", "Ad"), twice) == ("Ad", "One", "Lead", "Ad")


@pytest.mark.parametrize("cls", ["caption-left", "imageCaption", "pull_quote", "PullQuote"])
def test_fingerprint_sees_a_caption_edit_even_in_an_aside(cls: str) -> None:
    """Captions are body text now; the recheck fast path must not skip a corrected caption that
    a site keeps in an <aside class='caption-left'> (technologyreview.com), whatever the case
    and separators of its class name."""
    story = "".join(
        f"<p>Paragraph {n} of the story about the new battery lights, long enough to count.</p>"
        for n in range(4)
    )

    def page(caption: str) -> str:
        return (
            "<html><head><title>Battery lights</title></head><body><article><h1>Battery lights"
            f"</h1><aside class='{cls}'><p>{caption}</p></aside>{story}</article>"
            "</body></html>"
        )

    before = page("A street vendor in India uses a light powered by refurbished battery cells.")
    after = page("A street vendor in Kenya uses a light powered by refurbished battery cells.")
    assert region_fingerprint(before) != region_fingerprint(after)
    assert extract(before).paragraphs != extract(after).paragraphs
