"""`diff --format csv` (the 条文序号对照表) and `diff --changed-only` (issue 12)."""

from __future__ import annotations

import csv
import io

from policydiff import api
from policydiff.compare import compare
from policydiff.render.correspondence import COLUMNS, comparison_csv
from policydiff.render.text import comparison_text

from . import report_fixtures as fx
from .conftest import CORPUS, run_cli


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_rows_of_the_fictional_pair():
    text = comparison_csv(fx.comparison())
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    table = rows(text)
    assert [(r["old_label"], r["new_labels"], r["kind"]) for r in table] == [
        ("第一条", "第一条", "unchanged"), ("第二条", "第二条", "modified"), ("第三条", "第三条", "modified"),
        ("第四条", "第四条、第五条", "split"), ("第五条、第六条", "第六条", "merged"), ("", "第七条", "added"),
        ("第七条", "第八条", "unchanged"), ("第八条", "", "removed")]
    assert table[2]["flags"] == "money"
    assert table[6]["flags"] == "moved"
    assert table[3]["old_ordinals"] == "4" and table[3]["new_ordinals"] == "4 5"
    assert all(len(r["similarity"].split(".")[1]) == 4 for r in table)


def test_csv_accounts_for_every_measure_on_a_corpus_pair():
    old = api.load_side(None, str(CORPUS / "bj-69d0b35a/2021-11-26.md"))
    new = api.load_side(None, str(CORPUS / "bj-69d0b35a/2024-09-27.md"))
    c = compare(old, new)
    table = rows(comparison_csv(c))
    olds = [int(o) for r in table for o in r["old_ordinals"].split()]
    news = [int(n) for r in table for n in r["new_ordinals"].split()]
    assert sorted(olds) == list(range(1, len(old.document.measures) + 1))
    assert sorted(news) == list(range(1, len(new.document.measures) + 1))
    assert any(r["kind"] == "merged" and "、" in r["old_label"] for r in table)


def test_changed_only_leaves_unchanged_out_and_says_how_many():
    c = fx.comparison()
    full = comparison_text(c)
    short = comparison_text(c, changed_only=True)
    assert "unchanged measures left out (--changed-only): 1" in short
    assert "unchanged  第一条 → 第一条" in full and "第一条 → 第一条" not in short
    assert "第七条 → 第八条" in short  # unchanged text but moved: kept


def test_cli_csv_and_changed_only(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(fx.old_document().text, encoding="utf-8")
    new.write_text(fx.new_document().text, encoding="utf-8")
    result = run_cli("diff", str(old), str(new), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout)[0]["old_label"] == "第一条"
    result = run_cli("diff", str(old), str(new), "--changed-only")
    assert result.returncode == 0 and "left out (--changed-only)" in result.stdout
    bad = run_cli("diff", str(old), str(new), "--changed-only", "--format", "json")
    assert bad.returncode == 2 and bad.stderr.startswith("Error: --changed-only is for the text format")
