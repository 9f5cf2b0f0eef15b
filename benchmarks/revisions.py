"""Seeded revisions of real texts with known ground truth (for benchmarks/alignment.py).

Source documents are corpus versions (../shared/corpus), read with a small regex of our
own (`第X条 ` paragraphs, `## 第X章`-style headings) and rebuilt with DocBuilder, so the
ground truth never depends on policydiff's parser. Every edit uses real text only:
rewording substitutes, deletes or inserts clauses taken from OTHER corpus documents (or,
for boilerplate, from other penalty articles of the same document); inserted articles
are real articles of other documents. Nothing is invented.

A revision is a list of chapters holding `Art`s; each `Art` remembers which old ordinals
it came from, so the truth (pairs, kinds, flags) falls out of building the new document.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from policydiff.align import moved_units  # noqa: E402  (same definition of "moved")
from policydiff.docbuild import DocBuilder  # noqa: E402
from policydiff.model import Document  # noqa: E402

_CN_DIGITS = "零一二三四五六七八九"
_ARTICLE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?\s+")
_HEADING = re.compile(r"^#+\s*第([零〇一二三四五六七八九十百千]+)([编章节])\s*(.*)$")
_CLAUSE = re.compile(r"[^，；。：！？\n]+[，；。：！？]?")


def cn_to_int(s: str) -> int:
    total = section = digit = 0
    for ch in s:
        if ch in _CN_DIGITS or ch == "〇":
            digit = 0 if ch == "〇" else _CN_DIGITS.index(ch)
        elif ch in "十百千":
            section += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = 0
    return total + section + digit


def int_to_cn(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _CN_DIGITS[hundreds] + "百"
    if rest < 10:
        return _CN_DIGITS[hundreds] + "百零" + _CN_DIGITS[rest]
    tail = int_to_cn(rest)
    if rest < 20:
        tail = "一" + tail
    return _CN_DIGITS[hundreds] + "百" + tail


@dataclass
class Art:
    origin: tuple[int, ...]  # old ordinals (1-based); () = added
    text: str
    edited: bool = False
    split_group: int | None = None  # parts of one split share an id


@dataclass
class Chap:
    heading: str | None  # None = no container (a document without chapters)
    origin: int | None  # old chapter position (0-based) it continues; None = new
    arts: list[Art] = field(default_factory=list)


@dataclass
class Source:
    name: str
    chapters: list[tuple[str | None, list[str]]]  # (chapter heading, article texts)
    style: str = "law"  # numbering of the rebuilt documents (see build)

    @property
    def n_articles(self) -> int:
        return sum(len(a) for _, a in self.chapters)


def article_start(line: str, previous: int | None) -> re.Match | None:
    """A `第X条 ` line that continues the numbering (previous < X <= previous + 3, or a
    第X条之一). Upstream texts have wrapped lines that start with a cited article
    (「第五十二条 以及本规定……」 inside article 13); those are not articles."""
    m = _ARTICLE.match(line)
    if not m:
        return None
    number = cn_to_int(m.group(1))
    if previous is None or previous < number <= previous + 3 or (m.group(2) and number == previous):
        return m
    return None


def read_source(path: Path, name: str | None = None) -> Source:
    """Chapters (第X章 only; 编 and 节 are folded into them) and article texts."""
    chapters: list[tuple[str | None, list[str]]] = [(None, [])]
    current: list[str] | None = None
    previous: int | None = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        line = line.replace("\u200b", "")
        heading = _HEADING.match(line)
        article = article_start(line, previous)
        if article:
            previous = cn_to_int(article.group(1))
        if heading:
            current = None
            if heading.group(2) == "章":
                chapters.append((heading.group(3).replace("\u3000", "").strip() or "章", []))
        elif line.startswith("#") or line.startswith("<!--"):
            current = None
        elif article:
            current = [line[article.end():].strip()]
            chapters[-1][1].append(current)  # type: ignore[arg-type]
        elif current is not None and line.strip():
            current.append(line.strip())
    out = [(h, ["\n".join(a) for a in arts]) for h, arts in chapters if arts]  # type: ignore[misc]
    return Source(name or str(path), out)


def old_revision(src: Source) -> list[Chap]:
    chaps: list[Chap] = []
    ordinal = 0
    for pos, (heading, texts) in enumerate(src.chapters):
        arts = []
        for t in texts:
            ordinal += 1
            arts.append(Art((ordinal,), t))
        chaps.append(Chap(heading, pos, arts))
    return chaps


def build(chaps: list[Chap], title: str, style: str = "law") -> tuple[Document, list[int | None]]:
    """A Document with sequential numbers; returns also, per container block index order,
    the chapter origins (to map containers in the truth). style "law": 第X章 / 第X条;
    "policy": （一） / 1. (the seed's numbering)."""
    b = DocBuilder(title=title)
    number = 0
    chapter_no = 0
    origins: list[int | None] = []

    def measure(text: str) -> None:
        nonlocal number
        number += 1
        if style == "law":
            b.measure(f"第{int_to_cn(number)}条", number, text)
        else:
            b.measure(f"{number}.", number, text, level="arabic")

    for chap in chaps:
        if not chap.arts and chap.heading is not None:
            continue
        if chap.heading is None:
            for art in chap.arts:
                measure(art.text)
            continue
        chapter_no += 1
        origins.append(chap.origin)
        if style == "law":
            label, level = f"第{int_to_cn(chapter_no)}章", "chapter"
        else:
            label, level = f"（{int_to_cn(chapter_no)}）", "cn-paren"
        with b.container(label, chapter_no, chap.heading, level=level):
            for art in chap.arts:
                measure(art.text)
    return b.build(), origins


@dataclass(frozen=True)
class Truth:
    """Ground truth as (kind, old ordinals, new ordinals, renumbered, moved) rows."""

    rows: tuple[tuple[str, tuple[int, ...], tuple[int, ...], bool, bool], ...]
    edited_old: frozenset[int]
    edited_new: frozenset[int]


def truth_of(old_doc: Document, old_origins: list[int | None], new_chaps: list[Chap],
             new_doc: Document, new_origins: list[int | None]) -> Truth:
    arts = [a for c in new_chaps for a in c.arts]
    n_old = len(old_doc.measures)
    rows: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = []
    seen_old: set[int] = set()
    by_split: dict[int, list[int]] = {}
    edited_old: set[int] = set()
    edited_new: set[int] = set()
    for j, art in enumerate(arts, 1):
        if art.edited:
            edited_new.add(j)
            edited_old.update(art.origin)
        if art.split_group is not None:
            by_split.setdefault(art.split_group, []).append(j)
            continue
        if not art.origin:
            rows.append(("added", (), (j,)))
        elif len(art.origin) > 1:
            rows.append(("merged", art.origin, (j,)))
        else:
            rows.append(("1:1", art.origin, (j,)))
        seen_old.update(art.origin)
    for gid, news in sorted(by_split.items()):
        origin = arts[news[0] - 1].origin
        rows.append(("split", origin, tuple(news)))
        seen_old.update(origin)
    for i in range(1, n_old + 1):
        if i not in seen_old:
            rows.append(("removed", (i,), ()))
            edited_old.add(i)
    # Container truth: old container block index -> new one, via chapter origins.
    old_cblocks = [c.index for c in old_doc.containers]
    new_cblocks = [c.index for c in new_doc.containers]
    cmap = {}
    for new_pos, origin in enumerate(new_origins):
        if origin is not None and origin in old_origins:
            cmap[old_cblocks[old_origins.index(origin)]] = new_cblocks[new_pos]
    units = sorted((o, n) for k, o, n in rows if o and n)
    # the aligner's definition of `moved` (order inside each container; a chapter that
    # moved as a block is the chapter's move), applied to the true pairs
    moved_at = moved_units([(tuple(x - 1 for x in o), tuple(x - 1 for x in n)) for o, n in units],
                           old_doc, new_doc, cmap)
    unit_rank = {u: r for r, u in enumerate(units)}
    out = []
    for kind, o, n in rows:
        renumbered = moved = False
        if kind == "1:1":
            ob, nb = old_doc.measure(o[0]), new_doc.measure(n[0])
            kind = "unchanged" if ob.text == nb.text else "modified"
            renumbered = ob.number != nb.number
            moved = unit_rank[(o, n)] in moved_at
        out.append((kind, o, n, renumbered, moved))
    out.sort(key=lambda r: (r[2][:1] or (0,), r[1][:1] or (0,)))
    return Truth(tuple(out), frozenset(edited_old), frozenset(edited_new))


# --- edit operations -----------------------------------------------------------------


class Reviser:
    """Applies seeded edits to a revision; pool = real text from other documents."""

    def __init__(self, chaps: list[Chap], rng: random.Random, pool_articles: list[str],
                 pool_clauses: list[str], pool_headings: list[str]):
        self.chaps = chaps
        self.rng = rng
        self.pool_articles = pool_articles
        self.pool_clauses = pool_clauses
        self.pool_headings = pool_headings
        self.split_ids = 0

    # helpers
    def positions(self, untouched: bool = True, min_len: int = 0) -> list[tuple[int, int]]:
        return [(c, a) for c, chap in enumerate(self.chaps) for a, art in enumerate(chap.arts)
                if (not untouched or (not art.edited and len(art.origin) == 1))
                and len(art.text) >= min_len]

    def pick(self, **kw) -> tuple[int, int] | None:
        pos = self.positions(**kw)
        return self.rng.choice(pos) if pos else None

    def reword_text(self, text: str, fraction: float, clauses: list[str] | None = None,
                    at_least_one: bool = True) -> str:
        parts = _CLAUSE.findall(text)
        if not parts:
            return text
        pool = clauses or self.pool_clauses
        # Clause granularity: always keep at least one clause (a fully replaced text is
        # an unrelated text, not a rewording), and round the share to whole clauses.
        k = min(round(fraction * len(parts)), len(parts) - 1)
        if k <= 0:
            if len(parts) < 2 or not at_least_one:
                return text
            k = 1
        # Keep the changed share of characters near the asked one: clauses differ in
        # length, so retry a few draws and keep the one closest to `fraction`.
        total = sum(map(len, parts))
        draws = [sorted(self.rng.sample(range(len(parts)), k)) for _ in range(8)]
        chosen = min(draws, key=lambda d: abs(sum(len(parts[x]) for x in d) / total - fraction))
        out = list(parts)
        for idx in reversed(chosen):
            roll = self.rng.random()
            replacement = self.rng.choice(pool)
            # keep the clause's closing mark so sentences still end properly
            tail = parts[idx][-1] if parts[idx][-1] in "，；。：！？" else ""
            body = replacement.rstrip("，；。：！？") + tail
            if roll < 0.7:
                out[idx] = body
            elif roll < 0.85 and len(out) > 1:
                del out[idx]
            else:
                out.insert(idx + 1, body)
        return "".join(out)

    # basic operations (return True when applied)
    def reword(self, lo: float = 0.1, hi: float = 0.6, at=None) -> bool:
        at = at or self.pick(min_len=20)
        if not at:
            return False
        art = self.chaps[at[0]].arts[at[1]]
        art.text = self.reword_text(art.text, self.rng.uniform(lo, hi))
        art.edited = True
        return True

    def punctuation(self) -> bool:
        at = self.pick()
        if not at:
            return False
        art = self.chaps[at[0]].arts[at[1]]
        table = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")"})
        new = art.text.translate(table)
        if new == art.text:
            return False
        art.text, art.edited = new, True
        return True

    def insert(self) -> bool:
        c = self.rng.randrange(len(self.chaps))
        a = self.rng.randint(0, len(self.chaps[c].arts))
        self.chaps[c].arts.insert(a, Art((), self.rng.choice(self.pool_articles), edited=True))
        return True

    def delete(self, at=None) -> bool:
        at = at or self.pick()
        if not at or sum(len(c.arts) for c in self.chaps) < 3:
            return False
        del self.chaps[at[0]].arts[at[1]]
        return True

    def move(self, reword: tuple[float, float] | None = None) -> bool:
        at = self.pick(min_len=20)
        if not at:
            return False
        art = self.chaps[at[0]].arts.pop(at[1])
        others = [c for c in range(len(self.chaps)) if c != at[0]] or [at[0]]
        c = self.rng.choice(others)
        if c == at[0]:  # no other chapter: move far within the document
            a = 0 if at[1] > len(self.chaps[c].arts) / 2 else len(self.chaps[c].arts)
        else:
            a = self.rng.randint(0, len(self.chaps[c].arts))
        if reword:
            art.text = self.reword_text(art.text, self.rng.uniform(*reword))
        art.edited = True
        self.chaps[c].arts.insert(a, art)
        return True

    def swap(self) -> bool:
        cands = [(c, a) for c, chap in enumerate(self.chaps) for a in range(len(chap.arts) - 1)
                 if not chap.arts[a].edited and not chap.arts[a + 1].edited
                 and len(chap.arts[a].origin) == 1 and len(chap.arts[a + 1].origin) == 1]
        if not cands:
            return False
        c, a = self.rng.choice(cands)
        arts = self.chaps[c].arts
        arts[a], arts[a + 1] = arts[a + 1], arts[a]
        arts[a].edited = True  # the one moved up is the moved one
        return True

    def split(self, parts: int = 2, reword: tuple[float, float] | None = None) -> bool:
        cands = []
        for c, a in self.positions():
            sentences = [s for s in re.findall(r"[^。；\n]+[。；]?\n?", self.chaps[c].arts[a].text) if s.strip()]
            if len(sentences) >= parts:
                cands.append((c, a, sentences))
        if not cands:
            return False
        c, a, sentences = self.rng.choice(cands)
        art = self.chaps[c].arts[a]
        total = sum(map(len, sentences))
        cuts, acc, target = [], 0, 1
        for k, s in enumerate(sentences[:-1]):
            acc += len(s)
            if acc >= target * total / parts and len(cuts) < parts - 1:
                cuts.append(k + 1)
                target += 1
        while len(cuts) < parts - 1:  # fall back to even sentence counts
            cuts = [round(len(sentences) * q / parts) for q in range(1, parts)]
        bounds = [0] + cuts + [len(sentences)]
        self.split_ids += 1
        new_arts = []
        for lo, hi in zip(bounds, bounds[1:]):
            text = "".join(sentences[lo:hi]).strip("\n")
            if reword:  # each part keeps most of its clauses (20-40% changed)
                text = self.reword_text(text, self.rng.uniform(*reword), at_least_one=False)
            new_arts.append(Art(art.origin, text, edited=True, split_group=self.split_ids))
        if any(not x.text for x in new_arts):
            return False
        self.chaps[c].arts[a:a + 1] = new_arts
        return True

    def merge(self, parts: int = 2, reword: tuple[float, float] | None = None) -> bool:
        cands = [(c, a) for c, chap in enumerate(self.chaps) for a in range(len(chap.arts) - parts + 1)
                 if all(not x.edited and len(x.origin) == 1 for x in chap.arts[a:a + parts])]
        if not cands:
            return False
        c, a = self.rng.choice(cands)
        group = self.chaps[c].arts[a:a + parts]
        if reword:  # reword each part, so that no part vanishes entirely
            text = "\n".join(self.reword_text(x.text, self.rng.uniform(*reword), at_least_one=False)
                             for x in group)
        else:
            text = "\n".join(x.text for x in group)
        origin = tuple(o for x in group for o in x.origin)
        self.chaps[c].arts[a:a + parts] = [Art(origin, text, edited=True)]
        return True

    def rename_heading(self) -> bool:
        named = [c for c in self.chaps if c.heading is not None]
        if not named or not self.pool_headings:
            return False
        chap = self.rng.choice(named)
        chap.heading = self.rng.choice(self.pool_headings)
        return True

    def move_chapter(self) -> bool:
        if len(self.chaps) < 3 or any(c.heading is None for c in self.chaps):
            return False
        k = self.rng.randrange(len(self.chaps))
        chap = self.chaps.pop(k)
        targets = [t for t in range(len(self.chaps) + 1) if t != k]
        self.chaps.insert(self.rng.choice(targets), chap)
        for art in chap.arts:
            art.edited = True
        return True

    def dissolve_chapter(self) -> bool:
        inner = [k for k in range(1, len(self.chaps) - 1) if self.chaps[k].heading is not None
                 and len(self.chaps[k].arts) >= 2]
        if not inner:
            return False
        k = self.rng.choice(inner)
        chap = self.chaps.pop(k)
        half = len(chap.arts) // 2
        for art in chap.arts:
            art.edited = True
        self.chaps[k - 1].arts.extend(chap.arts[:half])
        self.chaps[k].arts[0:0] = chap.arts[half:]
        return True

    def replace_in_place(self) -> bool:
        """Delete an article and insert an unrelated one at the same place (truth:
        removed + added). Neighbours stay untouched."""
        cands = [(c, a) for c, chap in enumerate(self.chaps) for a in range(1, len(chap.arts) - 1)
                 if not any(x.edited for x in chap.arts[a - 1:a + 2])]
        if not cands:
            return False
        c, a = self.rng.choice(cands)
        self.chaps[c].arts[a] = Art((), self.rng.choice(self.pool_articles), edited=True)
        return True

    def heavy_reword_in_place(self, lo: float = 0.6, hi: float = 0.85) -> bool:
        cands = [(c, a) for c, chap in enumerate(self.chaps) for a in range(1, len(chap.arts) - 1)
                 if not any(x.edited for x in chap.arts[a - 1:a + 2]) and len(chap.arts[a].text) >= 40]
        if not cands:
            return False
        return self.reword(lo, hi, at=self.rng.choice(cands))

    def boilerplate(self, penalty: list[tuple[int, int]]) -> bool:
        """Near-duplicate penalty articles: reword one with clauses of the OTHER penalty
        articles, swap two of them, and insert an article before them (renumbering)."""
        if len(penalty) < 3:
            return False
        texts = [self.chaps[c].arts[a].text for c, a in penalty]
        clauses = [cl for t in texts for cl in _CLAUSE.findall(t)]
        c, a = self.rng.choice(penalty)
        art = self.chaps[c].arts[a]
        own = set(_CLAUSE.findall(art.text))
        foreign = [cl for cl in clauses if cl not in own] or clauses
        art.text = self.reword_text(art.text, self.rng.uniform(0.2, 0.4), foreign)
        art.edited = True
        # swap two penalty articles that sit in the same chapter (reorder)
        same = [(p, q) for p in penalty for q in penalty if p[0] == q[0] and p[1] < q[1]]
        if same:
            (c1, a1), (c2, a2) = self.rng.choice(same)
            arts = self.chaps[c1].arts
            arts[a1], arts[a2] = arts[a2], arts[a1]
            arts[a1].edited = arts[a2].edited = True
        c0, a0 = min(penalty)
        self.chaps[c0].arts.insert(a0, Art((), self.rng.choice(self.pool_articles), edited=True))
        return True


