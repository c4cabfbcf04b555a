"""Sources: the outlets Redline watches and their per-source settings."""

from redline.sources.model import SourceConfig
from redline.sources.toml import load_sources_file

__all__ = ["SourceConfig", "load_sources_file"]
