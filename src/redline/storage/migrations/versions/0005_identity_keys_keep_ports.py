"""identity keys keep a non-default port

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:00:00

``frontier.urls.identity_key`` used to drop the port, so ``http://127.0.0.1:56031/news/a.html``
and ``http://127.0.0.1:32785/news/a.html`` shared one key: a second ``redline demo --keep`` (a new
newsroom on a new port) found every article already tracked and discovered nothing. Keys now
keep a non-default port; this rewrites the stored ``article_urls.key`` of every URL that has one.
Old keys cannot collide with new ones (only keys of URLs with a port change, each gains its own
port), and URLs without a port keep their keys.

The key format is frozen here rather than imported: ``host[:port]/path[?query]``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DEFAULT_PORTS = {"http": 80, "https": 443}
_urls = sa.table("article_urls", sa.column("key", sa.Text()), sa.column("url", sa.Text()))


def _port(url: str) -> int | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    return None if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else port


def _rekey(with_port: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_urls.c.key, _urls.c.url).where(_urls.c.url.like("%://%:%"))
    ).all()
    for key, url in rows:
        port = _port(url)
        if port is None:
            continue
        host, _, rest = key.partition("/")
        if with_port:
            new = f"[{host}]:{port}/{rest}" if ":" in host else f"{host}:{port}/{rest}"
        else:
            new = host.removesuffix(f":{port}").removeprefix("[").removesuffix("]") + "/" + rest
        if new != key:
            conn.execute(sa.update(_urls).where(_urls.c.key == key).values(key=new))


def upgrade() -> None:
    _rekey(with_port=True)


def downgrade() -> None:
    _rekey(with_port=False)  # may fail on a key two ports now share: that is the old bug
