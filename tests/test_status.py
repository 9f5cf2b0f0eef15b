"""Status core (policydiff.status) on Versions built by hand: no archive, no clock.

The zgc Versions below restate what the shipped archive holds (title, 文号, dates and the
2024 closing sentence quoted verbatim from the seed); every other document here is
fictional and says so in its title (测试用虚构文本).
"""

from __future__ import annotations

import json

import pytest

from policydiff import status as st
from policydiff.docbuild import DocBuilder
from policydiff.errors import AmbiguousRefError, BadInputError, UnknownRefError
from policydiff.model import (Change, ChangeKind, Comparison, DocumentMeta, Repeal, Version)
from policydiff.render.status import render_status, status_dict

# ----------------------------------------------------------------------------- helpers

ZGC = "zgc-world-leading-park"
ZGC_TITLE = "关于推动中关村加快建设世界领先科技园区的若干政策措施"
ZGC_NO = "京科发〔2022〕4号"
# Quoted verbatim from ../shared/seeds/zgc-measures-2024-page.txt (its closing paragraph).
ZGC_CLAUSE = "原《关于推动中关村加快建设世界领先科技园区的若干政策措施》(京科发〔2022〕4号)同时废止。"
ZGC_CLOSING = "本措施自印发之日起施行,由市科委中关村管委会负责解释。" + ZGC_CLAUSE


def version(work, vid, title, *, doc_no=None, issued=None, effective=None, effective_clause=None,
            repeals=(), measures=None, closing=None, has_text=True):
    """A Version with a DocBuilder document: measures = [(label, number, text)]."""
    meta = DocumentMeta(title=title, doc_no=doc_no, issued=issued, effective=effective,
                        effective_clause=effective_clause, repeals=tuple(repeals))
    if not has_text:
        return Version(work, vid, meta, False)
    builder = DocBuilder(title=title, meta=meta)
    for label, number, text in measures or ():
        builder.measure(label, number, text)
    if closing:
        builder.text(closing, level="closing")
    return Version(work, vid, meta, True, builder.build())


def zgc_versions():
    v2022 = version(ZGC, "2022", ZGC_TITLE, doc_no=ZGC_NO, has_text=False)
    v2024 = version(ZGC, "2024", ZGC_TITLE, issued="2024-10-09", effective="2024-10-09",
                    effective_clause="本措施自印发之日起施行",
                    repeals=[Repeal(ZGC_TITLE, ZGC_NO, ZGC_CLAUSE)], closing=ZGC_CLOSING)
    return [v2022, v2024]


class StubCompare:
    """compare(old, new) from a table {(old ref, new ref): [(kind, old, new, similarity)]}."""

    def __init__(self, table):
        self.table = table
        self.calls = []

    def __call__(self, old, new):
        self.calls.append((old.ref, new.ref))
        rows = self.table[(old.ref, new.ref)]
        changes = tuple(Change(ChangeKind(kind), tuple(o), tuple(n), sim, ()) for kind, o, n, sim in rows)
        return Comparison(old, new, changes)


def no_compare(old, new):  # pragma: no cover - must not be called
    raise AssertionError(f"compare called for {old.ref} -> {new.ref}")


# ----------------------------------------------------------------------------- zgc answers


def test_doc_no_query_is_repealed_on_2024_10_09_quoting_the_clause():
    answer = st.status(zgc_versions(), ZGC_NO, "2026-01-01")
    assert answer.status == st.REPEALED
    assert answer.key == f"{ZGC}@2022"
    assert answer.repealed_by.key == f"{ZGC}@2024"
    assert answer.repeal_date == "2024-10-09"
    data = status_dict(answer)
    assert data["repealed_by"]["ref"] == f"{ZGC}@2024"
    assert data["repealed_by"]["date"] == "2024-10-09"
    assert data["repealed_by"]["clause"] == ZGC_CLAUSE
    # the evidence says where the clause is: the 2024 version, at its offset in the text
    clause_evidence = [e for e in answer.evidence if e.kind == "repeal_clause"]
    assert clause_evidence and clause_evidence[0].source == f"{ZGC}@2024"
    text = zgc_versions()[1].document.text
    assert text[clause_evidence[0].offset:].startswith(ZGC_CLAUSE)
    assert ZGC_CLAUSE in render_status(answer, "text")


