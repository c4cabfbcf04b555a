"""The storage layer on SQLite and PostgreSQL: identity, versions guard, history."""

from datetime import UTC, datetime, timedelta

import pytest

from redline.errors import ArticleNotFound, SourceError, StorageError
from redline.sources import SourceConfig
from redline.storage import ChangeRow, CheckRecord, NewVersion, Store, VersionConflict
from redline.storage.database import current_revision

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _version(text: str, title: str = "Headline") -> NewVersion:
    return NewVersion(
        title=title,
        byline="By A",
        published=NOW,
        modified=None,
        text=text,
        content_hash=str(hash((title, text))),
        extractor="jsonld",
        extractor_version="t",
        raw_html=f"<html><p>{text}</p></html>".encode(),
    )


def test_migrations_are_idempotent(store: Store) -> None:
    from redline.storage.database import migrate

    migrate(store.engine)
    assert current_revision(store.engine) is not None


def test_sources_add_list_remove(store: Store) -> None:
    store.add_source(
        SourceConfig(name="bbc", feeds=("https://feeds.bbci.co.uk/news/rss.xml",)), NOW
    )
    with pytest.raises(SourceError, match="already exists"):
        store.add_source(SourceConfig(name="bbc"), NOW)
    row, created = store.save_source(SourceConfig(name="bbc", homepage="https://www.bbc.com/"), NOW)
    assert not created and row.config.homepage == "https://www.bbc.com/"
    art, _ = store.add_article("https://www.bbc.com/news/a-1", row.id, NOW)
    assert store.remove_source("bbc") == 1
    assert store.get_article(art.id).source_id is None  # the article and its history are kept
    with pytest.raises(SourceError, match="no source named"):
        store.get_source("bbc")


def test_url_variants_are_one_article(store: Store) -> None:
    a, created = store.add_article("https://example.com/news/a.html?utm_source=rss", None, NOW)
    assert created and a.url == "https://example.com/news/a.html"
    for variant in (
        "https://example.com/news/a.html#x",
        "http://www.example.com/news/a.html",
        "https://m.example.com/news/a.html?fbclid=1",
    ):
        b, created = store.add_article(variant, None, NOW)
        assert not created and b.id == a.id
        assert store.find_article(variant).id == a.id  # type: ignore[union-attr]
    assert store.count_articles() == 1
    with pytest.raises(ArticleNotFound):
        store.require_article("https://example.com/news/other.html")


def test_a_sources_own_tracking_parameters_lead_to_one_article(store: Store) -> None:
    """The Guardian's CMP is tracking there (its source says so) but kept elsewhere."""
    store.save_source(
        SourceConfig(
            name="guardian", feeds=("https://www.theguardian.com/world/rss",), strip_params=("CMP",)
        ),
        NOW,
    )
    plain = "https://www.theguardian.com/world/2026/mar/01/talks-resume"
    a, created = store.add_article(plain + "?CMP=share_btn_tw", None, NOW)
    assert created and a.url == plain
    found = store.find_article(plain + "?CMP=share_btn_fb")
    assert found is not None and found.id == a.id
    assert store.add_alias(a.id, plain + "?CMP=Share_iOSApp_Other&utm_medium=x")
    other, created = store.add_article("https://example.com/story?CMP=1", None, NOW)
    assert created and other.url == "https://example.com/story?CMP=1"
    assert store.count_articles() == 2


