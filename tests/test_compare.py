"""compare(): one Change per alignment match, with a lossless redline and flags; container
and document changes; the missing-text error. Unit tests drive compare with a scripted
stand-in aligner (so they test compare, not the alignment); integration tests run the
real policydiff.align when it is there."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field

import pytest

import policydiff
from policydiff import structure
from policydiff.compare import compare
from policydiff.docbuild import DocBuilder
from policydiff.errors import MissingTextError
from policydiff.model import ChangeKind, DocumentMeta, Repeal, Version
from policydiff.render.json import comparison_json
from policydiff.textdiff import rebuild_new, rebuild_old

from .conftest import CORPUS, SEED



# ---------------------------------------------------------------- scripted stand-in aligner


@dataclass(frozen=True)
class _Settings:
    modified_min: float = 0.5

    def as_dict(self):
        return {"modified_min": self.modified_min}


@dataclass(frozen=True)
class _Match:
    kind: ChangeKind
    old: tuple
    new: tuple
    similarity: float
    renumbered: bool = False
    moved: bool = False


@dataclass(frozen=True)
class _Container:
    old: int | None
    new: int | None
    similarity: float


@dataclass(frozen=True)
class _Alignment:
    matches: tuple
    containers: tuple = ()
    settings: _Settings = field(default_factory=_Settings)


@pytest.fixture()
def scripted_align(monkeypatch):
    """Replace policydiff.align by a module whose align() returns the alignment the test
    sets: `scripted_align.result = _Alignment(...)`."""
    fake = types.ModuleType("policydiff.align")
    fake.AlignSettings = _Settings
    state = types.SimpleNamespace(result=None, calls=[])

    def align(old, new, settings=_Settings(), mapper=None):
        state.calls.append(settings)
        return state.result

    fake.align = align
    monkeypatch.setitem(sys.modules, "policydiff.align", fake)
    monkeypatch.setattr(policydiff, "align", fake, raising=False)
    return state


TITLE = "示例市促进创新若干措施(测试用虚构文本)"


def _old_doc():
    b = DocBuilder(meta=DocumentMeta(title=TITLE, doc_no="示例发〔2021〕1号", issuers=("示例市科学技术局",),
                                     issued="2021-03-01"))
    b.text("为了促进示例市创新，制定本措施。", level="preamble")
    with b.container("第一章", 1, "总　则"):
        b.measure("第一条", 1, "对新认定的示例企业给予一次性奖励50万元。")  # 1
        b.measure("第二条", 2, "支持企业建设研发平台。")  # 2
    with b.container("第二章", 2, "支持措施"):
        b.measure("第三条", 3, "鼓励企业引进人才，给予每人10万元补贴。")  # 3
        b.measure("第四条", 4, "企业应当在三十日内报送材料。")  # 4
        b.measure("第五条", 5, "鼓励企业参加展会。")  # 5
    return b.build()


def _new_doc():
    b = DocBuilder(meta=DocumentMeta(title=TITLE, doc_no="示例发〔2024〕2号", issuers=("示例市科学技术局",),
                                     issued="2024-05-01"))
    b.text("为了促进示例市科技创新，制定本措施。", level="preamble")
    with b.container("第一章", 1, "总则"):
        b.measure("第一条", 1, "对新认定的示例企业给予一次性奖励100万元。")  # 1
        b.measure("第二条", 2, "支持企业建设研发平台。")  # 2
    with b.container("第三章", 3, "人才与展会"):
        b.measure("第三条", 3, "鼓励企业引进人才。")  # 3
        b.measure("第四条", 4, "给予每人10万元补贴。")  # 4
        b.measure("第五条", 5, "企业应当在30日内报送材料．")  # 5
        b.measure("第六条", 6, "支持企业开拓海外市场。")  # 6
    return b.build()


def _version(doc, version, has_text=True):
    return Version(work="demo-work", version=version, meta=doc.meta, has_text=has_text,
                   document=doc if has_text else None, text_sha256="0" * 64)


SCRIPT = _Alignment(
    matches=(
        _Match(ChangeKind.MODIFIED, (1,), (1,), 0.9),
        _Match(ChangeKind.UNCHANGED, (2,), (2,), 1.0),
        _Match(ChangeKind.SPLIT, (3,), (3, 4), 0.95),
        _Match(ChangeKind.MODIFIED, (4,), (5,), 0.8, renumbered=True),
        _Match(ChangeKind.REMOVED, (5,), (), 0.0),
        _Match(ChangeKind.ADDED, (), (6,), 0.0),
    ),
    containers=(_Container(1, 1, 0.9), _Container(4, 4, 0.5)),
)


def test_changes_follow_the_alignment(scripted_align):
    scripted_align.result = SCRIPT
    old, new = _old_doc(), _new_doc()
    c = compare(_version(old, "2021"), _version(new, "2024"))
    assert [(ch.kind, ch.old, ch.new) for ch in c.changes] == [(m.kind, m.old, m.new) for m in SCRIPT.matches]
    by_kind = {ch.kind: ch for ch in c.changes}
    assert by_kind[ChangeKind.UNCHANGED].segments == (("=", "支持企业建设研发平台。"),)
    assert by_kind[ChangeKind.ADDED].segments == (("+", "支持企业开拓海外市场。"),)
    assert by_kind[ChangeKind.REMOVED].segments == (("-", "鼓励企业参加展会。"),)
    assert c.changes[0].flags == ("money",)
    assert c.changes[3].flags == ("editorial",) and c.changes[3].renumbered
    assert c.summary()["split"] == 1 and c.summary()["renumbered"] == 1


def test_every_change_is_lossless(scripted_align):
    scripted_align.result = SCRIPT
    old, new = _old_doc(), _new_doc()
    c = compare(_version(old, "2021"), _version(new, "2024"))
    _assert_lossless(c)


def _assert_lossless(c):
    old_measures, new_measures = c.old.document.measures, c.new.document.measures
    for ch in c.changes:
        assert rebuild_old(ch.segments) == "\n".join(old_measures[o - 1].text for o in ch.old), ch
        assert rebuild_new(ch.segments) == "\n".join(new_measures[n - 1].text for n in ch.new), ch


def _assert_reconciled(c):
    old_seen = sorted(o for ch in c.changes for o in ch.old)
    new_seen = sorted(n for ch in c.changes for n in ch.new)
    assert old_seen == list(range(1, len(c.old.document.measures) + 1))
    assert new_seen == list(range(1, len(c.new.document.measures) + 1))


def test_container_changes(scripted_align):
    scripted_align.result = SCRIPT
    old, new = _old_doc(), _new_doc()
    c = compare(_version(old, "2021"), _version(new, "2024"))
    first, second = c.container_changes
    # 「总　则」→「总则」 is spacing only: not a rename
    assert first.kind == "unchanged"
    assert rebuild_old(first.segments) == "总　则" and rebuild_new(first.segments) == "总则"
    assert (second.kind, second.old_label, second.new_label) == ("renamed", "第二章", "第三章")
    assert rebuild_old(second.segments) == "支持措施" and rebuild_new(second.segments) == "人才与展会"


@pytest.mark.parametrize("old_block, new_block, kind", [(None, 1, "added"), (1, None, "removed")])
def test_container_added_removed(scripted_align, old_block, new_block, kind):
    scripted_align.result = _Alignment(matches=SCRIPT.matches, containers=(_Container(old_block, new_block, 0.0),))
    c = compare(_version(_old_doc(), "2021"), _version(_new_doc(), "2024"))
    assert c.container_changes[0].kind == kind


def test_document_changes(scripted_align):
    scripted_align.result = SCRIPT
    c = compare(_version(_old_doc(), "2021"), _version(_new_doc(), "2024"))
    fields = {f.field: f for f in c.document_changes}
    assert set(fields) == {"doc_no", "issued", "preamble"}
    assert fields["issued"].old == "2021-03-01" and fields["issued"].new == "2024-05-01"
    assert rebuild_new(fields["preamble"].segments) == "为了促进示例市科技创新，制定本措施。"


def test_repeal_clause_change_is_reported(scripted_align):
    scripted_align.result = SCRIPT
    old, new = _old_doc(), _new_doc()
    repeal = Repeal(title="示例旧办法(测试用虚构文本)", doc_no="示例发〔2021〕1号", clause="原示例旧办法同时废止。")
    new_version = Version("demo-work", "2024", DocumentMeta(title=TITLE, doc_no="示例发〔2024〕2号",
                          issuers=("示例市科学技术局",), issued="2024-05-01", repeals=(repeal,)), True, new)
    c = compare(_version(old, "2021"), new_version)
    assert any(f.field == "repeals" and f.new == "原示例旧办法同时废止。" for f in c.document_changes)


def test_settings_and_tool(scripted_align):
    scripted_align.result = SCRIPT
    c = compare(_version(_old_doc(), "2021"), _version(_new_doc(), "2024"))
    assert c.settings["modified_min"] == 0.5
    assert c.settings["redline_diff_timeout_s"] == 0
    assert c.tool == (policydiff.TOOL_NAME, policydiff.__version__)


@pytest.mark.parametrize("side", ["old", "new"])
def test_side_without_text_is_a_clear_error(scripted_align, side):
    scripted_align.result = SCRIPT
    old = _version(_old_doc(), "2022", has_text=side != "old")
    new = _version(_new_doc(), "2024", has_text=side != "new")
    with pytest.raises(MissingTextError) as info:
        compare(old, new)
    message = str(info.value)
    assert "has no text" in message and "policydiff add" in message and "--replace" in message
    assert "\n" not in message
    assert "demo-work@" in message


def test_json_contract_keys(scripted_align):
    scripted_align.result = SCRIPT
    c = compare(_version(_old_doc(), "2021"), _version(_new_doc(), "2024"))
    text = comparison_json(c)
    data = json.loads(text)
    assert text.endswith("}\n") and text == comparison_json(c)
    assert list(data)[:5] == ["format", "old", "new", "summary", "changes"]
    assert {"settings", "tool", "container_changes", "document_changes"} <= set(data)
    assert data["format"] == "policydiff.diff/1"
    assert list(data["summary"]) == ["unchanged", "modified", "split", "merged", "added", "removed",
                                     "renumbered", "moved"]
    change = data["changes"][2]
    assert list(change)[:8] == ["kind", "old", "new", "renumbered", "moved", "similarity", "segments", "flags"]
    assert change["old_labels"] == ["第三条"] and change["new_labels"] == ["第三条", "第四条"]
    assert set(data["old"]) >= {"ref", "work", "version", "title", "doc_no", "issuers", "issued", "effective",
                                "has_text", "text_sha256", "commit", "source"}
    assert data["old"]["ref"] == "demo-work@2021"
    assert data["tool"] == {"name": "policydiff", "version": policydiff.__version__}
    assert "测试用虚构文本" in text, "ensure_ascii=False"


# ---------------------------------------------------------------- with the real aligner


def _parsed(path):
    doc = structure.parse(path.read_text(encoding="utf-8"))
    return Version(work=None, version=None, meta=doc.meta, has_text=True, document=doc, path=str(path))


def _seed_version():
    """The seed page, read the way `policydiff diff SEED SEED` reads a plain file."""
    from policydiff import api

    return api.load_side(None, str(SEED))


def test_seed_compared_with_itself_is_all_unchanged():
    version = _seed_version()
    assert len(version.document.measures) >= 10
    c = compare(version, version)
    assert c.changes and all(ch.kind is ChangeKind.UNCHANGED and not ch.flags for ch in c.changes)
    assert not c.document_changes
    _assert_lossless(c)
    _assert_reconciled(c)


def _corpus_pairs(manifest, limit=None):
    pairs = []
    for document in manifest["documents"]:
        files = [v["file"] for v in document["versions"]]
        pairs.extend(zip(files, files[1:]))
    return pairs[:limit]


def test_corpus_pairs_lossless_reconciled_deterministic(manifest):
    """Every corpus pair: every change lossless, every measure accounted for once, and
    the JSON byte-identical on a second run."""
    for old_file, new_file in _corpus_pairs(manifest):
        old, new = _parsed(CORPUS / old_file), _parsed(CORPUS / new_file)
        c = compare(old, new)
        _assert_lossless(c)
        _assert_reconciled(c)
        for ch in c.changes:
            if ch.kind is ChangeKind.UNCHANGED:
                # one "=" segment, or edits of white space only (indentation is layout)
                rebuilt = ["".join(text.split()) for text in (
                    "".join(t for op, t in ch.segments if op != "+"), "".join(t for op, t in ch.segments if op != "-"))]
                assert not ch.flags and rebuilt[0] == rebuilt[1], ch
            if ch.kind is ChangeKind.ADDED:
                assert {op for op, _ in ch.segments} <= {"+"}, ch
            if ch.kind is ChangeKind.REMOVED:
                assert {op for op, _ in ch.segments} <= {"-"}, ch
    old, new = _parsed(CORPUS / _corpus_pairs(manifest)[0][0]), _parsed(CORPUS / _corpus_pairs(manifest)[0][1])
    assert comparison_json(compare(old, new)) == comparison_json(compare(old, new))


# ---------------------------------------------------------------- properties, real aligner

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402

# Fictional sentences in the style of policy measures (testing only).
_SENTENCES = [
    "对新认定的示例企业给予一次性奖励50万元。", "支持企业建设研发平台，按照投资额的20%给予补贴。",
    "鼓励企业引进高层次人才。", "企业应当在三十日内报送申请材料。", "示例市科技局负责组织实施本措施。",
    "对年度研发投入超过1000万元的企业，给予不超过100万元的奖励。", "支持高校与企业共建联合实验室。",
    "对首次获得认定的示范园区，给予一次性补助200万元。", "相关部门不得重复收取费用。",
    "申请人可以通过示例市政务服务平台提交申请。", "每家企业每年最多支持3个项目。",
    "本措施自2024年1月1日起施行，有效期三年。",
]


def _doc(texts, first_number=1):
    b = DocBuilder(title="示例市促进创新若干措施(测试用虚构文本)")
    for i, text in enumerate(texts):
        n = first_number + i
        b.measure(f"第{_cn(n)}条", n, text)
    return b.build()


def _cn(n):
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


_EDIT = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("insert"), st.integers(0, 30), st.sampled_from(_SENTENCES)),
    st.tuples(st.just("reword"), st.integers(0, 30), st.sampled_from(["应当", "可以", "万元", "，并", "示例区"])),
    st.tuples(st.just("swap"), st.integers(0, 30)),
    st.tuples(st.just("merge"), st.integers(0, 30)),
    st.tuples(st.just("split"), st.integers(0, 30)),
)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=12, unique=True), st.lists(_EDIT, max_size=6))
def test_random_edits_reconciled_and_lossless(old_texts, edits):
    new_texts = list(old_texts)
    for edit in edits:
        if not new_texts:
            break
        i = edit[1] % len(new_texts)
        if edit[0] == "delete":
            del new_texts[i]
        elif edit[0] == "insert":
            new_texts.insert(i, edit[2])
        elif edit[0] == "reword":
            text = new_texts[i]
            new_texts[i] = text[: len(text) // 2] + edit[2] + text[len(text) // 2:]
        elif edit[0] == "swap" and i + 1 < len(new_texts):
            new_texts[i], new_texts[i + 1] = new_texts[i + 1], new_texts[i]
        elif edit[0] == "merge" and i + 1 < len(new_texts):
            new_texts[i: i + 2] = [new_texts[i] + new_texts[i + 1]]
        elif edit[0] == "split" and len(new_texts[i]) > 6:
            text = new_texts[i]
            new_texts[i: i + 1] = [text[: len(text) // 2], text[len(text) // 2:]]
    if not new_texts:
        new_texts = [_SENTENCES[0]]
    c = compare(_version(_doc(old_texts), "old"), _version(_doc(new_texts), "new"))
    _assert_reconciled(c)
    _assert_lossless(c)
    assert comparison_json(c) == comparison_json(
        compare(_version(_doc(old_texts), "old"), _version(_doc(new_texts), "new")))


def test_renumber_only_revision_is_unchanged_and_renumbered():
    texts = _SENTENCES[:6]
    c = compare(_version(_doc(texts), "old"), _version(_doc(texts, first_number=11), "new"))
    assert [ch.kind for ch in c.changes] == [ChangeKind.UNCHANGED] * 6
    assert all(ch.renumbered and not ch.flags for ch in c.changes)
    assert c.summary()["renumbered"] == 6


def test_texts_by_role_and_cached_measures_equal_their_scans(manifest):
    """compare reads the TEXT roles in one pass (_texts_by_role) and Document.measures /
    containers are worked out once per Document: both must equal a scan of the blocks."""
    import pickle

    from policydiff.compare import _texts_by_role
    from policydiff.intake import load_file
    from policydiff.model import BlockKind
    from tests.conftest import CORPUS

    for document in manifest["documents"][::5]:
        version = document["versions"][0]
        doc = load_file(CORPUS / version["file"]).document
        for level in {b.level for b in doc.blocks} | {"notice", "preamble", "closing", "absent"}:
            texts = [b.text for b in doc.blocks if b.kind is BlockKind.TEXT and b.level == level]
            assert _texts_by_role(doc).get(level) == ("\n".join(texts) if texts else None)
        assert doc.measures == tuple(b for b in doc.blocks if b.kind is BlockKind.MEASURE)
        assert doc.measures is doc.measures
        assert doc.containers == tuple(b for b in doc.blocks if b.kind is BlockKind.CONTAINER)
        again = pickle.loads(pickle.dumps(doc))
        assert again == doc and hash(again) == hash(doc) and again.measures == doc.measures
