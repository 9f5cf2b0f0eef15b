"""The command line: thin click commands over `policydiff.api`.

This is the only module that imports click. Every PolicyDiffError becomes a one-line
`Error: ...` on stderr with exit code 2 (in `main`); anything else is a bug and keeps its
traceback so that it gets reported.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import click

from . import __version__, api
from .controls import escape_controls, escape_controls_encoded, escape_controls_utf8
from .errors import PolicyDiffError
from .intake import AddRequest

FORMAT_TEXT_JSON = click.Choice(["text", "json"])
ARCHIVE_HELP = ("Archive folder (default: $POLICYDIFF_ARCHIVE, else the archive holding the current folder, "
                "else versions/ at the top of the git work tree, else ./versions).")


class _Context:
    """What every command shares: the --archive choice, and the archive opened at most
    once per run (a command asks for it only when it needs it)."""

    def __init__(self, archive_option: str | None):
        self.archive_option = archive_option
        self._store: api.MaybeArchive = None

    def choose(self, archive_option: str | None) -> None:
        """--archive given after the command name (`policydiff list --archive X`)."""
        if archive_option is None:
            return
        if self.archive_option is not None and Path(self.archive_option) != Path(archive_option):
            raise click.UsageError(f"--archive given twice ({self.archive_option} and {archive_option}): give it once")
        self.archive_option = archive_option

    @property
    def store(self):
        """The archive (an ArchiveError, one line, when there is none)."""
        if not isinstance(self._store, api.archive_mod.Archive):
            self._store = api.open_archive(self.archive_option)
        return self._store

    @property
    def maybe_store(self) -> api.MaybeArchive:
        """The archive, or NoArchive with the reason (diff/report/show also take files)."""
        if self._store is None:
            self._store = api.find_archive(self.archive_option)
        return self._store


def _archive_after_command(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(_Context).choose(value)


# The same --archive on every command that uses the archive, so that the option may follow
# the command name too (before it, it belongs to `policydiff` itself).
archive_option = click.option("--archive", type=click.Path(file_okay=False), default=None, expose_value=False,
                              callback=_archive_after_command, is_eager=True, help=ARCHIVE_HELP)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--archive", type=click.Path(file_okay=False), default=None, help=ARCHIVE_HELP)
@click.version_option(__version__, prog_name="policydiff")
@click.pass_context
def cli(ctx: click.Context, archive: str | None) -> None:
    """Track how policies change between versions: align measures, redline, answer repeal questions."""
    ctx.obj = _Context(archive)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@archive_option
@click.pass_obj
def init(obj: _Context, directory: str | None) -> None:
    """Make an archive (and `git init` where DIRECTORY is in no work tree); prints its
    folder, and on stderr the command to run next."""
    target = Path(directory) if directory else api.locate_archive(obj.archive_option, must_exist=False)
    root = api.init_archive(target)
    _echo(str(root))
    _echo(f"Next: {api.next_step(root)}", err=True)


@cli.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False))
@click.option("--work", "-w", required=True, help="Work id (slug), e.g. zgc-world-leading-park.")
@click.option("--version", "-v", "version", required=True, help="Version id, e.g. 2024 or 2024-10-09.")
@click.option("--title")
@click.option("--doc-no", help="文号, e.g. 京科发〔2022〕4号.")
@click.option("--issuer", "issuers", multiple=True, help="Issuing body (repeat for several).")
@click.option("--issued", help="Issue date, YYYY-MM-DD.")
@click.option("--effective", help="Effective date, YYYY-MM-DD.")
@click.option("--source-url", help="Where the source was published.")
@click.option("--retrieved", help="Date the source was retrieved, YYYY-MM-DD.")
@click.option("--encoding", help="Override encoding detection (e.g. gb18030, big5, utf-16).")
@click.option("--no-text", is_flag=True, help="Record a version whose text is not available.")
@click.option("--note", "notes", multiple=True, help="A note to keep with the version.")
@click.option("--replace", is_flag=True, help="Correct an archived version (a commit that says so).")
@click.option("--dry-run", is_flag=True, help="Show what would be extracted (on stderr); write nothing.")
@click.option("--allow-duplicate-text", is_flag=True,
              help="Accept a text that another archived version already holds word for word.")
@archive_option
@click.pass_obj
def add(obj: _Context, **values) -> None:
    """Import SOURCE (text, HTML, Markdown, DOCX, PDF; DOC/WPS/ODT with LibreOffice) as
    WORK@VERSION; prints the new ref, and on stderr what was extracted."""
    # the options are named as AddRequest's fields: one value from here to the archive
    request = AddRequest.from_mapping(values)
    dry_run = request.dry_run
    added = api.add_version(obj.store, request)
    from . import interrupts

    with interrupts.told_if_done(f"{added.ref} was added") as done, interrupts.deferred():
        done.append(not dry_run)  # the ref is printed even when Ctrl-C came just now
        if not dry_run:
            _echo(added.ref)
        if added.has_text:
            for line in api.extraction_lines(added):
                _echo(f"  {line}", err=True)
        for note in added.notes:
            _echo(f"Note: {note}", err=True)
        if dry_run:
            _echo(f"dry run: {added.ref} was not written", err=True)


@cli.command()
@click.argument("ref")
@click.option("--force", is_flag=True, help="Remove it even when another version's repeal or lineage depends on it.")
@archive_option
@click.pass_obj
def rm(obj: _Context, ref: str, force: bool) -> None:
    """Remove one version (WORK@VERSION) in one commit; prints the commit."""
    commit, notes = api.remove_version(obj.store, ref, force=force)
    for note in notes:
        _echo(f"Note: {note}", err=True)
    _echo(commit)


@cli.command()
@click.argument("ref")
@click.option("--reason", "-m", required=True, help="Why the archived text was corrected by hand (one line).")
@archive_option
@click.pass_obj
def edit(obj: _Context, ref: str, reason: str) -> None:
    """Commit your hand edit of WORK@VERSION's .md (e.g. a corrected mis-parse) as an
    "edit" commit that says why; `verify` accepts a body that differs from its source only
    after one. Prints the ref."""
    edited = api.record_edit(obj.store, ref, reason)
    for note in edited.notes:
        _echo(f"Note: {note}", err=True)
    _echo(edited.ref)


@cli.command(name="list")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text")
@archive_option
@click.pass_obj
def list_(obj: _Context, fmt: str) -> None:
    """Works, versions, status."""
    _echo(api.list_works(obj.store, fmt=fmt), nl=False)


@cli.command()
@click.argument("ref")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text")
@archive_option
@click.pass_obj
def show(obj: _Context, ref: str, fmt: str) -> None:
    """One version, parsed."""
    _echo(api.show(obj.maybe_store, ref, fmt=fmt), nl=False)


@cli.command()
@click.argument("work")
@click.option("--measure", help="Follow one measure through every version (5, 5., 第5条, 第五条).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the html page's labels.")
@archive_option
@click.pass_obj
def log(obj: _Context, work: str, measure: str | None, fmt: str, output: str | None, lang: str) -> None:
    """The version timeline of WORK (or one measure's lineage with --measure)."""
    _emit(api.log(obj.store, work, measure=measure, fmt=fmt, lang=lang), output, obj.store)


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "csv"]), default="text",
              help="csv: the 条文序号对照表 (old label, new labels, kind, flags, similarity).")
