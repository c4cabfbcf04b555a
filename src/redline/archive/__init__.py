"""The archive stage: WARC records of captures, WARC/WACZ exports, digest verification and
backfill from Wayback-compatible web archives (docs/archive.md)."""
