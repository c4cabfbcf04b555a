"""Learning each source's furniture: template blocks that repeat across its articles, teasers of
its other articles, and blocks that rotate between fetches of one unchanged article.

Pure policy (``policy``, ``density``); ``redline.storage`` keeps what is learned and
``redline.crawl`` applies it (see docs/extraction.md, "Learned furniture").
"""

from redline.furniture.density import link_density
from redline.furniture.policy import (
    Block,
    FurniturePolicy,
    Rotation,
    RuleKind,
    active_texts,
    is_template,
    judge_rotation,
    template_blocks,
    usable_titles,
)

__all__ = [
    "Block",
    "FurniturePolicy",
    "Rotation",
    "RuleKind",
    "active_texts",
    "is_template",
    "judge_rotation",
    "link_density",
    "template_blocks",
    "usable_titles",
]
