"""An export that fails midway (a disk filling up, a payload gone) leaves nothing behind: no
file under the asked name, no NAME.part."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from redline.archive import export
from redline.storage import ArchiveFilter, Store


def _fails_midway(store: Store, f: ArchiveFilter, fh: Any, *args: Any, **kw: Any) -> Any:
    fh.write(b"half a record")
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("writer", [export.write_warc_file, export.write_wacz])
def test_a_failed_export_leaves_no_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: Any
) -> None:
    # the disk cannot be filled here: the WARC writer fails as a full disk makes it fail
    monkeypatch.setattr(export, "write_warc", _fails_midway)
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    out = out_dir / "out.wacz"
    with pytest.raises(OSError, match="No space left"):
        writer(store, ArchiveFilter(), out)
    assert list(out_dir.iterdir()) == []
