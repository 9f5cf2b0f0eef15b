"""A measure's lineage (policydiff.lineage) and the work timeline, with their renderings.

Fictional chains use a stub compare (ground truth that does not depend on the aligner);
the corpus's three-version chain 道路运输条例 (2019 -> 2022 -> 2023) uses the real parser
and the real compare.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policydiff import lineage, status as st
from policydiff.errors import UnknownRefError
from policydiff.model import DocumentMeta, Version
from policydiff.render.status import render_lineage, render_log
from tests.conftest import CORPUS
from tests.test_status import DEMO, DEMO_COMPARE, StubCompare, demo_versions, version, zgc_versions


def hops(trace):
    return [(h.old_ref.split("@")[1], [m.label for m in h.old], h.new_ref.split("@")[1],
             [m.label for m in h.new], h.kind) for h in trace.hops]


def test_split_is_followed_along_every_branch_and_a_dropped_branch_ends():
    trace = lineage.trace_label(demo_versions(), "3", StubCompare(DEMO_COMPARE), version_id="2019")
    assert trace.start.ref == f"{DEMO}@2019"
    assert hops(trace) == [
        ("2019", ["3."], "2021", ["2.", "3."], "split"),
        ("2021", ["2."], "2023", ["2."], "unchanged"),
        ("2021", ["3."], "2023", [], "removed"),
    ]


def test_merge_names_its_partners():
    trace = lineage.trace_label(demo_versions(), "第四条", StubCompare(DEMO_COMPARE), version_id="2019")
    first = trace.hops[0]
    assert first.kind == "merged"
    assert [m.label for m in first.old] == ["4."] and [m.label for m in first.partners] == ["5."]
    assert hops(trace)[1] == ("2021", ["4."], "2023", ["3."], "unchanged")


def test_dropped_measure_has_one_removed_hop():
    trace = lineage.trace_label(demo_versions(), "2", StubCompare(DEMO_COMPARE), version_id="2019")
    assert hops(trace) == [("2019", ["2."], "2021", [], "removed")]


def test_starting_in_a_later_version_traces_backward_too():
    trace = lineage.trace_label(demo_versions(), "3", StubCompare(DEMO_COMPARE), version_id="2023")
    assert trace.start.ref == f"{DEMO}@2023"
    assert hops(trace) == [
        ("2019", ["4.", "5."], "2021", ["4."], "merged"),
        ("2021", ["4."], "2023", ["3."], "unchanged"),
    ]


def test_a_version_without_text_is_a_gap_compared_across():
    v1, v2, v3 = demo_versions()
    blank = Version(v2.work, v2.version, v2.meta, False)
    table = {(v1.ref, v3.ref): [("modified", [1], [1], 0.8), ("removed", [2], [], 0.0),
                                ("removed", [3], [], 0.0), ("merged", [4, 5], [3], 0.6),
                                ("added", [], [2], 0.0), ("added", [], [4], 0.0)]}
    trace = lineage.trace_label([v1, blank, v3], "1", StubCompare(table))
    assert hops(trace) == [("2019", ["1."], "2023", ["1."], "modified")]
    assert trace.hops[0].skipped == (v2.ref,)
    assert any("no text" in note and "--replace" in note for note in trace.notes)


def test_renderings_are_deterministic_escaped_and_self_contained():
    v1, v2, v3 = demo_versions()
    hostile = "<script>alert(1)</script>"
    from dataclasses import replace

    v1 = replace(v1, document=replace(v1.document, blocks=tuple(
        replace(b, heading=hostile) if b.ordinal == 3 else b for b in v1.document.blocks)))
    trace = lineage.trace_label([v1, v2, v3], "3", StubCompare(DEMO_COMPARE), version_id="2019")
    page = render_lineage(trace, "html")
    assert page == render_lineage(trace, "html")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">")
    assert hostile not in page and "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert page.count('class="hop"') == 3
    data = json.loads(render_lineage(trace, "json"))
    assert data["format"] == "policydiff.lineage/1"
    assert [h["kind"] for h in data["hops"]] == ["split", "unchanged", "removed"]
    assert "split" in render_lineage(trace, "text")


def test_work_timeline_shows_dates_what_each_repealed_and_what_repealed_it():
    graph = st.build_graph(zgc_versions())
    entries = lineage.timeline(graph, "zgc-world-leading-park")
    assert [e.version for e in entries] == ["2022", "2024"]
    old, new = entries
    assert (old.start.lo, old.start.hi) == ("2022-01-01", "2022-12-31")
    assert old.end_kind == "repeal" and old.ended_by == "zgc-world-leading-park@2024"
    assert [e.new for e in old.repealed_by] == ["zgc-world-leading-park@2024"]
    assert [e.old for e in new.repeals] == ["zgc-world-leading-park@2022"] and new.end is None
    text = render_log("zgc-world-leading-park", entries, "text")
    assert "repealed by zgc-world-leading-park@2024: 「原《关于推动中关村" in text
    data = json.loads(render_log("zgc-world-leading-park", entries, "json"))
    assert data["format"] == "policydiff.log/1"
    assert data["versions"][1]["repeals"][0]["target"] == "zgc-world-leading-park@2022"
    page = render_log("zgc-world-leading-park", entries, "html")
    assert '<html lang="zh-CN">' in page and page == render_log("zgc-world-leading-park", entries, "html")


def test_unknown_work_or_label():
    graph = st.build_graph(zgc_versions())
    with pytest.raises(UnknownRefError):
        lineage.timeline(graph, "no-such-work")
    with pytest.raises(UnknownRefError):
        lineage.trace_label(demo_versions(), "99", StubCompare(DEMO_COMPARE))


# ----------------------------------------------------------------------------- the corpus chain

ROAD = CORPUS / "reg-e4838bf8"
ROAD_VERSIONS = ("2019-03-02", "2022-03-29", "2023-07-20")


@pytest.fixture(scope="module")
def road_versions():
    from policydiff import structure
    versions = []
    for vid in ROAD_VERSIONS:
        meta = DocumentMeta(title="中华人民共和国道路运输条例", issued=vid)  # the corpus file-name dates
        document = structure.parse((ROAD / f"{vid}.md").read_text(encoding="utf-8"), meta)
        versions.append(Version("road-transport", vid, meta, True, document))
    return versions


@pytest.fixture(scope="module")
def real_compare():
    from policydiff.compare import compare
    return compare


def test_road_transport_article_dropped_in_2023(road_versions, real_compare):
    # 2022 第六十八条 (not carrying the 车辆营运证) has no counterpart in 2023
    trace = lineage.trace_label(road_versions, "第六十八条", real_compare, version_id="2022-03-29")
    forward = [h for h in trace.hops if h.old_ref == "road-transport@2022-03-29"]
    assert [(h.kind, [m.label for m in h.new]) for h in forward] == [("removed", [])]
    backward = [h for h in trace.hops if h.new_ref == "road-transport@2022-03-29"]
    assert [m.label for m in backward[0].old] == ["第六十八条"]


def test_road_transport_article_renumbered_after_the_deletion(road_versions, real_compare):
    trace = lineage.trace_label(road_versions, "第六十九条", real_compare, version_id="2019-03-02")
    assert trace.start.ref == "road-transport@2019-03-02"
    last = trace.hops[-1]
    assert (last.old_ref, [m.label for m in last.old]) == ("road-transport@2022-03-29", ["第六十九条"])
    assert (last.new_ref, [m.label for m in last.new]) == ("road-transport@2023-07-20", ["第六十八条"])
    assert last.renumbered and last.kind in ("modified", "unchanged")
    assert len(trace.hops) == 2
    # and from 2019 the number points at another measure in 2023
    assert [r.line for r in trace.renumbering] == [
        "第六十九条 of @2023-07-20 is a different measure: it was 第七十条 in road-transport@2019-03-02"]


def test_without_a_version_the_label_is_read_in_the_latest_version(road_versions, real_compare):
    """One rule for `log W --measure` and `status W --measure`: the named version, else the
    latest. 第六十九条 of 2023 was 第七十条 before; the old 第六十九条 is 2023's 第六十八条."""
    trace = lineage.trace_label(road_versions, "第六十九条", real_compare)
    assert trace.start.ref == "road-transport@2023-07-20"
    assert [(h.old_ref.split("@")[1], [m.label for m in h.old]) for h in trace.hops] == [
        ("2019-03-02", ["第七十条"]), ("2022-03-29", ["第七十条"])]
    assert [r.line for r in trace.renumbering] == [
        "第六十九条 of @2019-03-02 is a different measure: now 第六十八条",
        "第六十九条 of @2022-03-29 is a different measure: now 第六十八条"]
    assert "第六十九条 of @2019-03-02 is a different measure: now 第六十八条" in render_lineage(trace, "text")
    assert [r["text"] for r in json.loads(render_lineage(trace, "json"))["renumbering"]] == [
        r.line for r in trace.renumbering]
    from tests.test_shell import _check_page

    english = render_lineage(trace, "html", "en")
    _check_page(english, "en")  # the labels in zh-CN spans, the words from the catalogue
    assert english.count('class="renumbering"') == 2
    assert "of @2019-03-02 is a different measure: now" in english
    assert "在 @2019-03-02 中是另一条措施，现为" in render_lineage(trace, "html", "zh")


def test_road_transport_timeline_orders_the_three_versions(road_versions):
    entries = lineage.timeline(st.build_graph(road_versions), "road-transport")
    assert [e.version for e in entries] == list(ROAD_VERSIONS)
    assert [e.end_kind for e in entries] == ["supersede", "supersede", None]
    # 「本条例自2004年7月1日起施行」 dates the original enactment, not these versions
    assert [e.start.lo for e in entries] == list(ROAD_VERSIONS)
    assert st.status(road_versions, "road-transport", "2022-06-01").key == "road-transport@2022-03-29"
