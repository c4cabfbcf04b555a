"""`redline notify ...` as users run it: subprocesses, a real newsroom over loopback, and a real
webhook receiver that verifies every signature with the secret `notify add` printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_check import load_source
from tests.cli.test_cli import one_line_error, redline

from redline.testing.newsroom import Newsroom, serve_newsroom
from redline.testing.receiver import Receiver


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_crawl_once_delivers_the_changes_its_round_made(tmp_path: Path) -> None:
    room = Newsroom(n_articles=3, seed=1)
    with serve_newsroom(room) as base, Receiver() as rx:
        load_source(tmp_path, f'homepage = "{base}/"')
        added = json.loads(
            redline(
                tmp_path,
                "notify",
                "add",
                "hook",
                rx.url,
                "--min-level",
                "cosmetic",
                "--json",
                check=True,
            ).stdout
        )
        assert added["secret"].startswith("whsec_") and added["kind"] == "webhook"
        assert added["rule"]["min_level"] == "cosmetic" and added["rule"]["removals"] is True
        rx.secret = added["secret"]
        redline(tmp_path, "crawl", "--once", check=True)  # first versions: nothing to announce
        assert rx.received == []
        room.advance()  # round 1: a typo fixed in article 0, a paragraph added to article 1
        crawl = redline(tmp_path, "crawl", "--all", check=True)
        assert "notifications: 2 delivered" in crawl.stdout, crawl.stdout
        assert rx.rejected == 0 and all(r.verified for r in rx.received)
        got = sorted((r.body["article"]["url"], r.body["change"]["level"]) for r in rx.received)
        urls = [base + room.article_path(room.articles[i].slug) for i in (0, 1)]
        assert [u for u, _ in got] == sorted(urls)
        assert dict(got)[urls[0]] == "cosmetic"
        test = redline(tmp_path, "notify", "test", "hook", check=True)
        assert test.stdout.strip() == "hook: delivered (HTTP 200)"
        assert len(rx.received) == 3
    listed = json.loads(redline(tmp_path, "notify", "list", "--json", check=True).stdout)
    assert [(s["name"], s["delivered"], s["pending"], s["failing"]) for s in listed] == [
        ("hook", 2, 0, False)
    ]
    log = json.loads(
        redline(tmp_path, "notify", "log", "--name", "hook", "--json", check=True).stdout
    )
    assert {(e["type"], e["status"], e["attempts"]) for e in log} == {("change", "delivered", 1)}
    assert all(e["change_id"] and e["message_id"].startswith("msg_") for e in log)
    assert "secret" not in json.dumps(listed)


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_add_list_remove_and_errors(tmp_path: Path) -> None:
    out = redline(tmp_path, "notify", "add", "hook", "http://127.0.0.1:9/hook", check=True).stdout
    assert "signing secret (shown once): whsec_" in out
    apprise = redline(
        tmp_path,
        "notify",
        "add",
        "chat",
        "json://127.0.0.1:9/x",
        "--class",
        "headline",
        "--no-removals",
        "--digest",
        "30",
        "--json",
        check=True,
    )
    assert json.loads(apprise.stdout)["secret"] is None
    pw = redline(
        tmp_path, "notify", "add", "pw", "json://editor:pa55word@127.0.0.1:9/x", check=True
    ).stdout
    assert "pa55word" not in pw and "json://editor:****@127.0.0.1:9/x" in pw
    table = redline(tmp_path, "notify", "list", check=True).stdout
    listed = redline(tmp_path, "notify", "list", "--json", check=True).stdout
    assert "pa55word" not in table + listed and "editor:****@" in listed
    assert "≥minor; class headline; no removals; digest 30 min" in table
    assert "≥minor; removals" in table
    for args, message in (
        (["add", "hook", "http://127.0.0.1:9/"], "already exists"),
        (["add", "x", "nonsense://what"], "not a destination apprise knows"),
        (["add", "x", "http://127.0.0.1:9/", "--class", "gossip"], "unknown change class"),
        (["add", "no/slash", "http://127.0.0.1:9/"], "invalid subscription name"),
        (["add", "x", "http://127.0.0.1:9/", "--source", "nowhere"], "no source named 'nowhere'"),
        (["remove", "nope"], "no subscription named"),
    ):
        error = one_line_error(redline(tmp_path, "notify", *args))
        assert message in error and len(error.strip().splitlines()) == 1, (args, error)
    failing = redline(tmp_path, "notify", "test", "hook")  # nothing listens on port 9
    assert failing.returncode == 1 and failing.stdout.startswith("hook: ")
    redline(tmp_path, "notify", "remove", "hook", check=True)
    names = [s["name"] for s in json.loads(redline(tmp_path, "notify", "list", "--json").stdout)]
    assert names == ["chat", "pw"]
    deliver = redline(tmp_path, "notify", "deliver", check=True)
    assert deliver.stdout.strip() == "notifications: 0 delivered in 0 message(s)"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_secret_key_seals_what_is_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    key = "cli-test-key-0123456789abcdefghijklmnop"
    monkeypatch.setenv("REDLINE_NOTIFY__SECRET_KEY", key)
    with Receiver() as rx:
        added = json.loads(
            redline(tmp_path, "notify", "add", "hook", rx.url, "--json", check=True).stdout
        )
        rx.secret = added["secret"]
        db = sqlite3.connect(tmp_path / "data" / "redline.sqlite3")
        raw = db.execute("SELECT destination, secret FROM subscriptions").fetchone()
        db.close()
        assert all(v.startswith("fernet:") for v in raw) and rx.url not in "".join(raw)
        test = redline(tmp_path, "notify", "test", "hook", check=True)
        assert test.stdout.strip() == "hook: delivered (HTTP 200)" and rx.received[0].verified
        shown = redline(tmp_path, "config", "show", check=True).stdout
        as_json = redline(tmp_path, "config", "show", "--json", check=True).stdout
        assert key not in shown + as_json
        assert json.loads(as_json)["settings"]["notify.secret_key"]["value"] == "****"
        monkeypatch.delenv("REDLINE_NOTIFY__SECRET_KEY")
        (listed,) = json.loads(redline(tmp_path, "notify", "list", "--json", check=True).stdout)
        assert listed["destination"].startswith("(encrypted: ") and listed["encrypted"]
        failing = redline(tmp_path, "notify", "test", "hook")
        assert failing.returncode == 1 and "no notify.secret_key" in failing.stdout
        assert len(rx.received) == 1
