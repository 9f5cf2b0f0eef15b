"""Reading a text faster, same values (issue 14, engineer read3): each fast path of the
reading (ingest, structure, metadata) against the code it replaced, kept here as the
reference, on random fictional lines and documents and on every corpus text.

Every document written here is fictional and says so in its title (「示例…（测试用虚构文本）」)."""

from __future__ import annotations

import pickle
import random
import re

from hypothesis import given, settings, strategies as st

from policydiff import structure
from policydiff.lexicon import fold
from policydiff.model import Block, BlockKind, new_block

from .conftest import CORPUS

# the bare-heading pattern the walk used (structure._is_bare_heading since; tested equal there)
_BARE_HEADING = re.compile(r"^[\u4e00-\u9fff]+$")

# --------------------------------------------------------------------------- helpers


def _corpus_texts(manifest, step: int = 1) -> list[str]:
    return [(CORPUS / version["file"]).read_text(encoding="utf-8")
            for document in manifest["documents"][::step] for version in document["versions"]]


_CN = "零一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")


_PIECES = [
    "第一条 甲", "第一条甲", "第二条 乙。", "第三条", "第十条之一 甲", "第二条之一", "第一章 总则", "第二章", "## 第三章 示例",
    "第一节 甲", "第一编", "第一分编 乙", "一、总则", "二、甲", "（一）甲", "(二)乙", "1.甲", "2.甲", "(1)甲", "①甲", "㈠ 甲",
    "Section 1 x", "Article 2 x", "(a) x", "Part I x", "Chapter 2 y", "Articles 3 x", "附则", "附　　则", "## 附则",
    "示例市管理办法（测试用虚构文本）", "目录", "2024年10月9日", "示例文本，用于测试。", "这是一个句子。", "", "　　",
    "第十條 甲", "第一章 總則", "第十十条 x", "第一百零一百条", "3.5亿元用于示例", "　　第三条　丙", "\u3000\u3000一、甲",
    "…修正）①", "① 注释文本。", "第三十七条规定的", "#\t第一条 甲", "####### 第一条", "Part\u00a0II. x", "§ 3 x",
]


def _random_document(rng: random.Random) -> str:
    """A fictional document: a title, chapters with articles with items and paragraphs, or a
    policy with 一、 and （一）/1. items, mixed with label-like stray lines."""
    lines = [rng.choice(["示例市管理办法（测试用虚构文本）", "# 示例条例（测试用虚构文本）", "示例通知（测试用虚构文本）"])]
    if rng.random() < 0.3:
        lines += ["目录"] + [f"第{_cn(i)}章 示例{i}" for i in range(1, rng.randint(2, 5))]
    article = 0
    law = rng.random() < 0.6
    for chapter in range(1, rng.randint(2, 6)):
        if law:
            if rng.random() < 0.8:
                lines.append(rng.choice([f"第{_cn(chapter)}章 示例{chapter}", f"第{_cn(chapter)}章", "附则", "## 附则"]))
            for _ in range(rng.randint(0, 8)):
                article += 1 + (rng.random() < 0.05) * rng.randint(1, 4) - (rng.random() < 0.03)
                lines.append(rng.choice([f"第{_cn(article)}条 示例文本。", f"第{_cn(article)}条示例文本。",
                                         f"　　第{_cn(article)}条　示例。", f"第{_cn(article)}条之一 示例"]))
                for item in range(rng.choice([0, 0, 0, 2, 3, 5])):
                    lines.append(rng.choice([f"（{_cn(item + 1)}）示例；", f"{item + 1}.示例", "示例款。",
                                             rng.choice(_PIECES)]))
                if rng.random() < 0.1:
                    lines.append("")
        else:
            lines.append(f"{_cn(chapter)}、示例")
            for item in range(rng.randint(0, 6)):
                lines.append(rng.choice([f"（{_cn(item + 1)}）示例。", f"{item + 1}.示例", rng.choice(_PIECES)]))
    for _ in range(rng.randint(0, 5)):
        lines.insert(rng.randint(0, len(lines)), rng.choice(_PIECES))
    return "\n".join(lines) + rng.choice(["", "\n"])


