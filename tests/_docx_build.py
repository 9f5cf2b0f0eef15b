"""Build small fictional DOCX packages for tests (zipfile + hand-written WordprocessingML).

Every text here is fictional (「示例市……（测试用虚构文本）」). Helpers produce the XML of
paragraphs, numbered paragraphs, tables, tracked changes and notes; `docx_bytes` packs a
body with optional numbering.xml, styles.xml, footnotes.xml and header/footer parts.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def run(text: str, *, hidden: bool = False, bold: bool = False) -> str:
    props = ("<w:vanish/>" if hidden else "") + ("<w:b/>" if bold else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*runs: str, num: tuple[int, int] | None = None, style: str | None = None,
         center: bool = False, mark_deleted: bool = False, indent: bool = False) -> str:
    """A paragraph of run XML (str items that are not XML become runs)."""
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if indent:  # the usual first-line indent of two characters
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="480"/>'
    if center:
        ppr += '<w:jc w:val="center"/>'
    if mark_deleted:
        ppr += '<w:rPr><w:del w:id="90" w:author="t" w:date="2024-01-01T00:00:00Z"/></w:rPr>'
    body = "".join(r if r.startswith("<") else run(r) for r in runs)
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{body}</w:p>"


def ins(text: str, ident: int = 1) -> str:
    return f'<w:ins w:id="{ident}" w:author="t" w:date="2024-01-01T00:00:00Z">{run(text)}</w:ins>'


def deleted(text: str, ident: int = 2) -> str:
    return (f'<w:del w:id="{ident}" w:author="t" w:date="2024-01-01T00:00:00Z"><w:r>'
            f'<w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>')


def footnote_ref(ident: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{ident}"/></w:r>'


def field(instruction: str, result: str) -> str:
    """A complex field: its instruction is not printed, its result is."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'{run(result)}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def table(rows: list[list[str]]) -> str:
    trs = "".join("<w:tr>" + "".join(f"<w:tc>{para(cell)}</w:tc>" for cell in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/>{trs}</w:tbl>"


def level(ilvl: int, fmt: str, text: str, start: int = 1, suffix: str | None = None,
          restart: int | None = None, legal: bool = False, style: str | None = None) -> str:
    extra = f'<w:suff w:val="{suffix}"/>' if suffix else ""
    extra += f'<w:lvlRestart w:val="{restart}"/>' if restart is not None else ""
    extra += "<w:isLgl/>" if legal else ""
    extra += f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/></w:lvl>')


def numbering(abstracts: dict[int, list[str]], nums: dict[int, int],
              overrides: dict[int, str] | None = None) -> str:
    """numbering.xml: abstractNumId -> its level XMLs; numId -> abstractNumId;
    numId -> extra lvlOverride XML."""
    parts = [f'<w:abstractNum w:abstractNumId="{a}">{"".join(levels)}</w:abstractNum>'
             for a, levels in abstracts.items()]
    for num_id, abstract in nums.items():
        extra = (overrides or {}).get(num_id, "")
        parts.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{extra}</w:num>')
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W_NS}">{"".join(parts)}</w:numbering>'


def start_override(ilvl: int, start: int) -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


def styles(paragraph_styles: dict[str, tuple[int, int] | None], based_on: dict[str, str] | None = None) -> str:
    """styles.xml: style id -> (numId, ilvl) numbering of the style (or None)."""
    parts = []
    for style_id, num in paragraph_styles.items():
        ppr = (f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>'
               if num else "")
        base = f'<w:basedOn w:val="{(based_on or {})[style_id]}"/>' if style_id in (based_on or {}) else ""
        parts.append(f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{style_id}"/>{base}{ppr}</w:style>')
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W_NS}">{"".join(parts)}</w:styles>'


def footnotes(notes: dict[int, str]) -> str:
    parts = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>']
    parts += [f'<w:footnote w:id="{i}">{para(text)}</w:footnote>' for i, text in notes.items()]
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">{"".join(parts)}</w:footnotes>'


def header_footer(kind: str, *paragraphs: str) -> str:
    tag = "hdr" if kind == "header" else "ftr"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:{tag} xmlns:w="{W_NS}" xmlns:r="{R_NS}">{"".join(paragraphs)}</w:{tag}>')


def page_number_footer(before: str = "－ ", after: str = " －") -> str:
    """A footer paragraph printing the page number between two strings (「－ 5 －」)."""
    return para(run(before), field("PAGE", "1"), run(after), center=True)


def docx_bytes(body: str, *, numbering_xml: str | None = None, styles_xml: str | None = None,
               footnotes_xml: str | None = None, header_xml: str | None = None,
               footer_xml: str | None = None, page_size: tuple[int, int] | None = None) -> bytes:
    """A complete DOCX package whose body is `body` (paragraph/table XML)."""
    rels = [("rId1", "styles", "styles.xml")] if styles_xml else []
    overrides = ['<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>']
    parts: dict[str, str] = {}
    for rid, kind, name, xml, ctype in (
        ("rId1", "styles", "styles.xml", styles_xml, "styles"),
        ("rId2", "numbering", "numbering.xml", numbering_xml, "numbering"),
        ("rId3", "footnotes", "footnotes.xml", footnotes_xml, "footnotes"),
        ("rId4", "header", "header1.xml", header_xml, "header"),
        ("rId5", "footer", "footer1.xml", footer_xml, "footer"),
    ):
        if xml is None:
            continue
        parts[f"word/{name}"] = xml
        if (rid, kind, name) not in rels:
            rels.append((rid, kind, name))
        overrides.append(f'<Override PartName="/word/{name}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{ctype}+xml"/>')
    sect = ""
    if header_xml:
        sect += '<w:headerReference w:type="default" r:id="rId4"/>'
    if footer_xml:
        sect += '<w:footerReference w:type="default" r:id="rId5"/>'
    width, height = page_size or (11906, 16838)  # A4 in twentieths of a point
    sect += (f'<w:pgSz w:w="{width}" w:h="{height}"/>'
             '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}<w:sectPr>{sect}</w:sectPr></w:body></w:document>')
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>")
    package_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{REL_BASE}/officeDocument" Target="word/document.xml"/></Relationships>')
    document_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     + "".join(f'<Relationship Id="{rid}" Type="{REL_BASE}/{kind}" Target="{name}"/>' for rid, kind, name in rels)
                     + "</Relationships>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (("[Content_Types].xml", content_types), ("_rels/.rels", package_rels),
                           ("word/document.xml", document), ("word/_rels/document.xml.rels", document_rels),
                           *parts.items()):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))  # same bytes every run
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# --------------------------------------------------------------------------- a long fictional rule

