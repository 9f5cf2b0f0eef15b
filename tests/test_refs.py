"""The ref grammar (DESIGN §2): classification, identifier rules, round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.errors import BadInputError
from policydiff.lexicon import doc_no_year, normalize_doc_no
from policydiff.refs import Ref, check_version_id, check_work_id, is_version_id, is_work_id


@pytest.mark.parametrize(
    "text, kind, fields",
    [
        ("zgc-world-leading-park@2024", "version", {"work": "zgc-world-leading-park", "version": "2024"}),
        ("zgc-world-leading-park@2024-10-09", "version", {"version": "2024-10-09"}),
        ("demo@2024a", "version", {"work": "demo", "version": "2024a"}),
        ("zgc-world-leading-park", "work", {"work": "zgc-world-leading-park"}),
        ("2024", "work", {"work": "2024"}),
        ("京科发〔2022〕4号", "doc_no", {"doc_no": "京科发〔2022〕4号"}),
        ("国办发[2019]7号", "doc_no", {"doc_no": "国办发[2019]7号"}),
        ("京政发（2021）12号", "doc_no", {"doc_no": "京政发（2021）12号"}),
        ("old.txt", "path", {"path": "old.txt"}),
        ("drafts/new.html", "path", {"path": "drafts/new.html"}),
        ("../x@2024", "path", {"path": "../x@2024"}),  # not a valid work id: a path
        ("Demo@2024", "path", {"path": "Demo@2024"}),
        ("demo@2024.1", "path", {"path": "demo@2024.1"}),  # dots are not allowed in versions
        (" demo", "path", {"path": " demo"}),  # kept verbatim, never stripped
    ],
)
def test_parse_classifies(text, kind, fields):
    ref = Ref.parse(text)
    assert ref.kind == kind
    for name, value in fields.items():
        assert getattr(ref, name) == value
    assert str(ref) == text


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_ref_is_bad_input(text):
    with pytest.raises(BadInputError, match="empty ref"):
        Ref.parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_round_trip_any_text(text):
    assert str(Ref.parse(text)) == text


work_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)
version_ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(work_ids, version_ids)
def test_round_trip_work_at_version(work, version):
    ref = Ref.parse(f"{work}@{version}")
    assert (ref.kind, ref.work, ref.version) == ("version", work, version)
    assert str(ref) == f"{work}@{version}"
    assert Ref.parse(str(ref)) == ref


@pytest.mark.parametrize("bad", ["a/b", "..", "../etc", "a..b", "has space", "x@y", "-lead", ".hidden", "a.b", ""])
def test_bad_work_ids_are_refused_with_a_reason(bad):
    assert not is_work_id(bad)
    with pytest.raises(BadInputError) as info:
        check_work_id(bad)
    message = str(info.value)
    assert "\n" not in message
    assert "work id" in message


def test_uppercase_work_id_suggests_lowercase():
    with pytest.raises(BadInputError, match="lowercase.*'zgc-park'"):
        check_work_id("ZGC-Park")


def test_slash_and_dotdot_are_named_in_the_error():
    for bad in ("a/b", "../x"):
        with pytest.raises(BadInputError, match=r"must not contain '/'"):
            check_work_id(bad)


@pytest.mark.parametrize("bad", ["2024/1", "..", "2024..", "v@1", "2024.source", "", "中文"])
def test_bad_version_ids(bad):
    assert not is_version_id(bad)
    with pytest.raises(BadInputError, match="version id"):
        check_version_id(bad)


@pytest.mark.parametrize("good", ["2022", "2024-10-09", "2024a", "draft_2"])
def test_good_version_ids(good):
    assert check_version_id(good) == good


def test_doc_no_helpers():
    assert doc_no_year("京科发〔2022〕4号") == 2022
    assert doc_no_year("no number here") is None
    assert normalize_doc_no("京科发[2022]第4号") == normalize_doc_no("京科发〔2022〕4号") == "京科发〔2022〕4号"
    assert normalize_doc_no("京科发（2022）04号") == "京科发〔2022〕4号"