def _random_documents(count: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    return [_random_document(rng) for _ in range(count)]


# --------------------------------------------------------------------------- classify


def _reference_classify_lines(text: str) -> dict[int, structure.Candidate]:
    """parse's loop before _classify_lines: classify_line on each line."""
    lines, _ = structure._split_lines(text)
    return {i: c for i, line in enumerate(lines) if (c := structure.classify_line(line)) is not None}


_LABELISH = st.text(alphabet=list("第一二十百零〇两1234567890０１２条章节编分部篇之、．.()（）)）㈠㈢①⑳#條節"
                                  "PartChapterSectionArticleIVXabc§ \u3000\u00a0\t　示例市措施。，"), max_size=14)


@settings(max_examples=600, deadline=None)
@given(st.lists(_LABELISH, max_size=8), st.booleans())
def test_classify_lines_equals_classify_line_on_each_line(lines, final_newline):
    text = "\n".join(lines) + ("\n" if final_newline else "")
    split, _ = structure._split_lines(text)
    assert structure._classify_lines(text, split) == _reference_classify_lines(text)


def test_classify_lines_equals_classify_line_on_corpus_and_random_texts(manifest):
    texts = _corpus_texts(manifest) + _random_documents(300)
    # the same texts with traditional characters (the folded path)
    texts += [text.replace("条", "條").replace("节", "節") for text in texts[::7]]
    for text in texts:
        lines, _ = structure._split_lines(text)
        found = structure._classify_lines(text, lines)
        assert found == _reference_classify_lines(text)
        assert list(found) == sorted(found)  # in line order (parse takes its items unsorted)


# --------------------------------------------------------------------------- look-ahead


def test_look_ahead_answers_as_the_scan_on_documents(manifest):
    """The restart question, asked as _accept asks it (every "1" of a style with a running
    number, under each possible parent), against the scan, on corpus and random documents:
    a restart whose running chain is empty needs no walk of its own chain."""
    from .test_structure import _reference_restart_wins

    texts = _corpus_texts(manifest, step=9) + _random_documents(150, seed=3)
    for text in texts:
        candidates = sorted(_reference_classify_lines(text).items())[:400]
        ranks = structure._ranks(True)
        ahead = structure._LookAhead(candidates, ranks)
        last_seen: dict[str, tuple[int, int | None]] = {}
        for k, (_, cand) in enumerate(candidates):
            if cand.number == 1 and cand.sub_number is None and cand.style in last_seen:
                for stack in ([], [c for _, c in candidates[max(0, k - 3):k] if ranks[c.style] < ranks[cand.style]][-1:]):
                    for min_chain, allow_gaps in ((1, True), (2, False)):
                        assert ahead.restart_wins(k, stack, last_seen[cand.style], min_chain, allow_gaps) == \
                            _reference_restart_wins(candidates, k, stack, last_seen[cand.style], ranks,
                                                    min_chain, allow_gaps)
            last_seen[cand.style] = (cand.number, cand.sub_number)


# --------------------------------------------------------------------------- continuity


def _reference_accept(candidates: list, ranks: dict) -> list:
    """structure._accept before its loop unpacked each candidate once (attribute reads and
    calls of S._is_successor): the reference."""
    S = structure
    ahead = S._LookAhead(candidates, ranks)
    stack: list = []
    stack_styles: list[str] = []  # the style of each open node (looked up at C speed)
    last_seen: dict[str, tuple[int, int | None]] = {}
    last_refused: dict = {}  # per style, since its last accepted number
    finest_child: list[float] = []  # per open node: rank of its finest child so far
    accepted: list = []
    for k, (line_no, cand) in enumerate(candidates):
        style = cand.style
        rank = ranks[style]
        gap = S.MAX_ARTICLE_GAP if (style in S._LAW_STYLES and cand.strong) else 0  # _gap(cand)
        position = stack_styles.index(style) if style in stack_styles else None
        if position is not None:
            open_node = stack[position]
            restart = False
            # (S._is_successor((open_node.number, open_node.sub_number), cand, gap), written out)
            if not (cand.number == open_node.number and cand.sub_number == (open_node.sub_number or 0) + 1
                    if cand.sub_number is not None
                    else open_node.number + 1 <= cand.number <= open_node.number + 1 + gap):
                # A second run of 第一条/第一章 … in the same parent (a text attached
                # after the first, or the body after a contents list that slipped
                # through): only for strong law-style lines, and only when the new run
                # is longer than what the running numbering would still find.
                restart = (style in S._LAW_STYLES and cand.strong and cand.number == 1
                           and cand.sub_number is None
                           and ahead.restart_wins(k, stack[:position],
                                                  (open_node.number, open_node.sub_number),
                                                  min_chain=2, allow_gaps=False))
                if not restart:
                    last_refused[style] = cand
                    continue
            # A suspect successor gives way to a later line with the same number: suspect
            # when weak (第五条规定的… at a line start) or when it also continues a list
            # that was just refused (the "2." of a quoted "1. 2." list inside measure 1).
            refused = last_refused.get(style)
            suspect = (style in S._LAW_STYLES and not cand.strong) or (
                refused is not None and S._is_successor((refused.number, refused.sub_number), cand))
            if suspect and not restart and ahead.same_number_ahead(k):
                last_refused[style] = cand
                continue
            del stack[position:]
            del stack_styles[position:]
        else:
            # A new level under the deepest open node coarser than this style.
            keep = len(stack)
            while keep and ranks[stack[keep - 1].style] >= rank:
                keep -= 1
            last = last_seen.get(style)
            continues = S._is_successor(last, cand, gap)
            restarts = cand.number == 1 and cand.sub_number is None
            # Coarser levels introduce finer ones, never the other way round: under a
            # parent that already holds finer items ("1." "2." …), a "（一）" is quoted
            # text (an amendment's new wording), not a new level. 编/章/节 are exempt
            # (a chapter may open with articles before its first 第一节), and so is
            # the top level.
            inverted = keep and style not in S._LAW_OR_ARTICLE_DOC_HEADINGS \
                and finest_child[keep - 1] > rank
            if inverted or not (continues or restarts) or (
                    restarts and not continues and last is not None
                    and not ahead.restart_wins(k, stack[:keep], last)):
                last_refused[style] = cand
                continue
            del stack[keep:]
            del stack_styles[keep:]
        del finest_child[len(stack):]
        if stack:
            finest_child[-1] = max(finest_child[-1], rank)
        finest_child.append(-1.0)
        stack.append(cand)
        stack_styles.append(style)
        last_seen[style] = (cand.number, cand.sub_number)
        last_refused.pop(style, None)
        accepted.append((line_no, cand, len(stack) - 1))
    return accepted



def test_accept_equals_the_reference_on_corpus_and_random_documents(manifest):
    texts = _corpus_texts(manifest) + _random_documents(400, seed=21)
    for text in texts:
        candidates = sorted(_reference_classify_lines(text).items())
        for section_above_article in (True, False):
            ranks = structure._ranks(section_above_article)
            assert structure._accept(candidates, ranks) == _reference_accept(candidates, ranks)
        # only the law styles, as a second pass reads them
        law = [(i, c) for i, c in candidates if c.style in structure._LAW_STYLES]
        assert structure._accept(law, ranks) == _reference_accept(law, ranks)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["第四条 甲", "第五条甲", "3.甲", "二、乙", "（三）丙", "第二条之二"]), max_size=40))