_CN = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..999 as a Chinese article number (十一, 二十, 一百零五)."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    out = (_CN[hundreds] + "百") if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_CN[ones] if ones else "")


_CLAUSES = (
    "示例市各有关部门应当按照职责分工做好测试事项的组织实施工作",
    "申请人应当如实提交申请材料并对材料的真实性负责",
    "受理机关应当自收到申请之日起十五个工作日内作出决定",
    "对不符合条件的申请应当书面告知申请人并说明理由",
    "相关费用按照示例市有关规定执行并向社会公布",
    "监督检查中发现的问题应当及时整改并将整改情况报送主管部门",
)


def fictional_rule_paragraphs(articles: int, items_every: int = 4) -> list[tuple[str, str]]:
    """(kind, text) paragraphs of a long fictional rule: a centred title, chapters, articles
    of one to three long sentences, and numbered items under every `items_every`-th
    article. kind is "title", "chapter", "article" or "item". Deterministic."""
    out: list[tuple[str, str]] = [("title", "示例市测试事项管理办法（测试用虚构文本）")]
    for n in range(1, articles + 1):
        if n % 20 == 1:
            out.append(("chapter", f"第{cn_number(n // 20 + 1)}章　第{n // 20 + 1}部分规定"))
        sentences = 1 + n % 3
        body = "，".join(_CLAUSES[(n + k) % len(_CLAUSES)] for k in range(sentences + 1))
        if n % items_every == 0:
            out.append(("article", f"第{cn_number(n)}条　有下列情形之一的，{_CLAUSES[n % 6]}："))
            for k in range(1, 3 + n % 2):
                out.append(("item", f"（{cn_number(k)}）{_CLAUSES[(n + k) % 6]}，具体办法另行制定；"))
        else:
            out.append(("article", f"第{cn_number(n)}条　{body}。"))
    return out


def fictional_rule_docx(articles: int, *, indent: bool = True, running_header: bool = True) -> bytes:
    """The fictional rule as a DOCX: title centred, body paragraphs with a first-line indent
    (or none), a running header and a 「－ N －」 page-number footer."""
    body = "".join(para(text, center=kind in ("title", "chapter"), indent=indent and kind in ("article", "item"))
                   for kind, text in fictional_rule_paragraphs(articles))
    header = header_footer("header", para("示例市人民政府规章汇编（测试用页眉）", center=True)) if running_header else None
    return docx_bytes(body, header_xml=header, footer_xml=header_footer("footer", page_number_footer()))
