"""The page tree made ready for body extraction: furniture blocks out, stray tables opened.

Runs on its own copy of the page (metadata reads the untouched one: a byline is a link-dense
block too). What it removes is recorded with its reason, so learning can count the rules.

- Exclude selectors of the source go first; keep selectors protect their elements (and the
  elements around them) from everything here.
- Learned template slots of the source (``rules.slots``, extract/slots.py): whatever sits
  where known furniture sat, whatever its words; never a block longer than a box, and never a
  slot that holds more than a few elements of this page.
- Link-dense blocks: a block whose text is mostly the text of links to other pages (teaser
  lists, 'Read more: …' lines, hover cards, follow and tag boxes). The budget of text that is
  not a link is absolute, so no container of the article itself can qualify. A short card
  with an empty link laid over it counts as that link's text, and script controls ('Close')
  as no prose.
- Form boxes: a short block around a form with a field (newsletter sign-up, search).
- Dateline and byline lines: a short block holding a ``<time>`` or an author link ('By Jane
  Doe | 12.22.14 | 12:03 pm'). They are fields (byline, dates), and their text changes with
  relative times ('5 minutes ago') and page furniture; the metadata reads them elsewhere.
- Share and tag boxes by their class or id ('shareLinks', 'entry-tags', 'keywords'): their
  buttons are often not links at all ('Tweet this' on a span), so link density misses them.
- Empty marker elements that body extraction mistakes for 'read more' widgets go.
- A stray <table> holding prose (CMS output wraps article paragraphs in one) is rewritten as
  plain blocks; body extraction skips tables, and would lose that text.
- Captions and pull quotes among the story's paragraphs become plain paragraphs: body extraction
  drops figures and anything named 'caption' or 'quote', but captions get corrected too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape as html_escape
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from redline.errors import ExtractionError
from redline.extract.body import paragraphs_of
from redline.extract.furniture import furniture_key
from redline.extract.model import Dropped, DropReason, ExtractRules
from redline.extract.names import class_names, class_words
from redline.extract.normalize import normalize_text
from redline.extract.slots import MAX_IN_PAGE, MAX_LIST, slot_nodes, slot_of

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "title"}
_BLOCKS = {
    "p",
    "li",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "div",
    "section",
    "aside",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tbody",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "header",
    "footer",
    "center",
    "form",
    "blockquote",
    "menu",
}
_BLOCKY_CHILDREN = "p, div, ul, ol, h2, h3, h4, h5, h6, blockquote, table, section"
_SENTENCE_END = (".", "!", "?", "”", '"', "。", "»")
SHORT_REST = 40  # characters of non-link text a link line may carry ('Read more: ', a date)
LIST_REST = 200  # ... and a list of three or more links (dates, bylines, a short blurb)
CAPTION_WORDS = 5  # shortest caption or pull quote kept (not 'Photo: AP')
# class/id words of a credit inside a caption
_CREDIT_WORDS = {"credit", "credits", "copyright", "photographer", "courtesy", "attribution"}
CAPTION_MAX_WORDS = 80  # longest: beyond that a 'caption' class names a container
MIN_PROSE_WORDS = 12  # a table cell this long (and not links) is article text
SLOT_WORDS = 80  # longest block a learned slot may drop (furniture.max_block_words)
SLOT_SHARE = 0.25  # most of a page's words the learned slots may drop together
CONTROL = 3  # _link_kind of a javascript: link
CARD_WORDS = 60  # longest teaser card whose link is an empty anchor laid over it
META_WORDS = 20  # longest dateline/byline block ('By … | date | time | Permalink')
_META_MARKERS = 'time, [rel~="author"], [itemprop~="author"], a[href*="/author/"]'
BOX_WORDS = 40  # longest share or tag box
# class/id words of share and tag boxes ('social' is not one: embedded posts are article text),
# and of the recommendation widgets sites embed: their text in the page is a label ('Around The
# Web', 'Promoted Stories') over links a script fills in
_BOX_WORDS = {
    "share",
    "sharing",
    "sharebar",
    "sharetools",
    "bookmarking",
    "tag",
    "tags",
    "keywords",
    "outbrain",
    "taboola",
    "zergnet",
    "revcontent",
}
_TAG_WORDS = {"tag", "tags", "keywords"}
# class/id words of a promotion: a sales pitch or sponsored box with its call to action (a link)
_PROMO_WORDS = {
    "pitch",
    "promo",
    "promotion",
    "sponsored",
    "advert",
    "advertisement",
    "advertorial",
}
PROMO_SHARE = 0.3  # most of a page's words a promotion may hold (more: the story itself)
PROMO_WORDS = 100  # longest promotion (the Motley Fool's 75-word pitch after every article)
_LIST_WORDS = {"list", "cloud", "links", "box", "entry", "post", "article", "story", "meta"}
_FIELDS = 'input:not([type]), input[type="text"], input[type="email"], input[type="search"]'
_TEXT_BLOCKS = {"p", "li", "td", "th", "dd", "dt", "h2", "h3", "h4", "h5", "h6"}  # hold sentences
_META_BLOCKS = {"p", "li", "ul", "ol", "div", "span", "header", "dl", "dd", "dt", "section"}


@dataclass
class _Stats:
    node: LexborNode
    total: int = 0
    link: int = 0
    anchors: int = 0
    site_link: int = 0  # text of links within the site
    site_anchors: int = 0


@dataclass(frozen=True)
class Cleaned:
    html: str
    keep: frozenset[str]  # paragraph texts under keep selectors
    dropped: tuple[Dropped, ...]
    captions: frozenset[str] = frozenset()  # captions and pull quotes made paragraphs


def _select(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    try:
        return list(tree.css(selector))
    except Exception as exc:
        raise ExtractionError("bad_rule", f"invalid CSS selector {selector!r}: {exc}") from exc


def _site(host: str) -> str:
    """'www.bbc.co.uk' -> 'bbc.co.uk', 'edition.cnn.com' -> 'cnn.com' (close enough to tell a
    site's own links from links away)."""
    labels = host.lower().removeprefix("www.").split(".")
    n = 3 if len(labels) > 2 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-n:])


