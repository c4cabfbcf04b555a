"""Change intelligence: aligned, classified, scored differences between two article versions.

compare(old, new) -> ChangeResult        (old=None for a first version)
apply(old, result) -> DocVersion         replays a result (used to test alignment)
render_inline_html / render_side_by_side_html / render_terminal
"""

from redline.diff.align import EDIT_THRESHOLD, MOVE_THRESHOLD
from redline.diff.engine import DIFF_ENGINE_VERSION, apply, compare
from redline.diff.model import (
    CLASS_LABELS,
    COSMETIC,
    LEVELS,
    ChangeResult,
    DocVersion,
    FieldChange,
    Item,
)
from redline.diff.render import (
    DIFF_CSS,
    render_inline_html,
    render_side_by_side_html,
    render_terminal,
)

__all__ = [
    "CLASS_LABELS",
    "COSMETIC",
    "DIFF_CSS",
    "DIFF_ENGINE_VERSION",
    "EDIT_THRESHOLD",
    "LEVELS",
    "MOVE_THRESHOLD",
    "ChangeResult",
    "DocVersion",
    "FieldChange",
    "Item",
    "apply",
    "compare",
    "render_inline_html",
    "render_side_by_side_html",
    "render_terminal",
]
