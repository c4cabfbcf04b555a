"""Storage: the one layer that owns SQLAlchemy. See ``store.Store``."""

from redline.storage.archive_db import ArchiveFilter, Provenance, StoredRecord
from redline.storage.database import create_db_engine, default_database_url, migrate
from redline.storage.records import (
    ArchiveVersion,
    ArticleRow,
    CaptureRow,
    ChangeRow,
    CheckRecord,
    EventRow,
    FurnitureRuleRow,
    FurnitureUpdate,
    HeldPayload,
    MovedMerge,
    NewVersion,
    SourceRow,
    VersionRow,
    WarcRecordData,
)
from redline.storage.store import Store, VersionConflict
from redline.vocabulary import RemovalKind

__all__ = [
    "ArchiveFilter",
    "ArchiveVersion",
    "ArticleRow",
    "CaptureRow",
    "ChangeRow",
    "CheckRecord",
    "EventRow",
    "FurnitureRuleRow",
    "FurnitureUpdate",
    "HeldPayload",
    "MovedMerge",
    "NewVersion",
    "Provenance",
    "RemovalKind",
    "SourceRow",
    "Store",
    "StoredRecord",
    "VersionConflict",
    "VersionRow",
    "WarcRecordData",
    "create_db_engine",
    "default_database_url",
    "migrate",
]
