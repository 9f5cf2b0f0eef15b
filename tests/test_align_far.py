"""Far splits, merges and absorption (issue 11, class 2), second round: a list whose
items became articles of their own (more parts than stage 6's max_parts), evidence
found wherever it is in the whole (order-free contained runs), an absorbed article
proposed although penalty articles share its sanctions, a measure split and merged at
once, and the 1:1 partner a split grew from that is no part. Small fictional documents
first (texts invented for the tests, titles say so), then corpus pairs by path."""

from __future__ import annotations

from policydiff.align import AlignSettings, _contained_runs, align
from policydiff.model import Document

from .conftest import CORPUS, numbered_doc

TITLE = "示例市农贸市场管理条例(测试用虚构文本)"

FILLER = [
    "为了规范示例市农贸市场秩序，保障食用农产品质量安全，制定本条例。",
    "本条例适用于本市行政区域内农贸市场的开办、经营及其监督管理。",
    "市商务部门负责全市农贸市场的行业指导，区商务部门负责本辖区的日常管理。",
    "每年十月为本市农贸市场诚信经营宣传月。",
    "鼓励农贸市场建设冷链仓储设施，推广电子秤联网计量。",
    "本市建立农贸市场信用档案，记录开办者和经营户的违规情况。",
    "市和区人民政府应当将农贸市场改造经费列入本级财政预算。",
    "本条例自2031年3月1日起施行。",
]

# A list of prohibited acts (fictional). In the new version items (一)(二) stay in the
# list, items (三)(四)(五) and the last paragraph each become an article of their own,
# far from the list, each opening with the list's frame 「市场开办者…不得」.
LIST_OLD = ("市场开办者、摊位经营户不得有下列行为：\n"
            "（一）使用未经检定的计量器具；\n"
            "（二）出售病死禽畜及其制品；\n"
            "（三）擅自将摊位转租给无营业执照的人员并收取差价；\n"
            "（四）在市场通道内堆放杂物，阻碍消防车辆通行；\n"
            "（五）夜间在市场内屠宰活禽，排放未经处理的血水；\n"
            "违反前款规定取得的摊位转租收益，由区商务部门予以追缴。")
LIST_KEPT = ("市场开办者、摊位经营户不得有下列行为：\n"
             "（一）使用未经检定的计量器具；\n"
             "（二）出售病死禽畜及其制品。")
ITEM_3 = ("市场开办者、摊位经营户，不得擅自将摊位转租给无营业执照的人员并收取差价。"
          "确需转租的，应当报市场开办者备案。")
ITEM_4 = ("市场开办者、摊位经营户，不得在市场通道内堆放杂物，阻碍消防车辆通行；"
          "市场开办者应当每日巡查通道。")
ITEM_5 = ("市场开办者、摊位经营户，不得夜间在市场内屠宰活禽，排放未经处理的血水。"
          "活禽屠宰应当在定点屠宰场进行。")
LAST_PARAGRAPH = "违反本条例第二条规定取得的摊位转租收益，由区商务部门予以追缴。"


def _doc(texts: list[str]) -> Document:
    return numbered_doc(TITLE, texts)


def _rows(old_texts, new_texts, settings: AlignSettings = AlignSettings()):
    return [(m.kind.value, m.old, m.new) for m in align(_doc(old_texts), _doc(new_texts), settings).matches]


def test_contained_runs_are_maximal_and_order_free():
    # the part's material wherever it is in the whole, each span as long as it goes
    assert _contained_runs("甲乙丙丁戊己庚", "戊己庚x甲乙丙丁", 3) == [(0, 3), (4, 8)]
    # overlapping maximal spans, not a left-to-right cut: 丙丁戊己 is seen whole
    assert _contained_runs("甲乙丙丁x丙丁戊己", "甲乙丙丁戊己", 3) == [(0, 4), (2, 6)]
    assert _contained_runs("甲乙丙", "丁戊己", 3) == []
    assert _contained_runs("甲乙丙", "甲乙", 3) == []


def _list_revision():
    old = [FILLER[0], LIST_OLD] + FILLER[1:]
    new = [FILLER[0], LIST_KEPT] + FILLER[1:6] + [ITEM_3, ITEM_4] + [FILLER[6], ITEM_5, LAST_PARAGRAPH] + FILLER[7:]
    return old, new


def test_list_items_that_became_articles_split_into_as_many_parts():
    old, new = _list_revision()
    rows = _rows(old, new)
    # items (三)(四)(五) and the last paragraph: new 第8, 9, 11, 12条, far from the list
    assert ("split", (2,), (2, 8, 9, 11, 12)) in rows, rows
    assert not [r for r in rows if r[0] in ("added", "removed")], rows


