"""Is a capture that differs from the latest version different only by furniture? Used by the
checker before it writes a version and by ``redline reextract`` when it rebuilds history, so
both decide alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redline.extract.furniture import apply_learned, furniture_key
from redline.extract.model import ExtractRules
from redline.furniture.density import link_density
from redline.furniture.policy import Block, FurniturePolicy, judge_rotation

READ_ALIKE = "extraction changed: the latest version's page reads the same today"


@dataclass(frozen=True)
class Body:
    """What a version is made of, for comparison."""

    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class OnlyFurniture:
    """The capture is the latest version plus or minus furniture: ``unchanged`` with ``reason``;
    ``rotating`` are the blocks seen rotating (to learn)."""

    reason: str
    rotating: tuple[Block, ...] = ()


def without_learned(
    paragraphs: Sequence[str], rules: ExtractRules | None, keep: Sequence[str] = ()
) -> tuple[str, ...]:
    """A stored body seen with today's learned rules (``keep``: blocks the new capture kept, so
    a block protected there is kept here too)."""
    kept, _ = apply_learned(tuple(paragraphs), rules, frozenset(furniture_key(p) for p in keep))
    return kept


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
    if (latest.title, latest.byline) != (current.title, current.byline):
        return None
    before = without_learned(latest.paragraphs, rules, current.paragraphs)
    if before == current.paragraphs:
        n = len(latest.paragraphs) - len(before)
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
    return OnlyFurniture(rotation.reason, rotation.blocks)


def read_alike(current: Body, latest_today: Body | None) -> OnlyFurniture | None:
    """``latest_today`` is the latest version's own page extracted again with today's extractor
    and rules. When the capture equals it, the page did not change, the way it is read did (an
    upgrade, a new exclude selector), and that is no version. Asked last: it costs an
    extraction, and the furniture decisions before it also learn."""
    return OnlyFurniture(READ_ALIKE) if latest_today == current else None
