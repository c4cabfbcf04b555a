"""A small, realistic newsroom history written through the real Store and diff engine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from redline.sources import SourceConfig
from redline.storage import CheckRecord, NewVersion, Store, VersionRow
from redline.versions.changes import change_between

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
CLOCK = T0 + timedelta(days=2)

MINISTER_V1 = (
    "Minister resigns over budget",
    [
        "The finance minister resigned on Tuesday after a row over the budget.",
        "The budget gap was put at $17 billion by officials. Critics called the plan reckless.",
        "Parliament will vote on the budget next week.",
    ],
)
MINISTER_V2 = (
    "Finance minister quits after budget row",
    [
        "The finance minister resigned on Tuesday after a row over the budget.",
        "The budget gap was put at $27.6 billion by officials. Critics called the plan reckless.",
        "Parliament will vote on the budget next week.",
    ],
)
MINISTER_V3 = (
    "Finance minister quits after budget row",
    [
        "The finance minister resigned on Tuesday after a row over the budget.",
        "The budget gap was put at $27.6 billion by officials. Critics called the plan reckless.",
        "Parliament will vote on the budget next week.",
        "The prime minister named an interim successor on Wednesday morning, aides said, "
        "and promised a revised budget within a month.",
    ],
)
MINISTER_V4 = (
    "Finance minister quits after budget row",
    [
        "The finance minister resigned on Tuesday, after a row over the budget.",
        "The budget gap was put at $27.6 billion by officials. Critics called the plan reckless.",
        "Parliament will vote on the budget next week.",
        "The prime minister named an interim successor on Wednesday morning, aides said, "
        "and promised a revised budget within a month.",
    ],
)
HOSTILE = "<script>alert('pwned')</script>"
HOSTILE_V1 = (
    f"Harbour {HOSTILE} reopens",
    [
        f"The harbour reopened today. A reader wrote {HOSTILE} in the comments.",
        "Ferries will run hourly. The mayor thanked the dock workers for their patience.",
        "Officials said the storm damage cost the city millions.",
    ],
)
HOSTILE_V2 = (
    f"Harbour {HOSTILE} reopens",
    [
        f"The harbour reopened today. A reader wrote {HOSTILE} in the comments.",
        "Ferries will run hourly.",
        "Officials said the storm damage cost the city millions.",
    ],
)
HOSTILE_V3 = (
    f"Harbour {HOSTILE} reopens",
    [
        f"The harbour reopened today. A reader wrote {HOSTILE} in the comments.",
        "Ferries will run every two hours.",
        "Officials said the storm damage cost the city millions.",
        "Correction: An earlier version of this article misstated the ferry schedule.",
    ],
)


@dataclass
class Sample:
    daily: int = 0
    herald: int = 0
    minister: int = 0
    hostile: int = 0
    deleted: int = 0
    single: int = 0
    fillers: list[int] = field(default_factory=list)


def _new(title: str, paragraphs: list[str]) -> NewVersion:
    text = "\n\n".join(paragraphs)
    return NewVersion(
        title=title,
        byline="By A. Reporter",
        published=T0,
        modified=None,
        text=text,
        content_hash=hashlib.sha256((title + text).encode()).hexdigest(),
        extractor="jsonld",
        extractor_version="test",
        raw_html=f"<html><title>{title}</title></html>".encode(),
    )


def write_versions(
    store: Store,
    article_id: int,
    versions: list[tuple[str, list[str]]],
    start: datetime,
    step: timedelta = timedelta(hours=1),
) -> None:
    """Record each version as the crawler would: capture, version, change, frontier update."""
    latest: VersionRow | None = store.latest_version(article_id)
    at = start
    for title, paragraphs in versions:
        nv = _new(title, paragraphs)
        change = change_between(latest, nv) if latest else None
        count = latest.number if latest else 0
        store.record_check(
            CheckRecord(
                article_id=article_id,
                captured_at=at,
                url=store.get_article(article_id).url,
                outcome="new_version",
                http_status=200,
                version=nv,
                change=change,
                expected_version_count=count,
                last_changed=at,
                next_check=at + timedelta(hours=2),
            )
        )
        latest = store.latest_version(article_id)
        at += step


def populate(store: Store, fillers: int = 0) -> Sample:
    s = Sample()
    daily, _ = store.save_source(
        SourceConfig(
            name="daily",
            homepage="https://daily.example/",
            feeds=("https://daily.example/rss.xml",),
        ),
        T0,
    )
    herald, _ = store.save_source(
        SourceConfig(name="herald", homepage="https://www.herald.example/"), T0
    )
    s.daily, s.herald = daily.id, herald.id

    a, _ = store.add_article("https://daily.example/politics/minister?utm_source=rss", daily.id, T0)
    s.minister = a.id
    write_versions(store, a.id, [MINISTER_V1, MINISTER_V2, MINISTER_V3, MINISTER_V4], T0)

    b, _ = store.add_article("https://www.herald.example/local/harbour", herald.id, T0)
    s.hostile = b.id
    write_versions(store, b.id, [HOSTILE_V1, HOSTILE_V2, HOSTILE_V3], T0 + timedelta(minutes=30))

    c, _ = store.add_article("https://daily.example/world/vanished", daily.id, T0)
    s.deleted = c.id
    write_versions(store, c.id, [("Story that vanished", ["It was here once, briefly."])], T0)
    store.record_check(
        CheckRecord(
            # Deleted at the very instant of another article's change: the stream must order
            # and paginate both without losing or repeating either.
            article_id=c.id,
            captured_at=T0 + timedelta(minutes=90),
            url=c.url,
            outcome="missing",
            http_status=404,
            status="deleted",
            missing_count=3,
            next_check=None,
            events=[("deleted", "HTTP 404 on 3 consecutive checks")],
        )
    )

    d, _ = store.add_article("https://www.herald.example/sport/final", herald.id, T0)
    s.single = d.id
    write_versions(store, d.id, [("Cup final tonight", ["Kick-off is at eight."])], T0)

    for i in range(fillers):
        f, _ = store.add_article(f"https://daily.example/filler/{i}", daily.id, T0)
        write_versions(
            store,
            f.id,
            [
                (f"Filler story {i}", [f"Quarterly output rose {i} percent in the region."]),
                (f"Filler story {i}", [f"Quarterly output rose {i + 1} percent in the region."]),
            ],
            T0 - timedelta(days=1) + timedelta(minutes=i // 3),  # ties: three per instant
        )
        s.fillers.append(f.id)
    return s
