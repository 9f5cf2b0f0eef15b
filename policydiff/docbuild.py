"""Build a Document directly from a structure spec, without going through the parser.

Used by tests and benchmarks that need documents with a known structure (ground truth
that does not depend on `structure.parse` being right). The result obeys every Document
invariant: blocks are lossless ("".join(raw) == text), ordinals are 1-based in order,
parents point at containers.

>>> b = DocBuilder(title="示例市促进创新若干措施(测试用虚构文本)")
>>> with b.container("第一章", 1, "总则", level="chapter"):
...     b.measure("第一条", 1, "为了促进创新，制定本办法。")
...     b.measure("第二条", 2, "本办法适用于本市。")
>>> doc = b.build()
>>> [m.label for m in doc.measures], doc.path(doc.measures[1])
(['第一条', '第二条'], ('第一章',))
>>> doc.text.splitlines()[2]
'第一条 为了促进创新，制定本办法。'
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from .model import Block, BlockKind, Document, DocumentMeta


class DocBuilder:
    def __init__(self, title: str | None = None, meta: DocumentMeta | None = None):
        self._blocks: list[Block] = []
        self._offset = 0
        self._parents: list[int] = []
        self._ordinal = 0
        self.meta = meta or DocumentMeta(title=title)
        if title:
            self.text(title, level="title")

    def _append(self, kind: BlockKind, level: str, label: str, number: int | None,
                body: str, sub_number: int | None = None) -> int:
        body = body.strip("\n")
        separator = " " if label.startswith("第") or label[:1].isalpha() else ""
        first_line = body.split("\n", 1)[0]
        raw = (label + separator if label else "") + body + "\n"
        ordinal = None
        if kind is BlockKind.MEASURE:
            self._ordinal += 1
            ordinal = self._ordinal
        block = Block(
            index=len(self._blocks), kind=kind, level=level, label=label, number=number,
            sub_number=sub_number, heading=first_line if kind is not BlockKind.TEXT else "",
            text=body, raw=raw, start=self._offset,
            parent=self._parents[-1] if self._parents else None, ordinal=ordinal,
        )
        self._blocks.append(block)
        self._offset += len(raw)
        return block.index

    def text(self, body: str, level: str = "paragraph") -> None:
        self._append(BlockKind.TEXT, level, "", None, body)

    def measure(self, label: str, number: int, body: str, level: str | None = None,
                sub_number: int | None = None) -> None:
        level = level or ("article" if label.startswith("第") else "arabic")
        self._append(BlockKind.MEASURE, level, label, number, body, sub_number)

    @contextlib.contextmanager
    def container(self, label: str, number: int, heading: str, level: str = "chapter") -> Iterator[None]:
        index = self._append(BlockKind.CONTAINER, level, label, number, heading)
        self._parents.append(index)
        try:
            yield
        finally:
            self._parents.pop()

    def build(self) -> Document:
        blocks = tuple(self._blocks)
        return Document(text="".join(b.raw for b in blocks), blocks=blocks, meta=self.meta)
