"""Clean text -> Document: the numbering grammar of Chinese policies and laws (and English).

Functional core: no I/O. Input is the clean text of `policydiff.ingest` (one line per
paragraph, "\\n" line ends), but any string is accepted and the result is always lossless:
``"".join(b.raw for b in doc.blocks) == doc.text``. A block's ``raw`` is a run of whole
lines, each with its "\\n" (only the very last line of a text without a final newline
lacks it).

How a text is read
==================

1. **Candidates.** Every line whose start (after indentation) looks like a label is a
   candidate, classified by style (``classify_line``)::

       part 第X编 > subpart 第X分编 > chapter 第X章 > section 第X节 > article 第X条[之Y]
       (第X部分 and 第X篇, as in plans, count as part)
       cn-top 一、 > cn-paren （一）/(一) > arabic 1. 1． 1、 > arabic-paren (1)（1）1) > circled ①
       English: en-part "Part I" > en-chapter "Chapter 2" > en-section "Section 2" and
       en-article "Article 3" (Section above Article as in EU acts, or Article above
       Section as in US charters: whichever order continuity accepts more numbers
       under; a tie keeps Section above), arabic "1.",
       alpha-paren "(a)".

   "3.5亿元" (a digit after the dot), "2024年" (no label punctuation) and 「第十条规定的」
   in mid-line are not candidates. A 第X条 line is *strong* when whitespace (or the end
   of the line) follows the label, *weak* when text follows directly.

2. **Table of contents.** A run of two or more adjacent container-style lines
   (编/章/节, 一、, Part, Chapter) that all appear again later is a duplicated heading
   list; its lines are ordinary text (they fall into the preamble), so they create no
   containers.

3. **Continuity** (``_accept``): candidates are read in order against a stack of open
   numbered nodes. A candidate is accepted only as

   - the successor of the open node of its style (5 after 4; 第十条之一 after 第十条,
     之二 after 之一; 第十一条 after 第十条之二), or
   - a new level under the current node: number 1 (a restart), or the successor of the
     last number of that style anywhere (numbering that runs on across parents, as the
     seed's 1.…17. runs across (一)…(五) and 二、).

   A restart under a new parent competes with the running numbering: within the parent,
   the reading whose successor chain is longer wins, a tie keeping the running numbers
   (a quoted "1. 2." list inside (二)'s intro while 5. 6. 7. follow is not a restart; a
   chapter whose sections restart at 第一节 is). A *suspect* successor (a weak 第X条 line,
   or one that also continues a list just refused, like the "2." of a "1. 2." sub-list
   inside measure 1) gives way when the same number comes again before the next one.
   Coarser levels introduce finer ones: under a parent that already holds finer items,
   a coarser new level is refused (a quoted 「（一）」 inside an amendment's "1." item);
   编/章/节/条 are exempt. A strong 第一条/第一章 may start a second run in the same
   parent (an attached text; the body after a contents list) when that run is longer
   than what the running numbers still find.
   Strong 第X编/章/节/条 lines also accept a forward gap of up to ``MAX_ARTICLE_GAP``
   (official texts that skip a number by mistake). Everything refused stays text of the
   node above it: a "1." inside an article, a year, a cross-reference, a quoted list.

4. **Which styles are structure.** A first pass with every style finds which styles hold
   at least ``MIN_MEASURES`` accepted numbers. The measure style is the finest present
   style of the first tier that has one: (article, en-article, en-section), then
   (cn-top, cn-paren, arabic), then (arabic-paren, circled, alpha-paren), then the
   container styles. Structure = the present styles at or above the measure style; a
   second pass parses with those only. So inside a 第X条 article （一） and 1. are items
   (款/项) and never nodes, and in a policy (1) and ① stay inside their measure.

5. **Kinds.** A structural node with structural children is a CONTAINER, one without is a
   MEASURE (leaf rule: "a level is a container only when numbered measures sit below
   it") — except a bare 编/章/节/Part/Chapter line above the measure level (a chapter
   whose articles were all deleted), which carries no content and stays an empty
   CONTAINER. A container's raw runs from its heading to its first child: its intro text
   (the seed's (一) paragraph) is its own.

6. **Unnumbered text** becomes TEXT blocks, all at top level:

   - before the first node: ``notice`` (everything up to a signature date such as
     「2024年10月9日」 that is followed by more text: a covering notice with its signature),
     then ``title`` (the first line, when it does not end like a sentence), ``header``
     (lines opening with a date: a law's adoption and amendment lines), ``preamble``;
     a contents list (with its 「目录」 line) is ``toc``;
   - after the last node: ``closing`` — from the first paragraph (never the node's own
     first line) that is an attachment heading (附件, 附件1：, 附表, 附录) or, in policy
     style only, a document-level clause (「本措施自印发之日起施行」, 「由…负责解释」,
     「原《…》…废止」, 「有效期」) to the end. Why the clauses only in policy style: a
     第X条 article owns its following paragraphs (款), and a law's last article is
     itself the 施行 clause, so nothing is split off an article. A policy list item
     has no such boundary, and the clause that brings the whole document into force is
     not part of measure 17;
   - an editor's footnote after a measure's text (a line 「① …」 whose mark 「①」 stands
     inside an earlier line): a ``note`` block, from that line to the next node;
   - a text with no accepted numbering at all: one ``paragraph`` block per line, and a
     note in ``Document.notes``.

Tunables are module constants below, each with its unit and range.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate, compress, repeat
from operator import add, itemgetter
from typing import NamedTuple

from .ingest import patterns as P
from .ingest.chrome import is_page_tools
from .model import Block, BlockKind, Document, DocumentMeta, new_block
from .lexicon import (CIRCLED, CN_NUMERAL_CHARS, DATE_PATTERN, DOC_NO_BARE, DOC_NOUN_PATTERN, REPEAL_VERB_PATTERN,
                      YEAR_PATTERN, cn_to_int, fold, has_traditional, may_end_with_date, roman_to_int)

__all__ = [
    "parse",
    "classify_line",
    "Candidate",
    "NO_NUMBERING_NOTE",
    "TOC_NOTE",
]

# A strong 第X编/分编/章/节/条 line may skip up to this many numbers (unit: label numbers;
# 0 = strict successor only; range 0..10). Official texts occasionally misnumber (the
# corpus has a 第七章 missing and a 第二章 missing); a gap larger than this is more likely
# a cross-reference than a missed unit.
MAX_ARTICLE_GAP = 3
# A style counts as present when at least this many of its numbers are accepted (unit:
# labels; range 1..3). 2 keeps a lone "1." in a preamble from becoming a one-measure list.
MIN_MEASURES = 2
# A title line is at most this long (unit: characters; range 40..200).
MAX_TITLE_CHARS = 120

NO_NUMBERING_NOTE = "no numbering found: the text is kept as paragraphs"
TOC_NOTE = "a table of contents (duplicated heading list) was kept as text"

# Fixed ranks (smaller = coarser). English heading styles are placed by _ranks.
_RANK = {
    "part": 0.0,
    "subpart": 1.0,
    "chapter": 2.0,
    "section": 3.0,
    "article": 4.0,
    "cn-top": 5.0,
    "cn-paren": 6.0,
    "arabic": 7.0,
    "arabic-paren": 8.0,
    "circled": 9.0,
    "alpha-paren": 10.0,
    # Containers of article-numbered documents that are not 编/章/节 (see
    # _article_document_headings): 「一、管辖」 section headings just above the articles,
    # and bare headings (「附则」, a Markdown heading) whose rank is set per document.
    "cn-section": 3.5,
    "heading": 3.9,
}
_EN_HEADINGS = ("en-part", "en-chapter", "en-section", "en-article")
_TIERS = (
    ("article", "en-article", "en-section"),
    ("cn-top", "cn-paren", "arabic"),
    ("arabic-paren", "circled", "alpha-paren"),
    ("part", "subpart", "chapter", "section", "en-part", "en-chapter"),
)
# Styles that are headings, never content: a one-line 第X章 is a bare heading, whereas a
# one-line "（三）加强领导。" is a measure.
_HEADING_ONLY_STYLES = ("part", "subpart", "chapter", "section", "en-part", "en-chapter")
# Styles that a table of contents lists.
_TOC_STYLES = ("part", "subpart", "chapter", "section", "cn-top", "en-part", "en-chapter")
_TOC_STYLE_SET = frozenset(_TOC_STYLES)

_SPACE = " \t\u3000\u00a0"


def _unspaced(line: str) -> str:
    """`line` without any of the _SPACE characters (four C-level replaces: a pattern here
    was a cache lookup and a substitution per line, 48 k of them per side of the test
    compilation of issue 14)."""
    return line.replace(" ", "").replace("\t", "").replace("\u3000", "").replace("\u00a0", "")

_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_NUM = rf"(?:[0-9０-９]+|[{CN_NUMERAL_CHARS}]+)"
_CN = rf"[{CN_NUMERAL_CHARS}]+"
_DIG = r"[0-9０-９]+"
_ROMAN_OR_DIG = r"(?:[0-9]+|[IVXLCDM]+)"

# (style, pattern). Group "n" = number, "sub" = 之Y. Order matters only where patterns
# could overlap (分编 before 编). Compiled at first use (P.LazyPattern): classify_line reads
# a label from the combined match below, and asks these only when that label is refused.
_PATTERNS: tuple[tuple[str, P.LazyPattern], ...] = tuple((style, P.LazyPattern(pattern)) for style, pattern in (
    ("subpart", rf"第(?P<n>{_NUM})分编"),
    ("part", rf"第(?P<n>{_NUM})(?:编|部分|篇)"),
    ("chapter", rf"第(?P<n>{_NUM})章"),
    ("section", rf"第(?P<n>{_NUM})节"),
    ("article", rf"第(?P<n>{_NUM})条(?:之(?P<sub>{_NUM}))?"),
    ("cn-top", rf"(?P<n>{_CN})[、]"),
    # ㈠…㈩ (U+3220..U+3229, one character each) are （一）…（十） as some pages print them
    ("cn-paren", rf"[(（](?P<n>{_CN})[)）]|(?P<n3>[\u3220-\u3229])"),
    ("arabic", rf"(?P<n>{_DIG})(?:[.．](?![0-9０-９])|、)"),
    ("arabic-paren", rf"[(（](?P<n>{_DIG})[)）]|(?P<n2>{_DIG})[)）]"),
    ("circled", rf"(?P<n>[{''.join(CIRCLED)}])"),
    ("en-part", rf"(?:Part|PART)\s+(?P<n>{_ROMAN_OR_DIG})\b\.?"),
    ("en-chapter", rf"(?:Chapter|CHAPTER)\s+(?P<n>{_ROMAN_OR_DIG})\b\.?"),
    ("en-section", rf"(?:Section|SECTION|§)\s*(?P<n>{_DIG})\b\.?"),
    ("en-article", rf"(?:Article|ARTICLE)\s+(?P<n>{_ROMAN_OR_DIG})\b\.?"),
    ("alpha-paren", r"\((?P<n>[a-z])\)"),
))
# Every pattern above as one alternation: it matches at a line's start exactly when one of
# them does, so that a line that starts with no label costs one C-level match instead of
# sixteen (parsing the 1.45 M-character test compilation of issue 14 spent a third of
# classify_line there). Alternative k is a group named _k holding pattern k with its own
# groups renamed _k_<name>: the alternation takes the first alternative that matches, which
# is exactly what pattern k alone matches there (nothing follows it), so the match names the
# first style that matches (`lastindex`: the outer group closes last) and holds its number,
# and no pattern needs to be tried again (two matches per label line were 18 k extra matches
# and dicts a side of the compilation).
def _alternative(index: int, pattern: str) -> str:
    own_groups = re.sub(r"[(][?]P<([a-z0-9]+)>", lambda group: f"(?P<_{index}_{group[1]}>", pattern)
    return f"(?P<_{index}>{own_groups})"


# (compiled at first use: parse reads a text's lines through _LINE_LABEL below, and only a
# single classify_line needs this one; ~2 ms of a small diff's start-up, issue 14)
_ANY_LABEL = P.LazyPattern("|".join(_alternative(index, pattern.pattern)
                                    for index, (_, pattern) in enumerate(_PATTERNS)))


# The same alternation after a line's indentation and Markdown heading marker, as
# _classify strips them (lstrip of _SPACE, then _MD_HEADING): a label never starts with a
# space, a tab or "#", so backtracking into the prefix finds nothing the strip would not.
# Group numbers are those of _ANY_LABEL (the prefix holds no group; tests/test_structure.py).
_LINE_LABEL = re.compile(r"[ \t\u3000\u00a0]*(?:#{1,6}[ \t]+)?(?:" + _ANY_LABEL.pattern + ")")
# group number of each alternative's outer group -> (alternative index, its style, and the
# numbers in _ANY_LABEL (= in _LINE_LABEL) of its groups n, n2, n3 and sub: 0 for a group it
# does not have)
_ALTERNATIVES: dict[int, tuple[int, str, int, int, int, int]] = {
    _LINE_LABEL.groupindex[f"_{index}"]: (index, style, *(_LINE_LABEL.groupindex.get(f"_{index}_{name}", 0)
                                                           for name in ("n", "n2", "n3", "sub")))
    for index, (style, _) in enumerate(_PATTERNS)
}


# The alternatives (by their outer group's number in _ANY_LABEL) whose number _number reads
# by cn_to_int and whose label _candidate accepts whatever follows: (style, and the group
# numbers of n, n2, n3, sub as in _ALTERNATIVES).
_PLAIN_ALTERNATIVES: dict[int, tuple[str, int, int, int, int]] = {
    outer: (style, n, n2, n3, sub) for outer, (_, style, n, n2, n3, sub) in _ALTERNATIVES.items()
    if style not in ("circled", "alpha-paren", "en-part", "en-chapter", "en-section", "en-article")
}


class Candidate(NamedTuple):
    """A line that starts with a label. (A named tuple: made for most lines of a text, 0.3 µs
    each against 0.7 µs for a frozen dataclass; read-only all the same.)"""

    style: str
    label: str  # as printed: "1.", "（一）", "第十条之一"
    number: int
    sub_number: int | None
    heading: str  # the rest of the line after the label and separating white space
    strong: bool  # white space or end of line right after the label


def _number(style: str, text: str) -> int:
    if style == "circled":
        return CIRCLED[text]
    if style == "alpha-paren":
        return ord(text) - ord("a") + 1
    if style in _EN_HEADINGS and text.isalpha():
        return roman_to_int(text)
    return cn_to_int(text)


def classify_line(line: str) -> Candidate | None:
    """The label a line starts with (after indentation), or None.

    >>> c = classify_line("第十条之一　为了……")
    >>> c.style, c.label, c.number, c.sub_number, c.heading, c.strong
    ('article', '第十条之一', 10, 1, '为了……', True)
    >>> classify_line("3.5亿元用于……") is None, classify_line("2024年10月9日") is None
    (True, True)
    >>> classify_line("(一)培育世界一流的创新型企业").label
    '(一)'
    """
    return _classify(line, None)


def _classify(line: str, folded_line: str | None) -> Candidate | None:
    """classify_line, given `fold(line)` when the caller has it (parse folds a text's lines
    only when the text holds a traditional character: 26 k calls of fold a side of the test
    compilation of issue 14 found none). fold keeps positions, so the folded body is the
    folded line's tail."""
    body = line.lstrip(_SPACE)
    # A Markdown heading marker (「## 第三章 政务服务」 in a corpus file read as plain
    # text) is layout, like indentation: the label follows it.
    marker = _MD_HEADING.match(body)
    if marker:
        body = body[marker.end():]
    if not body:
        return None
    # Labels are matched in the folded line (第十條 is 第十条); label and heading are sliced
    # from the line itself (fold keeps positions).
    folded = fold(body) if folded_line is None else folded_line[len(line) - len(body):]
    any_label = _ANY_LABEL.match(folded)
    if not any_label:
        return None
    return _read_label(body, any_label, 0, folded)