def _link_kind(node: LexborNode, site: str | None) -> int:
    """0: not a link (none, a fragment); 1: a link away; 2: a link within the site; 3: a
    script control ('X', '<< Close', 'Load more'): no page behind it, but its label is no
    prose either."""
    href = (node.attributes.get("href") or "").strip()
    if not href or href.startswith("#"):
        return 0
    if href.lower().startswith("javascript:"):
        return CONTROL
    if href.startswith(("mailto:", "tel:")):
        return 1
    if "//" not in href[:8]:
        return 2  # relative
    try:
        host = urlsplit(href if not href.startswith("//") else "http:" + href).hostname
    except ValueError:
        return 1
    return 2 if host and site and _site(host) == site else 1


def _chars(text: str) -> int:
    return len("".join(text.split()))


def link_dense_blocks(root: LexborNode, page: str | None, protect: set[int]) -> list[LexborNode]:
    """The outermost blocks whose text is mostly links to other pages.

    Links must stay within the site (other articles, tags, authors): a list of sources is
    part of the article. Only a very short line may link away ('@handle', 'Facebook').
    A line ending like a sentence is text with a link in it, not a teaser.
    """
    host = urlsplit(page).hostname if page else None
    site = _site(host) if host else None
    order: list[tuple[_Stats, int | None]] = []
    stats: dict[int, _Stats] = {}
    stack: list[tuple[LexborNode, int | None, int]] = [(root, None, 0)]
    while stack:
        node, parent, in_link = stack.pop()
        if node.is_text_node:
            n = _chars(node.text_content or "")
            if parent is not None and n:
                st = stats[parent]
                st.total += n
                st.link += n if in_link else 0
                st.site_link += n if in_link == 2 else 0
            continue
        if not node.is_element_node or node.tag in _SKIP:
            continue
        st = _Stats(node)
        if node.tag == "a" and not in_link:
            in_link = _link_kind(node, site)
            st.anchors = int(in_link in (1, 2))
            st.site_anchors = int(in_link == 2)
        elif not in_link and (card := _card_link(node, site)):
            in_link = card
            st.anchors = 1
            st.site_anchors = int(card == 2)
        stats[node.mem_id] = st
        order.append((st, parent))
        stack.extend(
            (c, node.mem_id, in_link) for c in reversed(list(node.iter(include_text=True)))
        )
    for st, parent in reversed(order):  # children before parents
        if parent is not None:
            p = stats[parent]
            p.total += st.total
            p.link += st.link
            p.anchors += st.anchors
            p.site_link += st.site_link
            p.site_anchors += st.site_anchors
    out: list[LexborNode] = []
    gone: set[int] = set()  # inside a block already taken (or a <nav>)
    for st, parent in order:  # parents before children: the outermost block wins
        if parent in gone or st.node.tag == "nav":  # navigation is body extraction's own job
            gone.add(st.node.mem_id)
            continue
        if st.node.tag not in _BLOCKS or st.node.mem_id in protect or not st.total:
            continue
        rest = st.total - st.link
        line = rest <= SHORT_REST and (
            st.site_link >= 0.5 * st.total or (st.link >= 0.5 * st.total and st.total <= SHORT_REST)
        )
        if line and st.anchors == 1:
            text = st.node.text(deep=True).strip()
            line = not (text.endswith(_SENTENCE_END) and len(text.split()) >= 4)
        teasers = st.site_anchors >= 3 and st.site_link >= 0.5 * st.total and rest <= LIST_REST
        if line or teasers:
            out.append(st.node)
            gone.add(st.node.mem_id)
    return out