def test_repealed_from_the_day_itself_and_in_force_the_day_before():
    assert st.status(zgc_versions(), ZGC_NO, "2024-10-09").status == st.REPEALED
    assert st.status(zgc_versions(), ZGC_NO, "2024-10-08").status == st.IN_FORCE


def test_2024_version_in_force():
    answer = st.status(zgc_versions(), f"{ZGC}@2024", "2026-01-01")
    assert answer.status == st.IN_FORCE
    assert status_dict(answer)["repealed_by"] is None


def test_work_as_of_2023_answers_for_the_2022_version_with_both_bounds():
    answer = st.status(zgc_versions(), ZGC, "2023-06-01")
    assert answer.status == st.IN_FORCE
    data = status_dict(answer)
    assert data["ref"] == f"{ZGC}@2022" and data["query"] == ZGC
    start, end = data["bounds"]["start"], data["bounds"]["end"]
    assert (start["lo"], start["hi"]) == ("2022-01-01", "2022-12-31")
    assert any(e["kind"] == "doc_no_year" and ZGC_NO in e["text"] for e in start["evidence"])
    assert (end["lo"], end["hi"]) == ("2024-10-09", "2024-10-09")
    assert any(e["kind"] == "repeal_clause" and e["text"] == ZGC_CLAUSE for e in end["evidence"])
    assert "2022-12-31" in answer.reason and "2024-10-09" in answer.reason


def test_work_as_of_2021_is_unknown_nothing_shows_it_existed():
    answer = st.status(zgc_versions(), ZGC, "2021-06-01")
    assert answer.status == st.UNKNOWN
    assert "nothing in the archive shows" in answer.reason
    assert status_dict(answer)["ref"] == f"{ZGC}@2022"


def test_inside_the_doc_no_year_the_status_is_unknown():
    answer = st.status(zgc_versions(), ZGC, "2022-06-01")
    assert answer.status == st.UNKNOWN
    assert "unsettled" in answer.reason


def test_work_today_is_the_2024_version():
    answer = st.status(zgc_versions(), ZGC, "2026-01-01")
    assert (answer.key, answer.status) == (f"{ZGC}@2024", st.IN_FORCE)


def test_measure_of_the_2022_record_is_unknown_with_the_add_command():
    answer = st.status(zgc_versions(), ZGC_NO, "2026-01-01", measure="第五条", compare=no_compare)
    measure = answer.measure
    assert measure.status == st.UNKNOWN
    assert measure.command == f"policydiff add FILE --work {ZGC} --version 2022 --replace"
    assert "no text" in measure.reason
    data = status_dict(answer)["measure"]
    assert data["status"] == "unknown" and data["successors"] == []


def test_json_has_exactly_the_contract_keys_first():
    data = json.loads(render_status(st.status(zgc_versions(), ZGC_NO, "2026-01-01"), "json"))
    contract = ["format", "query", "ref", "doc_no", "title", "as_of", "status", "repealed_by", "measure"]
    assert list(data)[: len(contract)] == contract
    assert data["format"] == "policydiff.status/1"
    assert set(data["repealed_by"]) >= {"ref", "doc_no", "title", "date", "clause"}
    assert data["status"] in st.STATUSES


def test_title_queries_exact_and_fragment_resolve_to_the_work():
    for query in (ZGC_TITLE, "《" + ZGC_TITLE + "》", "世界领先科技园区"):
        answer = st.status(zgc_versions(), query, "2023-06-01")
        assert answer.key == f"{ZGC}@2022", query


def test_same_input_same_bytes():
    render = lambda: render_status(st.status(zgc_versions(), ZGC, "2023-06-01"), "json")  # noqa: E731
    assert render() == render()


# ----------------------------------------------------------------------------- a fictional three-version work

DEMO = "demo-innovation"
DEMO_TITLE = "示例市促进创新若干措施(测试用虚构文本)"


