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
        self.missing = ""  # why there is no page to read, once ``html`` is None
        self._read: (
            tuple[tuple[ExtractRules | None, ExtractSettings], Extraction | tuple[str, str]] | None
        ) = None

    @cached_property
    def html(self) -> str | None:
        """None when no page was kept with the version, or it no longer decodes."""
        if not self.version.raw_sha256:
            self.missing = "no page was kept with the version"
            return None
        try:
            return decode_html(self.store.raw_html(self.version.raw_sha256), None)
        except (ExtractionError, ArticleNotFound) as exc:  # undecodable, or its blob is gone
            self.missing = str(exc)
            return None

    def read(
        self, rules: ExtractRules | None, limits: ExtractSettings = ExtractSettings()
    ) -> Extraction:
        """The page as today's extractor reads it with ``rules``; ExtractionError when there is
        no page to read or it holds no article today."""
        how = (rules, limits)
        if self._read is None or self._read[0] != how:
            got: Extraction | tuple[str, str]
            if self.html is None:
                got = ("no_page", f"no stored page to read again: {self.missing}")
            else:
                try:
                    got = extract(self.html, self.url, rules, limits)
                except ExtractionError as exc:
                    got = (exc.reason, str(exc))
            self._read = (how, got)
        got = self._read[1]
        if isinstance(got, tuple):  # a new error each time: a cached one would grow its traceback
            raise ExtractionError(*got)
        return got

    def read_or_none(
        self, rules: ExtractRules | None, limits: ExtractSettings = ExtractSettings()
    ) -> Extraction | None:
        try:
            return self.read(rules, limits)
        except ExtractionError:
            return None
