"""A version's stored page, read again with today's extractor and rules.

Three commands ask how the page a version was read from reads today: the checker (a capture
that differs from its latest version only by how the same page reads now is no version),
`redline reextract` (the history rebuilt) and `redline backfill` (an archive's copy of that page
is no older version). Each page is decompressed and extracted at most once per ``StoredPage``.
"""

from __future__ import annotations

from functools import cached_property

from redline.errors import ArticleNotFound, ExtractionError
from redline.extract import Extraction, ExtractRules, extract
from redline.extract.decode import decode_html
from redline.settings import ExtractSettings
from redline.storage import Store
from redline.storage.records import VersionRow


class StoredPage:
    """The page ``version`` was read from; ``url`` is where it was fetched from when the version
    does not say (rows from before the column)."""

    def __init__(self, store: Store, version: VersionRow, url: str | None = None) -> None:
        self.store = store
        self.version = version
        self.url = version.url or url
        self._read: tuple[ExtractRules | None, Extraction | ExtractionError] | None = None

    @cached_property
    def html(self) -> str | None:
        """None when no page was kept with the version, or it no longer decodes."""
        if not self.version.raw_sha256:
            return None
        try:
            return decode_html(self.store.raw_html(self.version.raw_sha256), None)
        except (ExtractionError, ArticleNotFound):
            return None

    def read(
        self, rules: ExtractRules | None, limits: ExtractSettings = ExtractSettings()
    ) -> Extraction:
        """The page as today's extractor reads it with ``rules``; ExtractionError when there is
        no page to read or it holds no article today."""
        if self._read is None or self._read[0] != rules:
            got: Extraction | ExtractionError
            try:
                if self.html is None:
                    raise ExtractionError("no_page", "no stored page to read again")
                got = extract(self.html, self.url, rules, limits)
            except ExtractionError as exc:
                got = exc
            self._read = (rules, got)
        got = self._read[1]
        if isinstance(got, ExtractionError):
            raise got
        return got

    def read_or_none(
        self, rules: ExtractRules | None, limits: ExtractSettings = ExtractSettings()
    ) -> Extraction | None:
        try:
            return self.read(rules, limits)
        except ExtractionError:
            return None
