"""The newsroom's articles and the scripted edits that happen to them round by round.

The script is the ground truth of the integration tests: ``expected_versions`` counts only real
content edits (headline, standfirst, byline, body); whitespace, markup, furniture, paywall and 503 rounds
are noise that must never become versions.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from redline.testing.newsroom.content import (
    CAPTIONS,
    CORRECTION,
    LEAD_CAPTIONS,
    NEW_PARAGRAPH,
    REPORTERS,
    STANDFIRST_REWRITES,
    fill,
    make_article,
    make_caption,
    make_lead_caption,
    make_standfirst,
    slugify,
)
from redline.testing.newsroom.moves import MOVE_EDITS, apply_move

REAL_EDITS = frozenset(
    {
        "typo_fix",
        "headline",
        "standfirst",
        "caption",
        "lead_caption",
        "paragraph_added",
        "paragraph_removed",
        "number",
        "quote",
        "correction",
        "byline",
    }
)
NOISE = frozenset({"whitespace", "markup", "paywall", "unavailable"})
STATUS_EDITS = {
    "delete": "deleted",
    "gone": "gone",
    "redirect_article": "redirected",
    "redirect_home": "redirected",
    "redirect_section": "redirected",
}

# (round, article index, edit). Article 12 and 13 appear in round 2 (new in the feeds).
DEFAULT_SCRIPT: list[tuple[int, int, str]] = [
    (1, 0, "typo_fix"),
    (1, 1, "paragraph_added"),
    (1, 4, "whitespace"),
    (1, 9, "unavailable"),
    (2, 2, "paragraph_removed"),
    (2, 3, "correction"),
    (2, 4, "markup"),
    (2, 8, "paywall"),
    (2, 12, "new_article"),
    (2, 13, "new_article"),
    (3, 0, "headline"),
    (3, 5, "delete"),
    (3, 6, "gone"),
    (3, 9, "quote"),
    (4, 1, "number"),
    (4, 7, "redirect_article"),
    (4, 12, "headline"),
    (5, 10, "byline"),
    (5, 11, "number"),
    (5, 13, "redirect_home"),
    (6, 3, "paragraph_added"),
    (6, 4, "whitespace"),
    (7, 2, "move"),
    (7, 10, "redirect_section"),
    (8, 2, "correction"),
    # Moves to a new slug (testing/newsroom/moves.py): one found through its old URL's redirect,
    # one whose new URL the homepage lists at once (headline rewritten in the same round).
    (5, 1, "rename"),
    (6, 11, "rename_listed"),
    (6, 11, "headline"),
    (8, 1, "quote"),
    (8, 11, "correction"),
    (7, 0, "standfirst"),
    (8, 9, "standfirst"),
    (6, 9, "caption"),
    (4, 2, "caption"),  # an article whose JSON-LD articleBody has no caption
    (7, 3, "lead_caption"),  # the lead photo's caption corrected (figure in the header)
    (5, 0, "lead_caption"),  # ... and a hero's, outside <article>
]
SCRIPT_ROUNDS = max(r for r, _, _ in DEFAULT_SCRIPT)

# `redline demo` (12 articles): every kind of edit in the first five rounds, so a newcomer sees
# each one within minutes; article 11 appears in round 1. Random edits follow.
DEMO_SCRIPT: list[tuple[int, int, str]] = [
    (1, 0, "typo_fix"),
    (1, 1, "headline"),
    (1, 2, "quote"),
    (1, 3, "byline"),
    (1, 4, "whitespace"),
    (1, 9, "unavailable"),
    (1, 11, "new_article"),
    (2, 5, "delete"),
    (2, 6, "redirect_section"),
    (2, 7, "number"),
    (2, 8, "paragraph_added"),
    (2, 9, "paywall"),
    (2, 4, "markup"),
    (3, 0, "headline"),
    (3, 1, "correction"),
    (3, 10, "redirect_home"),
    (3, 2, "paragraph_removed"),
    (4, 3, "gone"),
    (4, 11, "headline"),
    (4, 7, "quote"),
    (4, 9, "redirect_article"),
    (5, 8, "byline"),
    (5, 2, "number"),
    (5, 0, "correction"),
    (5, 4, "move"),
    (5, 1, "standfirst"),
    (4, 1, "caption"),
    (4, 0, "lead_caption"),
]
STATIC_EVERY = 11  # every 11th article is served without furniture and with an ETag


@dataclass
class Article:
    index: int
    slug: str
    title: str
    byline: str
    paragraphs: list[str]
    published: datetime
    modified: datetime
    standfirst: str = ""  # the sentence under the headline (a field, not body text)
    caption: str = ""  # a photo's caption after the second paragraph (body text)
    lead_caption: str = ""  # the caption of the photo above the story (a field)
    visible: bool = True
    status: str = "live"
    redirect_to: str | None = None
    moved_to: str | None = None  # the story moved here; its old path redirects (still live)
    static: bool = False
    jsonld_body: bool = False
    whitespace: int = 0
    markup: int = 0
    paywalled: bool = False
    unavailable: bool = False
    versions: int = 1
    edits: list[str] = field(default_factory=list)
    history: list[ExpectedVersion] = field(default_factory=list)

    def body(self) -> tuple[str, ...]:
        """The paragraphs a reader sees: the story's, with the photo caption after the second."""
        if not self.caption or len(self.paragraphs) < 2:
            return tuple(self.paragraphs)
        return (*self.paragraphs[:2], self.caption, *self.paragraphs[2:])

    def snapshot(self) -> None:
        """Record the current content as the next expected version."""
        self.history.append(
            ExpectedVersion(
                self.title,
                self.byline,
                self.body(),
                self.standfirst or None,
                self.lead_caption or None,
            )
        )


