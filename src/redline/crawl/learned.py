"""A source's extraction rules: its sources-file configuration plus what Redline learned.

Learned rules and the source's headlines are read from storage once and kept per worker for
``FurnitureSettings.refresh_every`` seconds; what this worker learns itself applies at once.
How often each rule fired is tallied here and written at most once per ``refresh_every`` per
source (with a check, or by ``flush``): a template box fires on every check of its source, and
one counter row bumped by every check of every worker would serialise them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from redline.extract import ExtractRules
from redline.extract.furniture import furniture_key
from redline.furniture import Block, FurniturePolicy, RuleKind, active_texts, usable_titles
from redline.settings import FurnitureSettings
from redline.sources.model import SourceConfig
from redline.storage import SourceRow, Store


def furniture_policy(settings: FurnitureSettings) -> FurniturePolicy:
    return FurniturePolicy(
        min_articles=settings.min_articles,
        max_block_words=settings.max_block_words,
        max_rotating_blocks=settings.max_rotating_blocks,
        min_stable_share=settings.min_stable_share,
        link_density=settings.link_density,
    )


@dataclass(frozen=True)
class Learned:
    """What applies to one source: block keys dropped (with their rule kind: text, rotating or
    slot, whose key is a tag/class path) and headlines."""

    texts: dict[str, RuleKind] = field(default_factory=dict)
    titles: frozenset[str] = frozenset()

    @property
    def slots(self) -> frozenset[str]:
        return frozenset(k for k, kind in self.texts.items() if kind is RuleKind.SLOT)

    @property
    def block_texts(self) -> frozenset[str]:
        return frozenset(k for k, kind in self.texts.items() if kind is not RuleKind.SLOT)


def rules_for(
    source: SourceConfig | None, learned: Learned | None = None, own_title: str | None = None
) -> ExtractRules | None:
    """The ExtractRules of ``source``: its CSS rules and selectors, and the learned furniture
    (minus the article's own headline, which is no teaser of itself)."""
    if source is None:
        return None
    r = source.rules
    titles = learned.titles if learned else frozenset()
    if own_title and titles:
        own = furniture_key(own_title)
        if own in titles:
            titles = titles - {own}
    rules = ExtractRules(
        title=r.get("title"),
        byline=r.get("byline"),
        body=r.get("body"),
        standfirst=r.get("standfirst"),
        drop=(*(r.get("drop") or ()), *source.exclude_selectors),
        keep=source.keep_selectors,
        furniture_texts=learned.block_texts if learned else frozenset(),
        teaser_titles=titles,
        slots=learned.slots if learned else frozenset(),
    )
    return None if rules == ExtractRules() else rules


@dataclass
class _Entry:
    loaded: float
    generation: int
    texts: dict[str, RuleKind]
    titles: frozenset[str]


class LearnedCache:
    """Per worker: each source's learned rules, refreshed every ``refresh_every`` seconds and at
    once when this process changes them (``Store.furniture_generation``)."""

    def __init__(
        self, settings: FurnitureSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.policy = furniture_policy(settings)
        self._clock = clock
        self._entries: dict[int, _Entry] = {}
        self._tally: dict[int, dict[tuple[RuleKind, str], tuple[Block, int]]] = {}
        self._written: dict[int, float] = {}  # per source: when its tally was last handed out
        self._located: dict[tuple[int, str], int] = {}  # (source, block key): slots looked up
        # checks decide in threads (crawl/checker.py): the tallies are counted under a lock
        self._lock = threading.Lock()

    def get(self, store: Store, source: SourceConfig, source_id: int) -> Learned:
        entry = self._entries.get(source_id)
        gen = store.furniture_generation(source_id)
        now = self._clock()
        if entry is None or now - entry.loaded > self.settings.refresh_every:
            rows = store.active_furniture(source_id, self.settings.min_articles)
            titles = usable_titles(store.source_titles(source_id))
            entry = _Entry(now, gen, self._texts(rows, source), titles)
            self._entries[source_id] = entry
        elif entry.generation != gen:
            entry.texts = self._texts(
                store.active_furniture(source_id, self.settings.min_articles), source
            )
            entry.generation = gen
        titles = entry.titles
        if source.furniture_veto:
            titles = usable_titles(titles, veto=source.furniture_veto)
        return Learned(entry.texts, titles)

    def rules(
        self, store: Store, source: SourceRow | None, title: str | None
    ) -> ExtractRules | None:
        """The rules an article of ``source`` is read with today (its configuration and what is
        learned; ``title``: the article's own headline, no teaser of itself), for the commands
        that read stored or archived pages again (reextract, backfill) as a check would."""
        if source is None:
            return None
        return rules_for(source.config, self.get(store, source.config, source.id), title)

    def _texts(
        self, rows: list[tuple[RuleKind, str, int]], source: SourceConfig
    ) -> dict[str, RuleKind]:
        return active_texts(rows, self.policy, veto=source.furniture_veto, pin=source.furniture_pin)

    def tally(
        self, source_id: int, fired: tuple[tuple[RuleKind, Block], ...]
    ) -> tuple[tuple[RuleKind, Block, int], ...]:
        """Count this check's fired rules; the source's whole tally when it is due for writing
        (the first time, then every ``refresh_every`` seconds), else nothing yet."""
        with self._lock:
            counts = self._tally.setdefault(source_id, {})
            for kind, block in fired:
                _, n = counts.get((kind, block.key), (block, 0))
                counts[(kind, block.key)] = (block, n + 1)
            now = self._clock()
            last = self._written.get(source_id)
            if not counts or (last is not None and now - last < self.settings.refresh_every):
                return ()
            self._written[source_id] = now
            return self._take(source_id)

    def _take(self, source_id: int) -> tuple[tuple[RuleKind, Block, int], ...]:
        counts = self._tally.pop(source_id, {})
        return tuple((kind, block, n) for (kind, _), (block, n) in counts.items())

    def to_locate(self, source_id: int, blocks: list[Block]) -> list[Block]:
        """The furniture blocks whose place in the page is still worth looking up: each is
        looked up in ``min_articles`` captures (enough to make its slot a rule), then no more,
        so the page is not parsed again on every check that drops a known box."""
        due = []
        with self._lock:
            for b in blocks:
                n = self._located.get((source_id, b.key), 0)
                if n < self.settings.min_articles:
                    self._located[(source_id, b.key)] = n + 1
                    due.append(b)
        return due

    def flush(self, store: Store, now: datetime) -> None:
        """Write every source's tally not written yet (a round's end, a worker's stop)."""
        for source_id in list(self._tally):
            with self._lock:
                taken = self._take(source_id)
            store.count_fired(source_id, taken, now)

    def add_title(self, source_id: int, title: str | None) -> None:
        """A headline this worker just stored: a teaser of it is recognised from now on."""
        entry = self._entries.get(source_id)
        if entry is not None and title:
            new = usable_titles([title])
            if not new <= entry.titles:
                entry.titles = entry.titles | new