@click.option("--color/--no-color", default=None, help="Colour the text format (default: when stdout is a terminal).")
@click.option("--changed-only", is_flag=True, help="Text format: leave unchanged measures out.")
@archive_option
@click.pass_obj
def diff(obj: _Context, old: str, new: str, fmt: str, color: bool | None, changed_only: bool) -> None:
    """Alignment and redlines of OLD -> NEW (refs or plain files) to stdout."""
    if color is None:
        color = sys.stdout.isatty()
    # color=color: click strips ANSI codes when stdout is no terminal; --color keeps them
    # (e.g. for `| less -R`)
    # the text format escapes the documents' control characters itself (render/text.py),
    # so that its own colours survive; every other output is escaped by _echo
    # encoded: a large diff's JSON as orjson's UTF-8 bytes, written as they are (_echo)
    text = api.diff(obj.maybe_store, old, new, fmt=fmt, color=color, changed_only=changed_only, warn=_warn,
                    encoded=True)
    if fmt == "text":
        click.echo(text, nl=False, color=color)
    else:
        _echo(text, nl=False)


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Default: reports/<work>/<old>__<new>.<ext>.")
@click.option("--format", "fmt", type=click.Choice(["html", "json", "md", "docx", "xlsx", "pdf"]), default="html",
              help="docx: Word with tracked changes; xlsx: the 新旧对照表; pdf: the HTML printed by Chromium.")
@click.option("--layout", type=click.Choice(["redline", "table"]), default=None,
              help="redline: inline revisions (default); table: the 新旧对照表 (html, docx, xlsx, pdf).")
@click.option("--changed-only", is_flag=True, help="Table layout: leave unchanged articles out (default 「同左」).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the report's labels.")
@click.option("--archive-wide", is_flag=True,
              help="HTML and Markdown: the 引用影响 section also lists the other archived documents citing the revised work.")
