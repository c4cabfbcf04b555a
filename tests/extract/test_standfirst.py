"""The standfirst (dek, subtitle) under the headline: its own field, out of the body."""

from __future__ import annotations

import pytest
from tests.extract.corpus import corpus_page

from redline.extract import ExtractRules, extract, region_fingerprint
from redline.extract.standfirst import without_standfirst

BODY = [
    "Officials from the US and South Korea said that further talks are needed to revise their free-trade pact, a negotiation straining ties between the allies.",
    "The US on Friday presented proposals to improve auto exports and lift trade barriers during a meeting with South Korean counterparts in Washington.",
    "While both sides agreed to hold more talks soon, South Korea’s top negotiator said afterward that “the negotiation is not easy,” Yonhap reported.",
    "Stangarone said trade in cars was likely to be a major focus of talks, given the US’ US$18.8 billion vehicle trade gap with South Korea.",
]
DEK = "Both sides want a better deal for carmakers, but neither will say what it would give up"


def page(header: str = "", inside: str = "", after: str = "", head: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in BODY)
    return (
        f"<html lang='en'><head><title>US, Seoul need more trade talks</title>{head}</head><body>"
        "<nav><a href='/'>Home</a><a href='/world'>World</a></nav><main>"
        f"<header><h1>US, Seoul need more trade talks</h1>{header}</header>"
        f"<article>{inside}{paras}</article>{after}</main></body></html>"
    )


@pytest.mark.parametrize(
    "markup",
    [
        f'<p itemprop="alternativeHeadline">{DEK}</p>',
        f'<h2 class="dek">{DEK}</h2>',
        f'<div class="article__standfirst"><p>{DEK}</p></div>',
        f'<p class="sub-title">{DEK}</p>',
        f'<h2 class="articleSubheadline">{DEK}</h2>',
        f'<p class="strapline">{DEK}</p>',
        f'<p class="summary">{DEK}</p>',  # 'summary' counts in the article header
    ],
)
def test_standfirst_found_by_markup_and_kept_out_of_the_body(markup: str) -> None:
    ext = extract(page(header=markup), "https://example.com/a")
    assert ext.standfirst == DEK
    assert ext.paragraphs == tuple(BODY)
    assert ext.to_dict()["standfirst"] == DEK


def test_standfirst_in_the_body_container_leaves_the_body() -> None:
    # trafilatura reads the dek as the first paragraph when it sits in the article
    ext = extract(page(inside=f'<p class="dek">{DEK}</p>'), "https://example.com/a")
    assert ext.standfirst == DEK
    assert ext.paragraphs == tuple(BODY)


def test_no_markup_no_standfirst_and_a_meta_description_is_not_enough() -> None:
    # many sites put their first paragraph in the description: it stays body text
    head = f'<meta name="description" content="{BODY[0]}"><meta property="og:description" content="{BODY[0]}">'
    ext = extract(page(head=head), "https://example.com/a")
    assert ext.standfirst is None
    assert ext.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    "where",
    [
        # a subheading inside the story, after its first paragraph
        {"inside": ""},
        # a teaser box's dek, a 'Why It Matters' aside, a sidebar
        {"after": f'<aside class="why-it-matters"><p class="dek">{DEK}</p></aside>'},
        {"after": f'<div class="related"><p class="dek">{DEK}</p></div>'},
        {"header": f'<ul><li><a href="/b">Other story</a><p class="dek">{DEK}</p></li></ul>'},
        # far too short, or far too long to be a standfirst
        {"header": '<p class="dek">Analysis</p>'},
        {"header": f'<p class="dek">{" ".join(BODY)}</p>'},
        # a site's tagline, a photo's caption
        {"header": f'<div id="logo"><p class="sub_title">{DEK}</p></div>'},
        {"header": f'<p class="site-description">{DEK}</p>'},
        {
            "header": f'<div class="header-image"><div><div><p class="description">{DEK}</p></div></div></div>'
        },
        {"header": f'<div class="image-subtitle">{DEK}</div>'},
        # 'summary' outside the article header: a teaser text
        {"after": f'<section><div><p class="summary">{DEK}</p></div></section>'},
        # a dateline named as a subtitle (handball.ch), a sort control (stackexchange)
        {"header": '<p class="subtitle">Handball Schweiz • 02.02.2022</p>'},
        {
            "header": '<div class="subheader">6 Answers <label>Sorted by:</label> <select>'
            "<option>Highest score (default)</option><option>Date modified</option></select></div>"
        },
    ],
)
def test_no_standfirst_from_subheadings_teasers_and_asides(where: dict[str, str]) -> None:
    html = page(**where)
    if where == {"inside": ""}:  # an <h2 class="subtitle"> after the first paragraph
        html = html.replace(f"<p>{BODY[1]}</p>", f'<h2 class="subtitle">{DEK}</h2><p>{BODY[1]}</p>')
    ext = extract(html, "https://example.com/a")
    assert ext.standfirst is None


def test_source_rule_wins() -> None:
    html = page(
        header=f'<h2 class="dek">{DEK}</h2><div class="kicker-text">Talks go on, for now</div>'
    )
    ext = extract(html, "https://example.com/a", ExtractRules(standfirst="div.kicker-text"))
    assert ext.standfirst == "Talks go on, for now"


def test_without_standfirst_only_from_the_first_paragraphs() -> None:
    body = ("a b c", "x y z", "d e f", "g h i", "S s s.")
    assert without_standfirst(body, "x, y z") == ("a b c", "d e f", "g h i", "S s s.")
    assert without_standfirst(body, "S s s") == body  # far down: body text that repeats it
    assert without_standfirst(body, None) == body


def test_fingerprint_sees_a_standfirst_edit_outside_the_container() -> None:
    a = page(header=f'<h2 class="dek">{DEK}</h2>')
    b = page(header=f'<h2 class="dek">{DEK.replace("carmakers", "farmers")}</h2>')
    assert region_fingerprint(a) is not None
    assert region_fingerprint(a) != region_fingerprint(b)


@pytest.mark.parametrize(
    ("name", "standfirst"),
    [
        ("ok.co.uk1", "The actor has reportedly popped the question to his girlfriend of a year"),
        ("adoption.com1", "Choose your words wisely."),
        (
            "architecturaldigest.com1",
            "Architect Marwan Al-Sayed and designer Jan Showers craft a majestic modern sanctuary in the Arizona desert",
        ),
        ("slate.com2", None),  # its og:description is the first body paragraph: body it stays
    ],
)
def test_real_pages(name: str, standfirst: str | None) -> None:
    html = corpus_page(name)
    ext = extract(html, None)
    assert ext.standfirst == standfirst
    if standfirst:
        assert standfirst not in ext.paragraphs
