"""Document <-> the structured Markdown body of an archived version (DESIGN §3).

Functional core: no I/O. ``from_markdown(to_markdown(doc))`` gives back the same blocks
and the same text, for every Document (parsed, built by hand or with docbuild).

The scheme (what an auditor reads and may correct by hand)
==========================================================

- Every source line is written on a line of its own, followed by a blank line (so that a
  Markdown viewer shows paragraphs as in the source; blank lines carry no content).
- The first line of a container or measure is a heading: ``#`` × (depth + 2), a space,
  then the line exactly as in the source (label included), depth = number of ancestors::

      ## 一、主要举措
      ### (一)培育世界一流的创新型企业
      #### 1.支持科技型小微企业发展

  Kind, level, label, number, heading and parent are *derived* when reading: the label
  by the parser's own ``structure.classify_line``; the parent from the heading depths; the
  kind by the leaf rule (a heading with blocks below it is a container, one without is a
  measure). So demoting a mis-parsed measure is deleting its ``#### `` (the line joins
  the block above), promoting a line is adding one, re-nesting is changing the count.
- A TEXT block (title, notice, preamble, closing, paragraph …) is introduced by a marker
  line, an HTML comment that Markdown viewers do not show::

      <!-- policydiff: text preamble -->

- Markers appear only where needed: before TEXT blocks, for each ``Document.notes``
  entry (``<!-- policydiff: note "…" -->``, at the top), at the very end when the text
  has no final newline (``<!-- policydiff: no-final-newline -->``), and, for a block
  whose stored fields differ from what would be derived (a container with no blocks
  below it, a label the grammar does not know, a TEXT block inside a container), a
  marker with those fields as JSON: ``<!-- policydiff: container {"level": "chapter"} -->``.
- Escaping: a source line that is empty or blank, or starts with ``#``, ``\\`` or
  ``<!-- policydiff``, is written with a leading ``\\``; reading drops exactly one. So a
  line that starts with ``<!-- policydiff`` is always a marker, and a damaged one is
  refused (BadInputError naming the line), never read as policy text.

>>> from policydiff.structure import parse
>>> doc = parse("示例市促进创新若干措施(测试用虚构文本)\\n一、总则\\n1.支持创新\\n#标签\\n2.支持创业\\n")
>>> print(to_markdown(doc), end="")
<!-- policydiff: text title -->
示例市促进创新若干措施(测试用虚构文本)
<BLANKLINE>
## 一、总则
<BLANKLINE>
### 1.支持创新
<BLANKLINE>
\\#标签
<BLANKLINE>
### 2.支持创业
>>> from_markdown(to_markdown(doc)).blocks == doc.blocks
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .errors import BadInputError
from .model import Block, BlockKind, Document, DocumentMeta
from .structure import classify_line

__all__ = ["to_markdown", "from_markdown", "MARKER_PREFIX"]

MARKER_PREFIX = "<!-- policydiff:"
_MARKER = re.compile(r"^<!-- policydiff: (?P<word>[a-z-]+)(?: (?P<level>[A-Za-z][\w-]*))?(?: (?P<json>[{\"].*))? -->$")
_ESCAPE = "\\"
_MARKER_WORDS = ("note", "no-final-newline", "text", "container", "measure")
# Fields a marker may carry for a heading or TEXT block, beyond what is derived.
_OVERRIDABLE = ("level", "label", "number", "sub_number", "heading", "text")


def _needs_escape(line: str) -> bool:
    return not line.strip() or line.startswith(("#", _ESCAPE, MARKER_PREFIX))


def _json(value: object) -> str:
    # "-->" must not end the comment early; "<" and ">" are escaped inside JSON strings.
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")


def _lines(raw: str) -> list[str]:
    parts = raw.split("\n")
    return parts[:-1] if raw.endswith("\n") else parts


@dataclass
class _Proto:
    """A block being read back: its lines and what the Markdown says about it."""

    heading: bool
    depth: int
    lines: list[str] = field(default_factory=list)
    kind: BlockKind | None = None  # from a marker; None = derive
    level: str | None = None
    overrides: dict = field(default_factory=dict)
    parent: int | None = None


def _derive(proto: _Proto, has_children: bool) -> dict:
    """The fields of a block as derived from its lines and place."""
    first = proto.lines[0] if proto.lines else ""
    if proto.heading:
        cand = classify_line(first)
        kind = BlockKind.CONTAINER if has_children else BlockKind.MEASURE
        if cand is None:
            heading = first.lstrip(" \t\u3000")
            fields = {"level": "heading", "label": "", "number": None, "sub_number": None}
        else:
            heading = cand.heading
            fields = {"level": cand.style, "label": cand.label, "number": cand.number,
                      "sub_number": cand.sub_number}
        fields.update(kind=kind, heading=heading, text="\n".join([heading] + proto.lines[1:]))
        return fields
    return {"kind": BlockKind.TEXT, "level": "paragraph", "label": "", "number": None,
            "sub_number": None, "heading": "", "text": "\n".join(proto.lines)}


def to_markdown(doc: Document) -> str:
    """The archive's .md body for a document (see the module docstring)."""
    out: list[str] = []
    for note in doc.notes:
        out.append(f"{MARKER_PREFIX} note {_json(note)} -->")
    depth_of: dict[int, int] = {}
    has_children = {b.parent for b in doc.blocks if b.parent is not None}
    for block in doc.blocks:
        depth = 0 if block.parent is None else depth_of[block.parent] + 1
        depth_of[block.index] = depth
        lines = _lines(block.raw)
        is_heading = block.kind is not BlockKind.TEXT
        proto = _Proto(heading=is_heading, depth=depth, lines=lines)
        derived = _derive(proto, block.index in has_children)
        overrides = {name: getattr(block, name) for name in _OVERRIDABLE
                     if getattr(block, name) != derived[name] and not (name == "level" and not is_heading)}
        if is_heading:
            if block.kind is not derived["kind"] or overrides:
                payload = f" {_json(overrides)}" if overrides else ""
                out.append(f"{MARKER_PREFIX} {block.kind.value}{payload} -->")
        else:
            if depth:
                overrides["depth"] = depth
            marker = f"{MARKER_PREFIX} text {block.level}"
            if not re.fullmatch(r"[A-Za-z][\w-]*", block.level or ""):
                overrides["level"] = block.level
                marker = f"{MARKER_PREFIX} text"
            out.append(marker + (f" {_json(overrides)}" if overrides else "") + " -->")
        for i, line in enumerate(lines):
            if i == 0 and is_heading:
                out.append("#" * (depth + 2) + " " + line)
            else:
                out.append(_ESCAPE + line if _needs_escape(line) else line)
            out.append("")
    if doc.text and not doc.text.endswith("\n"):
        out.append(f"{MARKER_PREFIX} no-final-newline -->")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + ("\n" if out else "")


