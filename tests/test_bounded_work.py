"""Work bounded on any input (issue 9, items 5 and 6).

- The 施行-clause scanner is linear and gives what the old one-pattern scanner gave: checked
  against that pattern (kept here as the reference) on short random texts, where it is fast.
- Long adversarial lines (no punctuation, one character repeated, stock phrases and dates
  repeated) go through ingest and parse under a hang guard 50 times the measured time: a
  quadratic pattern takes minutes there (20,000 characters took 12 s before the fix). The
  figures themselves live in benchmarks/adversarial.py, not here.
- Documents beyond the size limits are one clear line, before any slow step.

All texts are generated here (fictional)."""

from __future__ import annotations

import re
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.errors import BadInputError
from policydiff.ingest import MAX_TEXT_CHARS, MAX_TEXT_LINES, ingest
from policydiff.ingest.meta import effective_clauses
from policydiff.lexicon import DATE_PATTERN
from policydiff.structure import parse

# The scanner before the fix: one pattern with a lazy unbounded prefix (quadratic on a long
# unpunctuated line). Same rules otherwise; white space runs were unbounded (now ≤ 10).
# Extended by the rules added since, in the same unbounded form: a date right before 起
# without 自/于 (「本细则2014年10月30日起施行」, group `bare`) and 试行.
OLD_EFFECTIVE_CLAUSE = re.compile(
    r"[^。；;，,\n]*?(?:(?:(?<![来各独亲擅出源])自|于(?=\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年))"
    r"\s*(?P<when>[^。；;，,\n]{1,30}?)\s*(?:起\s*)?"
    rf"|(?P<bare>{DATE_PATTERN})\s*起\s*)"
    r"(?<!停止)(?<!不再)(?:施行|实施|生效|执行|试行)(?!的)"
)

PIECES = ["本办法", "自", "于", "2024年1月1日", "二〇二四年", "起", "施行", "实施", "生效", "执行", "试行", "停止",
          "不再", "来", "各", "印发之日", "的", "。", "，", "；", "\n", " ", "第九条", "示例", "年", "有效期至"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_clause_scanner_matches_the_old_pattern(pieces):
    text = "".join(pieces)
    old = [(m.group(), m["when"] if m["when"] is not None else m["bare"], m.start(), m.end())
           for m in OLD_EFFECTIVE_CLAUSE.finditer(text)]
    new = [(c.text, c.when, c.start, c.end) for c in effective_clauses(text)]
    assert new == old


@contextmanager
def hang_guard(seconds: int):
    """Fail (not hang) when the body runs past `seconds`: a guard against quadratic blow-up,
    set far above the measured time, never a performance target."""
    def expired(signum, frame):
        raise AssertionError(f"still running after {seconds} s: not linear")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


TITLE = "示例市促进创新若干措施(测试用虚构文本)\n"
ADVERSARIAL_UNITS = ["款", "示例市鼓励虚构企业开展技术创新活动", "本办法自印发之日起施行有效期至同时废止关于印发的通知",
                     "2024年10月9日京科发〔2022〕4号第", "自于起施行来自", "关于《示例》的"]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ADVERSARIAL_UNITS), min_size=1, max_size=3))
def test_long_adversarial_lines_are_read_in_linear_time(units):
    unit = "".join(units)
    line = (unit * (100_000 // len(unit) + 1))[:100_000]
    with hang_guard(30):  # measured: about 0.3 s; the old scanner: over 10 minutes
        ingested = ingest((TITLE + "第一条 " + line + "\n").encode("utf-8"), "long.txt")
        document = parse(ingested.text, ingested.meta)
    assert "".join(block.raw for block in document.blocks) == document.text


def test_many_short_title_like_lines_are_bounded():
    text = TITLE + "".join(f"示例{i}\n" for i in range(20_000))
    with hang_guard(60):  # measured: about 2.5 s
        ingested = ingest(text.encode("utf-8"), "lines.txt")
    assert ingested.text.count("\n") >= 20_000


@pytest.mark.parametrize("text, fragment", [
    (TITLE + "示例\n" * (MAX_TEXT_LINES + 1), "lines"),
    (TITLE + "款" * (MAX_TEXT_CHARS + 1), "characters"),
])
def test_documents_beyond_the_size_limits_are_one_clear_line(text, fragment):
    with pytest.raises(BadInputError) as caught:
        ingest(text.encode("utf-8"), "big.txt")
    message = str(caught.value)
    assert "\n" not in message and fragment in message and "big.txt" in message
