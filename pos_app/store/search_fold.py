"""Search text folded as SQLite's FTS5 tokenizers fold it, for the PostgreSQL search (pg_search_index.py).

The trigram index (case-blind substring) folds case only: each character to its simple lower
case ("Café" -> "café"). The word index (unicode61, remove_diacritics 2) splits a name into runs
of letters and digits, as catalogue.py's _WORD splits a query, and also removes diacritics
("Crème" -> "creme"); letters that are not a base letter plus marks stay ("ø", "ł", "æ", "ß"), as
in SQLite. Python does it, not a server function (unaccent, ICU), so the same text folds the same
way whatever the server's build and locale.
"""

from __future__ import annotations

import re
import unicodedata


def fold_case(text: str) -> str:
    """text with each character lowered alone; one whose lower case is two characters stays as it is
    ("İ"), as SQLite's fold leaves it."""
    return "".join(_lower(char) for char in text)


def _lower(char: str) -> str:
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


#: A name's words as unicode61 splits them: _WORD's letters and digits, and also combining marks
#: and private-use characters, which unicode61 keeps inside a word ("e\u0301clair" is one word).
_NAME_WORD = re.compile("(?:[^\\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                        "\ue000-\uf8ff])+")


def fold_word(word: str) -> str:
    """A word lowered, the diacritics of its Latin letters removed ("Crème" -> "creme"; SQLite's
    remove_diacritics leaves Greek and Cyrillic letters whole: "ά", "ё")."""
    kept: list[str] = []
    latin = False
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.category(char) == "Mn":
            if latin:
                continue
        else:
            latin = char < "\u0250" or "\u1e00" <= char <= "\u1eff"
        kept.append(char)
    return fold_case(unicodedata.normalize("NFC", "".join(kept)))


def folded_words(text: str) -> list[str]:
    """The words of a name (or sku), each folded, in order (repeats kept)."""
    return [folded for folded in map(fold_word, _NAME_WORD.findall(text)) if folded]


def word_starts(*texts: str) -> set[str]:
    """The first one and two characters of every word of the texts: what a one- or two-character
    query can be (SQLite's prefix='1 2' index)."""
    return {word[:size] for text in texts for word in folded_words(text) for size in (1, 2)}