def _read_label(body: str, any_label: re.Match, body_start: int, folded: str | None) -> Candidate | None:
    """The Candidate of `body` (a line after its indentation and heading marker), whose label
    the combined match `any_label` (of _ANY_LABEL or _LINE_LABEL, the body starting at
    `body_start` in the string it matched) names; `folded` is fold(body), or None for a
    body that fold leaves as it is (made only when that label is refused)."""
    index, style, n, n2, n3, sub = _ALTERNATIVES[any_label.lastindex]
    group = any_label.group
    cand = _candidate(style, body, any_label.end() - body_start, group(n), group(n2) if n2 else None,
                      group(n3) if n3 else None, group(sub) if sub else None)
    if cand is not None:
        return cand
    if folded is None:
        folded = body
    for style, pattern in _PATTERNS[index + 1:]:  # that label refused: a later style's may hold
        match = pattern.match(folded)
        if match:
            groups = match.groupdict()
            cand = _candidate(style, body, match.end(), groups["n"], groups.get("n2"), groups.get("n3"),
                              groups.get("sub"))
            if cand is not None:
                return cand
    return None


def _classify_lines(text: str, lines: list[str]) -> dict[int, Candidate]:
    """{line index: classify_line(line)} for the lines of `text` (its lines `lines`) that
    start with a label, in line order. One C-level map of _LINE_LABEL over the lines
    (folded, when the text holds a traditional character), and Python only for the lines
    it matches; there, the label of most lines (a numeral read by cn_to_int: 第X条/章/节/编,
    一、, （一）, 1.) is read without a call per line (_read_label with _candidate, written
    out); the others (English headings, circled and lettered items, ㈠, a numeral that
    does not read) go through _read_label. (A line at a time through _classify was ~2.6 µs
    a line, for the 26 k lines of a side of the test compilation of issue 14.)"""
    folded_lines = list(map(fold, lines)) if has_traditional(text) else lines
    matches = list(map(_LINE_LABEL.match, folded_lines))
    candidates: dict[int, Candidate] = {}
    plain = _PLAIN_ALTERNATIVES
    new_candidate, space = _new_candidate, _SPACE
    for line_no in compress(range(len(matches)), matches):
        any_label = matches[line_no]
        outer = any_label.lastindex
        line = lines[line_no]
        body_start = any_label.start(outer)
        read = plain.get(outer)
        if read is not None:
            style, n, n2, n3, sub = read
            group = any_label.group
            if not (n3 and group(n3)):  # (㈠…㈩: _read_label)
                try:
                    number = cn_to_int(group(n) or (group(n2) if n2 else None))
                    sub_text = group(sub) if sub else None
                    sub_number = cn_to_int(sub_text) if sub_text else None
                except ValueError:  # a numeral that does not read: a later style may hold
                    number = None
                if number is not None:
                    end = any_label.end()
                    rest = line[end:]
                    heading = rest.lstrip(space)
                    candidates[line_no] = new_candidate(Candidate, (style, line[body_start:end], number, sub_number,
                                                                    heading, heading != rest or not rest))
                    continue
        cand = _read_label(line[body_start:], any_label, body_start,
                           folded_lines[line_no][body_start:] if folded_lines is not lines else None)
        if cand is not None:
            candidates[line_no] = cand
    return candidates


