"""The archived .md file format: front matter + body, exact round trip and checks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff import frontmatter
from policydiff.model import DocumentMeta, Repeal, Source

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
opt_texts = st.none() | texts.filter(bool)
dates = st.none() | st.dates().map(lambda d: d.isoformat())


@st.composite
def metas(draw):
    return DocumentMeta(
        title=draw(opt_texts), doc_no=draw(opt_texts), issuers=tuple(draw(st.lists(texts.filter(bool), max_size=3))),
        issued=draw(dates), effective=draw(dates), published=draw(dates), effective_clause=draw(opt_texts),
        repeals=tuple(Repeal(title=draw(opt_texts), doc_no=draw(opt_texts), clause=draw(texts), verb="废止")
                      for _ in range(draw(st.integers(0, 2)))),
    )


@settings(max_examples=200, deadline=None)
@given(metas(), st.text(st.characters(blacklist_categories=("Cs",))), st.booleans(),
       st.lists(texts, max_size=3))
def test_compose_split_round_trip(meta, body, has_text, notes):
    source = Source(file="demo/2024.source.txt", sha256="0" * 64)
    matter = frontmatter.front_matter("demo", "2024", meta, has_text=has_text, source=source,
                                      text_sha256="f" * 64 if has_text else None, notes=tuple(notes))
    content = frontmatter.compose(matter, body)
    back, body_back = frontmatter.split(content)
    assert body_back == body
    assert back == matter
    assert frontmatter.meta_from(back) == DocumentMeta(
        title=meta.title, doc_no=meta.doc_no, issuers=meta.issuers, issued=meta.issued,
        effective=meta.effective, published=meta.published, effective_clause=meta.effective_clause,
        repeals=tuple(Repeal(r.title, r.doc_no, r.clause or "", r.verb) for r in meta.repeals),
    )
    assert frontmatter.source_from(back) == source
    assert frontmatter.compose(back, body_back) == content  # deterministic


def test_check_accepts_what_front_matter_writes():
    meta = DocumentMeta(title="示例市促进创新若干措施(测试用虚构文本)", issuers=("示例市科学技术局",), issued="2024-03-01")
    matter = frontmatter.front_matter("demo", "2024", meta, has_text=True, source=Source(),
                                      text_sha256="a" * 64, notes=())
    assert frontmatter.check(matter) == []


def test_check_names_each_problem():
    matter = {"work": "demo", "version": 2024, "title": "", "issuers": "x", "issued": "2024/01/01",
              "has_text": "yes", "source": [], "repeals": [{"clause": 3}], "notes": None, "extra": 1}
    problems = frontmatter.check(matter)
    joined = "\n".join(problems)
    for fragment in ("missing front matter key(s): doc_no, effective, text_sha256", "unknown front matter key(s): extra",
                     "'version' should be a non-empty string", "'title' should be a non-empty string",
                     "'issuers' should be a list", "'issued' should be a YYYY-MM-DD date",
                     "'has_text' should be true or false", "'source' should be a mapping",
                     "'repeals' should be a list", "'notes' should be a list"):
        assert fragment in joined, fragment


def test_unquoted_dates_stay_strings():
    matter, body = frontmatter.split("---\nissued: 2024-10-09\nversion: 2024\n---\n\nbody\n")
    assert matter == {"issued": "2024-10-09", "version": 2024}
    assert body == "body\n"


def test_split_errors():
    import pytest

    for bad, message in [("no front matter", "does not start"), ("---\nwork: x\n", "not closed"),
                         ("---\n[unclosed\n---\n", "not valid YAML"), ("---\n- a\n---\n", "not a YAML mapping")]:
        with pytest.raises(ValueError, match=message):
            frontmatter.split(bad)
