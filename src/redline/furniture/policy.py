"""Pure decisions about a source's furniture: what its template repeats across articles, and
whether two captures of one article differ only by furniture that rotates between fetches.

Storage keeps the counts; these functions only look at texts and return decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from redline.extract.furniture import furniture_key, teaser_match

TEASER_DENSITY = 0.8  # a block this much link is a teaser line whatever word changed in it
FLIP_BACK_WORDS = 30  # longest block a flip back (A→B→A) may hide: a box or a teaser line


class RuleKind(StrEnum):
    """What a learned (or configured) furniture rule matches."""

    TEXT = "text"  # a block text the source's template repeats in many articles
    TEASER = "teaser"  # the headline of another article of the source, maybe after a label
    SELECTOR = "selector"  # a CSS selector from the sources file (exclude_selectors)
    ROTATING = "rotating"  # a block seen changing between two fetches of one unchanged article
    SLOT = "slot"  # a template place (tag/class path) where template or rotating blocks sat


@dataclass(frozen=True)
class Block:
    """One block text of a body, with the key it is counted and matched by."""

    key: str
    sample: str


@dataclass(frozen=True)
class FurniturePolicy:
    """The thresholds of the decisions (redline.settings.FurnitureSettings feeds them)."""

    min_articles: int = 3
    max_block_words: int = 80
    max_rotating_blocks: int = 3
    min_stable_share: float = 0.8
    link_density: float = 0.5


@dataclass(frozen=True)
class Rotation:
    """A capture that differs from the latest version only by rotating furniture. ``learnable``
    are the blocks with evidence of their own (a teaser, link-dense): a block whose only
    evidence is flipping back (A→B→A) is no rule for the source, since a short paragraph edited
    and then put back looks the same."""

    blocks: tuple[Block, ...]
    learnable: tuple[Block, ...] = ()

    @property
    def reason(self) -> str:
        return f"rotating furniture: {len(self.blocks)} block(s) changed, the rest is stable"


def _words(text: str) -> int:
    return len(text.split())


def template_blocks(paragraphs: Iterable[str], policy: FurniturePolicy) -> tuple[Block, ...]:
    """The blocks of an article's first version that count as evidence of template furniture:
    each distinct block short enough to be a box or a line, not a whole story."""
    seen: dict[str, Block] = {}
    for p in paragraphs:
        if _words(p) <= policy.max_block_words:
            key = furniture_key(p)
            if key and key not in seen:
                seen[key] = Block(key, p[:500])
    return tuple(seen.values())


def is_template(articles: int, policy: FurniturePolicy) -> bool:
    """A block seen in the first versions of this many different articles is template."""
    return articles >= policy.min_articles


def judge_rotation(
    previous: Sequence[str],
    current: Sequence[str],
    *,
    titles: frozenset[str] | set[str],
    density: Mapping[str, float],
    earlier: Sequence[str] = (),
    policy: FurniturePolicy | None = None,
) -> Rotation | None:
    """Whether ``current`` differs from ``previous`` (the latest version's body) only by a few
    blocks that are furniture rotating between fetches, while the rest stays as it was.

    A changed block qualifies when it is a teaser of another article of the source (``titles``),
    link-dense in its page (``density``: share of its text inside links, by key), or when the
    change flips back to ``earlier`` (the version before the latest: A→B→A)."""
    pol = policy or FurniturePolicy()
    pk = [furniture_key(p) for p in previous]
    ck = [furniture_key(p) for p in current]
    removed: list[str] = []
    added: list[str] = []
    pairs: list[tuple[str, str]] = []  # one block replaced by one block
    stable = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=pk, b=ck, autojunk=False).get_opcodes():
        if tag == "equal":
            stable += sum(_words(p) for p in current[j1:j2])
        else:
            removed += previous[i1:i2]
            added += current[j1:j2]
            if i2 - i1 == 1 and j2 - j1 == 1:
                pairs.append((previous[i1], current[j1]))
    if not removed and not added:
        return None
    if len(removed) > pol.max_rotating_blocks or len(added) > pol.max_rotating_blocks:
        return None
    for body in (previous, current):
        total = sum(_words(p) for p in body)
        if total == 0 or stable < pol.min_stable_share * total:
            return None
    # A→B→A: the capture is the version before the latest again, and what came and went is
    # box-sized; a reverted edit of story text (a longer paragraph) stays a version.
    flips_back = bool(earlier) and ck == [furniture_key(p) for p in earlier]
    for before, after in pairs:
        kb, ka = furniture_key(before), furniture_key(after)
        if (
            _word_edit(before, after)
            and density.get(ka, 0.0) < TEASER_DENSITY
            and not flips_back
            and teaser_match(kb, titles) is None
            and teaser_match(ka, titles) is None
        ):
            return None  # a word corrected in a sentence with links (a citation's title)
    blocks: list[Block] = []
    learnable: list[Block] = []
    for p in (*removed, *added):
        key = furniture_key(p)
        if _words(p) > pol.max_block_words:
            return None
        teaser = teaser_match(key, titles) is not None
        dense = density.get(key, 0.0) >= pol.link_density
        if not (teaser or dense or (flips_back and _words(p) <= FLIP_BACK_WORDS)):
            return None
        blocks.append(Block(key, p[:500]))
        if teaser or dense:
            learnable.append(blocks[-1])
    return Rotation(tuple(blocks), tuple(learnable))


def _word_edit(before: str, after: str) -> bool:
    """One or two words of a sentence (8+ words) swapped for others, no figure among them: an
    edit. A rotating teaser swaps a whole headline; a counter or a relative time ('5 min ago')
    changes a figure, so figures are left to the other signals."""
    a, b = before.split(), after.split()
    if min(len(a), len(b)) < 8:
        return False
    ops = [op for op in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(ops) != 1:
        return False
    _, i1, i2, j1, j2 = ops[0]
    changed = a[i1:i2] + b[j1:j2]
    return i2 - i1 <= 2 and j2 - j1 <= 2 and not any(c.isdigit() for w in changed for c in w)


def vetoed_keys(veto: Iterable[str]) -> frozenset[str]:
    """What an operator's ``furniture_veto`` entries match: a block's text (as its key) or a
    slot's path as shown."""
    return frozenset({furniture_key(v) for v in veto} | {v.strip() for v in veto})


def active_texts(
    rows: Iterable[tuple[RuleKind, str, int]],
    policy: FurniturePolicy,
    *,
    veto: Iterable[str] = (),
    pin: Iterable[str] = (),
) -> dict[str, RuleKind]:
    """The rules extraction applies, with the kind behind each: learned template blocks seen in
    enough articles, rotating blocks, template slots (keyed by their path), and the operator's
    pins; vetoed keys (a block's text, or a slot's path as shown) never."""
    vetoed = vetoed_keys(veto)
    out: dict[str, RuleKind] = {}
    for kind, key, articles in rows:
        if key in vetoed:
            continue
        if kind is RuleKind.ROTATING or (
            kind in (RuleKind.TEXT, RuleKind.SLOT) and is_template(articles, policy)
        ):
            out[key] = kind
    for p in pin:
        out[furniture_key(p)] = RuleKind.TEXT
    return out


def usable_titles(titles: Iterable[str | None], veto: Iterable[str] = ()) -> frozenset[str]:
    """Headline keys a teaser may match: three words or more (a one-word headline such as
    'Budget' would eat subheadings), minus the vetoed ones."""
    vetoed = {furniture_key(v) for v in veto}
    keys = (furniture_key(t) for t in titles if t)
    return frozenset(k for k in keys if k.count(" ") >= 2 and k not in vetoed)
