"""The shell's shape (issue 8, "The shell" and "The archive a user meets"): no import
circle, one request value from `add` to the archive, the archive opened once per command,
an archive found from inside it, `--archive` after the command name.

In-process (click's CliRunner, monkeypatch.chdir) unless a real process is the point."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from policydiff import api, archive, cli, intake
from policydiff.errors import BadInputError

from .test_report_browser import browser  # noqa: F401  (the Chromium fixture, shared)

PACKAGE = Path(api.__file__).resolve().parent

FICTIONAL_TITLE = "示例市促进创新若干措施(测试用虚构文本)"
FICTIONAL_TEXT = f"""{FICTIONAL_TITLE}

为促进示例市创新发展(本文为测试用虚构文本),制定本措施。

1.支持示例企业发展

支持示例企业开展虚构的技术创新。

2.支持示例园区建设

支持示例园区建设虚构的公共服务设施。

本措施自印发之日起施行。
"""


# ----------------------------------------------------------------------------- import graph
# (no cycle anywhere: tests/test_layers.py::test_no_import_cycle)


def test_nothing_below_api_imports_it_and_the_file_helpers_are_a_leaf():
    from .test_layers import MODULES, package_imports

    importers = sorted(m for m in MODULES if any(mod == "policydiff.api" for mod, _ in package_imports(m)))
    assert importers == ["policydiff.cli"]
    assert {mod for mod, _ in package_imports("policydiff.files") if mod.startswith("policydiff")} <= {"policydiff.errors"}
    assert not (PACKAGE / "archive_api.py").exists()  # api holds the verbs, no forwarders


# ----------------------------------------------------------------------------- add request


def test_add_options_are_the_request_fields():
    """One value from the CLI to the archive: every `add` option is an AddRequest field
    (a new option that is not fails here rather than being dropped on the way)."""
    fields = {f.name for f in dataclasses.fields(intake.AddRequest)}
    options = {p.name for p in cli.add.params if p.expose_value}
    assert options == fields
    assert dataclasses.is_dataclass(intake.AddRequest) and intake.AddRequest.__dataclass_params__.frozen


def test_request_from_a_mapping():
    request = intake.AddRequest.from_mapping({"work": "demo", "version": "1", "issuers": "示例市科学技术局",
                                              "notes": ["a", "b"], "title": None})
    assert request.issuers == ("示例市科学技术局",) and request.notes == ("a", "b") and request.title is None
    with pytest.raises(BadInputError, match="unknown field"):
        intake.AddRequest.from_mapping({"work": "demo", "version": "1", "colour": "red"})


# ----------------------------------------------------------------------------- in-process CLI


def invoke(*args: str):
    """The CLI in-process, through `cli.main` (the one place errors become `Error:`)."""
    runner = CliRunner()
    with runner.isolation() as (stdout, stderr, _output):
        try:
            cli.main([*args])
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, stdout.getvalue().decode("utf-8"), stderr.getvalue().decode("utf-8")


@pytest.fixture()
def no_archive_env(monkeypatch):
    monkeypatch.delenv("POLICYDIFF_ARCHIVE", raising=False)


@pytest.fixture()
def demo_archive(tmp_path, monkeypatch, no_archive_env) -> Path:
    """`policydiff init store` outside any work tree, two fictional versions added."""
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("init", "store")
    assert code == 0, err
    root = tmp_path / "store"
    subprocess.run(["git", "-C", str(root), "config", "user.email", "test@example.invalid"], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.name", "policydiff test"], check=True)
    old = tmp_path / "old.txt"
    old.write_text(FICTIONAL_TEXT, encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text(FICTIONAL_TEXT.replace("虚构的技术创新", "虚构的技术创新和成果转化"), encoding="utf-8")
    for path, version in ((old, "2023"), (new, "2024")):
        code, out, err = invoke("--archive", "store", "add", str(path), "--work", "demo", "--version", version)
        assert code == 0, err
    return root


def test_init_then_cd_into_it_then_list(demo_archive, monkeypatch):
    monkeypatch.chdir(demo_archive)
    code, out, err = invoke("list")
    assert code == 0, err
    assert "demo@2023" in out and "demo@2024" in out
    (demo_archive / "demo").is_dir()
    monkeypatch.chdir(demo_archive / "demo")  # a subfolder of the archive
    code, out, err = invoke("list", "--format", "json")
    assert code == 0, err
    assert [v["ref"] for v in json.loads(out)["works"][0]["versions"]] == ["demo@2023", "demo@2024"]


def test_init_prints_the_next_command(tmp_path, monkeypatch, no_archive_env):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("init", "store")
    assert code == 0
    assert Path(out.strip()) == tmp_path / "store"
    assert err == "Next: cd store && policydiff add FILE --work WORK --version VERSION\n"
    monkeypatch.chdir(tmp_path / "store")
    code, out, err = invoke("init")  # again, from inside: harmless, and nothing to cd into
    assert code == 0 and Path(out.strip()) == tmp_path / "store"
    assert err == "Next: policydiff add FILE --work WORK --version VERSION\n"


def test_archive_option_after_the_command(demo_archive, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for args in (("list", "--archive", str(demo_archive)), ("verify", "--archive", str(demo_archive)),
                 ("show", "demo@2024", "--archive", str(demo_archive)),
                 ("diff", "demo@2023", "demo@2024", "--archive", str(demo_archive)),
                 ("status", "demo", "--archive", str(demo_archive)),
                 ("log", "demo", "--archive", str(demo_archive))):
        code, out, err = invoke(*args)
        assert code == 0, (args, err)
        assert out
    code, out, err = invoke("--archive", str(demo_archive), "list", "--archive", str(tmp_path / "other"))
    assert code == 2 and err.startswith("Error: --archive given twice") and err.count("\n") == 1


def test_no_archive_is_still_one_line(tmp_path, monkeypatch, no_archive_env):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("list")
    assert code == 2 and err.startswith("Error: no archive at ") and err.count("\n") == 1


def test_a_command_opens_the_archive_once(demo_archive, monkeypatch):
    opened = []
    original = archive.Archive.__init__

    def counting(self, root):
        opened.append(root)
        original(self, root)

    monkeypatch.setattr(archive.Archive, "__init__", counting)
    monkeypatch.chdir(demo_archive)
    for args in (("diff", "demo@2023", "demo@2024"), ("show", "demo", "--format", "md"),
                 ("status", "demo"), ("list",)):
        opened.clear()
        code, out, err = invoke(*args)
        assert code == 0, err
        assert len(opened) == 1, args


def test_locate_order(git_tmp, monkeypatch, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    sub = git_tmp / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    monkeypatch.delenv("POLICYDIFF_ARCHIVE", raising=False)
    assert api.locate_archive(None, must_exist=False) == git_tmp / "versions"
    archive.init(git_tmp / "versions")
    assert api.locate_archive(None) == git_tmp / "versions"  # found from a folder beside it
    monkeypatch.setenv("POLICYDIFF_ARCHIVE", str(other))
    assert api.locate_archive(None) == other
    assert api.locate_archive(str(git_tmp)) == git_tmp  # --archive wins
    monkeypatch.delenv("POLICYDIFF_ARCHIVE")
    monkeypatch.chdir(other)  # in no git work tree: ./versions
    assert api.locate_archive(None, must_exist=False) == other / "versions"
    with pytest.raises(Exception, match="policydiff init"):
        api.locate_archive(str(other / "nope"))


def test_report_json_is_built_once_with_its_report_keys(demo_archive, monkeypatch):
    """The report's JSON comes from one dict (comparable, generated included), not a
    render-parse-patch-dump round trip: the same dict the diff JSON has, plus the stamp."""
    monkeypatch.chdir(demo_archive)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")
    code, out, err = invoke("report", "demo@2023", "demo@2024", "--format", "json", "-o", "../r.json")
    assert code == 0, err
    report = json.loads((demo_archive.parent / "r.json").read_text(encoding="utf-8"))
    code, out, err = invoke("diff", "demo@2023", "demo@2024", "--format", "json")
    diffed = json.loads(out)
    assert report.pop("generated") == "2024-01-01T00:00:00Z"
    assert report == diffed and report["comparable"] is True


# ----------------------------------------------------------------------------- uncommitted edits


def _edit_by_hand(root: Path) -> None:
    path = root / "demo" / "2024.md"
    text = path.read_text(encoding="utf-8")
    assert "虚构的公共服务设施" in text
    path.write_text(text.replace("虚构的公共服务设施", "虚构的公共服务设施和道路"), encoding="utf-8")


def test_no_warning_when_the_files_are_committed(demo_archive, monkeypatch):
    monkeypatch.chdir(demo_archive)
    for args in (("diff", "demo@2023", "demo@2024"), ("status", "demo"),
                 ("report", "demo@2023", "demo@2024", "-o", str(demo_archive.parent / "r.html"))):
        code, out, err = invoke(*args)
        assert (code, err) == (0, ""), args
    html = (demo_archive.parent / "r.html").read_text(encoding="utf-8")
    assert 'id="uncommitted"' not in html


def test_an_uncommitted_edit_is_named_on_stderr_and_in_the_report(demo_archive, monkeypatch):
    from policydiff.render.labels import label

    _edit_by_hand(demo_archive)
    monkeypatch.chdir(demo_archive)
    for args in (("diff", "demo@2023", "demo@2024"), ("status", "demo"), ("diff", "demo@2023", "demo@2024", "--format", "json")):
        code, out, err = invoke(*args)
        assert code == 0, err
        assert err.startswith("Warning: ") and err.count("\n") == 1, (args, err)
        assert "demo@2024 (modified" in err and "demo@2023" not in err
    assert json.loads(out)["new"]["uncommitted"] == "modified" and json.loads(out)["old"]["uncommitted"] is None
    for lang in ("zh", "en"):
        target = demo_archive.parent / f"r.{lang}.html"
        code, out, err = invoke("report", "demo@2023", "demo@2024", "--lang", lang, "-o", str(target))
        assert code == 0 and err.startswith("Warning: ") and err.count("\n") == 1
        html = target.read_text(encoding="utf-8")
        assert '<section id="uncommitted" class="notice warning" role="alert">' in html
        assert label("uncommitted.heading", lang) in html and "demo@2024" in html
    code, out, err = invoke("report", "demo@2023", "demo@2024", "--format", "md", "-o", str(demo_archive.parent / "r.md"))
    assert label("uncommitted.heading") in (demo_archive.parent / "r.md").read_text(encoding="utf-8")
    subprocess.run(["git", "-C", str(demo_archive), "commit", "-qam", "edit: by hand"], check=True)
    code, out, err = invoke("diff", "demo@2023", "demo@2024")
    assert (code, err) == (0, "")  # committed: the report cites the commit that holds it


def test_a_never_committed_version_is_named_too(demo_archive, monkeypatch):
    copy = demo_archive / "demo" / "2025.md"
    text = (demo_archive / "demo" / "2024.md").read_text(encoding="utf-8")
    copy.write_text(text.replace("version: '2024'", "version: '2025'").replace('version: "2024"', 'version: "2025"')
                    .replace("version: 2024", "version: '2025'"), encoding="utf-8")
    monkeypatch.chdir(demo_archive)
    code, out, err = invoke("diff", "demo@2024", "demo@2025", "--format", "json")
    assert code == 0, err
    assert "demo@2025 (not committed)" in err and json.loads(out)["new"]["uncommitted"] == "not committed"


# ----------------------------------------------------------------------------- the tool's commit


def test_commit_of_folder(git_tmp, tmp_path_factory):
    from policydiff import checkout

    package = git_tmp / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert checkout.commit_of_folder(package) is None  # not tracked yet
    subprocess.run(["git", "-C", str(git_tmp), "add", "pkg"], check=True)
    subprocess.run(["git", "-C", str(git_tmp), "commit", "-qm", "pkg"], check=True)
    sha = subprocess.run(["git", "-C", str(git_tmp), "rev-parse", "HEAD"], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert checkout.commit_of_folder(package) == sha
    (git_tmp / "reports.txt").write_text("rebuilt\n", encoding="utf-8")  # a commit beside the code
    subprocess.run(["git", "-C", str(git_tmp), "add", "reports.txt"], check=True)
    subprocess.run(["git", "-C", str(git_tmp), "commit", "-qm", "reports"], check=True)
    assert checkout.commit_of_folder(package) == sha  # still the code's commit
    (package / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert checkout.commit_of_folder(package) == f"{sha}+modified"
    outside = tmp_path_factory.mktemp("plain")
    assert checkout.commit_of_folder(outside) is None  # no checkout: absent, not wrong


def test_reports_name_the_tools_commit(demo_archive, monkeypatch):
    from policydiff import checkout

    expected = checkout.tool_commit()
    monkeypatch.chdir(demo_archive)
    code, out, err = invoke("diff", "demo@2023", "demo@2024", "--format", "json")
    assert json.loads(out)["tool"].get("commit") == expected
    code, out, err = invoke("report", "demo@2023", "demo@2024", "-o", str(demo_archive.parent / "t.html"))
    html = (demo_archive.parent / "t.html").read_text(encoding="utf-8")
    if expected is not None:  # run from a checkout (the test suite, CI's clean clone)
        assert f'<code class="tool-commit">{expected}</code>' in html
    else:
        assert "tool-commit" not in html
    monkeypatch.setattr(checkout, "tool_commit", lambda: None)
    code, out, err = invoke("diff", "demo@2023", "demo@2024", "--format", "json")
    assert "commit" not in json.loads(out)["tool"]


# ----------------------------------------------------------------------------- log and lineage pages


def _check_page(html: str, lang: str) -> None:
    """Self-contained and locked down like the report, and every word from the labels
    catalogue: in an English page, Chinese text only inside an element marked zh-CN
    (policy titles, clauses, 文号, headings), never in the page's own words."""
    import re

    import lxml.html

    from policydiff.render.html import csp_hash

    page = lxml.html.document_fromstring(html)
    (csp,) = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    (style,) = page.xpath("//style")
    assert f"style-src {csp_hash(style.text)}" in csp and "unsafe-inline" not in csp
    assert "default-src 'none'" in csp and not page.xpath("//script") and not page.xpath("//*[@style]")
    assert page.xpath("/html/@lang") == ["zh-CN"] and page.xpath("//body/@lang") == [{"zh": "zh-CN", "en": "en"}[lang]]
    if lang == "en":
        cjk = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
        for element in page.iter():
            for text, holder in ((element.text, element), (element.tail, element.getparent())):
                if not text or not cjk.search(text) or holder is None:
                    continue
                marked = next((e.get("lang") for e in (holder, *holder.iterancestors()) if e.get("lang")), None)
                assert marked == "zh-CN", f"unmarked Chinese in an English page: {text!r}"