def test_accept_equals_the_reference_on_label_lists(lines):
    candidates = [(i, c) for i, line in enumerate(lines) if (c := structure.classify_line(line)) is not None]
    for section_above_article in (True, False):
        ranks = structure._ranks(section_above_article)
        assert structure._accept(candidates, ranks) == _reference_accept(candidates, ranks)


# --------------------------------------------------------------------------- table of contents


def test_table_of_contents_with_a_line_end_inside_a_line():
    """_table_of_contents reads its keys from the candidate lines joined: a line holding a
    "\\n" itself (not from parse, which splits there) falls back to one line at a time."""
    from .test_structure import _reference_table_of_contents

    lines = ["第一章 总则", "第二章 管理\n示例", "第一章 总则", "第一条 甲", "第二章 管理\n示例", "第二条 乙"]
    candidates = {i: c for i, line in enumerate(lines) if (c := structure.classify_line(line)) is not None}
    assert structure._table_of_contents(lines, candidates) == _reference_table_of_contents(lines, candidates)


def test_table_of_contents_equals_the_walk_on_random_documents():
    from .test_structure import _reference_table_of_contents

    for text in _random_documents(300, seed=5):
        lines, _ = structure._split_lines(text)
        candidates = _reference_classify_lines(text)
        assert structure._table_of_contents(lines, candidates) == _reference_table_of_contents(lines, candidates)


