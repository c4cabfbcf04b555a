"""Storage: the one layer that owns SQLAlchemy. See ``store.Store``."""

from redline.storage.database import create_db_engine, default_database_url, migrate
from redline.storage.records import (
    ArticleRow,
    CaptureRow,
    ChangeRow,
    CheckRecord,
    EventRow,
    NewVersion,
    RemovalKind,
    SourceRow,
    VersionRow,
)
from redline.storage.store import Store, VersionConflict

__all__ = [
    "ArticleRow",
    "CaptureRow",
    "ChangeRow",
    "CheckRecord",
    "EventRow",
    "NewVersion",
    "RemovalKind",
    "SourceRow",
    "Store",
    "VersionConflict",
    "VersionRow",
    "create_db_engine",
    "default_database_url",
    "migrate",
]  # fmt: skip
