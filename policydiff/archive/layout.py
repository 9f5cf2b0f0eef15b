"""Where things are in an archive folder (shared by store, transaction and verify)::

    <archive>/.gitignore                     ignores the two entries below
    <archive>/.policydiff.lock               filelock serialising writers (never committed)
    <archive>/.policydiff-txn/               an `add` in progress (never committed)
    <archive>/<work>/work.yaml               title, aliases, notes
    <archive>/<work>/<version>.md            front matter + structured body (`frontmatter`)
    <archive>/<work>/<version>.source.<ext>  the exact bytes that were imported
"""

DEFAULT_ARCHIVE_NAME = "versions"
LOCK_NAME = ".policydiff.lock"
TXN_NAME = ".policydiff-txn"
JOURNAL_NAME = "journal.json"
WORK_FILE = "work.yaml"
GITIGNORE_LINES = (LOCK_NAME, TXN_NAME + "/")