def _card_link(node: LexborNode, site: str | None) -> int:
    """The link kind of a teaser card: a short block with an empty link laid over it (a child
    ``<a href>`` with no content, stretched by CSS over the headline and blurb beside it), so
    the card's text is that link's text; 0 when the node is no such card. A paragraph with a
    stray empty link is still text, and so is a photo's caption (a figure linked to its
    gallery)."""
    if node.tag in ("p", "figure", "figcaption"):
        return 0
    kinds = [_link_kind(c, site) for c in node.iter() if c.tag == "a" and c.child is None]
    kind = next((k for k in kinds if k in (1, 2)), 0) or _headline_card(node, site)
    if not kind or node.css_first("figcaption") is not None:
        return 0
    return kind if len(node.text(deep=True, separator=" ").split()) <= CARD_WORDS else 0


def _headline_card(node: LexborNode, site: str | None) -> int:
    """The link kind of a teaser card made of a linked headline (a child heading) and more
    links to the same page: its photo, a 'Full Article' link (Reuters' story packages). A
    paragraph of the story that links the same page twice has no headline of its own."""
    heads = [c for c in node.iter() if c.tag in ("h2", "h3", "h4")]
    hrefs = {
        (a.attributes.get("href") or "").strip()
        for h in heads
        for a in h.css("a[href]")
        if _link_kind(a, site) in (1, 2)
    }
    hrefs.discard("")
    if not hrefs:
        return 0
    links = [a for a in node.css("a[href]") if (a.attributes.get("href") or "").strip() in hrefs]
    if len(links) < 2:
        return 0
    return _link_kind(links[0], site)


def _in_slots(
    root: LexborNode, rules: ExtractRules | None, protect: set[int]
) -> list[tuple[LexborNode, str]]:
    """The elements in learned slots (with their slot). A slot holding more than a box would
    (MAX_IN_PAGE) counts only when every element in it is known furniture text; none counts
    when together they would take more than SLOT_SHARE of the page's words (a template change
    that put the story where a box was)."""
    if rules is None or not rules.slots:
        return []
    by_slot: dict[str, list[LexborNode]] = {}
    for node in slot_nodes(root, rules.slots):
        by_slot.setdefault(slot_of(node) or "", []).append(node)
    out: list[tuple[LexborNode, str]] = []
    for slot, group in by_slot.items():
        texts = [node.text(deep=True, separator=" ") for node in group]
        if len(group) > MAX_LIST or (
            len(group) > MAX_IN_PAGE
            and not all(furniture_key(t) in rules.furniture_texts for t in texts)
        ):
            continue
        for node, text in zip(group, texts, strict=True):
            if node.mem_id not in protect and len(text.split()) <= SLOT_WORDS:
                out.append((node, slot))
    ids = {n.mem_id for n, _ in out}
    out = [(n, s) for n, s in out if not any(a.mem_id in ids for a in _ancestors(n))]
    dropped = sum(len(n.text(deep=True, separator=" ").split()) for n, _ in out)
    if dropped > SLOT_SHARE * len(root.text(deep=True, separator=" ").split()):
        return []
    return out


def metadata_blocks(root: LexborNode, protect: set[int]) -> list[LexborNode]:
    """The outermost short blocks around a ``<time>`` or an author link: datelines and bylines.

    A block ending like a sentence is text that mentions a date ('The vote is on <time>…'); an
    item of a list whose items each have a time is a timeline entry ('09:14 Polls open'), the
    story's own text."""
    out: list[LexborNode] = []
    taken: set[int] = set()
    for marker in root.css(_META_MARKERS):
        best = None
        node: LexborNode | None = marker
        while node is not None and node.mem_id != root.mem_id:
            if node.mem_id in protect or _timeline_entry(node):
                break
            if node.tag in _META_BLOCKS:
                text = node.text(deep=True, separator=" ").strip()
                n = len(text.split())
                if n > META_WORDS or (n >= 4 and text.endswith(_SENTENCE_END)):
                    break
                best = node
            node = node.parent
        if best is not None and best.mem_id not in taken:
            out.append(best)
            taken.add(best.mem_id)
    return [n for n in out if not any(a.mem_id in taken for a in _ancestors(n))]


