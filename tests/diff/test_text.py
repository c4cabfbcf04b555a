"""Sentence splitting by context, tokenising CJK, and long-paragraph word diffs."""

from __future__ import annotations

import time

import pytest

from redline.diff import DocVersion, apply, compare
from redline.diff.align import word_diff
from redline.diff.text import split_sentences, tokenize


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("He moved to the U.S. He liked it there.", 2),
        ("She said no. Then she left the room.", 2),
        ("He sat. Then he stood up and left.", 2),
        ("They walked in the sun. Later it rained.", 2),
        ("The meeting ended at 5 p.m. The talks resume Monday.", 2),
        ("It happened in World War I. Many died.", 2),
        ("Shares of Acme Inc. The company said it would appeal.", 2),
        # abbreviations that stay inside a sentence
        ("Mr. Smith met the U.S. envoy on Jan. 5 in Washington.", 1),
        ("“It went well,” said Robert E. Lighthizer on Friday.", 1),
        ("The case, No. 5 on the docket, was heard at 5 p.m. on Sat. afternoon.", 1),
        ("Acme Inc. said it would appeal.", 1),
    ],
)
def test_sentence_ends_decided_by_context(text: str, pieces: int) -> None:
    out = split_sentences(text)
    assert "".join(out) == text
    assert len(out) == pieces, out


def test_cjk_tokens_are_single_characters() -> None:
    assert tokenize("市議會週二通過預算。") == list("市議會週二通過預算。")
    assert tokenize("東京の予算 (2024)") == ["東", "京", "の", "予", "算", " ", "(", "2024", ")"]
    assert tokenize("Québec’s budget") == ["Québec’s", " ", "budget"]


def test_word_diff_of_a_very_long_paragraph_is_fast_and_exact() -> None:
    words = [f"word{i % 97}" for i in range(5000)]
    a = " ".join(words)
    b = " ".join([*words[:2500], "inserted", *words[2500:]])
    t0 = time.perf_counter()
    ops = word_diff(a, b)
    elapsed = time.perf_counter() - t0
    assert "".join(t for op, t in ops if op != "-") == b
    assert "".join(t for op, t in ops if op != "+") == a
    assert [t for op, t in ops if op != "="] == ["inserted "] or [
        t.strip() for op, t in ops if op != "="
    ] == ["inserted"]
    assert elapsed < 0.5  # difflib took ~0.8 s here; generous bound for slow CI machines


def test_one_sentence_paragraph_of_5000_words() -> None:
    words = " ".join(f"w{i % 211}" for i in range(5000))
    old = DocVersion("t", paragraphs=(words,))
    new = DocVersion("t", paragraphs=(words.replace("w100 w101", "w100 changed w101", 1),))
    r = compare(old, new)
    assert apply(old, r) == new
    assert [i.op for i in r.items] == ["edited"]
