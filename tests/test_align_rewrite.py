"""Heavily rewritten articles (issue 11, recall on real revisions without losing
precision): measures left unmatched inside matched containers (stage 8b,
`fill_containers`), a clause dropped by an article's partner and expanded into a new
article of its own (stage 8c, `join_expansions`), and an article condensed beside a
match that keeps its subject (`fill_beside_matches`). Small fictional documents first (texts invented for the tests,
titles say so), then corpus pairs by path."""

from __future__ import annotations

import pytest

from policydiff.align import AlignSettings, align
from policydiff.docbuild import DocBuilder
from policydiff.model import Document

TITLE = "示例市湖泊保护条例(测试用虚构文本)"

CH1 = [
    "为了保护示例湖泊，改善水环境，制定本条例。",
    "本条例适用于示例湖泊保护范围内的保护、利用和管理活动。",
    "市水务部门负责示例湖泊保护的统一监督管理。",
]
CH2 = [
    "每年六月为本市湖泊保护宣传月，新闻媒体应当开展公益宣传。",
    "鼓励公众通过示例市湖泊服务热线举报破坏湖泊的行为。",
    "本市建立湖泊信息共享平台，汇集监测、执法和许可数据。",
    "市和区人民政府应当将湖泊保护经费列入本级财政预算。",
]
CH3 = [
    "违反本条例规定，在湖泊保护范围内倾倒垃圾的，由市水务部门责令清除。",
    "本条例自2030年1月1日起施行。",
    # repeats the telling clause of FISHING below, so that it is not weighted as unique
    "违反本条例规定，在每年三月一日至六月三十日进入核心水域捕捞的，由渔政部门没收渔获物。",
]
INSERTED = "区人民政府应当每年向市人民政府报告本区湖泊保护工作情况。"

# A rule rewritten (ratio 0.46, distinctive coverage 0.18): a clause survives (每年三月一日至六月三十日 … 进入核心水域).
FISHING = ("示例湖泊实行季节性禁渔制度，禁渔期为每年三月一日至六月三十日。"
           "禁渔期内，任何船只不得进入核心水域捕捞作业。")
FISHING_REWRITTEN = "渔政部门应当加强湖区巡查。每年三月一日至六月三十日，船只进入核心水域的，应当事先报告并说明理由。"
# Two definitions of different terms in one frame, with a citation each (ratio 0.45):
# the frame 「…，应当认定为本条例第…条规定的“…”」 is all they share.
FOREST = "在示例湖泊保护范围内种植的防护林和水源涵养林，应当认定为本条例第五条规定的“生态公益林”。"
PROJECT = "跨两个以上区且总投资超过一亿元的示例湖泊治理项目，应当认定为本条例第九条规定的“重点治理项目”。"


def _doc(chapters: list[list[str]]) -> Document:
    b = DocBuilder(title=TITLE)
    n = 0
    for c, texts in enumerate(chapters, 1):
        with b.container(f"第{c}章", c, f"第{c}章 示例章"):
            for text in texts:
                n += 1
                b.measure(f"第{n}条", n, text)
    return b.build()


def _rows(old: list[list[str]], new: list[list[str]], settings: AlignSettings = AlignSettings()):
    return [(m.kind.value, m.old, m.new) for m in align(_doc(old), _doc(new), settings).matches]


def _reordered(old_last: str, new_first: str) -> tuple[list[list[str]], list[list[str]]]:
    """Chapter 2 reversed, its rewritten article last in the old version and first in the
    new: in no gap of the in-order skeleton (whichever reversed article the skeleton
    keeps) and beside no match."""
    old = [CH1, CH2 + [old_last], CH3]
    new = [CH1, [new_first] + CH2[::-1], CH3]
    return old, new


def test_a_rewritten_article_in_a_reordered_chapter_is_found():
    old, new = _reordered(FISHING, FISHING_REWRITTEN)
    assert ("modified", (8,), (4,)) in _rows(old, new)
    # the container pair is the evidence: with the stage's ratio floor above the pair's
    # ratio it stays removed + added
    rows = _rows(old, new, AlignSettings(container_ratio_min=0.5))
    assert ("removed", (8,), ()) in rows and ("added", (), (4,)) in rows


def test_a_shared_definition_frame_with_citations_is_not_content():
    old, new = _reordered(FOREST, PROJECT)
    rows = _rows(old, new)
    assert ("removed", (8,), ()) in rows and ("added", (), (4,)) in rows


