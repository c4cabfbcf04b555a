"""Re-deriving history: ``redline reextract`` re-runs extraction, with everything learned since,
over the stored raw pages and rebuilds versions and changes (see docs/extraction.md)."""

from redline.reextract.plan import HistoryPlan, plan_history
from redline.reextract.run import ReextractSummary, reextract

__all__ = ["HistoryPlan", "ReextractSummary", "plan_history", "reextract"]
