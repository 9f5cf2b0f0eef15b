"""Alignment quality benchmark (run by hand; prints markdown tables).

    .venv/bin/python benchmarks/alignment.py [--seed S] [--docs N] [--tiers a,b] [--no-baseline]
                                             [--seed-repeats N] [--same-doc-clauses] [--errors N]
                                             [--pool-seeds N]

Generates seeded revisions of real corpus texts with known ground truth (see
benchmarks/revisions.py): light / medium / heavy random edit mixes, plus a hard tier of
compound revisions, one category at a time. Scores policydiff.align against the truth
and, for comparison, a plain difflib-ratio aligner. Also scores the three corpus
documents that come with their official amendment decision against the decision's list
of modified / added / deleted articles.

Scores:
- edge P/R/F1: a change links old and new ordinals; every (old, new) link is an edge
  (a split of 1 into 2 gives two edges). Unchanged articles are edges too.
- edited F1: the same, restricted to edges that touch an article an edit touched.
- split/merge found: truth groups found exactly (same kind, same old and new ordinals).
- add/rem F1: the added and removed ordinal sets together.
- flags: renumbered / moved agree with the truth, on 1:1 pairs found correctly.
- violations: an old or new ordinal not in exactly one change.
- lossless (with --lossless): changes whose redline from policydiff.compare does not
  rebuild the old and new texts exactly.

Issue 11's two headline rates (unrelated replacement wrongly paired, 60-85 % rewording in
place found) are also printed pooled over --pool-seeds seeds (default 16: SEED..SEED+15),
with counts and a 95 % Wilson interval, each seed's figure beside them: one seed's ~220
cases per tier cannot tell 0.5 % from 3 %.

Generated output (JSON of the last run) goes to benchmarks/out/ (gitignored).
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from policydiff.align import AlignSettings, Alignment, MeasureMatch, align, normalize  # noqa: E402
from policydiff.model import ChangeKind, Document  # noqa: E402
from revisions import (  # noqa: E402
    _CLAUSE, HardReviser, Source, Truth, build, cn_to_int, old_revision, penalty_positions,
    read_source, truth_of,
)


def _shared() -> Path:
    import os

    for c in (os.environ.get("POLICYDIFF_SHARED"), ROOT.parent / "shared", Path("/work/shared")):
        if c and (Path(c) / "corpus" / "manifest.json").is_file():
            return Path(c)
    raise SystemExit("../shared not found; set POLICYDIFF_SHARED")


CORPUS = _shared() / "corpus"


# --- sources and pools -----------------------------------------------------------------


def corpus_sources(min_articles: int = 12) -> list[Source]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for doc in manifest["documents"]:
        first = doc["versions"][0]
        src = read_source(CORPUS / first["file"], name=first["file"])
        if src.n_articles >= min_articles:
            out.append(src)
    return out


@dataclass
class Pools:
    articles: dict[str, list[str]]
    clauses: dict[str, list[str]]
    headings: dict[str, list[str]]
    same_doc_clauses: bool = False  # stress variant: reword with the document's own clauses

    def for_other_than(self, name: str, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
        others = [n for n in sorted(self.articles) if n != name]
        picked = rng.sample(others, min(6, len(others)))
        arts = [a for n in picked for a in self.articles[n]]
        clauses = [c for n in picked for c in self.clauses[n]]
        if self.same_doc_clauses and self.clauses.get(name):
            # Rewording material from the same document's other articles looks like the
            # neighbours' text: harder for an aligner than clauses of another law.
            clauses = self.clauses[name]
        heads = [h for n in picked for h in self.headings[n]]
        return arts, clauses, heads


def make_pools(sources: list[Source], same_doc_clauses: bool = False) -> Pools:
    arts, clauses, heads = {}, {}, {}
    for s in sources:
        texts = [t for _, ts in s.chapters for t in ts]
        arts[s.name] = texts
        clauses[s.name] = [c for t in texts for c in _CLAUSE.findall(t) if len(c) >= 6]
        heads[s.name] = [h for h, _ in s.chapters if h]
    return Pools(arts, clauses, heads, same_doc_clauses)


# --- scenarios -------------------------------------------------------------------------

BASIC_MIX = [  # (operation, weight)
    ("reword", 30), ("insert", 12), ("delete", 12), ("move", 10), ("swap", 8),
    ("split", 8), ("merge", 8), ("punctuation", 7), ("rename_heading", 5),
]
INTENSITY = {"light": 0.04, "medium": 0.12, "heavy": 0.30}  # edits per article


def _apply_mix(rev: Reviser, n_ops: int) -> None:
    ops, weights = zip(*BASIC_MIX)
    done = tries = 0
    while done < n_ops and tries < n_ops * 10:
        tries += 1
        op = rev.rng.choices(ops, weights)[0]
        ok = {
            "reword": lambda: rev.reword(0.1, 0.6),
            "insert": rev.insert, "delete": rev.delete, "move": rev.move, "swap": rev.swap,
            "split": lambda: rev.split(rev.rng.choice((2, 2, 3))),
            "merge": lambda: rev.merge(rev.rng.choice((2, 2, 3))),
            "punctuation": rev.punctuation, "rename_heading": rev.rename_heading,
        }[op]()
        done += bool(ok)


def _repeat(fn, times: int) -> bool:
    return sum(bool(fn()) for _ in range(times)) > 0


HARD = {
    # category: (applies, n instances); every instance is a compound edit
    "renumber (insert/delete)": lambda r: _repeat(lambda: r.insert() and r.delete(), 2),
    "move across chapters": lambda r: _repeat(r.move, 3),
    "adjacent swap": lambda r: _repeat(r.swap, 3),
    "split 2/3-way": lambda r: _repeat(lambda: r.split(r.rng.choice((2, 3))), 3),
    "merge 2/3-way": lambda r: _repeat(lambda: r.merge(r.rng.choice((2, 3))), 3),
    "reword 10-60%": lambda r: _repeat(lambda: r.reword(0.1, 0.6), 4),
    "heading rename + punctuation": lambda r: _repeat(lambda: r.rename_heading() | r.punctuation(), 3),
    "split + reword 20-40%": lambda r: _repeat(lambda: r.split(r.rng.choice((2, 3)), (0.2, 0.4)), 3),
    "merge + reword 20-40%": lambda r: _repeat(lambda: r.merge(r.rng.choice((2, 3)), (0.2, 0.4)), 3),
    "move + reword 20-40%": lambda r: _repeat(lambda: r.move((0.2, 0.4)), 3),
    "whole chapter moved": lambda r: r.move_chapter(),
    "chapter dissolved into two": lambda r: r.dissolve_chapter(),
    "delete + unrelated insert in place": lambda r: _repeat(r.replace_in_place, 3),
    "60-85% reword in place": lambda r: _repeat(r.heavy_reword_in_place, 3),
    "boilerplate penalty articles": lambda r: r.boilerplate(penalty_positions(r.chaps)),
    # issue 11: the replacement is the most similar-looking unrelated article of another
    # law (shared stock phrases), not a random one; splits and merges far apart
    "boilerplate-similar unrelated replacement": lambda r: _repeat(r.replace_similar_in_place, 3),
    "far split + reword 20-40%": lambda r: _repeat(r.far_split, 2),
    "far merge + reword 20-40%": lambda r: _repeat(r.far_merge, 2),
    "absorption + reword 20-40%": lambda r: _repeat(r.absorb, 2),
}


# Hard categories that apply to a 17-measure policy (no penalty articles; its (一)..(五)
# headings are the containers).
SEED_TIERS = [
    "renumber (insert/delete)", "move across chapters", "adjacent swap", "split 2/3-way",
    "merge 2/3-way", "reword 10-60%", "heading rename + punctuation", "split + reword 20-40%",
    "merge + reword 20-40%", "move + reword 20-40%", "whole chapter moved",
    "chapter dissolved into two", "delete + unrelated insert in place", "60-85% reword in place",
    "boilerplate-similar unrelated replacement", "far split + reword 20-40%", "far merge + reword 20-40%",
    "absorption + reword 20-40%",
]


@dataclass
class Case:
    tier: str
    source: str
    old: Document
    new: Document
    truth: Truth


def make_case(src: Source, pools: Pools, tier: str, seed: int) -> Case | None:
    rng = random.Random(zlib.crc32(f"{seed}:{tier}:{src.name}".encode()))
    arts, clauses, heads = pools.for_other_than(src.name, rng)
    old_chaps = old_revision(src)
    title = "benchmark"
    old_doc, old_origins = build(old_chaps, title, src.style)
    new_chaps = old_revision(src)
    rev = HardReviser(new_chaps, rng, arts, clauses, heads)
    if tier in INTENSITY:
        _apply_mix(rev, max(1, round(INTENSITY[tier] * src.n_articles)))
    elif not HARD[tier](rev):
        return None
    new_doc, new_origins = build(rev.chaps, title, src.style)
    return Case(tier, src.name, old_doc, new_doc, truth_of(old_doc, old_origins, rev.chaps, new_doc, new_origins))


def seed_source() -> Source | None:
    """The seed's 17 measures under their (一)..(五) headings, read by policydiff's own
    parser (None when the parser is not available). Measure texts include their title
    line, as Block.text does."""
    try:
        from policydiff.ingest import ingest
        from policydiff.structure import parse
    except ImportError:
        return None
    seed = CORPUS.parent / "seeds" / "zgc-measures-2024-page.txt"
    doc = parse(ingest(seed.read_bytes(), seed.name).text)
    chapters: dict[int | None, list[str]] = {}
    for m in doc.measures:
        chapters.setdefault(m.parent, []).append(m.text)
    out = [(doc.blocks[p].heading if p is not None else None, texts) for p, texts in chapters.items()]
    return Source("seed/zgc-measures-2024", out, style="policy")


# --- baseline ----------------------------------------------------------------------------


def difflib_align(old: Document, new: Document) -> Alignment:
    """Plain baseline: difflib opcodes over article texts; inside a replaced block, pair
    articles in order when their difflib ratio is >= 0.5. No splits, merges or moves."""
    a = [m.text for m in old.measures]
    b = [m.text for m in new.measures]
    matches: list[MeasureMatch] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                matches.append(MeasureMatch(ChangeKind.UNCHANGED, (i1 + k + 1,), (j1 + k + 1,), 1.0))
            continue
        j = j1
        used = set()
        for i in range(i1, i2):
            for jj in range(j, j2):
                r = difflib.SequenceMatcher(None, a[i], b[jj], autojunk=False).ratio()
                if r >= 0.5:
                    matches.append(MeasureMatch(ChangeKind.MODIFIED, (i + 1,), (jj + 1,), r))
                    used.add(jj)
                    j = jj + 1
                    break
            else:
                matches.append(MeasureMatch(ChangeKind.REMOVED, (i + 1,), (), 0.0))
        for jj in range(j1, j2):
            if jj not in used:
                matches.append(MeasureMatch(ChangeKind.ADDED, (), (jj + 1,), 0.0))
    return Alignment(tuple(matches), (), AlignSettings())


# --- scoring -------------------------------------------------------------------------------


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    etp: int = 0
    efp: int = 0
    efn: int = 0
    groups: int = 0
    groups_found: int = 0
    splits: int = 0
    splits_found: int = 0
    merges: int = 0
    merges_found: int = 0
    ar_tp: int = 0
    ar_fp: int = 0
    ar_fn: int = 0
    flags: int = 0
    flags_ok: int = 0
    renum_ok: int = 0
    moved_ok: int = 0
    added: int = 0  # truth: new articles with no old side
    added_linked: int = 0  # ... that the aligner linked to an old article (mis-pairing)
    removed: int = 0
    removed_linked: int = 0
    edited_pairs: int = 0  # truth: edited 1:1 pairs (rewording, moves)
    edited_pairs_found: int = 0
    violations: int = 0
    lossless: int = 0  # lossless violations (only counted with --lossless)
    cases: int = 0
    seconds: float = 0.0
    errors: list = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for k, v in vars(other).items():
            if k == "errors":
                self.errors.extend(v)
            else:
                setattr(self, k, getattr(self, k) + v)

    @staticmethod
    def f1(tp: int, fp: int, fn: int) -> float:
        return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)

    def row(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return {
            "cases": self.cases,
            "P": p, "R": r, "F1": self.f1(self.tp, self.fp, self.fn),
            "edited F1": self.f1(self.etp, self.efp, self.efn),
            "splits": self.splits_found / self.splits if self.splits else float("nan"),
            "merges": self.merges_found / self.merges if self.merges else float("nan"),
            # with nothing added or removed in the truth, show the false ones as a count
            "add/rem F1": (self.f1(self.ar_tp, self.ar_fp, self.ar_fn) if self.ar_tp + self.ar_fn
                           else ("–" if not self.ar_fp else f"{self.ar_fp} false")),
            "added linked": self.added_linked / self.added if self.added else float("nan"),
            "edited 1:1 found": self.edited_pairs_found / self.edited_pairs if self.edited_pairs else float("nan"),
            "renumbered": self.renum_ok / self.flags if self.flags else float("nan"),
            "moved": self.moved_ok / self.flags if self.flags else float("nan"),
            "violations": self.violations,
            "lossless": self.lossless,
        }


def violations(al: Alignment, old: Document, new: Document) -> int:
    seen_old: dict[int, int] = {}
    seen_new: dict[int, int] = {}
    for m in al.matches:
        for o in m.old:
            seen_old[o] = seen_old.get(o, 0) + 1
        for n in m.new:
            seen_new[n] = seen_new.get(n, 0) + 1
    bad = sum(1 for k in range(1, len(old.measures) + 1) if seen_old.get(k) != 1)
    bad += sum(1 for k in range(1, len(new.measures) + 1) if seen_new.get(k) != 1)
    bad += sum(1 for k in seen_old if not 1 <= k <= len(old.measures))
    bad += sum(1 for k in seen_new if not 1 <= k <= len(new.measures))
    return bad


def lossless_violations(case: Case, al: Alignment) -> int:
    """Changes whose redline (policydiff.compare's segments for this alignment) does not
    rebuild the old texts from "=" and "-" and the new from "=" and "+" (DESIGN §5)."""
    from policydiff.compare import measure_change

    olds, news = case.old.measures, case.new.measures
    bad = 0
    for m in al.matches:
        change = measure_change(olds, news, m)
        old_text = "\n".join(olds[o - 1].text for o in m.old)
        new_text = "\n".join(news[n - 1].text for n in m.new)
        rebuilt_old = "".join(t for op, t in change.segments if op in "=-")
        rebuilt_new = "".join(t for op, t in change.segments if op in "=+")
        bad += rebuilt_old != old_text or rebuilt_new != new_text
    return bad


def score(case: Case, al: Alignment) -> Score:
    sc = Score(cases=1)
    truth_edges = {(o, n) for _, olds, news, _, _ in case.truth.rows for o in olds for n in news}
    pred_edges = {(o, n) for m in al.matches for o in m.old for n in m.new}
    sc.tp = len(truth_edges & pred_edges)
    sc.fp = len(pred_edges - truth_edges)
    sc.fn = len(truth_edges - pred_edges)
    eo, en = case.truth.edited_old, case.truth.edited_new

    def touches(e):
        return e[0] in eo or e[1] in en

    # Edited articles: their edges plus their fates as added/removed (an article deleted
    # and another inserted has no edge at all, yet it can be got wrong).
    def fates(rows):
        out = set()
        for kind, olds, news in rows:
            out.update((o, n) for o in olds for n in news)
            if not news:
                out.update((o, 0) for o in olds)
            if not olds:
                out.update((0, n) for n in news)
        return out

    t_items = {e for e in fates((r[0], r[1], r[2]) for r in case.truth.rows) if touches(e)}
    p_items = {e for e in fates((m.kind, m.old, m.new) for m in al.matches) if touches(e)}
    sc.etp = len(t_items & p_items)
    sc.efp = len(p_items - t_items)
    sc.efn = len(t_items - p_items)
    pred_groups = {(m.kind.value, m.old, m.new) for m in al.matches if m.kind in (ChangeKind.SPLIT, ChangeKind.MERGED)}
    for kind, olds, news, _, _ in case.truth.rows:
        if kind == "split":
            sc.splits += 1
            sc.splits_found += (kind, olds, news) in pred_groups
        elif kind == "merged":
            sc.merges += 1
            sc.merges_found += (kind, olds, news) in pred_groups
    t_ar = {("a", n) for k, _, news, _, _ in case.truth.rows if k == "added" for n in news}
    t_ar |= {("r", o) for k, olds, _, _, _ in case.truth.rows if k == "removed" for o in olds}
    p_ar = {("a", n) for m in al.matches if m.kind is ChangeKind.ADDED for n in m.new}
    p_ar |= {("r", o) for m in al.matches if m.kind is ChangeKind.REMOVED for o in m.old}
    sc.ar_tp, sc.ar_fp, sc.ar_fn = len(t_ar & p_ar), len(p_ar - t_ar), len(t_ar - p_ar)
    linked_new = {n for _, n in pred_edges}
    linked_old = {o for o, _ in pred_edges}
    for kind, olds, news, _, _ in case.truth.rows:
        if kind == "added":
            sc.added += 1
            sc.added_linked += news[0] in linked_new
        elif kind == "removed":
            sc.removed += 1
            sc.removed_linked += olds[0] in linked_old
        elif kind == "modified" and olds[0] in eo:
            sc.edited_pairs += 1
            sc.edited_pairs_found += (olds[0], news[0]) in pred_edges
    pred_1to1 = {(m.old, m.new): m for m in al.matches if len(m.old) == 1 and len(m.new) == 1}
    for kind, olds, news, renumbered, moved in case.truth.rows:
        if kind in ("unchanged", "modified") and (olds, news) in pred_1to1:
            m = pred_1to1[(olds, news)]
            sc.flags += 1
            sc.renum_ok += m.renumbered == renumbered
            sc.moved_ok += m.moved == moved
    sc.violations = violations(al, case.old, case.new)
    if sc.fp or sc.fn:
        sc.errors.append((case.tier, case.source, sorted(pred_edges - truth_edges)[:6], sorted(truth_edges - pred_edges)[:6]))
    return sc


# --- amendment decisions -------------------------------------------------------------------

_ITEM = re.compile(r"^\d+[.．、]\s*(.*)$")
_ART_REF = re.compile(r"第([零〇一二三四五六七八九十百千]+)条")


def decision_lists(decision_text: str, title: str) -> dict[str, set[int]]:
    """The decision's own list for one document: {"modified", "removed"} as old article
    numbers, {"added"} as new article numbers. Only the section 「X、修改《title》」 is read,
    and only the lead sentence of each numbered item (the quoted new text that follows
    may cite other articles: those are references, not changes)."""
    lines = decision_text.split("\n")
    start = next(k for k, line in enumerate(lines)
                 if re.match(r"^[一二三四五六七八九十]+、修改《", line) and line.strip().endswith(f"《{title}》"))
    out: dict[str, set[int]] = {"modified": set(), "removed": set(), "added": set()}
    for line in lines[start + 1:]:
        if re.match(r"^[一二三四五六七八九十]+、修改《", line) or line.startswith("本决定"):
            break
        item = _ITEM.match(line.strip())
        if not item:
            continue
        lead = item.group(1)
        lead = lead.split("：")[0].split("“")[0]
        if lead.startswith("删除"):
            # 删除第十条、第十一条。 = whole articles; 删除第十条第二款 = a modification
            for m in _ART_REF.finditer(lead):
                rest = lead[m.end():m.end() + 1]
                key = "modified" if rest in ("第", "中") else "removed"
                out[key].add(cn_to_int(m.group(1)))
        elif "增加一条" in lead or "增加" in lead and "作为第" in lead:
            m = re.search(r"作为第([零〇一二三四五六七八九十百千]+)条", lead)
            if m:
                out["added"].add(cn_to_int(m.group(1)))
        elif "修改为" in lead or "修改" in lead:
            first = _ART_REF.search(lead)
            if first:
                out["modified"].add(cn_to_int(first.group(1)))
    return out


def doc_from_corpus(path: Path) -> Document:
    doc, _ = build(old_revision(read_source(path)), "corpus")
    # read_source renumbers sequentially; decision numbers are the printed ones, so keep
    # the printed numbers by re-reading them in order.
    return doc


def printed_numbers(path: Path) -> list[int]:
    from revisions import article_start

    out: list[int] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        m = article_start(line.replace("\u200b", ""), out[-1] if out else None)
        if m:
            out.append(cn_to_int(m.group(1)))
    return out


# The republished text also carries conforming edits that a decision does not list one
# by one: a law cited by its full name 《中华人民共和国民事诉讼法》 becomes 民事诉讼法.
# The decision check counts an article as modified only when it differs beyond that
# citation form (the strict figure is printed too).
_CITATION_FORM = re.compile(r"《中华人民共和国([^《》]{1,30}?法)》")


def citation_folded(text: str) -> str:
    return _CITATION_FORM.sub(r"\1", text)


def decision_scores(settings: AlignSettings) -> list[dict]:
    rows = []
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    for doc in manifest["documents"]:
        slug = doc["slug"]
        decision = CORPUS / slug / "amendment-decision.md"
        if not decision.is_file():
            continue
        old_path = CORPUS / doc["versions"][0]["file"]
        new_path = CORPUS / doc["versions"][-1]["file"]
        title = new_path.read_text(encoding="utf-8").split("\n", 1)[0].lstrip("# ").strip()
        truth = decision_lists(decision.read_text(encoding="utf-8"), title)
        old, new = doc_from_corpus(old_path), doc_from_corpus(new_path)
        old_no, new_no = printed_numbers(old_path), printed_numbers(new_path)
        al = align(old, new, settings)
        row = {"document": slug, "title": title, "decision": {k: sorted(v) for k, v in truth.items()}}
        t_all = {(k, v) for k, vs in truth.items() for v in vs}
        for label, fold in (("strict", lambda t: t), ("", citation_folded)):
            pred: dict[str, set[int]] = {"modified": set(), "removed": set(), "added": set()}
            for m in al.matches:
                if m.kind is ChangeKind.ADDED:
                    pred["added"].update(new_no[n - 1] for n in m.new)
                elif m.kind is ChangeKind.REMOVED:
                    pred["removed"].update(old_no[o - 1] for o in m.old)
                elif m.kind is not ChangeKind.UNCHANGED:
                    old_t = normalize(fold("".join(old.measure(o).text for o in m.old)))
                    new_t = normalize(fold("".join(new.measure(n).text for n in m.new)))
                    if old_t != new_t:  # punctuation width alone is not an amendment
                        pred["modified"].update(old_no[o - 1] for o in m.old)
            p_all = {(k, v) for k, vs in pred.items() for v in vs}
            tp = len(t_all & p_all)
            suffix = f"_{label}" if label else ""
            row["found" + suffix] = {k: sorted(v) for k, v in pred.items()}
            row["precision" + suffix] = tp / len(p_all) if p_all else 1.0
            row["recall" + suffix] = tp / len(t_all) if t_all else 1.0
        rows.append(row)
    return rows


# --- hand-checked real gold ---------------------------------------------------------------

GOLD_DIR = HERE / "gold"


def read_gold(path: Path) -> dict:
    """A gold file: ``# hand-checked gold: SLUG OLD -> NEW`` then rows ``old<TAB>new<TAB>
    status<TAB>reason`` (labels as printed, ``-`` for none; status ``sure`` or
    ``possible``: an acceptable reading that is neither required nor counted wrong)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    head = re.match(r"# hand-checked gold: (\S+) (\S+) -> (\S+)", lines[0])
    if not head:
        raise SystemExit(f"{path}: first line must be '# hand-checked gold: SLUG OLD -> NEW'")
    rows = []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip() or line.startswith("#"):
            continue
        old, new, status, reason = line.split("\t")
        if status not in ("sure", "possible") or not reason.strip():
            raise SystemExit(f"{path}:{number}: status must be sure/possible and a reason given")
        rows.append((old, new, status, reason))
    return {"slug": head.group(1), "old": head.group(2), "new": head.group(3), "rows": rows}


def gold_sides(gold: dict):
    """Both versions of a gold pair, read as a user's `policydiff diff` reads them."""
    from policydiff import api

    return tuple(api.load_side(None, str(CORPUS / gold["slug"] / f"{gold[side]}.md")) for side in ("old", "new"))


def real_gold_scores(settings: AlignSettings, gold_dir: Path = GOLD_DIR) -> list[dict]:
    """Score the aligner against every hand-checked gold file (see read_gold). The two
    versions are read as a user's `policydiff diff` reads them (api.load_side), so
    section headings are containers, not article text, in the lossless check too."""
    from policydiff.compare import compare

    out = []
    for path in sorted(gold_dir.glob("*.tsv")):
        gold = read_gold(path)
        old_v, new_v = gold_sides(gold)
        old_doc, new_doc = old_v.document, new_v.document
        old_at = {m.label: k for k, m in enumerate(old_doc.measures, 1)}
        new_at = {m.label: k for k, m in enumerate(new_doc.measures, 1)}
        sure, possible, added, removed = set(), set(), set(), set()
        for old, new, status, _ in gold["rows"]:
            if old != "-" and old not in old_at or new != "-" and new not in new_at:
                raise SystemExit(f"{path}: unknown label {old if old not in old_at else new}")
            if old == "-":
                added.add(new_at[new])
            elif new == "-":
                removed.add(old_at[old])
            else:
                (sure if status == "sure" else possible).add((old_at[old], new_at[new]))
        covered_old = {o for o, _ in sure} | removed
        covered_new = {n for _, n in sure} | added
        missing = (set(old_at.values()) - covered_old, set(new_at.values()) - covered_new)
        if missing[0] or missing[1]:
            raise SystemExit(f"{path}: gold leaves measures unaccounted for: old {sorted(missing[0])}, "
                             f"new {sorted(missing[1])}")
        t0 = time.perf_counter()
        al = align(old_doc, new_doc, settings)
        seconds = time.perf_counter() - t0
        pred = {(o, n) for m in al.matches for o in m.old for n in m.new}
        counted = pred - possible
        tp = len(counted & sure)
        p = tp / len(counted) if counted else 1.0
        r = tp / len(sure) if sure else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        # mis-pairing: a gold-added or gold-removed article linked to anything (possible
        # edges aside), per such article
        lone = len(added) + len(removed)
        mispaired = {n for o, n in counted - sure if n in added} | {-o for o, n in counted - sure if o in removed}
        # groups: an old article with >= 2 sure edges (split) or a new one (merge);
        # found when the aligner has a change with exactly those sure members (and
        # possible ones at most)
        by_old: dict[int, set[int]] = {}
        by_new: dict[int, set[int]] = {}
        for o, n in sure:
            by_old.setdefault(o, set()).add(n)
            by_new.setdefault(n, set()).add(o)
        groups = [("split", (o,), tuple(sorted(ns))) for o, ns in by_old.items() if len(ns) > 1]
        groups += [("merged", tuple(sorted(os_)), (n,)) for n, os_ in by_new.items() if len(os_) > 1]
        found = 0
        far = far_found = 0
        for kind, olds, news in groups:
            hit = any(m.kind.value == kind and set(olds) <= set(m.old) and set(news) <= set(m.new)
                      and all((o, n) in sure | possible for o in m.old for n in m.new) for m in al.matches)
            found += hit
            members = news if kind == "split" else olds
            if max(members) - min(members) >= len(members) + 1:  # parts not neighbours
                far += 1
                far_found += hit
        comparison = compare(old_v, new_v)
        lossless = 0
        for change in comparison.changes:
            old_text = "\n".join(old_doc.measures[o - 1].text for o in change.old)
            new_text = "\n".join(new_doc.measures[n - 1].text for n in change.new)
            lossless += ("".join(t for op, t in change.segments if op != "+") != old_text
                         or "".join(t for op, t in change.segments if op != "-") != new_text)
        out.append({
            "gold": path.name, "slug": gold["slug"], "pair": f"{gold['old']} -> {gold['new']}",
            "articles": f"{len(old_at)} -> {len(new_at)}", "sure edges": len(sure), "possible edges": len(possible),
            "P": p, "R": r, "F1": f1,
            "mis-paired": len(mispaired), "lone articles": lone,
            "groups": len(groups), "groups found": found, "far groups": far, "far found": far_found,
            "violations": violations(al, old_doc, new_doc), "lossless": lossless, "seconds": seconds,
            "wrong": sorted((old_doc.measures[o - 1].label, new_doc.measures[n - 1].label) for o, n in counted - sure),
            "missed": sorted((old_doc.measures[o - 1].label, new_doc.measures[n - 1].label) for o, n in sure - pred),
        })
    return out


def gold_table(rows: list[dict]) -> str:
    lines = ["| pair | articles | sure / possible edges | edge P | edge R | edge F1 | mis-paired (of lone) "
             "| splits+merges found | far found | violations | lossless |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['slug']} {r['pair']} | {r['articles']} | {r['sure edges']} / {r['possible edges']} | "
                     f"{r['P']:.3f} | {r['R']:.3f} | {r['F1']:.3f} | {r['mis-paired']} ({r['lone articles']}) | "
                     f"{r['groups found']}/{r['groups']} | {r['far found']}/{r['far groups']} | "
                     f"{r['violations']} | {r['lossless']} |")
    return "\n".join(lines)


def gold_moved_rows(settings: AlignSettings, gold_dir: Path = GOLD_DIR) -> list[dict]:
    """`moved` on the real gold pairs (issue 11 §3): the 1:1 flags and the container moves
    of the aligner, the articles that went along with a moved container (same container
    on both sides, not flagged), and what the earlier definition (out of a document-wide
    longest increasing subsequence, or under another container) would have flagged on
    the same alignment: a reader counts one move per moved chapter, not one per article."""
    from policydiff.align import _lis_indexes, parent_moved

    out = []
    for path in sorted(gold_dir.glob("*.tsv")):
        gold = read_gold(path)
        old_doc, new_doc = (v.document for v in gold_sides(gold))
        al = align(old_doc, new_doc, settings)
        cmap = {c.old: c.new for c in al.containers if c.old is not None and c.new is not None}
        moved_boxes = {(c.old, c.new) for c in al.containers if c.moved}
        ones = [m for m in al.matches if len(m.old) == 1 and len(m.new) == 1]
        along = sum(1 for m in ones if (old_doc.measures[m.old[0] - 1].parent,
                                        new_doc.measures[m.new[0] - 1].parent) in moved_boxes)
        units = sorted((m.old, m.new) for m in al.matches if m.old and m.new)
        in_order = {units[k] for k in _lis_indexes([n[0] for _, n in units])}
        earlier = sum(1 for m in ones if (m.old, m.new) not in in_order or parent_moved(
            old_doc.measures[m.old[0] - 1].parent, new_doc.measures[m.new[0] - 1].parent, cmap, set(cmap.values())))
        # articles said once in a run (carried into an added container, out of a
        # dissolved one, or between two kept ones), not each flagged
        in_runs = {o for c in al.containers for r in (*c.carried, *c.carried_out) for o in r.old}
        carried = sum(1 for m in ones if m.old[0] in in_runs)
        out.append({"pair": f"{gold['slug']} {gold['old']} -> {gold['new']}",
                    "moved": sum(m.moved for m in ones), "containers moved": len(moved_boxes),
                    "went along": along, "in runs": carried, "earlier definition": earlier})
    return out


def gold_moved_table(rows: list[dict]) -> str:
    lines = ["| pair | `moved` flags | container moves | articles that went along (not flagged) "
             "| articles in runs said once (not flagged) | flags by the earlier document-wide definition |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['pair']} | {r['moved']} | {r['containers moved']} | {r['went along']} | "
                     f"{r['in runs']} | {r['earlier definition']} |")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------


def run(sources: list[Source], tiers: list[str], seed: int, settings: AlignSettings,
        baseline: bool = True, repeats: int = 1, pools: Pools | None = None,
        same_doc_clauses: bool = False, lossless: bool = False) -> dict[str, dict[str, Score]]:
    pools = pools or make_pools(sources, same_doc_clauses)
    results: dict[str, dict[str, Score]] = {}
    for tier in tiers:
        ours, base = Score(), Score()
        for src, rep in ((s, r) for s in sources for r in range(repeats)):
            case = make_case(src, pools, tier, seed * 1000 + rep)
            if case is None:
                continue
            t0 = time.perf_counter()
            al = align(case.old, case.new, settings)
            elapsed = time.perf_counter() - t0
            s = score(case, al)
            s.seconds = elapsed
            if lossless:
                s.lossless = lossless_violations(case, al)
            ours.add(s)
            if baseline:
                base_al = difflib_align(case.old, case.new)
                b = score(case, base_al)
                if lossless:
                    b.lossless = lossless_violations(case, base_al)
                base.add(b)
        results[tier] = {"policydiff": ours, "difflib": base}
    return results


LOSSLESS_SHOWN = False  # set by main() when --lossless was asked


# --- issue 11's two headline rates, pooled over seeds ----------------------------------
#
# One seed gives ~220 cases per tier: a rate of 1 % is 2 cases, and seed 1 said 0.5 %
# where seeds 2-5 said 2.3-4.5 % for the same code. The two rates issue 11 sets targets
# on are therefore reported over several seeds together, with the count and a 95 %
# interval, each seed's figure still shown.
TRAP_TIER = "boilerplate-similar unrelated replacement"
REWORD_TIER = "60-85% reword in place"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion k/n (sound near 0 and 1, where the
    normal approximation gives negative bounds)."""
    if not n:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def pooled_runs(sources: list[Source], seeds: list[int], settings: AlignSettings,
                done: dict[int, dict[str, dict[str, Score]]] | None = None,
                pools: Pools | None = None) -> tuple[dict[int, dict[str, Score]], dict[str, float]]:
    """The trap and rewording tiers at each seed (the results already in `done`, by
    seed, reused), and where the time went: making the cases (the trap's look-alike
    search scores each candidate article against the pool of other laws) vs aligning."""
    pools = pools or make_pools(sources)
    per_seed: dict[int, dict[str, Score]] = {}
    spent = {"cases and scoring": 0.0, "align": 0.0}
    for seed in seeds:
        have = (done or {}).get(seed, {})
        if TRAP_TIER in have and REWORD_TIER in have:
            per_seed[seed] = {t: have[t]["policydiff"] for t in (TRAP_TIER, REWORD_TIER)}
            continue
        t0 = time.perf_counter()
        got = run(sources, [TRAP_TIER, REWORD_TIER], seed, settings, baseline=False, pools=pools)
        total = time.perf_counter() - t0
        aligned = sum(by["policydiff"].seconds for by in got.values())
        spent["align"] += aligned
        spent["cases and scoring"] += max(0.0, total - aligned)
        per_seed[seed] = {t: by["policydiff"] for t, by in got.items()}
    return per_seed, spent


def pooled_table(per_seed: dict[int, dict[str, Score]]) -> str:
    def cell(k: int, n: int, percent: bool) -> str:
        if percent:
            return f"{k} / {n} ({100 * k / n:.1f} %)" if n else "–"
        return f"{k} / {n} ({k / n:.3f})" if n else "–"

    lines = ["| seed | unrelated replacement wrongly paired (target ≤ 3 %) | 60–85 % rewording in place found (target ≥ 0.97) |",
             "|---|---|---|"]
    tk = tn = rk = rn = 0
    for seed, by in per_seed.items():
        trap, reword = by[TRAP_TIER], by[REWORD_TIER]
        lines.append(f"| {seed} | {cell(trap.added_linked, trap.added, True)} | "
                     f"{cell(reword.edited_pairs_found, reword.edited_pairs, False)} |")
        tk, tn = tk + trap.added_linked, tn + trap.added
        rk, rn = rk + reword.edited_pairs_found, rn + reword.edited_pairs
    lo, hi = wilson(tk, tn)
    rlo, rhi = wilson(rk, rn)
    seeds = list(per_seed)
    lines.append(f"| **pooled {seeds[0]}–{seeds[-1]}** | **{tk} / {tn} = {100 * tk / max(tn, 1):.2f} %** "
                 f"(95 % interval {100 * lo:.2f}–{100 * hi:.2f} %) | **{rk} / {rn} = {rk / max(rn, 1):.3f}** "
                 f"(95 % interval {rlo:.3f}–{rhi:.3f}) |")
    return "\n".join(lines)


def _fmt(v) -> str:
    if isinstance(v, float):
        return "–" if v != v else f"{v:.3f}"
    return str(v)


def table(results: dict[str, dict[str, Score]]) -> str:
    cols = ["cases", "P", "R", "F1", "edited F1", "splits", "merges", "add/rem F1", "added linked",
            "edited 1:1 found", "renumbered", "moved", "violations"]
    if any(sc.lossless for by in results.values() for sc in by.values()) or LOSSLESS_SHOWN:
        cols.append("lossless")
    lines = ["| tier | aligner | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for tier, by in results.items():
        for name, sc in by.items():
            if not sc.cases:
                continue
            row = sc.row()
            lines.append(f"| {tier} | {name} | " + " | ".join(_fmt(row[c]) for c in cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", type=int, default=0, help="use the first N corpus documents (0 = all)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print up to N wrong cases")
    ap.add_argument("--tiers", default="", help="comma-separated subset of tiers")
    ap.add_argument("--seed-repeats", type=int, default=30, help="revisions per tier of the seed's measures")
    ap.add_argument("--lossless", action="store_true",
                    help="also redline every change with policydiff.compare and count lossless violations")
    ap.add_argument("--same-doc-clauses", action="store_true",
                    help="stress variant: reword with clauses of the same document")
    ap.add_argument("--pool-seeds", type=int, default=16,
                    help="issue 11's trap and rewording rates pooled over seeds SEED..SEED+N-1 (0 = off)")
    args = ap.parse_args(argv)
    global LOSSLESS_SHOWN
    LOSSLESS_SHOWN = args.lossless
    settings = AlignSettings()
    sources = corpus_sources()
    if args.docs:
        sources = sources[: args.docs]
    tiers = list(INTENSITY) + list(HARD)
    if args.tiers:
        tiers = [t for t in tiers if any(x.strip() and x.strip() in t for x in args.tiers.split(","))]
    t0 = time.perf_counter()
    results = run(sources, tiers, args.seed, settings, baseline=not args.no_baseline,
                  same_doc_clauses=args.same_doc_clauses, lossless=args.lossless)
    variant = ", rewording with the same document's clauses" if args.same_doc_clauses else ""
    print(f"## Alignment quality ({len(sources)} corpus documents, seed {args.seed}{variant})\n")
    print(table(results))
    if args.pool_seeds and not args.same_doc_clauses and (TRAP_TIER in tiers or REWORD_TIER in tiers):
        seeds = list(range(args.seed, args.seed + args.pool_seeds))
        t1 = time.perf_counter()
        per_seed, spent = pooled_runs(sources, seeds, settings, done={args.seed: results})
        print(f"\n## Unrelated replacement vs heavy rewording, pooled over seeds {seeds[0]}–{seeds[-1]}"
              f" ({len(sources)} corpus documents)\n")
        print(pooled_table(per_seed))
        print(f"\n(the {len(seeds) - 1} further seeds: {time.perf_counter() - t1:.1f} s wall, of which "
              + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()) + ")")
    seed_src = seed_source()
    if seed_src is not None:
        seed_tiers = [t for t in tiers if t in INTENSITY or t in SEED_TIERS]
        seed_results = run([seed_src], seed_tiers, args.seed, settings, baseline=not args.no_baseline,
                           repeats=args.seed_repeats,
                           pools=make_pools(sources + [seed_src], args.same_doc_clauses))
        print(f"\n## The seed's 17 measures ({args.seed_repeats} revisions per tier)\n")
        print(table(seed_results))
    gold_rows = real_gold_scores(settings)
    print("\n## Against the hand-checked real gold (benchmarks/gold/*.tsv)\n")
    print(gold_table(gold_rows))
    for r in gold_rows:
        if r["wrong"] or r["missed"]:
            print(f"\n{r['gold']}: wrong {r['wrong']}\n  missed {r['missed']}")
    print("\n## `moved` on the real gold pairs: one move per moved container, not one per article\n")
    print(gold_moved_table(gold_moved_rows(settings)))
    decisions = decision_scores(settings)
    print("\n## Against the official amendment decisions\n")
    print("| document | decision (modified / added / removed) | precision | recall | strict precision | strict recall |")
    print("|---|---|---|---|---|---|")
    for d in decisions:
        dec = d["decision"]
        print(f"| {d['document']} | {len(dec['modified'])} / {len(dec['added'])} / {len(dec['removed'])} | "
              f"{d['precision']:.2f} | {d['recall']:.2f} | {d['precision_strict']:.2f} | {d['recall_strict']:.2f} |")
    print("\n(strict: an article whose only change is the citation form 《中华人民共和国X法》 -> X法,"
          " a conforming edit the decision does not list, counts as modified)")
    for d in decisions:
        if d["precision_strict"] < 1 or d["recall_strict"] < 1:
            print(f"\n{d['document']}: decision {d['decision']}\n  found {d['found']}\n  strict {d['found_strict']}")
    if args.errors:
        print("\n## Some errors (tier, source, wrong edges, missed edges)")
        for tier, by in results.items():
            for e in by["policydiff"].errors[: args.errors]:
                print(e)
    pooled_json = {}
    if args.pool_seeds and not args.same_doc_clauses and (TRAP_TIER in tiers or REWORD_TIER in tiers):
        pooled_json = {str(seed): {t: {"k": (sc.added_linked if t == TRAP_TIER else sc.edited_pairs_found),
                                       "n": (sc.added if t == TRAP_TIER else sc.edited_pairs)}
                                   for t, sc in by.items()} for seed, by in per_seed.items()}
    total = sum(s.seconds for by in results.values() for s in [by["policydiff"]])
    print(f"\n(align time {total:.2f} s over all cases; wall {time.perf_counter() - t0:.1f} s)")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "alignment.json").write_text(json.dumps({
        "settings": settings.as_dict(),
        "tiers": {t: {n: s.row() for n, s in by.items()} for t, by in results.items()},
        "decisions": decisions,
        "real_gold": gold_rows,
        "pooled_seeds": pooled_json,
    }, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