_new_candidate = tuple.__new__  # Candidate(...) without its Python-level __new__ (a named tuple)


def _candidate(style: str, body: str, end: int, n: str | None, n2: str | None, n3: str | None,
               sub: str | None) -> Candidate | None:
    """The Candidate of a label of `style` matched as body[:end] with these groups (n, or n2,
    or the ideograph n3; 之 sub), or None when it is no label after all (a numeral that does
    not read; an English word that runs on: 「Articles」)."""
    try:
        number = ord(n3) - 0x321F if n3 else _number(style, n or n2)
        sub_number = cn_to_int(sub) if sub else None
    except ValueError:
        return None
    rest = body[end:]
    if style in _EN_HEADINGS and rest[:1].isalnum():
        return None
    heading = rest.lstrip(_SPACE)
    return _new_candidate(Candidate, (style, body[:end], number, sub_number, heading, heading != rest or not rest))


# --------------------------------------------------------------------------- continuity


def _is_successor(prev: tuple[int, int | None] | None, cand: Candidate, gap: int = 0) -> bool:
    """cand continues prev: 5 after 4, 10-1 (之一) after 10, 10-2 after 10-1, 11 after 10-2."""
    if prev is None:
        return False
    number, sub = prev
    if cand.sub_number is not None:
        return cand.number == number and cand.sub_number == (sub or 0) + 1
    return number + 1 <= cand.number <= number + 1 + gap


def _ranks(section_above_article: bool) -> dict[str, float]:
    """Fixed ranks; English Part > Chapter > (Section, Article) in the given order."""
    ranks = dict(_RANK)
    ranks.update({"en-part": 2.1, "en-chapter": 2.2})
    first, second = ("en-section", "en-article") if section_above_article else ("en-article", "en-section")
    ranks.update({first: 4.1, second: 4.2})
    return ranks


def _choose_ranks(candidates: list[tuple[int, Candidate]]) -> dict[str, float]:
    """Section above Article (EU style) or Article above Section (US style): the order
    under which continuity accepts more numbers; a tie keeps Section above Article."""
    styles = {c.style for _, c in candidates}
    if not {"en-section", "en-article"} <= styles:
        return _ranks(True)
    eu, us = _ranks(True), _ranks(False)
    return us if len(_accept(candidates, us)) > len(_accept(candidates, eu)) else eu


_LAW_STYLES = ("part", "subpart", "chapter", "section", "article")
_ARTICLE_DOC_HEADINGS = ("cn-section", "heading")
_LAW_OR_ARTICLE_DOC_HEADINGS = _LAW_STYLES + _ARTICLE_DOC_HEADINGS
_LAW_STYLE_SET = frozenset(_LAW_STYLES)
_LAW_OR_ARTICLE_DOC_HEADING_SET = frozenset(_LAW_OR_ARTICLE_DOC_HEADINGS)
# a node of these styles above the measure level with no line of its own text is an empty
# container (parse)
_EMPTY_HEADING_STYLES = _HEADING_ONLY_STYLES + _ARTICLE_DOC_HEADINGS


def _gap(cand: Candidate) -> int:
    """How many numbers a candidate may skip: only strong 第X编/章/节/条 lines skip."""
    return MAX_ARTICLE_GAP if (cand.style in _LAW_STYLES and cand.strong) else 0


def _accept(candidates: list[tuple[int, Candidate]], ranks: dict[str, float]) -> list[tuple[int, Candidate, int]]:
    """Continuity parse: the accepted candidates as (line, candidate, depth).

    (Each candidate's fields are unpacked once and the successor tests written out: the
    loop runs over every candidate twice a parse, 30 k times a side of the test
    compilation of issue 14.)"""
    ahead = _LookAhead(candidates, ranks)
    stack: list[Candidate] = []
    stack_styles: list[str] = []  # the style of each open node (looked up at C speed)
    last_seen: dict[str, tuple[int, int | None]] = {}
    last_refused: dict[str, Candidate] = {}  # per style, since its last accepted number
    finest_child: list[float] = []  # per open node: rank of its finest child so far
    accepted: list[tuple[int, Candidate, int]] = []
    law_styles, law_or_headings = _LAW_STYLE_SET, _LAW_OR_ARTICLE_DOC_HEADING_SET
    for k, (line_no, cand) in enumerate(candidates):
        style, _, number, sub_number, _, strong = cand
        rank = ranks[style]
        law = style in law_styles
        gap = MAX_ARTICLE_GAP if (law and strong) else 0  # _gap(cand)
        if style in stack_styles:
            position = stack_styles.index(style)
            open_node = stack[position]
            open_number, open_sub = open_node[2], open_node[3]
            restart = False
            # (_is_successor((open_node.number, open_node.sub_number), cand, gap), written out)
            if not (number == open_number and sub_number == (open_sub or 0) + 1
                    if sub_number is not None
                    else open_number + 1 <= number <= open_number + 1 + gap):
                # A second run of 第一条/第一章 … in the same parent (a text attached
                # after the first, or the body after a contents list that slipped
                # through): only for strong law-style lines, and only when the new run
                # is longer than what the running numbering would still find.
                restart = (law and strong and number == 1 and sub_number is None
                           and ahead.restart_wins(k, stack[:position], (open_number, open_sub),
                                                  min_chain=2, allow_gaps=False))
                if not restart:
                    last_refused[style] = cand
                    continue
            # A suspect successor gives way to a later line with the same number: suspect
            # when weak (第五条规定的… at a line start) or when it also continues a list
            # that was just refused (the "2." of a quoted "1. 2." list inside measure 1).
            refused = last_refused.get(style)
            suspect = (law and not strong) or (
                refused is not None and _is_successor((refused[2], refused[3]), cand))
            if suspect and not restart and ahead.same_number_ahead(k):
                last_refused[style] = cand
                continue
            del stack[position:]
            del stack_styles[position:]
        else:
            # A new level under the deepest open node coarser than this style.
            keep = len(stack)
            while keep and ranks[stack_styles[keep - 1]] >= rank:
                keep -= 1
            last = last_seen.get(style)
            # (_is_successor(last, cand, gap), written out)
            if last is None:
                continues = False
            elif sub_number is not None:
                continues = number == last[0] and sub_number == (last[1] or 0) + 1
            else:
                continues = last[0] + 1 <= number <= last[0] + 1 + gap
            restarts = number == 1 and sub_number is None
            # Coarser levels introduce finer ones, never the other way round: under a
            # parent that already holds finer items ("1." "2." …), a "（一）" is quoted
            # text (an amendment's new wording), not a new level. 编/章/节 are exempt
            # (a chapter may open with articles before its first 第一节), and so is
            # the top level.
            inverted = keep and style not in law_or_headings and finest_child[keep - 1] > rank
            if inverted or not (continues or restarts) or (
                    restarts and not continues and last is not None
                    and not ahead.restart_wins(k, stack[:keep], last)):
                last_refused[style] = cand
                continue
            del stack[keep:]
            del stack_styles[keep:]
        depth = len(stack)
        del finest_child[depth:]
        if depth and finest_child[-1] < rank:  # (max(finest_child[-1], rank))
            finest_child[-1] = rank
        finest_child.append(-1.0)
        stack.append(cand)
        stack_styles.append(style)
        last_seen[style] = (number, sub_number)
        if style in last_refused:
            del last_refused[style]
        accepted.append((line_no, cand, depth))
    return accepted


