"""Redline segments between two texts: the only importer of diff_match_patch.

A redline is a tuple of segments ("=", s) common, ("-", s) old only, ("+", s) new only.
It is lossless (DESIGN §5): the "=" and "-" segments in order rebuild the old text, the
"=" and "+" segments the new. Adjacent segments never share an op, and no segment is empty.

>>> segments = redline("企业可获得不超过50万元的补贴。", "企业可获得不超过100万元的奖励。")
>>> segments  # doctest: +NORMALIZE_WHITESPACE
(('=', '企业可获得不超过'), ('-', '50万'), ('+', '100万'), ('=', '元的'), ('-', '补贴'),
 ('+', '奖励'), ('=', '。'))
>>> rebuild_old(segments), rebuild_new(segments)
('企业可获得不超过50万元的补贴。', '企业可获得不超过100万元的奖励。')

Granularity for Chinese — measured, not guessed
------------------------------------------------
Chinese has no spaces, so a character-level diff happily cuts words in half
(「[-补-]{+奖+}贴」 style fragments, 「[-3-]{+5+}0」 inside numbers). Three strategies were
measured on every article pair of the corpus (../shared/corpus, 78 version pairs) whose
text changed and that an n-gram matcher pairs 1:1 (similarity >= 0.5) — see
`benchmarks/redline_granularity.py`, which prints this table:

==========================================  =========  =========  ======  ========  =======
strategy (cleanupSemantic, Diff_Timeout=0)  fragments  fragments  marked  number    seconds
                                            / article  < 2 chars  / char  cuts/100
==========================================  =========  =========  ======  ========  =======
char: characters                                3.34      10.5 %    1.00     21.7     0.07
snap: char + snap to figures (default)          3.30       8.6 %    1.01      0.0     0.09
jieba: jieba words mapped to chars              2.96       4.2 %    1.11      1.3     1.90
char, Myers diff of diff-match-patch            3.34      10.5 %    1.00     21.4     0.95
snap, Myers diff of diff-match-patch            3.31       8.7 %    1.01      0.0     0.98
==========================================  =========  =========  ======  ========  =======

2034 changed article pairs. "fragments" = runs of "-"/"+" segments between two "="
segments, i.e. the edits a reader has to parse; "marked / char" = characters shown as
deleted or inserted relative to the char-level minimum (the price of coarser edits);
"number cuts" = edit boundaries inside a figure per 100 articles, 「第二百[-零七-]{+一十一+}条」,
「20[-11年9-]{+22年8+}月」: the figures are what an auditor compares, so a cut there is the
worst kind of fragment; "seconds" for all pairs (jieba also needs ~0.5 s to load its
dictionary once, half of the 1 s end-to-end budget of `policydiff diff`).

Engine: the edit script comes from rapidfuzz's longest-common-subsequence opcodes
(C, bit-parallel) by default, not from diff-match-patch's own Myers diff, which is
pure Python: the rows above show the same readability at a tenth of the time (and
0.19 s against 0.015 s on the 521 changed articles of the largest corpus pair, where the
whole `compare` has a 0.3 s budget). Both give a minimal edit script; diff-match-patch
still does the cleanups (cleanupSemantic), and `ENGINE = "dmp"` switches back.

Chosen: "snap" (the default, `GRANULARITY`; rule in `_snap_to_tokens`): it never cuts a
figure, leaves fewer 1-character fragments than plain char-level, and marks as little
text as char-level. jieba has fewer fragments, but it gets them by marking 11 % more
text (whole phrases replaced where char-level shows the one word inserted:
「[-建立-]{+建立健全+}」 against 「建立{+健全+}」), costs twice the time plus its dictionary
load, and would be a new dependency with a 20 MB dictionary. Plain char-level was
rejected for its cut figures.
"""

from __future__ import annotations

import unicodedata
from typing import Iterable, Sequence

from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Indel

from .lexicon import CN_NUMERAL_CHARS
from .model import Segment

# Strategy used by `redline`: "snap" (default), "char" or "jieba" (jieba must be
# installed; measurement only). See the module docstring for the figures.
GRANULARITY = "snap"

# Where the character edit script comes from: "lcs" (rapidfuzz's C longest common
# subsequence) or "dmp" (diff-match-patch's pure-Python Myers diff). Both are minimal
# edit scripts, then go through diff-match-patch's cleanupSemantic and the snap rule;
# see the module docstring for why "lcs" is the default.
ENGINE = "lcs"

# diff-match-patch settings, recorded in Comparison.settings by compare().
DIFF_TIMEOUT = 0  # seconds; 0 = no time limit, so the result never depends on machine speed
# An equality shorter than this many characters that sits between two edits is folded
# into them (unit: characters, range 0..4; 0 disables). 2 folds a lone shared character
# (「年」 between two changed figures), which in Chinese is almost never a meaningful
# anchor; 3 would already swallow real shared two-character words such as 「企业」.
SNAP_MIN_EQUALITY = 2

_OP = {0: "=", -1: "-", 1: "+"}



