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
    for number, entry in enumerate(entries, 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        which = f"source {name!r}" if isinstance(name, str) else f"[[source]] number {number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"sources file {p}: {which} is not a table")
        try:
            sources.append(SourceConfig.from_dict(entry))
        except ConfigError as exc:
            detail = str(exc).removeprefix(f"{which}: ")
            raise ConfigError(f"sources file {p}, {which}: {detail}") from exc
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"sources file {p} names a source twice: {', '.join(dupes)}")
    return sources