PENALTY = re.compile(r"违反.{0,40}规定.{0,80}(?:罚款|责令|处分)")


def penalty_positions(chaps: list[Chap]) -> list[tuple[int, int]]:
    return [(c, a) for c, chap in enumerate(chaps) for a, art in enumerate(chap.arts)
            if PENALTY.search(art.text)]


# --- harder compound edits (issue 11): boilerplate traps, far splits and merges --------


def _unrelated(a: str, b: str, max_ratio: float = 0.55, max_run: int = 14) -> bool:
    """b shares no clause-length run with a and is not a near copy: an unrelated article,
    however much stock phrasing the two have in common (used to keep the trap honest:
    a related law's copy of the same provision is not "unrelated")."""
    from rapidfuzz.distance import Indel

    if Indel.normalized_similarity(a, b) >= max_ratio:
        return False
    longest = max((op.src_end - op.src_start for op in Indel.opcodes(a, b) if op.tag == "equal"), default=0)
    return longest < max_run


def similar_unrelated(text: str, pool: list[str], rng: random.Random, top: int = 5) -> str | None:
    """One of the `top` pool articles most similar to `text` by characters (stock phrases:
    「县级以上人民政府…主管部门」, 「违反本法规定…处…罚款」) that is still unrelated to it."""
    from rapidfuzz.distance import Indel

    scored = sorted(((Indel.normalized_similarity(text, p), k) for k, p in enumerate(pool)
                     if 0.5 * len(text) <= len(p) <= 2 * len(text)), reverse=True)
    picked = []
    for _, k in scored:
        if _unrelated(text, pool[k]):
            picked.append(pool[k])
            if len(picked) == top:
                break
    return rng.choice(picked) if picked else None


