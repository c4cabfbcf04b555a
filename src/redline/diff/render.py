"""Renderers: inline and side-by-side HTML (escaped, <ins>/<del>, CSS classes per change class)
and coloured text for the terminal. Class names are documented in docs/diff.md."""

from __future__ import annotations

from html import escape

from rich.console import Group, RenderableType
from rich.text import Text

from redline.diff.model import CLASS_LABELS, ChangeResult, FieldChange, Item, TokenOp

DIFF_CSS = """
.rl-diff { line-height: 1.6; }
.rl-diff ins, .rl-diff del { text-decoration: none; border-radius: 2px; padding: 0 1px; }
.rl-ins { background: #d7f5dd; color: #0b3d17; box-shadow: inset 0 -2px 0 #2da44e; }
.rl-del { background: #ffe0e0; color: #5c0b0b; text-decoration: line-through !important; }
.rl-moved { border-left: 3px solid #8250df; padding-left: .4em; }
.rl-cosmetic ins, .rl-cosmetic del { background: transparent; box-shadow: none; color: inherit; opacity: .75; }
.rl-hide-cosmetic .rl-cosmetic del { display: none; }
.rl-hide-cosmetic .rl-cosmetic ins { box-shadow: none; background: none; }
.rl-tag { font-size: .72em; font-family: system-ui, sans-serif; border: 1px solid currentColor; border-radius: 3px; padding: 0 .3em; margin-left: .3em; opacity: .8; }
.rl-sbs { width: 100%; border-collapse: collapse; table-layout: fixed; }
.rl-sbs td { vertical-align: top; padding: .4em .6em; border-top: 1px solid #ddd; }
@media (prefers-color-scheme: dark) {
  .rl-ins { background: #12361d; color: #c8f7d3; box-shadow: inset 0 -2px 0 #3fb950; }
  .rl-del { background: #3d1414; color: #ffd1d1; }
  .rl-sbs td { border-top-color: #333; }
}
"""


def _tokens_html(tokens: list[TokenOp], side: str | None = None) -> str:
    out = []
    for op, text in tokens:
        t = escape(text)
        if op == "=":
            out.append(t)
        elif op == "-" and side in (None, "old"):
            out.append(f'<del class="rl-del">{t}</del>')
        elif op == "+" and side in (None, "new"):
            out.append(f'<ins class="rl-ins">{t}</ins>')
    return "".join(out)


def _wrap(item: Item, inner: str) -> str:
    classes = " ".join(f"rl-cls-{c}" for c in item.classes)
    cosmetic = " rl-cosmetic" if item.level == "cosmetic" else ""
    labels = ", ".join(CLASS_LABELS.get(c, c) for c in item.classes)
    return f'<span class="rl-change rl-level-{item.level}{cosmetic} {classes}" title="{escape(labels)}">{inner}</span>'


def _sentence_html(item: Item, side: str | None = None) -> str:
    if item.op == "equal":
        return escape(item.new_text or "")
    if item.op == "added":
        return (
            ""
            if side == "old"
            else _wrap(item, f'<ins class="rl-ins">{escape(item.new_text or "")}</ins>')
        )
    if item.op == "removed":
        return (
            ""
            if side == "new"
            else _wrap(item, f'<del class="rl-del">{escape(item.old_text or "")}</del>')
        )
    if item.op == "moved":
        if side == "old":
            return _wrap(item, f'<span class="rl-moved-from">{escape(item.old_text or "")}</span>')
        body = _tokens_html(item.tokens, side) if item.tokens else escape(item.new_text or "")
        return _wrap(item, f'<span class="rl-moved" title="moved">{body}</span>')
    return _wrap(item, _tokens_html(item.tokens, side))


_FIELD_LABELS = {
    "standfirst": "Standfirst",
    "lead_caption": "Photo caption",
    "byline": "Byline",
    "published": "Published",
    "modified": "Modified",
}


def _label(f: FieldChange) -> str:
    """A visible label for every field but the headline (in the markup, not CSS content, so
    screen readers and table layout both see it)."""
    name = _FIELD_LABELS.get(f.field)
    return f'<span class="rl-label">{name}:</span> ' if name else ""


def _field_html(f: FieldChange) -> str:
    return f'<div class="rl-field rl-field-{escape(f.field)}">{_label(f)}{_tokens_html(f.tokens)}</div>'


