"""Read sources from a TOML file (``[[source]]`` tables, see sources.example.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from redline.errors import ConfigError
from redline.sources.model import SourceConfig


def load_sources_file(path: str | Path) -> list[SourceConfig]:
    """Parse and validate every source in the file; nothing is stored if any one is invalid."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file not found: {p}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"sources file {p} is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"sources file {p} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {p}: {exc.strerror}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"sources file {p} has no [[source]] tables")
    sources = []
    for e in entries:
        if not isinstance(e, dict):
            raise ConfigError(f"sources file {p}: every [[source]] must be a table")
        try:
            sources.append(SourceConfig.from_dict(e))
        except ConfigError as exc:
            raise ConfigError(f"sources file {p}: {exc}") from exc
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"sources file {p} names a source twice: {', '.join(dupes)}")
    return sources
