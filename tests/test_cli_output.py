"""The CLI's output path (issue 14, "out"): cli._echo writes the encoded bytes itself when
stdout is a plain UTF-8 pipe or file, and those bytes must be exactly what the old path,
click.echo(escape_controls(text)), wrote: with and without C0, DEL, C1 controls and
terminal escape sequences, on a pipe and on a file, and a closed pipe (`| head`) still ends
quietly with exit 0. All texts here are fictional (示例市……测试用虚构文本)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import click
import pytest

from policydiff.controls import escape_controls, escape_controls_encoded

TITLE = "示例市测试办法（测试用虚构文本）"
ESCAPE_SEQUENCES = ["\x1b[31m", "\x1b[0m", "\x1b]0;pwned\x07", "\x1b]8;;http://example.invalid\x1b\\", "\x9b31m",
                    "\x1b[?25l", "\x1bc"]
# every code point the escape rule looks at, the ones next to them, and the UTF-8 lead
# byte 0xC2's harmless neighbours (· § NBSP), which send the fast path to the regex
POOL = ([chr(c) for c in range(0x00, 0x100)] + list("第一条为了测试制定本办法。\n\t \u3000\u2028\u2029")
        + ["\U0001f600", "\ufeff"] + ESCAPE_SEQUENCES)

TEXTS = {
    "plain": f"{TITLE}\n第一条　为了测试，制定本办法。\n\t缩进\n" * 50,
    "json_like": '{\n  "title": "' + TITLE + '",\n  "text": "a\\u001b[31m b\\u0007"\n}' * 50,
    "del": f"{TITLE}\x7f尾",
    "c1": f"{TITLE}\x85\x9b31m\x9f",
    "c0": f"{TITLE}\x00\x01\x08\x0b\x0c\r\x1f",
    "escape_sequences": "".join(f"前{seq}后" for seq in ESCAPE_SEQUENCES) * 20,
    "latin1_not_control": "§ · ¿ \xa0 ±" * 10,
    "empty": "",
}


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        size = rng.choice([1, 5, 40, 300, 5000])
        plain = "".join(rng.choice(POOL) for _ in range(size))
        texts.append(plain)
        # mostly Chinese with at most one control somewhere: the fast path's usual case
        clean = "".join(rng.choice("第一条为了测试制定本办法。\n\t ") for _ in range(size))
        place = rng.randrange(len(clean) + 1)
        texts.append(clean[:place] + rng.choice(POOL) + clean[place:])
    return texts


@pytest.mark.parametrize("errors", ["strict", "surrogateescape", "backslashreplace"])
def test_encoded_escape_is_the_regex_escape_encoded(errors):
    for text in list(TEXTS.values()) + _random_texts(400, seed=14):
        assert escape_controls_encoded(text, "utf-8", errors) == escape_controls(text).encode("utf-8", errors), text


def test_encoded_escape_keeps_surrogates_as_the_text_stream_would():
    text = "示例\udcc2\udc9b\x1b[31m"  # surrogateescape's bytes above 0x80 are no controls
    assert escape_controls_encoded(text, "utf-8", "surrogateescape") == escape_controls(text).encode(
        "utf-8", "surrogateescape")
    with pytest.raises(UnicodeEncodeError):
        escape_controls_encoded(text)  # strict: the same error the text stream raises (cli.py reports it)


def test_encoded_escape_refuses_other_encodings():
    with pytest.raises(ValueError):
        escape_controls_encoded("示例", "gb18030")


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_click_strip_ansi_changes_nothing_after_escaping(name):
    """Why the fast path may skip click.echo's strip_ansi on a pipe: every ANSI sequence
    starts with ESC (U+001B), which escape_controls has turned into the six characters \\u001b."""
    escaped = escape_controls(TEXTS[name])
    assert "\x1b" not in escaped
    assert click.unstyle(escaped) == escaped
    if "\x1b[" in TEXTS[name]:
        assert click.unstyle(TEXTS[name]) != TEXTS[name]  # the check above could fail


# Run in a child so that stdout is a real pipe or file: "old" is the path before issue 14's
# change, "new" is cli._echo; both write a sequence of messages to stdout and stderr.
CHILD = r"""
import sys
from pathlib import Path
import click
from policydiff import cli
from policydiff.controls import escape_controls
mode, source = sys.argv[1], sys.argv[2]
texts = Path(source).read_text(encoding="utf-8", errors="surrogatepass").split("\0SPLIT\0")
for number, text in enumerate(texts):
    for nl in (False, True):
        err = number % 3 == 2
        if mode == "old":
            click.echo(escape_controls(text), nl=nl, err=err)
        elif mode == "bytes":  # the UTF-8 of the text, as a large diff's JSON comes from orjson
            cli._echo(text.encode("utf-8"), nl=nl, err=err)
        else:
            cli._echo(text, nl=nl, err=err)
        print("|", end="")  # a write through the text layer in between: order must hold