def test_far_max_parts_bounds_a_far_split():
    old, new = _list_revision()
    rows = _rows(old, new, AlignSettings(far_max_parts=3))
    split = [r for r in rows if r[0] == "split"]
    assert len(split) == 1 and len(split[0][2]) == 3, rows
    assert len([r for r in rows if r[0] == "added"]) == 2, rows


# Split and merged at once (fictional): old 第2条's first sentence becomes new 第8条
# nearly verbatim, far away; its second sentence and old 第3条 become new 第2条.
FEES_OLD = ("摊位租金收取后，市场开办者应当向经营户出具加盖财务专用章的收款凭证。"
            "市场开办者在三十日内未交付摊位，或者交付的摊位面积与租赁合同约定不符、无法正常经营的，"
            "经营户可以要求退还已交租金并加算同期存款利息，市场开办者应当在十日内退还。")
FEES_OTHER = "经营户交纳租金后，不得要求退还租金。"
FEES_MERGED = ("市场开办者在三十日内未交付摊位，或者交付的摊位面积与租赁合同约定不符、无法正常经营的，"
               "经营户可以要求退还已交租金并加算同期存款利息，市场开办者应当在十日内退还。\n"
               "经营户交纳租金后，除前款规定的情形外，不得要求退还租金。")
FEES_RECEIPT = "摊位租金收取后，市场开办者应当向经营户出具加盖财务专用章的收款凭证。"


def test_a_measure_split_and_merged_at_once_leaves_nothing_unaccounted():
    old = [FILLER[0], FEES_OLD, FEES_OTHER] + FILLER[1:]
    new = [FILLER[0], FEES_MERGED] + FILLER[1:6] + [FEES_RECEIPT] + FILLER[6:]
    rows = _rows(old, new)
    # one change can hold one of the two: old 第2条 -> new 第8条 (its verbatim sentence),
    # old 第3条 -> new 第2条 (its second paragraph), no measure added or removed
    assert ("modified", (2,), (8,)) in rows, rows
    assert ("modified", (3,), (2,)) in rows, rows
    assert not [r for r in rows if r[0] in ("added", "removed", "merged")], rows


def test_an_unrelated_new_article_in_the_list_frame_joins_no_split():
    # shares only the list's frame 「市场开办者、摊位经营户，不得」 with old 第2条
    unrelated = "市场开办者、摊位经营户，不得拒绝配合食品安全抽样检测，抽检费用由财政承担。"
    old = [FILLER[0], LIST_OLD] + FILLER[1:]
    new = [FILLER[0], LIST_OLD] + FILLER[1:6] + [unrelated] + FILLER[6:]
    rows = _rows(old, new)
    assert ("added", (), (8,)) in rows, rows


# --- corpus pairs -------------------------------------------------------------------

def _corpus_edges(slug: str, old: str, new: str) -> set[tuple[str, str]]:
    from policydiff import api

    o = api.load_side(None, str(CORPUS / slug / f"{old}.md")).document
    n = api.load_side(None, str(CORPUS / slug / f"{new}.md")).document
    edges = set()
    for m in align(o, n).matches:
        for i in m.old:
            for j in m.new:
                edges.add((o.measures[i - 1].label, n.measures[j - 1].label))
    return edges


def test_corpus_company_law_far_edges():
    """公司法 2018 -> 2023 (every edge below read in both texts): old 第一百四十八条's
    item (五) is new 第一百八十三条 (its clause 「利用职务便利为自己或者他人谋取属于公司的
    商业机会」 verbatim, in the middle of the old list: found order-free), with the other
    parts a five-part split; old 第二百零二条 (false financial reports) is item (二) of new
    第二百五十四条 (absorbed, proposed although the penalty articles around share its
    sanctions); old 第八十九条 split and merged at once: its first sentence is new
    第一百零一条, and old 第九十一条 is new 第一百零五条's second paragraph."""
    edges = _corpus_edges("law-e8660065", "2018-10-26", "2023-12-29")
    for edge in [("第一百四十八条", "第一百八十一条"), ("第一百四十八条", "第一百八十三条"),
                 ("第一百四十八条", "第一百八十四条"), ("第一百四十八条", "第一百八十六条"),
                 ("第二百零一条", "第二百五十四条"), ("第二百零二条", "第二百五十四条"),
                 ("第八十九条", "第一百零一条"), ("第九十一条", "第一百零五条")]:
        assert edge in edges, edge
    # the wrong absorption of the foreign-investment clause is not made
    assert ("第二百一十七条", "第一百六十八条") not in edges