def settings() -> dict[str, object]:
    """The redline settings, for Comparison.settings (provenance)."""
    return {
        "redline_engine": {"lcs": "rapidfuzz-lcs+diff-match-patch-cleanup", "dmp": "diff-match-patch"}[ENGINE],
        "redline_granularity": GRANULARITY,
        "redline_diff_timeout_s": DIFF_TIMEOUT,
        "redline_snap_min_equality_chars": SNAP_MIN_EQUALITY,
    }


def _new_dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    return dmp


_DMP = _new_dmp()


def redline(old: str, new: str, granularity: str | None = None) -> tuple[Segment, ...]:
    """Segments that turn `old` into `new` (lossless, deterministic)."""
    if old == new:
        return (("=", old),) if old else ()
    if not old:
        return (("+", new),)
    if not new:
        return (("-", old),)
    mode = granularity or GRANULARITY
    if mode == "char":
        diffs = _char_diff(old, new)
    elif mode == "snap":
        diffs = _snap_to_tokens(_char_diff(old, new))
    elif mode == "jieba":
        diffs = _token_diff(old, new, _jieba_tokens)
    else:
        raise ValueError(f"unknown redline granularity {mode!r}: use 'snap', 'char' or 'jieba'")
    return _normalise((_OP[op], text) for op, text in diffs)


def redline_many(olds: Sequence[str], news: Sequence[str], granularity: str | None = None) -> tuple[Segment, ...]:
    """Redline of several old texts against several new ones (split, merge, added,
    removed): olds joined by "\\n", news joined by "\\n"."""
    return redline("\n".join(olds), "\n".join(news), granularity)


def rebuild_old(segments: Iterable[Segment]) -> str:
    return "".join(text for op, text in segments if op != "+")


def rebuild_new(segments: Iterable[Segment]) -> str:
    return "".join(text for op, text in segments if op != "-")


def changed_chars(segments: Iterable[Segment]) -> int:
    """Characters shown as deleted or inserted."""
    return sum(len(text) for op, text in segments if op != "=")


def number_cuts(segments: Sequence[Segment]) -> int:
    """Edit boundaries that fall inside a figure, counted on the old and on the new text
    (「第二百[-零七-]{+一十一+}条」 has two: 百|零 in the old, 百|一 in the new): the reader
    then has to piece the figure together."""
    cuts = 0
    for hidden in ("+", "-"):
        side = [(op, text) for op, text in segments if op != hidden]
        for (left_op, left), (right_op, right) in zip(side, side[1:]):
            if left_op != right_op and is_numeral_char(left[-1]) and is_numeral_char(right[0]):
                cuts += 1
    return cuts


def fragments(segments: Sequence[Segment]) -> list[str]:
    """The edit fragments: each maximal run of "-"/"+" segments, as the text it marks
    (deleted + inserted), in order."""
    runs: list[str] = []
    current: list[str] | None = None
    for op, text in segments:
        if op == "=":
            current = None
            continue
        if current is None:
            current = []
            runs.append("")
        runs[-1] += text
    return runs


# ---------------------------------------------------------------- strategies


def _char_diff(old: str, new: str) -> list[tuple[int, str]]:
    if ENGINE == "lcs":
        diffs = _lcs_diffs(old, new)
    else:
        diffs = _DMP.diff_main(old, new, False)
    _DMP.diff_cleanupSemantic(diffs)
    return diffs


def _lcs_diffs(old: str, new: str) -> list[tuple[int, str]]:
    """A minimal insert/delete edit script (longest common subsequence) computed in C by
    rapidfuzz, in diff-match-patch's diff format, ready for its cleanups."""
    diffs: list[tuple[int, str]] = []
    for tag, old_start, old_end, new_start, new_end in Indel.opcodes(old, new):
        if tag == "equal":
            diffs.append((0, old[old_start:old_end]))
        else:
            if old_end > old_start:
                diffs.append((-1, old[old_start:old_end]))
            if new_end > new_start:
                diffs.append((1, new[new_start:new_end]))
    return diffs


# Chinese numeral characters: 「第二百零七条」→「第二百一十一条」 and 「一万元」→「五万元」 are
# read as whole figures. 万/亿 are included so that an amount's magnitude stays with it.
CHINESE_NUMERALS = frozenset(CN_NUMERAL_CHARS)


def is_numeral_char(ch: str) -> bool:
    """A character of a figure: a decimal digit (any script) or a Chinese numeral."""
    return ch in CHINESE_NUMERALS or unicodedata.category(ch) == "Nd"


def _is_token_char(ch: str) -> bool:
    """A character that belongs to a token an edit must not cut: figures and Latin words."""
    return is_numeral_char(ch) or ("A" <= ch <= "Z") or ("a" <= ch <= "z") or ("Ａ" <= ch <= "Ｚ") or ("ａ" <= ch <= "ｚ")