"""


def _child_output(mode: str, source: Path, stdout, stderr):
    return subprocess.run([sys.executable, "-c", CHILD, mode, str(source)], stdout=stdout, stderr=stderr,
                          check=True)


@pytest.mark.parametrize("target", ["pipe", "file"])
def test_echo_writes_the_same_bytes_as_click_echo(tmp_path, target):
    texts = list(TEXTS.values()) + _random_texts(30, seed=41)
    source = tmp_path / "texts.txt"
    source.write_text("\0SPLIT\0".join(texts), encoding="utf-8", errors="surrogatepass")
    outputs = {}
    for mode in ("old", "new", "bytes"):
        if target == "pipe":
            done = _child_output(mode, source, subprocess.PIPE, subprocess.PIPE)
            outputs[mode] = (done.stdout, done.stderr)
        else:
            out_path, err_path = tmp_path / f"{mode}.out", tmp_path / f"{mode}.err"
            with out_path.open("wb") as out, err_path.open("wb") as err:
                _child_output(mode, source, out, err)
            outputs[mode] = (out_path.read_bytes(), err_path.read_bytes())
    assert outputs["new"] == outputs["old"]
    assert outputs["bytes"] == outputs["old"]
    assert b"\x1b" not in outputs["new"][0] and b"\\u001b" in outputs["new"][0]  # escaped, not dropped


def test_fast_path_is_taken_on_a_pipe_and_not_for_a_string_buffer():
    import io

    from policydiff import cli

    piped = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert cli._plain_binary_writer(piped) is piped.buffer
    assert cli._plain_binary_writer(io.TextIOWrapper(io.BytesIO(), encoding="latin-1")) is None
    assert cli._plain_binary_writer(io.StringIO()) is None


def _large_pair(tmp_path):
    """Fictional old and new texts with ~3,000 changed articles: beyond ORJSON_MIN_CHANGES,
    so the JSON is orjson's bytes; a C1 control and an ESC sequence in one article."""
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(TITLE + "\n" + "".join(f"第{n}条　示例条文{n}，测试用虚构内容。\n" for n in range(1, 3000)),
                   encoding="utf-8")
    new.write_text(TITLE + "\n" + "".join(f"第{n}条　示例条文{n}，测试用虚构内容（修改）。\n" for n in range(1, 2999))
                   + "第2999条　示例\x9b31m条文\x1b[31m，测试用虚构内容。\n", encoding="utf-8")
    return old, new


def test_large_json_diff_prints_the_bytes_of_its_text(tmp_path):
    """`diff --format json` of a large pair: the JSON comes as orjson's UTF-8 bytes
    (api.diff(encoded=True)) and is printed as the str JSON was, escaped, on a pipe, on a
    file, and through click's test runner (a StringIO-free TextIOWrapper)."""
    from click.testing import CliRunner

    from policydiff import api
    from policydiff.cli import cli

    old, new = _large_pair(tmp_path)
    encoded = api.diff(None, str(old), str(new), fmt="json", encoded=True)
    text = api.diff(None, str(old), str(new), fmt="json")
    assert isinstance(encoded, bytes) and isinstance(text, str)
    assert encoded.decode("utf-8") == text
    assert "\x9b" in text  # raw in the JSON (json.dumps and orjson escape only C0) ...
    expected = escape_controls(text).encode("utf-8")
    assert b"\\u009b31m" in expected and b"\xc2\x9b" not in expected  # ... escaped when printed
    small_old, small_new = tmp_path / "small-old.txt", tmp_path / "small-new.txt"
    small_old.write_text(f"{TITLE}\n第一条　示例。\n", encoding="utf-8")
    small_new.write_text(f"{TITLE}\n第一条　示例（修改）。\n", encoding="utf-8")
    small = api.diff(None, str(small_old), str(small_new), fmt="json", encoded=True)
    assert isinstance(small, str)  # below ORJSON_MIN_CHANGES: the pure-Python writer's str
    command = [sys.executable, "-m", "policydiff", "diff", str(old), str(new), "--format", "json"]
    piped = subprocess.run(command, capture_output=True, check=True).stdout
    with (tmp_path / "out.json").open("wb") as out:
        subprocess.run(command, stdout=out, check=True)
    in_process = CliRunner().invoke(cli, command[3:]).stdout_bytes
    for output in (piped, (tmp_path / "out.json").read_bytes(), in_process):
        assert output.replace(b'+modified"', b'"') == expected.replace(b'+modified"', b'"')


def test_closed_pipe_ends_quietly(tmp_path):
    """`policydiff diff ... | head -c 100` on a long output: exit 0, nothing on stderr."""
    old, new = _large_pair(tmp_path)
    pipeline = (f"{sys.executable} -m policydiff diff {old} {new} --format json 2>{tmp_path / 'err.txt'} "
                f"| head -c 100 >/dev/null; echo $" + "{PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", pipeline], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0"
    assert (tmp_path / "err.txt").read_text() == ""