# --------------------------------------------------------------------------- article headings


def _reference_article_document_headings(lines, ordered, all_candidates, toc, articles, structural, ranks):
    """_article_document_headings as a walk over every line with each line's next content
    line listed by a backward pass (before it looked only above the articles)."""
    S = structure
    first_article = min(articles) if articles else len(lines)
    out = dict(ordered)
    bare_number = 0
    following = [None] * len(lines)
    for line_no in range(len(lines) - 2, -1, -1):
        following[line_no] = line_no + 1 if lines[line_no + 1].strip(S._SPACE) else following[line_no + 1]
    for line_no, line in enumerate(lines):
        if line_no in toc:
            continue
        nxt = following[line_no]
        if nxt is None or nxt not in articles:
            continue
        cand = all_candidates.get(line_no)
        body = line.strip(S._SPACE)
        if cand is not None:
            if cand.style == "cn-top" and cand.heading and len(cand.heading) <= S.MAX_SECTION_HEADING_CHARS \
                    and not cand.heading.rstrip(S._SPACE).endswith(S._SENTENCE_END):
                out[line_no] = S.Candidate("cn-section", cand.label, cand.number, None, cand.heading, cand.strong)
            continue
        marker = S._MD_HEADING.match(body)
        title = body[marker.end():].strip(S._SPACE) if marker else body
        compact = S._unspaced(title)
        if not compact or len(compact) > S.MAX_BARE_HEADING_CHARS or not _BARE_HEADING.match(compact):
            continue
        if not marker and line_no < first_article:
            continue
        prev = next((lines[k].strip(S._SPACE) for k in range(line_no - 1, -1, -1) if lines[k].strip(S._SPACE)), "")
        if prev and not prev.endswith(S._SENTENCE_END + ("。", "”", "」", "）", ")")):
            continue
        bare_number += 1
        out[line_no] = S.Candidate("heading", "", bare_number, None, title, True)
    if bare_number:
        containers = [ranks[st] for st in structural if ranks[st] < ranks["article"]]
        if any(c.style == "cn-section" for c in out.values()):
            containers.append(ranks["cn-section"])
        ranks = dict(ranks)
        ranks["heading"] = min(containers) if containers else ranks["article"] - 0.1
    return sorted(out.items()), ranks


def _heading_inputs(text: str):
    """The arguments parse hands _article_document_headings (None: not an article document)."""
    S = structure
    lines, _ = S._split_lines(text)
    all_candidates = _reference_classify_lines(text)
    toc = S._table_of_contents(lines, all_candidates)
    ordered = [(i, c) for i, c in sorted(all_candidates.items()) if i not in toc]
    ranks = S._choose_ranks(ordered)
    first_pass = S._accept(ordered, ranks)
    counts: dict[str, int] = {}
    for _, cand, _ in first_pass:
        counts[cand.style] = counts.get(cand.style, 0) + 1
    articles = {i for i, c, _ in first_pass if c.style == "article"}
    if counts.get("article", 0) < S.MIN_MEASURES:
        return None
    structural = {s for s in counts if ranks[s] <= ranks["article"]}
    return lines, ordered, all_candidates, toc, articles, structural, ranks


def test_article_document_headings_equal_the_walk(manifest):
    texts = _corpus_texts(manifest) + _random_documents(400, seed=7)
    # blank lines between a heading and its article (the lines above an article up to the
    # first with content), and 「一、管辖」 section headings
    texts += ["示例规定（测试用虚构文本）\n\n第一条 甲。\n附则\n\n\n第二条 乙。\n一、管辖\n\n第三条 丙。\n",
              "示例规定（测试用虚构文本）\n第一条 甲。\n  \n附　则\n　\n第二条 乙\n## 罚则\n第三条 丙\n"]
    checked = 0
    for text in texts:
        inputs = _heading_inputs(text)
        if inputs is None:
            continue
        assert structure._article_document_headings(*inputs) == _reference_article_document_headings(*inputs)
        checked += 1
    assert checked > 150


