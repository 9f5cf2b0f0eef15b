"""The data model: frozen dataclasses shared by every layer.

Functional core: nothing here does I/O. Documents are built by `structure.parse`,
versions by `archive`, comparisons by `compare.compare`; renderers only read them.

Ordinals are 1-based positions of measures in document order (DESIGN §2). Block indexes
are 0-based positions in `Document.blocks` (every node, measures or not).
"""

from __future__ import annotations

import collections
import enum
import functools
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Iterator, Mapping


class BlockKind(str, enum.Enum):
    CONTAINER = "container"  # 第X编/章/节, or 一、/(一) with numbered measures below
    MEASURE = "measure"  # the finest numbered level that carries content
    TEXT = "text"  # unnumbered: title, notice, preamble, closing text, stray lines


@dataclass(frozen=True)
class Block:
    """One node of a parsed document: a contiguous span of the clean text.

    Lossless: "".join(b.raw for b in doc.blocks) == doc.text, always.
    """

    index: int  # 0-based position in Document.blocks
    kind: BlockKind
    level: str  # numbering style / rank: "part", "chapter", "section", "article",
    # "cn-top" (一、), "cn-paren" ((一)), "arabic" (1.), "arabic-paren" ((1)),
    # "circled" (①), "en-article", "en-section", "alpha-paren" ((a));
    # for TEXT blocks: "title", "notice", "preamble", "closing", "paragraph", "note" (an editor's footnote)
    label: str  # the number as printed: "5.", "第十二条", "（三）"; "" for TEXT
    number: int | None  # the label's value: 5, 12, 3
    sub_number: int | None  # 第十条之一 -> 1; None otherwise
    heading: str  # first line's content after the label ("" when none)
    text: str  # content without the label: heading line included, paragraphs joined by "\n"
    raw: str  # the exact span of Document.text that this block covers (label included)
    start: int  # offset of raw in Document.text
    parent: int | None  # index of the enclosing CONTAINER block, None at top level
    ordinal: int | None = None  # 1-based, measures only

    @property
    def end(self) -> int:
        return self.start + len(self.raw)


def new_block(index: int, kind: BlockKind, level: str, label: str, number: int | None, sub_number: int | None,
              heading: str, text: str, raw: str, start: int, parent: int | None, ordinal: int | None = None) -> Block:
    """`Block(...)` with these fields, made faster for the parser's tens of thousands of
    blocks (issue 14): a frozen dataclass's __init__ sets each of the 12 fields through
    object.__setattr__ (1.75 µs a block); here the instance gets its dict at once, made by
    a dict display in field order (0.5 µs called with positional arguments; filling the
    instance's own dict by update(**fields) was 0.8-1.15 µs). The same object: equal, same
    hash, same vars() and pickle (tests/test_structure.py checks it against Block(...))."""
    block = _new_object(Block)
    _set_attribute(block, "__dict__", {
        "index": index, "kind": kind, "level": level, "label": label, "number": number, "sub_number": sub_number,
        "heading": heading, "text": text, "raw": raw, "start": start, "parent": parent, "ordinal": ordinal})
    return block


_new_object, _set_attribute = object.__new__, object.__setattr__


