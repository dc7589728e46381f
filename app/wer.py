"""Word error rate, the way the test data's README defines it.

Lower-case, drop punctuation, split on whitespace, then word-level edit distance divided by the
number of reference words. Numbers are not spelled out: "18" vs "eighteen" counts as an error.
"""

from __future__ import annotations

import re

# Apostrophes inside words are dropped rather than split on, so "school's" -> "schools".
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def normalise(text: str) -> list[str]:
    return _PUNCTUATION.sub("", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words.

    An empty reference divides by one instead of zero, so every hypothesis word is one error.
    """
    ref = normalise(reference)
    hyp = normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else float(len(hyp))
    # One row of the Levenshtein table at a time: memory grows with the hypothesis only.
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(
                    previous[j] + 1,  # reference word deleted
                    current[j - 1] + 1,  # hypothesis word inserted
                    previous[j - 1] + (ref_word != hyp_word),  # match or substitution
                )
            )
        previous = current
    return previous[-1] / len(ref)
