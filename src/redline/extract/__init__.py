"""Extraction: the article itself (title, byline, dates, paragraphs) away from page furniture.

extract(html, url, rules) -> Extraction      or raises ExtractionError(reason)
region_fingerprint(html, rules) -> str|None  cheap hash for the recheck fast path
decode_html(body, content_type) -> str       bytes to text (in redline.extract.decode)
"""

from redline.extract.cascade import extract
from redline.extract.fingerprint import region_fingerprint
from redline.extract.model import Extraction, ExtractRules
from redline.extract.normalize import normalize_paragraphs, normalize_text

__all__ = [
    "ExtractRules",
    "Extraction",
    "extract",
    "normalize_paragraphs",
    "normalize_text",
    "region_fingerprint",
]