_LABEL_OF = itemgetter(0, 2, 3)  # a Candidate's (style, number, sub_number)
_STYLE_OF = itemgetter(0)
_CANDIDATE_OF = itemgetter(1)  # of an (line, candidate, depth) that _accept gives
_STRONG_OF = itemgetter(5)


class _LookAhead:
    """The two look-ahead questions of `_accept`, answered from indexes of one candidate list.

    Both questions concern the candidates after line k up to the first line of a coarse
    enough style. Answered by scanning there, each 第一条 that restarts at the top level
    (nothing above it ends the scan) and each suspect successor in a flat text read to the
    end of the text: quadratic in the number of such lines (a flat text of 20,000
    restarting 第一条 lines took minutes). Here each question costs O(log n): candidate
    positions per label for bisection, the next coarse line per rank limit (one backward
    pass per limit, built when first asked), and successor chains memoised per (line,
    limit), so that every candidate is walked at most once per limit. The answers are
    exactly those of the scan (tests/test_structure.py checks both against each other).
    """

    def __init__(self, candidates: list[tuple[int, Candidate]], ranks: dict[str, float]) -> None:
        self._candidates = [cand for _, cand in candidates]
        self._ranks = ranks
        self._indexed = False
        self._strong: list[bool] = []  # each candidate's strong, listed by _index
        # (style, number, sub_number) -> ascending candidate indexes
        self._by_label: dict[tuple[str, int, int | None], list[int]] = {}
        # (style, number) -> ascending indexes of sub-less candidates that may skip numbers
        self._skippers: dict[tuple[str, int], list[int]] = {}
        self._skipper_styles: set[str] = set()  # the styles of _skippers' keys
        self._rank_of: list[float] | None = None  # each candidate's rank, listed when first needed
        # (rank limit, strict) -> ascending indexes of the candidates with a rank <= limit
        # (< limit when strict)
        self._stops: dict[tuple[float, bool], list[int]] = {}
        # (index, parent rank or None, allow_gaps) -> length of the successor chain from that
        # candidate on (itself included) within its parent
        self._chains: dict[tuple[int, float | None, bool], int] = {}

    def _index(self) -> None:
        if self._indexed:
            return
        by_label = self._by_label
        # labels read at C speed (itemgetter), then one loop that only files each (a loop
        # unpacking every candidate and testing it for a skipper too was 6 ms a pass over
        # the 18 k candidates of a side of the test compilation of issue 14, this 3 ms)
        for k, label in enumerate(map(_LABEL_OF, self._candidates)):
            positions = by_label.get(label)
            if positions is None:
                by_label[label] = [k]
            else:
                positions.append(k)
        # a superset of the styles that have a line that may skip (see _skipping): with
        # none of them present, no skip needs to be looked for
        self._skipper_styles = {style for style, _, sub_number in by_label
                                if sub_number is None and style in _LAW_STYLES}
        self._strong = list(map(_STRONG_OF, self._candidates))
        self._indexed = True

    def _skipping(self, style: str, number: int) -> list[int]:
        """The ascending indexes of the lines labelled `style` `number` (sub-less) that may
        skip numbers (_gap(cand) > 0: strong law-style lines), listed when first asked."""
        key = (style, number)
        positions = self._skippers.get(key)
        if positions is None:
            labelled = self._by_label.get((style, number, None), ()) if style in _LAW_STYLES else ()
            positions = list(compress(labelled, map(self._strong.__getitem__, labelled)))
            self._skippers[key] = positions
        return positions

    def _stop(self, k: int, limit: float, strict: bool) -> int:
        """The first index >= k whose style ranks <= limit (< limit when strict), or
        len(candidates): a bisection in the ascending indexes of such candidates (listed
        once per limit)."""
        positions = self._stops.get((limit, strict))
        if positions is None:
            if self._rank_of is None:
                self._rank_of = list(map(self._ranks.__getitem__, map(_STYLE_OF, self._candidates)))
            # (rank < limit, or rank <= limit, tested at C speed: limit > rank, limit >= rank)
            below = map(limit.__gt__ if strict else limit.__ge__, self._rank_of)
            positions = list(compress(range(len(self._rank_of)), below))
            self._stops[(limit, strict)] = positions
        i = bisect_left(positions, k)
        return positions[i] if i < len(positions) else len(self._candidates)

    def _first(self, positions: list[int] | None, k: int) -> int:
        """The first of the ascending positions that is >= k, or len(candidates)."""
        if positions:
            i = bisect_left(positions, k)
            if i < len(positions):
                return positions[i]
        return len(self._candidates)

    def _chain_step(self, style: str, wanted: int, k: int, end: int, allow_gaps: bool) -> int:
        """The first candidate in [k, end) that a successor chain expecting `wanted` takes: a
        sub-less `style` line numbered `wanted`, or up to MAX_ARTICLE_GAP more when the line
        may skip (allow_gaps); `end` when there is none."""
        found = min(end, self._first(self._by_label.get((style, wanted, None)), k))
        if allow_gaps and style in self._skipper_styles:  # (no skipper of the style: none can be taken)
            skippers = self._skippers
            for skip in range(1, MAX_ARTICLE_GAP + 1):
                positions = skippers.get((style, wanted + skip))
                if positions is None:
                    positions = self._skipping(style, wanted + skip)
                found = min(found, self._first(positions, k))
        return found

    def _chain(self, style: str, wanted: int, k: int, end: int, limit: float | None,
               allow_gaps: bool) -> int:
        """How many numbers the greedy successor chain starting at `wanted` takes in [k, end).

        After a line numbered m, the chain wants m + 1 from the next line on, within the same
        parent (same `end`: no coarse line lies between k and that line), so the rest of a
        chain depends only on the line and the parent's rank: memoised per (line, limit)."""
        path: list[tuple[int, float | None, bool]] = []
        length = 0
        at = self._chain_step(style, wanted, k, end, allow_gaps)
        while at < end:
            key = (at, limit, allow_gaps)
            known = self._chains.get(key)
            if known is not None:
                length = known
                break
            path.append(key)
            at = self._chain_step(style, self._candidates[at].number + 1, at + 1, end, allow_gaps)
        for key in reversed(path):
            length += 1
            self._chains[key] = length
        return length

    def restart_wins(self, k: int, stack: list[Candidate], last: tuple[int, int | None],
                     min_chain: int = 1, allow_gaps: bool = True) -> bool:
        """A "1" of a style whose numbering ran to `last` under an earlier parent: is it a
        restart, or a quoted list while the running numbering goes on? Within the current
        parent (until a candidate as coarse as the parent; the whole rest of the text at
        the top level), count the successor chain each reading would accept: 1, 2, 3 …
        against last+1, last+2 …. The restart must win outright; a tie keeps the running
        numbering (a lone quoted "1." is the likelier)."""
        self._index()
        style = self._candidates[k].style
        limit = self._ranks[stack[-1].style] if stack else None
        end = self._stop(k, limit, strict=False) if limit is not None else len(self._candidates)
        running_chain = self._chain(style, last[0] + 1, k, end, limit, allow_gaps)
        if not running_chain and min_chain <= 1 and self._candidates[k].number == 1 \
                and self._candidates[k].sub_number is None:
            # the restart's chain holds line k itself (a sub-less "1", and k < end: the
            # parent ranks coarser), so it is >= 1 > 0 and needs no walk. The common case:
            # an article's first item (一) after the previous article's items, where the
            # running numbers never come again (1,967 questions a side of the test
            # compilation of issue 14, 30 ms of chain walks)
            return True
        # (restart_chain >= min_chain and restart_chain > running_chain: the restart's chain
        # walked only as far as that needs)
        return self._chain_longer(style, 1, k, end, limit, allow_gaps, max(running_chain, min_chain - 1))

    def _chain_longer(self, style: str, wanted: int, k: int, end: int, limit: float | None, allow_gaps: bool,
                      than: int) -> bool:
        """Is `_chain(style, wanted, k, end, limit, allow_gaps)` longer than `than`? Walked
        until the answer is known: a memoised length on the way ends the walk, and none is
        written (a restart's chain often runs through every item of its parent, and only
        needs to outrun the running numbers' chain: 10 k chain steps a side of the test
        compilation of issue 14 were mostly these walks). Each walk is at most `than` + 1
        steps, and `than` is a chain already counted (memoised) or min_chain - 1."""
        count = 0
        at = self._chain_step(style, wanted, k, end, allow_gaps)
        while at < end:
            known = self._chains.get((at, limit, allow_gaps))
            if known is not None:
                return count + known > than
            count += 1
            if count > than:
                return True
            at = self._chain_step(style, self._candidates[at].number + 1, at + 1, end, allow_gaps)
        return False

    def same_number_ahead(self, k: int) -> bool:
        """Does the same label number come again before the next number (or a coarser line)?"""
        self._index()
        cand = self._candidates[k]
        coarser = self._stop(k + 1, self._ranks[cand.style], strict=True)
        same = self._first(self._by_label.get((cand.style, cand.number, cand.sub_number)), k + 1)
        next_number = self._first(self._by_label.get((cand.style, cand.number + 1, None)), k + 1)
        next_sub = self._first(self._by_label.get((cand.style, cand.number, (cand.sub_number or 0) + 1)), k + 1)
        return same < min(coarser, next_number, next_sub)