@dataclass(frozen=True)
class Repeal:
    """A repeal clause: 「原《title》(doc_no)同时废止」 and its variants."""

    title: str | None
    doc_no: str | None
    clause: str  # the sentence as written, verbatim
    verb: str = "废止"  # 废止 / 停止执行 / 不再执行 ...


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata extracted from a text (or given on the command line)."""

    title: str | None = None
    doc_no: str | None = None  # 文号, never invented
    issuers: tuple[str, ...] = ()
    issued: str | None = None  # ISO date of 印发/公布
    effective: str | None = None  # ISO date of 施行, when the text says it
    published: str | None = None  # a web page's 发布时间 date, when present
    effective_clause: str | None = None  # 「本措施自印发之日起施行」, verbatim
    repeals: tuple[Repeal, ...] = ()


@dataclass(frozen=True)
class Document:
    text: str  # the clean text
    blocks: tuple[Block, ...]
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    notes: tuple[str, ...] = ()  # e.g. "no numbering found: kept as paragraphs"

    # Worked out once per Document (functools.cached_property keeps the tuple in the
    # instance's dict, beside the fields: equality, hash and repr read the fields only). A
    # compare asked for them ~10 times, each a pass over every block (issue 14).
    @functools.cached_property
    def measures(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind is BlockKind.MEASURE)

    @functools.cached_property
    def containers(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind is BlockKind.CONTAINER)

    def measure(self, ordinal: int) -> Block:
        return self.measures[ordinal - 1]

    def ancestors(self, block: Block) -> tuple[Block, ...]:
        """Enclosing containers, outermost first."""
        chain: list[Block] = []
        parent = block.parent
        while parent is not None:
            chain.append(self.blocks[parent])
            parent = self.blocks[parent].parent
        return tuple(reversed(chain))

    def path(self, block: Block) -> tuple[str, ...]:
        """Labels of the enclosing containers, outermost first: ("一、", "（一）")."""
        return tuple(b.label for b in self.ancestors(block))


@dataclass(frozen=True)
class Source:
    """Where a version's text came from (provenance)."""

    file: str | None = None  # archive-relative path of the kept source bytes
    url: str | None = None
    retrieved: str | None = None  # ISO date
    sha256: str | None = None  # of the source bytes


@dataclass(frozen=True)
class Version:
    """One version of a work as archived (or a plain file compared without an archive)."""

    work: str | None
    version: str | None
    meta: DocumentMeta
    has_text: bool
    document: Document | None = None
    source: Source = field(default_factory=Source)
    text_sha256: str | None = None  # sha256 of Document.text, UTF-8
    notes: tuple[str, ...] = ()
    commit: str | None = None  # the git commit that added this version
    path: str | None = None  # for plain files compared without an archive
    # The archived file in the work tree is not what `commit` holds: "modified" (an edit
    # not committed) or "not committed" (never committed); None when it is (or for a plain
    # file). Set by the shell, which asks git; every output that cites `commit` says so.
    uncommitted: str | None = None

    @property
    def ref(self) -> str:
        if self.work and self.version:
            return f"{self.work}@{self.version}"
        return self.path or ""


class ChangeKind(str, enum.Enum):
    UNCHANGED = "unchanged"  # 1:1, same text
    MODIFIED = "modified"  # 1:1
    SPLIT = "split"  # 1 old -> >=2 new
    MERGED = "merged"  # >=2 old -> 1 new
    ADDED = "added"  # new only
    REMOVED = "removed"  # old only


# A redline segment: ("=", s) common, ("-", s) old only, ("+", s) new only.
Segment = tuple[str, str]


@dataclass(frozen=True)
class Change:
    """One entry of an alignment (DESIGN §5)."""

    kind: ChangeKind
    old: tuple[int, ...]  # ordinals in the old version
    new: tuple[int, ...]  # ordinals in the new version
    similarity: float  # 0.0..1.0
    segments: tuple[Segment, ...]
    renumbered: bool = False
    moved: bool = False
    flags: tuple[str, ...] = ()  # substance flags: "money", "percent", "date", "count",
    # "modal", "editorial" ...


def new_change(kind: ChangeKind, old: tuple[int, ...], new: tuple[int, ...], similarity: float,
               segments: tuple[Segment, ...], renumbered: bool, moved: bool, flags: tuple[str, ...]) -> Change:
    """`Change(...)` with these fields, its dict made at once by a dict display in field
    order as new_block does (compare makes one per measure: 1.5 -> 0.6 us each with
    update(**fields); the display, called with positional arguments, saves ~0.2 us more:
    issue 14, tail2). The same object: equal, same hash, same vars() and pickle
    (tests/test_align_speed.py checks it against Change(...))."""
    change = _new_object(Change)
    _set_attribute(change, "__dict__", {"kind": kind, "old": old, "new": new, "similarity": similarity,
                                        "segments": segments, "renumbered": renumbered, "moved": moved,
                                        "flags": flags})
    return change