def _snap_to_tokens(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Clean up a character diff for reading:

    1. an edit never cuts inside a number or a Latin word: 「[-3-]{+5+}0」 becomes
       「[-30-]{+50+}」 (the figure is what an auditor compares);
    2. an equality shorter than SNAP_MIN_EQUALITY characters between two edits is
       folded into them, so 「20[-11-]{+22+}年[-9-]{+8+}月」 reads as one replacement
       「[-2011年9-]{+2022年8+}月」 rather than two edits around a lone shared character.

    Works on the (old, new) positions of the equalities: folding an equality means
    moving its text into both the deletion and the insertion around it, which keeps the
    result lossless by construction.
    """
    # Work on a list of [op, text] with merged runs: E (equal) / D (delete) / I (insert)
    items: list[list] = [[op, text] for op, text in diffs if text]
    changed = True
    while changed:
        changed = False
        # group into alternating equal / edit-block structure
        blocks: list[list] = []  # each: ["=", text] or ["x", del_text, ins_text]
        for op, text in items:
            if op == 0:
                if blocks and blocks[-1][0] == "=":
                    blocks[-1][1] += text
                else:
                    blocks.append(["=", text])
            else:
                if not blocks or blocks[-1][0] != "x":
                    blocks.append(["x", "", ""])
                if op == -1:
                    blocks[-1][1] += text
                else:
                    blocks[-1][2] += text
        # rule 1: do not cut tokens at an edit boundary
        for i, block in enumerate(blocks):
            if block[0] != "x":
                continue
            if i > 0 and blocks[i - 1][0] == "=":
                prev = blocks[i - 1][1]
                # the equality ends inside a token if its last char and the edit's first
                # char (on either side) are both token chars
                firsts = [t[0] for t in (block[1], block[2]) if t]
                k = len(prev)
                while k > 0 and _is_token_char(prev[k - 1]) and any(_is_token_char(c) for c in firsts):
                    k -= 1
                if k < len(prev):
                    moved = prev[k:]
                    blocks[i - 1][1] = prev[:k]
                    block[1] = moved + block[1]
                    block[2] = moved + block[2]
                    changed = True
            if i + 1 < len(blocks) and blocks[i + 1][0] == "=":
                nxt = blocks[i + 1][1]
                lasts = [t[-1] for t in (block[1], block[2]) if t]
                k = 0
                while k < len(nxt) and _is_token_char(nxt[k]) and any(_is_token_char(c) for c in lasts):
                    k += 1
                if k:
                    moved = nxt[:k]
                    blocks[i + 1][1] = nxt[k:]
                    block[1] = block[1] + moved
                    block[2] = block[2] + moved
                    changed = True
        # rule 2: fold short equalities between two edits
        if SNAP_MIN_EQUALITY > 0:
            for i in range(1, len(blocks) - 1):
                block = blocks[i]
                if (block[0] == "=" and 0 < len(block[1]) < SNAP_MIN_EQUALITY
                        and blocks[i - 1][0] == "x" and blocks[i + 1][0] == "x"):
                    text = block[1]
                    blocks[i - 1][1] += text + blocks[i + 1][1]
                    blocks[i - 1][2] += text + blocks[i + 1][2]
                    block[1] = ""
                    blocks[i + 1][1] = blocks[i + 1][2] = ""
                    changed = True
        items = []
        for block in blocks:
            if block[0] == "=":
                if block[1]:
                    items.append([0, block[1]])
            else:
                if block[1] == block[2] and block[1]:
                    # an edit whose two sides became identical is an equality
                    items.append([0, block[1]])
                    continue
                if block[1]:
                    items.append([-1, block[1]])
                if block[2]:
                    items.append([1, block[2]])
    return [(op, text) for op, text in items]


def _token_diff(old: str, new: str, tokenize) -> list[tuple[int, str]]:
    """Diff sequences of tokens, each token mapped to one private character (the
    diff_linesToChars trick), then expand back to text."""
    vocabulary: dict[str, str] = {}
    tokens_by_char: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in tokenize(text):
            ch = vocabulary.get(token)
            if ch is None:
                ch = chr(0x100000 + len(tokens_by_char))  # Supplementary Private Use Area-B
                vocabulary[token] = ch
                tokens_by_char.append(token)
            out.append(ch)
        return "".join(out)

    diffs = _DMP.diff_main(encode(old), encode(new), False)
    _DMP.diff_cleanupSemantic(diffs)
    return [(op, "".join(tokens_by_char[ord(c) - 0x100000] for c in text)) for op, text in diffs]


def _jieba_tokens(text: str) -> list[str]:
    import jieba  # measurement only; not a dependency of policydiff

    return list(jieba.cut(text, HMM=False))


def _normalise(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    """Drop empty segments, merge neighbours with the same op, and order each edit run
    as deletion before insertion (so "-" then "+" reads as a replacement)."""
    out: list[list[str]] = []
    pending = {"-": "", "+": ""}

    def flush() -> None:
        for op in ("-", "+"):
            if pending[op]:
                out.append([op, pending[op]])
                pending[op] = ""

    for op, text in segments:
        if not text:
            continue
        if op == "=":
            flush()
            if out and out[-1][0] == "=":
                out[-1][1] += text
            else:
                out.append(["=", text])
        else:
            pending[op] += text
    flush()
    return tuple((op, text) for op, text in out)