def test_versions_blobs_changes_and_compare_and_set(store: Store) -> None:
    a, _ = store.add_article("https://example.com/a", None, NOW)
    v1 = store.record_check(
        CheckRecord(
            article_id=a.id,
            captured_at=NOW,
            url=a.url,
            outcome="new_version",
            http_status=200,
            version=_version("one"),
            expected_version_count=0,
            last_changed=NOW,
            next_check=NOW + timedelta(minutes=15),
            region_fp="fp1",
        )
    )
    assert v1 is not None
    change = ChangeRow(
        engine_version="1",
        level="minor",
        score=0.2,
        classes=["typo"],
        summary="Typo fixed",
        stealth=False,
        data={"x": 1},
    )
    store.record_check(
        CheckRecord(
            article_id=a.id,
            captured_at=NOW + timedelta(minutes=15),
            url=a.url,
            outcome="new_version",
            version=_version("two"),
            expected_version_count=1,
            change=change,
            last_changed=NOW,
        )
    )
    # A second checker that read version_count=1 too must not write version 2 again.
    with pytest.raises(VersionConflict):
        store.record_check(
            CheckRecord(
                article_id=a.id,
                captured_at=NOW,
                url=a.url,
                outcome="new_version",
                version=_version("two bis"),
                expected_version_count=1,
            )
        )
    versions = store.versions(a.id)
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].text == "two"
    assert store.raw_html(versions[0].raw_sha256 or "") == b"<html><p>one</p></html>"
    changes = store.changes(a.id)
    assert changes[versions[1].id].classes == ["typo"]
    art = store.get_article(a.id)
    assert art.version_count == 2 and art.check_count == 3 and art.region_fp == "fp1"
    captures = store.captures(a.id)
    # The conflicting check's capture is kept (captures are never lost), without a version.
    assert len(captures) == 3
    conflict = [c for c in captures if c.outcome == "conflict"]
    assert len(conflict) == 1 and conflict[0].version_id is None
    assert "version 2" in (conflict[0].reason or "")


def test_identical_raw_pages_are_stored_once(store: Store) -> None:
    a, _ = store.add_article("https://example.com/a", None, NOW)
    b, _ = store.add_article("https://example.com/b", None, NOW)
    for art in (a, b):
        store.record_check(
            CheckRecord(
                article_id=art.id,
                captured_at=NOW,
                url=art.url,
                outcome="new_version",
                version=_version("same"),
                expected_version_count=0,
            )
        )
    from sqlalchemy import func, select

    from redline.storage.schema import blobs

    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(blobs)).scalar_one() == 1


def test_identical_raw_pages_stored_at_the_same_moment_both_become_versions(
    database_url: str,
) -> None:
    """Two checkers storing byte-identical raw pages for two articles at once: both versions are
    written (a look-then-insert blob store failed one of them with a false conflict)."""
    import threading

    stores = [Store.open(database_url) for _ in range(2)]
    try:
        trials = 12
        pairs = [
            (
                stores[0].add_article(f"https://example.com/{i}/a", None, NOW)[0],
                stores[0].add_article(f"https://example.com/{i}/b", None, NOW)[0],
            )
            for i in range(trials)
        ]
        conflicts: list[str] = []
        for i, pair in enumerate(pairs):
            barrier = threading.Barrier(2)

            def write(
                s: Store, article_id: int, url: str, barrier: threading.Barrier, text: str
            ) -> None:
                barrier.wait()
                try:
                    s.record_check(
                        CheckRecord(
                            article_id=article_id,
                            captured_at=NOW,
                            url=url,
                            outcome="new_version",
                            version=_version(text),
                            expected_version_count=0,
                        )
                    )
                except VersionConflict as exc:
                    conflicts.append(str(exc))

            threads = [
                threading.Thread(target=write, args=(s, art.id, art.url, barrier, f"same page {i}"))
                for s, art in zip(stores, pair, strict=True)
            ]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        assert conflicts == []
        for a, b in pairs:
            assert len(stores[0].versions(a.id)) == 1
            assert len(stores[0].versions(b.id)) == 1
    finally:
        for s in stores:
            s.close()


def test_due_articles_and_events(store: Store) -> None:
    a, _ = store.add_article("https://example.com/a", None, NOW)
    b, _ = store.add_article("https://example.com/b", None, NOW)
    store.record_check(
        CheckRecord(
            article_id=b.id,
            captured_at=NOW,
            url=b.url,
            outcome="missing",
            next_check=NOW + timedelta(hours=1),
            status="deleted",
            events=[("deleted", "HTTP 404 twice")],
        )
    )
    due = store.due_articles(NOW, 10)
    assert [x.id for x in due] == [a.id]
    assert [x.id for x in store.due_articles(NOW + timedelta(hours=2), 10)] == [a.id, b.id]
    assert [e.kind for e in store.events(b.id)] == ["first_seen", "deleted"]
    assert store.get_article(b.id).status == "deleted"
    assert [x.id for x in store.due_articles(NOW, 10, all_live=True)] == [a.id]