# --------------------------------------------------------------------------- blocks


def test_new_block_with_positional_arguments_is_the_block_of_the_dataclass():
    values = (3, BlockKind.MEASURE, "article", "第三条", 3, None, "示例", "示例", "第三条 示例\n", 10, 1, 2)
    made, reference = new_block(*values), Block(*values)
    assert made == reference and hash(made) == hash(reference) and repr(made) == repr(reference)
    assert list(vars(made).items()) == list(vars(reference).items())
    assert pickle.dumps(made) == pickle.dumps(reference)
    assert vars(new_block(*values[:-1])) == vars(Block(*values[:-1]))
    assert type(made) is Block
    try:
        made.text = "x"
    except AttributeError:  # dataclasses.FrozenInstanceError
        pass
    else:
        raise AssertionError("a Block made by new_block must stay frozen")


def _reference_blocks(doc):
    """Each block's text from its raw as add() made it (_block_text), field by field."""
    return [(b.index, b.kind, b.level, b.label, b.number, b.sub_number, b.heading,
             structure._block_text(b.raw, None if b.kind is BlockKind.TEXT else b.heading), b.raw, b.start,
             b.parent, b.ordinal) for b in doc.blocks]


def test_parsed_blocks_are_those_add_made(manifest):
    """parse writes a node's block out (no call of add per node): every block's fields are
    those add() gave, the document lossless, and sent across processes it comes back equal."""
    # (a bare heading with white space after it: its heading is not the end of its line)
    edge = ["示例规定（测试用虚构文本）\n第一条 甲。\n附则　\n第二条 乙\n款。 \n第三条 丙",
            "示例规定（测试用虚构文本）\n第一条 甲。\n## 罚则 \t\n第二条\n第三条 丙。\n",
            "示例规定（测试用虚构文本）\n第一条 甲。\n附则　\n\n　\n第二条 乙\n"]
    for text in _corpus_texts(manifest, step=3) + _random_documents(200, seed=11) + edge:
        doc = structure.parse(text)
        assert [tuple(vars(b).values()) for b in doc.blocks] == _reference_blocks(doc)
        assert "".join(b.raw for b in doc.blocks) == text
        assert structure.document_from_spans(structure.document_spans(doc)) == doc


def test_fold_of_a_text_is_the_fold_of_its_lines():
    """_classify_lines folds each line only when the whole text holds a traditional
    character: fold keeps positions and never maps to or from a line end."""
    text = "第十條 甲\n第一章 總則\n示例"
    assert fold(text).split("\n") == [fold(line) for line in text.split("\n")]
    assert len(fold(text)) == len(text)


# --------------------------------------------------------------------------- 施行 clauses


def _reference_cores(text: str) -> list[tuple[int, int, str]]:
    from policydiff import lexicon

    return [(m.start(), m.end(), m["when"] if m["when"] is not None else m["bare"])
            for m in lexicon._EFFECTIVE_CORE.finditer(text)]


_CLAUSE_PIECES = ["本办法", "自", "于", "2024年1月1日", "2024 年 1 月 1 日", "二〇二四年十月九日", "二00四年", "１２", "起", "施行",
                  "实施", "生效", "执行", "试行", "停止", "不再", "来", "各", "印发之日", "的", "。", "，", "；", "\n", " ", "\u3000",
                  "第九条", "示例", "年", "月", "日", "十", "一", "0", "9", "O", "有效期至", "起施行", "日起执行"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_CLAUSE_PIECES), max_size=40))
def test_effective_cores_are_the_matches_of_the_one_pattern(pieces):
    from policydiff import lexicon

    text = "".join(pieces)
    assert list(lexicon._effective_cores(text)) == _reference_cores(text)


