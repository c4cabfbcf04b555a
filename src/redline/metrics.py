"""Prometheus metrics of the crawl. Exposed at /metrics by the web app and, optionally, on a
port of each worker (`redline worker --metrics-port`)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CHECKS = Counter("redline_checks_total", "Article checks by outcome", ["outcome"])
FETCH_SECONDS = Histogram(
    "redline_fetch_seconds",
    "Time to fetch an article page",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
FETCH_ERRORS = Counter("redline_fetch_errors_total", "Failed fetches by kind", ["kind"])
VERSIONS = Counter("redline_versions_total", "New versions created")
DISCOVERED = Counter("redline_discovered_total", "New articles found by discovery")
FRONTIER_LAG = Gauge(
    "redline_frontier_lag_seconds", "How late the most overdue claimed article was"
)