def _table_of_contents(lines: list[str], candidates: dict[int, Candidate]) -> set[int]:
    """Lines of a table of contents: a run of >= 2 adjacent heading-style candidate lines
    (编/章/节, 一、, Part, Chapter) that the body repeats. Two signs, either suffices:

    - text: the longest prefix of the run whose lines all recur (white space aside)
      after that prefix (the list may run straight into the first real heading);
    - numbers (law styles only, before the first 第X条): the run's first label (第一编,
      第一章 …) comes again later; the list is the run up to that repetition. This
      catches a contents list whose wording differs from the headings.
    """
    line_nos = sorted(candidates)
    cands = list(map(candidates.__getitem__, line_nos))
    # each candidate line without white space: the lines joined, four C-level replaces over
    # the whole, split again (a line that holds a "\n" itself would split apart: then one
    # line at a time)
    keys = _unspaced("\n".join(map(lines.__getitem__, line_nos))).split("\n")
    if len(keys) != len(line_nos):
        keys = [_unspaced(lines[line_no]) for line_no in line_nos]
    # the last line of each text and of each label (dicts built at C speed: a later line
    # overwrites an earlier one's value, as assignments in line order did; a loop over the
    # 18 k candidates of a side of the test compilation of issue 14 was 17 ms with the keys)
    last_by_text: dict[str, int] = dict(zip(keys, line_nos))
    last_by_label: dict[tuple[str, int, int | None], int] = dict(zip(map(_LABEL_OF, cands), line_nos))
    first_article = next((line_no for line_no, cand in zip(line_nos, cands)
                          if cand.style in ("article", "en-article")), len(lines))
    toc: set[int] = set()
    # the maximal runs of adjacent heading-style candidate lines, from those lines alone (a
    # walk over every line of the text was 8 ms a side of the test compilation of issue 14)
    runs: list[list[int]] = []
    for line_no in compress(line_nos, map(_TOC_STYLE_SET.__contains__, map(_STYLE_OF, cands))):
        if runs and runs[-1][-1] == line_no - 1:
            runs[-1].append(line_no)
        else:
            runs.append([line_no])
    for run in runs:
        if len(run) < 2:
            continue  # a lone heading line: neither test below takes a run shorter than 2
        # The longest prefix whose lines all recur after its end: the earliest last
        # occurrence within the prefix (a running minimum) must lie beyond the prefix.
        earliest_last: list[int] = []
        for i in run:
            recurs_at = last_by_text[_unspaced(lines[i])]
            earliest_last.append(min(recurs_at, earliest_last[-1]) if earliest_last else recurs_at)
        for length in range(len(run), 1, -1):
            if earliest_last[length - 1] > run[length - 1]:
                toc.update(run[:length])
                break
        head = candidates[run[0]]
        label = (head.style, head.number, head.sub_number)
        if len(run) >= 2 and head.style in _LAW_STYLES and run[0] < first_article \
                and last_by_label[label] > run[0]:
            again = next((j for j, i in enumerate(run) if j and
                          (candidates[i].style, candidates[i].number, candidates[i].sub_number) == label), len(run))
            if again >= 2:
                toc.update(run[:again])
    return toc


# --------------------------------------------------------------------------- text roles

_DATE_LINE = P.LazyPattern(rf"^[(（]?\s*{DATE_PATTERN}\s*[)）]?$")  # lines ending with a date only
# A header line under a title: opens with a date (a law's adoption and amendment lines),
# or is a 文号 such as 「京政办发〔2024〕5号」 (optionally bracketed).
_HEADER_YEAR = rf"^[(（]?\s*{YEAR_PATTERN}\s*年"
_HEADER_LINE = P.LazyPattern(rf"{_HEADER_YEAR}|^[(（]?\s*{DOC_NO_BARE}\s*[)）]?$")
# For a line that cannot hold a 文号 (P.DOC_NO's words), the first alternative alone gives
# the same match: the second matches nowhere in it. The 文号 grammar (~1 ms to compile) is
# then compiled only for a text whose header lines could hold one (issue 14).
_HEADER_LINE_YEAR = P.LazyPattern(_HEADER_YEAR)


def _header_line(line: str) -> re.Match[str] | None:
    """_HEADER_LINE.match(line)."""
    return (_HEADER_LINE_YEAR if P.DOC_NO.cannot_match(line) else _HEADER_LINE).match(line)

_SENTENCE_END = tuple("。；;：:！!？?，,")
# A document-level clause (see the module docstring): 本<document noun> … <force verb>,
# or a repeal of an earlier text.
_DOC_NOUN = DOC_NOUN_PATTERN  # lexicon.DOC_NOUNS
_CLOSING = re.compile(
    rf"^本[^，。,；;]{{0,16}}?{_DOC_NOUN}[^。]*?(?:施行|起实施|起执行|生效|负责解释|解释权|有效期|同时废止)"
    # 「以上措施自…起施行」「上述政策有效期…」: the same clause naming the text as 以上/上述
    rf"|^(?:以上|上述)[^，。,；;]{{0,12}}?{_DOC_NOUN}[^。]*?(?:施行|起实施|起执行|生效|负责解释|解释权|有效期)"
    rf"|^原[《“\"].*?{REPEAL_VERB_PATTERN}"
    # a sentence of its own that repeals a named text: 「2029年…发布的《示例规定》同时废止。」
    rf"|^[^。；;，,《]{{0,40}}《[^《》]{{1,80}}》[^。；;《]{{0,40}}?{REPEAL_VERB_PATTERN}"
    r"|^(?:特此通知|特此公告)"
)
# An attachment heading: 附件 / 附件1： / 附表 / 附录 (alone or followed by a colon).
_ANNEX = P.GuardedPattern(rf"^(?:附件|附表|附录)\s*[0-9０-９{CN_NUMERAL_CHARS}]*\s*(?:[:：]|$)", (("附件", "附表", "附录"),))