def test_keyset_listing(store: Store) -> None:
    ids = [
        store.add_article(f"https://example.com/{i}", None, NOW + timedelta(minutes=i))[0].id
        for i in range(5)
    ]
    page1 = store.list_articles(limit=2)
    assert [a.id for a in page1] == ids[::-1][:2]
    last = page1[-1]
    page2 = store.list_articles(limit=2, before=(last.first_seen, last.id))
    assert [a.id for a in page2] == ids[::-1][2:4]


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StorageError, match="cannot connect"):
        Store.open("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StorageError, match="unsupported database"):
        Store.open("mysql://x@localhost/db")


def test_claims_are_exclusive_until_the_lease_expires(store: Store) -> None:
    ids = [store.add_article(f"https://example.com/{i}", None, NOW)[0].id for i in range(6)]
    lease = timedelta(minutes=5)
    first = store.claim_articles(NOW, 4, worker="w1", lease=lease)
    second = store.claim_articles(NOW, 4, worker="w2", lease=lease)
    assert len(first) == 4 and len(second) == 2
    assert not {a.id for a in first} & {a.id for a in second}
    assert store.claim_articles(NOW, 4, worker="w3", lease=lease) == []
    # w1 dies: after the lease its articles go to another worker.
    later = NOW + lease + timedelta(seconds=1)
    taken = store.claim_articles(later, 10, worker="w3", lease=lease)
    assert {a.id for a in taken} == set(ids)  # w2's leases expired too
    store.release_articles([a.id for a in taken], "w3")
    assert len(store.claim_articles(later, 10, worker="w4", lease=lease)) == 6


def test_api_tokens_are_stored_hashed(store: Store) -> None:
    token = store.create_token("ci", NOW)
    assert store.verify_token(token, NOW)
    assert not store.verify_token(token + "x", NOW)
    assert not store.verify_token("", NOW)
    from sqlalchemy import select

    from redline.storage.schema import api_tokens

    with store.engine.connect() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash)).scalar_one()
    assert token not in stored
    (row,) = store.list_tokens()
    assert row["last_used"] is not None
    assert store.revoke_token(row["id"]) and not store.verify_token(token, NOW)


def _lease_of(store: Store, article_id: int) -> tuple[str | None, datetime | None]:
    from sqlalchemy import select

    from redline.storage.schema import articles

    with store.engine.connect() as conn:
        row = conn.execute(
            select(articles.c.lease_owner, articles.c.lease_expires).where(
                articles.c.id == article_id
            )
        ).one()
    return row.lease_owner, row.lease_expires


def test_the_lease_runs_from_the_claim_not_from_the_round(store: Store) -> None:
    store.add_article("https://example.com/a", None, NOW)
    lease = timedelta(minutes=5)
    claimed_at = NOW + timedelta(minutes=8)  # a long round that started at NOW
    [art] = store.claim_articles(claimed_at, 1, worker="w1", lease=lease, due_before=NOW)
    owner, expires = _lease_of(store, art.id)
    assert owner == "w1" and expires is not None
    assert expires.replace(tzinfo=None) == (claimed_at + lease).replace(tzinfo=None)
    # Still held a minute later: no other worker can take it.
    assert (
        store.claim_articles(claimed_at + timedelta(minutes=1), 1, worker="w2", lease=lease) == []
    )
    # due_before bounds the round: an article due only after the round started is left alone.
    store.add_article("https://example.com/b", None, NOW + timedelta(minutes=1))
    assert store.claim_articles(claimed_at, 5, worker="w1", lease=lease, due_before=NOW) == []