def from_markdown(body: str, meta: DocumentMeta = DocumentMeta()) -> Document:
    """Read a body written by ``to_markdown`` (possibly corrected by hand) back."""
    protos: list[_Proto] = []
    notes: list[str] = []
    pending: tuple[BlockKind, dict] | None = None
    final_newline = True
    stack: list[int] = []  # proto index of the open heading at each depth

    for line_no, line in enumerate(body.split("\n"), start=1):
        if not line.strip():
            continue
        if line.startswith(MARKER_PREFIX):
            # A line that starts like a marker is one (source lines that do are escaped),
            # so a damaged marker is an error, never silently text.
            match = _MARKER.match(line.rstrip())
            try:
                if not match or match.group("word") not in _MARKER_WORDS:
                    raise ValueError(line)
                payload = match.group("json")
                data = json.loads(payload) if payload else None
                if match.group("word") in ("text", "container", "measure") and data is not None \
                        and not isinstance(data, dict):
                    raise ValueError(line)
                if isinstance(data, dict) and "depth" in data:
                    int(data["depth"])
            except (ValueError, TypeError):
                raise BadInputError(
                    f"line {line_no} of the structured text is a damaged policydiff marker: {line[:80]!r}; "
                    "restore it as written (e.g. '<!-- policydiff: text preamble -->') "
                    "or escape a text line with a leading '\\'"
                ) from None
            word, level = match.group("word"), match.group("level")
            if word == "note":
                notes.append(str(data))
            elif word == "no-final-newline":
                final_newline = False
            elif word == "text":
                overrides = dict(data or {})
                depth = int(overrides.pop("depth", 0))
                proto = _Proto(heading=False, depth=depth, kind=BlockKind.TEXT,
                               level=overrides.pop("level", level) or "paragraph", overrides=overrides)
                if depth and stack:
                    proto.parent = stack[min(depth, len(stack)) - 1]
                protos.append(proto)
            elif word in ("container", "measure"):
                pending = (BlockKind(word), dict(data or {}))
            continue
        if line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            rest = line[hashes:]
            rest = rest[1:] if rest.startswith(" ") else rest
            depth = min(max(hashes - 2, 0), len(stack))
            del stack[depth:]
            proto = _Proto(heading=True, depth=depth, lines=[rest])
            proto.parent = stack[-1] if stack else None
            if pending:
                proto.kind, proto.overrides = pending[0], pending[1]
                pending = None
            stack.append(len(protos))
            protos.append(proto)
            continue
        content = line[1:] if line.startswith(_ESCAPE) else line
        if not protos:
            protos.append(_Proto(heading=False, depth=0, kind=BlockKind.TEXT, level="paragraph"))
        protos[-1].lines.append(content)

    # A TEXT marker with nothing under it (a hand edit) holds no text: drop it. Only
    # headings are parents, and a heading always has its line, so parents survive.
    kept = [i for i, p in enumerate(protos) if p.lines]
    renumber = {old: new for new, old in enumerate(kept)}
    protos = [protos[i] for i in kept]
    for proto in protos:
        proto.parent = None if proto.parent is None else renumber[proto.parent]
    parents = {p.parent for p in protos if p.parent is not None}
    blocks: list[Block] = []
    offset = 0
    ordinal = 0
    pieces: list[str] = []
    for index, proto in enumerate(protos):
        derived = _derive(proto, index in parents)
        kind = proto.kind or derived["kind"]
        fields = {name: derived[name] for name in _OVERRIDABLE}
        if not proto.heading:
            fields["level"] = proto.level or "paragraph"
        fields.update({k: v for k, v in proto.overrides.items() if k in _OVERRIDABLE})
        raw = "".join(line + "\n" for line in proto.lines)
        if index == len(protos) - 1 and not final_newline:
            raw = raw[:-1]
        if kind is BlockKind.MEASURE:
            ordinal += 1
        blocks.append(Block(
            index=index, kind=kind, level=fields["level"], label=fields["label"],
            number=fields["number"], sub_number=fields["sub_number"], heading=fields["heading"],
            text=fields["text"], raw=raw, start=offset, parent=proto.parent,
            ordinal=ordinal if kind is BlockKind.MEASURE else None,
        ))
        pieces.append(raw)
        offset += len(raw)
    return Document(text="".join(pieces), blocks=tuple(blocks), meta=meta, notes=tuple(notes))