def test_an_unrelated_article_in_the_same_chapter_stays_apart():
    old, new = _reordered(FISHING, INSERTED)
    rows = _rows(old, new)
    assert ("removed", (8,), ()) in rows and ("added", (), (4,)) in rows


# Cross-references followed through the alignment: old 第十条 became new 第十一条 (an
# article inserted before it), and the rewritten article cites it under its new number.
CITING_OLD = "示范渔船检验，适用本条例第十条的规定。"
# The two new texts differ only in the article they cite (ratio 0.44 with the old one).
CITING_NEW = ("渔船所有人应当按照渔船检验证书核定的航区和作业方式出海。"
              "示范渔船的年度检查，适用本条例第十一条、第四条关于渔船的规定。")
CITING_OTHER = ("渔船所有人应当按照渔船检验证书核定的航区和作业方式出海。"
                "示范渔船的年度检查，适用本条例第一条、第四条关于渔船的规定。")


def test_articles_citing_the_same_article_through_the_alignment_are_one():
    old = [CH1, CH2 + [CITING_OLD], CH3]
    new = [CH1, [CITING_NEW] + CH2[::-1], [INSERTED] + CH3]
    assert ("modified", (8,), (4,)) in _rows(old, new)


def test_a_citation_of_another_article_is_no_evidence():
    old = [CH1, CH2 + [CITING_OLD], CH3]
    new = [CH1, [CITING_OTHER] + CH2[::-1], [INSERTED] + CH3]
    rows = _rows(old, new)
    assert ("removed", (8,), ()) in rows and ("added", (), (4,)) in rows


def _doc_numbered_per_chapter(chapters: list[list[str]]) -> Document:
    """A compilation-like document: every chapter numbers its articles from 第1条."""
    b = DocBuilder(title=TITLE)
    for c, texts in enumerate(chapters, 1):
        with b.container(f"第{c}章", c, f"第{c}章 示例章"):
            for n, text in enumerate(texts, 1):
                b.measure(f"第{n}条", n, text)
    return b.build()


def test_a_citation_of_a_number_several_articles_hold_is_no_evidence():
    # old 「本条例第二条」: every chapter has a 第2条, so it names no one article (with
    # continuous numbering the same citation links the pair, as above)
    cites_second = CITING_OLD.replace("第十条", "第二条")
    cites_third = CITING_NEW.replace("第十一条", "第三条")
    old = [CH1, CH2 + [cites_second], CH3]
    new = [[INSERTED] + CH1, [cites_third] + CH2[::-1], CH3]
    rows = [(m.kind.value, m.old, m.new)
            for m in align(_doc_numbered_per_chapter(old), _doc_numbered_per_chapter(new)).matches]
    assert ("removed", (8,), ()) in rows and ("added", (), (5,)) in rows


# Expansions (stage 8c, join_expansions): an article whose partner dropped a clause, and
# the clause expanded into a new article of its own (mostly new text, so split growth's
# part test does not take it).
DUTY = ("湖泊管理人员应当遵守本条例和湖泊管理规程，依法履行职责，对湖泊保护负有巡查职责和报告职责。"
        "湖泊管理人员不得利用职务收受好处，不得占用湖泊岸线。")
DUTY_KEPT = "湖泊管理人员应当遵守本条例和湖泊管理规程，依法履行职责，不得利用职务收受好处。"
DUTY_EXPANDED = ("湖泊管理人员对湖泊保护负有巡查职责，应当按照巡查计划每周至少巡查一次，如实记录巡查情况。"
                 "湖泊管理人员对湖泊保护负有报告职责，发现污染或者破坏湖泊行为的，应当在二十四小时内报告市水务部门。"
                 "受委托从事湖泊巡查的单位，适用前两款规定。")
# shares one phrase of the dropped clause (对湖泊保护负有…职责) and nothing else of it
DUTY_UNRELATED = "湖泊管理人员对湖泊保护负有宣传职责的，由市水务部门统一培训，培训合格后方可上岗，培训费用由市财政承担。"


def _expansion_rows(expanded: str, settings: AlignSettings = AlignSettings()):
    old = [CH1, CH2[:2] + [DUTY] + CH2[2:], CH3]
    new = [CH1, CH2[:2] + [DUTY_KEPT, expanded] + CH2[2:], CH3]
    return [r for r in _rows(old, new, settings) if 6 in r[1] or {6, 7} & set(r[2])]