@archive_option
@click.pass_obj
def report(obj: _Context, old: str, new: str, output: str | None, fmt: str, layout: str | None, changed_only: bool,
           lang: str, archive_wide: bool) -> None:
    """Write a change report file for OLD -> NEW; prints its path."""
    _echo(str(api.report(obj.maybe_store, old, new, output=output, fmt=fmt, lang=lang, layout=layout,
                         changed_only=changed_only, archive_wide=archive_wide, warn=_warn)))


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text")
@click.option("--archive-wide", is_flag=True,
              help="Also check the citations of the revised work in the other archived documents (their latest versions).")
@click.option("--all-versions", is_flag=True, help="With --archive-wide: every archived version, not only the latest.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh",
              help="Language of the text output and of the CSV's reason_text (JSON: codes and English reasons).")
@archive_option
@click.pass_obj
def citations(obj: _Context, old: str, new: str, fmt: str, archive_wide: bool, all_versions: bool,
              output: str | None, lang: str) -> None:
    """Citations of OLD mapped through the alignment and checked against NEW (refs or plain
    files), with the 条文序号对照表."""
    _emit(api.citations(obj.maybe_store, old, new, fmt=fmt, archive_wide=archive_wide or all_versions,
                        all_versions=all_versions, lang=lang), output)


@cli.command()
@click.argument("query")
@click.option("--measure", help="A measure label: 5, 5., 第5条, 第五条.")
@click.option("--as-of", help="Date to answer for, YYYY-MM-DD (default: today).")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text")
@archive_option
@click.pass_obj
def status(obj: _Context, query: str, measure: str | None, as_of: str | None, fmt: str) -> None:
    """In force, repealed, not yet effective or unknown, with evidence."""
    _echo(api.status(obj.store, query, measure=measure, as_of=as_of, fmt=fmt, warn=_warn), nl=False)


@cli.command()
@archive_option
@click.pass_obj
def verify(obj: _Context) -> None:
    """Check the archive's integrity; exit 1 naming every problem."""
    problems = api.verify(obj.store)
    if problems:
        for problem in problems:
            _echo(f"FAIL {problem}", err=True)
        _echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    _echo("OK: archive verified.")


@cli.command(name="import")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--pattern", default=None,
              help="Paths relative to FOLDER with {work} and {version} (* and ? as in globs); default '{work}/{version}.*'.")
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="JSON or YAML list of {file, work, version, title, doc_no, issued, ...} (files relative to FOLDER).")
@click.option("--exclude", multiple=True, help="Glob of files to leave out (repeat), e.g. '*/amendment-decision.md'.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parsing processes (default: the CPU count).")
@archive_option
@click.pass_obj
def import_(obj: _Context, folder, pattern, manifest, exclude, jobs) -> None:
    """Add every version in FOLDER: one commit per version, parsed in parallel; run it
    again after an interruption to add what is missing. Exit 1 when a file failed."""
    if pattern and manifest:
        raise click.UsageError("give --pattern or --manifest, not both")
    summary = api.import_folder(obj.store, folder, pattern=pattern, manifest=manifest,
                                excludes=tuple(exclude), jobs=jobs,
                                report=lambda ref, outcome: _echo(f"{outcome}: {ref}", err=True))
    for line in summary.lines():
        _echo(line, err=True)
    for ref in summary.added:
        _echo(ref)
    if summary.failed:
        sys.exit(1)


@cli.command()
@click.argument("out", required=False, type=click.Path(file_okay=False))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the CPU count).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              help="local: a process pool on this machine; dask: a Dask cluster (pip install 'policydiff[dask]').")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster of --jobs workers).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["html", "json", "md"]),
              help="Report formats besides html and json (repeat).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the pages' labels.")
@click.option("--as-of", help="Day the statuses answer for, YYYY-MM-DD (default: today).")
@click.option("--cache", type=click.Path(file_okay=False), help="Cache folder (default: .policydiff-cache/build at the top of the work tree).")
@click.option("--no-cache", is_flag=True, help="Compute every pair again (a clean build).")
@archive_option
@click.pass_obj
def build(obj: _Context, out, jobs, engine, scheduler, formats, lang, as_of, cache, no_cache) -> None:
    """The archive as a static site in OUT (default reports/): index, work pages, every
    consecutive pair's report, lineage pages. Incremental and parallel; prints the index.
    Exit 1 when a pair or version failed (the rest is built)."""
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler is for --engine dask")
    summary = api.build(obj.store, out, jobs=jobs, engine=engine, scheduler=scheduler, formats=tuple(formats),
                        lang=lang, as_of=as_of, cache=cache, use_cache=not no_cache)
    for line in summary.lines():
        _echo(line, err=True)
    _echo(str(summary.out / "index.html"))
    if summary.failed:
        sys.exit(1)


def _emit(text: str, output: str | None, archive: api.MaybeArchive = None) -> None:
    if output is not None:
        _echo(api.write_text_output(output, text, archive))
    else:
        _echo(text, nl=False)


