"""`redline rediff`: changes stored by another diff engine version are recomputed in bulk."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, update
from tests.cli.test_cli import redline
from tests.web.sample import populate

from redline.diff import DIFF_ENGINE_VERSION
from redline.storage import Store
from redline.storage import schema as t
from redline.storage.database import default_database_url


def _engines(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.changes.c.engine_version, func.count()).group_by(t.changes.c.engine_version)
        )
        return {str(v): int(n) for v, n in rows}


def test_rediff_recomputes_every_stale_change_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    store = Store.open(default_database_url(tmp_path / "data"))
    try:
        populate(store)
        total = sum(_engines(store).values())
        assert total >= 3
        with store.engine.begin() as conn:  # as an older release would have left them
            conn.execute(update(t.changes).values(engine_version="0", summary="stale"))
    finally:
        store.close()
    out = redline(tmp_path, "rediff", check=True).stdout
    assert f"recomputed {total} change(s)" in out
    store = Store.open(default_database_url(tmp_path / "data"))
    try:
        assert _engines(store) == {DIFF_ENGINE_VERSION: total}
        with store.engine.connect() as conn:
            summaries = conn.execute(select(t.changes.c.summary)).scalars().all()
        assert "stale" not in summaries
    finally:
        store.close()
    again = redline(tmp_path, "rediff", check=True).stdout
    assert "recomputed 0 change(s) of 0 article(s)" in again
