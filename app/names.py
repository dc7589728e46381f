"""Names spelt right: what steers recognition, and misspellings a person can fix at once.

Both participants' names are typed in before the recording, so the engine is told them (with
the title's proper nouns and the glossary) as hotwords / an initial prompt. A small model still
writes "Karen" for Kieran now and then; ``misspellings`` finds such near misses of a known name
so the app can offer one "replace everywhere" fix, which ``replace_word`` makes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from app.models import Interview, Segment

#: How alike the letters of a transcript word and a known name must be (difflib ratio), on
#: top of sounding alike, to count as a misspelling of it. "Karen"/"Kieran" is 0.55.
SIMILARITY = 0.5
#: Words that look like names when they start a sentence, but are just English.
_COMMON = frozenset(
    [
        "the",
        "this",
        "that",
        "then",
        "there",
        "they",
        "their",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "how",
        "and",
        "but",
        "yes",
        "okay",
        "well",
        "some",
        "come",
        "came",
        "kind",
        "keep",
        "karma",
        "right",
        "really",
    ]
)
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’-]*")


def _proper_nouns(title: str) -> list[str]:
    """Capitalised words of a title after its first word ("Drumming on the Ward" -> Ward)."""
    words = _WORD.findall(title)
    return [w for w in words[1:] if w[:1].isupper() and w.lower() not in _COMMON]


def steering_terms(interview: Interview, glossary: Iterable[str] = ()) -> list[str]:
    """The words recognition should spell right: names, the title's proper nouns, glossary."""
    terms: list[str] = []
    for person in interview.participants:
        terms.append(person.name)
    terms += _proper_nouns(interview.title)
    terms += [" ".join(g.split()) for g in glossary]
    return list(dict.fromkeys(t for t in terms if t))


def known_words(interview: Interview, glossary: Iterable[str] = ()) -> list[str]:
    """Single words a transcript should contain spelt exactly so (first names, surnames...)."""
    words: list[str] = []
    for term in steering_terms(interview, glossary):
        words += [w for w in _WORD.findall(term) if w[:1].isupper() and len(w) >= 3]
    return list(dict.fromkeys(words))


@dataclass
class NameFix:
    wrong: str
    right: str
    count: int


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def soundex(word: str) -> str:
    """The classic four-character sound key: names that sound alike share it."""
    letters = [c for c in word.lower() if c.isascii() and c.isalpha()]
    if not letters:
        return ""
    codes = []
    previous = letters[0].translate(_SOUNDEX)
    for c in letters[1:]:
        code = c.translate(_SOUNDEX)
        if code.isdigit() and code != previous:
            codes.append(code)
        if c not in "hw":  # h and w do not separate two equal codes
            previous = code
    return (letters[0].upper() + "".join(codes) + "000")[:4]


def _similar(a: str, b: str) -> bool:
    """Sounds alike and looks alike, but is not the same word."""
    a_l, b_l = a.lower(), b.lower()
    if a_l == b_l or a_l[:1] != b_l[:1] or a_l in _COMMON:
        return False
    if soundex(a) != soundex(b):
        return False
    return SequenceMatcher(None, a_l, b_l, autojunk=False).ratio() >= SIMILARITY


def misspellings(
    segments: Sequence[Segment], interview: Interview, glossary: Iterable[str] = ()
) -> list[NameFix]:
    """Capitalised words of the transcript that are near misses of a known name."""
    known = known_words(interview, glossary)
    known_lower = {k.lower() for k in known}
    counts: dict[str, int] = {}
    lower_case: set[str] = set()
    for seg in segments:
        if seg.redacted:
            continue
        for word in _WORD.findall(seg.text):
            if word[:1].islower():
                lower_case.add(word)
            elif len(word) >= 3 and word.lower() not in known_lower:
                counts[word] = counts.get(word, 0) + 1
    fixes = []
    for word, count in counts.items():
        if word.lower() in lower_case:
            continue  # also written in lower case: an ordinary word at a sentence start
        best = max(
            known,
            key=lambda k: SequenceMatcher(None, word.lower(), k.lower()).ratio(),
            default=None,
        )
        if best is not None and _similar(word, best):
            fixes.append(NameFix(word, best, count))
    return sorted(fixes, key=lambda f: (-f.count, f.wrong))


def _pattern(wrong: str) -> re.Pattern[str]:
    # Whole words only: fixing "Karen" must not touch "Karenina".
    return re.compile(rf"(?<![\w'’-]){re.escape(wrong)}(?![\w-])")


def replace_word(segments: Sequence[Segment], wrong: str, right: str) -> tuple[list[Segment], int]:
    """Every whole-word ``wrong`` replaced by ``right``; word timings kept (one word each)."""
    pattern = _pattern(wrong)
    result: list[Segment] = []
    total = 0
    for seg in segments:
        new_text, count = pattern.subn(right, seg.text)
        if not count:
            result.append(replace(seg, words=[replace(w) for w in seg.words]))
            continue
        total += count
        words = [replace(w, text=pattern.sub(right, w.text)) for w in seg.words]
        result.append(replace(seg, text=new_text, words=words, edited=True))
    return result, total
