"""The verb behind `policydiff citations` (imperative shell): load both sides (archived
refs or plain files), compare them, check the citations (functional core:
`policydiff.citations`) and, with --archive-wide, read every other archived document.
"""

from __future__ import annotations

from .errors import BadInputError

FORMATS = ("text", "json", "csv")


def citation_report(archive_option: str | None, old_ref: str, new_ref: str, *, archive_wide: bool = False,
                    all_versions: bool = False):
    from . import api
    from .citations import check_revision

    comparison = api.compare_refs(archive_option, old_ref, new_ref)
    report = check_revision(comparison)
    if archive_wide or all_versions:
        from .citations import external_impact

        others = _other_versions(archive_option, comparison, all_versions=all_versions)
        report = external_impact(report, others, scope="all" if all_versions else "latest",
                                 works=_work_names(archive_option), earlier=_earlier_versions(archive_option, comparison),
                                 compare_versions=_compare)
    return report


def archive_impact(archive_option: str | None, comparison):
    """The citation report of an archived revision with the impact on the latest versions
    of the other archived documents (for the HTML report's 引用影响 section); None when
    the two sides cannot be compared or are not both archived versions of one work."""
    from .citations import check_revision, external_impact
    from .errors import PolicyDiffError
    from .render.view import comparable

    if not comparable(comparison) or comparison.old.work is None or comparison.old.work != comparison.new.work:
        return None
    try:
        others = _other_versions(archive_option, comparison, all_versions=False)
        works = _work_names(archive_option)
    except PolicyDiffError:
        return None  # no archive to read: the report checks the internal citations only
    return external_impact(check_revision(comparison), others, scope="latest", works=works,
                           earlier=_earlier_versions(archive_option, comparison), compare_versions=_compare)


def render(report, fmt: str) -> str:
    from .render.citations import citations_csv, citations_json, citations_text

    if fmt == "json":
        return citations_json(report)
    if fmt == "csv":
        return citations_csv(report)
    if fmt == "text":
        return citations_text(report)
    raise BadInputError(f"unknown citations format {fmt!r}: use text, json or csv")


def citations(archive_option: str | None, old_ref: str, new_ref: str, fmt: str = "text", *,
              archive_wide: bool = False, all_versions: bool = False) -> str:
    if fmt not in FORMATS:
        raise BadInputError(f"unknown citations format {fmt!r}: use text, json or csv")
    report = citation_report(archive_option, old_ref, new_ref, archive_wide=archive_wide,
                             all_versions=all_versions)
    return render(report, fmt)


def _open_store(archive_option: str | None):
    from . import archive

    directory = archive.locate(archive_option)
    return archive.open_archive(directory)


def _other_versions(archive_option: str | None, comparison, *, all_versions: bool):
    """Every archived version with text except the revised work's, parsed: the latest of
    each work, or all of them."""
    from .errors import ArchiveError

    revised = comparison.new.work or comparison.old.work
    if revised is None:
        raise BadInputError("--archive-wide needs archived refs (WORK@VERSION), not plain files: "
                            "add both versions with `policydiff add` first")
    try:
        store = _open_store(archive_option)
    except ArchiveError as exc:
        raise BadInputError(f"--archive-wide needs an archive: {exc}") from None
    out = []
    for work in store.works():
        if work == revised:
            continue
        versions = [v for v in store.versions(work, document=True, commit=False) if v.has_text and v.document]
        if not versions:
            continue
        out.extend(versions if all_versions else versions[-1:])
    return out


def _earlier_versions(archive_option: str | None, comparison):
    """The revised work's archived versions before the old one, in version order (texts
    parsed): a document citing an older numbering is followed through them."""
    old = comparison.old
    if old.work is None or old.work != comparison.new.work:
        return ()
    store = _open_store(archive_option)
    versions = store.versions(old.work, document=True, commit=False)
    refs = [v.ref for v in versions]
    if old.ref not in refs:
        return ()
    return tuple(versions[:refs.index(old.ref)])


def _compare(old, new):
    from .compare import compare

    return compare(old, new)


def _work_names(archive_option: str | None):
    """{work: (titles and aliases)} of every archived work, for resolving cited names."""
    store = _open_store(archive_option)
    names = {}
    for work in store.works():
        info = store.work_info(work)
        titles = [info.get("title")] + list(info.get("aliases") or [])
        titles += [v.meta.title for v in store.versions(work, document=False, commit=False)]
        names[work] = tuple(t for t in titles if t)
    return names
