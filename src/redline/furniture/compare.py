"""Is a capture that differs from the latest version different only by furniture? Used by the
checker before it writes a version, and through ``collapses`` by ``redline reextract`` when it
rebuilds history and ``redline backfill`` when it reads an archive's copies, so all three decide
alike.

The latest version is first seen as today's extractor would have stored it (``seen_today``):
a version stored before the standfirst was a field has none, and the standfirst as one of its
first paragraphs, or (when the old extractor left it out) in its page only. Seen today it has
that standfirst as a field and not in its body, so the upgrade alone never makes a version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from selectolax.lexbor import LexborHTMLParser

from redline.extract.furniture import apply_learned, furniture_key
from redline.extract.model import ExtractRules
from redline.extract.standfirst import without_standfirst
from redline.furniture.density import link_density
from redline.furniture.policy import Block, FurniturePolicy, judge_rotation
from redline.versions.policy import Reading, hash_of

SAME_CONTENT = "the same content"
READ_ALIKE = "extraction changed: the latest version's page reads the same today"


@dataclass(frozen=True)
class Body:
    """What a version is made of, for comparison."""

    title: str
    byline: str | None
    paragraphs: tuple[str, ...]
    standfirst: str | None = None
    lead_caption: str | None = None  # the lead image's caption (extract/leadcaption.py)

    @classmethod
    def of(cls, r: Reading) -> Body:
        """The body of an extraction or of a stored version."""
        return cls(r.title, r.byline, r.paragraphs, r.standfirst, r.lead_caption)


@dataclass(frozen=True)
class OnlyFurniture:
    """The capture is the latest version plus or minus furniture: ``unchanged`` with ``reason``;
    ``rotating`` are the blocks seen rotating with evidence of their own, to learn (not those
    that only flipped back: ``Rotation.learnable``)."""

    reason: str
    rotating: tuple[Block, ...] = ()


def without_learned(
    paragraphs: Sequence[str], rules: ExtractRules | None, keep: Sequence[str] = ()
) -> tuple[str, ...]:
    """A stored body seen with today's learned rules (``keep``: blocks the new capture kept, so
    a block protected there is kept here too)."""
    kept, _ = apply_learned(tuple(paragraphs), rules, frozenset(furniture_key(p) for p in keep))
    return kept


def seen_today(latest: Body, current: Body, latest_html: str | None = None) -> Body:
    """``latest`` as today's extractor would have stored it, as far as the standfirst goes.

    Only a version without a standfirst changes, and only for the standfirst ``current`` has:
    when it is one of the latest version's first paragraphs, it moves out of the body into the
    field; when the latest version's page (``latest_html``) held it though the body did not (an
    extractor before the field left it out), it becomes the field. Else the latest version
    really had none, and a standfirst that appears now is an edit."""
    sf = current.standfirst
    if latest.standfirst is not None or not sf:
        return latest
    moved = without_standfirst(latest.paragraphs, sf)
    if moved != latest.paragraphs and moved:
        return replace(latest, paragraphs=moved, standfirst=sf)
    if latest_html and _page_holds(latest_html, sf):
        return replace(latest, standfirst=sf)
    return latest


def _page_holds(html: str, text: str) -> bool:
    try:
        tree = LexborHTMLParser(html)
    except Exception:
        return False
    root = tree.body or tree.root
    if root is None:
        return False
    for node in root.css("script, style, noscript, template"):
        node.decompose()
    return furniture_key(text) in furniture_key(root.text(deep=True, separator=" ") or "")


def only_furniture(
    latest: Body,
    current: Body,
    *,
    rules: ExtractRules | None,
    policy: FurniturePolicy,
    html: str | None = None,
    latest_html: str | None = None,
    earlier: Sequence[str] = (),
) -> OnlyFurniture | None:
    """None when ``current`` really differs from ``latest``; else why it does not."""
    today = seen_today(latest, current, latest_html)
    upgraded = today != latest
    latest = today
    if (latest.title, latest.byline, latest.standfirst, latest.lead_caption) != (
        current.title,
        current.byline,
        current.standfirst,
        current.lead_caption,
    ):
        return None
    before = without_learned(latest.paragraphs, rules, current.paragraphs)
    if before == current.paragraphs:
        n = len(latest.paragraphs) - len(before)
        if upgraded and n == 0:
            return OnlyFurniture("standfirst: the latest version's, read as a field today")
        return OnlyFurniture(f"learned furniture: {n} block(s) of the latest version")
    changed = set(before) ^ set(current.paragraphs)
    density = link_density(html, changed)
    missing = [p for p in changed if furniture_key(p) not in density]
    if missing and latest_html:
        density = {**link_density(latest_html, missing), **density}
    rotation = judge_rotation(
        before,
        current.paragraphs,
        titles=rules.teaser_titles if rules else frozenset(),
        density=density,
        earlier=without_learned(earlier, rules),
        policy=policy,
    )
    if rotation is None:
        return None
    return OnlyFurniture(rotation.reason, rotation.learnable)


def collapses(
    before: Body,
    after: Body,
    *,
    rules: ExtractRules | None,
    policy: FurniturePolicy,
    html: str | None = None,
    before_html: str | None = None,
    earlier: Sequence[str] = (),
) -> OnlyFurniture | None:
    """Why ``after`` is no version after ``before`` in a history walked oldest first (the same
    content, or only furniture between them, with the blocks seen rotating), or None when it is
    one. ``html`` and ``before_html`` are their pages, ``earlier`` the paragraphs of the version
    before ``before`` (a block flipping back to what it was is rotating)."""
    if hash_of(before) == hash_of(after):
        return OnlyFurniture(SAME_CONTENT)
    return only_furniture(
        before,
        after,
        rules=rules,
        policy=policy,
        html=html,
        latest_html=before_html,
        earlier=earlier,
    )


def read_alike(current: Body, latest_today: Body | None) -> OnlyFurniture | None:
    """``latest_today`` is the latest version's own page extracted again with today's extractor
    and rules. When the capture equals it, the page did not change, the way it is read did (an
    upgrade, a new exclude selector), and that is no version. Asked last: it costs an
    extraction, and the furniture decisions before it also learn."""
    return OnlyFurniture(READ_ALIKE) if latest_today == current else None