def _timeline_entry(node: LexborNode) -> bool:
    """An <li> of a list where at least two items have a <time>."""
    if node.tag != "li" or node.parent is None:
        return False
    items = [c for c in node.parent.iter() if c.tag == "li"]
    return sum(1 for li in items if li.css_first("time") is not None) >= 2


def _box_words(node: LexborNode) -> set[str]:
    """The share/tag words of a node's class and id names. A name counts for 'tag' only when
    its other words are list words too ('entry-tags', 'tag-list', not 'tag-line')."""
    out: set[str] = set()
    for name in class_names(node):
        words = set(name)
        found = words & _BOX_WORDS
        if found & _TAG_WORDS and not words <= _TAG_WORDS | _LIST_WORDS:
            found -= _TAG_WORDS
        out |= found
    return out


def share_and_tag_boxes(root: LexborNode, protect: set[int]) -> list[LexborNode]:
    """The outermost short blocks named as share or tag boxes by their class or id, and the
    promotions named so that carry a link (their call to action)."""
    out: list[LexborNode] = []
    taken: set[int] = set()
    page_words: int | None = None
    for node in root.traverse():
        if node.tag not in _BLOCKS or node.mem_id in protect:
            continue
        promo = bool(class_words(node) & _PROMO_WORDS)
        if not (promo or _box_words(node)) or any(a.mem_id in taken for a in _ancestors(node)):
            continue
        limit = PROMO_WORDS if promo and node.css_first("a[href]") is not None else BOX_WORDS
        n = len(node.text(deep=True, separator=" ").split())
        if n > limit:
            continue
        if promo and limit == PROMO_WORDS:
            if page_words is None:
                page_words = len(root.text(deep=True, separator=" ").split())
            if n > PROMO_SHARE * page_words:
                continue  # most of the page: a short story in a container named 'promo'
        out.append(node)
        taken.add(node.mem_id)
    return out


def form_boxes(root: LexborNode, protect: set[int]) -> list[LexborNode]:
    """The outermost short blocks around a form with a field to type in: newsletter sign-ups
    ('Smart is sexy - get our newsletter: [email] [Sign up]'), search and login boxes. Their
    blurbs are sentences that no text rule knows; a form holding more (a page-wide ASP.NET
    form) is left alone."""
    found: dict[int, LexborNode] = {}
    for form in root.css("form"):
        if form.css_first(_FIELDS) is None:
            continue
        best = None
        node: LexborNode | None = form
        while node is not None and node.mem_id != root.mem_id and node.mem_id not in protect:
            if node.tag in _BLOCKS or node.tag == "span":
                if len(node.text(deep=True, separator=" ").split()) > BOX_WORDS or (
                    node is not form and _prose_beside(node, form)
                ):
                    break  # more than a box, or a story's paragraph beside the form (a stub)
                best = node
            node = node.parent
        if best is not None:
            found[best.mem_id] = best
    return [n for n in found.values() if not any(a.mem_id in found for a in _ancestors(n))]


def _prose_beside(node: LexborNode, form: LexborNode) -> bool:
    """Whether a node holds a paragraph of prose outside ``form``."""
    for p in node.css("p"):
        if len(p.text(deep=True, separator=" ").split()) >= MIN_PROSE_WORDS and not any(
            a.mem_id == form.mem_id for a in _ancestors(p)
        ):
            return True
    return False


def _ancestors(node: LexborNode) -> list[LexborNode]:
    out = []
    parent = node.parent
    while parent is not None:
        out.append(parent)
        parent = parent.parent
    return out


def _open_tables(root: LexborNode) -> None:
    """Tables whose cells hold prose become blocks, one per cell, in reading order."""
    for table in reversed(list(root.css("table"))):  # inner tables first
        cells = table.css("td, th")
        prose = False
        for cell in cells:
            text = cell.text(deep=True, separator=" ")
            links = sum(len(a.text(deep=True).split()) for a in cell.css("a"))
            if len(text.split()) - links >= MIN_PROSE_WORDS:
                prose = True
                break
        if not prose:
            continue
        parts = []
        for cell in cells:
            if cell.css_first(_BLOCKY_CHILDREN) is None:
                parts.append(f"<p>{cell.inner_html or ''}</p>")
            else:
                parts.append(f"<div>{_runs_as_paragraphs(cell)}</div>")
        new = LexborHTMLParser(f"<div>{''.join(parts)}</div>").body
        if new is not None and new.child is not None:
            table.replace_with(new.child)