def demo_versions():
    v1 = version(DEMO, "2019", DEMO_TITLE, doc_no="示科发〔2019〕1号", issued="2019-03-01",
                 effective_clause="本措施自印发之日起施行。",
                 measures=[("1.", 1, "支持示例企业研发。"), ("2.", 2, "设立示例基金。"),
                           ("3.", 3, "建设示例平台并培育示例人才。"), ("4.", 4, "奖励示例专利。"),
                           ("5.", 5, "奖励示例标准。")],
                 closing="本措施自印发之日起施行。")
    v2 = version(DEMO, "2021", DEMO_TITLE, doc_no="示科发〔2021〕2号", issued="2021-05-10",
                 effective_clause="本措施自印发之日起施行。",
                 repeals=[Repeal(DEMO_TITLE, "示科发〔2019〕1号", "原《示例市促进创新若干措施(测试用虚构文本)》(示科发〔2019〕1号)同时废止。")],
                 measures=[("1.", 1, "支持示例企业研发。"), ("2.", 2, "建设示例平台。"),
                           ("3.", 3, "培育示例人才。"), ("4.", 4, "奖励示例专利和示例标准。")],
                 closing="本措施自印发之日起施行。原《示例市促进创新若干措施(测试用虚构文本)》(示科发〔2019〕1号)同时废止。")
    v3 = version(DEMO, "2023", DEMO_TITLE, doc_no="示科发〔2023〕3号", issued="2023-02-01",
                 effective="2023-04-01", effective_clause="本措施自2023年4月1日起施行。",
                 measures=[("1.", 1, "大力支持示例企业研发。"), ("2.", 2, "建设示例平台。"),
                           ("3.", 3, "奖励示例专利和示例标准。"), ("4.", 4, "新设示例补贴。")],
                 closing="本措施自2023年4月1日起施行。")
    return [v1, v2, v3]


DEMO_COMPARE = {
    (f"{DEMO}@2019", f"{DEMO}@2021"): [
        ("unchanged", [1], [1], 1.0), ("removed", [2], [], 0.0), ("split", [3], [2, 3], 0.8),
        ("merged", [4, 5], [4], 0.7)],
    (f"{DEMO}@2021", f"{DEMO}@2023"): [
        ("modified", [1], [1], 0.9), ("unchanged", [2], [2], 1.0), ("removed", [3], [], 0.0),
        ("unchanged", [4], [3], 1.0), ("added", [], [4], 0.0)],
}


@pytest.mark.parametrize("label, as_of, status, successors", [
    # as of 2022: the 2021 version is in force, the 2019 one was repealed
    ("1", "2022-01-01", st.CARRIED_OVER, [(f"{DEMO}@2021", 1, "unchanged")]),
    ("2.", "2022-01-01", st.REPEALED, []),
    ("第3条", "2022-01-01", st.CARRIED_OVER, [(f"{DEMO}@2021", 2, "split"), (f"{DEMO}@2021", 3, "split")]),
    ("第四条", "2022-01-01", st.CARRIED_OVER, [(f"{DEMO}@2021", 4, "merged")]),
    ("5", "2022-01-01", st.CARRIED_OVER, [(f"{DEMO}@2021", 4, "merged")]),
    # as of 2024: followed on into the 2023 version (3's second branch is dropped there)
    ("1", "2024-01-01", st.CARRIED_OVER, [(f"{DEMO}@2023", 1, "modified")]),
    ("3", "2024-01-01", st.CARRIED_OVER, [(f"{DEMO}@2023", 2, "unchanged")]),
    ("4", "2024-01-01", st.CARRIED_OVER, [(f"{DEMO}@2023", 3, "unchanged")]),
    ("2", "2024-01-01", st.REPEALED, []),
])
def test_measures_of_the_first_version(label, as_of, status, successors):
    answer = st.status(demo_versions(), f"{DEMO}@2019", as_of, measure=label, compare=StubCompare(DEMO_COMPARE))
    assert answer.status == st.REPEALED
    assert answer.measure.status == status
    assert [(s.ref, s.ordinal, s.kind) for s in answer.measure.successors] == successors


