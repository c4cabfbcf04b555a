"""Real-site furniture INSIDE the article body, as real CMSs emit it (the markup follows pages of
shared/corpus: tynt/"Read more:" links, Guardian rich links, inline sign-up boxes, politician
hover cards, credit lines). Teasers name other stories of the site and change on every request;
the sign-up box and the credit line are the same on every article (template furniture). A
plain-text call-out (no link, no label: nothing on the page says it is furniture) carries the
same campaign on every article, and a new campaign from round ``CAMPAIGN_ROUND`` on: its place
in the template is all that gives it away.

Below the body, still inside <article>: a members' promo tile (slate.com) whose link is an
empty <a> laid over the section, time, headline and blurb of another story, and a newsletter
form whose tagline is A/B tested (youbeauty.com's 'Smart is sexy - get our newsletter:').

None of it is article text: ``Newsroom.expected_history`` never contains it.
"""

from __future__ import annotations

import random
from html import escape

from redline.testing.newsroom.content import PEOPLE
from redline.testing.newsroom.state import Article, Newsroom

SIGNUP = (
    "Get The Daily Redline briefing: the day's top stories, explained, every weekday morning "
    "before 7am."
)
CREDIT = "Additional reporting by the Daily Redline news desk; editing by the night team."
CAMPAIGN_ROUND = 3
CAMPAIGNS = (
    "Our reader panel meets at the town hall on Thursday evening; everyone is welcome to come.",
    "The Daily Redline podcast this week: the people behind the city's new night bus routes.",
    "Win two tickets to the winter lights festival in our reader competition this weekend.",
    "Tell the newsroom what we missed this year: our annual reader survey is open until Friday.",
)


def campaign(round_: int) -> str:
    """The call-out's text in a round: the launch campaign, then a new one each round."""
    if round_ < CAMPAIGN_ROUND:
        return CAMPAIGNS[0]
    return CAMPAIGNS[1 + (round_ - CAMPAIGN_ROUND) % (len(CAMPAIGNS) - 1)]


TAGLINES = ("Smart is sexy", "Stay a step ahead", "Know more than your neighbours")


def promo_tile(room: Newsroom, a: Article, rng: random.Random) -> str:
    """Another story as a tile: no link text at all, the link is an empty <a> over it."""
    others = _others(room, a, rng, 1)
    if not others:
        return ""
    o = others[0]
    return (
        '<div class="story-box-members"><a class="primary" href="/members"></a><h2>Members</h2>'
        f'<div class="tile"><a class="primary" href="{room.article_path(o.slug)}"></a>'
        f'<p class="rubrik">Behind the Scenes · {o.published:%b. %d %Y %I:%M %p}</p>'
        f"<h3>{escape(o.title)}</h3><p>{escape(o.paragraphs[0][:90])}</p></div></div>"
    )


def signup_form(rng: random.Random) -> str:
    """A newsletter form with a tagline that no phrase list knows, changing per request."""
    return (
        f'<div class="bottom-content"><p>{escape(rng.choice(TAGLINES))} - get our newsletter:</p>'
        '<div class="nl"><form action="/newsletter" '
        'method="post"><input type="email" name="email"><input type="submit" value="Go">'
        "</form></div></div>"
    )


def _others(room: Newsroom, a: Article, rng: random.Random, n: int) -> list[Article]:
    pool = [o for o in room.articles if o.visible and o.status == "live" and o is not a]
    return rng.sample(pool, min(n, len(pool)))


def in_body_blocks(room: Newsroom, a: Article, rng: random.Random) -> dict[int, str]:
    """Blocks to insert after body paragraph ``i`` (key): rotating teasers (a label-prefixed
    'Read more:', a 'Related:' rich link, a hover card pairing a name with another story's
    headline), the sign-up box, and the credit line after the last paragraph."""
    others = _others(room, a, rng, 3)
    blocks: dict[int, list[str]] = {}
    n = len(a.paragraphs)

    def put(after: int, html: str) -> None:
        blocks.setdefault(min(after, n - 1), []).append(html)

    if others:
        o = others[0]
        put(
            1,
            f'<p><strong>Read more:</strong> <a href="{room.article_path(o.slug)}">'
            f"{escape(o.title)}</a></p>",
        )
    if len(others) > 1:
        o = others[1]
        put(
            3,
            '<aside class="element-rich-link"><p><span>Related: </span>'
            f'<a href="{room.article_path(o.slug)}">{escape(o.title)}</a></p></aside>',
        )
    if len(others) > 2:
        o = others[2]
        name = PEOPLE[(a.index + rng.randint(0, 3)) % len(PEOPLE)]
        put(
            2,
            f'<p class="hovercard"><a href="/people/{escape(name.split()[0].lower())}">'
            f'{escape(name)}</a> · <a href="{room.article_path(o.slug)}">{escape(o.title)}</a></p>',
        )
    put(2, f'<div class="inline-signup"><p>{escape(SIGNUP)}</p></div>')
    put(3, f'<div class="reader-callout"><p>{escape(campaign(room.round))}</p></div>')
    put(2, promo_tile(room, a, rng))
    put(n - 1, f"<p><em>{escape(CREDIT)}</em></p>" + signup_form(rng))
    return {k: "".join(v) for k, v in blocks.items()}