def is_credit(node: LexborNode) -> bool:
    """A photo credit inside a caption ('caption-credit', 'photographer'): not caption text."""
    return bool(class_words(node) & _CREDIT_WORDS)


def caption_kind(node: LexborNode) -> str | None:
    """'caption' or 'pullquote' by tag or class/id words ('wp-caption-text', 'pullquote-left',
    'pull-quote', 'pullQuote', 'pull_quote'); a credit named as a caption's ('caption-credit')
    is none. The recheck fingerprint hashes the same elements (extract/fingerprint.py)."""
    if node.tag == "figcaption":
        return "caption"
    if is_credit(node):
        return None
    words = class_words(node)
    if "caption" in words or "captions" in words:
        return "caption"
    if "pullquote" in words or {"pull", "quote"} <= words:
        return "pullquote"
    return None


def _prose(node: LexborNode) -> str | None:
    """The text of a caption or pull quote worth keeping: a few words, mostly not links."""
    text = normalize_text(node.text(deep=True, separator=" "))
    n = len(text.split())
    links = sum(len(a.text(deep=True, separator=" ").split()) for a in node.css("a"))
    return text if CAPTION_WORDS <= n <= CAPTION_MAX_WORDS and links * 2 < n else None


def _among_prose(node: LexborNode, cache: dict[int, list[int]], levels: int = 2) -> bool:
    """Whether a node stands among the story's paragraphs: a sibling of it, or of one of its
    next ``levels`` wrappers, is a paragraph of prose. A lead image's caption above the story
    (in a hero box beside the text's container) is not; the reference texts leave it out.
    ``cache``: per parent, its prose paragraphs (a gallery asks the same parent for every
    caption)."""
    for _ in range(levels):
        parent = node.parent
        if parent is None:
            return False
        if parent.mem_id not in cache:
            cache[parent.mem_id] = [
                sib.mem_id
                for sib in parent.iter()
                if sib.tag == "p"
                and len(sib.text(deep=True, separator=" ").split()) >= MIN_PROSE_WORDS
            ]
        if any(mid != node.mem_id for mid in cache[parent.mem_id]):
            return True
        node = parent
    return False


def _caption_host(node: LexborNode, ids: set[int]) -> LexborNode:
    """What gives way to a caption's text: the outermost <figure> or caption-named wrapper
    right around it (only those are climbed, so a page of many figures costs linear time)."""
    host = node
    parent = node.parent
    while parent is not None and (parent.tag == "figure" or parent.mem_id in ids):
        host = parent
        parent = parent.parent
    return host


def _open_captions(root: LexborNode) -> list[str]:
    """Image captions and pull quotes become plain paragraphs where they stand.

    Body extraction drops every <figure> and every element named 'caption' or '…quote', but a
    caption is published text that newsrooms correct, and a pull quote is the story's own
    sentence. A figure gives way to its captions (a gallery's, all of them, in order). Only
    those among the story's paragraphs count (``_among_prose``); one inside a sentence (a
    <span class='pullquote'> in a <p>) stays where it is, as part of that sentence. Decided
    first, then applied: credits inside captions go, then each host is replaced once."""
    boxes = [n for n in root.traverse() if n.tag in _BLOCKS | {"span"} and caption_kind(n)]
    credits = [
        c for box in boxes for c in box.traverse() if c.mem_id != box.mem_id and is_credit(c)
    ]
    ids = {n.mem_id for n in boxes}
    inner = [
        n for n in boxes if not any(c.mem_id in ids for c in n.traverse() if c.mem_id != n.mem_id)
    ]
    credit_ids = {c.mem_id for c in credits}
    for c in credits:  # '© Bundesregierung/Steffen Kugler': a credit, not the caption
        if not any(a.mem_id in credit_ids for a in _ancestors(c)):
            c.decompose()
    plan: dict[int, tuple[LexborNode, list[str]]] = {}
    cache: dict[int, list[int]] = {}
    for node in inner:
        parent = node.parent
        if parent is not None and parent.tag in _TEXT_BLOCKS:
            continue  # inside a sentence
        text = _prose(node)
        if text is None:
            continue
        host = _caption_host(node, ids)
        if len(host.text(deep=True, separator=" ").split()) > CAPTION_MAX_WORDS * 4:
            host = node  # a wrapper the size of a story is no figure of it
        if not _among_prose(host, cache):
            continue
        plan.setdefault(host.mem_id, (host, []))[1].append(text)
    opened: list[str] = []
    for host, texts in plan.values():
        parts = "".join(f"<p>{html_escape(t, quote=False)}</p>" for t in texts)
        new = LexborHTMLParser(f"<div>{parts}</div>").body
        if new is None or new.child is None:
            continue
        for p in list(new.child.iter()):
            host.insert_before(p)
        host.decompose()
        opened.extend(texts)
    return opened