@dataclass(frozen=True)
class CarriedRun:
    """Measures that moved together, in their old order, from one old container into a
    container only the new version has (a newly carved chapter or section) or into a
    container both versions have that is not their old container's match (articles that
    left one kept chapter together for another), or out of a container only the old
    version has into one new container (a dissolved chapter merged into another): one
    structural change, said once on that container, not one
    `moved` per measure.

    old/new: measure ordinals (1-based) of the run's matches, every part of a split or
    merge included; old_container: block index of the old container they left (its
    nearest matched one), with its label and heading as printed."""

    old_container: int | None
    old_label: str
    old_heading: str
    old: tuple[int, ...]
    new: tuple[int, ...]
    old_labels: tuple[str, ...] = ()
    new_labels: tuple[str, ...] = ()
    # the new container they now stand in (the added container itself for carried_in;
    # for carried_out, the container they joined, its nearest matched one)
    new_container: int | None = None
    new_label: str = ""
    new_heading: str = ""


@dataclass(frozen=True)
class ContainerChange:
    """A chapter/section matched (or not) between versions, by heading and content."""

    kind: str  # "unchanged" | "renamed" | "renumbered" | "added" | "removed"
    old: int | None  # block index in the old document
    new: int | None  # block index in the new document
    old_label: str = ""
    new_label: str = ""
    old_heading: str = ""
    new_heading: str = ""
    segments: tuple[Segment, ...] = ()  # redline of the heading
    # Matched containers: the container moved (out of order among its siblings, or now
    # under another container). Reported once here: the measures that moved with it
    # are not each `moved`.
    moved: bool = False
    # Added containers: the runs of measures carried into it from old containers; a
    # matched container: the runs that came in together from another matched container
    # (not this one's match). Each reported once here; their measures are not each `moved`.
    carried_in: tuple[CarriedRun, ...] = ()
    # Removed containers: the runs of its measures that joined one new container
    # together (each reported once here; their measures are not each `moved`).
    carried_out: tuple[CarriedRun, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    """A document-level difference: title, issuers, dates, repeal clauses, preamble."""

    field: str
    old: str | None
    new: str | None
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class Comparison:
    old: Version
    new: Version
    changes: tuple[Change, ...]
    container_changes: tuple[ContainerChange, ...] = ()
    document_changes: tuple[FieldChange, ...] = ()
    settings: Mapping[str, object] = field(default_factory=dict)
    tool: tuple[str, str] = ("policydiff", "0")
    # The git commit of the tool's own code when it runs from a checkout ("<sha>", or
    # "<sha>+modified" when its files differ from that commit); None when not known (an
    # installed package): absent rather than wrong. Set by the shell (checkout.py).
    tool_commit: str | None = None

    @property
    def comparable(self) -> bool:
        """Both sides have a parsed text, so measures were aligned. False: `changes` is
        empty because a side has no text, not because nothing changed."""
        return bool(self.old.has_text and self.new.has_text and self.old.document is not None
                    and self.new.document is not None)

    def summary(self) -> dict[str, int]:
        # counted in C (Counter over the kinds, sum over the flags), not a dict update per
        # change: the 10,462 changes of issue 14's test compilation 2.7 -> 0.9 ms; the same
        # counts in the same key order (tests/test_json_encoding.py)
        counts = {k.value: 0 for k in ChangeKind}
        for kind, count in collections.Counter(map(attrgetter("kind"), self.changes)).items():
            counts[kind.value] += count
        counts["renumbered"] = sum(map(attrgetter("renumbered"), self.changes))
        counts["moved"] = sum(map(attrgetter("moved"), self.changes))
        return counts

    def iter_old_fates(self) -> Iterator[tuple[int, Change]]:
        """(old ordinal, the change it landed in), in old order."""
        fates = {o: c for c in self.changes for o in c.old}
        return iter(sorted(fates.items()))

    def iter_new_origins(self) -> Iterator[tuple[int, Change]]:
        origins = {n: c for c in self.changes for n in c.new}
        return iter(sorted(origins.items()))