@dataclass(frozen=True)
class ExpectedVersion:
    """What a reader saw in one real version of an article (the integration tests' truth)."""

    title: str
    byline: str
    paragraphs: tuple[str, ...]
    standfirst: str | None = None
    lead_caption: str | None = None


@dataclass(frozen=True)
class AppliedEdit:
    round: int
    slug: str
    kind: str


class Newsroom:
    """The site's state, safe to read from the server thread while a test advances it."""

    def __init__(
        self,
        n_articles: int = 14,
        seed: int = 1,
        script: list[tuple[int, int, str]] | None = None,
        furniture: bool = True,
        random_edits_after_script: bool = False,
        in_body_furniture: bool = True,
    ) -> None:
        self.seed = seed
        self.furniture = furniture
        # rotating teasers, a sign-up box and a credit line inside the article body
        # (testing/newsroom/furniture.py); off, all furniture stays outside it
        self.in_body_furniture = in_body_furniture
        self.script = list(DEFAULT_SCRIPT if script is None else script)
        self.random_edits = random_edits_after_script
        self.round = 0
        self.lock = threading.RLock()
        self.requests = 0
        self.latency = 0.0  # seconds each article page takes (fault tests: workers mid-batch)
        self._rng = random.Random(seed)
        now = datetime.now(UTC).replace(microsecond=0)
        appearing = {i for _, i, kind in self.script if kind == "new_article"}
        self.articles: list[Article] = []
        for i in range(n_articles):
            title, paragraphs, byline = make_article(i, seed)
            published = now - timedelta(minutes=7 * (i + 1))
            art = Article(
                index=i,
                slug=f"{slugify(title)}-{i}",
                title=title,
                byline=byline,
                paragraphs=paragraphs,
                published=published,
                modified=published,
                standfirst=make_standfirst(i, seed),
                caption=make_caption(i, seed),
                lead_caption=make_lead_caption(i, seed),
                visible=i not in appearing,
                static=i % STATIC_EVERY == STATIC_EVERY - 1,
                jsonld_body=i % 2 == 0,
            )
            self._prepare(art)
            art.snapshot()
            self.articles.append(art)
        self.by_slug = {a.slug: a for a in self.articles}
        self.renamed: dict[str, str] = {}  # new slug -> the story's first slug (moves.py)
        self.listed_moves: set[str] = set()  # stories whose new URL the homepage links

    def _prepare(self, art: Article) -> None:
        """Plant what the scripted edits will change: a typo to fix, a figure, a quote."""
        kinds = {k for _, i, k in self.script if i == art.index}
        if "typo_fix" in kinds:
            art.paragraphs[1] = re.sub(r"\b(said)\b", "siad", art.paragraphs[1], count=1)
            if "siad" not in art.paragraphs[1]:
                art.paragraphs[1] += " The mayor siad little."
        if "number" in kinds:
            art.paragraphs[0] += " The final bill came to $17 billion, officials said."
        if "quote" in kinds:
            art.paragraphs[2] += " “This is a good day for the city,” the mayor said."

    # ---- what tests ask --------------------------------------------------------------------

    @property
    def slugs(self) -> list[str]:
        return [a.slug for a in self.articles]

    def article_path(self, slug: str) -> str:
        a = self.by_slug[slug]
        return f"/news/{a.published:%Y/%m}/{slug}.html"

    def expected_versions(self, slug: str) -> int:
        with self.lock:
            a = self.by_slug[slug]
            return a.versions if a.visible else 0

    def expected_history(self, slug: str) -> list[ExpectedVersion]:
        """Each version the article should have, oldest first: its first content, then one per
        real edit (noise never adds one)."""
        with self.lock:
            a = self.by_slug[slug]
            return list(a.history) if a.visible else []

    def expected_status(self, slug: str) -> str:
        with self.lock:
            return self.by_slug[slug].status

    def visible_articles(self) -> list[Article]:
        with self.lock:
            return sorted(
                (a for a in self.articles if a.visible), key=lambda a: a.published, reverse=True
            )

    # ---- the script ------------------------------------------------------------------------

    def advance(self) -> list[AppliedEdit]:
        """Apply the next round of edits; returns what was applied."""
        with self.lock:
            self.round += 1
            for a in self.articles:
                a.paywalled = a.unavailable = False
            edits = [
                (i, k) for r, i, k in self.script if r == self.round and i < len(self.articles)
            ]
            if self.random_edits and self.round > max((r for r, _, _ in self.script), default=0):
                edits += self._random_round()
            applied = []
            for i, kind in edits:
                art = self.articles[i]
                if art.status != "live" and kind != "new_article":
                    continue
                self._apply(art, kind)
                applied.append(AppliedEdit(self.round, art.slug, kind))
            return applied

    def _random_round(self) -> list[tuple[int, str]]:
        live = [a.index for a in self.articles if a.status == "live" and a.visible]
        kinds = [
            "headline",
            "paragraph_added",
            "number",
            "quote",
            "correction",
            "whitespace",
            "markup",
            "byline",
        ]
        # (no 'standfirst' here: the scripted ones cover it, and a longer list would reshuffle
        # every random round after it)
        # two different articles: two real edits of one article in one round are one version
        # to anyone who looks once per round
        return [(i, self._rng.choice(kinds)) for i in self._rng.sample(live, min(2, len(live)))]

    def _apply(self, art: Article, kind: str) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        rng = random.Random(self.seed * 7919 + self.round * 31 + art.index)
        if kind == "new_article":
            art.visible = True
            art.published = art.modified = now
            return
        if kind in MOVE_EDITS:
            apply_move(self, art, kind)
            return
        art.edits.append(kind)
        if kind == "typo_fix":
            if "siad" in " ".join(art.paragraphs):
                art.paragraphs = [p.replace("siad", "said", 1) for p in art.paragraphs]
            else:  # nothing planted (random rounds): a small addition instead
                art.paragraphs[-1] += " Officials declined to comment."
        elif kind == "headline":
            art.title = f"{art.title} as {rng.choice(['protests grow', 'pressure mounts', 'talks stall', 'costs rise'])}"
        elif kind == "standfirst":  # editors rewrite the dek like the headline
            art.standfirst = fill(rng.choice(STANDFIRST_REWRITES), rng)
        elif kind == "caption":  # the photo's caption corrected (a misnamed person, a place)
            art.caption = next(
                c for c in (fill(rng.choice(CAPTIONS), rng) for _ in range(20)) if c != art.caption
            )
        elif kind == "lead_caption":  # the lead photo's caption corrected ('misidentified')
            art.lead_caption = next(
                c
                for c in (fill(rng.choice(LEAD_CAPTIONS), rng) for _ in range(20))
                if c != art.lead_caption
            )
        elif kind == "paragraph_added":
            art.paragraphs.insert(min(2, len(art.paragraphs)), fill(NEW_PARAGRAPH, rng))
        elif kind == "paragraph_removed":
            del art.paragraphs[min(3, len(art.paragraphs) - 1)]
        elif kind == "number":
            text = art.paragraphs[0]
            new = re.sub(r"\$17 billion", "$27.6 billion", text, count=1)
            art.paragraphs[0] = (
                new if new != text else text + f" The total rose to ${rng.randint(30, 90)} million."
            )
        elif kind == "quote":
            for k, p in enumerate(art.paragraphs):
                if "“" in p:
                    art.paragraphs[k] = re.sub(
                        r"“[^”]*”",
                        "“This is a difficult but necessary day for all of us,”",
                        p,
                        count=1,
                    )
                    break
            else:
                art.paragraphs.append("“We will not give up,” a resident said.")
        elif kind == "correction":
            art.paragraphs.append(CORRECTION)
        elif kind == "byline":
            named = art.byline.split(" and ")
            extra = next((r for r in REPORTERS if r not in named), None)
            art.byline = f"{extra} and {art.byline}" if extra else named[0]
        elif kind == "whitespace":
            art.whitespace += 1
        elif kind == "markup":
            art.markup += 1
        elif kind == "paywall":
            art.paywalled = True
        elif kind == "unavailable":
            art.unavailable = True
        elif kind in ("delete", "gone"):
            art.status = STATUS_EDITS[kind]
        elif kind == "redirect_article":
            target = next(
                a for a in self.articles if a.status == "live" and a.visible and a is not art
            )
            art.status, art.redirect_to = "redirected", self.article_path(target.slug)
        elif kind == "redirect_home":
            art.status, art.redirect_to = "redirected", "/"
        elif kind == "redirect_section":
            art.status, art.redirect_to = "redirected", "/world/"
        elif kind == "move":  # same story, new address: tracking must carry on
            art.moved_to = f"/news/archive/{art.slug}.html"
        if kind in REAL_EDITS:
            art.versions += 1
            art.modified = now
            art.snapshot()
