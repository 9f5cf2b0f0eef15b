"""Regenerate the shipped reports/: `python -m policydiff.tools.regenerate_reports`.

For every work in the archive (default: the one `policydiff` finds, i.e. versions/ at the
top of the work tree) and every pair of consecutive versions in its timeline, write the
HTML, Markdown and JSON reports at their default paths (reports/<work>/<old>__<new>.*),
then reports/index.html. A pair where one side has no text still gets its report: the one
that says measure-level comparison is impossible and shows the repeal relation.

Deterministic: run twice, get the same bytes (no clock unless SOURCE_DATE_EPOCH is set).
`make run` calls this. Options: --archive DIR, --format (repeatable), --lang.
"""

from __future__ import annotations

import argparse
import json
import sys

from .. import api
from ..errors import PolicyDiffError

FORMATS = ("html", "md", "json")


def consecutive_pairs(archive_option: str | None) -> list[tuple[str, str]]:
    """(old ref, new ref) for consecutive versions of every work, in list order."""
    listing = json.loads(api.list_works(api.locate_archive(archive_option), fmt="json"))
    pairs = []
    for work in listing["works"]:
        refs = [v["ref"] for v in work["versions"]]
        pairs.extend(zip(refs, refs[1:]))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policydiff.tools.regenerate_reports",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", default=None, help="archive folder (default: as policydiff finds it)")
    parser.add_argument("--format", dest="formats", action="append", choices=FORMATS,
                        help="report format(s) to write (default: all of html, md, json)")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    args = parser.parse_args(argv)
    try:
        pairs = consecutive_pairs(args.archive)
        if not pairs:
            from pathlib import Path

            from ..report_files import REPORTS_DIR, work_tree_top
            from ..reports_index import write_index

            print("No work has two versions: no report to write.", file=sys.stderr)
            print(write_index(work_tree_top(Path.cwd()) / REPORTS_DIR))
        for old_ref, new_ref in pairs:
            for fmt in args.formats or FORMATS:
                print(api.report(args.archive, old_ref, new_ref, fmt=fmt, lang=args.lang))
    except PolicyDiffError as exc:
        print(f"Error: {' '.join(str(exc).split())}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