def test_log_and_lineage_pages_come_from_templates_and_labels(demo_archive, monkeypatch):
    from policydiff.render.labels import label

    monkeypatch.chdir(demo_archive.parent)
    for lang in ("zh", "en"):
        for args, title in ((("log", "demo"), label("log.title", lang).format(work="demo")),
                            (("log", "demo", "--measure", "1"),
                             label("lineage.title", lang).format(work="demo", label="1."))):
            target = demo_archive.parent / f"page.{lang}.html"
            code, out, err = invoke("--archive", str(demo_archive), *args, "--format", "html", "--lang", lang,
                                    "-o", str(target))
            assert code == 0, err
            html = target.read_text(encoding="utf-8")
            assert f"<title>{title}</title>" in html
            _check_page(html, lang)
    assert 'data-kind="modified"' in html and label("kind.modified", "en") in html


def test_site_pages_share_the_page_base(demo_archive, monkeypatch):
    monkeypatch.chdir(demo_archive.parent)
    out = demo_archive.parent / "site"
    code, _, err = invoke("--archive", str(demo_archive), "build", str(out), "--lang", "en", "--no-cache", "-j", "1")
    assert code == 0, err
    pages = sorted(out.rglob("*.html"))
    assert any("lineage" in p.parts for p in pages)
    for page in pages:
        if page.parent.name != "demo" or "__" not in page.name:  # the reports have their own checks
            _check_page(page.read_text(encoding="utf-8"), "en")