def _runs_as_paragraphs(node: LexborNode) -> str:
    """A node's inner HTML with each run of text and inline elements between its blocks made a
    paragraph: a caption typed straight into a table cell beside a credit <div> is prose that
    body extraction would not see as a paragraph."""
    out: list[str] = []
    run: list[str] = []
    words = 0

    def flush() -> None:
        nonlocal words
        if words:
            out.append(f"<p>{''.join(run)}</p>")
        else:
            out.extend(run)
        run.clear()
        words = 0

    for child in node.iter(include_text=True):
        if child.is_text_node:
            text = child.text_content or ""
            run.append(html_escape(text, quote=False))
            words += len(text.split())
        elif child.tag in _BLOCKS:
            flush()
            out.append(child.html or "")
        else:
            run.append(child.html or "")
    flush()
    return "".join(out)


def page_url(tree: LexborHTMLParser, url: str | None) -> str | None:
    """The page's own address: the one it was fetched from, else the one it declares."""
    if url:
        return url
    for sel, attr in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(sel)
        value = (node.attributes.get(attr) or "").strip() if node is not None else ""
        if value.startswith(("http://", "https://")):
            return value
    return None


_NOT_TEXT = "script, style, noscript, template"


def _shown_text(node: LexborNode) -> str:
    """The text a reader sees in ``node``, which is about to be dropped: an inline script or
    style inside it is no part of it (and goes first)."""
    for inner in node.css(_NOT_TEXT):
        inner.decompose()
    return normalize_text(node.text(deep=True, separator=" "))


def _drop(
    nodes: Iterable[LexborNode], reason: DropReason, dropped: list[Dropped], rule: str = ""
) -> None:
    """Take ``nodes`` out of the page, recording the text of each with why."""
    for node in nodes:
        if text := _shown_text(node):
            dropped.append(Dropped(text, reason, rule))
        node.decompose()


def clean_for_body(html: str, url: str | None, rules: ExtractRules | None) -> Cleaned:
    tree = LexborHTMLParser(html)
    dropped: list[Dropped] = []
    for sel in rules.drop if rules else ():
        _drop(_select(tree, sel), DropReason.SELECTOR, dropped)
    protect: set[int] = set()
    keep: set[str] = set()
    for sel in rules.keep if rules else ():
        for node in _select(tree, sel):
            keep.update(paragraphs_of(node))
            # body extraction judges by links and class names ('related', 'promo'): a kept
            # element shows it neither
            for inner in [node, *node.css("*")]:
                for attr in ("class", "id"):
                    if attr in inner.attributes:
                        del inner.attrs[attr]
            node.unwrap_tags(["a"])
            protect.update(n.mem_id for n in node.traverse())
            parent = node.parent
            while parent is not None:
                protect.add(parent.mem_id)
                parent = parent.parent
    root = tree.body or tree.root
    captions: list[str] = []
    if root is not None:
        for node, slot in _in_slots(root, rules, protect):
            _drop((node,), DropReason.LEARNED_SLOT, dropped, slot)
        _drop(link_dense_blocks(root, page_url(tree, url), protect), DropReason.LINK_DENSE, dropped)
        _drop(share_and_tag_boxes(root, protect), DropReason.BOX_NAME, dropped)
        _drop(form_boxes(root, protect), DropReason.FORM_BOX, dropped)
        _drop(metadata_blocks(root, protect), DropReason.METADATA, dropped)
        _open_tables(root)
        captions = _open_captions(root)
        # empty markers ('<span id="more-265087"></span>', WordPress's "read more" anchor) make
        # body extraction drop the whole paragraph around them
        for span in root.css("span[id], span[class]"):
            if span.child is None:
                span.decompose()
    return Cleaned(tree.html or html, frozenset(keep), tuple(dropped), frozenset(captions))
