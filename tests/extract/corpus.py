"""Real pages kept with the tests (fixtures/corpus): a few of shared/corpus/newspaper-2014."""

from __future__ import annotations

import gzip
from pathlib import Path

from redline.extract.decode import decode_html

PAGES = Path(__file__).parent / "fixtures" / "corpus"


def corpus_page(name: str) -> str:
    return decode_html(gzip.decompress((PAGES / f"{name}.html.gz").read_bytes()), None)
