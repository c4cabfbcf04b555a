"""The one checker of what an operator typed (CLI, page and API share it), and how a stored
destination is shown: masked, whatever kind it is."""

from __future__ import annotations

import pytest

from redline.notify.rules import DestinationKind, Level
from redline.notify.subscribe import (
    MASK,
    InvalidSubscription,
    SubscriptionSpec,
    check,
    redact,
    shown_destination,
    spec_from_json,
)


def test_a_good_spec_becomes_a_rule() -> None:
    spec = SubscriptionSpec(
        "desk",
        "https://hooks.example/x",
        sources=("bbc", "bbc"),
        articles=("HTTPS://www.Daily.example/a?utm_source=x",),
        min_level="major",
        classes=("headline",),
        stealth_only=True,
        removals=False,
        digest_minutes=60,
    )
    rule, kind = check(spec, {"bbc"})
    assert kind == DestinationKind.WEBHOOK
    assert rule.sources == ("bbc",) and rule.min_level == Level.MAJOR
    assert rule.articles == ("https://www.daily.example/a",)
    assert rule.classes == ("headline",) and rule.stealth_only and not rule.removals
    _, kind = check(SubscriptionSpec("chat", "json://127.0.0.1:9/x"), set())
    assert kind == DestinationKind.APPRISE


def test_every_bad_field_is_named_at_once() -> None:
    spec = SubscriptionSpec(
        "no/slash",
        "nonsense://what",
        sources=("bbc", "nope"),
        articles=("not a url",),
        min_level="loud",
        classes=("headline", "gossip"),
        digest_minutes=0,
    )
    with pytest.raises(InvalidSubscription) as info:
        check(spec, {"bbc"})
    f = info.value.fields
    assert set(f) == {
        "name",
        "destination",
        "sources",
        "articles",
        "min_level",
        "classes",
        "digest_minutes",
    }
    assert "'nope'" in f["sources"] and "'bbc'" not in f["sources"]
    assert "gossip" in f["classes"] and "headline" not in f["classes"]
    assert "cosmetic, minor, substantive, major" in f["min_level"]
    assert str(info.value) == "; ".join(f.values())  # the CLI's one line
    with pytest.raises(InvalidSubscription) as info:
        check(SubscriptionSpec("x", "http:///nohost"), set())
    assert set(info.value.fields) == {"destination"}


def test_api_bodies_of_the_wrong_type_are_field_errors() -> None:
    with pytest.raises(InvalidSubscription) as info:
        spec_from_json(
            {
                "name": 3,
                "destination": "http://h.example/",
                "sources": "bbc",
                "removals": "yes",
                "digest_minutes": True,
                "extra": 1,
            }
        )
    assert set(info.value.fields) == {"name", "sources", "removals", "digest_minutes", "extra"}
    spec = spec_from_json({"name": "a", "destination": "http://h.example/"})
    assert spec == SubscriptionSpec("a", "http://h.example/")


TGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SLACK = ("T1JJ3T3L2", "A1BRTD4JD", "TIiajkdnlazkcOXrIdevi7FQ")


@pytest.mark.parametrize(
    ("destination", "shown", "secrets"),
    [
        # apprise URLs: apprise's own privacy form (first and last character of a token)
        (f"tgram://{TGRAM_TOKEN}/12315544/", "tgram://1...w/12315544", TGRAM_TOKEN.split(":")),
        (
            "pover://USERKEYabcdef123@TOKENabcdef123456/",
            "pover://U...3@T...6",
            ["USERKEYabcdef123", "TOKENabcdef123456"],
        ),
        ("mailto://user:secretpw@example.com", "mailto://user:****@example.com", ["secretpw"]),
        (f"slack://{'/'.join(SLACK)}", "slack://T...2/A...D/T...Q", list(SLACK)),
        (
            "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
            "discord://4...8/J...s",
            ["4174216298", "JHMHI8qBe7bk2ZwO5U711o3dV_js"],
        ),
        (
            "ntfy://tk_secrettoken1@ntfy.example/redline",
            "ntfy://t...1@ntfy.example/redline",
            ["tk_secrettoken1"],
        ),
        (
            "ntfys://ntfy.sh/redline?token=tk_secrettoken2",
            "ntfys://t...2@ntfy.sh/redline?token=****",
            ["tk_secrettoken2"],
        ),
        (
            "json://editor:pa55word@chat.example:8080/hook",
            "json://editor:****@chat.example:8080/hook",
            ["pa55word"],
        ),
        ("json://tok3nuser@chat.example/hook", "json://****@chat.example/hook", ["tok3nuser"]),
        # what apprise's privacy form keeps: a token in a json:// path, a header in the query
        (
            "json://chat.example/hook/abcdef1234567890abcdef",
            "json://chat.example/hook/****",
            ["abcdef1234567890abcdef"],
        ),
        (
            "json://chat.example/hook?+Authorization=Bearer%20s3cr3t",
            "json://chat.example/hook?+Authorization=****",
            ["s3cr3t"],
        ),
        # webhooks
        (
            "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://hooks.slack.com/services/T000/B000/****",
            ["XXXXXXXXXXXXXXXXXXXXXXXX"],
        ),
        (
            "https://hooks.example/in/a1b2c3d4e5f6?token=zz-secret",
            "https://hooks.example/in/****?token=****",
            ["a1b2c3d4e5f6", "zz-secret"],
        ),
        ("https://tok3nuser@hooks.example/in", "https://****@hooks.example/in", ["tok3nuser"]),
        ("https://u:p%40ss@h.example/x", "https://u:****@h.example/x", ["p%40ss", "p@ss"]),
        ("http://127.0.0.1:5000/hook", "http://127.0.0.1:5000/hook", []),
        # a scheme apprise cannot read: its whole netloc
        (
            "nosuchscheme://s3cr3t-token@host.example/x",
            "nosuchscheme://****/x",
            ["s3cr3t-token", "host.example"],
        ),
    ],
)
def test_destinations_are_shown_masked(destination: str, shown: str, secrets: list[str]) -> None:
    assert shown_destination(destination) == shown
    # An error a destination answers is stored masked the same way.
    masked = redact(f"HTTP 401 from {destination}: rejected {' '.join(secrets)}", destination)
    assert masked.startswith("HTTP 401 from ") and MASK * bool(secrets) in masked
    assert not any(s in masked for s in secrets), masked


def test_errors_are_masked_with_the_destination_they_came_from() -> None:
    dest = "json://editor:pa55word@chat.example/hook?token=abc123"
    error = "HTTP 401 for json://editor:pa55word@chat.example/hook?token=abc123"
    assert redact(error, dest) == "HTTP 401 for json://editor:****@chat.example/hook?token=****"
    assert redact("HTTP 500", dest) == "HTTP 500"
