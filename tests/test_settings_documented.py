"""Every setting (name AND default) and every source key must be documented in
docs/configuration.md."""

import re
from pathlib import Path

from redline import __version__
from redline.settings import Settings, flat, format_value, sections
from redline.sources import SourceConfig

DOC = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
ROW = re.compile(r"^\| `([a-z_.]+)` \| `(.*?)` \|", re.MULTILINE)


def test_every_setting_is_documented_with_its_default() -> None:
    documented = dict(ROW.findall(DOC))
    for key, value in flat(Settings()).items():
        assert key in documented, f"setting {key} is not in docs/configuration.md"
        want = format_value(value).replace(__version__, "VERSION")
        assert documented[key] == want, f"{key}: docs say {documented[key]}, the code says {want}"


def test_no_documented_setting_is_gone() -> None:
    known = set(flat(Settings()))
    prefixes = tuple(f"{name}." for name in sections())
    stale = {k for k in dict(ROW.findall(DOC)) if k.startswith(prefixes) and k not in known}
    assert not stale, f"docs/configuration.md documents settings that do not exist: {stale}"


def test_every_source_key_is_documented() -> None:
    keys = SourceConfig(name="x", schedule=None).to_dict().keys() | {
        "schedule",
        "schedule_jitter",
        "discover_every",
        "rules",
        "concurrency",
        "delay",
        "exclude_selectors",
        "keep_selectors",
        "furniture_veto",
        "furniture_pin",
    }
    for key in keys:
        assert f"`{key}`" in DOC, f"source key {key} is not in docs/configuration.md"
