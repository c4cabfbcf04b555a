from pathlib import Path

import pytest

from redline.errors import ConfigError
from redline.sources import SourceConfig, load_sources_file

REPO = Path(__file__).resolve().parents[2]


def test_round_trip_through_dict() -> None:
    cfg = SourceConfig.from_dict(
        {
            "name": "guardian",
            "feeds": ["https://www.theguardian.com/world/rss"],
            "include": [r"/\d{4}/\w{3}/\d{2}/"],
            "schedule": [["3h", "10m"], ["2d", "2h"]],
            "rules": {"body": "div.article-body"},
            "delay": 2,
            "strip_params": ["CMP", "INTCMP", "pg*"],
        }
    )
    assert cfg.strip_params == ("CMP", "INTCMP", "pg*")
    assert SourceConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "bad name!"}, "invalid source name"),
        ({"name": "x", "feeds": ["not a url"]}, "not an absolute"),
        ({"name": "x", "include": ["(unclosed"]}, "invalid regular expression"),
        ({"name": "x", "colour": "red"}, "unknown key"),
        ({"name": "x", "rules": {"headline": "h1"}}, "unknown extraction rule"),
        ({"name": "x", "schedule": [["1h"]]}, "must be"),
        ({"feeds": []}, "needs a name"),
        ({"name": "x", "strip_params": ["CMP", "a b"]}, "invalid strip_params entry 'a b'"),
        ({"name": "x", "strip_params": ["*"]}, "invalid strip_params"),
        ({"name": "x", "strip_params": [1]}, "must be a list of strings"),
        ({"name": "x", "delay": "fast"}, "delay must be a number, not 'fast'"),
        ({"name": "x", "concurrency": 2.5}, "concurrency must be a whole number"),
        ({"name": "x", "respect_robots": "false"}, "respect_robots must be true or false"),
        ({"name": "x", "allow_private": 1}, "allow_private must be true or false"),
    ],
)
def test_invalid_sources_are_rejected_with_a_clear_message(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SourceConfig.from_dict(data)


def test_example_sources_file_loads() -> None:
    sources = load_sources_file(REPO / "sources.example.toml")
    names = {s.name for s in sources}
    assert {"nytimes", "bbc", "guardian", "ap", "taipeitimes"} <= names
    assert all(s.has_discovery for s in sources)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[source]\nname='x'", "not valid TOML"),
        ("title = 'no sources'", "no \\[\\[source\\]\\]"),
        ("[[source]]\nname='a'\n[[source]]\nname='a'", "twice"),
    ],
)
def test_invalid_sources_file(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "s.toml"
    f.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_sources_file(f)


def test_missing_and_binary_sources_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_sources_file(tmp_path / "nope.toml")
    f = tmp_path / "bin.toml"
    f.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(ConfigError):
        load_sources_file(f)


def test_furniture_keys_round_trip() -> None:
    cfg = SourceConfig(
        name="daily",
        exclude_selectors=("div.promo", "aside.related"),
        keep_selectors=("div.article-body blockquote",),
        furniture_veto=("Filed under:",),
        furniture_pin=("Sign up for the Daily",),
    )
    assert SourceConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('exclude_selectors = ["div..promo"]', "entry 'div..promo' is not a valid CSS"),
        ('keep_selectors = [""]', "keep_selectors entry '' is not a valid CSS selector"),
        ("furniture_veto = 3", "furniture_veto must be a list of strings"),
        ('furniture_pin = ["  "]', "furniture_pin entries must not be empty"),
        ('furniture_pin = ["Box"]\nfurniture_veto = ["box"]', "'box' is both in furniture_veto"),
    ],
)
def test_furniture_keys_are_validated_naming_source_and_file(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nname = "daily"\n{line}\n')
    with pytest.raises(ConfigError) as exc:
        load_sources_file(path)
    text = str(exc.value)
    assert message in text and "'daily'" in text and str(path) in text
    assert "\n" not in text


def test_standfirst_rule_reaches_extraction() -> None:
    from redline.crawl.learned import rules_for

    src = SourceConfig(name="x", rules={"standfirst": "p.dek", "body": "div.story"})
    rules = rules_for(src)
    assert rules is not None and rules.standfirst == "p.dek"