def test_a_dropped_clause_expanded_beside_the_partner_is_a_split_part():
    assert _expansion_rows(DUTY_EXPANDED) == [("split", (6,), (6, 7))]
    # with expansions off (and stage 8's far parts, which since their order-free
    # evidence also find this clause: two stages, one right answer) it stays added
    off = AlignSettings(expansion_min_gain=1000.0, far_part_min_coverage=1.0, far_telling_min_coverage=1.0)
    assert _expansion_rows(DUTY_EXPANDED, off) == [("modified", (6,), (6,)), ("added", (), (7,))]


def test_a_neighbour_sharing_one_phrase_of_the_dropped_clause_stays_added():
    assert _expansion_rows(DUTY_UNRELATED) == [("modified", (6,), (6,)), ("added", (), (7,))]


# The partner hands a dropped sentence over to another article by citing it.
STATIONS = ("示例湖泊沿岸各区设湖泊管理站，其工作人员不得少于五人。"
            "湖泊面积较小或者沿岸人口较少的区，可以设一至二名专职管理员，不设湖泊管理站。")
STATIONS_NEW = "示例湖泊沿岸各区设湖泊管理站，本条例第七条另有规定的除外。湖泊管理站工作人员为五人以上，设站长一人。"
SMALL_DISTRICTS = ("沿岸人口较少或者湖泊面积较小的区，可以不设湖泊管理站，设一名专职管理员，"
                   "行使本条例规定的湖泊管理站的职权；经市水务部门同意，也可以不设专职管理员。")


def _cited_rows(partner: str, settings: AlignSettings = AlignSettings()):
    old = [CH1, [STATIONS] + CH2, CH3]
    new = [CH1, [partner] + CH2[:2] + [SMALL_DISTRICTS] + CH2[2:], CH3]
    return [r for r in _rows(old, new, settings) if 4 in r[1] or {4, 7} & set(r[2])]


def test_a_dropped_sentence_in_an_article_the_partner_cites_is_a_split_part():
    assert _cited_rows(STATIONS_NEW) == [("split", (4,), (4, 7))]
    # the same texts without the citation: three articles apart, no evidence of place
    # for this stage (stage 8's far parts, on the clauses alone, also find it since
    # their evidence is order-free: 「湖泊面积较小…沿岸人口较少」 reordered; off here)
    uncited = STATIONS_NEW.replace("本条例第七条另有规定的除外", "法律另有规定的除外")
    no_far = AlignSettings(far_part_min_coverage=1.0, far_telling_min_coverage=1.0)
    assert _cited_rows(uncited, no_far) == [("modified", (4,), (4,)), ("added", (), (7,))]


# The same subject beside a match (fill_beside_matches): an article condensed to one
# sentence keeps who it is about. The subject recurs in other articles of the law, so its
# shared run weighs little as distinctive material (0.036, below gap filling's 0.06).
BOAT_RULES = ["游船经营者应当为每名乘客配备救生衣。", "游船经营者不得超过核定人数载客。",
              "游船经营者应当为乘客购买意外伤害保险。"]
BOATS = "游船经营者必须依照本条例和有关规定，公开其船舶检验、安全设施及事故处理情况，每季度公布一次安全报告。"
BOATS_CONDENSED = "游船经营者应当依照有关规定公开安全信息。"  # ratio 0.46
BOATS_DRILLS = "游船经营者每年应当组织两次水上救援演练，演练方案报市水务部门备案。"  # ratio 0.22
# same opening, but a stock phrase (ratio 0.46)
GOVERNMENT = "县级以上人民政府应当依照本条例和有关规定，公开湖泊水质监测、排污口设置及整治情况，每季度公布一次。"
GOVERNMENT_OTHER = "县级以上人民政府应当依照有关规定组织渔民转产培训。"


def _subject_rows(old_text: str, new_text: str, settings: AlignSettings = AlignSettings()):
    old = [CH1, CH2[:2] + [old_text] + CH2[2:], CH3 + BOAT_RULES]
    new = [CH1, CH2[:2] + [new_text] + CH2[2:], CH3 + BOAT_RULES]
    return [r for r in _rows(old, new, settings) if 6 in r[1] or 6 in r[2]]


def test_a_condensed_article_beside_a_match_keeps_its_subject():
    assert _subject_rows(BOATS, BOATS_CONDENSED) == [("modified", (6,), (6,))]
    off = AlignSettings(subject_min_chars=100)
    assert _subject_rows(BOATS, BOATS_CONDENSED, off) == [("removed", (6,), ()), ("added", (), (6,))]


