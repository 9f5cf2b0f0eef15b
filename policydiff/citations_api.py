"""What `policydiff citations` and the HTML report's 引用影响 section read from the archive
(imperative shell): `api.citations` loads and compares both sides, then these functions
check the citations (functional core: `policydiff.citations`, `policydiff.citations_check`) and, with --archive-wide,
read every other archived document. They take the archive the caller opened (never
`api`: no import circle).
"""

from __future__ import annotations

from .errors import BadInputError

FORMATS = ("text", "json", "csv")


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise BadInputError(f"unknown citations format {fmt!r}: use text, json or csv")


def citation_report(store, comparison, *, archive_wide: bool = False, all_versions: bool = False):
    """The citations of `comparison`'s revision; with archive_wide, also those of the
    other archived documents (`store`: the archive, or api.NoArchive / None)."""
    from .citations_check import check_revision

    report = check_revision(comparison)
    if archive_wide or all_versions:
        from .citations_check import external_impact

        others = _other_versions(store, comparison, all_versions=all_versions)
        report = external_impact(report, others, scope="all" if all_versions else "latest",
                                 works=_work_names(store), earlier=_earlier_versions(store, comparison),
                                 compare_versions=_compare)
    return report


def archive_impact(store, comparison):
    """The citation report of an archived revision with the impact on the latest versions
    of the other archived documents (for the HTML report's 引用影响 section); None when
    the two sides cannot be compared, are not both archived versions of one work, or there
    is no archive to read (the report then checks the internal citations only)."""
    from .citations_check import check_revision, external_impact

    if not comparison.comparable or comparison.old.work is None or comparison.old.work != comparison.new.work:
        return None
    if not _is_archive(store):
        return None  # no archive to read: the report checks the internal citations only
    others = _other_versions(store, comparison, all_versions=False)
    return external_impact(check_revision(comparison), others, scope="latest", works=_work_names(store),
                           earlier=_earlier_versions(store, comparison), compare_versions=_compare)


def render(report, fmt: str, lang: str = "zh") -> str:
    """The report as `fmt`; `lang` words the text and the CSV's reason_text (JSON is the
    same in every language: codes, and the contract's English `reason`)."""
    from .render.citations import citations_csv, citations_json, citations_text
    from .render.labels import check_lang

    check_format(fmt)
    check_lang(lang)
    if fmt == "json":
        return citations_json(report)
    if fmt == "csv":
        return citations_csv(report, lang)
    return citations_text(report, lang)


def _is_archive(store) -> bool:
    from .archive import Archive

    return isinstance(store, Archive)


def _other_versions(store, comparison, *, all_versions: bool):
    """Every archived version with text except the revised work's, parsed: the latest of
    each work, or all of them."""
    revised = comparison.new.work or comparison.old.work
    if revised is None:
        raise BadInputError("--archive-wide needs archived refs (WORK@VERSION), not plain files: "
                            "add both versions with `policydiff add` first")
    if not _is_archive(store):
        reason = getattr(store, "reason", None) or "no archive"
        raise BadInputError(f"--archive-wide needs an archive: {reason}")
    out = []
    for work in store.works():
        if work == revised:
            continue
        versions = [v for v in store.versions(work, document=True, commit=False) if v.has_text and v.document]
        if not versions:
            continue
        out.extend(versions if all_versions else versions[-1:])
    return out


def _earlier_versions(store, comparison):
    """The revised work's archived versions before the old one, in version order (texts
    parsed): a document citing an older numbering is followed through them."""
    old = comparison.old
    if old.work is None or old.work != comparison.new.work or not _is_archive(store):
        return ()
    versions = store.versions(old.work, document=True, commit=False)
    refs = [v.ref for v in versions]
    if old.ref not in refs:
        return ()
    return tuple(versions[:refs.index(old.ref)])


def _compare(old, new):
    from .compare import compare

    return compare(old, new)


def _work_names(store):
    """{work: (titles and aliases)} of every archived work, for resolving cited names."""
    names = {}
    for work in store.works():
        info = store.work_info(work)
        titles = [info.get("title")] + list(info.get("aliases") or [])
        titles += [v.meta.title for v in store.versions(work, document=False, commit=False)]
        names[work] = tuple(t for t in titles if t)
    return names