def test_a_late_writer_keeps_its_capture_but_not_the_new_holders_frontier(store: Store) -> None:
    a, _ = store.add_article("https://example.com/a", None, NOW)
    lease = timedelta(minutes=1)
    store.claim_articles(NOW, 1, worker="w1", lease=lease)
    later = NOW + timedelta(minutes=2)  # w1 is slow; its lease expired and w2 took over
    assert [x.id for x in store.claim_articles(later, 1, worker="w2", lease=lease)] == [a.id]
    store.release_articles([a.id], "w1")  # a late release must not free w2's claim
    assert _lease_of(store, a.id)[0] == "w2"
    store.record_check(
        CheckRecord(
            article_id=a.id,
            captured_at=NOW,
            url=a.url,
            outcome="unchanged",
            worker="w1",
            next_check=NOW + timedelta(hours=6),
            etag='"w1"',
        )
    )
    art = store.get_article(a.id)
    assert _lease_of(store, a.id)[0] == "w2", "the late writer wiped the new holder's lease"
    assert art.next_check is not None and art.next_check.replace(tzinfo=None) == NOW.replace(
        tzinfo=None
    )
    assert art.etag is None and art.check_count == 1
    assert [c.outcome for c in store.captures(a.id)] == ["unchanged"]  # the capture is kept
    # The holder's own write updates the frontier and releases the lease.
    store.record_check(
        CheckRecord(
            article_id=a.id,
            captured_at=later,
            url=a.url,
            outcome="unchanged",
            worker="w2",
            next_check=later + timedelta(hours=1),
        )
    )
    art = store.get_article(a.id)
    assert _lease_of(store, a.id) == (None, None)
    assert art.next_check is not None and art.check_count == 2
    assert art.next_check.replace(tzinfo=None) == (later + timedelta(hours=1)).replace(tzinfo=None)
    # A version found by a worker that lost its lease is still kept (compare-and-set decides).
    store.claim_articles(later + timedelta(hours=2), 1, worker="w3", lease=lease)
    store.record_check(
        CheckRecord(
            article_id=a.id,
            captured_at=later,
            url=a.url,
            outcome="new_version",
            worker="w1",
            version=_version("late"),
            expected_version_count=0,
            last_changed=later,
        )
    )
    assert [v.text for v in store.versions(a.id)] == ["late"]
    assert _lease_of(store, a.id)[0] == "w3"


def test_sources_are_claimed_in_batches_and_released_by_their_owner(store: Store) -> None:
    from redline.sources import SourceConfig

    for i in range(5):
        store.add_source(SourceConfig(name=f"s{i}"), NOW)
    lease = timedelta(minutes=5)
    first = store.claim_sources(NOW, worker="w1", lease=lease, limit=2)
    second = store.claim_sources(NOW, worker="w2", lease=lease, limit=2)
    assert len(first) == 2 and len(second) == 2
    assert not {s.id for s in first} & {s.id for s in second}
    # w1 lost its lease to w3: its late mark_discovered must not release w3's claim.
    later = NOW + lease + timedelta(seconds=1)
    retaken = store.claim_sources(later, worker="w3", lease=lease, limit=10, due_before=NOW)
    assert {s.id for s in first} <= {s.id for s in retaken}
    assert not store.mark_discovered(first[0].id, later, later + timedelta(minutes=10), worker="w1")
    assert store.mark_discovered(first[0].id, later, later + timedelta(minutes=10), worker="w3")
    # a forced round without a lease (`crawl --once`) leaves a live claim alone
    held = second[0].id  # w3 took every expired claim; w2's batch is held by w3 now
    assert not store.mark_discovered(held, later, later + timedelta(minutes=10))
    assert store.mark_discovered(held, later, later + timedelta(minutes=10), worker="w3")
    assert store.mark_discovered(held, later, later + timedelta(minutes=10))  # unclaimed: fine


def test_renew_leases_extends_only_the_workers_own(store: Store) -> None:
    ids = [store.add_article(f"https://example.com/r{i}", None, NOW)[0].id for i in range(4)]
    lease = timedelta(seconds=10)
    mine = [a.id for a in store.claim_articles(NOW, 2, worker="w1", lease=lease)]
    theirs = [a.id for a in store.claim_articles(NOW, 2, worker="w2", lease=lease)]
    assert sorted(mine + theirs) == ids
    later = NOW + timedelta(seconds=9)
    assert store.renew_leases("w1", ids, later + lease) == 2  # w2's two are left alone
    after = NOW + timedelta(seconds=12)  # past the first lease: only w2's have expired
    taken = [a.id for a in store.claim_articles(after, 10, worker="w3", lease=lease)]
    assert sorted(taken) == sorted(theirs)
    assert store.renew_leases("w1", [], after) == 0
