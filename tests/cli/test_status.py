"""`redline status` tells a stuck worker from a healthy one, on both databases.

Both workers heartbeat (they are alive); one completed a check a moment ago, the other has made
no progress for longer than a lease period, which heartbeats alone never showed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.test_cli import redline

from redline.settings import Settings
from redline.storage import Store


def test_status_flags_a_worker_without_progress_for_a_lease_period(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    lease = Settings().crawl.lease
    store.heartbeat(
        "busy:1",
        "h",
        1,
        now - timedelta(hours=1),
        now,
        40,
        0,
        last_check=now - timedelta(seconds=5),
        last_progress=now - timedelta(seconds=5),
    )
    store.heartbeat(
        "stuck:2",
        "h",
        2,
        now - timedelta(hours=1),
        now,
        12,
        0,
        last_check=now - lease - timedelta(minutes=1),
        last_progress=now - lease - timedelta(minutes=1),
    )
    text = redline(tmp_path, "status", db=database_url, check=True).stdout
    busy = next(line for line in text.splitlines() if "busy:1" in line)
    stuck = next(line for line in text.splitlines() if "stuck:2" in line)
    assert "STUCK" not in busy and "last check" in busy
    assert "STUCK: no progress for" in stuck
    data = json.loads(redline(tmp_path, "status", "--json", db=database_url, check=True).stdout)
    health = {w["id"]: w["health"] for w in data["workers"]}
    assert health == {"busy:1": "ok", "stuck:2": "stuck"}
    assert next(w for w in data["workers"] if w["id"] == "stuck:2")["seconds_without_progress"] > (
        lease.total_seconds()
    )