def test_corpus_stock_framed_neighbour_is_no_split_part():
    """中国人民解放军文职人员条例 2017 -> 2022: old 第四十九条 (探亲休假、交通补助…子女入托
    …按照军队有关规定执行) is new 第五十八条 (the same benefits); new 第五十九条 (落户 and
    family moving) shares only the regulation's frame 「文职人员…按照…军队有关规定执行」."""
    edges = _corpus_edges("reg-b6453385", "2017-09-27", "2022-12-10")
    assert ("第四十九条", "第五十八条") in edges
    assert ("第四十九条", "第五十九条") not in edges


# A citation whose number names different articles in the two versions (fictional):
# old 第3条 is the gloves rule, old 第5条 the insurance rule; the new version puts the
# insurance rule at 第3条 and drops the gloves. Old 第9条 (gloves penalty) and new 第9条
# (insurance penalty) both open with 「摊位经营户违反本条例第三条规定，未」: the number
# made that phrase look like a clause found nowhere else.
# the regulation's own penalty frame, in both versions (its recurrence is what tells a
# frame from a clause)
PENALTIES = [
    "摊位经营户违反本条例第二条规定，未亮照经营的，责令限期改正；逾期未改正的，处五百元以下罚款。",
    "摊位经营户违反本条例第四条规定，使用未经检定的计量器具的，责令限期改正；逾期未改正的，处一千元以下罚款。",
    "摊位经营户违反本条例第六条规定，未公示商品价格的，责令限期改正；逾期未改正的，处二百元以下罚款。",
]
GLOVES_RULE = "摊位经营户应当为宰杀水产的雇员免费配备防割手套，不得以现金折抵。"
INSURANCE_RULE = "摊位经营户应当投保摊位火灾责任保险，保险凭证在摊位显著位置公示。"
GLOVES_PENALTY = ("摊位经营户违反本条例第三条规定，未为宰杀水产的雇员配备防割手套，或者配备的手套不符合"
                  "劳动防护标准，或者以现金、购物卡折抵的，责令限期改正；逾期未改正的，责令停业整顿，"
                  "可以并处二千元以下罚款。")
INSURANCE_PENALTY_OLD = ("摊位经营户违反本条例第五条规定，未投保摊位火灾责任保险的，由区商务部门责令限期改正，"
                         "可以处一千元以下罚款。")
INSURANCE_PENALTY_NEW = ("摊位经营户违反本条例第三条规定，未投保摊位火灾责任保险的，由区商务部门责令限期改正，"
                         "处三千元以上一万元以下罚款；逾期未改正的，处一万元以上二万元以下罚款。")


def test_a_citation_naming_different_articles_is_no_evidence_of_a_weak_pair():
    from policydiff.align import _Aligner

    old_doc = _doc([FILLER[0], FILLER[1], GLOVES_RULE, FILLER[2], INSURANCE_RULE, FILLER[3], FILLER[4],
                    FILLER[5], GLOVES_PENALTY, INSURANCE_PENALTY_OLD] + PENALTIES + [FILLER[7]])
    new_doc = _doc([FILLER[0], FILLER[1], INSURANCE_RULE, FILLER[2], FILLER[3], FILLER[4], FILLER[5],
                    FILLER[6], INSURANCE_PENALTY_NEW] + PENALTIES + [FILLER[7]])
    al = _Aligner(old_doc, new_doc, AlignSettings())
    al.anchors()
    al.assign()
    # the gloves penalty and the insurance penalty, taken as a pair: only the opening
    # phrase with its citation is shared, and 第三条 is not one article in both
    al.o2n[8], al.n2o[8] = 8, 8
    assert not al._cite_alike(8, 8)
    assert al.distinctive_coverage(8, 8) >= al.s.context_min_coverage  # the number counted
    assert al._uncited_coverage(8, 8) < al.s.context_min_coverage
    al._drop_miscited()
    assert 8 not in al.o2n
    # in the whole alignment, the gloves penalty is removed; the insurance penalty is its
    # own source or new, never the gloves penalty's
    rows = [(m.kind.value, m.old, m.new) for m in align(old_doc, new_doc).matches]
    assert not [r for r in rows if 9 in r[1] and 9 in r[2]], rows
    assert ("removed", (9,), ()) in rows, rows


def test_corpus_miscited_pair_gives_way_to_the_true_source():
    """北京市安全生产条例 2016 -> 2022: old 第八十八条 (protective equipment, citing old
    第三十六条) is not new 第五十九条 (insurance, citing new 第三十六条, another rule); new
    第五十九条's source is old 第九十四条 (安全生产责任保险)."""
    edges = _corpus_edges("bj-ade52603", "2016-11-25", "2022-05-25")
    assert ("第八十八条", "第五十九条") not in edges
    assert ("第九十四条", "第五十九条") in edges