def _title_like(line: str) -> bool:
    line = line.strip(_SPACE)
    return bool(line) and not line.endswith(_SENTENCE_END) and len(line) <= MAX_TITLE_CHARS \
        and not _header_line(fold(line)) and not P.is_masthead(line) and not P.is_doc_no_file_line(line)


_SIGNATURE_DATE = P.LazyPattern(rf"{DATE_PATTERN}\s*[)）]?$")  # lines ending with a date only
# A signature line is short (unit: characters; range 20..60): 「示例市科学技术局 2024年10月9日」.
MAX_SIGNATURE_CHARS = 40
_BRACKETED = re.compile(r"^[(（][^()（）]*[)）]$")  # （此件公开发布）
_TOC_WORD = P.LazyPattern(r"^目\s*录$")
_ANNEX_ALONE = P.LazyPattern(rf"^(?:附件|附表|附录)\s*[0-9０-９{CN_NUMERAL_CHARS}]*\s*[:：]?$")


def _pre_text_roles(lines: list[str], toc: set[int] = frozenset()) -> list[tuple[str, int, int]]:
    """Split the lines before the first node into (level, first, end) runs.

    The notice is everything up to the last signature date (a short line ending with a
    date, such as 「2024年10月9日」) that has text after it, plus bracketed remarks right
    after it (「（此件公开发布）」); the title is the first line after the notice, or, when
    that is not title-like (a law whose promulgation order follows its title), the first
    line of all; then header lines (opening with a date), then the preamble. A contents
    list (its 「目录」 line included) is carved out as ``toc``."""
    roles: list[tuple[str, int, int]] = []
    n = len(lines)
    start = 0
    # both date patterns end a line with a date: lines that do not end so are passed over
    # without them (lexicon.may_end_with_date; issue 14: neither compiled for a law's text)
    date_lines = [i for i, line in enumerate(lines)
                  if may_end_with_date(line.strip(_SPACE))
                  and (len(line.strip(_SPACE)) <= MAX_SIGNATURE_CHARS and _SIGNATURE_DATE.search(line.strip(_SPACE))
                       and not _header_line(fold(line.strip(_SPACE))) or _DATE_LINE.match(line.strip(_SPACE)))]
    if date_lines and date_lines[-1] < n - 1:
        notice_end = date_lines[-1] + 1
        # Bracketed remarks (「（此件公开发布）」) and a bare 「附件」 line that heads the issued
        # text belong to the notice, not to the title.
        while notice_end < n - 1 and (_BRACKETED.match(lines[notice_end].strip(_SPACE))
                                      or _ANNEX_ALONE.match(fold(lines[notice_end].strip(_SPACE)))):
            notice_end += 1
        if not _title_like(lines[notice_end]) and _title_like(lines[0]) and notice_end > 1:
            roles.append(("title", 0, 1))
            roles.append(("notice", 1, notice_end))
        else:
            roles.append(("notice", 0, notice_end))
        start = notice_end
    if start < n and not any(level == "title" for level, _, _ in roles) and _title_like(lines[start]):
        roles.append(("title", start, start + 1))
        start += 1
    header_end = start
    while header_end < n and _header_line(fold(lines[header_end].strip(_SPACE))):
        header_end += 1
    if header_end > start:
        roles.append(("header", start, header_end))
        start = header_end
    if start < n:
        roles.append(("preamble", start, n))
    toc_lines = sorted(i for i in toc if i < n)
    if not toc_lines:
        return roles
    first, end = toc_lines[0], toc_lines[-1] + 1
    if first > 0 and _TOC_WORD.match(fold(lines[first - 1].strip(_SPACE))):
        first -= 1
    carved: list[tuple[str, int, int]] = []
    for level, a, b in roles:
        if b <= first or a >= end:
            carved.append((level, a, b))
            continue
        if a < first:
            carved.append((level, a, first))
        if not any(r[0] == "toc" for r in carved):
            carved.append(("toc", first, end))
        if b > end:
            carved.append((level, end, b))
    return carved


# --------------------------------------------------------------------------- closing

# A signature's lines above its date: issuer lines and an order's signatory line
# (「市长 黄奇帆」). Unit: lines; range 1..6.
SIGNATURE_LINES_MAX = 4


def _signature_at(lines: list[str], index: int) -> bool:
    """Does a signature start at `index`: a date alone on its line, an issuer and its date on
    one line, or issuer/signatory lines right above a date line?"""
    line = lines[index]
    if P.is_date_only(P.bare(line)) or P.org_and_date(line):
        return True
    cursor = index
    while cursor < len(lines) and cursor - index < SIGNATURE_LINES_MAX and (
            P.is_org_line(lines[cursor]) or P.is_signatory(lines[cursor])):
        cursor += 1
    return cursor > index and cursor < len(lines) and (
        P.is_date_only(P.bare(lines[cursor])) or bool(P.org_and_date(lines[cursor])))


def _closing_start(lines: list[str], last_line: int, last_cand: Candidate,
                   marks: dict[str, int] | None = None) -> int:
    """First line after the last node's own line that is no longer part of it, or len(lines).

    In any style: an attachment heading, a signature (issuer and date; an order's signatory
    and date), the end matter of an official document (抄送/报送/主题词/印发 lines, 「（此件
    公开发布）」, page numbers) and site chrome left over (「打印 关闭」). A document-level clause
    (「本办法自…起施行」「原《…》同时废止」「由…负责解释」) in policy style; in article style only
    when the last article is not itself such a clause (a 第X条 article owns its 款, and a
    law's last article is itself the 施行 clause with the repeal sentence as its second 款).
    """
    policy_style = last_cand.style not in ("article", "en-article", "en-section")
    first = last_line + 1
    opening = last_cand.heading.strip(_SPACE)
    # An article whose label line holds only its bracketed heading (「第四十六条（施行日期）」)
    # starts its text on the next line.
    if (not opening or _BRACKETED.match(opening)) and first < len(lines):
        opening = lines[first].strip(_SPACE)
        first += 1
    clause_article = bool(_CLOSING.match(fold(opening)))
    # A list of headlines closing the text (a site's related links without a label): from
    # the first of at least RELATED_LIST_MIN trailing lines that all end like titles and
    # hold no sentence; no 款 of an article reads like that.
    tail = len(lines)
    while tail > first and _headline(lines[tail - 1]):
        tail -= 1
    # (not a list that a line ending with a colon leads in: 「下列文件同时废止：」)
    end = tail if len(lines) - tail >= RELATED_LIST_MIN and not lines[tail - 1].rstrip().endswith((":", "：")) \
        else len(lines)
    if marks is None:
        marks = _inline_marks(lines)
    for line_no in range(first, end):
        line = fold(lines[line_no].lstrip(_SPACE))
        if _ANNEX.match(line) or _CLOSING.match(line) and (policy_style or not clause_article) \
                or P.is_end_matter(line) or _signature_at(lines, line_no) or is_page_tools(line) \
                or _footnote(lines, line_no, marks):
            return line_no
    return end


# Trailing headline lines that make a list of related links. Unit: lines; range 2..5.
RELATED_LIST_MIN = 2


def _headline(line: str) -> bool:
    body = P.bare(line)
    return bool(body) and not P.is_sentence(body) and not P.is_structure(body) and P.ends_title(body) \
        and len(body) <= MAX_TITLE_CHARS and not body.startswith(("《", "“", "「"))


# An editor's footnote: a circled number at a line start whose mark stands inside an earlier
# line (「…修正）①」 … 「① 刑法、历次刑法修正案…的施行日期分别为：…」). A list item ① has no
# such mark before it.
_CIRCLED_SET = frozenset(CIRCLED)
_CIRCLED_RE = re.compile("[" + "".join(re.escape(mark) for mark in CIRCLED) + "]")