def test_effective_cores_on_corpus_texts_and_their_concatenation(manifest):
    from policydiff import lexicon

    texts = _corpus_texts(manifest)
    for text in texts + ["\n".join(texts)]:
        assert list(lexicon._effective_cores(text)) == _reference_cores(text)


# --------------------------------------------------------------------------- fold of a large text


def test_fold_of_large_texts_is_remembered_by_identity_only():
    from policydiff import lexicon

    plain = "示例市管理办法（测试用虚构文本）\n第一条 示例。\n" * 5000
    traditional = plain.replace("条", "條").replace("办法", "辦法")
    assert len(plain) >= lexicon._REMEMBER_MIN_CHARS
    for text in (plain, traditional, plain, traditional, "".join(list(traditional)), plain[:-1] + "條"):
        expected = text.translate(lexicon._FOLD)
        for _ in range(2):  # scanned, then remembered
            assert lexicon.fold(text) == expected
            assert lexicon.has_traditional(text) == (expected != text)
    assert lexicon.fold(plain) is plain  # a text without traditional characters is its own fold
    # a small text is scanned each time, never remembered
    assert lexicon.fold("第十條") == "第十条" and not lexicon.has_traditional("第十条")


# --------------------------------------------------------------------------- repeal clauses and notes


def test_repeal_readers_from_one_verb_scan_equal_their_own_scans(manifest):
    from policydiff.ingest import meta

    texts = _corpus_texts(manifest) + [
        "示例市管理办法（测试用虚构文本）\n决定废止下列2件规章：\n一、《示例规定》\n2.《示例办法》（示发〔2020〕1号）；\n",
        "原《示例办法》同时废止。停止执行以下文件：\n《示例通知》\n决定废止《示例细则》和《示例规则》。",
    ]
    for text in texts:
        verbs = [verb.start() for verb in meta._ANY_REPEAL_VERB.finditer(text)]
        assert [m.span() for m in meta._verb_sentences(text, verbs)] == [m.span() for m in meta._verb_sentences(text)]
        assert [m.span() for m in meta._list_leads(text, verbs)] == \
            [m.span() for m in meta._LIST_LEAD.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["示例", "", "  ", "\u3000", "2024年1月1日通过", "（2020年修正）", "第一条 甲"]), max_size=300),
       st.integers(min_value=1, max_value=70))
def test_first_lines_are_the_first_lines_with_content(lines, count):
    from policydiff.ingest import meta

    text = "\n".join(lines)
    assert meta._first_lines(text, count) == [line for line in text.split("\n") if line.strip()][:count]


def test_header_from_the_first_lines_equals_the_header_from_all(manifest):
    from policydiff.ingest import meta

    for text in _corpus_texts(manifest):
        lines = [line for line in text.split("\n") if line.strip()]
        assert meta._header(meta._first_lines(text, meta.HEADER_SCAN_MAX + meta.HEADER_CONTINUATION_MAX + 1)) \
            == meta._header(lines)


# --------------------------------------------------------------------------- run-in articles


def _reference_split_run_in_articles(lines: list[str]) -> list[str]:
    """clean.split_run_in_articles before it read the lines holding 「。第」 first."""
    from policydiff.ingest import clean
    from policydiff.ingest import patterns as P
    from policydiff.lexicon import cn_to_int

    def number(text):
        try:
            return int(text) if text.isdigit() else cn_to_int(text)
        except ValueError:
            return None

    owns = [clean._LINE_ARTICLE.match(P.fold(line)) if "第" in line else None for line in lines]
    starts = {number(own["n"]) for own in owns if own}
    if not starts:
        return lines
    out = []
    for line, own in zip(lines, owns):
        run_in = clean._RUN_IN.search(P.fold(line)) if own and "。第" in line else None
        own_number = number(own["n"]) if own else None
        if run_in and own_number is not None and number(run_in["n"]) == own_number + 1 \
                and own_number + 1 not in starts:
            cut = run_in.start("label")
            out.extend([line[:cut], line[cut:]])
            continue
        out.append(line)
    return out


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["第一条 示例。", "第二条 示例。第三条本办法自公布之日起施行。", "第三条 示例。", "示例。第四条甲",
                                 "第四条 示例。第五条规定的情形除外。", "第五条 示例。第六条 甲", "第六条", "第2条 示例。第3条 乙",
                                 "第十條 示例。第十一條 乙", "第十一条 甲", "示例。", "第X条。第一条"]), max_size=12))
