"""Versions: deciding whether a capture is a new version, an unchanged page or a suspect one."""

from redline.versions.policy import Verdict, content_hash, judge

__all__ = ["Verdict", "content_hash", "judge"]
