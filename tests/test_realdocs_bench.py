"""benchmarks/realdocs.py's scoring: a wrong value or end matter in the last measure is
counted wrong (so the benchmark cannot report 100% by construction)."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

from policydiff.ingest import ingest
from policydiff.structure import parse

from .conftest import REPO

spec = importlib.util.spec_from_file_location("realdocs_bench", REPO / "benchmarks" / "realdocs.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

TEXT = """示例市测试办法（测试用虚构文本）
第一条 为了测试，制定本办法。
第二条 本办法自2024年1月1日起施行。原《示例市测试暂行办法》（示测发〔2020〕1号）同时废止。"""

EXPECTED = {"title": "示例市测试办法（测试用虚构文本）", "title_alt": [], "doc_no": None, "issuers": [],
            "issued": None, "effective": "2024-01-01", "measures": 2,
            "repeals": [{"title": "示例市测试暂行办法", "doc_no": "示测发〔2020〕1号"}], "clean": True}


def scored(text: str, expected: dict) -> dict:
    ingested = ingest(text.encode("utf-8"), "rule.txt")
    return bench.score(expected, ingested.meta, parse(ingested.text, ingested.meta))


def test_right_values_score_right():
    assert all(v in (True, None) for v in scored(TEXT, EXPECTED).values()), scored(TEXT, EXPECTED)


def test_wrong_values_and_end_matter_score_wrong():
    result = scored(TEXT, dict(EXPECTED, measures=3, title="别的标题", effective="2024-02-01", repeals=[]))
    assert not result["measures"] and not result["title"] and not result["effective"] and not result["repeals"]
    # the pipeline keeps end matter out of measures; the scorer must still see it when it
    # is inside one (a stand-in document whose last measure absorbed it)
    ingested = ingest(TEXT.encode("utf-8"), "rule.txt")
    for end_matter in ("抄送：示例市各部门。", "示例市人民政府办公室2024年1月1日印发", "－ 3 －", "2024年1月1日",
                       "示例市人民政府", "二〇二四年一月一日", "附件：测试表"):
        last = SimpleNamespace(text="第二条 本办法自2024年1月1日起施行。\n本条另有测试内容。\n" + end_matter + "\n")
        document = SimpleNamespace(measures=(SimpleNamespace(text="第一条 甲。\n"), last))
        assert bench.score(EXPECTED, ingested.meta, document)["clean"] is False, end_matter
    last = SimpleNamespace(text="第二条 本办法自印发之日起施行。\n本条另有测试内容。\n")
    document = SimpleNamespace(measures=(SimpleNamespace(text="第一条 甲。\n"), last))
    assert bench.score(EXPECTED, ingested.meta, document)["clean"] is True
