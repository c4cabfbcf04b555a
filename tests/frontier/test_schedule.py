import random
from datetime import UTC, datetime, timedelta

import pytest

from redline.errors import ConfigError
from redline.frontier.schedule import SchedulePolicy, interval_for, next_check_at, parse_duration

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(minutes=5), timedelta(minutes=15)),
        (timedelta(hours=2, minutes=59), timedelta(minutes=15)),
        (timedelta(hours=3), timedelta(hours=1)),
        (timedelta(hours=23), timedelta(hours=1)),
        (timedelta(days=2), timedelta(hours=3)),
        (timedelta(days=10), timedelta(days=3)),
        (timedelta(days=200), timedelta(days=30)),
        (timedelta(days=400), None),
    ],
)
def test_default_tiers_follow_newsdiffs(age: timedelta, expected: timedelta | None) -> None:
    assert interval_for(age, SchedulePolicy.default()) == expected


def test_next_check_has_bounded_jitter_and_never_for_old_articles() -> None:
    policy = SchedulePolicy.default()
    rng = random.Random(3)
    times = {next_check_at(NOW, NOW - timedelta(minutes=10), policy, rng) for _ in range(50)}
    assert len(times) > 40  # jitter spreads articles found together
    for t in times:
        assert t is not None
        assert timedelta(minutes=13.5) <= t - NOW <= timedelta(minutes=16.5)
    assert next_check_at(NOW, NOW - timedelta(days=366), policy, rng) is None


def test_policy_from_config_validates() -> None:
    p = SchedulePolicy.from_config([["1h", "5m"], ["1d", "30m"]], jitter=0)
    assert next_check_at(NOW, NOW, p) == NOW + timedelta(minutes=5)
    assert p.to_config() == [["1h", "5m"], ["1d", "30m"]]
    with pytest.raises(ConfigError, match="increasing"):
        SchedulePolicy.from_config([["1d", "5m"], ["1h", "30m"]])
    with pytest.raises(ConfigError, match="duration"):
        SchedulePolicy.from_config([["soon", "5m"]])
    assert parse_duration("90s") == timedelta(seconds=90)


def test_scaled_policy_keeps_its_shape() -> None:
    p = SchedulePolicy.default().scaled(10 / 3600)
    assert interval_for(timedelta(seconds=5), p) == timedelta(seconds=2.5)
