"""Measure alignment: Document x Document -> which old measures became which new ones.

Functional core: no I/O, no clock, deterministic (no set or hash-order iteration; every
tie is broken by ordinal).

The algorithm, in order (each stage only looks at what the previous ones left open):

1. **Normalise** every measure text (NFKC, punctuation width folded, white space and
   zero-width characters dropped), so that an editorial change of punctuation width
   scores 1.0.
2. **Anchors**: identical normalised texts that occur once on each side are paired
   directly (repeated texts go to the assignment, where position decides). Revisions keep most articles verbatim, so this removes most of
   the work before any fuzzy scoring; it also keeps the largest corpus pair fast.
3. **Candidates** for what is left, in two rounds. Round one proposes only the old
   measures at the same relative position inside the skeleton of in-order anchors, and
   keeps pairs with ratio >= `anchor_min` (most edited articles of a real revision stay
   in place). Round two adds a character n-gram inverted index (n-grams held by at most
   `ngram_max_df` measures, so boilerplate does not flood it) that proposes the old
   measures sharing most n-grams with each new one, wherever they are. Each candidate
   pair is scored with `rapidfuzz` Indel ratio (C speed) on normalised text, blended
   with heading similarity when both measures have a short title line, plus a context
   bonus from the similarity of the neighbouring pairs (i-1, j-1) and (i+1, j+1): this
   separates near-duplicate boilerplate (penalty articles) that text alone cannot.
   Rejected: a full n x m score matrix (0.6 s on the 650-article pair in rapidfuzz alone).
4. **Global one-to-one assignment** in each round: maximum-weight bipartite matching
   over the sparse candidate graph (successive shortest augmenting paths with
   potentials, each row also owning a private "unmatched" column), so the result does
   not depend on which measure is looked at first. Rejected: greedy first-come / greedy
   best-first matching, which steals a boilerplate article's partner for good. An
   assigned pair that cannot stand (5) and that no later stage could accept (not inside
   one gap of the in-order skeleton, or too little distinctive shared material for gap
   filling) is dropped and the round solved again: summed weights must not let such a
   pair push a measure's true far partner out in favour of a frame-only look-alike.
5. **Acceptance**: an assigned pair stands if its text ratio is at least `modified_min`
   (below `informative_check_max`, only when the shared material is informative: see
   7), or (round two) if at least `strong_coverage` of both texts is distinctive common
   material: a short article that moved and lost half its clauses.
6. **Split / merge** (run here from 1:1 matches, and again after 7 from unmatched
   measures too): an old measure whose text is covered by 2..`max_parts` nearby new
   measures (its 1:1 partner plus free neighbours, possibly skipping one inserted
   article, or taking a part from a weak 1:1 match elsewhere when the part is plainly
   contained) becomes a split when each added part is contained in it
   (`part_min_coverage`) and explains a further share of it (`part_min_gain`); merges
   are the mirror image. Running it before 7 keeps split-off parts from being consumed
   as weak in-place pairs.
7. **Gap filling with context**: between consecutive in-order matches, the measures
   still unmatched on both sides are paired in order (small DP) when their text shares
   enough *distinctive contiguous* material (`context_min_coverage`: runs of at least
   `coverage_min_block` characters, each weighted down by how often the phrase recurs
   elsewhere in the documents, and counting only characters outside the stock phrases
   of legislative drafting, `STOCK_PHRASES`: 「县级以上人民政府…部门会同有关部门」 is in
   every law and says nothing about two articles being one). This is where 60-85% rewording in place is recognised as
   *modified* (both neighbours anchored lets weak text evidence count), while an article
   deleted and an unrelated one inserted at the same place (sharing only scattered
   characters or stock phrases) stays *removed* + *added*: the precision trap. Below
   `one_phrase_max_coverage` and `one_phrase_max_ratio` a pair must share more than one
   short phrase (two, a long one, or a clause kept whole: `gap_evidence`): one phrase of
   a law's general vocabulary (「身心健康」「签名或者盖章」) is a coincidence. The same
   rule also applies right beside any 1:1 match (i+1 with its partner's j+1, i-1 with
   j-1), for a rewritten measure next to a swap, which lies in no gap of the skeleton;
   there a pair also stands when both texts open with the same subject
   (`subject_min_chars` informative characters) at a ratio of `subject_ratio_min`.
8. Far splits, merges and absorption (stage 8, `far_groups`); then, for the measures
   still unmatched inside a pair of matched containers (innermost chapter or section),
   **container filling** (`fill_containers`): a pair with a text ratio of at least
   `container_ratio_min` is one measure rewritten when its shared material is
   distinctive (`context_min_coverage`) and holds a clause of content
   (`container_min_run` informative characters outside citations), or when both cite
   one article through the alignment. A reordered section puts such a measure in no gap
   of the skeleton and beside no match. Then **expansions** (`join_expansions`): a new
   measure left unmatched is a split part of an old measure matched 1:1 when it holds
   enough of the material the partner dropped (the old measure's *residual*), standing
   beside the partner or cited by it. Whatever remains is *removed* (old) or *added*
   (new).
9. **Containers** are matched by heading similarity and the measures they hold (not by
   label), with the same assignment, scoring only the pairs that can pass (those that
   share a measure edge, the same heading, or are both empty: linear in the edges, not
   old x new containers). Order is judged at the container level first: a matched
   container out of order among its siblings (heaviest in-order chain, weighted by the
   measures held), or now under another container, is a container move, reported once
   on its ContainerMatch. Then a measure is `moved` only relative to its container: now
   under a container that is not the match of its old one, or out of order (outside a
   longest increasing subsequence) among the measures of its new container that came
   from that container's match. `renumbered` = the label's number changed.

Order of `Alignment.matches`: every match with new measures is keyed by its first new
ordinal; a removed measure is placed right after the match of its nearest preceding old
measure that has a new side (at the start when there is none); ties by old ordinal.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import chain, compress, islice, repeat
from operator import lt, mul, sub
from dataclasses import asdict, dataclass, replace
from typing import Iterable, Sequence

from rapidfuzz.distance import Indel

from .citations import find_citations
from .mapper import SERIAL, Mapper, spans
from .model import Block, CarriedRun, ChangeKind, Document

__all__ = [
    "AlignSettings",
    "Alignment",
    "carried_runs",
    "crossing_runs",
    "dissolved_runs",
    "ContainerMatch",
    "container_score",
    "MeasureMatch",
    "align",
    "normalize",
    "max_weight_assignment",
    "moved_containers",
    "moved_units",
    "parent_moved",
]


@dataclass(frozen=True)
class AlignSettings:
    """Every tunable of the alignment (recorded in the JSON "settings").

    Ratios are Indel similarities of normalised text: 2*LCS/(len(a)+len(b)), 0..1.
    Unrelated articles of the same law typically score 0.25-0.40 (shared function words
    and legal vocabulary), so the acceptance cut-offs sit above that band.
    """

    # Minimum text ratio (0..1) for an assigned pair to stand on text alone.
    # 0.5 = clearly more than chance for same-domain legal text; lower lets unrelated
    # articles pair up, higher loses 40-60% rewording of articles that moved.
    modified_min: float = 0.5
    # First assignment round: a pair at the same relative position (inside the anchor
    # skeleton) is fixed early when its ratio is at least this (0..1, 0.7-0.95). Most
    # articles of a real revision are found here, before the costlier n-gram search.
    anchor_min: float = 0.8
    # Minimum text ratio (0..1) for a pair to enter the assignment at all (speed and
    # noise control); range 0.2-0.5.
    candidate_min: float = 0.3
    # Candidates per new measure proposed by the n-gram index (count, 3-20).
    candidates_per_measure: int = 8
    # Character n-gram length of the candidate index (chars, 2-5): 3 is distinctive in
    # Chinese yet survives single-character edits.
    ngram: int = 3
    # n-grams held by more than this many free old measures are ignored by the index
    # (count, 3-50): boilerplate like 「人民法院」 would make every pair a candidate, and
    # rare n-grams are what tells two articles apart. Also bounds the work per measure.
    ngram_max_df: int = 8
    # Old measures at the same relative position (inside the anchor skeleton) proposed as
    # candidates, on each side (count, 0-5).
    position_window: int = 2
    # Weight of the neighbours' similarity in the assignment score (0..1 added to the
    # ratio): large enough to separate near-duplicates, small enough that text dominates.
    context_weight: float = 0.15
    # Weight of heading similarity when both measures have a short heading line (0..1).
    heading_weight: float = 0.3
    # A heading counts as a title (not the first sentence) up to this length (chars).
    heading_max_chars: int = 40
    # A pair whose text ratio is at least modified_min but below this (0..1, 0.5-0.9)
    # stands only when its shared material is informative (distinctive coverage at least
    # context_min_coverage, stock phrases not counted). Above it the ratio alone is
    # enough: a near copy is a near copy, whatever its vocabulary.
    informative_check_max: float = 0.7
    # Gap filling: minimum share of both texts (0..1, 2*common/(len a + len b)) covered
    # by common runs of >= coverage_min_block characters, each run weighted 1/(1+k) when
    # it recurs k more times elsewhere (stock phrases count little), for a pair between
    # matched neighbours. Unrelated articles score ~0.0-0.05, 85% rewording ~0.1-0.2;
    # 0.06-0.10 measured equivalent on the benchmark's precision trap, 0.08 keeps more
    # of the heaviest in-place rewording.
    context_min_coverage: float = 0.06
    # ... but in gap filling and beside a match (stage 7), a pair whose distinctive
    # coverage is below one_phrase_max_coverage (0..1, above context_min_coverage) and
    # whose text ratio is below one_phrase_max_ratio (0..1) stands only when its shared
    # material is more than one short phrase: at least two common runs of
    # phrase_min_chars informative characters (count, 2-6) each, or one run of at
    # least long_phrase_min_chars (count, 6-16), or a clause kept whole in both texts
    # with kept_clause_min_chars (count, 2-8; `_kept_clause`). An unrelated article put
    # in place of a deleted one shares a word or a set phrase with it (「身心健康」「签名
    # 或者盖章」「人民法院审理」), each once in the law and so weighted as distinctive; a
    # rewritten article keeps more than that. See gap_evidence for the measurements.
    one_phrase_max_coverage: float = 0.12
    one_phrase_max_ratio: float = 0.35
    phrase_min_chars: int = 3
    long_phrase_min_chars: int = 8
    kept_clause_min_chars: int = 4
    # A pair below modified_min still stands, wherever it is, when at least this share
    # of both texts (0..1) is distinctive common runs (see context_min_coverage): a
    # short article that moved and lost half of its clauses keeps a telling clause.
    strong_coverage: float = 0.3
    # Stage 8b: two measures left unmatched inside matched containers (innermost
    # chapter/section) pair at this text ratio (0..1, 0.35-0.5, below modified_min) when
    # their shared material is distinctive (context_min_coverage) or they cite the same
    # article through the alignment. See fill_containers for the measurements.
    container_ratio_min: float = 0.4
    # ... the distinctive shared material must include a stretch of at least this many
    # informative characters outside citations (count, 4-12; 6 = one noun phrase), in one
    # common run: a frame with a citation's numerals is not content.
    container_min_run: int = 6
    # Beside a 1:1 match (fill_beside_matches), a pair whose texts open with the same
    # subject, a common prefix of at least this many informative characters (count, 2-8;
    # stock phrases not counted) ...
    subject_min_chars: int = 4
    # ... stands at this text ratio (0..1, 0.3-0.5). Measured (corpus, 78 pairs; hard
    # tier's unrelated replacement, seeds 1 and 2): 4 chars / 0.4 adds 公司法 old
    # 第一百四十五条 -> new 第一百六十六条 only, trap 0.5 % / 3.6 % unchanged; 3 / 0.4 the
    # same; 4 / 0.3 also 商用密码管理条例 old 第十条 -> new 第二十一条 (「商用密码」 product
    # sales vs service certification: wrong); 2 / 0.3 trap 0.9 % / 4.1 %.
    subject_ratio_min: float = 0.4
    # Stage 8c (join_expansions): a new measure left unmatched is a split part of an old
    # measure matched 1:1 when it holds at least this share (0..1, 0.2-0.5) of the old
    # measure's informative characters that its partner dropped ...
    expansion_min_share: float = 0.35
    # ... (this share, 0..1, when the partner cites the part: 「…第八十三条另有规定的除外」)
    expansion_cited_min_share: float = 0.25
    # ... and at least this many of them (chars, 6-20; weighted 1/(1 + recurrence
    # elsewhere) when the part is the partner's neighbour, plain when the partner cites
    # it). See join_expansions for the measurements.
    expansion_min_gain: float = 10.0
    # ... and, when the partner cites the part, at least this many weighted (chars, 2-10):
    # the dropped material must not be the law's recurring vocabulary alone (行政复议法
    # 2017 -> 2023: old 第十四条's 「…行政行为不服的」 in new 第二十四条, which its partner
    # cites as 「本法第二十四条第二款」, weighs 0.7; 公司法 old 第五十一条 in new 第八十三条 5.0).
    expansion_cited_min_weighted: float = 4.0
    # Largest gap (unmatched old x unmatched new measures between two in-order matches,
    # cells) that gap filling works on; above 64 cells only near-diagonal pairs are
    # scored. Bounds the DP's Python loop (64-10000).
    gap_max_cells: int = 4096
    # Shortest common run (chars, 3-8) that counts as shared material, not chance.
    coverage_min_block: int = 4
    # Split/merge: a part must be covered by the whole (its chars in common runs / its
    # length) at least this much (0..1); chance level for unrelated text is ~0.0-0.15.
    part_min_coverage: float = 0.3
    # Split/merge: ... and at least this share (0..1) of the part's informative
    # characters (stock phrases not counted, runs weighted 1/(1 + recurrence elsewhere))
    # must be in those runs: a neighbour sharing only 「…的，由公司登记机关责令改正，处以…
    # 罚款」 with the whole is not one of its parts. Measured on the real gold: unrelated
    # neighbours 0.02-0.09, real parts 0.10-1 (a penalty article split into three).
    part_min_informative: float = 0.1
    # Split/merge: adding a part must explain at least this further share of the whole
    # (0..1, chars in common runs / length of the whole).
    part_min_gain: float = 0.05
    # Split/merge: a part already matched 1:1 joins a group when its containment in the
    # whole exceeds that 1:1 ratio by at least this (0..1).
    part_steal_margin: float = 0.3
    # ... and only 1:1 matches with a ratio below this (0..1) can lose a part.
    part_steal_max_ratio: float = 0.7
    # Most parts of one split or merge grown from neighbours (stage 6) (count, 2-5).
    max_parts: int = 3
    # Most parts of one split or merge that far parts (stage 8) may extend a group to
    # (count, 2-10; at least max_parts). A list whose items each became an article of
    # their own splits into as many parts as it had items, and those are far apart
    # (公司法 2018 -> 2023: old 第一百四十八条's eight items -> new 第一百八十一条 to
    # 第一百八十六条, five parts). Each added part must still bring far_part_min_gain
    # informative characters of the whole that no other part explains, so a higher
    # bound lets no more phrase-sized parts in; it only stops cutting real lists short.
    # Stage 6 keeps max_parts: growing from neighbours has no such per-part evidence of
    # its own.
    far_max_parts: int = 6
    # Far parts (stage 8): a measure left unmatched joins a split or merge anywhere in
    # the document when at least this share (0..1) of its informative characters (stock
    # phrases not counted) lies in common runs with the whole. Unrelated articles that
    # share stock phrasing score ~0-0.2 here; a reworded part of an article 0.5-1.
    far_part_min_coverage: float = 0.4
    # ... and when it explains at least this many further informative characters of the
    # whole (count, 4-20): a part must bring a clause of its own, not a phrase.
    far_part_min_gain: int = 6
    # ... and a measure left unmatched with at least this share (0..1) of its informative
    # material in an unmatched measure of the other side is matched 1:1 with it, however
    # far (a short article kept as a sentence of a longer one).
    far_single_min_coverage: float = 0.75
    # ... or when at least this share (0..1, below far_part_min_coverage) of its
    # informative characters lies in common runs with the whole and one of those runs,
    # recurring nowhere else in the two versions, holds at least far_telling_min_chars
    # informative characters (count, 6-20): a telling clause kept from a paragraph or
    # item that was expanded into an article of its own (公司法 old 第一百六十六条's
    # 「股东必须将违反规定分配的利润退还公司」 -> new 第二百一十一条). Measured
    # (benchmarks/alignment.py, seed 1; real gold): far split / far merge / absorption
    # found 0.919 / 0.953 / 0.959 without this test; with it, 12 chars: 0.959 / 0.953 /
    # 0.959, 公司法 R 0.948; 10: same, R 0.952; 8: 0.959 / 0.966 / 0.973, R 0.957;
    # 6: 0.959 / 0.980 / 0.980, R 0.957. No wrong real-gold edge and no change of the
    # unrelated-replacement trap at any of these; 8 kept as a margin (6 is one noun
    # phrase, e.g. 「财务会计报告」).
    far_telling_min_coverage: float = 0.25
    far_telling_min_chars: int = 8
    # Candidate wholes per unmatched measure, from the n-gram index (count, 1-10).
    far_candidates: int = 3
    # Minimum container score (0..1): 0.6 x share of measures that stayed together
    # (mean of Dice and overlap coefficient) + 0.4 x heading ratio.
    container_min: float = 0.4
    # Containers of different kinds (节 -> 章, 一、 -> 第X章) match only when their
    # measure content score is at least this (0..1; 1 = exactly the same measures) ...
    cross_level_min_content: float = 0.75
    # ... and with their score multiplied by this (0..1), so that a same-kind match on
    # the same evidence wins.
    cross_level_factor: float = 0.9
    # A container with no measure in common with another can match it only on the very
    # same heading; such candidates are limited to the same-heading containers within
    # this many places of its own rank among them (count, 1-10): real versions hold a
    # heading like 「附则」 once or a few times, a compilation of many laws a hundred
    # times, where every pair would be a candidate of equal score.
    container_heading_window: int = 3

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MeasureMatch:
    kind: ChangeKind
    old: tuple[int, ...]  # old ordinals (1-based)
    new: tuple[int, ...]  # new ordinals (1-based)
    similarity: float  # 0..1, ratio of the texts without white space (joined for split/merge)
    renumbered: bool = False  # 1:1 kinds: the label number changed
    # 1:1 kinds: under a container that is not the match of its old one, or out of order
    # among the measures of its container (a container's own move is the container's)
    moved: bool = False


def _new_match(kind: ChangeKind, old: tuple[int, ...], new: tuple[int, ...], similarity: float,
               renumbered: bool, moved: bool) -> MeasureMatch:
    """MeasureMatch(...) with its dict made at once by a dict display in field order (one
    per measure; as model.new_block, which measured update(**fields) 0.8-1.15 us against
    0.5 us): the same object, equal, same hash, vars() and pickle."""
    match = _new_object(MeasureMatch)
    _set_attribute(match, "__dict__", {"kind": kind, "old": old, "new": new, "similarity": similarity,
                                       "renumbered": renumbered, "moved": moved})
    return match


_new_object, _set_attribute = object.__new__, object.__setattr__


@dataclass(frozen=True)
class ContainerMatch:
    old: int | None  # Block.index in old.blocks
    new: int | None  # Block.index in new.blocks
    similarity: float  # container score (0..1), 0.0 when one side is missing
    # Matched containers: out of order among the containers that share its new parent
    # (outside the heaviest in-order chain, weighted by measures held), or now under
    # another container. Its measures moved with it and are not each `moved` for that.
    moved: bool = False
    # The runs of measures that moved into it together: from old containers into a
    # container only the new side has (carried_runs), or from one matched container
    # into this matched one (crossing_runs); reported here once, their measures are not
    # each `moved`.
    carried: tuple[CarriedRun, ...] = ()
    # Containers only the old side has: the runs of its measures that joined one new
    # container together (dissolved_runs); reported here once, likewise.
    carried_out: tuple[CarriedRun, ...] = ()


@dataclass(frozen=True)
class Alignment:
    matches: tuple[MeasureMatch, ...]
    containers: tuple[ContainerMatch, ...]
    settings: AlignSettings


# --- normalisation -----------------------------------------------------------------

# NFKC already folds full-width ASCII forms (，；：（）！？) to ASCII; these are the
# CJK punctuation marks it leaves alone but that editors switch with ASCII ones.
_PUNCT_FOLD = str.maketrans({
    "。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "【": "[", "】": "]",
    "〔": "[", "〕": "]", "「": '"', "」": '"', "『": '"', "』": '"', "—": "-", "–": "-",
    "〈": "<", "〉": ">", "《": "<", "》": ">", "·": ".", "・": ".",
    "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u2060": None,
})


# Full-width ASCII forms (U+FF01-FF5E) and the ideographic space, as NFKC folds them.
_FOLD = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FOLD.update({k if isinstance(k, str) else chr(k): (v if isinstance(v, str) else "") if v is not None else ""
              for k, v in _PUNCT_FOLD.items()})
_FOLD_RE = re.compile("[" + re.escape("".join(sorted(_FOLD))) + r"\s]")


def _fold(text: str) -> str:
    return _FOLD_RE.sub(lambda m: _FOLD.get(m.group(), ""), text)


def normalize(text: str) -> str:
    """Text as compared: NFKC, punctuation width folded, no white space.

    >>> normalize("第一款（一）　甲，乙。") == normalize("第一款(一) 甲,乙.")
    True
    """
    # Fast path: fold the few characters that need it with one C regex scan; run the
    # full NFKC only when something else is left to normalise (rare in Chinese text).
    folded = _fold(text)
    if unicodedata.is_normalized("NFKC", folded):
        return folded
    return _fold(unicodedata.normalize("NFKC", text))


# The fold characters Chinese legal text is full of, replaced by str.replace over many
# texts at once in normalize_many; the regex callback is left with the rare ones.
_FREQUENT_FOLD = ("，", "、", "。", "；", "（", "）", "：", "《", "》")
_RARE_FOLD_RE = re.compile("[" + re.escape("".join(sorted(set(_FOLD) - set(_FREQUENT_FOLD)))) + "]")


def normalize_many(texts: Sequence[str]) -> list[str]:
    """[normalize(t) for t in texts], the same values, folded in one pass over all the
    texts joined: _fold calls back into Python once per punctuation mark (130 k times on
    the test compilation's 8,500 distinct measure texts); here white space goes in one
    C-level split, the frequent marks in one str.replace each, and only the rare
    ones call back. Every fold maps one character to ASCII (never white space or a fold
    character) or to nothing, so the order of the steps does not matter; a text the
    folding leaves not NFKC-normalised goes through normalize() itself."""
    if len(texts) < 8:  # the join and split cost more than they save
        return [normalize(t) for t in texts]
    whole = "\x00".join(texts)
    if whole.count("\x00") != len(texts) - 1:  # a text holds the separator itself
        return [normalize(t) for t in texts]
    whole = "".join(whole.split())  # str.split's white space is exactly re's \s (Py_UNICODE_ISSPACE)
    for mark in _FREQUENT_FOLD:
        whole = whole.replace(mark, _FOLD[mark])
    whole = _RARE_FOLD_RE.sub(lambda m: _FOLD[m.group()], whole)
    is_normalized = unicodedata.is_normalized
    return [folded if is_normalized("NFKC", folded) else normalize(text)
            for folded, text in zip(whole.split("\x00"), texts)]


def _unspaced(text: str) -> str:
    """The text without white space (ASCII, ideographic, line breaks): what decides
    `unchanged` and the reported similarity. (str.split's white space is exactly re's
    \\s, Py_UNICODE_ISSPACE; a split and join is three times a regex substitution.)"""
    return "".join(text.split())


def _unit_matches(units: Sequence[tuple[tuple[int, ...], tuple[int, ...]]], olds: Sequence[Block],
                  news: Sequence[Block], moved_at: set[int] | frozenset[int]) -> list[MeasureMatch]:
    """One MeasureMatch per matched unit (0-based (olds, news) index tuples, in `units`
    order; `moved_at`: the unit positions moved_units found): the kind, the similarity of
    the texts as printed (white space aside: a change of punctuation width alone is a
    change, and reads below 1.00), renumbered and moved (1:1 only).

    Fast path (issue 14, tail2): a 1:1 pair whose texts are the very same string is
    unchanged with similarity 1.0 without taking the white space out of either (equal
    texts give equal unspaced texts; most measures of a revision are such pairs); only
    the others' texts are unspaced, each distinct text once. Rejected: unspacing every
    text up front (13 ms on the test compilation's 20,910 texts, of which the
    non-identical pairs need ~600)."""
    bare: dict[str, str] = {}

    def unspaced(text: str) -> str:  # _unspaced, once per distinct text
        got = bare.get(text)
        if got is None:
            got = bare[text] = _unspaced(text)
        return got

    unchanged, modified = ChangeKind.UNCHANGED, ChangeKind.MODIFIED
    matches: list[MeasureMatch] = []
    append = matches.append
    for k, (old_units, new_units) in enumerate(units):
        if len(old_units) == 1 and len(new_units) == 1:
            i, j = old_units[0], new_units[0]
            ob, nb = olds[i], news[j]
            old_text, new_text = ob.text, nb.text
            if old_text == new_text:
                kind, sim = unchanged, 1.0
            else:
                old_txt, new_txt = unspaced(old_text), unspaced(new_text)
                # White space alone (an item line indented with 「　　」 or with spaces)
                # is layout, not a change of the measure. (equal texts: _ratio is
                # exactly 1.0, empty or not)
                if old_txt == new_txt:
                    kind, sim = unchanged, 1.0
                else:
                    kind, sim = modified, round(_ratio(old_txt, new_txt), 4)
            renumbered = ob.number != nb.number or ob.sub_number != nb.sub_number
            append(_new_match(kind, (i + 1,), (j + 1,), sim, renumbered, k in moved_at))
        else:
            old_txt = "".join([unspaced(olds[i].text) for i in old_units])
            new_txt = "".join([unspaced(news[j].text) for j in new_units])
            sim = 1.0 if old_txt == new_txt else round(_ratio(old_txt, new_txt), 4)
            kind = ChangeKind.SPLIT if len(old_units) == 1 else ChangeKind.MERGED
            append(MeasureMatch(kind, tuple(i + 1 for i in old_units), tuple(j + 1 for j in new_units),
                                sim, False, False))
    return matches


def _ratio(a: str, b: str) -> float:
    # Equal texts (empty ones too) are exactly 1.0 without the call: half of the
    # aligner's ratios are of an unchanged measure or neighbour.
    if a == b:
        return 1.0
    return _indel_similarity(a, b)


_indel_similarity = Indel.normalized_similarity


def _common_runs(a: str, b: str, min_block: int) -> int:
    """Characters of a (== of b) in common runs of at least min_block characters,
    along an LCS alignment."""
    if not a or not b:
        return 0
    total = 0
    for op in Indel.opcodes(a, b):
        if op.tag == "equal" and op.src_end - op.src_start >= min_block:
            total += op.src_end - op.src_start
    return total


def _coverage(a: str, b: str, min_block: int) -> float:
    """Share of both texts in common runs: 2*common/(len a + len b), 0..1."""
    if not a and not b:
        return 1.0
    return 2.0 * _common_runs(a, b, min_block) / (len(a) + len(b))


# --- informative evidence ----------------------------------------------------------------

# Stock phrases of Chinese legislative drafting: the same words in every law, whatever it
# regulates (who acts, under which authority, with which standard sanction). Shared
# material made of them says nothing about two articles being the same provision:
# 「国家建立健全反兴奋剂制度。县级以上人民政府体育行政部门会同…」 and 「国家建立健全农产品产地
# 监测制度。县级以上地方人民政府农业农村主管部门应当会同…」 share little but these. Counted
# over the two versions alone, a phrase that each law uses once looks distinctive (the
# document is too small to show that it is boilerplate), hence this list: domain
# vocabulary, not statistics of any one text. Rejected: character-bigram IDF over the
# two versions (measured on the benchmark's boilerplate trap: it ranks "法律" and "兴奋"
# alike in a 30-article law and let more unrelated pairs through than this list).
STOCK_PHRASES = (
    # who
    "县级以上地方各级人民政府", "县级以上地方人民政府", "县级以上人民政府", "地方各级人民政府",
    "各级人民政府", "乡镇人民政府", "街道办事处", "国务院有关部门", "国务院", "人民政府",
    "省、自治区、直辖市", "设区的市", "有关部门", "主管部门", "行政部门", "行政管理部门", "管理部门",
    "有关单位", "有关机关", "国家机关", "社会团体", "企业事业单位", "事业单位", "基层群众性自治组织",
    "任何组织和个人", "任何单位和个人", "单位和个人", "组织和个人", "公民、法人和其他组织",
    "法人和其他组织", "法人或者其他组织", "其他组织", "工作人员", "国家工作人员",
    "直接负责的主管人员和其他直接责任人员", "直接负责的主管人员", "其他直接责任人员",
    # authority and standard
    "按照职责分工", "在各自职责范围内", "职责范围内", "负责本行政区域内", "本行政区域内", "本行政区域",
    "法律、行政法规", "法律、法规", "行政法规", "国家有关规定", "国家规定", "有关规定", "的规定",
    "中华人民共和国", "本法", "本条例", "本办法", "本规定", "本解释", "本决定", "本细则",
    "有下列情形之一的", "有下列行为之一的", "下列情形之一", "下列行为之一", "依照", "按照", "根据",
    "会同", "应当", "可以", "不得", "依法", "负责", "组织", "建立健全", "加强", "国民经济和社会发展",
    "合法权益", "工作需要", "具体办法", "另行制定", "由国务院", "规定", "其他", "有关",
    "本市", "本省", "本区", "制度", "组织开展", "开展", "向社会公布", "向社会公开", "及时",
    # sanctions
    "违反本法规定", "违反本条例规定", "违反本办法规定", "违反本规定", "责令限期改正", "责令改正",
    "给予警告", "没收违法所得", "违法所得", "情节严重的", "情节较重的", "情节轻微的", "罚款",
    "依法给予处分", "给予处分", "构成犯罪的", "依法追究刑事责任", "追究刑事责任", "治安管理处罚",
    "民事责任", "法律责任", "万元以上", "万元以下", "以上", "以下",
)


def _stock_regex() -> re.Pattern[str]:
    # item labels 「(一)」「(2)」, which every enumerating article shares, and punctuation
    return re.compile(r"\([一二三四五六七八九十0-9]{1,3}\)|["
                      + re.escape("".join(sorted(_UNINFORMATIVE_CHARS))) + "]+")


_STOCK_RE: re.Pattern[str] | None = None  # item labels and punctuation
_STOCK_LIST: list[str] = []  # STOCK_PHRASES normalised, longest first
# Characters that carry no content of their own (after normalize: ASCII punctuation).
_UNINFORMATIVE_CHARS = frozenset(".,;:!?\"'()[]<>-/%")


_STOCK_GRAMS: dict[int, frozenset[str]] = {}


def _stock_grams(n: int) -> frozenset[str]:
    """The n-grams that lie inside a stock phrase."""
    got = _STOCK_GRAMS.get(n)
    if got is None:
        phrases = {normalize(p) for p in STOCK_PHRASES}
        got = _STOCK_GRAMS[n] = frozenset(p[x:x + n] for p in phrases for x in range(len(p) - n + 1))
    return got


def informative_mask(text: str) -> bytes:
    """Per character of a normalised text: 1 where it carries content, 0 inside a stock
    phrase, an item label, or on punctuation.

    >>> t = normalize("国家建立健全反兴奋剂制度。县级以上人民政府体育行政部门会同有关部门")
    >>> "".join(c if m else "_" for c, m in zip(t, informative_mask(t)))
    '国家____反兴奋剂___________体育__________'
    """
    global _STOCK_RE, _STOCK_LIST
    if _STOCK_RE is None:
        _STOCK_RE = _stock_regex()
        _STOCK_LIST = sorted({normalize(p) for p in STOCK_PHRASES}, key=lambda p: (-len(p), p))
    mask = bytearray(b"\x01") * len(text)
    # str.find per phrase (C search) beats one regex alternation of them all (Python's
    # re tries every branch at every position): 26 vs 37 us on a 124-character article.
    # Longest first, and a match never starts inside a longer one already masked.
    for phrase in _STOCK_LIST:
        at = text.find(phrase)
        while at >= 0:
            mask[at:at + len(phrase)] = bytes(len(phrase))
            at = text.find(phrase, at + len(phrase))
    for match in _STOCK_RE.finditer(text):
        mask[match.start():match.end()] = bytes(match.end() - match.start())
    return bytes(mask)


# --- assignment ----------------------------------------------------------------------


def max_weight_assignment(n_rows: int, edges: Sequence[Sequence[tuple[int, float]]]) -> dict[int, int]:
    """Maximum-weight one-to-one assignment on a sparse bipartite graph.

    edges[i] lists (column, weight > 0) for row i. A row may stay unassigned (weight 0).
    Successive shortest augmenting paths with dual potentials (the Jonker-Volgenant /
    Crouse scheme behind scipy's linear_sum_assignment), over sparse rows: each row owns a
    private dummy column of weight 0, so every row can always be assigned. Deterministic:
    heap ties are broken by column number. Returns {row: column} for real columns.

    >>> max_weight_assignment(2, [[(0, 0.9), (1, 0.8)], [(0, 0.85)]])
    {0: 1, 1: 0}
    """
    if n_rows == 0:
        return {}
    top = max((w for row in edges for _, w in row), default=0.0)
    n_real = 1 + max((j for row in edges for j, _ in row), default=-1)
    # cost = top - weight >= 0, so Dijkstra on reduced costs is valid from zero potentials;
    # every row is assigned exactly once, so the constant shift does not change the optimum.
    costs: list[list[tuple[int, float]]] = []
    for i in range(n_rows):
        row = [(j, top - w) for j, w in edges[i]]
        row.append((n_real + i, top))  # the private "stay unmatched" column
        costs.append(row)
    u = [0.0] * n_rows
    v: dict[int, float] = {}
    col4row: dict[int, int] = {}
    row4col: dict[int, int] = {}
    inf = float("inf")
    for cur in range(n_rows):
        dist: dict[int, float] = {}
        path: dict[int, int] = {}
        done: dict[int, None] = {}  # insertion-ordered set of scanned columns
        visited_rows = [cur]
        heap: list[tuple[float, int]] = []
        i = cur
        min_val = 0.0
        while True:
            ui = u[i]
            for j, c in costs[i]:
                if j in done:
                    continue
                r = min_val + c - ui - v.get(j, 0.0)
                if r < dist.get(j, inf):
                    dist[j] = r
                    path[j] = i
                    heapq.heappush(heap, (r, j))
            while True:
                r, j = heapq.heappop(heap)
                if j not in done and r == dist[j]:
                    break
            min_val = r
            done[j] = None
            if j not in row4col:
                sink = j
                break
            i = row4col[j]
            visited_rows.append(i)
        u[cur] += min_val
        for i in visited_rows[1:]:
            u[i] += min_val - dist[col4row[i]]
        for j in done:
            v[j] = v.get(j, 0.0) - (min_val - dist[j])
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            previous = col4row.get(i)
            col4row[i] = j
            if i == cur:
                break
            j = previous
    return {i: j for i, j in sorted(col4row.items()) if j < n_real}


def _lis_indexes(values: Sequence[int]) -> list[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting;
    deterministic: among equal lengths, the one ending with the smallest values).

    Values already strictly increasing (the measures of most containers, in a revision)
    are their own one longest subsequence: all positions, without the search (issue 14,
    tail2; tests/test_tail2_fast.py checks it against the search)."""
    if all(map(lt, values, islice(values, 1, None))):
        return list(range(len(values)))
    tails: list[int] = []  # values
    tail_pos: list[int] = []
    back = [-1] * len(values)
    for pos, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_pos.append(pos)
        else:
            tails[k] = value
            tail_pos[k] = pos
        back[pos] = tail_pos[k - 1] if k else -1
    out: list[int] = []
    pos = tail_pos[-1] if tail_pos else -1
    while pos != -1:
        out.append(pos)
        pos = back[pos]
    return out[::-1]


def _heaviest_increasing(values: Sequence[int], weights: Sequence[int]) -> set[int]:
    """Positions of a strictly increasing subsequence of values with the largest total
    weight (weights > 0), in O(n log n) with a Fenwick tree of prefix maxima over the
    ranks of the values. Deterministic: among chains of equal weight, the one ending
    first, each step taking the earliest best predecessor."""
    n = len(values)
    if n == 0:
        return set()
    rank = {v: r + 1 for r, v in enumerate(sorted(set(values)))}
    tree: list[tuple[int, int]] = [(0, -1)] * (len(rank) + 1)  # (best weight, position)
    best = [0] * n
    back = [-1] * n
    for pos, value in enumerate(values):
        r = rank[value] - 1
        top = (0, -1)
        while r > 0:  # best chain ending below this value
            if tree[r][0] > top[0]:
                top = tree[r]
            r -= r & -r
        best[pos] = top[0] + weights[pos]
        back[pos] = top[1]
        r = rank[value]
        while r < len(tree):
            if best[pos] > tree[r][0]:
                tree[r] = (best[pos], pos)
            r += r & -r
    end = max(range(n), key=lambda p: (best[p], -p))
    out: set[int] = set()
    while end != -1:
        out.add(end)
        end = back[end]
    return out


# An article number as written in a citation (「第八十三条」, 「第7条」): only a cheap
# necessary test; the citations themselves are read by citations.find_citations.
# Marks that end a clause in normalised text (、 is folded to a comma, 。 to a full stop).
_CLAUSE_MARKS = frozenset(",.;:!?")

_ARTICLE_NUMBER_RE = re.compile(r"第[〇零一二三四五六七八九十百千两0-9０-９]+条")


def _contained_runs(whole: str, part: str, min_block: int,
                    windows: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """The maximal spans (start, end) of `part` that occur in `whole` as they are, each
    at least min_block characters, wherever in `whole` (order-free): at each place, the
    longest substring starting there that `whole` contains (C substring search), kept
    when it reaches further than the one starting just before. Spans may overlap.

    Far-part evidence asks how much of a part is found in a whole, not how the two line
    up: one LCS alignment of a long whole against a short part lines the part's frame up
    with the whole's opening (「董事、高级管理人员…」) and so splits or drops the long run it
    really shares from the middle of the whole (old 第一百四十八条 item (五)'s 「利用职务便利为
    自己或者他人谋取属于公司的商业机会」, verbatim in new 第一百八十三条, came out as 「商业机会」).
    Maximal, not a left-to-right segmentation: cut at the end of the run before it,
    「…同案被告人」 then 「等到庭对质」, the clause 「被告人等到庭对质」 they share is never
    seen whole. A phrase of the whole may explain more than one place of the part (a part
    that repeats it); recurrence weighting keeps repeated stock phrasing cheap. `windows`:
    the whole's distinct min_block-character substrings, when the caller has them.

    >>> _contained_runs("甲乙丙丁戊己庚", "庚戊己x甲乙丙丁", 3)
    [(4, 8)]
    >>> _contained_runs("甲乙丙丁戊己庚", "戊己庚x甲乙丙丁", 3)
    [(0, 3), (4, 8)]
    >>> _contained_runs("甲乙丙丁x丙丁戊己", "甲乙丙丁戊己", 3)
    [(0, 4), (2, 6)]
    """
    n = len(part)
    if n < min_block:
        return []
    # the places where a span can start: the part's min_block-grams the whole holds
    # (substring tests over C-level slicing; most places of an unrelated part fail here)
    test = windows.__contains__ if windows is not None else whole.__contains__
    places = n - min_block + 1
    held = list(map(test, map(part.__getitem__, _slices(n, min_block))))
    starts = list(compress(range(places), held))
    out: list[tuple[int, int]] = []
    reach = 0  # end of the longest span found so far
    end = 0
    cap = 0  # how far any span starting in the present stretch of held places can reach
    for p in starts:
        # the span starting at p reaches at least as far as the one before it did
        # (a substring of a substring of the whole)
        if end < p + min_block:
            end = p + min_block
        if p >= cap - min_block + 1:
            # Every min_block-gram of a span of the whole is held, so a span starting at
            # p ends at most min_block - 1 characters past the first place from p whose
            # min_block-gram the whole lacks: a bound on `end` that needs no search
            # (inside a long shared run, every later start is settled by it at once).
            stop = p
            while stop < places and held[stop]:
                stop += 1
            cap = stop + min_block - 1
        if end < cap and part[p:end + 1] in whole:
            # the longest prefix of part[p:cap] that the whole holds (being held is
            # monotone in the end), found by doubling steps then halving: the same end
            # as one character at a time, in log(length) substring searches
            end += 1
            step = 1
            while end < cap:
                probe = min(end + step, cap)
                if part[p:probe] in whole:
                    end = probe
                    step *= 2
                else:
                    low, high = end, probe  # part[p:low] is held, part[p:high] is not
                    while high - low > 1:
                        mid = (low + high) // 2
                        if part[p:mid] in whole:
                            low = mid
                        else:
                            high = mid
                    end = low
                    break
        if end > reach:
            out.append((p, end))
            reach = end
    return out


_SLICES: dict[int, list[slice]] = {}


def _slices(n: int, k: int) -> list[slice]:
    """slice(x, x + k) for x in 0..n-k, from a cached list per k (grown by doubling)."""
    got = _SLICES.get(k)
    if got is None or len(got) < n - k + 1:
        got = _SLICES[k] = [slice(x, x + k) for x in range(2 * n)]
    return got[:n - k + 1]


def _windows(text: str, k: int) -> frozenset[str]:
    """The distinct k-character substrings of text."""
    return frozenset(map(text.__getitem__, _slices(len(text), k))) if len(text) >= k else frozenset()


class _GapNumbers:
    """The gap number of each index between the bounds of a skeleton, as a dict of
    {index: gap} for every index strictly between bounds g and g + 1 would give it
    (bounds: the skeleton's coordinates on one side, non-decreasing, with -1 first and
    the side's length last; an index that is a bound is in no gap)."""

    __slots__ = ("_bounds",)

    def __init__(self, bounds: list[int]):
        self._bounds = bounds

    def get(self, k: int, default: int | None = None) -> int | None:
        bounds = self._bounds
        g = bisect_right(bounds, k) - 1
        if g < 0 or g + 1 >= len(bounds) or bounds[g] == k:
            return default
        return g


# --- the aligner -----------------------------------------------------------------------


class _Aligner:
    def __init__(self, old: Document, new: Document, settings: AlignSettings, mapper: Mapper | None = None):
        self.s = settings
        self.mapper = mapper if mapper is not None else SERIAL  # runs the n-gram round's rows
        self.old_doc, self.new_doc = old, new
        self.olds = old.measures
        self.news = new.measures
        # One normalisation per distinct text: most measures of a revision are unchanged
        # (the same text on both sides), and equal inputs give equal outputs.
        self._normalized: dict[str, str] = {}
        self.old_text = self._normalize_all(m.text for m in self.olds)
        self.new_text = self._normalize_all(m.text for m in self.news)
        self._normalize_all([m.heading for m in chain(self.olds, self.news) if "\n" in m.text])  # (batched)
        # (_heading's own first test, without the call for the one-line texts)
        self.old_head = [self._heading(m) if "\n" in m.text else "" for m in self.olds]
        self.new_head = [self._heading(m) if "\n" in m.text else "" for m in self.news]
        self._ratio_cache: dict[tuple[int, int], float] = {}
        self.o2n: dict[int, int] = {}  # 1:1 matches, 0-based indexes
        self.n2o: dict[int, int] = {}
        self.found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []  # split/merge groups
        self.used_old: set[int] = set()  # members of those groups
        self.used_new: set[int] = set()
        self._old_all: str | None = None  # all measure texts joined, for phrase counts
        self._new_all: str | None = None
        self._distinctive_cache: dict[tuple[int, int], float] = {}
        self._phrase_cache: dict[str, int] = {}
        self._old_masks: dict[int, bytes] = {}
        self._new_masks: dict[int, bytes] = {}
        self._gram_cache: dict[str, dict[int, frozenset[str]]] = {"old": {}, "new": {}}
        self._grams_of_text: dict[str, frozenset[str]] = {}
        self._contained_cache: dict[tuple[str, str], float] = {}
        self._text_ratio: dict[tuple[str, str], float] = {}
        self._ancestry: tuple | None = None  # match_containers' ancestor chains and container sizes
        self._containers_memo: tuple | None = None  # (edges, mapping, matches) of the last match_containers
        self._slices: list[slice] = []
        self._cited_cache: dict[str, dict[int, frozenset[tuple[int, int | None]]]] = {"old": {}, "new": {}}
        self._number_at: dict[tuple[int | None, int | None], int] | None = None
        self._partners: dict[int, list[int]] = {}
        self._new_held: Counter[tuple[int | None, int | None]] = Counter()
        self._cite_masks: dict[int, bytes] = {}
        # one assignment round's candidate search (prepare_round sets it up)
        self._free_old_set: set[int] = set()
        self._ngram_index: dict[str, tuple[int, ...]] | None = None
        self._ngram_by_text: dict[str, list[int]] | None = None
        self._gap_of_new: dict[int, tuple[int, int, int]] = {}
        self._round_skeleton: list[tuple[int, int]] | None = None  # the skeleton the round was prepared on

    def _normalize_all(self, texts: Iterable[str]) -> list[str]:
        """normalize() of each text, each distinct text normalised once."""
        cache = self._normalized
        texts = list(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        cache.update(zip(todo, normalize_many(todo)))
        return [cache[t] for t in texts]

    def _mask(self, i: int) -> bytes:
        got = self._old_masks.get(i)
        if got is None:
            got = self._old_masks[i] = informative_mask(self.old_text[i])
        return got

    def _grams(self, side: str, k: int) -> frozenset[str]:
        """The distinct character n-grams (settings.ngram) of one measure text, cached:
        the candidate search of stage 3 and the far-part search of stage 8 share them.
        Built with map over precomputed slices (C-level slicing, ~3x a comprehension)."""
        cache = self._gram_cache[side]
        got = cache.get(k)
        if got is None:
            t = (self.old_text if side == "old" else self.new_text)[k]
            # one set per distinct text: a text repeated on one side or kept on both
            # (a moved article) is sliced once
            got = self._grams_of_text.get(t)
            if got is None:
                n = self.s.ngram
                if len(t) <= n:
                    got = frozenset((t,))
                else:
                    if len(self._slices) < len(t) - n + 1:
                        self._slices = [slice(x, x + n) for x in range(2 * len(t))]
                    got = frozenset(map(t.__getitem__, self._slices[:len(t) - n + 1]))
                self._grams_of_text[t] = got
            cache[k] = got
        return got

    def _new_mask(self, j: int) -> bytes:
        got = self._new_masks.get(j)
        if got is None:
            got = self._new_masks[j] = informative_mask(self.new_text[j])
        return got

    def _heading(self, m: Block) -> str:
        # A short first line followed by more text is a title; otherwise the "heading"
        # is just the first sentence and already part of the text score.
        if "\n" not in m.text or "\n" not in m.text.strip():  # (the first test saves a copy)
            return ""
        head = self._normalized.get(m.heading)  # (normalised in one batch by __init__)
        if head is None:
            head = self._normalized[m.heading] = normalize(m.heading)
        return head if 0 < len(head) <= self.s.heading_max_chars else ""

    def ratio(self, i: int, j: int) -> float:
        key = (i, j)
        got = self._ratio_cache.get(key)
        if got is None:
            # also cached per pair of texts: a text repeated on a side (a compilation's
            # versions of one law, 「（删除）」) meets the same partner texts again
            texts = (self.old_text[i], self.new_text[j])
            got = self._text_ratio.get(texts)
            if got is None:
                got = self._text_ratio[texts] = _ratio(*texts)
            self._ratio_cache[key] = got
        return got

    def _cached_ratio(self, a: str, b: str) -> float:
        """_ratio(a, b) through the per-text-pair cache that ratio() fills, in either order
        (the Indel similarity is symmetric: 1 - (len a + len b - 2 LCS) / (len a + len b)):
        _grow asks it of every changed 1:1 pair the assignment has already scored."""
        got = self._text_ratio.get((a, b))
        if got is None:
            got = self._text_ratio.get((b, a))
            if got is None:
                got = self._text_ratio[(a, b)] = _ratio(a, b)
        return got

    def text_score(self, i: int, j: int) -> float:
        t = self.ratio(i, j)
        oh, nh = self.old_head[i], self.new_head[j]
        if oh and nh:
            w = self.s.heading_weight
            return (1 - w) * t + w * _ratio(oh, nh)
        return t

    def neighbour_score(self, i: int, j: int) -> float:
        """Mean similarity of the neighbouring pairs; both sides at a boundary = 1."""
        total = 0.0
        for di in (-1, 1):
            oi, nj = i + di, j + di
            o_out = not 0 <= oi < len(self.olds)
            n_out = not 0 <= nj < len(self.news)
            if o_out or n_out:
                total += 1.0 if (o_out and n_out) else 0.0
            else:
                total += self.ratio(oi, nj)
        return total / 2

    def _scored_row(self, j: int, olds: Iterable[int]) -> list[tuple[int, float]]:
        """The assignment's edges of new measure j: (i, text_score + context_weight x
        neighbour_score) for each candidate old measure i, in order, whose text score
        reaches candidate_min. Both scores inlined (tens of thousands of pairs on a large
        document), with the very same arithmetic; the ratios read and filled straight
        through the per-text-pair cache that ratio() keeps. The per-index cache gets the
        text ratio of each edge's own pair (what later stages ask ratio() for: the
        assigned pairs; rows scored in another process send these back by index pair,
        cheaper than texts), not every candidate's and neighbour's."""
        s = self.s
        pair_ratio, index_ratio = self._text_ratio, self._ratio_cache
        old_text, new_text = self.old_text, self.new_text
        old_head, nh = self.old_head, self.new_head[j]
        w, candidate_min, context_weight = s.heading_weight, s.candidate_min, s.context_weight
        last_old, last_new = len(self.olds) - 1, len(self.news) - 1
        text = new_text[j]
        text_before = new_text[j - 1] if j else ""
        text_after = new_text[j + 1] if j < last_new else ""
        row = []
        for i in sorted(olds):
            key = (old_text[i], text)
            t = r = pair_ratio.get(key)
            if r is None:
                t = r = pair_ratio[key] = _ratio(*key)
            if nh and old_head[i]:
                t = (1 - w) * r + w * _ratio(old_head[i], nh)
            if t >= candidate_min:
                index_ratio[i, j] = r
                # neighbour_score: the pairs before and after; both sides at a boundary 1
                if i and j:
                    key = (old_text[i - 1], text_before)
                    before = pair_ratio.get(key)
                    if before is None:
                        before = pair_ratio[key] = _ratio(*key)
                else:
                    before = 1.0 if not i and not j else 0.0
                if i < last_old and j < last_new:
                    key = (old_text[i + 1], text_after)
                    after = pair_ratio.get(key)
                    if after is None:
                        after = pair_ratio[key] = _ratio(*key)
                else:
                    after = 1.0 if i == last_old and j == last_new else 0.0
                row.append((i, t + context_weight * ((before + after) / 2)))
        return row

    def link(self, i: int, j: int) -> None:
        self.o2n[i] = j
        self.n2o[j] = i

    # stage 2
    def anchors(self) -> None:
        """Pair texts that occur exactly once on each side. A text repeated on either
        side (「（删除）」, an empty article, a stock clause) is left to the assignment,
        where position and neighbours choose which copy went where; pairing copies in
        order would flag a wrong one as moved."""
        old_at: dict[str, list[int]] = {}
        for i, t in enumerate(self.old_text):
            old_at.setdefault(t, []).append(i)
        new_at: dict[str, list[int]] = {}
        for j, t in enumerate(self.new_text):
            new_at.setdefault(t, []).append(j)
        for t, js in new_at.items():
            olds = old_at.get(t)
            if olds and len(olds) == 1 and len(js) == 1:
                self.link(olds[0], js[0])

    def skeleton(self) -> list[tuple[int, int]]:
        """The matches that are in order (a longest increasing subsequence); a split or
        merge group contributes its first and its last link."""
        if self.found:
            points = set(self.o2n.items())
            for olds, news in self.found:
                points.add((olds[0], news[0]))
                points.add((olds[-1], news[-1]))
            pairs = sorted(points)
        else:  # (the links alone: distinct already)
            pairs = sorted(self.o2n.items())
        keep = _lis_indexes([j for _, j in pairs])
        return [pairs[k] for k in keep]

    # stage 3
    def candidates(self, positional_only: bool = False) -> dict[int, list[int]]:
        """{free new measure: its candidate old measures} (n-gram ones first, then
        positional ones, each once), as one round of the assignment proposes them."""
        rows = self.prepare_round(positional_only)
        return {j: self.row_candidates(j) for j in rows}

    def prepare_round(self, positional_only: bool) -> list[int]:
        """Set up one round's candidate search as the aligner's shared state (the free
        measures, the n-gram index, the skeleton's gaps) and return its rows: the free
        new measures, in order. After this, `scored_rows` of any subsequence of the rows
        reads only that state and the texts (and fills the ratio caches), so it can be
        mapped over chunks of rows in other processes; the round itself is the
        concatenation of the chunks' results, in row order."""
        free_old = [i for i in range(len(self.olds)) if i not in self.o2n]
        free_new = [j for j in range(len(self.news)) if j not in self.n2o]
        self._free_old_set = set(free_old)
        self._ngram_index = None
        self._ngram_by_text = {}
        self._gap_of_new = {}
        self._round_skeleton = None
        if not free_old or not free_new:
            self._free_old_set = set()  # every row has no candidate
            return free_new
        if not positional_only:
            self._ngram_index = self._build_ngram_index(free_old)
        # Positional candidates: the free old measures at the same relative place
        # between the in-order anchors around each free new measure.
        skel = self._round_skeleton = self.skeleton()
        bounds = [(-1, -1)] + skel + [(len(self.olds), len(self.news))]
        gap_of_new = self._gap_of_new
        for (oi0, nj0), (oi1, _nj1) in zip(bounds, bounds[1:]):
            for j in range(nj0 + 1, _nj1):
                gap_of_new[j] = (oi0, nj0, oi1)
        return free_new

    def scored_rows(self, rows: Sequence[int]) -> list[list[tuple[int, float]]]:
        """The assignment's edge rows (`_scored_row`) of these free new measures, each
        over its candidates (`row_candidates`), after `prepare_round`: the per-row part
        of a round (the n-gram counting and the Indel scoring), one row at a time."""
        scored_row, row_candidates = self._scored_row, self.row_candidates
        return [scored_row(j, row_candidates(j)) for j in rows]

    def row_candidates(self, j: int) -> list[int]:
        """Candidate old measures of free new measure j in the prepared round: the
        n-gram ones (best first), then the positional ones not already among them."""
        got = self._ngram_row(j) if self._ngram_index is not None else []
        gap = self._gap_of_new.get(j)
        if gap is not None and self._free_old_set:
            oi0, nj0, oi1 = gap
            window = self.s.position_window
            expected = oi0 + (j - nj0)
            free_old_set = self._free_old_set
            for i in range(max(oi0 + 1, expected - window), min(oi1 - 1, expected + window) + 1):
                if i in free_old_set and i not in got:
                    got.append(i)
        return got

    def _build_ngram_index(self, free_old: list[int]) -> dict[str, tuple[int, ...]]:
        """n-gram -> the free old measures holding it, for the n-grams held by at most
        ngram_max_df of them (boilerplate dropped once, so each row only counts, in C).
        Postings are tuples: Counter walks a tuple faster than a list. A text held by
        several free old measures (a compilation's versions of one law, 「（删除）」) is
        walked once, its measures added to each posting together: a posting's order is
        then not the ordinal order, which nothing reads (the rows count postings and
        rank the counts by a full sort)."""
        index: dict[str, list[int]] = {}
        grams, old_text = self._grams, self.old_text
        holders: dict[str, list[int]] = {}
        for i in free_old:
            holders.setdefault(old_text[i], []).append(i)
        for same in holders.values():
            if len(same) == 1:
                i = same[0]
                for g in grams("old", i):
                    index.setdefault(g, []).append(i)
            else:
                for g in grams("old", same[0]):
                    index.setdefault(g, []).extend(same)
        max_df = self.s.ngram_max_df
        return {g: tuple(p) for g, p in index.items() if len(p) <= max_df}

    def _ngram_row(self, j: int) -> list[int]:
        """The best candidates_per_measure free old measures for new measure j, by
        (shared n-grams, then the lower ordinal); a new text repeated among the free
        new measures is counted once per round. A fresh list (the caller appends)."""
        text = self.new_text[j]
        got = self._ngram_by_text.get(text)
        if got is None:
            # ranked as one integer, count * stride - i (0 <= i < stride), sorted in C:
            # no key function call per pair (a heapq.nlargest with a key took twice as long)
            stride = len(self.olds) + 1
            counts = Counter(chain.from_iterable(filter(None, map(self._ngram_index.get, self._grams("new", j)))))
            ranked = sorted(map(sub, map(mul, counts.values(), repeat(stride)), counts), reverse=True)
            got = self._ngram_by_text[text] = [-v % stride for v in ranked[:self.s.candidates_per_measure]]
        return got.copy()

    # stages 4 and 5
    def assign(self) -> None:
        """Two rounds: positional candidates only, keeping near-exact pairs (cheap, and
        most of a real revision); then the n-gram index for what is left."""
        self._assign_round(positional_only=True, accept_min=max(self.s.anchor_min, self.s.modified_min))
        self._assign_round(positional_only=False, accept_min=self.s.modified_min)

    def _assign_round(self, positional_only: bool, accept_min: float) -> None:
        rows = self.prepare_round(positional_only)  # free new measures, in order
        # the positional round stays here: ~0.04 s on the test compilation, less than a
        # fork costs (issue 14; README "Two cores for the aligner")
        edges = self.scored_rows(rows) if positional_only else self._mapped_rows(rows, self.scored_rows)
        self._ngram_index = self._ngram_by_text = None  # (memory: the round is scored)
        # (the round's skeleton: nothing was linked since prepare_round)
        gap_old, gap_new = self._gaps(self._round_skeleton) if not positional_only else ({}, {})
        while True:
            chosen = max_weight_assignment(len(rows), edges)
            accepted: list[tuple[int, int]] = []
            hopeless: list[tuple[int, int]] = []
            for r, i in chosen.items():
                j = rows[r]
                if self._stands(i, j, positional_only, accept_min):
                    accepted.append((i, j))
                elif not positional_only and self._hopeless(i, j, gap_old, gap_new):
                    hopeless.append((r, i))
            if not hopeless:
                break
            # A pair that cannot stand here and that no later stage could accept (gap
            # filling pairs only measures between the same two in-order matches, and only
            # on distinctive shared material) must not hold a measure that has an
            # acceptable pair elsewhere: the assignment sums
            # weights, so 「old 第六十四条 → new 第一百六十九条」 (0.36, rejected) plus
            # 「old 第五十七条 → new 第一百六十八条」 (0.52, the frame 「…的组织机构，适用本节
            # 规定；本节没有规定的…本法所称…是指」 only) outweighed the true 「old 第六十四条 →
            # new 第一百六十八条」 (0.58) alone. Such edges are dropped and the round solved
            # again. Edges that gap filling might still accept keep their place: they stop a
            # far pair from taking an in-place article whose rewording is found later.
            # Rejected: an assignment over acceptable edges only (that loses this blocking).
            for r, i in hopeless:
                edges[r] = [(c, w) for c, w in edges[r] if c != i]
        for i, j in accepted:
            self.link(i, j)

    def _mapped_rows(self, rows: list[int], scored_rows) -> list[list[tuple[int, float]]]:
        """scored_rows(rows), computed by the aligner's mapper in contiguous runs of rows of
        about equal length of text: the same edges in the same order. A run computed in
        another process also sends back the Indel ratios it scored, by ordinal pair (the
        cache `ratio` reads in later stages: the values this process would compute; the
        cache by text pair is not sent, its texts would cost more to send than to score)."""
        mapper = self.mapper
        if mapper.parts <= 1 or len(rows) < 2:
            return scored_rows(rows)
        cache = self._ratio_cache

        def run(part: range) -> tuple[list[list[tuple[int, float]]], list[tuple[tuple[int, int], float]]]:
            known = len(cache)
            edges = scored_rows(rows[part.start:part.stop])
            return edges, list(islice(cache.items(), known, None))  # (a dict keeps insertion order)

        edges: list[list[tuple[int, float]]] = []
        for part_edges, ratios in mapper.map(run, spans([1 + len(self.new_text[j]) for j in rows], mapper.parts)):
            edges.extend(part_edges)
            cache.update(ratios)
        return edges

    def _stands(self, i: int, j: int, positional_only: bool, accept_min: float) -> bool:
        """Stage 5: whether an assigned pair is accepted."""
        s = self.s
        t = self.text_score(i, j)
        if t >= accept_min:
            # A middling ratio made of stock phrasing alone is no evidence: two
            # unrelated articles of one law share their frame (「县级以上人民政府…
            # 部门会同有关部门」) and little else.
            # (the last case: a text made of stock phrasing alone, 「违反本法规定，
            # 构成犯罪的，依法追究刑事责任」, has no content to judge by; the ratio
            # decides as before)
            return (t >= s.informative_check_max or self.informative_coverage(i, j) >= s.context_min_coverage
                    or min(sum(self._mask(i)), sum(self._new_mask(j))) < 2 * s.coverage_min_block)
        return (not positional_only and t >= s.candidate_min
                and self.distinctive_coverage(i, j, floor=s.strong_coverage) >= s.strong_coverage)

    def _gaps(self, skel: list[tuple[int, int]] | None = None) -> tuple[_GapNumbers, _GapNumbers]:
        """Which gap of the present skeleton (in-order matches) each measure lies in, by
        number, for both sides (`.get(k)`, None for a measure of the skeleton itself).
        Matches are only ever added, so a pair in no common gap now is in none later
        either. Looked up by bisection when asked (only for an assigned pair that does
        not stand), not written out for every measure of both sides. skel: the present
        skeleton when the caller has it."""
        if skel is None:
            skel = self.skeleton()
        bounds = [(-1, -1)] + skel + [(len(self.olds), len(self.news))]
        return _GapNumbers([i for i, _ in bounds]), _GapNumbers([j for _, j in bounds])

    def _hopeless(self, i: int, j: int, gap_old: _GapNumbers, gap_new: _GapNumbers) -> bool:
        """A pair that no stage after the assignment could accept 1:1: gap filling (stage
        7) takes only pairs inside one gap of the skeleton, with distinctive shared
        material of at least context_min_coverage."""
        g = gap_old.get(i)
        if g is None or g != gap_new.get(j):
            return True
        return self.gap_evidence(i, j) is None

    def gap_evidence(self, i: int, j: int) -> float | None:
        """Stage 7's test for a pair between matched neighbours (in a gap of the in-order
        skeleton, or right beside a 1:1 match): its distinctive coverage when the pair
        stands, else None. It stands at a distinctive coverage of context_min_coverage,
        and, while that is below one_phrase_max_coverage and the text ratio below
        one_phrase_max_ratio, only with more than one short phrase in common
        (`_phrase_evidence`).

        Measured (benchmarks/alignment.py's hard tier, seeds 1-16 pooled, 3,552
        unrelated replacements and ~3,500 heavy rewordings in place; the 78 consecutive
        corpus pairs): with context_min_coverage alone 86 replacements were paired (2.4
        %), every one by this stage, 47 of them on one phrase of 3-7 informative
        characters; with the test 51 (1.4 %), heavy rewording found 7 fewer, no corpus
        edge of gap filling lost. Rejected: requiring a clause kept whole (real rewrites
        edit inside their clauses: 48 corpus edges lost, 反洗钱法 gold F1 1.000 -> 0.958,
        公司法 0.998 -> 0.995, while the benchmark's rewording, made by replacing whole
        clauses, gained); a minimum of weighted informative characters (6: 13 corpus
        edges lost, among them 审计结果…, 地名档案…); more stock phrases of procedure
        (「签名或者盖章」「公开、公平、公正」「监督检查」…, chosen on seeds 2-5: 39 -> 14
        there, 47 -> 40 on the unseen seeds 9-16)."""
        s = self.s
        floor = s.context_min_coverage
        # plain coverage bounds the distinctive one from above and is cheaper
        if _coverage(self.old_text[i], self.new_text[j], s.coverage_min_block) < floor:
            return None
        c = self.distinctive_coverage(i, j, floor=floor)
        if c < floor:
            return None
        if c >= s.one_phrase_max_coverage or self.ratio(i, j) >= s.one_phrase_max_ratio:
            return c
        phrases, longest, kept = self._phrase_evidence(i, j)
        if phrases >= 2 or longest >= s.long_phrase_min_chars or kept >= s.kept_clause_min_chars:
            return c
        return None

    def _phrase_evidence(self, i: int, j: int) -> tuple[int, int, int]:
        """What the common runs (of at least coverage_min_block characters) of two texts
        hold, in informative characters (stock phrases and punctuation not counted): how
        many runs hold at least phrase_min_chars, the most one run holds, and the most a
        clause kept whole holds - a run that holds a clause of the old text from a clause
        mark (or the text's start) to the next (or its end), whose copy in the new text
        is bounded by clause marks too (「…,应予受理.」). After normalize, 、 is a comma:
        an item of an enumeration counts as a clause, hence kept_clause_min_chars."""
        a, b = self.old_text[i], self.new_text[j]
        s = self.s
        mask = self._mask(i)
        marks = _CLAUSE_MARKS
        phrases = longest = kept = 0
        for op in Indel.opcodes(a, b):
            start, end = op.src_start, op.src_end
            if op.tag != "equal" or end - start < s.coverage_min_block:
                continue
            held = sum(mask[start:end])
            phrases += held >= s.phrase_min_chars
            longest = max(longest, held)
            shift = op.dest_start - start
            k = start
            while k < end:
                if (k == 0 or a[k - 1] in marks) and a[k] not in marks:
                    z = k
                    while z < len(a) and a[z] not in marks:
                        z += 1
                    if z > end:
                        break  # the clause runs on past the common run
                    if (k + shift == 0 or b[k + shift - 1] in marks) and (z + shift == len(b) or b[z + shift] in marks):
                        kept = max(kept, sum(mask[k:z]))
                    k = z
                else:
                    k += 1
        return phrases, longest, kept

    # stage 6
    def distinctive_coverage(self, i: int, j: int, floor: float | None = None) -> float:
        """Share of both texts (2*chars/(len a + len b)) in common runs, each run weighted
        down by how often it occurs in other measures: a kept clause is evidence, a stock phrase
        (「对直接负责的主管人员和其他直接责任人员」, 「（一）…（二）」) is not - it turns up
        between unrelated articles too. Rejected: plain coverage, which let unrelated
        articles with shared boilerplate through as *modified*.

        With `floor`, a pair whose unweighted informative coverage (an upper bound) is
        below it returns that bound at once: the caller only compares with the floor."""
        a, b = self.old_text[i], self.new_text[j]
        if not a or not b:
            return 0.0
        key = (i, j)
        if key in self._distinctive_cache:
            return self._distinctive_cache[key]
        if self._old_all is None:
            self._old_all = "\x00".join(self.old_text)
            self._new_all = "\x00".join(self.new_text)
        mask = self._mask(i)
        # only the characters that carry content count (stock phrases do not)
        runs = []
        for op in Indel.opcodes(a, b):
            if op.tag == "equal" and op.src_end - op.src_start >= self.s.coverage_min_block:
                informative = sum(mask[op.src_start:op.src_end])
                if informative:
                    runs.append((op.src_start, op.src_end, informative))
        bound = 2.0 * sum(r[2] for r in runs) / (len(a) + len(b))
        if floor is not None and bound < floor:
            return bound  # below the caller's cut-off whatever the recurrence: no counts
        total = 0.0
        for start, end, informative in runs:
            run = a[start:end]
            extra = self._phrase_cache.get(run)
            if extra is None:
                # weight 1 for a phrase found in these two measures only, 1/(1+k) when
                # it also occurs k more times on one side (IDF-like, str.count in C)
                extra = max(self._old_all.count(run) - a.count(run), self._new_all.count(run) - b.count(run))
                self._phrase_cache[run] = extra
            total += informative / (1 + extra)
        value = 2.0 * total / (len(a) + len(b))
        self._distinctive_cache[key] = value
        return value

    def informative_coverage(self, i: int, j: int) -> float:
        """Like distinctive_coverage, stock phrases not counted, but without weighting a
        run down by its recurrence in the documents (that needs a count over both
        versions per run). Bounds distinctive_coverage from above; used where the pair
        already has a ratio of at least modified_min, so only the stock-phrase frame has
        to be ruled out."""
        a, b = self.old_text[i], self.new_text[j]
        if not a or not b:
            return 0.0
        mask = self._mask(i)
        total = 0
        for op in Indel.opcodes(a, b):
            if op.tag == "equal" and op.src_end - op.src_start >= self.s.coverage_min_block:
                total += sum(mask[op.src_start:op.src_end])
        return 2.0 * total / (len(a) + len(b))

    def fill_gaps(self) -> None:
        s = self.s
        skel = self.skeleton()
        bounds = [(-1, -1)] + skel + [(len(self.olds), len(self.news))]
        for (oi0, nj0), (oi1, nj1) in zip(bounds, bounds[1:]):
            olds = [i for i in range(oi0 + 1, oi1) if i not in self.o2n and i not in self.used_old]
            news = [j for j in range(nj0 + 1, nj1) if j not in self.n2o and j not in self.used_new]
            if not olds or not news or len(olds) * len(news) > s.gap_max_cells:
                continue
            # In-order DP maximising the summed evidence of accepted pairs. Small gaps:
            # every pair is scored; larger ones: only pairs near the diagonal (same
            # relative place in the gap), which keeps the cost linear in the gap size.
            ev = {}
            a, b = len(olds), len(news)
            banded = a * b > 64
            for x, i in enumerate(olds):
                for y, j in enumerate(news):
                    if banded and abs(x * b - y * a) > s.position_window * max(a, b):
                        continue
                    c = self.gap_evidence(i, j)
                    if c is not None:
                        ev[(i, j)] = c + self.ratio(i, j)
            if ev:
                self._link_in_order(olds, news, ev)

    def _link_in_order(self, olds: list[int], news: list[int], ev: dict[tuple[int, int], float]) -> None:
        """Link the in-order (non-crossing) set of pairs with evidence `ev` whose summed
        evidence is largest (a small DP over olds x news, both in document order)."""
        a, b = len(olds), len(news)
        best = [[0.0] * (b + 1) for _ in range(a + 1)]
        for x in range(a - 1, -1, -1):
            for y in range(b - 1, -1, -1):
                opt = max(best[x + 1][y], best[x][y + 1])
                e = ev.get((olds[x], news[y]))
                if e is not None:
                    opt = max(opt, e + best[x + 1][y + 1])
                best[x][y] = opt
        x = y = 0
        while x < a and y < b:
            e = ev.get((olds[x], news[y]))
            if e is not None and best[x][y] == e + best[x + 1][y + 1]:
                self.link(olds[x], news[y])
                x += 1
                y += 1
            elif best[x][y] == best[x + 1][y]:
                x += 1
            else:
                y += 1

    def fill_beside_matches(self) -> None:
        """Gap filling's rule beside any 1:1 match, not only the in-order ones: an
        unmatched old measure right after (before) a matched one, and the unmatched new
        measure right after (before) its partner, are one measure reworded when they
        share distinctive material (context_min_coverage, as in the gaps). Two measures
        swapped next to a rewritten one put it in no gap of the skeleton (保守国家秘密法
        2010 -> 2024: old 第三十七条/第三十九条 swapped, old 第三十八条 rewritten as new
        第四十六条 beside old 第三十七条's partner). The neighbours carry the context, as
        the in-order matches do in a gap; the evidence asked is the same. Repeated while
        it links, so a run of rewritten measures after a moved one is followed.

        Beside a match the pair also stands on its *subject* (`_same_subject`): an
        article condensed to one sentence keeps who it is about and little else (公司法
        2018 -> 2023, right after an unchanged article: old 第一百四十五条 「上市公司必须依照
        法律、行政法规的规定，公开其财务状况、经营情况及重大诉讼…」 -> new 第一百六十六条
        「上市公司应当依照法律、行政法规的规定披露相关信息。」, distinctive coverage 0.004)."""
        n_old, n_new = len(self.olds), len(self.news)

        def free(i: int, j: int) -> bool:
            return (0 <= i < n_old and 0 <= j < n_new and i not in self.o2n and j not in self.n2o
                    and i not in self.used_old and j not in self.used_new)

        changed = True
        while changed:
            changed = False
            for i0, j0 in sorted(self.o2n.items()):
                for step in (1, -1):
                    i, j = i0 + step, j0 + step
                    if not free(i, j):
                        continue
                    if self._same_subject(i, j) or self.gap_evidence(i, j) is not None:
                        self.link(i, j)
                        changed = True

    def fill_containers(self) -> None:
        """Stage 8b: the measures still unmatched inside a pair of matched containers
        (innermost chapter or section: same subject, same place in the law's plan) are
        one measure rewritten when their text ratio is at least container_ratio_min and
        either their shared material is distinctive (gap filling's context_min_coverage)
        or they cite the same article through the alignment (old 「适用本法第二十七条」,
        new 「适用本法第四十八条」, old 第二十七条 matched to new 第四十八条). A section
        reordered in a revision puts a rewritten article in no gap of the in-order
        skeleton and beside no match (公司法 2018 -> 2023, joint-stock formation: old
        第九十三条 -> new 第九十九条, old 第八十二条 -> new 第九十八条), and its ratio is
        below modified_min; the container pair is its context. Pairs are linked in order
        inside each container pair (gap filling's DP). Rejected: the whole document as
        the context (a leftover round pairing lone measures on distinctive coverage:
        公司法's true pairs did not separate from unrelated ones across chapters).

        Measured on the 78 consecutive corpus pairs (every new edge read in both texts):
        at 0.4, 13 new edges, 11 the same provision rewritten, 2 a shared paragraph of an
        article split the model holds 1:1 (刑事诉讼法解释 old 第九十三条 -> new 第一百一十二条,
        上海市未成年人保护条例 old 第十四条 -> new 第二十九条); without the content-run test
        also 刑事诉讼法解释 old 第五百零九条 -> new 第六百一十条 (two definitions in one frame,
        wrong). At 0.35, 4 more: 3 right, 1 debatable; 0.4 kept as a margin. The
        benchmark's synthetic tiers do not change (an in-place replacement lies in a gap,
        where gap filling already asks less)."""
        s = self.s
        free_old: dict[int, list[int]] = {}
        for i, m in enumerate(self.olds):
            if i not in self.o2n and i not in self.used_old and m.parent is not None:
                free_old.setdefault(m.parent, []).append(i)
        free_new: dict[int, list[int]] = {}
        for j, m in enumerate(self.news):
            if j not in self.n2o and j not in self.used_new and m.parent is not None:
                free_new.setdefault(m.parent, []).append(j)
        if not free_old or not free_new:
            return
        cmap, _ = self.match_containers(self._edges())
        for parent in sorted(free_old):
            olds = free_old[parent]
            news = free_new.get(cmap.get(parent, -1))
            if not news or len(olds) * len(news) > s.gap_max_cells:
                continue
            ev = {}
            for i in olds:
                for j in news:
                    r = self.ratio(i, j)
                    if r < s.container_ratio_min:
                        continue
                    if self._cite_alike(i, j) or (
                            self.distinctive_coverage(i, j, floor=s.context_min_coverage) >= s.context_min_coverage
                            and self._content_run(i, j) >= s.container_min_run):
                        ev[(i, j)] = r
            if ev:
                self._link_in_order(olds, news, ev)

    def join_expansions(self) -> None:
        """Stage 8c: a new measure left unmatched is a split part of an old measure
        matched 1:1 when it holds the material that the old measure's partner dropped.
        An article expanded into two, the second mostly new text, fails split growth's
        test (the part's own coverage by the whole, part_min_coverage) although a
        reader sees the old clause in it: 公司法 2018 -> 2023 old 第一百四十七条 (duties of
        loyalty and diligence in one sentence) -> new 第一百七十九条 (obey the law) + new
        第一百八十条 (「对公司负有忠实义务…对公司负有勤勉义务…」, defined at length).

        The evidence is measured on the old measure's *residual*: its informative
        characters (stock phrases not counted) outside the common runs with its partner.
        The part must hold a stretch of container_min_run informative characters of
        them (outside citations) in one common run, and either (a) stand right beside
        the partner, holding at least expansion_min_share of them and expansion_min_gain
        weighted by recurrence (1/(1 + other occurrences), as distinctive_coverage), or
        (b) be cited by the partner and lie in its container (「本法第六十九条、第八十三条
        另有规定的除外」: the partner hands the exception over to it; old 第五十一条 -> new
        第七十六条 + new 第八十三条), holding expansion_cited_min_share of them,
        expansion_min_gain unweighted and expansion_cited_min_weighted weighted. One part per
        old measure, the largest weighted gain first; ties by ordinal.

        Measured on the 78 consecutive corpus pairs (every new edge read in both
        texts): 11 split parts added, all right (among them 公司法 old 第一百四十七条 ->
        new 第一百八十条 and old 第五十一条 -> new 第八十三条, 民事诉讼法 old 第二百八十九条 ->
        new 第三百条, a possible edge of the gold, 突发事件应对法 old 第七条 -> new
        第十八条); at share 0.3 / gain 8 also 上海市未成年人保护条例 old 第五十三条 ->
        new 第八十五条, wrong (state organs' duties vs parents', sharing 「…职责或者侵犯
        未成年人…」), hence 0.35 / 10; without expansion_cited_min_weighted also 行政复议法
        old 第十四条 -> new 第二十四条 (right, but on 「…行政行为不服的」 alone, and it tipped
        that law's container match: old 第三章 went to new 第四节 instead of 第二章). A new article that takes over a clause of a
        definition but recurs in the law's vocabulary (公司法 old 第六十四条's
        「…国有资产监督管理机构履行出资人职责」 in new 第一百六十九条, which the gold calls
        new) weighs 5.5, below the gain. The synthetic tiers of benchmarks/alignment.py do
        not change."""
        s = self.s
        free_new = [j for j in range(len(self.news)) if j not in self.n2o and j not in self.used_new]
        if not free_new or not self.o2n:
            return
        free_set = set(free_new)
        if self._old_all is None:
            self._old_all = "\x00".join(self.old_text)
            self._new_all = "\x00".join(self.new_text)
        free_in: dict[int | None, list[int]] = {}  # container -> free new measures
        for j in free_new:
            free_in.setdefault(self.news[j].parent, []).append(j)
        found: list[tuple[float, int, int]] = []
        for i, j0 in sorted(self.o2n.items()):
            a = self.old_text[i]
            if a == self.new_text[j0]:
                continue  # nothing dropped
            near = [j for j in (j0 - 1, j0 + 1) if j in free_set]
            # a part the partner cites, in the partner's container (an article number
            # written in the partner's text is a cheap necessary test before parsing its
            # citations with the citation grammar)
            others = [j for j in free_in.get(self.news[j0].parent, ()) if j not in near]
            if others and _ARTICLE_NUMBER_RE.search(self.news[j0].text):
                cited = self._cited("new", j0)
                near += [j for j in others if (self.news[j].number, self.news[j].sub_number) in cited]
            if not near:
                continue
            runs = [(op.src_start, op.src_end) for op in Indel.opcodes(a, self.new_text[j0])
                    if op.tag == "equal" and op.src_end - op.src_start >= s.coverage_min_block]
            if len(a) - sum(end - start for start, end in runs) < s.expansion_min_gain:
                continue  # too little outside the common runs, informative or not
            residual = bytearray(self._mask(i))
            for start, end in runs:
                residual[start:end] = bytes(end - start)
            left = sum(residual)
            if left < s.expansion_min_gain:
                continue
            best = None
            for j in sorted(near):
                beside = abs(j - j0) == 1
                weighted = self._expansion_gain(i, j, residual, left, beside)
                if weighted is not None and (best is None or weighted > best[0]):
                    best = (weighted, j)
            if best is not None:
                found.append((best[0], i, best[1]))
        taken: set[int] = set()
        for _, i, j in sorted(found, key=lambda t: (-t[0], t[1], t[2])):
            if j in taken:
                continue
            taken.add(j)
            j0 = self.o2n.pop(i)
            del self.n2o[j0]
            self.found.append(((i,), tuple(sorted((j0, j)))))
            self.used_old.add(i)
            self.used_new.update((j0, j))

    def _expansion_gain(self, i: int, j: int, residual: bytearray, left: int, beside: bool) -> float | None:
        """join_expansions' test for old measure i's residual (its informative characters
        its partner dropped, `left` of them) in new measure j: the recurrence-weighted
        residual characters j holds, or None when j fails the test (see join_expansions;
        `beside`: j is the partner's neighbour, else the partner cites it). The cheap
        counts come first; recurrence and citations only for a pair that can pass."""
        s = self.s
        a, b = self.old_text[i], self.new_text[j]
        runs: list[tuple[int, int, int]] = []
        gain = 0
        for op in Indel.opcodes(a, b):
            if op.tag == "equal" and op.src_end - op.src_start >= s.coverage_min_block:
                in_run = sum(residual[op.src_start:op.src_end])
                if in_run:
                    runs.append((op.src_start, op.src_end, in_run))
                    gain += in_run
        share = s.expansion_min_share if beside else s.expansion_cited_min_share
        if gain < s.expansion_min_gain or gain < share * left:
            return None
        cites = self._citation_mask(i)
        longest = 0
        for start, end, _ in runs:
            stretch = 0
            for k in range(start, end):
                stretch = stretch + 1 if residual[k] and cites[k] else 0
                longest = max(longest, stretch)
        if longest < s.container_min_run:
            return None
        weighted = 0.0
        for start, end, in_run in runs:
            run = a[start:end]
            extra = self._phrase_cache.get(run)  # shared with distinctive_coverage
            if extra is None:
                extra = max(self._old_all.count(run) - a.count(run), self._new_all.count(run) - b.count(run))
                self._phrase_cache[run] = extra
            weighted += in_run / (1 + extra)
        if weighted < (s.expansion_min_gain if beside else s.expansion_cited_min_weighted):
            return None
        return weighted

    def _edges(self) -> list[tuple[int, int]]:
        """All links (1:1 and groups) as 0-based (old, new) edges."""
        edges = sorted(self.o2n.items())
        for olds, news in self.found:
            edges.extend((i, j) for i in olds for j in news)
        return edges

    def _cited(self, side: str, k: int) -> frozenset[tuple[int, int | None]]:
        """The articles of its own document a measure cites (number, sub-number)."""
        cache = self._cited_cache[side]
        got = cache.get(k)
        if got is None:
            text = (self.olds if side == "old" else self.news)[k].text
            got = cache[k] = frozenset((c.article, c.article_sub) for c in find_citations(text)
                                       if c.scope == "internal" and c.article is not None)
        return got

    def _content_run(self, i: int, j: int) -> int:
        """Longest stretch of informative characters, outside stock phrases and outside
        citations, inside one common run of the two texts (chars). Two definitions of
        different terms share their frame and a citation's numerals (「…应当认定为刑事诉讼法
        第二百八十条第一款规定的“…”」 and 「…应当认定为刑事诉讼法第二百九十八条第一款规定的
        “…”」: 3 characters, 认定为); a rewritten article keeps a clause of its content."""
        a, b = self.old_text[i], self.new_text[j]
        mask = self._mask(i)
        cites = self._citation_mask(i)
        best = 0
        for op in Indel.opcodes(a, b):
            if op.tag != "equal" or op.src_end - op.src_start < self.s.coverage_min_block:
                continue
            stretch = 0
            for k in range(op.src_start, op.src_end):
                if mask[k] and cites[k]:
                    stretch += 1
                    best = max(best, stretch)
                else:
                    stretch = 0
        return best

    def _citation_mask(self, i: int) -> bytes:
        """Per character of old measure i's normalised text: 0 inside a citation (scope
        words included: 「刑事诉讼法第二百八十条」), 1 elsewhere."""
        got = self._cite_masks.get(i)
        if got is None:
            text = self.old_text[i]
            mask = bytearray(b"\x01") * len(text)
            for c in find_citations(text):
                mask[c.start:c.end] = bytes(c.end - c.start)
            got = self._cite_masks[i] = bytes(mask)
        return got

    def _cite_alike(self, i: int, j: int) -> bool:
        """Whether old measure i and new measure j cite one article through the present
        alignment (old 「本法第二十七条」 and new 「本法第四十八条」 when old 第二十七条 is
        matched to new 第四十八条, alone or in a split or merge)."""
        old_cited, new_cited = self._cited("old", i), self._cited("new", j)
        if not old_cited or not new_cited:
            return False
        if self._number_at is None:
            # An article number held by several old measures (a compilation of laws, each
            # numbered from 第一条) names no one article: such citations are no evidence.
            held = Counter((m.number, m.sub_number) for m in self.olds)
            self._new_held = Counter((m.number, m.sub_number) for m in self.news)
            self._number_at = {(m.number, m.sub_number): k for k, m in enumerate(self.olds)
                               if held[(m.number, m.sub_number)] == 1}
            partners: dict[int, list[int]] = {}
            for a, b in self._edges():
                partners.setdefault(a, []).append(b)
            self._partners = partners
        for ref in sorted(old_cited, key=lambda r: (r[0], r[1] or 0)):
            k = self._number_at.get(ref)
            if k is None:
                continue
            for b in self._partners.get(k, ()):
                m = self.news[b]
                if (m.number, m.sub_number) in new_cited and self._new_held[(m.number, m.sub_number)] == 1:
                    return True
        return False

    def _same_subject(self, i: int, j: int) -> bool:
        """Whether the two texts open with the same subject: a common prefix holding at
        least subject_min_chars informative characters (stock phrases such as 「县级以上
        人民政府」 and punctuation not counted), at a text ratio of at least
        subject_ratio_min. Used beside a match only (fill_beside_matches): the place is
        half the evidence."""
        s = self.s
        a, b = self.old_text[i], self.new_text[j]
        if not a or not b or a[0] != b[0] or self.ratio(i, j) < s.subject_ratio_min:
            return False
        k = 0
        limit = min(len(a), len(b))
        while k < limit and a[k] == b[k]:
            k += 1
        return sum(self._mask(i)[:k]) >= s.subject_min_chars

    # stage 7
    def groups(self, unmatched_seeds: bool) -> None:
        """Splits then merges, grown from 1:1 matches (and, when `unmatched_seeds`, from
        unmatched measures too); records (old indexes, new indexes) groups in
        self.found and unlinks the 1:1 matches they absorb.

        Run once before gap filling, so that the parts of a split are not consumed as
        weak in-place pairs, and once after, for what gap filling newly matched."""
        found = self.found
        used_old, used_new = self.used_old, self.used_new
        for direction in ("split", "merge"):
            if direction == "split":
                one_text, many_text = self.old_text, self.new_text
                one2many, many2one = self.o2n, self.n2o
                used_one, used_many = used_old, used_new
            else:
                one_text, many_text = self.new_text, self.old_text
                one2many, many2one = self.n2o, self.o2n
                used_one, used_many = used_new, used_old

            def free_many(k: int) -> bool:
                return 0 <= k < len(many_text) and k not in many2one and k not in used_many

            for one in range(len(one_text)):
                if one in used_one:
                    continue
                seeds: list[int] = []
                if one in one2many:
                    if many_text[one2many[one]] == one_text[one] and self.s.part_min_gain > 0:
                        continue  # unchanged: nothing lost or gained (_grow's first exit), no closures made
                    seeds = [one2many[one]]
                elif unmatched_seeds:
                    # An unmatched measure's parts sit where its neighbours went: between
                    # the partners of the nearest matched measures before and after it.
                    lo, hi = self._window(one, one2many, len(one_text), len(many_text))
                    seeds = sorted(
                        (k for k in range(lo, hi + 1) if free_many(k)),
                        key=lambda k: (-self._pair_ratio(direction, one, k), k),
                    )[:2]
                whole = one_text[one]

                def available(k: int, whole: str = whole, one: int = one) -> bool:
                    if free_many(k):
                        return True
                    # A part already matched 1:1 on weak evidence joins the group when
                    # it is plainly contained in this whole (a split-off part stolen by
                    # a near-duplicate article elsewhere).
                    if not 0 <= k < len(many_text) or k in used_many or k not in many2one:
                        return False
                    other = many2one[k]
                    if other == one:
                        return False
                    weak = self._pair_ratio(direction, other, k)
                    return (weak < self.s.part_steal_max_ratio
                            and self._contained(whole, many_text[k]) >= weak + self.s.part_steal_margin)

                many_mask = self._new_mask if direction == "split" else self._mask

                def informative(k: int, whole: str = whole, many_mask=many_mask, direction: str = direction) -> float:
                    mask = many_mask(k)
                    if sum(mask) < self.s.coverage_min_block:
                        # A part made of stock phrasing alone (「构成犯罪的，依法追究刑事责任。」
                        # split off the end of a penalty article) has no content to judge
                        # by: its plain containment in the whole, already checked, decides
                        # (as for a 1:1 pair in stage 5). Scoring it 0 lost those splits.
                        return 1.0
                    return self._informative_containment(whole, many_text[k], mask, direction,
                                                         floor=self.s.part_min_informative / 2)

                for seed in seeds:
                    run = self._grow(whole, many_text, seed, available, one in one2many, informative)
                    if run is None:
                        continue
                    if (one in one2many and self._pair_ratio(direction, one, seed) < self.s.informative_check_max
                            and informative(seed) < self.s.part_min_informative):
                        # The 1:1 partner the group grew from must be a part by its own
                        # material too, as every added part is: a short neighbour that
                        # shares only the document's stock frame with the whole (文职人员
                        # 条例 2017 -> 2022: 「文职人员…按照…军队有关规定执行」, old 第四十九条
                        # -> new 第五十九条, 落户) won the 1:1 assignment on its ratio, and
                        # the true partner beside it (new 第五十八条) then joined as a
                        # "part". (A partner with a ratio of informative_check_max or more
                        # is a near copy, whatever its vocabulary, as in stage 5: not asked.)
                        # Such a seed leaves the group; a single part left is the
                        # 1:1 match instead when it stands as one (stage 5's rule).
                        rest = [k for k in run if k != seed]
                        if len(rest) == 1:
                            k = rest[0]
                            pair = (one, k) if direction == "split" else (k, one)
                            if k not in many2one and self._stands(*pair, False, self.s.modified_min):
                                del many2one[seed]
                                one2many[one] = k
                                many2one[k] = one
                            break
                        del many2one[seed]
                        del one2many[one]
                        run = rest
                    if direction == "split":
                        group = ((one,), tuple(run))
                    else:
                        group = (tuple(run), (one,))
                    for k in run:  # parts taken from weak 1:1 matches free their partner
                        other = many2one.get(k)
                        if other is not None and other != one:
                            del many2one[k]
                            one2many.pop(other, None)
                    if one in one2many:
                        partner = one2many.pop(one)
                        many2one.pop(partner, None)
                    found.append(group)
                    used_one.add(one)
                    used_many.update(run)
                    break

    def _contained(self, whole: str, part: str) -> float:
        """Share of `part` found in `whole` in common runs (0..1). Cached per pair of texts:
        _grow asks again for the same neighbours at each step and for each seed, and
        `available` for the same parts (half the calls on the corpus pairs were repeats,
        each an LCS alignment)."""
        if not part:
            return 0.0
        key = (whole, part)
        got = self._contained_cache.get(key)
        if got is None:
            got = self._contained_cache[key] = _common_runs(whole, part, self.s.coverage_min_block) / len(part)
        return got

    def _window(self, one: int, one2many: dict[int, int], n_one: int, n_many: int) -> tuple[int, int]:
        before = next((one2many[k] for k in range(one - 1, -1, -1) if k in one2many), -1)
        after = next((one2many[k] for k in range(one + 1, n_one) if k in one2many), n_many)
        if after < before:  # neighbours moved apart: look near the earlier one only
            after = before + 1 + self.s.max_parts
        lo = max(0, before + 1 - self.s.max_parts) if before >= 0 else 0
        hi = min(n_many - 1, after - 1 + self.s.max_parts)
        if hi - lo > 4 * self.s.max_parts:  # a wide gap: stay near the end points
            hi = min(hi, lo + 4 * self.s.max_parts)
        return lo, hi

    def _pair_ratio(self, direction: str, one: int, many: int) -> float:
        return self.ratio(one, many) if direction == "split" else self.ratio(many, one)

    def _grow(self, whole: str, parts: Sequence[str], seed: int, free, matched_seed: bool,
              informative) -> list[int] | None:
        """Extend `seed` with adjacent free parts (one at a time, or two when the nearer
        one is too short to show evidence alone) while each addition explains a further
        share of `whole` (common runs, in order) and is itself contained in `whole`.

        Rejected: growing on the Indel ratio of the joined parts, which penalises any
        length mismatch and so refuses a reworded part that is plainly contained."""
        s = self.s
        mb = s.coverage_min_block
        if not whole:
            return None
        run = [seed]
        if matched_seed:
            if whole == parts[seed]:
                return None  # an unchanged measure explains all of itself
            # Indel ratio gives the LCS exactly: r * (len a + len b) / 2. When the
            # partner leaves less than part_min_gain of the whole unexplained, no part
            # could qualify (cheap exit for the many unchanged articles).
            common = self._cached_ratio(whole, parts[seed]) * (len(whole) + len(parts[seed])) / 2
            if 1 - common / len(whole) < s.part_min_gain:
                return None
        if not any(free(k) for k in (seed - 2, seed - 1, seed + 1, seed + 2)):
            return None  # the common case: a 1:1 match among matched neighbours
        explained = _common_runs(whole, parts[seed], mb)
        while len(run) < s.max_parts:
            ranked: list[tuple[tuple, list[int], list[int], int]] = []
            options: list[list[int]] = []
            for step in (-1, 1):
                k1 = (run[0] if step < 0 else run[-1]) + step
                k2 = k1 + step
                if free(k1) and parts[k1]:
                    options.append([k1])
                if len(run) + 1 <= s.max_parts and free(k2) and parts[k2]:
                    options.append([k2])  # skips k1: an article inserted between parts
                    if free(k1) and parts[k1] and len(run) + 2 <= s.max_parts:
                        options.append([k1, k2])
            for add in options:
                if any(self._contained(whole, parts[x]) < s.part_min_coverage for x in add[-1:]):
                    continue
                trial = sorted(run + add)
                trial_explained = _common_runs(whole, "".join(parts[x] for x in trial), mb)
                if len(add) == 2:
                    # the nearer part of a pair may be short (little evidence on its own),
                    # but it must add something beyond the farther one alone
                    near = parts[add[0]]
                    if self._contained(whole, near) < s.part_min_coverage / 2:
                        continue
                    without_near = _common_runs(whole, "".join(parts[x] for x in sorted(run + add[1:])), mb)
                    if trial_explained <= without_near:
                        continue
                gain = (trial_explained - explained) / len(whole)
                if gain < s.part_min_gain:
                    continue
                contiguous = trial[-1] - trial[0] + 1 == len(trial)
                ranked.append(((round(gain, 6), contiguous, -len(add)), add, trial, trial_explained))
            # The best option whose parts are contained by their own material, stock
            # phrases and the document's recurring phrasing aside: a neighbour that shares
            # only 「…的，由公司登记机关责令改正，处以…罚款」 with the whole is not one of its
            # parts. Checked last, on the options that passed the cheap tests, best first.
            best = None
            for key, add, trial, trial_explained in sorted(ranked, key=lambda r: r[0], reverse=True):
                if informative(add[-1]) < s.part_min_informative:
                    continue
                if len(add) == 2 and informative(add[0]) < s.part_min_informative / 2:
                    continue
                best = (trial, trial_explained)
                break
            if best is None:
                break
            run, explained = best
        if len(run) < 2:
            return None
        if not matched_seed and _ratio(whole, "".join(parts[x] for x in run)) < s.modified_min:
            return None
        return run

    # stage 8
    def far_groups(self) -> None:
        """Splits, merges and absorptions whose parts are not neighbours.

        A measure still unmatched at this point (added or removed) is offered to the
        measure on the other side that contains it best, wherever that is: an old
        article split into a part kept in place and a reworded paragraph that moved to
        another chapter; two distant articles merged; a dropped article rewritten into
        another one (absorption: a merge of the two). It joins when most of its
        informative material is found in that whole (`far_part_min_coverage`, stock
        phrases not counted, so shared boilerplate cannot do it) and it explains
        informative characters of the whole that its current partners do not
        (`far_part_min_gain`). The whole's 1:1 match becomes a split or merge group;
        an existing group grows up to `far_max_parts`. Rejected: lowering the neighbour
        rules of stage 6, which would have let near-duplicate articles in place
        form groups."""
        for direction in ("split", "merge"):
            if direction == "split":
                whole_text, part_text = self.old_text, self.new_text
                whole_mask, part_mask = self._mask, self._new_mask
                whole2part, part2whole = self.o2n, self.n2o
                used_whole, used_part = self.used_old, self.used_new
            else:
                whole_text, part_text = self.new_text, self.old_text
                whole_mask, part_mask = self._new_mask, self._mask
                whole2part, part2whole = self.n2o, self.o2n
                used_whole, used_part = self.used_new, self.used_old
            # a part must bring far_part_min_gain informative characters of its own
            free_parts = [k for k in range(len(part_text))
                          if k not in part2whole and k not in used_part
                          and len(part_text[k]) >= self.s.far_part_min_gain]
            if not free_parts:
                continue
            # Groups by their whole: (group position in self.found, parts) for groups
            # of this direction; a whole inside a group of the other direction is taken.
            group_of: dict[int, int] = {}
            # ... and a whole that is one of the many of a group of the other direction
            # (an old measure merged with others), by that group's position
            member_of: dict[int, int] = {}
            for g, (olds, news) in enumerate(self.found):
                ones, manys = (olds, news) if direction == "split" else (news, olds)
                if len(ones) == 1:
                    group_of[ones[0]] = g
                else:
                    member_of.update((m, g) for m in ones)
            # Wholes that could have lost (split) or taken in (merge) a part: not those
            # whose 1:1 partner leaves fewer than far_part_min_gain characters of them
            # unexplained (LCS from the cached ratio: r * (len a + len b) / 2); most of a
            # revision is unchanged or lightly edited, so this keeps the search small.
            # A part brings far_part_min_gain informative characters and has at least
            # far_part_min_coverage of its own found in the whole, most of it what the
            # partner does not explain: the whole must leave at least a third of the
            # smallest part's share unexplained (a heuristic bound: it keeps the search
            # to the wholes that lost or gained a clause).
            smallest = min(len(part_text[k]) for k in free_parts)
            need = max(self.s.far_part_min_gain, self.s.far_part_min_coverage * smallest / 3)

            def open_whole(w: int) -> bool:
                if w in whole2part:
                    partner = whole2part[w]
                    if whole_text[w] == part_text[partner]:
                        return False
                    r = self.ratio(w, partner) if direction == "split" else self.ratio(partner, w)
                    common = r * (len(whole_text[w]) + len(part_text[partner])) / 2
                    return len(whole_text[w]) - common >= need
                return w in group_of or w not in used_whole or w in member_of
            wholes = [w for w in range(len(whole_text)) if whole_text[w] and open_whole(w)]
            cands = self._far_candidates(whole_text, part_text, free_parts, wholes, part_mask)
            proposals: dict[int, list[tuple[float, int]]] = {}
            reforms: list[tuple[float, int, int]] = []
            for k in free_parts:
                best: tuple[float, int] | None = None
                for w in cands.get(k, ()):
                    if w in used_whole and w not in group_of and w not in member_of:
                        continue  # a split part or a merge member of a group of this direction
                    cover, telling = self._far_evidence(whole_text[w], part_text[k], part_mask(k), direction)
                    if w in member_of:
                        if cover >= self.s.far_single_min_coverage:
                            reforms.append((cover, k, w))
                        continue
                    # most of the part's own material in the whole, or less of it but a
                    # clause found nowhere else (an expanded paragraph that kept one
                    # sentence: 公司法 old 第一百六十六条's 「股东必须将违反规定分配的利润
                    # 退还公司」 -> new 第二百一十一条)
                    ok = cover >= self.s.far_part_min_coverage or (
                        cover >= self.s.far_telling_min_coverage and telling >= self.s.far_telling_min_chars)
                    if ok and (best is None or cover > best[0]):
                        best = (cover, w)
                if best is not None:
                    proposals.setdefault(best[1], []).append((best[0], k))
            for w in sorted(proposals):
                if w in group_of:
                    g = group_of[w]
                    olds, news = self.found[g]
                    parts = list(news if direction == "split" else olds)
                elif w in whole2part:
                    parts = [whole2part[w]]
                else:
                    parts = []
                if len(parts) >= self.s.far_max_parts:
                    continue
                # What the whole's present parts explain is taken generously (every common
                # run, recurring or not), what a new part brings strictly (runs found nowhere
                # else): a part is one only for a clause of the whole that no present part
                # holds in any form. Taken strictly on both sides, the partner's own share of
                # the document's phrasing (「规范性文件」「备案审查工作」) counted as
                # unexplained, and a new article repeating it with one character more
                # (「规范性文件的备案审查工作」, found once) joined the purpose clause.
                covered = self._covered(whole_text[w], [part_text[x] for x in parts], whole_mask(w), direction,
                                        strict=False)
                added = []
                for _, k in sorted(proposals[w], key=lambda ck: (-ck[0], ck[1])):
                    if len(parts) + len(added) >= self.s.far_max_parts:
                        break
                    more = self._covered(whole_text[w], [part_text[k]], whole_mask(w), direction, known=covered)
                    if len(more - covered) >= self.s.far_part_min_gain:
                        covered |= more
                        added.append(k)
                if added and not parts and w not in group_of and w not in whole2part:
                    # A lone measure wholly inside a lone measure of the other side, far
                    # away (「公司成立后，股东不得抽逃出资。」 kept as the first sentence of a
                    # longer article in another chapter): the same measure, 1:1.
                    k = added[0]
                    cover = next(c for c, kk in proposals[w] if kk == k)
                    if cover >= self.s.far_single_min_coverage:
                        if direction == "split":
                            self.link(w, k)
                        else:
                            self.link(k, w)
                    continue
                if not added or len(parts) + len(added) < 2:
                    continue
                new_parts = tuple(sorted(parts + added))
                if w in group_of:
                    g = group_of[w]
                    self.found[g] = ((w,), new_parts) if direction == "split" else (new_parts, (w,))
                else:
                    if w in whole2part:
                        partner = whole2part.pop(w)
                        part2whole.pop(partner, None)
                    self.found.append(((w,), new_parts) if direction == "split" else (new_parts, (w,)))
                    group_of[w] = len(self.found) - 1
                used_whole.add(w)
                used_part.update(new_parts)
            if reforms:
                self._split_and_merged(direction, reforms, member_of)
        self._drop_miscited()

    def _drop_miscited(self) -> None:
        """A weak 1:1 pair (text ratio below modified_min, accepted on shared material)
        whose shared material is a citation of an article that is not the same article
        in the two versions is no pair. 北京市安全生产条例 2016 -> 2022: old 第八十八条
        (protective equipment) and new 第五十九条 (work-safety insurance) both open with
        「生产经营单位违反本条例第三十六条」, but old 第三十六条 is the protective-equipment
        rule and new 第三十六条 the insurance one: the number makes the phrase look like a
        clause found nowhere else, and gap filling paired them (new 第五十九条's source is
        old 第九十四条). The pair's distinctive coverage (as gap filling measures it) is
        taken again without the characters inside the old text's citations, unless the
        two cite one article through the alignment (_cite_alike); below
        context_min_coverage the pair is undone. Only pairs whose texts both hold an
        article number are looked at; a citation of another law names the same article
        in both versions and is kept. Measured (benchmarks/alignment.py seeds 1-3, 60-85 %
        rewording and heavy tiers; the 78 corpus pairs): 3 pairs undone, 北京市安全生产条例's
        (new 第五十九条 then went to old 第九十四条, the right source), 商用密码管理条例 1999 ->
        2023 old 第二十二条 -> new 第五十三条 (revoking designations and sales licences vs
        fines for uncertified products, two regimes that share 「违反本条例第二十条、第二十一条」),
        and one synthetic heavy rewording whose reference the benchmark's reviser did not
        renumber (heavy tier, seed 1: edited pairs found 0.998 -> 0.996). With citations
        of other laws masked too, a 60-85 % rewording citing 民事诉讼法 was also undone.
        Rejected: citation numbers as stock phrasing everywhere (60-85 % rewording in place
        found 0.995 -> 0.991, README)."""
        s = self.s
        old_text, new_text = self.old_text, self.new_text
        # (a pair of equal texts has the ratio 1.0: asked only if modified_min is above it)
        doubtful = [(i, j) for i, j in sorted(self.o2n.items())
                    if (old_text[i] != new_text[j] or s.modified_min > 1.0) and self.ratio(i, j) < s.modified_min
                    and _ARTICLE_NUMBER_RE.search(self.old_text[i]) and _ARTICLE_NUMBER_RE.search(self.new_text[j])]
        drop = [(i, j) for i, j in doubtful
                if not self._cite_alike(i, j) and self._uncited_coverage(i, j) < s.context_min_coverage]
        for i, j in drop:
            del self.o2n[i]
            del self.n2o[j]
        if doubtful:
            self._number_at = None  # _cite_alike's partners: taken again from the links now

    def _uncited_coverage(self, i: int, j: int) -> float:
        """distinctive_coverage of old i and new j with the characters inside the old
        text's citations of its own document neither counted nor joining a run (a run is
        cut there)."""
        a, b = self.old_text[i], self.new_text[j]
        if not a or not b:
            return 0.0
        mask = self._mask(i)
        # internal citations only (本条例第三十六条, 第五条): a citation of another law
        # (民事诉讼法第二百三十六条) names the same article in both versions
        cites = bytearray(b"\x01") * len(a)
        for c in find_citations(a):
            if c.scope == "internal":
                cites[c.start:c.end] = bytes(c.end - c.start)
        mb = self.s.coverage_min_block
        total = 0.0
        for op in Indel.opcodes(a, b):
            if op.tag != "equal" or op.src_end - op.src_start < mb:
                continue
            start = op.src_start
            for k in range(op.src_start, op.src_end + 1):
                if k == op.src_end or not cites[k]:
                    if k - start >= mb:
                        informative = sum(mask[start:k])
                        if informative:
                            total += informative / (1 + self._recurrence(a[start:k], b, a, "merge"))
                    start = k + 1
        return 2.0 * total / (len(a) + len(b))

    def _split_and_merged(self, direction: str, reforms: list[tuple[float, int, int]],
                          member_of: dict[int, int]) -> None:
        """A measure split and merged at once: one of the many of a group (an old article
        merged with another into a new one) whose other share stands alone elsewhere (a
        sentence of it kept as a new article of its own, unmatched). The change model
        holds one of the two; the one that leaves no measure unaccounted for is kept: the
        member is matched 1:1 with the unmatched measure that holds at least
        far_single_min_coverage of its informative material (the test of a lone far 1:1
        match, far_groups), and leaves the group, which keeps its other members, or
        becomes their 1:1 match when one is left that stands as one (its text ratio at
        least modified_min, or far_single_min_coverage of its informative material in
        the group's single measure). 公司法 2018 -> 2023: old 第八十九条 (verification
        of paid-in capital; refund when the inaugural meeting is not held) + old 第九十一条
        -> new 第一百零五条, while old 第八十九条's first sentence is new 第一百零一条
        nearly verbatim: now old 第八十九条 -> new 第一百零一条 and old 第九十一条 -> new
        第一百零五条 (its second paragraph), and no measure is left added or removed.
        (reforms: (cover, unmatched measure, member) found by far_groups in `direction`,
        whose wholes are the members' side.)"""
        s = self.s
        if direction == "split":  # members are old measures, the unmatched ones new
            member2single, single2member = self.o2n, self.n2o
            used_member, used_single = self.used_old, self.used_new
        else:
            member2single, single2member = self.n2o, self.o2n
            used_member, used_single = self.used_new, self.used_old
        dropped = False
        for _, k, w in sorted(reforms, key=lambda r: (-r[0], r[1], r[2])):
            g = member_of.get(w)
            if g is None or self.found[g] is None or k in single2member or k in used_single:
                continue
            olds, news = self.found[g]
            members, (single,) = (olds, news) if direction == "split" else (news, olds)
            rest = tuple(m for m in members if m != w)
            if len(rest) == 1:
                b = rest[0]
                old_b, new_b = (b, single) if direction == "split" else (single, b)
                if direction == "split":  # b old, single new: b's material in the new one
                    cover, _ = self._far_evidence(self.new_text[single], self.old_text[b], self._mask(b), "merge")
                else:
                    cover, _ = self._far_evidence(self.old_text[single], self.new_text[b], self._new_mask(b), "split")
                if self.ratio(old_b, new_b) < s.modified_min and cover < s.far_single_min_coverage:
                    continue
                self.found[g] = None
                dropped = True
                used_member.discard(b)
                used_single.discard(single)
                self.link(old_b, new_b)
            else:
                self.found[g] = (rest, (single,)) if direction == "split" else ((single,), rest)
            for m in list(member_of):
                if member_of[m] == g and m not in rest:
                    del member_of[m]
            member_of.pop(w, None)
            used_member.discard(w)
            if direction == "split":
                self.link(w, k)
            else:
                self.link(k, w)
        if dropped:
            self.found[:] = [grp for grp in self.found if grp is not None]

    def _far_candidates(self, whole_text: list[str], part_text: list[str], parts: list[int],
                        wholes: list[int], part_mask) -> dict[int, list[int]]:
        """For each part, the wholes sharing most rare n-grams with it (any position)."""
        whole_side, part_side = ("old", "new") if whole_text is self.old_text else ("new", "old")
        index: dict[str, list[int]] = {}
        wanted: set[str] = set()
        for k in parts:
            wanted.update(self._grams(part_side, k))
        if not wholes:
            return {}
        # n-grams inside stock phrases are no evidence and the commonest hits: dropped
        # (a set difference in C) before any whole is looked at
        n = self.s.ngram
        wanted -= _stock_grams(n)
        # Wholes are indexed at every fourth position: a common run of at least six
        # characters still holds one of their n-grams (a far part brings a clause, far
        # longer), and the wholes are the many side (a fourth of the slicing).
        for w in wholes:
            t = whole_text[w]
            if len(t) <= n:
                grams = {t}
            else:
                if len(self._slices) < len(t) - n + 1:
                    self._slices = [slice(x, x + n) for x in range(2 * len(t))]
                grams = set(map(t.__getitem__, self._slices[:len(t) - n + 1:4]))
            for g in grams & wanted:
                index.setdefault(g, []).append(w)
        index = {g: ws for g, ws in index.items() if len(ws) <= self.s.ngram_max_df}
        out: dict[int, list[int]] = {}
        get = index.get
        # the n-grams that one whole alone holds, by that whole: the low test's unique
        # counts at C speed (Counter over a map) instead of a generator per part
        only_in = {g: ws[0] for g, ws in index.items() if len(ws) == 1}.get
        for k in parts:
            counts = Counter(chain.from_iterable(filter(None, map(get, self._grams(part_side, k)))))
            # A whole that can pass a far-part test holds at least the smaller of
            # far_part_min_coverage and far_telling_min_coverage of the part's informative
            # characters in common runs, and a run of r characters holds at least
            # (r - n + 1) // 4 of the whole's n-grams (indexed at every fourth position):
            # fewer shared n-grams than that and the Indel alignment is skipped. Rejected:
            # a twelfth of the part's length, which was above what the telling-clause
            # test accepts and so never proposed old 第二百零二条 (公司法 2018 -> 2023,
            # 83 characters, 3 indexed n-grams in 「…虚假记载或者隐瞒重要事实的…财务会计
            # 报告」) for new 第二百五十四条, which absorbed it.
            # Below a twelfth of the part's length (the floor of the coverage test alone),
            # a whole must also share two n-grams that no other whole holds: the telling
            # test asks for a clause found nowhere else, and most low counts are penalty
            # articles sharing their sanctions. Measured on the 78 corpus pairs: 1,029
            # such candidates, 50 accepted; with two unique n-grams asked, 595 and 48 (one
            # was 434 and 2), at three 328 and 42.
            high = max(2, len(part_text[k]) // 12)
            hits = [w for w, c in counts.items() if c >= high]
            low = [w for w, c in counts.items() if 2 <= c < high]
            if low:
                unique = Counter(map(only_in, self._grams(part_side, k)))  # (None: held by several or none)
                low = [w for w in low if unique[w] >= 2]
            if low:  # the floor needs the part's informative mask: only taken here
                need = -(-min(self.s.far_part_min_coverage, self.s.far_telling_min_coverage)
                         * sum(part_mask(k)) // 1)
                floor = max(2, int(need - n + 1) // 4)
                hits += [w for w in low if counts[w] >= floor]
            if len(hits) > self.s.far_candidates:
                # Ranked by shared n-grams each weighted 1/(number of wholes holding it):
                # penalty articles share 「处以三万元以上三十万元以下的罚款」 with each other,
                # and counted alike those n-grams outranked the rarer ones of the whole
                # that really took the part in (old 第二百零二条's 「虚假记载或者隐瞒重要事实」
                # -> new 第二百五十四条, behind three penalty articles of the same chapter).
                weight = dict.fromkeys(hits, 0.0)
                for g in self._grams(part_side, k):
                    ws = get(g)
                    if ws:
                        share = 1.0 / len(ws)
                        for w in ws:
                            if w in weight:
                                weight[w] += share
                hits = heapq.nlargest(self.s.far_candidates, hits, key=lambda w: (round(weight[w], 9), -w))
            out[k] = sorted(hits)
        return out

    def _recurrence(self, run: str, whole: str, part: str, direction: str) -> int:
        """How many more times `run` occurs in the two versions besides in these two
        texts (the larger count of the two sides), cached: 0 for a clause of their own,
        more for the document's own stock phrasing (「客运经营者、货运经营者」 in every
        penalty article of a transport regulation)."""
        extra = self._phrase_cache.get(run)
        if extra is None:
            if self._old_all is None:
                self._old_all = "\x00".join(self.old_text)
                self._new_all = "\x00".join(self.new_text)
            old, new = (whole, part) if direction == "split" else (part, whole)
            extra = max(self._old_all.count(run) - old.count(run), self._new_all.count(run) - new.count(run))
            self._phrase_cache[run] = extra
        return extra

    def _informative_containment(self, whole: str, part: str, part_mask: bytes, direction: str,
                                 floor: float = 0.0) -> float:
        """Share of the part's informative characters in common runs with the whole, each
        run weighted 1/(1 + its recurrence elsewhere in the documents). Below `floor`
        without the weighting (an upper bound), that bound is returned at once: the
        recurrence counts are the costly part."""
        total = sum(part_mask)
        if not total:
            return 0.0
        runs = []
        for op in Indel.opcodes(whole, part):
            if op.tag == "equal" and op.dest_end - op.dest_start >= self.s.coverage_min_block:
                informative = sum(part_mask[op.dest_start:op.dest_end])
                if informative:
                    runs.append((op.dest_start, op.dest_end, informative))
        bound = sum(r[2] for r in runs) / total
        if bound < floor:
            return bound
        found = 0.0
        for start, end, informative in runs:
            found += informative / (1 + self._recurrence(part[start:end], whole, part, direction))
        return found / total

    def _windows_of(self, text: str) -> frozenset[str]:
        """_windows(text, coverage_min_block), cached: a whole is offered several parts."""
        cache = self.__dict__.setdefault("_windows_cache", {})
        got = cache.get(text)
        if got is None:
            got = cache[text] = _windows(text, self.s.coverage_min_block)
        return got

    def _far_evidence(self, whole: str, part: str, part_mask: bytes, direction: str) -> tuple[float, int]:
        """(informative containment of the part in the whole, as _informative_containment;
        the informative characters of its longest common run that recurs nowhere else in
        the documents: a telling clause). One alignment; the recurrence counts (the costly
        part) only when one of the far-part tests could still pass."""
        s = self.s
        total = sum(part_mask)
        if not total:
            return 0.0, 0
        runs = []
        # order-free: the part's material wherever it is in the whole (_contained_runs);
        # spans may overlap, so a character counts once, at the best weight of a span
        # holding it
        seen = bytearray(len(part))
        for start, end in _contained_runs(whole, part, s.coverage_min_block, self._windows_of(whole)):
            informative = sum(part_mask[start:end])
            if informative:
                runs.append((start, end, informative))
                seen[start:end] = part_mask[start:end]
        bound = sum(seen) / total
        longest = max((r[2] for r in runs), default=0)
        if bound < s.far_part_min_coverage and (bound < s.far_telling_min_coverage
                                                or longest < s.far_telling_min_chars):
            return bound, 0
        # Recurrence counts (two str.count over both versions each) are taken largest
        # run first, and stop as soon as neither test can pass any more: an upper bound
        # (every character not yet settled at weight 1) below far_telling_min_coverage,
        # or below far_part_min_coverage with no telling clause found and none left long
        # enough. The bound returned then fails the same tests as the exact value would.
        weight = [0.0] * len(part)
        pending = [0] * len(part)  # runs not yet counted that hold this character
        for start, end, informative in runs:
            for x in range(start, end):
                pending[x] += 1
        # runs whose recurrence is already known (cached) first: they cost nothing and
        # may settle the question before any new count; then the largest first
        cache = self._phrase_cache
        runs.sort(key=lambda r: (part[r[0]:r[1]] not in cache, -r[2], r[0]))
        left_max = [0] * (len(runs) + 1)  # largest informative count among the runs after
        for at in range(len(runs) - 1, -1, -1):
            left_max[at] = max(left_max[at + 1], runs[at][2])
        settled = 0.0  # summed weights of characters with no run pending
        unsettled = sum(seen)
        telling = 0
        for at, (start, end, informative) in enumerate(runs):
            extra = self._recurrence(part[start:end], whole, part, direction)
            w = 1.0 / (1 + extra)
            for x in range(start, end):
                if part_mask[x]:
                    if w > weight[x]:
                        weight[x] = w
                    pending[x] -= 1
                    if not pending[x]:
                        settled += weight[x]
                        unsettled -= 1
            if not extra and informative > telling:
                telling = informative
            bound = (settled + unsettled) / total
            left = left_max[at + 1]
            if bound < s.far_telling_min_coverage or (
                    bound < s.far_part_min_coverage and telling < s.far_telling_min_chars
                    and left < s.far_telling_min_chars):
                return bound, telling
        return sum(weight) / total, telling

    def _covered(self, whole: str, parts: Sequence[str], whole_mask: bytes, direction: str,
                 strict: bool = True, known: set[int] = frozenset()) -> set[int]:
        """Informative positions of the whole in common runs with any of the parts (each
        part on its own, so that parts in another order than in the whole count); when
        `strict`, runs that recur elsewhere in the documents explain nothing of their own.
        A run whose informative positions are all in `known` is not looked at (the caller
        only asks what is new)."""
        out: set[int] = set()
        mb = self.s.coverage_min_block
        for part in parts:
            if strict:
                # order-free, as the far evidence (_contained_runs): the whole's spans
                # found in the part wherever they are in it
                spans = [(start, end) for start, end in _contained_runs(part, whole, mb)
                         if any(whole_mask[x] and x not in known for x in range(start, end))
                         and not self._recurrence(whole[start:end], whole, part, direction)]
            else:
                # the places an LCS alignment explains whichever way it is read (first to
                # last and last to first: a repeated phrase is put at its first place by
                # one and its last by the other, so only a place both agree on counts),
                # and the order-free spans that occur once in the whole (an LCS cut
                # 「规范性文件」 into 「规范」+「性文件」, too short to count). One LCS alone
                # put 「证券投资者保护基金管理机构」 at the head of the paragraph the partner
                # did not keep. Rejected: every order-free span: a partner keeping one of
                # two parallel paragraphs (「国务院有关部门可以依照本法…制定…实施国家统一的
                # 会计制度的具体办法」) would explain the other too (「中国人民解放军总后勤部
                # 可以依照本法…」, split off into an article of its own: 会计法 2017 -> 2024
                # old 第八条 -> new 第四十九条); and a span counted as often as the part
                # holds it (the partner's 「用于文物保护事业」 explained old 第十条's opening
                # 「国家发展文物保护事业」, kept as new 第十条: 文物保护法 2017 -> 2024).
                n = len(whole)
                forward = set()
                for op in Indel.opcodes(whole, part):
                    if op.tag == "equal" and op.src_end - op.src_start >= mb:
                        forward.update(range(op.src_start, op.src_end))
                spans = [(start, end) for start, end in _contained_runs(part, whole, mb)
                         if whole.count(whole[start:end]) == 1]
                for op in Indel.opcodes(whole[::-1], part[::-1]):
                    if op.tag == "equal" and op.src_end - op.src_start >= mb:
                        both = [x for x in range(n - op.src_end, n - op.src_start) if x in forward]
                        out.update(x for x in both if whole_mask[x])
            for start, end in spans:
                out.update(x for x in range(start, end) if whole_mask[x])
        return out

    # stage 9
    def match_containers(self, edges: Iterable[tuple[int, int]]) -> tuple[dict[int, int], list[ContainerMatch]]:
        """_match_containers(edges), kept for the last edge list: stage 8b asks it, and
        the final matching asks again after 8b and 8c, which most often link nothing
        (the compilation's two calls have the same 10,448 edges: ~0.03 s of CPU). A
        function of the edges and the two documents alone, so the same edges give the
        same answer; the caller gets its own copies."""
        edges = list(edges)
        memo = self._containers_memo
        if memo is None or memo[0] != edges:
            memo = self._containers_memo = (edges, *self._match_containers(edges))
        return dict(memo[1]), list(memo[2])

    def _match_containers(self, edges: Sequence[tuple[int, int]]) -> tuple[dict[int, int], list[ContainerMatch]]:
        """Containers matched by the measures that stayed together and by heading.

        Only pairs that can reach `container_min` are scored, found without looking at
        every old x new pair (the compilation of every corpus text has 1,100 containers a
        side: 1.2 M heading ratios, 3.5 s): a pair scores 0.6 x content + 0.4 x heading,
        so with no measure in common it reaches 0.4 only with the very same heading (an
        exact index by kind and normalised heading), or, when neither side holds any
        measure, on heading similarity alone (the few empty containers, compared among
        themselves). Every other candidate shares a measure edge, counted in one pass
        over the edges. Same scores and same assignment as scoring every pair.
        Rejected: an n-gram index of headings for renamed containers without common
        measures: the score could not accept them anyway."""
        s = self.s
        old_c = self.old_doc.containers
        new_c = self.new_doc.containers
        if self._ancestry is None:  # the documents' part: the same for every call (stage 8b, stage 9)
            old_anc = _ancestor_indexes(self.old_doc, self.olds)
            new_anc = _ancestor_indexes(self.new_doc, self.news)
            # container -> measures it holds
            self._ancestry = (old_anc, new_anc, Counter(chain.from_iterable(old_anc)),
                              Counter(chain.from_iterable(new_anc)))
        old_anc, new_anc, old_size, new_size = self._ancestry
        new_pos = {c.index: r for r, c in enumerate(new_c)}
        # old container -> {new container: edges from a measure of one to a measure of
        # the other} ("the measures that stayed together")
        together: dict[int, dict[int, int]] = {}
        # counted per pair of ancestor chains first (the measures of a chapter share
        # theirs: a few thousand pairs for 10 k edges), then spread over their containers
        chains = Counter((old_anc[i], new_anc[j]) for i, j in edges)
        for (old_side, new_side), k in chains.items():
            for oc in old_side:
                counts = together.setdefault(oc, {})
                for nc in new_side:
                    counts[nc] = counts.get(nc, 0) + k
        new_heads = self._normalize_all([nc.heading for nc in new_c])
        old_heads = self._normalize_all([oc.heading for oc in old_c])
        by_heading: dict[tuple[str, str], list[int]] = {}
        empty_new: dict[str, list[int]] = {}
        for r, nc in enumerate(new_c):
            by_heading.setdefault((nc.level, new_heads[r]), []).append(r)
            if not new_size[nc.index]:
                empty_new.setdefault(nc.level, []).append(r)
        heading_rank: Counter[tuple[str, str]] = Counter()  # old containers seen per heading
        window = s.container_heading_window
        rows: list[list[tuple[int, float]]] = []
        for oc, oh in zip(old_c, old_heads):
            n_old = old_size[oc.index]
            targets = together.get(oc.index, {})
            columns = set(new_pos[nc] for nc in targets)
            # Same heading, no measure in common: only the same-heading containers near
            # its own rank among them (the k-th 「附则」 of the old side against the k-th of
            # the new side, +- window), so that a compilation with a hundred 「附则」
            # chapters a side does not make 100 x 100 candidates of equal score.
            key = (oc.level, oh)
            rank = heading_rank[key]
            heading_rank[key] += 1
            same = by_heading.get(key, ())
            columns.update(same[max(0, rank - window):rank + window + 1])
            if not n_old:
                columns.update(empty_new.get(oc.level, ()))
            row = []
            for c in sorted(columns):
                nc = new_c[c]
                cross_level = nc.level != oc.level
                n_new = new_size[nc.index]
                shared = targets.get(nc.index, 0)
                score = container_score(s, n_old, n_new, shared, _ratio(oh, new_heads[c]), cross_level)
                if score is not None:
                    row.append((c, score))
            rows.append(row)
        chosen = max_weight_assignment(len(old_c), rows)
        mapping: dict[int, int] = {}
        result: list[tuple[tuple, ContainerMatch]] = []
        scores = {(r, c): w for r, row in enumerate(rows) for c, w in row}
        for r, c in chosen.items():
            mapping[old_c[r].index] = new_c[c].index
            result.append(((new_c[c].index, 0, old_c[r].index),
                           ContainerMatch(old_c[r].index, new_c[c].index, round(scores[(r, c)], 4))))
        matched_new = set(mapping.values())
        for nc in new_c:
            if nc.index not in matched_new:
                result.append(((nc.index, 0, -1), ContainerMatch(None, nc.index, 0.0)))
        for oc in old_c:
            if oc.index not in mapping:
                # Removed containers go last, in old order.
                result.append(((len(self.new_doc.blocks), 1, oc.index), ContainerMatch(oc.index, None, 0.0)))
        result.sort(key=lambda kv: kv[0])
        return mapping, [m for _, m in result]

    def run(self) -> Alignment:
        s = self.s
        self.anchors()
        self.assign()
        self.groups(unmatched_seeds=False)
        self.fill_gaps()
        self.fill_beside_matches()
        self.groups(unmatched_seeds=True)
        self.far_groups()
        self.fill_containers()
        self.join_expansions()
        group_list = self.found
        edges = self._edges()
        cmap, containers = self.match_containers(edges)
        moved_blocks = moved_containers(self.old_doc, self.new_doc, cmap)
        containers = [replace(c, moved=True) if c.old in moved_blocks else c for c in containers]

        # matched units (1:1 and groups), in old order; only 1:1 ones carry `moved`
        units: list[tuple[tuple[int, ...], tuple[int, ...]]] = [((i,), (j,)) for i, j in self.o2n.items()]
        units.extend(group_list)
        units.sort()
        runs = carried_runs(units, self.old_doc, self.new_doc, cmap)
        runs_out = dissolved_runs(units, self.old_doc, self.new_doc, cmap, [k for _, _, ks in runs for k in ks])
        runs_across = crossing_runs(units, self.old_doc, self.new_doc, cmap,
                                    [k for _, _, ks in runs + runs_out for k in ks])
        moved_at = moved_units(units, self.old_doc, self.new_doc, cmap, runs + runs_out + runs_across)
        if runs or runs_out or runs_across:
            carried_into: dict[int, list[CarriedRun]] = {}
            # an added container's runs (carried_runs) and a matched container's
            # (crossing_runs) are said alike, on the container that took them
            for root, source, members in runs + runs_across:
                carried_into.setdefault(root, []).append(self._carried_run(source, root, [units[k] for k in members]))
            carried_from: dict[int, list[CarriedRun]] = {}
            for root, target, members in runs_out:
                carried_from.setdefault(root, []).append(self._carried_run(root, target, [units[k] for k in members]))
            containers = [replace(c, carried=tuple(carried_into[c.new])) if c.new in carried_into
                          else replace(c, carried_out=tuple(carried_from[c.old]))
                          if c.new is None and c.old in carried_from else c for c in containers]

        matches = _unit_matches(units, self.olds, self.news, moved_at)
        grouped_old = {i for olds, _ in group_list for i in olds}
        grouped_new = {j for _, news in group_list for j in news}
        for j in range(len(self.news)):
            if j not in self.n2o and j not in grouped_new:
                matches.append(MeasureMatch(ChangeKind.ADDED, (), (j + 1,), 0.0, False, False))
        removed = [i for i in range(len(self.olds)) if i not in self.o2n and i not in grouped_old]
        for i in removed:
            matches.append(MeasureMatch(ChangeKind.REMOVED, (i + 1,), (), 0.0, False, False))
        return Alignment(tuple(_sort_matches(matches)), tuple(containers), s)

    def _carried_run(self, source: int | None, target: int | None,
                     members: Sequence[tuple[tuple[int, ...], tuple[int, ...]]]) -> CarriedRun:
        # the measures that made the trip: a split or merge part that lies outside the
        # container the run left (or joined) is that change's, not this run's
        def under(doc: Document, measure: Block, box: int | None) -> bool:
            return box is None or box in {b.index for b in doc.ancestors(measure)}

        olds = sorted({i for o, _ in members for i in o if under(self.old_doc, self.olds[i], source)})
        news = sorted({j for _, n in members for j in n if under(self.new_doc, self.news[j], target)})
        old_block = self.old_doc.blocks[source] if source is not None else None
        new_block = self.new_doc.blocks[target] if target is not None else None
        return CarriedRun(source, old_block.label if old_block else "", old_block.heading if old_block else "",
                          tuple(i + 1 for i in olds), tuple(j + 1 for j in news),
                          tuple(self.olds[i].label for i in olds), tuple(self.news[j].label for j in news),
                          target, new_block.label if new_block else "", new_block.heading if new_block else "")


def _ancestor_indexes(doc: Document, blocks: Sequence[Block]) -> list[tuple[int, ...]]:
    """Block indexes of Document.ancestors(b) for each block, outermost first: one walk
    up per distinct parent (the measures of a chapter share theirs)."""
    all_blocks = doc.blocks
    by_parent: dict[int | None, tuple[int, ...]] = {None: ()}
    out: list[tuple[int, ...]] = []
    for block in blocks:
        got = by_parent.get(block.parent)
        if got is None:
            up: list[int] = []
            parent = block.parent
            while parent is not None:
                up.append(all_blocks[parent].index)
                parent = all_blocks[parent].parent
            got = by_parent[block.parent] = tuple(reversed(up))
        out.append(got)
    return out


def moved_containers(old_doc: Document, new_doc: Document, cmap: dict[int, int]) -> set[int]:
    """Old block indexes of the matched containers (cmap: old -> new block index) that
    moved: now under a container that is not the match of their old parent (the rule of
    parent_moved), or out of order among the matched containers that share their new
    parent. Order is judged by the heaviest in-order chain, each container weighing the
    measures it holds (+1): when a small chapter and a large one trade places, the small
    one moved (a reader sees 「人身权利」 move up, not the three chapters it passed move
    down). Rejected: a plain longest increasing subsequence, which on a tie reports
    whichever container its tie-break leaves out, and a document-wide order of measures,
    which reports a moved chapter as one move per article (or, for the chapters it
    passed, as theirs)."""
    matched_new = set(cmap.values())
    weight = Counter(chain.from_iterable(_ancestor_indexes(old_doc, old_doc.measures)))
    moved: set[int] = set()
    siblings: dict[int | None, list[tuple[int, int]]] = {}
    old_blocks, new_blocks = old_doc.blocks, new_doc.blocks
    for o, n in cmap.items():
        if parent_moved(old_blocks[o].parent, new_blocks[n].parent, cmap, matched_new, old_blocks, new_blocks):
            moved.add(o)
        else:
            siblings.setdefault(_nearest_matched(new_blocks[n].parent, new_blocks, matched_new), []).append((n, o))
    for group in siblings.values():
        group.sort()
        olds = [o for _, o in group]
        keep = _heaviest_increasing(olds, [weight[o] + 1 for o in olds])
        moved.update(o for p, o in enumerate(olds) if p not in keep)
    return moved


# Fewest matched units (1:1, split or merge) that make a run carried into a new
# container (count, >= 2): a lone measure that moved into a new chapter is still `moved`
# (the issue: "an article that moves out of order or alone still is moved").
CARRIED_RUN_MIN = 2


def carried_runs(units: Sequence[tuple[tuple[int, ...], tuple[int, ...]]], old_doc: Document,
                 new_doc: Document, cmap: dict[int, int]) -> list[tuple[int, int | None, list[int]]]:
    """Runs of matched units carried together into a container only the new side has:
    (new block index of that container, old block index of the container they came
    from, positions in `units`), in new document order.

    A newly carved container (第十六章 inserted and some articles of 第十三章 moved under
    it, a new 第二节 taking the tail of 第一节) is one structural change, not one `moved`
    per article. Each matched unit whose first new measure lies in such a container (its
    outermost unmatched container below the nearest matched one: new sections inside a
    new chapter are one carved block) and that changed container (parent_moved) is
    taken in new order; units that sit next to each other there (nothing between them
    but new text) and came from the same old container (its nearest matched one) form a
    block, and the block's longest increasing subsequence of old positions, when it holds
    at least CARRIED_RUN_MIN units, is the run. Kept `moved`: a unit out of order inside
    its block, a unit alone from its container, a unit split off from its neighbours by
    one that came from elsewhere. The old side may have gaps (articles that stayed, or
    went elsewhere, between them): "together" is judged where they now stand.
    Rejected: runs consecutive on the old side too, which breaks 突发事件应对法's new
    第二章 管理与指挥体制 (old 第一章's 第四、七、八、十四、十六条, in order, one
    block in the new chapter) into single moves because 总则 kept the articles between."""
    olds_m, news_m = old_doc.measures, new_doc.measures
    old_blocks, new_blocks = old_doc.blocks, new_doc.blocks
    matched_new = set(cmap.values())
    in_root: dict[int, list[tuple[int, int | None, bool, int]]] = {}
    for k, (olds, news) in enumerate(units):
        root = _unmatched_root(news_m[news[0]].parent, new_blocks, matched_new)
        if root is None:
            continue
        old_parent = olds_m[olds[0]].parent
        came_in = parent_moved(old_parent, news_m[news[0]].parent, cmap, matched_new, old_blocks, new_blocks)
        in_root.setdefault(root, []).append((news[0], _nearest_matched(old_parent, old_blocks, cmap), came_in, k))
    return _runs_in_roots(in_root, [olds[0] for olds, _ in units])


def dissolved_runs(units: Sequence[tuple[tuple[int, ...], tuple[int, ...]]], old_doc: Document,
                   new_doc: Document, cmap: dict[int, int], skip: Iterable[int] = ()
                   ) -> list[tuple[int, int | None, list[int]]]:
    """The mirror of carried_runs: runs of matched units that left a container only the
    old side has (a chapter or section dissolved) together, for one container of the new
    side: (old block index of the dissolved container, new block index of the container
    they joined, positions in `units`), in old document order. Two chapters merged into
    one (海洋环境保护法 2017 → 2023: old 第五章 防治海岸工程建设项目… dissolved, its 第四十二、
    四十五、四十六条 now in new 第五章 工程建设项目) is one change, not one `moved` per article.
    Same rule, sides swapped: units that stood together in the dissolved container (nothing
    between them but text that was dropped) and joined the same container form a block;
    its longest run in new order, of at least CARRIED_RUN_MIN units, is the run. `skip`:
    positions already in a carried_runs run (a unit is said once)."""
    olds_m, news_m = old_doc.measures, new_doc.measures
    old_blocks, new_blocks = old_doc.blocks, new_doc.blocks
    matched_new = set(cmap.values())
    skipped = set(skip)
    in_root: dict[int, list[tuple[int, int | None, bool, int]]] = {}
    for k, (olds, news) in enumerate(units):
        root = _unmatched_root(olds_m[olds[0]].parent, old_blocks, cmap)
        if root is None:
            continue
        new_parent = news_m[news[0]].parent
        came_out = k not in skipped and parent_moved(olds_m[olds[0]].parent, new_parent, cmap, matched_new,
                                                     old_blocks, new_blocks)
        in_root.setdefault(root, []).append((olds[0], _nearest_matched(new_parent, new_blocks, matched_new),
                                             came_out, k))
    return _runs_in_roots(in_root, [news[0] for _, news in units])


def crossing_runs(units: Sequence[tuple[tuple[int, ...], tuple[int, ...]]], old_doc: Document,
                  new_doc: Document, cmap: dict[int, int], skip: Iterable[int] = ()
                  ) -> list[tuple[int, int | None, list[int]]]:
    """Runs of matched units that left one matched container together for another
    matched container, not the one their old container matched to: (new block index of
    the container that took them, old block index of the container they left, positions
    in `units`), in new document order. 公司法 2018 → 2023: old 第八十六至八十八条 left
    第四章 第一节 设立 (now 第五章 第一节 设立) for 第六章 第一节 股份发行, where they stand
    together as 第一百五十四至一百五十六条 - one change, not three `moved`.

    carried_runs' rule with a container both sides have: the units whose first new
    measure sits directly in a matched container are taken in new order; a unit that
    changed container from a matched old one (its old parent directly matched, and not
    to this one) joins the block of its neighbours from the same old container; a unit
    that stayed, or came from elsewhere (another container, an unmatched one, top
    level), ends the block. The block's longest increasing subsequence of old positions,
    of at least CARRIED_RUN_MIN units, is the run; the others stay `moved`. Only units
    whose parents are matched on both sides take part: a unit under a container only one
    side has is carried_runs' or dissolved_runs' to judge (and stays `moved` when neither
    took it). `skip`: positions already in another run (a unit is said once).
    Rejected: blocks taken up to the nearest matched container on each side (a chapter's
    article moving into a new section of another chapter is carried_runs' case, and
    taking it here too would say it twice); runs consecutive on the old side too (see
    carried_runs)."""
    olds_m, news_m = old_doc.measures, new_doc.measures
    matched_new = set(cmap.values())
    skipped = set(skip)
    in_box: dict[int, list[tuple[int, int | None, bool, int]]] = {}
    for k, (olds, news) in enumerate(units):
        new_parent = news_m[news[0]].parent
        if new_parent is None or new_parent not in matched_new:
            continue
        old_parent = olds_m[olds[0]].parent
        crossed = (k not in skipped and old_parent is not None and old_parent in cmap
                   and cmap[old_parent] != new_parent)
        in_box.setdefault(new_parent, []).append((news[0], old_parent, crossed, k))
    return _runs_in_roots(in_box, [olds[0] for olds, _ in units])


def _unmatched_root(parent: int | None, blocks: Sequence[Block], matched) -> int | None:
    """The outermost container without a counterpart enclosing a measure whose parent is
    `parent`, below its nearest matched one (None when its parent is matched or it sits
    at top level): new sections inside a new chapter are one block with it."""
    root = None
    while parent is not None and parent not in matched:
        root, parent = parent, blocks[parent].parent
    return root


def _runs_in_roots(in_root: dict[int, list[tuple[int, int | None, bool, int]]],
                   other_position: Sequence[int]) -> list[tuple[int, int | None, list[int]]]:
    """carried_runs' and dissolved_runs' shared rule. in_root: unmatched container -> its
    units as (position on its own side, the container on the other side, whether the unit
    changed container, position in units); other_position: each unit's first measure on
    the other side. Blocks: consecutive units that changed container for the same one;
    run: a block's longest increasing subsequence on the other side, if long enough."""
    runs: list[tuple[int, int | None, list[int]]] = []
    for root in sorted(in_root):
        block: list[int] = []
        other: int | None = None
        for _, there, changed, k in sorted(in_root[root]) + [(0, None, False, -1)]:
            if not changed or there != other:
                if len(block) >= CARRIED_RUN_MIN:
                    keep = _lis_indexes([other_position[m] for m in block])
                    if len(keep) >= CARRIED_RUN_MIN:
                        runs.append((root, other, [block[p] for p in keep]))
                block, other = [], there
            if changed:
                block.append(k)
    return runs


def moved_units(units: Sequence[tuple[tuple[int, ...], tuple[int, ...]]], old_doc: Document,
                new_doc: Document, cmap: dict[int, int],
                carried: Sequence[tuple[int, int | None, list[int]]] | None = None) -> set[int]:
    """Positions in `units` (matched units as 0-based measure indexes, in old order;
    several on a side = a split or merge) of the 1:1 units that are `moved`:

    - now under a container that is not the match of the old one (parent_moved), or
    - out of order among the units that sit in the same new container and were not
      moved there from elsewhere (outside a longest increasing subsequence of their
      new positions; split/merge units take part by their first members, when those
      did not come from another container).

    Order is judged inside each container, never across the document: a container that
    moved as a block is one container move (moved_containers), and the measures that
    moved with it are not each `moved` (nor, worse, those of whichever chapters a
    document-wide subsequence happened to leave out). Likewise the units of a run carried
    into a new container (carried_runs; computed here when not given) are that
    container's change, not each `moved`. The same definition serves the benchmarks'
    truth."""
    olds_m, news_m = old_doc.measures, new_doc.measures
    matched_new = set(cmap.values())
    if carried is None:
        carried = carried_runs(units, old_doc, new_doc, cmap)
        carried = carried + dissolved_runs(units, old_doc, new_doc, cmap,
                                           [k for _, _, members in carried for k in members])
        carried = carried + crossing_runs(units, old_doc, new_doc, cmap,
                                          [k for _, _, members in carried for k in members])
    went_along = {k for _, _, members in carried for k in members}
    moved: set[int] = set()
    by_new_parent: dict[int | None, list[int]] = {}
    old_blocks, new_blocks = old_doc.blocks, new_doc.blocks
    for k, (olds, news) in enumerate(units):
        if parent_moved(olds_m[olds[0]].parent, news_m[news[0]].parent, cmap, matched_new, old_blocks, new_blocks):
            # came from another container: a 1:1 unit is moved for that; a split or
            # merge part that came in from elsewhere does not take part in the order of
            # its new container either (it would make the articles that stayed look
            # out of order around it)
            if len(olds) == 1 and len(news) == 1 and k not in went_along:
                moved.add(k)
        else:
            # order among the units of the nearest matched new container (a section
            # only the new version has does not split the order of its chapter)
            by_new_parent.setdefault(_nearest_matched(news_m[news[0]].parent, new_blocks, matched_new), []).append(k)
    for members in by_new_parent.values():
        keep = {members[p] for p in _lis_indexes([units[k][1][0] for k in members])}
        moved.update(k for k in members if k not in keep and len(units[k][0]) == 1 and len(units[k][1]) == 1)
    return moved


def container_score(s: AlignSettings, n_old: int, n_new: int, shared: int, heading_ratio: float,
                    cross_level: bool) -> float | None:
    """Stage 9's score of one old x new container pair, or None below `container_min`.

    n_old / n_new: measures each holds; shared: edges between a measure of one and a
    measure of the other; heading_ratio: similarity of the normalised headings."""
    size = n_old + n_new
    # Dice alone under-rates a small chapter that kept all its measures (附则 with one
    # article, now joined by a dissolved chapter's tail); the overlap coefficient alone
    # over-rates a tiny chapter that took one measure from a big one. Half of each.
    smaller = min(n_old, n_new)
    content = (shared / size + 0.5 * shared / smaller) if smaller else 0.0
    score = 0.6 * content + 0.4 * heading_ratio if size else heading_ratio
    if cross_level:
        # A section that became a chapter (2017 第三章's 第一节 -> 2023 第四章) is the same
        # container, of another kind: matched when it kept its measures, below a
        # same-kind match of the same evidence.
        if content < s.cross_level_min_content:
            return None
        score *= s.cross_level_factor
    return score if score >= s.container_min else None


def parent_moved(old_parent: int | None, new_parent: int | None, cmap: dict[int, int],
                 matched_new: set[int], old_blocks: Sequence[Block] | None = None,
                 new_blocks: Sequence[Block] | None = None) -> bool:
    """Whether a measure (or container) changed container (block indexes; cmap: old ->
    new container).

    With the documents' blocks, each side's parent is first taken up to its nearest
    *matched* container (a container only one side has says nothing about a move: a
    chapter that gained 第一节/第二节 keeps its articles, a dissolved section's articles
    stay in their chapter). Then: the old container still exists (matched): moved when
    the new one is not its match. No old container is left (dissolved) or it sat at
    top level: moved only when its own new container existed before (it joined
    another chapter); a measure whose surroundings were all restructured into new
    containers, or flattened to top level, is not flagged for that alone."""
    if old_blocks is not None:
        old_parent = _nearest_matched(old_parent, old_blocks, cmap)
    if old_parent is not None and old_parent in cmap:
        if new_blocks is not None:
            new_parent = _nearest_matched(new_parent, new_blocks, matched_new)
        return cmap[old_parent] != new_parent
    # no old container left: the new container itself decides (a dissolved chapter
    # demoted to a new section of another chapter is a restructuring, not a move of
    # each of its articles)
    return new_parent is not None and new_parent in matched_new


def _nearest_matched(parent: int | None, blocks: Sequence[Block], matched) -> int | None:
    """The nearest enclosing container that has a counterpart (itself included), None at
    top level."""
    while parent is not None and parent not in matched:
        parent = blocks[parent].parent
    return parent


def _sort_matches(matches: list[MeasureMatch]) -> list[MeasureMatch]:
    """Document order of the new version; removed measures right after the match of
    their nearest preceding old measure that has a new side (at the start if none)."""
    first_new_of_old: dict[int, int] = {}
    for m in matches:
        if m.new:
            for o in m.old:
                first_new_of_old[o] = m.new[0]
    # anchor_before[o]: the first new ordinal of the nearest old measure before o that
    # has a new side (0 if none), in one pass (a backward search per removed measure
    # was quadratic in a long run of removals).
    last_old = max((o for m in matches for o in m.old), default=0)
    anchor_before = [0] * (last_old + 2)
    for o in range(1, last_old + 1):
        anchor_before[o + 1] = first_new_of_old.get(o, anchor_before[o])
    keyed = []
    for m in matches:
        if m.new:
            keyed.append(((m.new[0], 0, m.old[0] if m.old else 0), m))
        else:
            o = m.old[0]
            keyed.append(((anchor_before[o], 1, o), m))
    keyed.sort(key=lambda kv: kv[0])
    return [m for _, m in keyed]


def align(old: Document, new: Document, settings: AlignSettings = AlignSettings(),
          mapper: Mapper | None = None) -> Alignment:
    """Align the measures of two versions (see the module docstring for the algorithm).
    `mapper` (mapper.Mapper, default serial) runs the assignment's n-gram round in
    chunks of rows; the Alignment is the same whichever runs it.

    >>> from policydiff.docbuild import DocBuilder
    >>> def doc(texts):
    ...     b = DocBuilder(title="示例市若干措施(测试用虚构文本)")
    ...     for n, t in enumerate(texts, 1):
    ...         b.measure(f"{n}.", n, t)
    ...     return b.build()
    >>> a = align(doc(["甲项支持创新。", "乙项鼓励投资。"]), doc(["乙项鼓励投资。"]))
    >>> [(m.kind.value, m.old, m.new, m.renumbered) for m in a.matches]
    [('removed', (1,), (), False), ('unchanged', (2,), (1,), True)]
    """
    return _Aligner(old, new, settings, mapper).run()
