"""Text rules shared by attribution and every export, so they can never disagree.

- The question rule: the words at the start of a question's section that put the question,
  whether read out as scripted (a close echo of the script's wording) or asked in the
  interviewer's own words (the opening run of speech up to the first question mark).
- Sentence rules: a paragraph of a post begins with a capital and ends with a full stop (or
  its own question or exclamation mark), even where a redaction or a merge cut a sentence.
- Filler: a line that is only "Right.", "Mm." and the like.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

#: How similar the opening words must be to the scripted question to count as its reading.
ECHO_THRESHOLD = 0.6
#: A question asked in one's own words is at most this many words long; anything longer
#: before the first "?" is talk, not the question.
MAX_ASKED_WORDS = 40

_WORD_SPLIT = re.compile(r"[^\w']+")
_TOKEN = re.compile(r"\S+")
_ENDS_SENTENCE = re.compile(r"[.?!…]['\")\]’”]*$")
_ENDS_QUESTION = re.compile(r"\?['\")\]’”]*$")
_SENTENCE_BREAK = re.compile(r"(?<=[.?!…])(['\")\]’”]*)\s+")
# Lowercase words after these are not a new sentence ("e.g. drums").
_ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "st.", "approx."}

FILLERS = frozenset(
    [
        "right",
        "mm",
        "mmm",
        "mhm",
        "hmm",
        "hm",
        "um",
        "umm",
        "uh",
        "uhh",
        "er",
        "erm",
        "ah",
        "oh",
        "ooh",
        "okay",
        "ok",
        "yeah",
        "yep",
        "uh-huh",
        "aha",
        "ha",
        "sure",
        "well",
        "so",
        "anyway",
        "cool",
        "great",
        "lovely",
    ]
)


def norm_words(text: str) -> list[str]:
    """Lower-case words without punctuation, for comparing what was said with a script."""
    return [w for w in _WORD_SPLIT.split(text.lower()) if w]


def echo_length(words: Sequence[str], question: Sequence[str]) -> int:
    """How many leading (normalised) words are the scripted question read out (0 if none)."""
    if not words or not question:
        return 0
    best_len, best_ratio = 0, 0.0
    n = len(question)
    for k in range(max(1, n - 3), min(len(words), n + 4) + 1):
        ratio = SequenceMatcher(None, list(words[:k]), list(question), autojunk=False).ratio()
        if ratio > best_ratio + 1e-9:
            best_len, best_ratio = k, ratio
    return best_len if best_ratio >= ECHO_THRESHOLD else 0


def asked_length(tokens: Sequence[str]) -> int:
    """How many leading tokens (words with their punctuation) end at the first "?"."""
    for i, token in enumerate(tokens[:MAX_ASKED_WORDS]):
        if _ENDS_QUESTION.search(token.strip()):
            return i + 1
    return 0


def question_span(tokens: Sequence[str], question: str) -> int:
    """Leading tokens that put the section's question, however it was worded (0: none)."""
    normed = [(norm_words(t) or [""])[0] for t in tokens]
    echoed = echo_length(normed, norm_words(question)) if question else 0
    # A close echo that stops a few words short of its "?" ("...to share" + "this kind of
    # work?") still takes the whole question: the question mark is the better boundary.
    asked = asked_length(tokens)
    if echoed and asked and echoed <= asked <= echoed + 8:
        return asked
    return echoed or asked


def split_question(text: str, question: str) -> tuple[str, str]:
    """(the words that put the question, the rest) of one piece of text."""
    tokens = _TOKEN.findall(text)
    n = question_span(tokens, question)
    return " ".join(tokens[:n]), " ".join(tokens[n:])


# --- sentences ---------------------------------------------------------------------------


def ends_sentence(text: str) -> bool:
    return bool(_ENDS_SENTENCE.search(text.rstrip()))


def finish_sentence(text: str) -> str:
    """The text with a full stop added when it stops without final punctuation."""
    text = text.rstrip()
    if not text or ends_sentence(text):
        return text
    return text.rstrip(",-–— ") + "."


def capitalise_first(text: str) -> str:
    """Upper-case the first letter, after any opening quote or bracket.

    Text that starts with anything else ("&", "#", a digit) or with a word such as "iPad"
    is left as it is.
    """
    for i, ch in enumerate(text):
        if ch in "\"'(“‘[":
            continue
        if ch.isalpha() and ch.islower() and not (i + 1 < len(text) and text[i + 1].isupper()):
            return text[:i] + ch.upper() + text[i + 1 :]
        return text
    return text


def sentence_case(text: str) -> str:
    """Each sentence starts with a capital: after a merge "Yes. so then" reads "Yes. So then"."""
    pieces = _SENTENCE_BREAK.split(text)
    # split() with one group gives [sentence, closer, sentence, closer, ...]
    out: list[str] = []
    previous = ""
    for k in range(0, len(pieces), 2):
        sentence = pieces[k]
        closer = pieces[k + 1] if k + 1 < len(pieces) else None
        last_word = previous.rsplit(None, 1)[-1].lower() if previous.strip() else ""
        # "1. not numbered": a number with a stop is a list mark or an ordinal, not a sentence.
        numeral = bool(re.fullmatch(r"\d+[.)]", last_word))
        if not out or (last_word not in _ABBREVIATIONS and not numeral):
            sentence = capitalise_first(sentence)
        out.append(sentence)
        if closer is not None:
            out.append(closer + " ")
        previous = sentence
    return "".join(out)


def tidy_paragraph(text: str) -> str:
    """A paragraph as a post prints it: sentence case and a final full stop."""
    return finish_sentence(sentence_case(capitalise_first(" ".join(text.split()))))


def sentences(text: str) -> list[str]:
    """The text cut into sentences (each keeps its final punctuation)."""
    result: list[str] = []
    for k, piece in enumerate(_SENTENCE_BREAK.split(" ".join(text.split()))):
        if k % 2 == 0:
            if piece:
                result.append(piece)
        elif result:
            result[-1] += piece
    return result


def is_filler(text: str) -> bool:
    """True when the text says nothing but "Right.", "Mm.", "Okay, yeah." and the like."""
    words = norm_words(text)
    return bool(words) and all(w in FILLERS for w in words)
