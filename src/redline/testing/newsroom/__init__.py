"""The simulated newsroom: a small news site over real HTTP with scripted edits.

    room = Newsroom(n_articles=14, seed=1)
    with serve_newsroom(room) as base_url:
        ... crawl base_url ...
        room.advance()                       # apply the next round of scripted edits
        room.expected_versions(slug)         # ground truth for assertions

Run it alone: ``python -m redline.testing.newsroom --port 8001 --articles 2000``.
The default script is documented in docs/newsroom.md.
"""

from redline.testing.newsroom.server import run_auto_advance, serve_newsroom
from redline.testing.newsroom.site import make_app
from redline.testing.newsroom.state import (
    DEFAULT_SCRIPT,
    DEMO_SCRIPT,
    NOISE,
    REAL_EDITS,
    SCRIPT_ROUNDS,
    AppliedEdit,
    Newsroom,
)

__all__ = [
    "DEFAULT_SCRIPT",
    "DEMO_SCRIPT",
    "NOISE",
    "REAL_EDITS",
    "SCRIPT_ROUNDS",
    "AppliedEdit",
    "Newsroom",
    "make_app",
    "run_auto_advance",
    "serve_newsroom",
]
