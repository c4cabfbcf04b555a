"""What the classifier knows about the article as a whole, beyond the sentence it is judging.

- word counts over both versions: a word is *corroborated* when the article uses it outside the
  sentence being judged; this is how the typo rule tells 'White Hose' → 'White House' (the story
  says 'White House' elsewhere) from 'increased' → 'decreased' (neither spelling corroborated),
  without shipping a dictionary;
- the names each version mentions (capitalised words mid-sentence), so a name edit can be told
  apart as a new name ('John Smith' → 'John Smyth') or a swap between names the story already
  uses ('Mr. Trump' → 'the United States');
- the article's language (guessed from its words), for the typo rule's dictionary;
- the quotation depth at the start of every sentence: a quotation that runs over several
  sentences of a paragraph keeps its later sentences inside the quote.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from redline.diff.dictionary import guess_language
from redline.diff.lexicon import proper_names, words
from redline.diff.model import TokenOp
from redline.diff.text import tokenize

_OPEN = ("“", "«", "„")
_CLOSE = ("”", "»")
_QUOTE_CHARS = re.compile('["“”«»„]')


def quote_depth_after(text: str, depth: int) -> int:
    """The quotation depth after reading ``text`` from ``depth`` (straight quotes toggle)."""
    if not _QUOTE_CHARS.search(text):
        return depth
    for tok in tokenize(text):
        if tok in _OPEN or (tok == '"' and depth == 0):
            depth += 1
        elif tok in _CLOSE or (tok == '"' and depth > 0):
            depth = max(depth - 1, 0)
    return depth


def inside_quotes(tokens: list[TokenOp], side: str, depth: int = 0) -> list[bool]:
    """For each token op on one side (old '-' or new '+'), whether it sits inside quotation
    marks; ``depth`` is the depth at the start of the sentence."""
    flags = []
    for op, text in tokens:
        if op not in ("=", side):
            flags.append(False)
            continue
        inside = depth > 0
        for tok in tokenize(text):
            if tok in _OPEN or (tok == '"' and depth == 0):
                depth += 1
            elif tok in _CLOSE or (tok == '"' and depth > 0):
                depth = max(depth - 1, 0)
            inside = inside or depth > 0
        flags.append(inside)
    return flags


def _depths(sents: list[tuple[int, int, str]]) -> dict[tuple[int, int], int]:
    """Quote depth at the start of each (paragraph, sentence); it never crosses paragraphs."""
    out: dict[tuple[int, int], int] = {}
    para, depth = -1, 0
    for p, i, text in sents:
        if p != para:
            para, depth = p, 0
        out[(p, i)] = depth
        depth = quote_depth_after(text, depth)
    return out


@dataclass
class ArticleContext:
    old_counts: Counter[str] = field(default_factory=Counter)
    new_counts: Counter[str] = field(default_factory=Counter)
    proper: frozenset[str] = frozenset()  # names used mid-sentence in either version's body
    old_depth: dict[tuple[int, int], int] = field(default_factory=dict)
    new_depth: dict[tuple[int, int], int] = field(default_factory=dict)
    _language: list[str | None] = field(default_factory=list, repr=False)

    def language(self) -> str | None:
        """The article's language, guessed from its words once and only when asked (the typo
        rule asks when the article does not corroborate either spelling)."""
        if not self._language:
            self._language.append(guess_language(self.old_counts + self.new_counts))
        return self._language[0]

    def elsewhere(self, word: str, *texts: str) -> bool:
        """Whether the article uses ``word`` outside ``texts`` (the sentence being judged),
        in either version. Case-insensitive."""
        w = word.lower()
        local = sum(words(t).count(w) for t in texts if t)
        return self.old_counts[w] + self.new_counts[w] > local

    def in_old(self, word: str) -> bool:
        return self.old_counts[word.lower()] > 0

    def in_new(self, word: str) -> bool:
        return self.new_counts[word.lower()] > 0


def build_context(
    old_sents: list[tuple[int, int, str]],
    new_sents: list[tuple[int, int, str]],
    old_title: str = "",
    new_title: str = "",
) -> ArticleContext:
    old_text = [s for _, _, s in old_sents]
    new_text = [s for _, _, s in new_sents]
    return ArticleContext(
        old_counts=Counter(words("\n".join([old_title, *old_text]))),
        new_counts=Counter(words("\n".join([new_title, *new_text]))),
        proper=frozenset(proper_names("\n".join(old_text)) | proper_names("\n".join(new_text))),
        old_depth=_depths(old_sents),
        new_depth=_depths(new_sents),
    )