def test_the_same_subject_alone_or_a_stock_subject_is_not_enough():
    assert _subject_rows(BOATS, BOATS_DRILLS) == [("removed", (6,), ()), ("added", (), (6,))]
    assert _subject_rows(GOVERNMENT, GOVERNMENT_OTHER) == [("removed", (6,), ()), ("added", (), (6,))]


# --- corpus ---------------------------------------------------------------------------


def _corpus_pair(slug: str, old: str, new: str):
    from policydiff import api

    from .conftest import CORPUS

    path = CORPUS / slug
    if not path.is_dir():
        pytest.fail(f"corpus missing: {path}")
    return (api.load_side(None, str(path / f"{old}.md")).document,
            api.load_side(None, str(path / f"{new}.md")).document)


def _edges(old_doc: Document, new_doc: Document) -> set[tuple[str, str]]:
    al = align(old_doc, new_doc)
    return {(old_doc.measures[o - 1].label, new_doc.measures[n - 1].label)
            for m in al.matches for o in m.old for n in m.new}


def test_corpus_company_law_rewritten_articles_in_their_sections():
    """公司法 2018 -> 2023: the joint-stock formation section was reordered; old 第九十三条
    (promoters' shortfall) is new 第九十九条 (sharing 「出资的非货币财产的实际价额显著低于」),
    old 第八十二条 (「适用本法第二十七条」) is new 第九十八条 (「适用本法第四十八条…」, old
    第二十七条 being new 第四十八条); old 第一百四十五条, right after an unchanged article, is
    new 第一百六十六条 condensed (「上市公司…依照法律、行政法规的规定…」). Read in both texts
    (benchmarks/gold)."""
    edges = _edges(*_corpus_pair("law-e8660065", "2018-10-26", "2023-12-29"))
    assert {("第九十三条", "第九十九条"), ("第八十二条", "第九十八条"), ("第二十七条", "第四十八条"),
            ("第一百四十五条", "第一百六十六条")} <= edges


def test_corpus_same_subject_of_another_provision_stays_apart():
    """商用密码管理条例 1999 -> 2023: old 第十条 (who may sell 商用密码 products) and new
    第二十一条 (certification of 商用密码 services) open with the same words; at ratio 0.31
    they stay apart (subject_ratio_min)."""
    edges = _edges(*_corpus_pair("reg-f93e0421", "1999-10-07", "2023-04-27"))
    assert ("第十条", "第二十一条") not in edges


def test_corpus_definition_frames_stay_apart():
    """刑事诉讼法解释 2012 -> 2021: old 第五百零九条 (what counts as 违法所得及其他涉案财产)
    and new 第六百一十条 (what counts as 重大犯罪案件) share only 「…应当认定为刑事诉讼法第
    二百…条第一款规定的“…”」 in one chapter: not one article."""
    edges = _edges(*_corpus_pair("ji-84954159", "2012-12-20", "2021-01-26"))
    assert not any(o == "第五百零九条" or n == "第六百一十条" for o, n in edges)


def test_corpus_company_law_expanded_clauses_are_split_parts():
    """公司法 2018 -> 2023: old 第一百四十七条's duties of loyalty and diligence are defined
    at length in new 第一百八十条, beside new 第一百七十九条 (its partner); old 第五十一条's
    second sentence (small companies may have a supervisor instead of a board) is new
    第八十三条, which new 第七十六条 (its partner) cites: 「本法第六十九条、第八十三条另有规定
    的除外」. Both sure edges of benchmarks/gold."""
    old_doc, new_doc = _corpus_pair("law-e8660065", "2018-10-26", "2023-12-29")
    groups = {(tuple(old_doc.measures[o - 1].label for o in m.old), tuple(new_doc.measures[n - 1].label for n in m.new))
              for m in align(old_doc, new_doc).matches if m.kind.value == "split"}
    assert (("第一百四十七条",), ("第一百七十九条", "第一百八十条")) in groups
    assert (("第五十一条",), ("第七十六条", "第八十三条")) in groups


def test_corpus_expansions_elsewhere():
    """突发事件应对法 2007 -> 2024 (read in both texts): old 第七条 (county governments lead;
    events across regions go to the common superior) -> new 第十七条 + 第十八条 (the
    cross-region rule in an article of its own, beside); old 第三十二条 (national and local
    reserves of emergency supplies) -> new 第四十五条 + 第四十六条."""
    edges = _edges(*_corpus_pair("law-aad08ac4", "2007-08-30", "2024-06-28"))
    assert {("第七条", "第十七条"), ("第七条", "第十八条"), ("第三十二条", "第四十五条"),
            ("第三十二条", "第四十六条")} <= edges