def _inline_marks(lines: list[str]) -> dict[str, int]:
    """For each circled number that stands inside a line (not at its start), the first such
    line: one pass, so that asking about every later line stays linear."""
    first: dict[str, int] = {}
    for index, line in enumerate(lines):
        body = line.lstrip(_SPACE)
        # findall from the second character: a C-level scan (a set of every line's
        # characters, built only to intersect it with 20 marks, was 0.3 s per side of
        # the 1.45 M-character test compilation)
        for mark in _CIRCLED_RE.findall(body, 1):
            first.setdefault(mark, index)
    return first


def _inline_marks_of_text(text: str, lines: list[str], offsets: list[int]) -> tuple[dict[str, int], list[int]]:
    """`_inline_marks(lines)` for the lines of `text` that start at `offsets` (_split_lines),
    and the ascending indexes of the lines that start with a circled number (after their
    indentation), from one scan of the whole text: only the lines holding a circled number
    are looked at (a findall per line was 7 ms a side of the test compilation of issue 14,
    asked twice, and the line starts were one more pass over every line)."""
    first: dict[str, int] = {}
    starts: list[int] = []
    for match in _CIRCLED_RE.finditer(text):
        at = match.start()
        index = bisect_right(offsets, at) - 1
        line = lines[index]
        column, indent = at - offsets[index], len(line) - len(line.lstrip(_SPACE))
        if column > indent:  # inside the line: after its first character once indentation is stripped
            first.setdefault(match.group(), index)
        elif column == indent:
            starts.append(index)
    return first, starts


def _footnote(lines: list[str], index: int, marks: dict[str, int]) -> bool:
    line = lines[index].lstrip(_SPACE)
    return bool(line) and line[0] in _CIRCLED_SET and marks.get(line[0], index) < index


# --------------------------------------------------------------------------- parse


def _split_lines(text: str) -> tuple[list[str], list[int]]:
    """The lines of `text` without their "\n" (only "\n" ends a line: str.splitlines would
    also split on U+2028, \x1c, \r ...; no empty last line after a final "\n"), and the
    offset where each starts. Line k spans text[offsets[k]:offsets[k + 1]] with its "\n"."""
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()
    # each line's start: the running sum of the lengths before it, each with its "\n"
    # (accumulate over maps: at C speed)
    offsets = list(accumulate(map(add, map(len, lines), repeat(1)), initial=0))
    offsets.pop()
    return lines, offsets


def _block_text(raw: str, heading: str | None) -> str:
    """A block's `text` from its `raw` span: its lines joined by "\n" (no final line end),
    the first line replaced by `heading` when the block has a label (None: a TEXT block).
    Slices, not a list of lines per block (the same string, issue 14)."""
    body = raw[:-1] if raw.endswith("\n") else raw
    if heading is None:
        return body
    line_end = body.find("\n")
    return heading + body[line_end:] if line_end >= 0 else heading


# A Document as plain values, for another process to send back (the diff reads its two
# sides in parallel: intake.load_file_pair): each block without its raw and text, which are
# slices of the document's text (3 copies of the text made a pickle of 14 MB for one side of
# the test compilation of issue 14, 0.2 s to write and 0.1 s to read).
DocumentSpans = tuple  # (text, meta, notes, ((kind, level, label, number, sub_number, heading,
#                        start, length, parent, ordinal), ...))


def document_spans(document: Document) -> DocumentSpans:
    """`document` as plain values; `document_from_spans` gives an equal Document back."""
    return (document.text, document.meta, document.notes,
            tuple((b.kind.value, b.level, b.label, b.number, b.sub_number, b.heading, b.start, len(b.raw),
                   b.parent, b.ordinal) for b in document.blocks))


def document_from_spans(spans: DocumentSpans) -> Document:
    """The Document of `document_spans` (parse's: a block's text is `_block_text` of its raw,
    with its heading unless it is a TEXT block, which parse builds without a label)."""
    text, meta, notes, rows = spans
    blocks = []
    kinds = {kind.value: kind for kind in BlockKind}  # (BlockKind(value) is a Python-level call)
    text_kind = BlockKind.TEXT
    for index, (kind, level, label, number, sub_number, heading, start, length, parent, ordinal) in enumerate(rows):
        kind = kinds[kind]
        end = start + length
        # (_block_text(raw, heading or None), as slices of the text: the parent process
        # rebuilds the 11 k blocks of a side of the test compilation of issue 14 while the
        # diff waits)
        body_end = end - 1 if length and text[end - 1] == "\n" else end
        if kind is text_kind:
            block_text = text[start:body_end]
        else:
            line_end = text.find("\n", start, body_end)
            if line_end < 0:
                block_text = heading
            elif text.endswith(heading, start, line_end):
                block_text = text[line_end - len(heading):body_end]
            else:
                block_text = heading + text[line_end:body_end]
        blocks.append(new_block(index, kind, level, label, number, sub_number, heading, block_text, text[start:end],
                                start, parent, ordinal))
    return Document(text=text, blocks=tuple(blocks), meta=meta, notes=notes)


# A bare heading line (「附则」, 「附　　则」) is short and made of CJK characters only
# (unit: characters without white space; range 2..20).
MAX_BARE_HEADING_CHARS = 12


def _is_bare_heading(text: str) -> bool:
    """`re.match(r"^[\\u4e00-\\u9fff]+$", text)`: CJK ideographs only (a final newline
    allowed, as `$` allows it). A comparison per character (the text has at most
    MAX_BARE_HEADING_CHARS) instead of a pattern whose CJK range took ~0.5 ms to compile
    in every diff (issue 14)."""
    if text.endswith("\n"):
        text = text[:-1]
    return bool(text) and all("\u4e00" <= character <= "\u9fff" for character in text)


# A 「一、管辖」 section heading is a title, not a sentence (unit: characters; 10..40).
MAX_SECTION_HEADING_CHARS = 30


def _article_document_headings(lines: list[str], ordered: list[tuple[int, Candidate]],
                               all_candidates: dict[int, Candidate], toc: set[int], articles: set[int],
                               structural: set[str], ranks: dict[str, float]
                               ) -> tuple[list[tuple[int, Candidate]], dict[str, float]]:
    """Containers of a 第X条 document that the numbering grammar alone does not show.

    - A 「一、管辖」 line directly followed by an article is a section heading (style
      ``cn-section``, ranked between 节 and 条), not an item: items of an article are
      followed by more item text, and a title-like line that opens a run of articles
      heads them (judicial interpretations group their articles so). Continuity still
      applies (二、 after 一、), so a stray item line is refused like any other.
    - A bare heading line (「附则」 in 刑法, any Markdown ``#`` heading without a label)
      directly followed by an article, and preceded by the end of a sentence, is a
      container (style ``heading``) at the top rank of the document: it closes the
      编/章 before it, and the articles after it are its own. Without a Markdown marker
      it must come after the first article (a title line right above 第一条 is the
      title); after a line that does not end a sentence it is the second line of a
      wrapped heading.

    Today's alternative was to leave them as text of the article above (「二、回避」 at
    the end of the previous article's text, its redline showing a heading as article
    text, section changes lost). A contents list of these headings at the top is a
    contents list (``toc``): those lines are not candidates here.
    Returns the candidates with these lines added or restyled, and the ranks with the
    bare heading's rank for this document.
    """
    first_article = min(articles) if articles else len(lines)
    out: dict[int, Candidate] = dict(ordered)
    bare_number = 0
    # Only the lines whose next line with content is an article can head one: the line
    # right above each article, and the lines above it up to the first with content (the
    # lines between are blank). A walk over every line with a backward pass listing each
    # line's next content line was 9 ms a side of the test compilation of issue 14.
    above_articles: set[int] = set()
    for article in articles:
        line_no = article - 1
        while line_no >= 0:
            above_articles.add(line_no)
            if lines[line_no].strip(_SPACE):
                break
            line_no -= 1
    for line_no in sorted(above_articles):
        if line_no in toc:
            continue
        line = lines[line_no]
        cand = all_candidates.get(line_no)
        body = line.strip(_SPACE)
        if cand is not None:
            if cand.style == "cn-top" and cand.heading and len(cand.heading) <= MAX_SECTION_HEADING_CHARS \
                    and not cand.heading.rstrip(_SPACE).endswith(_SENTENCE_END):
                out[line_no] = Candidate("cn-section", cand.label, cand.number, None, cand.heading, cand.strong)
            continue
        marker = _MD_HEADING.match(body)
        title = body[marker.end():].strip(_SPACE) if marker else body
        compact = _unspaced(title)
        if not compact or len(compact) > MAX_BARE_HEADING_CHARS or not _is_bare_heading(compact):
            continue
        if not marker and line_no < first_article:
            continue
        # the line before ends a sentence (the last article's text): a heading wrapped
        # over two lines (「勘验、检查、辨认、侦查实验等」 / 「笔录的审查与认定」) is not two
        prev = next((lines[k].strip(_SPACE) for k in range(line_no - 1, -1, -1) if lines[k].strip(_SPACE)), "")
        if prev and not prev.endswith(_SENTENCE_END + ("。", "”", "」", "）", ")")):
            continue
        bare_number += 1
        out[line_no] = Candidate("heading", "", bare_number, None, title, True)
    if bare_number:
        # Sibling of the coarsest container present (it closes a 编 or 章), and always
        # above the articles.
        containers = [ranks[st] for st in structural if ranks[st] < ranks["article"]]
        has_sections = any(c.style == "cn-section" for c in out.values())
        if has_sections:
            containers.append(ranks["cn-section"])
        ranks = dict(ranks)
        ranks["heading"] = min(containers) if containers else ranks["article"] - 0.1
    return sorted(out.items()), ranks


