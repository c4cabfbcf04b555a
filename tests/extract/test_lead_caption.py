"""The lead image's caption (the photo above the story): a field of its own, never body text."""

from __future__ import annotations

import pytest
from tests.extract.corpus import corpus_page

from redline.extract import extract, region_fingerprint

BODY = [
    "Officials from the US and South Korea said that further talks are needed to revise their free-trade pact, a negotiation straining ties between the allies.",
    "The US on Friday presented proposals to improve auto exports and lift trade barriers during a meeting with South Korean counterparts in Washington.",
    "While both sides agreed to hold more talks soon, South Korea’s top negotiator said afterward that “the negotiation is not easy,” Yonhap reported.",
    "Stangarone said trade in cars was likely to be a major focus of talks, given the US’ US$18.8 billion vehicle trade gap with South Korea.",
]
CAPTION = "Trade negotiators meet in Washington on Friday"


def page(hero: str = "", inside: str = "", after: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in BODY)
    return (
        "<html lang='en'><head><title>US, Seoul need more trade talks</title></head><body>"
        "<nav><a href='/'>Home</a><a href='/world'>World</a></nav><main>"
        f"<h1>US, Seoul need more trade talks</h1>{hero}"
        f"<div id='body-content'>{inside}{paras}</div>{after}</main></body></html>"
    )


@pytest.mark.parametrize(
    "hero",
    [
        f'<div id="hero-portrait"><img src="/a.jpg"><p class="hero-caption">{CAPTION}</p></div>',
        f'<figure><img src="/a.jpg"><figcaption>{CAPTION}</figcaption></figure>',
        f'<figure><picture><img src="/a.jpg"></picture><figcaption>{CAPTION}'
        ' <span class="credit">Photo: Jane Doe/Reuters</span></figcaption></figure>',
        f'<div class="wp-caption"><img src="/a.jpg"><p class="wp-caption-text">{CAPTION}</p></div>',
    ],
)
def test_lead_caption_found_and_not_body(hero: str) -> None:
    ext = extract(page(hero=hero), "https://example.com/a")
    assert ext.lead_caption == CAPTION
    assert ext.paragraphs == tuple(BODY)
    assert ext.to_dict()["lead_caption"] == CAPTION


@pytest.mark.parametrize(
    "where",
    [
        {},  # no photo
        {"hero": f"<p class='hero-caption'>{CAPTION}</p>"},  # a caption with no image
        # a teaser's, a sidebar's, a linked card's photo
        {
            "hero": f'<div class="related"><figure><img src="/b.jpg"><figcaption>{CAPTION}</figcaption></figure></div>'
        },
        {
            "hero": f'<a href="/b"><figure><img src="/b.jpg"><figcaption>{CAPTION}</figcaption></figure></a>'
        },
        {
            "hero": f'<ul><li><figure><img src="/b.jpg"><figcaption>{CAPTION}</figcaption></figure></li></ul>'
        },
        # too short, or only a credit
        {"hero": '<figure><img src="/a.jpg"><figcaption>Washington</figcaption></figure>'},
        {
            "hero": '<figure><img src="/a.jpg"><figcaption>Photo: Jane Doe/Reuters</figcaption></figure>'
        },
        {
            "hero": '<figure><img src="/a.jpg"><figcaption>Bloomberg via Getty Images</figcaption></figure>'
        },
        # a hero's headline block named 'caption'
        {
            "hero": f'<div><img src="/a.jpg"><div class="caption"><h2>{CAPTION}</h2><span>By Jane</span></div></div>'
        },
        # after the story has begun: a photo among the paragraphs (body text, or nothing)
        {"after": f'<figure><img src="/c.jpg"><figcaption>{CAPTION}</figcaption></figure>'},
    ],
)
def test_no_lead_caption(where: dict[str, str]) -> None:
    ext = extract(page(**where), "https://example.com/a")
    assert ext.lead_caption is None


def test_a_caption_among_the_paragraphs_stays_body_text() -> None:
    fig = f'<figure><img src="/a.jpg"><figcaption>{CAPTION} and the story goes on</figcaption></figure>'
    html = page().replace(f"<p>{BODY[1]}</p>", f"<p>{BODY[1]}</p>{fig}")
    ext = extract(html, "https://example.com/a")
    assert ext.lead_caption is None
    assert f"{CAPTION} and the story goes on" in ext.paragraphs


def test_fingerprint_sees_a_lead_caption_edit_outside_the_container() -> None:
    def hero_page(caption: str) -> str:
        paras = "".join(f"<p>{p}</p>" for p in BODY)
        return (
            "<html><body><h1>US, Seoul need more trade talks</h1><div id='hero'>"
            f"<img src='/a.jpg'><p class='hero-caption'>{caption}</p></div>"
            f"<article>{paras}</article></body></html>"
        )

    a, b = hero_page(CAPTION), hero_page(CAPTION.replace("Friday", "Thursday"))
    assert region_fingerprint(a) is not None
    assert region_fingerprint(a) != region_fingerprint(b)
    assert extract(b, None).lead_caption == CAPTION.replace("Friday", "Thursday")


@pytest.mark.parametrize(
    ("name", "caption"),
    [
        ("graziadaily.co.uk1", "Lady Gaga out and about in New York City [Getty]"),
        ("graziadaily.co.uk2", "Carey Mulligan and Dianna Agron at ASW Winter Weekend [Rex]"),
        ("about.com2", "Gene Mutations in Lung Cancer."),  # its credit span left out
        ("slate.com2", None),
    ],
)
def test_real_pages(name: str, caption: str | None) -> None:
    ext = extract(corpus_page(name), None)
    assert ext.lead_caption == caption
    if caption:
        assert caption not in ext.paragraphs
