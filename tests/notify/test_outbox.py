"""The outbox on SQLite and PostgreSQL: rows written with the check, leases, the stream."""

from datetime import timedelta

from redline.notify.rules import Level, Rule
from redline.storage import Store
from tests.notify.helpers import NOW, article, edit, remove, source


def test_rows_are_written_with_the_change_for_matching_subscriptions_only(store: Store) -> None:
    sid = source(store)
    a = article(store, "https://daily.example/news/a.html", sid)
    assert edit(store, a, 1)  # nobody subscribes yet: nothing queued
    assert store.pending_deliveries() == 0
    store.add_subscription("all", "https://hooks.example/x", Rule(), NOW, secret="whsec_x")
    store.add_subscription("major", "json://127.0.0.1:9/", Rule(min_level=Level.MAJOR), NOW)
    store.add_subscription("other", "json://127.0.0.1:9/", Rule(sources=("other",)), NOW)
    store.add_subscription("quiet", "json://127.0.0.1:9/", Rule(removals=False), NOW)
    v_minor = edit(store, a, 2, level="minor", classes=("wording",))
    v_major = edit(store, a, 3, level="major")
    edit(store, a, 4, level="cosmetic", classes=("typo",))
    remove(store, a)
    log = store.delivery_log()
    got = sorted((r.subscription, r.kind, r.version_id or r.event_id) for r in log)
    event_id = next(r.event_id for r in log if r.kind == "removal")
    assert got == sorted(
        [
            ("all", "change", v_minor),
            ("all", "change", v_major),
            ("all", "removal", event_id),
            ("major", "change", v_major),
            ("major", "removal", event_id),
            ("quiet", "change", v_minor),
            ("quiet", "change", v_major),
        ]
    )
    assert all(r.status == "pending" and r.attempts == 0 for r in log)
    assert len({r.message_id for r in log}) == len(log)


def test_leases_give_a_delivery_to_one_worker_at_a_time(store: Store) -> None:
    sid = source(store)
    a = article(store, "https://daily.example/news/a.html", sid)
    sub = store.add_subscription("all", "https://hooks.example/x", Rule(), NOW, secret="whsec_x")
    for n in range(1, 6):
        edit(store, a, n)
    now = NOW + timedelta(hours=1)
    assert store.due_subscriptions(now) == [sub.id]
    first = store.claim_deliveries(now, sub.id, 3, worker="w1", lease=timedelta(minutes=1))
    second = store.claim_deliveries(now, sub.id, 10, worker="w2", lease=timedelta(minutes=1))
    assert len(first) == 3 and len(second) == 2
    assert not {r.id for r in first} & {r.id for r in second}
    assert store.claim_deliveries(now, sub.id, 10, worker="w3", lease=timedelta(minutes=1)) == []
    # w1 dies: after its lease expires, its rows go to someone else, with the same message id.
    later = now + timedelta(minutes=2)
    again = store.claim_deliveries(later, sub.id, 3, worker="w3", lease=timedelta(minutes=1))
    assert [r.message_id for r in again] == [r.message_id for r in first]
    store.delivered([r.id for r in again], sub.id, later, 200)
    assert store.pending_deliveries() == 2


def test_a_failure_pauses_the_subscription_and_marks_it_failing(store: Store) -> None:
    sid = source(store)
    a = article(store, "https://daily.example/news/a.html", sid)
    sub = store.add_subscription("all", "https://hooks.example/x", Rule(), NOW, secret="whsec_x")
    edit(store, a, 1)
    edit(store, a, 2)
    now = NOW + timedelta(hours=1)
    rows = store.claim_deliveries(now, sub.id, 10, worker="w", lease=timedelta(minutes=1))
    retry = now + timedelta(seconds=30)
    store.delivery_failed(
        [rows[0].id],
        [rows[1].id],
        sub.id,
        worker="w",
        now=now,
        error="HTTP 500",
        status=500,
        retry_at=retry,
        give_up_after=3,
    )
    assert store.due_subscriptions(now + timedelta(seconds=29)) == []
    assert store.due_subscriptions(retry) == [sub.id]
    assert store.next_delivery_due() == retry
    (health,) = store.subscription_health()
    assert health["failing_since"] == now and health["last_error"] == "HTTP 500"
    assert health["pending"] == 2
    log = {r.id: r for r in store.delivery_log()}
    assert log[rows[0].id].attempts == 1 and log[rows[1].id].attempts == 0
    store.delivered([r.id for r in rows], sub.id, retry, 200)
    (health,) = store.subscription_health()
    assert health["failing_since"] is None and health["delivered"] == 2


def test_stream_resumes_after_its_cursor(store: Store) -> None:
    sid = source(store)
    a = article(store, "https://daily.example/news/a.html", sid)
    v1 = edit(store, a, 1)
    remove(store, a)
    v2 = edit(store, a, 2)  # written before the removal's time: the stream is in time order
    items = store.stream(limit=10)
    got = [(i.kind, i.version_id if i.kind == "change" else i.event) for i in items]
    assert got == [("event", "first_seen"), ("change", v1), ("change", v2), ("event", "deleted")]
    assert store.stream(after=items[1].cursor, limit=10) == items[2:]
    assert store.stream(after=items[1].cursor, limit=1) == items[2:3]
    assert store.stream(after=items[-1].cursor) == []
