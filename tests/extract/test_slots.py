"""Template slots: a block's place in the site's markup, learned where furniture sat."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser
from tests.extract.test_furniture import BODY, URL, page

from redline.extract import ExtractRules, extract
from redline.extract.furniture import furniture_key
from redline.extract.model import DropReason
from redline.extract.slots import block_slots, slot_of
from redline.furniture.slots import new_slots

PROMO = "<div class='promo-box post-856 first'><h4>{}</h4></div>"


def test_a_slot_is_a_short_class_path_without_ids() -> None:
    tree = LexborHTMLParser(page(inside=PROMO.format("Take our quiz on sleep")))
    h4 = tree.css_first("h4")
    assert slot_of(h4) == "article>div.promo-box>h4"  # an article's id, a position
    p = tree.css_first("article p:nth-of-type(2)")
    assert slot_of(p) is None  # article>p names no class: too generic to be a place


def test_the_story_s_own_paragraphs_are_never_a_slot() -> None:
    # one of them repeats across the site's articles (a closing line): its path is shared by
    # four paragraphs that are not furniture, so it is no slot
    html = page().replace("<p>", "<p class='body-text'>")
    assert block_slots(html, [BODY[-1]]) == {}


def test_a_list_of_known_promotions_is_one_slot() -> None:
    promos = [
        "Take the sleep quiz",
        "Take the hair quiz",
        "Take the skin quiz",
        "Take the diet quiz",
    ]
    items = "".join(f"<li><div><div><p>{t}</p></div></div></li>" for t in promos)
    html = page(inside=f"<ul class='quizzes'>{items}</ul>")
    # four elements in one place (more than a box repeated), but every one is known furniture;
    # the path climbs past the unnamed levels to the first class
    assert block_slots(html, promos[:1], {furniture_key(t) for t in promos[1:]}) == {
        promos[0].casefold(): {"ul.quizzes>li>div>div>p"}
    }
    assert block_slots(html, promos[:1]) == {}  # the others unknown: no slot


def test_whatever_sits_in_a_learned_slot_is_furniture() -> None:
    first = page(inside=PROMO.format("Take our quiz on sleep and beauty"))
    found = new_slots(first, ["Take our quiz on sleep and beauty"], frozenset())
    assert [b.key for b in found] == ["article>div.promo-box>h4"]
    rules = ExtractRules(slots=frozenset(b.key for b in found))
    later = page(inside=PROMO.format("Win a weekend in the mountains: enter today"))
    ext = extract(later, URL, rules)
    assert ext.paragraphs == tuple(BODY)
    drop = next(d for d in ext.dropped if d.reason is DropReason.LEARNED_SLOT)
    assert drop.rule == "article>div.promo-box>h4"
    assert new_slots(later, [drop.text], rules.slots) == ()  # known: nothing new to learn


def test_a_slot_never_drops_a_story_sized_block() -> None:
    rules = ExtractRules(slots=frozenset({"article>div.promo-box>h4"}))
    long_text = " ".join(BODY)  # a template change put the story where the promo was
    ext = extract(page(inside=PROMO.format(long_text)), URL, rules)
    assert long_text in ext.paragraphs
    assert DropReason.LEARNED_SLOT not in {d.reason for d in ext.dropped}
