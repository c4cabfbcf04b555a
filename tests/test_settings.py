"""Settings: defaults < config file < REDLINE_* environment < command-line flags, and a bad key
or value is one line naming where it came from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from redline.errors import ConfigError
from redline.settings import Settings, load_settings


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "redline.toml"
    path.write_text(text)
    return path


def test_defaults_read_nothing_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDLINE_FETCH__TIMEOUT", "3")
    assert Settings().fetch.timeout == 20.0
    assert load_settings().settings.fetch.timeout == 3.0


def test_precedence_flag_over_env_over_file_over_default(tmp_path: Path) -> None:
    path = _file(tmp_path, '[fetch]\ntimeout = 5\nretries = 4\n[crawl]\nlease = "2m"\n')
    env = {"REDLINE_FETCH__TIMEOUT": "7", "REDLINE_CRAWL__LEASE": "90"}
    loaded = load_settings(path, {"fetch": {"timeout": 9}}, environ=env)
    s = loaded.settings
    assert s.fetch.timeout == 9  # flag
    assert s.crawl.lease == timedelta(seconds=90)  # env over file
    assert s.fetch.retries == 4  # file over default
    assert s.fetch.per_host_delay == Settings().fetch.per_host_delay  # default
    assert loaded.origins["fetch.timeout"] == "command line"
    assert loaded.origins["crawl.lease"] == "env REDLINE_CRAWL__LEASE"
    assert loaded.origins["fetch.retries"] == f"file {path}"
    assert "fetch.per_host_delay" not in loaded.origins


def test_config_file_from_the_environment(tmp_path: Path) -> None:
    path = _file(tmp_path, 'data_dir = "/srv/redline"\n[web]\nport = 9000\n')
    s = load_settings(environ={"REDLINE_CONFIG": str(path)}).settings
    assert s.data_dir == Path("/srv/redline") and s.web.port == 9000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[fetch]\ntimout = 5\n", "unknown setting 'fetch.timout'"),
        ("[fetchh]\ntimeout = 5\n", "unknown setting 'fetchh'"),
        ('[fetch]\ntimeout = "soon"\n', "bad value 'soon' for fetch.timeout"),
        ('[crawl]\nlease = "5 parsecs"\n', "for crawl.lease: invalid duration"),
        ('[crawl]\nschedule = [["1d", "1h"], ["3h", "15m"]]\n', "increasing order"),
        ("[fetch\n", "is not valid TOML"),
        (
            "[fetch]\nper_host_concurrency = 0\n",
            "per_host_concurrency: Input should be greater than 0",
        ),
        ("[crawl]\nshrink_ratio = 1.5\n", "crawl.shrink_ratio"),
    ],
)
def test_bad_config_file_names_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={})
    message = str(info.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_bad_environment_variable_names_it() -> None:
    with pytest.raises(ConfigError, match="env REDLINE_FETCH__RETRIES: bad value 'many'"):
        load_settings(environ={"REDLINE_FETCH__RETRIES": "many"})


def test_missing_config_file() -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(Path("/nonexistent/redline.toml"), environ={})


def test_settings_reach_the_cli(tmp_path: Path) -> None:
    """`redline config show --json` through a real process: file, env and flag all applied."""
    path = _file(tmp_path, '[fetch]\ntimeout = 5\n[crawl]\ndiscover_every = "3m"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDLINE_")}
    env["REDLINE_CRAWL__DISCOVER_EVERY"] = "4m"
    cmd = [sys.executable, "-m", "redline", "--config", str(path), "--data-dir", str(tmp_path)]
    proc = subprocess.run(
        [*cmd, "config", "show", "--json"], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)["settings"]
    assert shown["fetch.timeout"] == {"value": 5.0, "from": f"file {path}"}
    assert shown["crawl.discover_every"] == {
        "value": "4m",
        "from": "env REDLINE_CRAWL__DISCOVER_EVERY",
    }
    assert shown["data_dir"] == {"value": str(tmp_path), "from": "command line"}
    assert shown["fetch.retries"]["from"] == "default"
    bad = _file(tmp_path, "[fetch]\ntimout = 5\n")
    proc = subprocess.run(
        [*cmd[:3], "--config", str(bad), "articles"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "fetch.timout" in proc.stderr


def test_moved_notify_base_url_names_the_new_key(tmp_path: Path) -> None:
    path = _file(tmp_path, '[notify]\nbase_url = "https://r.example/"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={})
    message = str(info.value)
    assert "'notify.base_url' is now 'web.base_url'" in message and str(path) in message
    assert "\n" not in message
    with pytest.raises(
        ConfigError, match=r"env REDLINE_NOTIFY__BASE_URL: .* is now 'web\.base_url'"
    ):
        load_settings(environ={"REDLINE_NOTIFY__BASE_URL": "https://r.example/"})


def test_notifications_link_to_the_web_base_url() -> None:
    from redline.settings import WebSettings, links_base

    assert links_base(WebSettings(base_url="https://r.example/")) == "https://r.example/"
    assert links_base(WebSettings(host="0.0.0.0", port=8080)) == "http://127.0.0.1:8080/"