def test_measure_dropped_in_a_later_version_names_that_version_and_its_date():
    answer = st.status(demo_versions(), f"{DEMO}@2021", "2024-01-01", measure="3",
                       compare=StubCompare(DEMO_COMPARE))
    assert answer.measure.status == st.REPEALED
    assert answer.measure.dropped_in == f"{DEMO}@2023"
    assert (answer.measure.dropped_on.lo, answer.measure.dropped_on.settled) == ("2023-04-01", True)
    assert f"dropped in {DEMO}@2023, which took effect on 2023-04-01" in answer.measure.reason
    data = json.loads(render_status(answer, "json"))["measure"]
    assert data["dropped_in"] == {"ref": f"{DEMO}@2023", "date": "2023-04-01", "lo": "2023-04-01",
                                  "hi": "2023-04-01", "settled": True}
    assert f"dropped in: {DEMO}@2023, in force from 2023-04-01" in render_status(answer, "text")


def test_measure_of_the_version_in_force_is_in_force_and_other_numberings_are_named():
    answer = st.status(demo_versions(), DEMO, "2024-01-01", measure="4", compare=StubCompare(DEMO_COMPARE))
    assert answer.key == f"{DEMO}@2023"
    m = answer.measure
    assert (m.status, m.ordinal, m.label, m.version) == (st.IN_FORCE, 4, "4.", f"{DEMO}@2023")
    # 4. of 2019 and of 2021 became 3. of 2023 (2023's 4. is new): each said in one line
    assert [r.line for r in m.renumbering] == [
        "4. of @2019 is a different measure: now 3.", "4. of @2021 is a different measure: now 3."]
    data = json.loads(render_status(answer, "json"))["measure"]
    assert [r["text"] for r in data["renumbering"]] == [r.line for r in m.renumbering]
    assert "4. of @2021 is a different measure: now 3." in render_status(answer, "text")


def test_work_query_reads_the_label_in_the_latest_version_and_follows_it_back():
    """As of 2022 the 2021 version is in force; 3. of the latest (2023) version is the 2021 4."""
    answer = st.status(demo_versions(), DEMO, "2022-01-01", measure="3", compare=StubCompare(DEMO_COMPARE))
    assert answer.key == f"{DEMO}@2021"
    m = answer.measure
    assert (m.status, m.label, m.version) == (st.IN_FORCE, "3.", f"{DEMO}@2023")
    assert m.reason.startswith(f"3. of {DEMO}@2023 is 4. of {DEMO}@2021: in force")
    added = st.status(demo_versions(), DEMO, "2022-01-01", measure="4", compare=StubCompare(DEMO_COMPARE))
    assert added.measure.status == st.NOT_YET_EFFECTIVE  # 2023's 4. was added by 2023


def test_unknown_measure_label_is_an_error():
    with pytest.raises(UnknownRefError):
        st.status(demo_versions(), DEMO, "2024-01-01", measure="99", compare=no_compare)
    with pytest.raises(BadInputError):
        st.status(demo_versions(), DEMO, "2024-01-01", measure="abc", compare=no_compare)


def test_successor_version_supersedes_without_a_clause_on_its_effective_date():
    # 2023 repeals nothing explicitly: the order of versions ends 2021 when 2023 takes effect
    versions = demo_versions()
    assert st.status(versions, f"{DEMO}@2021", "2023-03-31").status == st.IN_FORCE
    answer = st.status(versions, f"{DEMO}@2021", "2023-04-01")
    assert answer.status == st.SUPERSEDED  # 修订: the next version replaces it, no clause repeals it
    data = status_dict(answer)
    assert data["repealed_by"] is None
    assert (data["superseded_by"]["ref"], data["superseded_by"]["kind"]) == (f"{DEMO}@2023", "supersede")
    assert data["superseded_by"]["date"] == "2023-04-01"
    # between issue and 施行 of 2023, the work answers with 2021 (still in force)
    assert st.status(versions, DEMO, "2023-03-01").key == f"{DEMO}@2021"


# ----------------------------------------------------------------------------- more graph cases

OTHER_TITLE = "示例市科技项目管理办法(测试用虚构文本)"