def test_split_run_in_articles_equals_the_pass_over_every_line(lines):
    from policydiff.ingest.clean import split_run_in_articles

    assert split_run_in_articles(list(lines)) == _reference_split_run_in_articles(list(lines))


def test_split_run_in_articles_on_corpus_texts(manifest):
    from policydiff.ingest.clean import split_run_in_articles

    for text in _corpus_texts(manifest):
        lines = text.split("\n")
        assert split_run_in_articles(lines) == _reference_split_run_in_articles(lines)


# --------------------------------------------------------------------------- line breaks


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=list("ab \t\u3000\r\n\x0b\x0c\x1c\x1d\x1e\u2028\u2029\x85\u200b\ufeff\x1f"), max_size=30))
def test_other_line_break_test_equals_the_pattern(text):
    from policydiff.ingest.clean import _OTHER_LINE_BREAK, has_other_line_break

    assert has_other_line_break(text) == (_OTHER_LINE_BREAK.search(text) is not None)


# --------------------------------------------------------------------------- broken titles


def _reference_join_broken_titles(lines: list[str]) -> list[str]:
    """clean.join_broken_titles as a walk asking every line whether it opens a title zone."""
    from policydiff.ingest import clean
    from policydiff.ingest import patterns as P

    out, in_zone, index = [], True, 0
    piece_at = clean._piece_memo(lines)
    while index < len(lines):
        line = lines[index]
        if in_zone:
            end = clean._title_run(lines, index, piece_at)
            if end > index:
                joined = line.rstrip()
                for piece in lines[index + 1:end]:
                    joined = clean._concat(joined, piece)
                out.append(joined)
                index = end
                continue
            body = line.strip()
            if P.is_sentence(body) or body.endswith((":", "：")) or P.is_structure(body) \
                    or len(body) > clean.TITLE_PIECE_MAX:
                in_zone = False
        if clean._opens_title_zone(line):
            in_zone = True
        out.append(line)
        index += 1
    return out


_TITLE_LINES = ["示例市关于加快建设", "示例园区的若干措施", "（测试用虚构文本）", "（试行）", "为推动发展，制定本措施。", "第一条 甲。",
                "一、总则", "2024年10月9日", "（2024年10月9日）", "示例市人民政府", "示例政发〔2024〕5号", "示例总局令第55号　",
                "附件", "附件2：", "附件：示例表", "示例市人民政府文件", "文件详情如下：", "全文如下:", "示例通知", "关于印发",
                "《示例办法》的通知", "示例。", "  ", "2024年10月9日 ", "号", "示例日", "示例：", "示例市文件 "]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_TITLE_LINES), max_size=25))
def test_join_broken_titles_equals_the_walk_over_every_line(lines):
    from policydiff.ingest.clean import join_broken_titles

    assert join_broken_titles(list(lines)) == _reference_join_broken_titles(list(lines))


def test_join_broken_titles_on_corpus_and_realdocs_texts(manifest):
    from policydiff.ingest.clean import _MAY_OPEN_TITLE_ZONE, _opens_title_zone, join_broken_titles

    from .conftest import SHARED

    texts = _corpus_texts(manifest) + [path.read_text(encoding="utf-8", errors="replace")
                                       for path in sorted((SHARED / "realdocs").rglob("*.htm*"))]
    for text in texts:
        lines = text.split("\n")
        assert join_broken_titles(lines) == _reference_join_broken_titles(lines)
        # the pattern holds every opener (a necessary condition, so skipping the others is exact)
        for line in lines:
            assert not _opens_title_zone(line) or _MAY_OPEN_TITLE_ZONE.search(line), line


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(list("日号號附件文:：)）( \u3000\t0123456789年月〔〕示例市政发令第如下全文正")
                                + ["2024年10月9日", "示政发〔2024〕5号", "示例总局令第5号"]), max_size=16).map("".join))