def parse(text: str, meta: DocumentMeta = DocumentMeta()) -> Document:
    """Clean text -> Document (see the module docstring for the grammar).

    >>> doc = parse("示例市促进创新若干措施(测试用虚构文本)\\n一、总则\\n1.支持创新\\n2.支持创业\\n")
    >>> [(b.kind.value, b.label, b.heading) for b in doc.blocks]
    [('text', '', ''), ('container', '一、', '总则'), ('measure', '1.', '支持创新'), ('measure', '2.', '支持创业')]
    >>> doc.path(doc.measures[1]), doc.measures[1].ordinal
    (('一、',), 2)
    """
    lines, offsets = _split_lines(text)
    notes: list[str] = []

    all_candidates = _classify_lines(text, lines)
    toc = _table_of_contents(lines, all_candidates)
    if toc:
        notes.append(TOC_NOTE)
    # (_classify_lines lists the lines in ascending order: the items need no sort)
    ordered = [(i, c) for i, c in all_candidates.items() if i not in toc] if toc else list(all_candidates.items())
    ranks = _choose_ranks(ordered)

    # Pass 1: which styles are really used (counted at C speed).
    first_pass = _accept(ordered, ranks)
    counts: dict[str, int] = Counter(map(_STYLE_OF, map(_CANDIDATE_OF, first_pass)))
    measure_style = None
    for tier in _TIERS:
        present = [s for s in tier if counts.get(s, 0) >= MIN_MEASURES]
        if present:
            measure_style = max(present, key=lambda s: ranks[s])
            break
    nodes: list[tuple[int, Candidate, int]] = []
    if measure_style is not None:
        limit = ranks[measure_style]
        structural = {s for s in counts if ranks[s] <= limit}
        if measure_style in ("article", "en-article"):
            # (pass 1 read these very candidates with these ranks: its answer is reused)
            articles = {i for i, c, _ in first_pass if c.style == measure_style}
            ordered, ranks = _article_document_headings(lines, ordered, all_candidates, toc, articles,
                                                        structural, ranks)
            structural |= {c.style for _, c in ordered if c.style in _ARTICLE_DOC_HEADINGS}
        # Pass 2: only the structural styles.
        nodes = _accept([(i, c) for i, c in ordered if c.style in structural], ranks)

    blocks: list[Block] = []

    n_offsets, text_end = len(offsets), len(text)

    def add(kind: BlockKind, level: str, first: int, end: int, cand: Candidate | None,
            parent: int | None, ordinal: int | None = None) -> None:
        start = offsets[first] if first < n_offsets else text_end
        raw = text[start:offsets[end]] if end < n_offsets else text[start:]
        if cand is None:
            blocks.append(new_block(len(blocks), kind, level, "", None, None, "", _block_text(raw, None), raw, start,
                                    parent, ordinal))
        else:
            blocks.append(new_block(len(blocks), kind, level, cand.label, cand.number, cand.sub_number, cand.heading,
                                    _block_text(raw, cand.heading), raw, start, parent, ordinal))

    if not nodes:
        if lines:
            notes.append(NO_NUMBERING_NOTE)
        for line_no in range(len(lines)):
            add(BlockKind.TEXT, "paragraph", line_no, line_no + 1, None, None)
        return Document(text=text, blocks=tuple(blocks), meta=meta, notes=tuple(notes))

    # Where the last node ends: closing clauses, attachments and end matter go to a closing
    # TEXT block (see _closing_start).
    last_line, last_cand, _ = nodes[-1]
    marks, circled_starts = _inline_marks_of_text(text, lines, offsets)
    end_of_nodes = _closing_start(lines, last_line, last_cand, marks)

    first_node_line = nodes[0][0]
    for level, first, end in _pre_text_roles(lines[:first_node_line], toc):
        add(BlockKind.TEXT, level, first, end, None, None)

    has_children = [
        k + 1 < len(nodes) and nodes[k + 1][2] > depth for k, (_, _, depth) in enumerate(nodes)
    ]
    open_blocks: list[int] = []  # block index per depth
    ordinal = 0
    # the footnote lines, found in one pass (asking each node's lines was a generator per node)
    footnotes = [i for i in circled_starts if _footnote(lines, i, marks)]
    measure_rank = ranks[measure_style]
    container, measure = BlockKind.CONTAINER, BlockKind.MEASURE
    ends = [line_no for line_no, _, _ in nodes[1:]]
    ends.append(end_of_nodes)
    for k, (line_no, cand, depth) in enumerate(nodes):
        end = ends[k]
        # An editor's footnote after a measure's text (「① …」 whose mark stands inline above)
        # is a note, not measure text: a TEXT block of its own up to the next node.
        note = end
        if not has_children[k] and footnotes:
            first_note = bisect_left(footnotes, line_no + 1)
            if first_note < len(footnotes) and footnotes[first_note] < end:
                note = footnotes[first_note]
        del open_blocks[depth:]
        parent = open_blocks[-1] if open_blocks else None
        style, label, number, sub_number, heading, _ = cand
        # A heading-only node above the measure level (第五章 with no articles left, a
        # contents line that slipped through) is an empty container, not a measure: it
        # carries no content.
        empty_heading = style in _EMPTY_HEADING_STYLES and ranks[style] < measure_rank and end - line_no == 1
        # the node's block, as add() makes it, written out (11 k nodes a side of the test
        # compilation of issue 14): its raw from its line to the next node (a measure: to
        # its footnote), its text the raw's lines with the heading for the label line
        if has_children[k] or empty_heading:
            kind, last, number_in_order = container, end, None
        else:
            ordinal += 1
            kind, last, number_in_order = measure, note, ordinal
        start = offsets[line_no]
        raw_end = offsets[last] if last < n_offsets else text_end
        raw = text[start:raw_end]
        # (_block_text(raw, heading): the heading, then the lines after the label line, all
        # without the final line end; one slice of the text where the label line ends with
        # its heading, as a classified line does)
        body_end = raw_end - 1 if raw_end > start and text[raw_end - 1] == "\n" else raw_end
        label_line = lines[line_no]
        if body_end <= start + len(label_line):
            block_text = heading
        elif label_line.endswith(heading):
            block_text = text[start + len(label_line) - len(heading):body_end]
        else:
            block_text = heading + text[start + len(label_line):body_end]
        blocks.append(new_block(len(blocks), kind, style, label, number, sub_number, heading, block_text, raw, start,
                                parent, number_in_order))
        open_blocks.append(len(blocks) - 1)
        if note < end and not has_children[k] and not empty_heading:
            add(BlockKind.TEXT, "note", note, end, None, None)
    if end_of_nodes < len(lines):
        add(BlockKind.TEXT, "closing", end_of_nodes, len(lines), None, None)
    return Document(text=text, blocks=tuple(blocks), meta=meta, notes=tuple(notes))
