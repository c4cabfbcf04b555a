"""The frontier: which articles exist, under which URL, and when each is next checked.

Pure policy lives here (URL identity, schedule); the storage layer keeps the state.
"""

from redline.frontier.schedule import SchedulePolicy, next_check_at
from redline.frontier.urls import canonicalize_url, same_site, url_host

__all__ = ["SchedulePolicy", "canonicalize_url", "next_check_at", "same_site", "url_host"]