def test_every_title_zone_opener_matches_the_prefilter(line):
    from policydiff.ingest.clean import _MAY_OPEN_TITLE_ZONE, _opens_title_zone

    assert not _opens_title_zone(line) or _MAY_OPEN_TITLE_ZONE.search(line)


# --------------------------------------------------------------------------- repeal items


def test_item_variant_of_the_whole_text_gives_each_segment_s_matches(manifest):
    """A long text reads its repeal segments through the item variant its whole text
    needs: the same repeals as each segment's own variant, and for any string every
    variant that holds its parts gives the full pattern's matches."""
    import re

    from policydiff.ingest import meta

    full = re.compile(meta._ITEM_PATTERN)
    strings = ["2002年4月30日示例市人民政府令第122号发布的《示例办法（测试用虚构文本）》", "《示例细则》（示府发〔2020〕1号）和《示例规定》",
               "示府发〔2020〕1号", "《示例》(省政府令第203号)", "示例文本"]
    for string in strings:
        need = meta._item_key(string)
        for key in ((True, True), (True, False), (False, True), (False, False)):
            if key[0] >= need[0] and key[1] >= need[1]:
                assert [(m.span(), m.groupdict()) for m in meta._item_finditer(string, key)] == \
                    [(m.span(), m.groupdict()) for m in full.finditer(string)]
    texts = _corpus_texts(manifest)
    long_text = "\n".join(texts + ["原《示例办法（测试用虚构文本）》（示府发〔2020〕1号）同时废止。",
                                    "2002年4月30日示例市人民政府令第122号发布的《示例规定》同时废止。"])
    assert len(long_text) >= meta.ONE_ITEM_VARIANT_MIN_CHARS
    per_text = meta.extract_repeals(long_text)
    saved = meta.ONE_ITEM_VARIANT_MIN_CHARS
    try:
        meta.ONE_ITEM_VARIANT_MIN_CHARS = 10 ** 9  # each segment its own variant
        assert meta.extract_repeals(long_text) == per_text
    finally:
        meta.ONE_ITEM_VARIANT_MIN_CHARS = saved
    assert {"示府发〔2020〕1号", "示例市人民政府令第122号"} <= {r.doc_no for r in per_text}


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=list("ab\n\r\u2028 \u3000条"), max_size=30))
def test_split_lines_offsets_are_the_running_sums(text):
    lines, offsets = structure._split_lines(text)
    expected = text.split("\n")
    if not expected[-1]:
        expected.pop()
    assert lines == expected
    running, starts = 0, []
    for line in expected:
        starts.append(running)
        running += len(line) + 1
    assert offsets == starts


def test_restart_questions_with_long_chains_stay_linear():
    """A restart's chain is walked only until it outruns the running numbers' chain, and
    writes no memo: texts where many restarts meet long chains (every parent's list one
    item longer than the last; a run of 「1.」 lines before one long list) must stay
    bounded (a hang guard far above the time taken, never a performance target) and
    answer as the scan does on a sample of the questions."""
    from .test_bounded_work import hang_guard
    from .test_structure import _reference_restart_wins

    growing = "\n".join(f"{_cn(p % 99 + 1)}、示例（测试用虚构文本）\n" + "\n".join(f"{i}.示例" for i in range(1, p + 2))
                        for p in range(300))
    ones = "\n".join(["第一条 示例（测试用虚构文本）"] * 3000 + [f"第{i}条 示例" for i in range(2, 3000)])
    for text in (growing, ones):
        with hang_guard(60):
            doc = structure.parse(text)
        assert "".join(b.raw for b in doc.blocks) == text
        candidates = sorted(_reference_classify_lines(text).items())[:1500]
        ranks = structure._ranks(True)
        ahead = structure._LookAhead(candidates, ranks)
        for k in range(0, len(candidates), 37):
            for stack in ([], [structure.Candidate("part", "", 1, None, "", True)]):
                for last in ((1, None), (5, None)):
                    for min_chain, allow_gaps in ((1, True), (2, False)):
                        assert ahead.restart_wins(k, stack, last, min_chain, allow_gaps) == \
                            _reference_restart_wins(candidates, k, stack, last, ranks, min_chain, allow_gaps)