def _flat(chaps: list[Chap]) -> list[tuple[int, int]]:
    return [(c, a) for c, chap in enumerate(chaps) for a in range(len(chap.arts))]


class HardReviser(Reviser):
    """The compound edits of issue 11 on top of Reviser's."""

    def replace_similar_in_place(self) -> bool:
        """Delete an article and insert, at the same place, the most similar-looking
        unrelated article of another law (truth: removed + added): the boilerplate trap."""
        cands = [(c, a) for c, chap in enumerate(self.chaps) for a in range(1, len(chap.arts) - 1)
                 if not any(x.edited for x in chap.arts[a - 1:a + 2]) and len(chap.arts[a].text) >= 30]
        self.rng.shuffle(cands)
        for c, a in cands[:10]:
            other = similar_unrelated(self.chaps[c].arts[a].text, self.pool_articles, self.rng)
            if other is not None:
                self.chaps[c].arts[a] = Art((), other, edited=True)
                return True
        return False

    def far_split(self, reword: tuple[float, float] = (0.2, 0.4), min_distance: int = 5) -> bool:
        """Split an article in two; the second part lands at least `min_distance` articles
        away (usually another chapter), each part reworded."""
        flat = _flat(self.chaps)
        cands = []
        for c, a in self.positions(min_len=60):
            sentences = [s for s in re.findall(r"[^。；\n]+[。；]?\n?", self.chaps[c].arts[a].text) if s.strip()]
            if len(sentences) >= 2:
                cands.append((c, a, sentences))
        if not cands or len(flat) < 2 * min_distance + 2:
            return False
        c, a, sentences = self.rng.choice(cands)
        cut = max(1, len(sentences) // 2)
        texts = ["".join(sentences[:cut]).strip("\n"), "".join(sentences[cut:]).strip("\n")]
        texts = [self.reword_text(t, self.rng.uniform(*reword), at_least_one=False) for t in texts]
        if not all(texts):
            return False
        art = self.chaps[c].arts[a]
        self.split_ids += 1
        first = Art(art.origin, texts[0], edited=True, split_group=self.split_ids)
        second = Art(art.origin, texts[1], edited=True, split_group=self.split_ids)
        self.chaps[c].arts[a] = first
        here = flat.index((c, a))
        far = [k for k, (cc, aa) in enumerate(flat) if abs(k - here) >= min_distance]
        if not far:
            return False
        tc, ta = flat[self.rng.choice(far)]
        # insert after the target article, so the part sits between untouched ones
        self.chaps[tc].arts.insert(ta + 1, second)
        return True

    def far_merge(self, reword: tuple[float, float] = (0.2, 0.4), distance: tuple[int, int] = (3, 25)) -> bool:
        """Merge two articles that are not neighbours (3-25 articles apart) into one,
        each part reworded; the merged article stays at the first one's place."""
        flat = [p for p in _flat(self.chaps)]
        free = [k for k, (c, a) in enumerate(flat)
                if not self.chaps[c].arts[a].edited and len(self.chaps[c].arts[a].origin) == 1
                and len(self.chaps[c].arts[a].text) >= 20]
        pairs = [(x, y) for x in free for y in free if distance[0] <= y - x <= distance[1]]
        if not pairs:
            return False
        x, y = self.rng.choice(pairs)
        (c1, a1), (c2, a2) = flat[x], flat[y]
        one, two = self.chaps[c1].arts[a1], self.chaps[c2].arts[a2]
        text = "\n".join(self.reword_text(t.text, self.rng.uniform(*reword), at_least_one=False) for t in (one, two))
        self.chaps[c1].arts[a1] = Art(one.origin + two.origin, text, edited=True)
        del self.chaps[c2].arts[a2]
        return True

    def absorb(self, reword: tuple[float, float] = (0.2, 0.4), distance: tuple[int, int] = (3, 25)) -> bool:
        """An article is dropped and its content, reworded, appended to another article
        3-25 places away, which keeps its own text (truth: merged)."""
        flat = _flat(self.chaps)
        free = [k for k, (c, a) in enumerate(flat)
                if not self.chaps[c].arts[a].edited and len(self.chaps[c].arts[a].origin) == 1
                and len(self.chaps[c].arts[a].text) >= 20]
        pairs = [(x, y) for x in free for y in free if distance[0] <= abs(y - x) <= distance[1]]
        if not pairs:
            return False
        host_k, gone_k = self.rng.choice(pairs)
        (hc, ha), (gc, ga) = flat[host_k], flat[gone_k]
        host, gone = self.chaps[hc].arts[ha], self.chaps[gc].arts[ga]
        absorbed = self.reword_text(gone.text, self.rng.uniform(*reword), at_least_one=False)
        origin = tuple(sorted(host.origin + gone.origin))
        self.chaps[hc].arts[ha] = Art(origin, host.text + "\n" + absorbed, edited=True)
        del self.chaps[gc].arts[ga]
        return True
