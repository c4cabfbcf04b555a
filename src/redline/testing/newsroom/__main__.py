"""python -m redline.testing.newsroom --port 8001 --articles 2000 [--advance-every 30]"""

from __future__ import annotations

import argparse

import uvicorn

from redline.testing.newsroom.server import run_auto_advance
from redline.testing.newsroom.site import make_app
from redline.testing.newsroom.state import Newsroom


def main() -> None:
    ap = argparse.ArgumentParser(description="Serve the simulated newsroom.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8001)
    ap.add_argument("--articles", type=int, default=14)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--advance-every", type=float, default=0.0, help="seconds between edit rounds (0: never)"
    )
    ap.add_argument("--no-furniture", action="store_true")
    ap.add_argument(
        "--no-in-body-furniture",
        action="store_true",
        help="keep furniture outside the article body",
    )
    ap.add_argument("--latency", type=float, default=0.0, help="seconds each article page takes")
    args = ap.parse_args()
    room = Newsroom(
        n_articles=args.articles,
        seed=args.seed,
        furniture=not args.no_furniture,
        in_body_furniture=not args.no_in_body_furniture,
        random_edits_after_script=True,
    )
    room.latency = args.latency
    if args.advance_every > 0:
        run_auto_advance(room, args.advance_every)
    print(
        f"simulated newsroom on http://{args.host}:{args.port}/ with {args.articles} articles",
        flush=True,
    )
    uvicorn.run(
        make_app(room),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