def test_repealed_document_absent_from_the_archive_gets_its_own_node():
    clause = "《示例市旧科技项目管理办法(测试用虚构文本)》(示科发〔2015〕9号)同时废止。"
    v = version("demo-projects", "2020", OTHER_TITLE, issued="2020-06-01", effective="2020-07-01",
                effective_clause="本办法自2020年7月1日起施行。",
                repeals=[Repeal("示例市旧科技项目管理办法(测试用虚构文本)", "示科发[2015]9号", clause)],
                measures=[("第一条", 1, "为规范示例项目，制定本办法。")],
                closing="本办法自2020年7月1日起施行。" + clause)
    answer = st.status([v], "示科发〔2015〕9号", "2021-01-01")
    assert answer.status == st.REPEALED and not answer.node.archived
    data = status_dict(answer)
    assert data["ref"] == "示科发〔2015〕9号"
    assert data["repealed_by"]["ref"] == "demo-projects@2020"
    assert data["repealed_by"]["date"] == "2020-07-01"
    assert data["repealed_by"]["clause"] == clause
    # by its title as well, and in force before the repeal (its 文号 year bounds its start)
    assert st.status([v], "旧科技项目管理办法", "2021-01-01").key == "示科发〔2015〕9号"
    assert st.status([v], "示科发〔2015〕9号", "2019-01-01").status == st.IN_FORCE
    # asking for one of its measures: unknown, it has no text here
    measure = st.status([v], "示科发〔2015〕9号", "2021-01-01", measure="1", compare=no_compare).measure
    assert measure.status == st.UNKNOWN and measure.command


def test_a_clause_with_two_repealed_documents():
    clause = ("《示例甲办法(测试用虚构文本)》(示发〔2010〕1号)和《示例乙办法(测试用虚构文本)》"
              "(示发〔2011〕2号)同时废止。")
    v = version("demo-merged", "2021", "示例合并办法(测试用虚构文本)", issued="2021-01-15",
                effective_clause="本办法自发布之日起施行。",
                repeals=[Repeal("示例甲办法(测试用虚构文本)", "示发〔2010〕1号", clause),
                         Repeal("示例乙办法(测试用虚构文本)", "示发〔2011〕2号", clause)],
                measures=[("第一条", 1, "示例。")], closing="本办法自发布之日起施行。" + clause)
    for doc_no in ("示发〔2010〕1号", "示发〔2011〕2号"):
        answer = st.status([v], doc_no, "2022-01-01")
        assert answer.status == st.REPEALED, doc_no
        assert answer.repeal_date == "2021-01-15"
        assert status_dict(answer)["repealed_by"]["clause"] == clause


def test_ambiguous_title_lists_the_candidates_and_nothing_is_unknown():
    a = version("demo-a", "2020", "示例市人才引进办法(测试用虚构文本)", issued="2020-01-01",
                measures=[("第一条", 1, "示例。")])
    b = version("demo-b", "2020", "示例市人才培养办法(测试用虚构文本)", issued="2020-01-01",
                measures=[("第一条", 1, "示例。")])
    with pytest.raises(AmbiguousRefError) as caught:
        st.status([a, b], "示例市人才", "2021-01-01")
    assert "demo-a" in str(caught.value) and "demo-b" in str(caught.value)
    assert st.status([a, b], "人才培养", "2021-01-01").key == "demo-b@2020"
    assert st.status([a, b], "示例市人才引进办法(测试用虚构文本)", "2021-01-01").key == "demo-a@2020"
    with pytest.raises(UnknownRefError):
        st.status([a, b], "示例市不存在的办法", "2021-01-01")
    with pytest.raises(UnknownRefError):
        st.status([a, b], "demo-a@1999", "2021-01-01")
    with pytest.raises(BadInputError):
        st.status([a, b], "demo-a", "2021-13-01")


def test_future_effective_date_is_not_yet_effective():
    v = version("demo-future", "2025", "示例市未来产业办法(测试用虚构文本)", issued="2025-01-10",
                effective="2025-03-01", effective_clause="本办法自2025年3月1日起施行。",
                measures=[("第一条", 1, "示例。")], closing="本办法自2025年3月1日起施行。")
    answer = st.status([v], "demo-future", "2025-02-01", measure="1", compare=no_compare)
    assert answer.status == st.NOT_YET_EFFECTIVE
    assert "2025-03-01" in answer.reason
    assert answer.measure.status == st.NOT_YET_EFFECTIVE
    assert st.status([v], "demo-future", "2025-03-01").status == st.IN_FORCE


