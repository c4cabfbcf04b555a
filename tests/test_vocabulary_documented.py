"""docs/vocabulary.md is what src/redline/vocabulary.py says, word for word."""

from __future__ import annotations

from pathlib import Path

from redline.vocabulary import vocabulary_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "vocabulary.md"


def test_vocabulary_doc_is_generated_from_the_enums() -> None:
    assert DOC.read_text(encoding="utf-8") == vocabulary_markdown(), (
        "docs/vocabulary.md is stale: regenerate it with "
        "python -c 'from redline.vocabulary import vocabulary_markdown as m; print(m(), end=\"\")'"
        " > docs/vocabulary.md"
    )