# ----------------------------------------------------------------------------- in a real browser


@pytest.mark.browser
def test_banner_and_pages_in_chromium(browser, demo_archive, monkeypatch, tmp_path):
    """The uncommitted-edit banner is visible at the top of the report, and the log and
    lineage pages load under their CSP (a blocked stylesheet is a console error) with no
    request but the file itself."""
    from dataclasses import replace

    from policydiff.render.html import comparison_html

    from . import report_fixtures as fx
    from .test_report_browser import SCREENSHOTS, Watched

    comparison = fx.comparison()
    edited = replace(comparison, new=replace(comparison.new, uncommitted="modified", commit="0" * 40))
    report = tmp_path / "edited.html"
    report.write_text(comparison_html(edited), encoding="utf-8")
    monkeypatch.chdir(demo_archive.parent)
    pages = [report]
    for name, args in (("log", ("log", "demo")), ("lineage", ("log", "demo", "--measure", "1"))):
        target = tmp_path / f"{name}.html"
        code, _, err = invoke("--archive", str(demo_archive), *args, "--format", "html", "-o", str(target))
        assert code == 0, err
        pages.append(target)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page_path in pages:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        watched = Watched(context, page_path)
        assert watched.errors == [], (page_path.name, watched.errors)
        assert watched.requests == [watched.url], watched.requests
        if page_path == report:
            box = watched.page.locator("#uncommitted").bounding_box()
            assert box is not None and box["height"] > 20 and box["y"] < 900  # seen without scrolling
            watched.page.screenshot(path=str(SCREENSHOTS / "report-uncommitted-banner.png"))
        else:
            assert watched.page.locator("ol.timeline > li").count() >= 2
            watched.page.screenshot(path=str(SCREENSHOTS / f"{page_path.stem}-page.png"))
        context.close()