def test_expiry_clause_ends_validity_after_its_last_day():
    closing = "本办法自2020年1月1日起施行，有效期至2022年12月31日。"
    v = version("demo-expiry", "2020", "示例市临时补贴办法(测试用虚构文本)", issued="2019-12-20",
                measures=[("第一条", 1, "示例。")], closing=closing)
    assert st.status([v], "demo-expiry", "2022-12-31").status == st.IN_FORCE
    answer = st.status([v], "demo-expiry", "2023-01-01")
    assert answer.status == st.REPEALED
    data = status_dict(answer)
    assert data["ended_by"] == "expiry" and data["repealed_by"] is None
    expiry = [e for e in answer.evidence if e.kind == "expiry_clause"][0]
    assert expiry.text == closing and v.document.text[expiry.offset:].startswith(closing)
    # the scanned 施行 date starts it, though the metadata did not carry it
    assert st.status([v], "demo-expiry", "2019-12-31").status == st.NOT_YET_EFFECTIVE


def test_term_of_years():
    v = version("demo-term", "2020", "示例市试点办法(测试用虚构文本)", issued="2020-03-01",
                effective_clause="本办法自印发之日起施行。", measures=[("第一条", 1, "示例。")],
                closing="本办法自印发之日起施行，有效期3年。")
    assert st.status([v], "demo-term", "2023-02-28").status == st.IN_FORCE
    assert st.status([v], "demo-term", "2023-03-01").status == st.REPEALED


def test_prevail_clause_is_evidence_not_a_repeal():
    closing = "此前本市有关规定与本办法不一致的，以本办法为准。"
    old = version("demo-prevail", "2018", "示例市数据办法(测试用虚构文本)", issued="2018-01-01",
                  measures=[("第一条", 1, "示例。")])
    other = version("demo-other", "2018", "示例市档案办法(测试用虚构文本)", issued="2018-01-01",
                    measures=[("第一条", 1, "示例。")])
    new = version("demo-prevail", "2020", "示例市数据办法(测试用虚构文本)", issued="2020-01-01",
                  measures=[("第一条", 1, "示例。")], closing=closing)
    graph = st.build_graph([old, other, new])
    prevail = [e for e in graph.edges if e.kind == "prevail"]
    assert len(prevail) == 1 and prevail[0].evidence.text == closing
    # another work is not ended by it
    assert st.status([old, other, new], "demo-other", "2021-01-01").status == st.IN_FORCE


def test_unsettled_repealer_date_gives_unknown_inside_and_repealed_after():
    clause = "原《示例市旧规(测试用虚构文本)》(示发〔2012〕5号)同时废止。"
    v = version("demo-undated", "2016", "示例市新规(测试用虚构文本)", doc_no="示发〔2016〕8号",
                repeals=[Repeal("示例市旧规(测试用虚构文本)", "示发〔2012〕5号", clause)], has_text=False)
    assert st.status([v], "示发〔2012〕5号", "2015-06-01").status == st.IN_FORCE
    inside = st.status([v], "示发〔2012〕5号", "2016-06-01")
    assert inside.status == st.UNKNOWN and "unsettled" in inside.reason
    after = st.status([v], "示发〔2012〕5号", "2017-01-01")
    assert after.status == st.REPEALED
    assert status_dict(after)["repealed_by"]["date_settled"] is False


def test_scan_clauses_finds_effective_expiry_term_prevail_with_offsets():
    text = "第一条 示例。\n本办法自2021年1月1日起施行，有效期至2023年12月31日。此前规定与本办法不一致的，以本办法为准。"
    clauses = st.scan_clauses(text)
    assert [c.kind for c in clauses] == ["effective", "expiry", "prevail"]
    for clause in clauses:
        assert text[clause.offset:clause.offset + len(clause.text)] == clause.text
    assert clauses[1].date == "2023-12-31"


