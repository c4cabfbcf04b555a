"""Stored changes and removals to announce: real checks written through ``record_check``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from redline.sources import SourceConfig
from redline.storage import ChangeRow, CheckRecord, NewVersion, Store

NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


def version(title: str, text: str = "Body.") -> NewVersion:
    return NewVersion(
        title=title,
        byline=None,
        published=NOW,
        modified=None,
        text=text,
        content_hash=str(hash((title, text))),
        extractor="jsonld",
        extractor_version="t",
    )


def change(
    level: str = "major", classes: tuple[str, ...] = ("headline",), stealth: bool = True
) -> ChangeRow:
    return ChangeRow(
        engine_version="t",
        level=level,
        score=1.0,
        classes=list(classes),
        summary=f"{level} change: {', '.join(classes)}",
        stealth=stealth,
        data={},
    )


def source(store: Store, name: str = "daily") -> int:
    row, _ = store.save_source(SourceConfig(name=name, homepage=f"https://{name}.example/"), NOW)
    return row.id


def article(store: Store, url: str, source_id: int | None, title: str = "Old headline") -> int:
    art, _ = store.add_article(url, source_id, NOW)
    store.record_check(
        CheckRecord(
            article_id=art.id,
            captured_at=NOW,
            url=url,
            outcome="new_version",
            expected_version_count=0,
            version=version(title),
        )
    )
    return art.id


def edit(
    store: Store,
    article_id: int,
    n: int,
    *,
    level: str = "major",
    classes: tuple[str, ...] = ("headline",),
    stealth: bool = True,
    at: datetime | None = None,
) -> int:
    """Version ``n + 1`` of an article (``n`` versions exist); its version id."""
    art = store.get_article(article_id)
    vid = store.record_check(
        CheckRecord(
            article_id=article_id,
            captured_at=at or NOW + timedelta(minutes=n),
            url=art.url,
            outcome="new_version",
            expected_version_count=n,
            version=version(f"New headline {n}"),
            change=change(level, classes, stealth),
        )
    )
    assert vid is not None
    return vid


def remove(store: Store, article_id: int, kind: str = "deleted") -> None:
    art = store.get_article(article_id)
    store.record_check(
        CheckRecord(
            article_id=article_id,
            captured_at=NOW + timedelta(hours=1),
            url=art.url,
            outcome="missing",
            http_status=404,
            status=kind,
            events=[(kind, "HTTP 404 on 2 consecutive checks")],
        )
    )
