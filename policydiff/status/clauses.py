"""Validity clauses found in a version's own text (no I/O): when it takes effect
(自…起施行), when it lapses (有效期至 DATE, 有效期 N 年) and where it prevails over earlier
texts (此前…与本…不一致的，以本…为准). Each is quoted verbatim with its offset.

Dates, numerals and the nouns a text names itself by come from `lexicon`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..lexicon import CN_NUMERAL_CHARS, ISSUE_DAY_RE, SELF_REFERENCE_RE, cn_to_int, effective_clauses, parse_cn_date


@dataclass(frozen=True)
class Clause:
    """A validity clause found in a text: kind "expiry" (有效期至 DATE), "term" (有效期 N 年),
    "prevail" (此前…不一致的，以本…为准) or "effective" (自…起施行)."""

    kind: str
    text: str  # the sentence, verbatim
    offset: int  # of `text` in the document text
    date: str | None = None  # expiry: the last day in force; effective: the first day
    years: int | None = None  # term: its length in years
    on_issue: bool = False  # effective: 自印发/发布/公布之日起


# Sentences end at 。；; or a line break; a clause is the sentence holding its keyword.
_SENTENCE_RE = re.compile(r"[^。；;\n]*[。；;]?")
_EXPIRY_RE = re.compile(r"有效期(?:至|到|截至|截止(?:到|至)?)")
_TERM_RE = re.compile(rf"有效期(?:为|是)?\s*(?P<n>[0-9０-９]{{1,2}}|[{CN_NUMERAL_CHARS}]{{1,3}})\s*年")
_PREVAIL_RE = re.compile(r"(?:此前|以前|之前|过去)[^。；]*?与本[^。；]*?不一致的?[，,、]?\s*以本[^。；]*?为准")
# A validity clause speaks of the document itself (「本办法有效期至…」: lexicon's
# SELF_REFERENCE_RE); 「许可证有效期为5年」 inside an article is about something else and must
# not end the document. 施行 clauses are found by lexicon.effective_clauses, the reader the
# ingest uses for the front matter's effective date (自/于 …起施行, a bare date before 起).


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    for match in _SENTENCE_RE.finditer(text):
        sentence = match.group()
        if sentence.strip():
            lead = len(sentence) - len(sentence.lstrip())
            yield match.start() + lead, sentence.strip()


def _term_years(text: str) -> int | None:
    try:
        return cn_to_int(text) or None
    except ValueError:
        return None


def scan_clauses(text: str) -> tuple[Clause, ...]:
    """Validity clauses of a text, in text order, each quoted verbatim with its offset.

    >>> [(c.kind, c.date, c.years) for c in scan_clauses(
    ...     "本办法自2020年1月1日起施行，有效期至2022年12月31日。本规定有效期3年。")]
    [('effective', '2020-01-01', None), ('expiry', '2022-12-31', None), ('term', None, 3)]
    """
    found: list[Clause] = []
    for offset, sentence in _sentences(text):
        is_effective = False
        for effective in effective_clauses(sentence):
            when = effective.when
            on_issue = bool(ISSUE_DAY_RE.search(when))
            date = parse_cn_date(when)
            if (on_issue or date) and SELF_REFERENCE_RE.search(sentence[: effective.end]):
                found.append(Clause("effective", sentence, offset, date=date, on_issue=on_issue))
                is_effective = True
                break
        if not (is_effective or SELF_REFERENCE_RE.search(sentence)):
            continue
        expiry = _EXPIRY_RE.search(sentence)
        if expiry and (date := parse_cn_date(sentence[expiry.end():])):
            found.append(Clause("expiry", sentence, offset, date=date))
        elif (term := _TERM_RE.search(sentence)) and (years := _term_years(term["n"])):
            found.append(Clause("term", sentence, offset, years=years))
        if _PREVAIL_RE.search(sentence):
            found.append(Clause("prevail", sentence, offset))
    return tuple(found)