def test_start_before_issue_dates_the_original_enactment():
    # an amended law keeps 「本条例自2004年7月1日起施行」: this version starts at its own issue
    v = version("demo-law", "2022", "示例条例(测试用虚构文本)", issued="2022-03-29",
                effective="2004-07-01", effective_clause="本条例自2004年7月1日起施行。",
                measures=[("第一条", 1, "示例。")], closing="本条例自2004年7月1日起施行。")
    bound = st.start_bound(v)
    assert (bound.lo, bound.hi) == ("2022-03-29", "2022-03-29")
    assert any("original enactment" in e.text for e in bound.evidence)


def test_clauses_about_something_else_do_not_end_the_document():
    text = ("第九条 道路运输经营许可证有效期为5年。示例资格证书有效期至2020年12月31日。\n"
            "第十条 本办法自2019年1月1日起施行。")
    clauses = st.scan_clauses(text)
    assert [c.kind for c in clauses] == ["effective"]
    v = version("demo-licence", "2019", "示例市许可办法(测试用虚构文本)", issued="2018-12-01",
                measures=[("第九条", 9, "道路运输经营许可证有效期为5年。示例资格证书有效期至2020年12月31日。"),
                          ("第十条", 10, "本办法自2019年1月1日起施行。")])
    assert st.status([v], "demo-licence", "2030-01-01").status == st.IN_FORCE


def test_title_only_repeal_of_an_unknown_document_is_repealed_after_and_unknown_before():
    clause = "《示例市老规定(测试用虚构文本)》同时废止。"
    v = version("demo-new", "2020", "示例市新规定(测试用虚构文本)", issued="2020-05-01",
                effective_clause="本规定自发布之日起施行。",
                repeals=[Repeal("示例市老规定(测试用虚构文本)", None, clause)],
                measures=[("第一条", 1, "示例。")], closing="本规定自发布之日起施行。" + clause)
    after = st.status([v], "示例市老规定", "2021-01-01")
    assert (after.key, after.status) == ("《示例市老规定(测试用虚构文本)》", st.REPEALED)
    before = st.status([v], "示例市老规定(测试用虚构文本)", "2019-01-01")
    assert before.status == st.UNKNOWN and "took effect" in before.reason


def test_title_only_repeal_names_the_latest_earlier_version_of_that_title():
    old = version("demo-same", "2016", "示例市同名办法(测试用虚构文本)", issued="2016-01-01",
                  measures=[("第一条", 1, "示例。")])
    mid = version("demo-same", "2018", "示例市同名办法(测试用虚构文本)", issued="2018-01-01",
                  measures=[("第一条", 1, "示例。")])
    clause = "原《示例市同名办法(测试用虚构文本)》同时废止。"
    new = version("demo-same", "2020", "示例市同名办法(测试用虚构文本)", issued="2020-01-01",
                  repeals=[Repeal("示例市同名办法(测试用虚构文本)", None, clause)],
                  measures=[("第一条", 1, "示例。")], closing=clause)
    graph = st.build_graph([old, mid, new])
    assert [(e.old, e.new) for e in graph.edges if e.kind == "repeal"] == [("demo-same@2018", "demo-same@2020")]


def test_work_query_notes_a_pending_later_version():
    old = version("demo-pending", "2020", "示例市待施行办法(测试用虚构文本)", issued="2020-01-01",
                  measures=[("第一条", 1, "示例。")])
    new = version("demo-pending", "2025", "示例市待施行办法(测试用虚构文本)", issued="2025-01-10",
                  effective="2025-03-01", effective_clause="本办法自2025年3月1日起施行。",
                  measures=[("第一条", 1, "示例。")])
    answer = st.status([old, new], "demo-pending", "2025-02-01")
    assert (answer.key, answer.status) == ("demo-pending@2020", st.IN_FORCE)
    assert any("demo-pending@2025" in note and "2025-03-01" in note for note in answer.notes)
    assert st.status([old, new], "demo-pending@2025", "2025-02-01").status == st.NOT_YET_EFFECTIVE


