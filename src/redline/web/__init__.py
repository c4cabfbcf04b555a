"""The web interface: pages, JSON API and Atom feeds over the store (see docs/web.md)."""

from redline.web.app import create_app

__all__ = ["create_app"]
