"""lazyre.GuardedPattern (issue 14, start-up of a small diff): a pattern compiled only when
the string holds its fixed words. The guard must never lose a match: every group of words
is proved necessary from the pattern's parse, and guarded == compiled is checked on every
line and whole text of the corpus, the real documents' web pages, the seed page and
random fictional lines (「示例……(测试用虚构文本)」-style words mixed with the patterns' own)."""

from __future__ import annotations

import importlib
import pkgutil
import random
import re
import re._constants as C  # the parser's opcodes: the proof reads the pattern as `re` reads it
import re._parser as sre_parse

import pytest

import policydiff
from policydiff.lazyre import GuardedPattern

from .conftest import CORPUS, SEED, SHARED


def _all_guarded() -> list[GuardedPattern]:
    """Every GuardedPattern a module of the package holds (they are module-level names)."""
    found: dict[int, GuardedPattern] = {}
    for module in pkgutil.walk_packages(policydiff.__path__, "policydiff."):
        if module.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, GuardedPattern):
                found[id(value)] = value
    return list(found.values())


def _finite(items, limit: int = 512) -> set[str] | None:
    """Every string the parsed sequence `items` can match, when they are few (literals,
    classes of listed characters, alternations and groups of such), else None."""
    strings = {""}
    for op, av in items:
        if op is C.LITERAL:
            options = {chr(av)}
        elif op is C.IN and all(kind is C.LITERAL for kind, _code in av):
            options = {chr(code) for _kind, code in av}
        elif op is C.SUBPATTERN and not av[1] & re.IGNORECASE:
            options = _finite(av[3], limit)
        elif op is C.BRANCH:
            branches = [_finite(branch, limit) for branch in av[1]]
            options = None if None in branches else set().union(*branches)
        else:
            options = None
        if options is None:
            return None
        strings = {head + tail for head in strings for tail in options}
        if len(strings) > limit:
            return None
    return strings


def _holds_one_of(items, words: tuple[str, ...]) -> bool:
    """True when every match of the parsed sequence `items` holds one of `words` (a sound,
    not complete, proof: runs of items with few possible strings — literals, classes of
    listed characters, alternations of such —, groups, every branch of an alternation,
    repeats of at least one, positive lookarounds — their text lies in the searched string
    too)."""
    items = list(items)
    run: list = []
    for item in items + [(None, None)]:
        if item[0] is not None and _finite([item]) is not None:
            run.append(item)
            continue
        if run:
            strings = _finite(run, limit=4096)
            run = []
            if strings is not None and all(any(word in s for word in words) for s in strings):
                return True
    for op, av in items:
        if op is C.IN:
            if all(kind is C.LITERAL and chr(code) in words for kind, code in av):
                return True
        elif op is C.SUBPATTERN:
            _group, add_flags, _del_flags, body = av
            if add_flags & re.IGNORECASE:
                return False
            if _holds_one_of(body, words):
                return True
        elif op is C.ATOMIC_GROUP:
            if _holds_one_of(av, words):
                return True
        elif op is C.BRANCH:
            if all(_holds_one_of(branch, words) for branch in av[1]):
                return True
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, _high, body = av
            if low >= 1 and _holds_one_of(body, words):
                return True
        elif op is C.ASSERT:
            if _holds_one_of(av[1], words):
                return True
    return False


def _proved(pattern: GuardedPattern) -> list[tuple[str, ...]]:
    """The groups of `pattern.needs` that the parse does not prove (empty: all proved)."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    if parsed.state.flags & re.IGNORECASE:
        return list(pattern.needs)
    return [group for group in pattern.needs if not _holds_one_of(parsed, group)]


def test_the_prover_refuses_words_a_match_can_do_without():
    """The proof would catch a wrong guard (else the test below could not fail)."""
    assert not _proved(GuardedPattern(r"第(?:一|二)条", (("第",), ("条",), ("一", "二"))))
    for pattern, needs in [(r"第(?:一|二)条", (("一",),)),          # only one branch holds it
                           (r"(?:示例)?办法", (("示例",),)),        # optional
                           (r"[甲乙]*丙", (("甲", "乙"),)),          # a repeat of zero
                           (r"(?!令)公告", (("令",),)),              # a negative lookahead
                           (r"[\u4e00-\u9fff]号", (("中",),)),        # a range, not listed words
                           (r"(?i:abc)", (("abc",),))]:            # another spelling matches
        assert _proved(GuardedPattern(pattern, needs)), (pattern, needs)
    with pytest.raises(ValueError):
        GuardedPattern("abc", (("abc",),), re.IGNORECASE)
    with pytest.raises(ValueError):
        GuardedPattern("abc", ((),))


def test_every_guard_is_proved_from_its_pattern():
    guarded = _all_guarded()
    assert len(guarded) >= 10
    unproved = {pattern.pattern[:80]: _proved(pattern) for pattern in guarded if _proved(pattern)}
    assert not unproved


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.rglob("*.md"))]
    for suffix in ("*.html", "*.htm", "*.txt"):
        for path in sorted((SHARED / "realdocs").rglob(suffix)):
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    texts.append(SEED.read_text(encoding="utf-8"))
    assert len(texts) > 150
    return texts


def _random_lines(guarded: list[GuardedPattern], count: int) -> list[str]:
    """Fictional lines from the patterns' own words and the pieces their matches are made
    of, so that many of them do match."""
    rng = random.Random(14)
    words = sorted({word for pattern in guarded for group in pattern.needs for word in group})
    pieces = words + ["示例市", "示例局", "人民政府", "办公厅", "京科发", "示府", "2022", "２０２４", "1998", "10",
                      "〔", "〕", "（", "）", "(", ")", "第", "号", "令", "公告", "文件", "【", "】", "标题",
                      "测试用虚构文本", " ", "　", "：", ":", "年", "月", "日", "一", "二", "十", "附件",
                      "印发", "抄送", "《", "》", "废止", "决定", "同时", "条", "。", "\n"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_guarded_gives_what_the_compiled_pattern_gives():
    guarded = _all_guarded()
    texts = _texts()
    lines = sorted({line for text in texts for line in text.split("\n")})
    samples = lines + texts + _random_lines(guarded, 20_000)
    passed_through = 0
    for pattern in guarded:
        compiled = re.compile(pattern.pattern, pattern.flags)
        for sample in samples:
            if pattern.cannot_match(sample):
                assert compiled.search(sample) is None, (pattern.pattern[:60], sample[:80])
            else:
                passed_through += 1
        # the methods themselves, on strings with and without the words
        for sample in lines[:: max(1, len(lines) // 2000)] + _random_lines(guarded, 500):
            assert _spans(pattern.search(sample)) == _spans(compiled.search(sample))
            assert _spans(pattern.match(sample)) == _spans(compiled.match(sample))
            assert _spans(pattern.fullmatch(sample)) == _spans(compiled.fullmatch(sample))
            assert [_spans(m) for m in pattern.finditer(sample)] == [_spans(m) for m in compiled.finditer(sample)]
            assert pattern.findall(sample) == compiled.findall(sample)
            assert pattern.sub("#", sample) == compiled.sub("#", sample)
            assert pattern.subn("#", sample) == compiled.subn("#", sample)
            assert pattern.split(sample) == compiled.split(sample)
            assert _spans(pattern.search(sample, 1, 9)) == _spans(compiled.search(sample, 1, 9))
    assert passed_through > 0


def _spans(match: re.Match | None):
    return None if match is None else (match.span(), match.groups(), match.groupdict())