def test_a_cycle_of_repeal_clauses_does_not_loop():
    a_clause = "《示例乙规(测试用虚构文本)》(示发〔2020〕2号)同时废止。"
    b_clause = "《示例甲规(测试用虚构文本)》(示发〔2020〕1号)同时废止。"
    a = version("demo-cycle-a", "2020", "示例甲规(测试用虚构文本)", doc_no="示发〔2020〕1号", issued="2020-01-01",
                repeals=[Repeal("示例乙规(测试用虚构文本)", "示发〔2020〕2号", a_clause)],
                measures=[("第一条", 1, "示例。")])
    b = version("demo-cycle-b", "2020", "示例乙规(测试用虚构文本)", doc_no="示发〔2020〕2号", issued="2020-02-01",
                repeals=[Repeal("示例甲规(测试用虚构文本)", "示发〔2020〕1号", b_clause)],
                measures=[("第一条", 1, "示例。")])
    table = {("demo-cycle-a@2020", "demo-cycle-b@2020"): [("unchanged", [1], [1], 1.0)],
             ("demo-cycle-b@2020", "demo-cycle-a@2020"): [("unchanged", [1], [1], 1.0)]}
    answer = st.status([a, b], "demo-cycle-a@2020", "2021-01-01", measure="1", compare=StubCompare(table))
    assert answer.status == st.REPEALED
    assert answer.measure.status in (st.CARRIED_OVER, st.REPEALED, st.UNKNOWN)


# ----------------------------------------------------------------------------- property: never a guess

from datetime import date, timedelta  # noqa: E402

from hypothesis import given, settings, strategies as hs  # noqa: E402

_days = hs.integers(min_value=0, max_value=3000)


@settings(max_examples=150, deadline=None)
@given(old_issue=_days, gap=hs.integers(min_value=0, max_value=1500), ask=hs.integers(min_value=-400, max_value=5000),
       old_dated=hs.booleans(), new_dated=hs.booleans())
def test_status_follows_the_bounds_exactly(old_issue, gap, ask, old_dated, new_dated):
    base = date(2010, 1, 1)
    old_day = base + timedelta(days=old_issue)
    new_day = old_day + timedelta(days=gap)
    as_of = (base + timedelta(days=ask)).isoformat()
    clause = "原《示例旧办法(测试用虚构文本)》(示发〔%d〕1号)同时废止。" % old_day.year
    old = version("demo-prop-old", "1", "示例旧办法(测试用虚构文本)", doc_no=f"示发〔{old_day.year}〕1号",
                  issued=old_day.isoformat() if old_dated else None, has_text=False)
    new = version("demo-prop-new", "1", "示例新办法(测试用虚构文本)", doc_no=f"示发〔{new_day.year}〕2号",
                  issued=new_day.isoformat() if new_dated else None,
                  repeals=[Repeal("示例旧办法(测试用虚构文本)", f"示发〔{old_day.year}〕1号", clause)], has_text=False)
    answer = st.status([old, new], "demo-prop-old@1", as_of)
    start, end = answer.lifetime.start, answer.lifetime.end
    # the true dates always lie inside the bounds the answer rests on
    assert start.lo <= old_day.isoformat() <= start.hi
    assert end.hi is None or max(new_day, old_day).isoformat() >= end.lo
    if answer.status == st.IN_FORCE:
        assert start.hi <= as_of < end.lo
        assert old_day.isoformat() <= as_of < new_day.isoformat()  # so it truly was in force
    elif answer.status == st.REPEALED:
        assert as_of >= end.hi and as_of >= new_day.isoformat()
    elif answer.status == st.NOT_YET_EFFECTIVE:
        assert as_of < start.lo and as_of < old_day.isoformat()
    else:  # unknown only inside an unsettled interval
        assert (start.lo <= as_of < start.hi) or (end.lo <= as_of < end.hi)


def test_archive_statuses_for_list():
    v2022, v2024 = zgc_versions()
    answers = st.archive_statuses([v2022, v2024], "2026-01-01")
    assert [(a.status, a.repealed_by.ref if a.repealed_by else None) for a in answers.values()] == [
        ("repealed", f"{ZGC}@2024"), ("in_force", None)]
    assert [a.status for a in st.archive_statuses([v2022, v2024], "2023-06-01").values()] == [
        "in_force", "not_yet_effective"]
