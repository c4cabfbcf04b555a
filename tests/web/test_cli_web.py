"""`redline serve` and `redline run` as real processes: they answer HTTP and stop on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import free_port

from redline.testing.asgi import wait_http

# Runs the real CLI; registers the web commands if cli/app.py does not (yet) do it itself.
CLI = """
import sys
from redline.cli import app as cli, commands_web
names = {c.name or getattr(c.callback, "__name__", "") for c in cli.app.registered_commands}
if "serve" not in names:
    commands_web.register(cli.app)
cli.main(sys.argv[1:])
"""


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("REDLINE_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "--data-dir", str(tmp_path / "data"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _interrupt(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"did not stop on SIGINT: {out} {err}") from None
    return proc.returncode, out, err


@pytest.mark.parametrize("command", ["serve", "run"])
def test_command_serves_and_stops_on_ctrl_c(tmp_path: Path, command: str) -> None:
    port = free_port()
    proc = _start(tmp_path, command, "--port", str(port))
    try:
        front = wait_http(f"http://127.0.0.1:{port}/", proc)
        assert front.status_code == 200 and "Recent changes" in front.text
        api = httpx.get(f"http://127.0.0.1:{port}/api/v1/sources", timeout=5)
        assert api.json() == {"items": [], "next": None}
    finally:
        rc, out, err = _interrupt(proc)
    assert rc == 0, (out, err)
    assert f"http://127.0.0.1:{port}/" in out and "stopped" in out


def test_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        proc = _start(tmp_path, "serve", "--port", str(port))
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_run_with_workers_serves_from_more_processes_and_stops_them(tmp_path: Path) -> None:
    port = free_port()
    proc = _start(tmp_path, "run", "--port", str(port), "--workers", "2")
    try:
        front = wait_http(f"http://127.0.0.1:{port}/", proc, timeout=60)
        assert front.status_code == 200 and "Recent changes" in front.text
        # the web's supervisor and its two workers (and multiprocessing's helper), beside
        # the crawler in the command's own process
        assert len(_descendants(proc.pid)) >= 3
    finally:
        rc, out, err = _interrupt(proc)
    assert rc == 0, (out, err)
    assert not _descendants(proc.pid)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_worker_processes_get_the_loaded_settings(tmp_path: Path, monkeypatch: Any) -> None:
    """`serve --workers N` hands each uvicorn worker the loaded settings through the
    environment; the app a worker builds holds the same web, notify and furniture sections."""
    from datetime import timedelta

    from redline.settings import FurnitureSettings, NotifySettings, Settings, WebSettings
    from redline.storage import Store
    from redline.web.server import _ENV_SETTINGS, _ENV_URL, _sections_json, worker_app

    settings = Settings(
        web=WebSettings(session_lifetime=timedelta(hours=1), base_url="https://r.example/"),
        notify=NotifySettings(lease=timedelta(minutes=7), timeout=3.0),
        furniture=FurnitureSettings(min_articles=5),
    )
    url = f"sqlite:///{tmp_path}/r.sqlite3"
    Store.open(url).close()
    monkeypatch.setenv(_ENV_URL, url)
    monkeypatch.setenv(_ENV_SETTINGS, _sections_json(settings))
    app = worker_app()
    assert app.state.web == settings.web
    assert app.state.notify == settings.notify
    assert app.state.furniture == settings.furniture
    app.state.store.close()
