"""Is a worker making progress? Heartbeats only say it is alive: a worker stuck on one slow
feed went on heartbeating while checking nothing. Policy only: `redline status` applies it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class WorkerHealth(StrEnum):
    OK = "ok"
    STUCK = "stuck"  # alive (heartbeating) but no check completed, nor idle, for a lease period


@dataclass(frozen=True)
class WorkerVerdict:
    health: WorkerHealth
    idle_for: timedelta  # since the last progress (or the start, before any)


def judge_worker(
    started_at: datetime, last_progress: datetime | None, now: datetime, lease: timedelta
) -> WorkerVerdict:
    """STUCK when nothing progressed for more than ``lease``: by then the articles it claimed
    have been overdue a whole lease period (or were taken over)."""
    since = now - (last_progress or started_at)
    return WorkerVerdict(WorkerHealth.STUCK if since > lease else WorkerHealth.OK, since)
