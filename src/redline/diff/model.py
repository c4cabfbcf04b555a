"""The diff engine's data: what goes in (DocVersion) and what comes out (ChangeResult).

A ChangeResult is plain data with a JSON round-trip, stored with each version so pages and
feeds never recompute diffs. ``items`` list every sentence of both versions in reading order of
the new version (removed sentences where they used to be), each with its operation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from dataclasses import field as _field
from typing import Any

# Stable change class names (machine-readable) with their human labels.
CLASS_LABELS: dict[str, str] = {
    "typo": "Typo fixed",
    "punctuation": "Punctuation",
    "quote_style": "Quote style",
    "wording": "Reworded",
    "number": "Figure changed",
    "quote": "Quote changed",
    "name": "Name changed",
    "sentence_added": "Sentence added",
    "sentence_removed": "Sentence removed",
    "paragraph_added": "Paragraph added",
    "paragraph_removed": "Paragraph removed",
    "moved": "Moved",
    "headline": "Headline changed",
    "standfirst": "Standfirst changed",
    "lead_caption": "Photo caption changed",
    "byline": "Byline changed",
    "correction": "Correction",
    "update_note": "Update note",
    "dates": "Publication date changed",
}
COSMETIC = frozenset({"typo", "punctuation", "quote_style"})
LEVELS = ("none", "cosmetic", "minor", "substantive", "major")


@dataclass(frozen=True)
class DocVersion:
    title: str
    byline: str | None = None
    published: str | None = None
    modified: str | None = None
    paragraphs: tuple[str, ...] = ()
    standfirst: str | None = None  # the dek under the headline
    lead_caption: str | None = None  # the caption of the photo above the story


# A token operation: ("=", text) kept, ("-", text) deleted, ("+", text) inserted.
TokenOp = tuple[str, str]


@dataclass
class FieldChange:
    field: str  # title | standfirst | lead_caption | byline | published | modified
    old: str | None
    new: str | None
    tokens: list[TokenOp] = _field(default_factory=list)
    classes: list[str] = _field(default_factory=list)
    details: list[str] = _field(default_factory=list)


@dataclass
class Item:
    """One sentence of the alignment."""

    op: str  # equal | edited | added | removed | moved
    old: tuple[int, int] | None  # (paragraph, sentence) in the old version
    new: tuple[int, int] | None  # (paragraph, sentence) in the new version
    old_text: str | None = None
    new_text: str | None = None
    tokens: list[TokenOp] = field(default_factory=list)  # for edited (and edited moves)
    sep: str = ""  # whitespace after the sentence in the new version
    new_count: int = 1  # new sentences this item covers (2 when a sentence was split)
    old_count: int = 1  # old sentences this item covers (2 when two were merged)
    classes: list[str] = field(default_factory=list)
    level: str = "none"
    details: list[str] = field(default_factory=list)  # e.g. "$17 billion → $27.6 billion"


@dataclass
class ChangeResult:
    engine: str
    initial: bool
    level: str
    score: float
    classes: list[str]
    summary: str
    stealth: bool
    fields: list[FieldChange] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.level != "none"

    @property
    def labels(self) -> list[str]:
        return [CLASS_LABELS[c] for c in self.classes]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ChangeResult:
        fields = [
            FieldChange(**{**f, "tokens": [tuple(t) for t in f.get("tokens", [])]})
            for f in d.get("fields", [])
        ]
        items = [
            Item(
                **{
                    **i,
                    "old": tuple(i["old"]) if i.get("old") is not None else None,
                    "new": tuple(i["new"]) if i.get("new") is not None else None,
                    "tokens": [tuple(t) for t in i.get("tokens", [])],
                }
            )
            for i in d.get("items", [])
        ]
        return cls(
            engine=d["engine"],
            initial=d["initial"],
            level=d["level"],
            score=d["score"],
            classes=list(d["classes"]),
            summary=d["summary"],
            stealth=d["stealth"],
            fields=fields,
            items=items,
            counts=dict(d.get("counts", {})),
        )
