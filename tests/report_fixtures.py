"""A small fictional pair of versions and a hand-built Comparison for the report tests.

Built without structure.parse or compare.compare, so the report's gold files do not move
when the parser or the aligner changes: the expected alignment is written down here. The
texts are fictional (their titles say so) and carry the hostile strings of the escaping
tests. Segments come from difflib (character level), lossless by construction.
"""

from __future__ import annotations

import difflib
import hashlib

from policydiff.docbuild import DocBuilder
from policydiff.model import (Change, ChangeKind, Comparison, ContainerChange, DocumentMeta,
                              FieldChange, Repeal, Source, Version)

OLD_TITLE = "示例市促进创新若干措施(测试用虚构文本)"
NEW_TITLE = "示例市促进科技创新若干措施(测试用虚构文本)"
OLD_DOC_NO = "示例发〔2021〕1号"
SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'


def segments(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Character-level redline of old -> new; "=" and "-" rebuild old, "=" and "+" new."""
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("=", old[i1:i2]))
        else:
            if i2 > i1:
                out.append(("-", old[i1:i2]))
            if j2 > j1:
                out.append(("+", new[j1:j2]))
    return tuple(out)


def similarity(old: str, new: str) -> float:
    return round(difflib.SequenceMatcher(None, old, new, autojunk=False).ratio(), 4)


def old_document():
    b = DocBuilder(meta=DocumentMeta(title=OLD_TITLE, doc_no=OLD_DOC_NO, issuers=("示例市科学技术局",),
                                     issued="2021-03-01"))
    b.text(OLD_TITLE, level="title")
    with b.container("第一章", 1, "总则"):
        b.measure("第一条", 1, "为了促进示例市科技创新，制定本措施。")
        b.measure("第二条", 2, "本措施适用于示例市行政区域内的企业。")
    with b.container("第二章", 2, "支持措施"):
        b.measure("第三条", 3, "对新认定的示例企业给予一次性奖励50万元。")
        b.measure("第四条", 4, "支持企业建设研发平台。\n对符合条件的平台，按照投资额的20%给予补贴。")
        b.measure("第五条", 5, "鼓励企业引进人才。")
        b.measure("第六条", 6, "鼓励企业参加展会。")
        b.measure("第七条", 7, f"本措施由示例市科学技术局负责解释。{SCRIPT}")
        b.measure("第八条", 8, "示例园区的旧办法同时停止执行。")
    return b.build()


def new_document():
    repeal = Repeal(title=OLD_TITLE, doc_no=OLD_DOC_NO,
                    clause=f"原《{OLD_TITLE}》({OLD_DOC_NO})同时废止。")
    b = DocBuilder(meta=DocumentMeta(title=NEW_TITLE, doc_no="示例发〔2024〕2号",
                                     issuers=("示例市科学技术局", "示例市财政局"), issued="2024-05-10",
                                     effective="2024-06-01", repeals=(repeal,)))
    b.text(NEW_TITLE, level="title")
    with b.container("第一章", 1, "总则"):
        b.measure("第一条", 1, "为了促进示例市科技创新，制定本措施。")
        b.measure("第二条", 2, "本措施适用于示例市行政区域内的企业和科研机构。")
    with b.container("第二章", 2, "扶持措施"):
        b.measure("第三条", 3, "对新认定的示例企业给予一次性奖励100万元。")
        b.measure("第四条", 4, "支持企业建设研发平台。")
        b.measure("第五条", 5, "对符合条件的平台，按照投资额的30%给予补贴。")
        b.measure("第六条", 6, "鼓励企业引进人才和参加展会。")
        b.measure("第七条", 7, f"支持数据开放{IMG}。")
    with b.container("第三章", 3, "附则"):
        b.measure("第八条", 8, f"本措施由示例市科学技术局负责解释。{SCRIPT}")
        b.text(repeal.clause, level="closing")
    return b.build()


def _version(doc, version: str, commit: str, retrieved: str) -> Version:
    text_sha = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    return Version(
        work="example-innovation", version=version, meta=doc.meta, has_text=True, document=doc,
        source=Source(file=f"versions/example-innovation/{version}.source.txt",
                      url=f"https://example.invalid/policy/{version}.html", retrieved=retrieved,
                      sha256=hashlib.sha256(("source " + doc.text).encode("utf-8")).hexdigest()),
        text_sha256=text_sha, commit=commit,
    )


def old_version() -> Version:
    return _version(old_document(), "2021", "1" * 40, "2024-06-01")


def new_version() -> Version:
    return _version(new_document(), "2024", "2" * 40, "2024-06-02")


def _change(old_v: Version, new_v: Version, kind: ChangeKind, old: tuple[int, ...], new: tuple[int, ...],
            **extra) -> Change:
    old_text = "\n".join(old_v.document.measure(o).text for o in old)
    new_text = "\n".join(new_v.document.measure(n).text for n in new)
    return Change(kind=kind, old=old, new=new, similarity=similarity(old_text, new_text),
                  segments=segments(old_text, new_text), **extra)


def comparison(old_v: Version | None = None, new_v: Version | None = None) -> Comparison:
    """The expected comparison of the fictional pair, in new-document order."""
    old_v = old_v or old_version()
    new_v = new_v or new_version()
    K = ChangeKind
    changes = (
        _change(old_v, new_v, K.UNCHANGED, (1,), (1,)),
        _change(old_v, new_v, K.MODIFIED, (2,), (2,)),
        _change(old_v, new_v, K.MODIFIED, (3,), (3,), flags=("money",)),
        _change(old_v, new_v, K.SPLIT, (4,), (4, 5), flags=("percent",)),
        _change(old_v, new_v, K.MERGED, (5, 6), (6,)),
        _change(old_v, new_v, K.ADDED, (), (7,)),
        _change(old_v, new_v, K.UNCHANGED, (7,), (8,), renumbered=False, moved=True),
        _change(old_v, new_v, K.REMOVED, (8,), ()),
    )
    old_doc, new_doc = old_v.document, new_v.document
    old_chapters = old_doc.containers
    new_chapters = new_doc.containers
    containers = (
        ContainerChange("unchanged", old_chapters[0].index, new_chapters[0].index, "第一章", "第一章", "总则", "总则",
                        (("=", "总则"),)),
        ContainerChange("renamed", old_chapters[1].index, new_chapters[1].index, "第二章", "第二章", "支持措施",
                        "扶持措施", segments("支持措施", "扶持措施")),
        ContainerChange("added", None, new_chapters[2].index, "", "第三章", "", "附则", (("+", "附则"),)),
    )
    document_changes = (
        FieldChange("title", OLD_TITLE, NEW_TITLE, segments(OLD_TITLE, NEW_TITLE)),
        FieldChange("doc_no", OLD_DOC_NO, "示例发〔2024〕2号"),
        FieldChange("issuers", "示例市科学技术局", "示例市科学技术局、示例市财政局"),
        FieldChange("issued", "2021-03-01", "2024-05-10"),
        FieldChange("effective", None, "2024-06-01"),
    )
    return Comparison(old=old_v, new=new_v, changes=changes, container_changes=containers,
                      document_changes=document_changes,
                      settings={"similarity_cutoff": 0.5, "redline": "char"}, tool=("policydiff", "test"))


def no_text_comparison() -> Comparison:
    """The shape of the shipped archive: an old version recorded without text, repealed by
    the new one (fictional stand-ins)."""
    old_v = Version(work="example-innovation", version="2021",
                    meta=DocumentMeta(title=OLD_TITLE, doc_no=OLD_DOC_NO, issuers=("示例市科学技术局",)),
                    has_text=False, document=None, commit="3" * 40,
                    notes=("text not available: recorded from the repeal clause of the 2024 version",))
    return Comparison(old=old_v, new=new_version(), changes=(), tool=("policydiff", "test"))