def _rows(result: ChangeResult) -> list[tuple[int | None, int | None, list[Item]]]:
    """Paragraph rows: (old paragraph, new paragraph, items) in reading order of the new text."""
    rows: list[tuple[int | None, int | None, list[Item]]] = []
    for it in result.items:
        new_p = it.new[0] if it.new else None
        old_p = it.old[0] if it.old else None
        if rows:
            r_old, r_new, r_items = rows[-1]
            if new_p is not None and new_p == r_new:
                rows[-1] = (r_old if r_old is not None else old_p, r_new, [*r_items, it])
                continue
            if new_p is None and "paragraph_removed" not in it.classes and r_new is not None:
                rows[-1] = (r_old, r_new, [*r_items, it])
                continue
            if new_p is None and r_new is None and old_p == r_old:
                rows[-1] = (r_old, r_new, [*r_items, it])
                continue
        rows.append((old_p, new_p, [it]))
    return rows


def render_inline_html(result: ChangeResult) -> str:
    parts = ['<div class="rl-diff rl-inline">']
    for f in result.fields:
        parts.append(_field_html(f))
    for _old, new_p, items in _rows(result):
        cls = "rl-para" + (" rl-para-removed" if new_p is None else "")
        parts.append(
            f'<p class="{cls}">'
            + " ".join(s for s in (_sentence_html(i) for i in items) if s)
            + "</p>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def render_side_by_side_html(result: ChangeResult) -> str:
    parts = [
        '<table class="rl-diff rl-sbs"><thead><tr><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>'
    ]
    for f in result.fields:
        parts.append(
            f'<tr class="rl-field-row rl-field-{escape(f.field)}"><td>{_label(f)}{_tokens_html(f.tokens, "old")}</td>'
            f"<td>{_label(f)}{_tokens_html(f.tokens, 'new')}</td></tr>"
        )
    for _old, _new, items in _rows(result):
        left = " ".join(s for s in (_sentence_html(i, "old") for i in items) if s)
        right = " ".join(s for s in (_sentence_html(i, "new") for i in items) if s)
        changed = any(i.op != "equal" for i in items)
        parts.append(
            f'<tr class="{"rl-row-changed" if changed else "rl-row-same"}"><td>{left}</td><td>{right}</td></tr>'
        )
    parts.append("</tbody></table>")
    return "\n".join(parts)


_MARKS = {"=": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}


def _span(t: Text, text: str, op: str, style: str, marks: bool) -> None:
    before, after = _MARKS[op] if marks else ("", "")
    t.append(before + text + after, style=style)


def _tokens_text(tokens: list[TokenOp], marks: bool) -> Text:
    t = Text()
    for op, text in tokens:
        _span(t, text, op, {"=": "", "-": "red strike", "+": "green bold"}[op], marks)
    return t


def render_terminal(
    result: ChangeResult, context: bool = False, marks: bool = False
) -> RenderableType:
    """Coloured diff for `redline diff`: the header, then changed paragraphs (all with context).

    ``marks`` adds git's word-diff markers (``[-removed-]{+added+}``) so the diff still reads
    where colour is lost: piped into a file or another program, or with NO_COLOR set."""
    head = Text()
    head.append(f"[{result.level}] ", style="bold")
    head.append(result.summary)
    if result.stealth:
        head.append("  (no correction or update note)", style="yellow")
    lines: list[RenderableType] = [head]
    if result.classes:
        lines.append(Text("classes: " + ", ".join(result.classes), style="dim"))
    for f in result.fields:
        line = Text(f"{f.field}: ", style="bold")
        line.append_text(_tokens_text(f.tokens, marks))
        lines.append(line)
    for _old, _new, items in _rows(result):
        if not context and all(i.op == "equal" for i in items):
            continue
        para = Text()
        for i in items:
            if i.op == "equal":
                para.append((i.new_text or "") + " ", style="dim")
            elif i.op == "added":
                _span(para, i.new_text or "", "+", "green", marks)
                para.append(" ")
            elif i.op == "removed":
                _span(para, i.old_text or "", "-", "red strike", marks)
                para.append(" ")
            elif i.op == "moved" and not i.tokens:
                para.append((i.new_text or "") + " ", style="magenta")
            else:
                para.append_text(_tokens_text(i.tokens, marks))
                para.append(" ")
            if i.op != "equal":
                para.append(f"[{', '.join(i.classes)}] ", style="cyan dim")
        lines.append(Text(""))
        lines.append(para)
    return Group(*lines)
