"""Diff cards: one PNG per change, like a NewsDiffs "Version 0 / Version 1" pair, to unfurl a
shared link (OpenGraph/Twitter) and to attach to messages. Pillow only: no browser at run time.

Fonts: DejaVu Sans (Debian ``fonts-dejavu-core``) covers Latin, Greek, Cyrillic, Armenian,
Georgian, Hebrew and Arabic letters (no Arabic shaping); it has no CJK, Thai or Indic glyphs, so
a Chinese or Japanese headline shows boxes unless a Noto CJK font is installed (it is used
when found). Without any of them Pillow's built-in font (Latin only) is used.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from redline.storage.records import NotifyItem

WIDTH, HEIGHT = 1200, 630  # the OpenGraph image size services expect
MARGIN = 64
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
_CJK = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
INK, MUTED, DEL, DEL_BG, INS, INS_BG = (
    (20, 20, 20),
    (110, 110, 110),
    (150, 20, 20),
    (253, 226, 226),
    (10, 110, 40),
    (220, 245, 225),
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class CardData:
    outlet: str
    at: datetime
    old_title: str | None
    new_title: str
    summary: str
    level: str
    version_from: int
    version_to: int
    headline_changed: bool

    @classmethod
    def from_item(cls, item: NotifyItem) -> CardData:
        return cls(
            outlet=item.source or "",
            at=item.at,
            old_title=item.old_title,
            new_title=item.title or item.url,
            summary=item.summary or "",
            level=item.level or "",
            version_from=item.version_from or 0,
            version_to=item.version_to or 0,
            headline_changed="headline" in item.classes and bool(item.old_title),
        )


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False, cjk: bool = False) -> Font:
    names = ["DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"]
    paths = [Path(d) / n for d in _FONT_DIRS for n in names]
    if cjk:
        paths = [Path(p) for p in _CJK] + paths
    for path in paths:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _needs_cjk(text: str) -> bool:
    return any(0x2E80 <= ord(ch) <= 0x9FFF or 0xAC00 <= ord(ch) <= 0xD7AF for ch in text)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int, lines: int) -> list[str]:
    """Greedy word wrap (characters for scripts without spaces), at most ``lines`` lines."""
    words = text.split() if " " in text.strip() else list(text)
    sep = " " if " " in text.strip() else ""
    out: list[str] = []
    cur = ""
    for w in words:
        trial = f"{cur}{sep}{w}" if cur else w
        if draw.textlength(trial, font=font) <= width:
            cur = trial
            continue
        if cur:
            out.append(cur)
        cur = w
        if len(out) == lines:
            break
    if cur and len(out) < lines:
        out.append(cur)
    if len(out) == lines and sep.join(out) != sep.join(words):
        last = out[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


def _block(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    font: Font,
    *,
    fill: tuple[int, int, int],
    bg: tuple[int, int, int] | None = None,
    strike: bool = False,
    underline: bool = False,
    lines: int = 3,
) -> int:
    size = getattr(font, "size", 16)
    step = int(size * 1.3)
    for line in _wrap(draw, text, font, WIDTH - 2 * MARGIN - 16, lines):
        w = draw.textlength(line, font=font)
        if bg is not None:
            draw.rectangle((MARGIN - 6, y - 4, MARGIN + w + 6, y + step - 4), fill=bg)
        draw.text((MARGIN, y), line, font=font, fill=fill)
        mid = y + size * 0.55
        if strike:
            draw.line((MARGIN, mid, MARGIN + w, mid), fill=fill, width=max(2, size // 14))
        if underline:
            base = y + size * 1.1
            draw.line((MARGIN, base, MARGIN + w, base), fill=fill, width=max(2, size // 16))
        y += step
    return y


def render_card(card: CardData) -> bytes:
    """The PNG of one change: outlet and time on top, then the old headline struck and the new
    one inserted, or (headline unchanged) the headline and the change's summary."""
    img = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    cjk = _needs_cjk(f"{card.old_title or ''}{card.new_title}{card.summary}{card.outlet}")
    draw.rectangle((0, 0, WIDTH, 12), fill=(200, 30, 30))
    head = _font(30, bold=True, cjk=cjk)
    small = _font(24, cjk=cjk)
    draw.text((MARGIN, 40), card.outlet or "Redline", font=head, fill=INK)
    when = f"{card.at:%d %b %Y, %H:%M} UTC · version {card.version_from} → {card.version_to}"
    draw.text((MARGIN, 84), when, font=small, fill=MUTED)
    y = 150
    big = _font(44, bold=True, cjk=cjk)
    if card.headline_changed and card.old_title:
        y = _block(draw, y, card.old_title, big, fill=DEL, bg=DEL_BG, strike=True, lines=3)
        y = _block(draw, y + 20, card.new_title, big, fill=INS, bg=INS_BG, underline=True, lines=3)
        rest = card.summary
    else:
        y = _block(draw, y, card.new_title, big, fill=INK, lines=2)
        rest = card.summary
    if rest and y < HEIGHT - 120:
        _block(draw, y + 24, rest, _font(32, cjk=cjk), fill=INK, lines=3)
    foot = _font(22, cjk=cjk)
    label = f"{card.level} change · redline" if card.level else "redline"
    draw.text((MARGIN, HEIGHT - 50), label, font=foot, fill=MUTED)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
