"""Every setting and every source key must be documented in docs/configuration.md."""

import dataclasses
from pathlib import Path

from redline.settings import CrawlSettings, FetchSettings, WebSettings
from redline.sources import SourceConfig

DOC = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()


def test_every_setting_is_documented() -> None:
    for cls in (FetchSettings, CrawlSettings, WebSettings):
        for f in dataclasses.fields(cls):
            assert f"`{f.name}`" in DOC, f"{cls.__name__}.{f.name} is not in docs/configuration.md"


def test_every_source_key_is_documented() -> None:
    keys = SourceConfig(name="x", schedule=None).to_dict().keys() | {
        "schedule",
        "schedule_jitter",
        "discover_every",
        "rules",
        "concurrency",
        "delay",
    }
    for key in keys:
        assert f"`{key}`" in DOC, f"source key {key} is not in docs/configuration.md"