def _warn(line: str) -> None:
    _echo("Warning: " + " ".join(line.split()), err=True)  # exactly one line


def _echo(text: str | bytes = "", nl: bool = True, err: bool = False) -> None:
    """Everything the CLI prints goes through here: control characters from documents and
    values (terminal escape sequences) are shown as \\uXXXX (controls.escape_controls),
    never sent to the terminal; the archive keeps them exactly. `text` may be UTF-8
    bytes (a large diff's JSON as orjson wrote it): printed as their text would be."""
    stream = sys.stderr if err else sys.stdout
    binary = _plain_binary_writer(stream)
    if binary is None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "surrogateescape")
        click.echo(escape_controls(text), nl=nl, err=err)
        return
    if isinstance(text, bytes):
        stream.flush()
        binary.write(escape_controls_utf8(text + b"\n" if nl else text))
        binary.flush()
        return
    # The bytes click.echo would write, without its per-character passes (issue 14: ~5 ms
    # of a diff's 10 M-character JSON): on no terminal and with color None, click.echo
    # writes strip_ansi(text) through the text stream; strip_ansi only removes sequences
    # that start with ESC, which escape_controls has already turned into \u001b, so it
    # changes nothing; the text stream would encode with its own encoding and errors and
    # leave "\n" alone (POSIX), as done here. Flushing the text layer first keeps order.
    stream.flush()
    binary.write(escape_controls_encoded(text + "\n" if nl else text, stream.encoding, stream.errors or "strict"))
    binary.flush()


def _plain_binary_writer(stream):
    """The byte stream under `stream` when writing bytes to it gives exactly what
    click.echo(str) would: a UTF-8 text stream (TextIOWrapper) that is no terminal and
    translates no newline; None otherwise (a terminal, a Windows console, a StringIO,
    another encoding: click.echo then)."""
    if os.linesep != "\n" or not isinstance(stream, io.TextIOWrapper):
        return None
    encoding = (stream.encoding or "").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8"):
        return None
    try:
        if stream.isatty():
            return None
    except ValueError:  # closed: click.echo's own error
        return None
    return getattr(stream, "buffer", None)


def _error_line(message: str) -> None:
    _echo("Error: " + " ".join(message.split()), err=True)  # exactly one line


def main(argv: list[str] | None = None) -> None:
    """The console entry point: Ctrl-C at any moment is "Interrupted." and exit 130 (an
    archive write finishes or undoes itself first: interrupts.py), never a traceback."""
    import threading

    from . import interrupts

    if threading.current_thread() is threading.main_thread():
        interrupts.install()
    try:
        _main(argv)
    except KeyboardInterrupt as exc:  # _main turns click's Abort-from-Ctrl-C back into this
        _interrupted(exc)


def _interrupted(exc: KeyboardInterrupt) -> None:
    import signal

    from . import interrupts

    with contextlib.suppress(ValueError):  # not the main thread (a test runner): nothing to ignore
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the exit short
    with contextlib.suppress(Exception):
        _echo(f"Interrupted: {exc}" if str(exc) else "Interrupted.", err=True)
        sys.stdout.flush()
    sys.exit(interrupts.EXIT_CODE)


def _main(argv: list[str] | None) -> None:
    try:
        cli.main(args=argv, prog_name="policydiff", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__ from None
        _echo("Aborted.", err=True)
        sys.exit(1)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `policydiff`: the help text
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        # A usage mistake is one line too (not click's Usage/Try/Error block): what is wrong
        # and where the help is.
        command = exc.ctx.command_path if exc.ctx is not None else "policydiff"
        _error_line(f"{exc.format_message()} (see `{command} --help`)")
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        _error_line(exc.format_message())
        sys.exit(exc.exit_code)
    except PolicyDiffError as exc:
        _error_line(str(exc))
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except UnicodeEncodeError:
        # Output for a terminal whose encoding has no Chinese characters (latin-1, ascii).
        encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("_", "-")
        if encoding.startswith("utf"):
            raise  # not the terminal's fault: a bug, keep its traceback
        _error_line(f"the output's encoding ({encoding}) cannot show this text: use a UTF-8 locale "
                    "(e.g. LANG=C.UTF-8) or set PYTHONIOENCODING=utf-8")
        sys.exit(PolicyDiffError.exit_code)
    except OSError as exc:
        # The file system refused (permissions, a file where a folder must be, a full
        # disk, ...): the user's environment, not a bug, so one line naming the path.
        where = f"{exc.filename}: " if exc.filename else ""
        _error_line(f"{where}{exc.strerror or exc}; check the path and its permissions")
        sys.exit(PolicyDiffError.exit_code)
    except SystemExit:
        raise
    else:
        sys.exit(0)
