"""Web-page chrome: find the document body between the header and the footer chrome.

A page dump (text copied from a browser, or text extracted from HTML) wraps the document
in site chrome: breadcrumbs, a page headline, 发布时间/来源/字号 lines above it; hotlines,
e-mail, addresses, app/WeChat lines, copyright and ICP lines below it. Lines are *not*
deleted anywhere by keyword (a policy may mention 地址 or 微信): the header is the top
run of lines that ends with the last header marker before the first line of prose, and
the footer is the bottom run that starts with the first footer marker after the last line
of prose. Everything between is the body, untouched.

Rejected approach: deleting every line that matches a chrome keyword. It deletes
evidence (「联系地址：」 inside a notice, a measure on 微信 services).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policydiff.ingest import patterns as P

# White space a page puts inside a field label to spread it over a table cell
# (「文　　号：」「索 引 号：」「名\u00a0\u00a0称：」).
_LABEL_SPACE = "[ \\t\u3000\u00a0]*"


def spaced(names: str) -> str:
    """A regex alternation of field names (「发文字号|文号」) that also matches each name with
    white space between its characters (「文　　号」), as metadata tables print them."""
    return "|".join(_LABEL_SPACE.join(re.escape(ch) for ch in name) for name in names.split("|"))


# Page tools, alone or several on one line, bare or bracketed: 「打印 关闭」「[收藏] [打印] [关闭]」
# 「【打印本页】【关闭窗口】」「背景色：」. A line of these words only is never policy text.
_TOOL = (r"打印本页|打印|关闭窗口|关闭|收藏本页|收藏|推荐|分享|返回顶部|返回|纠错|保存|"
         r"大|中|小|字号|字体|背景色|默认|繁体|简体")
_PAGE_TOOLS = rf"(?:[\[【(（|｜\s]*(?:{_TOOL})[\]】)）|｜\s:：]*){{1,12}}"

# A bracketed field label at a line start, as legal databases print a document's facts:
# 「【法规标题】示例条例」「【发文字号】示例令第1号」「【实施日期】2031.01.01」.
BRACKET_FIELD = P.GuardedPattern(r"^\s*【(?P<key>[\u4e00-\u9fff]{2,6})】\s*(?P<value>.*)$", (("【",), ("】",)))

# Labels of page data (publication facts, a disclosure table's cells).
_HEADER_LABELS = spaced(
    "发布时间|发布日期|发文日期|更新时间|时间|日期|来源|信息来源|文章来源|稿源|作者|编辑|责任编辑|"
    "浏览次数|阅读次数|点击数|访问量|浏览量|点击量|索引号|主题分类|发文机关|成文日期|发文字号|标题|"
    "主题词|有效性|信息分类|公开方式|公开范围|所属机构|名称|文号|发布机构|内容概述|生效日期|实施日期|"
    "施行日期|废止日期|体裁分类|组配分类|服务对象|背景色")

# Header lines: breadcrumbs, publication data and page tools. The marker patterns are
# compiled at first use (P.LazyPattern): a Markdown input never asks for them.
_HEADER_MARKER = P.LazyPattern(
    r"^(?:[•·▪►»>|/\\\-–—]+\s*\S{0,12}"  # a breadcrumb item: 「• 产业资讯」「• /」
    r"|[/>»|]"
    r"|首页(?:\s*[>＞/»|].*)?"
    r"|.*(?:当前位置|您的位置|您现在的位置|所在位置)\s*[:：].*"
    r"|.{0,30}\s[>＞»]\s.{0,60}"  # 首页 > 政策 > 正文
    rf"|[【\[]?\s*(?:{_HEADER_LABELS})\s*[:：].*"  # 「【发布时间：…】【来源：…】」 too
    r"|【[\u4e00-\u9fff]{2,6}】.*"  # a bracketed field label (BRACKET_FIELD)
    r"|[^|｜]{1,12}(?:[|｜][^|｜]{1,12}){2,}"  # a bar of links: 「首页 | 机构职能 | 政策法规」
    rf"|{_PAGE_TOOLS}"
    r"|.*(?:浏览次数|阅读次数|点击数|访问量|浏览量)\s*[:：]?\s*\d*.*"
    r"|.{0,4}【?\s*(?:字号|字体)\s*[:：]?\s*[大中小\s]*】?.*"
    r"|【?\s*大\s*中\s*小\s*】?"
    r"|详情页|正文|详情|信息公开|政策文件|政策法规|通知公告|政务公开"
    r"|\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s+\d{1,2}:\d{2}.*"  # a web time stamp
    r"|.*分享\s*[:：到].*"
    r"|.*(?:打印本页|【打印】|分享到|扫一扫|收藏本页|加入收藏|关闭窗口|【关闭】|返回顶部).*"
    # page tools and site links: download, read aloud, bookmark, the disclosure mode
    r"|下载地址\s*[:：].*|.*点击此处下载.*|(?:收藏本站|设为首页|热门站点)\s*[|｜].*"
    r"|【?(?:朗读|语音播报|主动公开|依申请公开|不予公开)】?"
    # the value of a 索引号 on its own line: 11330700MB10327095/2024-00144, HHCR-2023-01005
    r"|[0-9A-Z]{2,24}[-/](?:19|20)\d\d-\d{3,8}"
    r"|\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # a web date, alone on its line
    r")$",
    re.IGNORECASE,
)

# Footer lines: contact data, apps, copyright, registration numbers and page tools.
_FOOTER_MARKER = P.LazyPattern(
    r"^(?:(?:服务热线|咨询热线|热线电话|联系电话|咨询电话|电话|传真|邮编|邮政编码|"
    r"电子邮箱|电子邮件|邮箱|e-?mail|联系地址|地址|通讯地址|网址)\s*[:：].*"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:https?://|www\.)\S+"
    r"|.{0,12}(?:微信|公众号|小程序|服务号|订阅号|微博|客户端|APP|Android|iOS|iPhone|抖音|头条号).{0,8}"
    r"|.*(?:copyright|©|\(c\)\s*(?:19|20)\d\d|版权所有|all rights reserved|ICP|公网安备|网站标识码|主办单位|承办单位|"
    r"主办\s*[:：]|承办\s*[:：]|技术支持|运维单位|网站地图|联系我们|关于我们|网站声明|隐私政策|使用帮助|"
    r"无障碍|长辈版|我要纠错|网站纠错|本网站|本站).*"
    r"|.*(?:打印本页|【打印】|分享到|扫一扫|收藏本页|加入收藏|关闭窗口|【关闭】|返回顶部).*"
    rf"|{_PAGE_TOOLS}"
    # navigation and related-content blocks: only as the start of a line
    r"|[【\[•·]?\s*(?:相关链接|相关文件|相关阅读|相关新闻|相关信息|相关文档|相关附件|延伸阅读|上一篇|"
    r"下一篇|一图读懂|图解|网站导航|[\u4e00-\u9fff]{0,4}解读)[】\]]?(?:\s*[:：].*|.{0,30})"
    r"|登录|注册"
    r")$",
    re.IGNORECASE,
)

# Style sheet and script text left in a page dump (「img#imgConac {」「 height: 55px;」
# 「$('#share-1').share();」): ASCII-only lines shaped like code. A policy line always holds
# Chinese text, so such a line is never body text.
_CODE = P.LazyPattern(
    r"^[\x20-\x7e]*(?:[{}]|\$\(|\);\s*$)[\x20-\x7e]*$"
    # a declaration 「height: 55px;」 (CSS property names only: an English policy's
    # 「fee: the amount charged;」 is text)
    r"|^\s*(?:[a-z]+-[a-z-]+|height|width|color|margin|padding|font|display|border|background|float|"
    r"position|top|left|right|bottom|cursor|overflow|opacity|content)\s*:\s*[\x20-\x7e]{1,60};\s*$"
)

# Chrome lines are short; a longer line is never treated as a marker. Unit: characters
# of the stripped line; range 20..200.
MARKER_MAX = 80
# The header is looked for in the first lines only (the scan also stops at the first line
# of prose). Unit: lines; range 5..300. A site's left-hand menu alone runs to 30-60 links
# (a saved 重庆 page has 40 header lines); 40 cut such a header short.
HEADER_SCAN_MAX = 150

# Page fields, possibly several on one line (「发文机关： 国务院  成文日期： 2024年01月01日」),
# their labels possibly spread out with white space (「文　　号：」「名 称：」).
_FIELD_NAMES = ("发布时间|发布日期|发文日期|发文字号|文号|成文日期|发文机关|发布机构|标题|名称|来源|信息来源|"
                "索引号|主题分类|主题词|浏览次数|阅读次数|作者|编辑|责任编辑|有效性|生效日期|实施日期|施行日期")
_FIELD_KEY = P.LazyPattern(rf"(?P<key>{spaced(_FIELD_NAMES)})\s*[:：]\s*")
# A page field name alone on its line (optionally after a bullet), its value on the next.
_BARE_KEY = P.LazyPattern(rf"^[•·▪\-*]?\s*(?P<key>{spaced(_FIELD_NAMES)})\s*[:：]$")
# Field names as kept in Chrome.fields: 发布日期/发文日期 are the page's publication date,
# 名称 is the title, 发布机构 the issuer, 实施日期/生效日期 the date of 施行.
_FIELD_NAME = {"发布日期": "发布时间", "发文日期": "发布时间", "名称": "标题", "发布机构": "发文机关",
               "文号": "发文字号", "生效日期": "施行日期", "实施日期": "施行日期"}
# Bracketed labels of a legal database (BRACKET_FIELD) name the document's own facts:
# there 发布日期 is its promulgation, not a page's posting date.
_BRACKET_FIELD_NAME = {"法规标题": "标题", "标题": "标题", "名称": "标题", "发文字号": "发文字号",
                       "文号": "发文字号", "发布部门": "发文机关", "发文机关": "发文机关", "制定机关": "发文机关",
                       "发布日期": "公布日期", "公布日期": "公布日期", "成文日期": "成文日期",
                       "实施日期": "施行日期", "施行日期": "施行日期", "生效日期": "施行日期"}


def _field_name(key: str) -> str:
    key = re.sub(r"\s", "", key)
    return _FIELD_NAME.get(key, key)


def _fields(line: str) -> dict[str, str]:
    bracketed = BRACKET_FIELD.match(P.fold(line))
    if bracketed:
        name = _BRACKET_FIELD_NAME.get(bracketed["key"])
        value = line[bracketed.start("value"):].strip()
        return {name: value} if name and value else {}
    # Keys are found in the folded line (發布時間 is 发布时间); values are sliced from the
    # line itself at the same positions.
    keys = list(_FIELD_KEY.finditer(P.fold(line)))
    if not keys or line[:keys[0].start()].strip(" \t\u3000\u00a0【[|"):
        return {}
    found: dict[str, str] = {}
    for key, following in zip(keys, keys[1:] + [None]):
        # a field may be set in brackets: 「【发布时间：2031-01-01】 【来源：示例网】」
        value = line[key.end():following.start() if following else len(line)].strip(" \t\u3000\u00a0【】[]|")
        if value:
            found.setdefault(_field_name(key["key"]), value)
    return found


@dataclass(frozen=True)
class Chrome:
    """What was cut off a page, and the page facts found in it."""

    header: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    headline: str | None = None  # the page headline line, when the header had one
    fields: dict[str, str] = field(default_factory=dict)  # 发布时间, 发文字号, 成文日期 ...


_PAGE_TOOLS_LINE = P.LazyPattern(rf"^{_PAGE_TOOLS}$")


def is_page_tools(line: str) -> bool:
    """A line of page tools only (「打印 关闭」「[收藏] [打印] [关闭]」)."""
    body = P.bare(P.fold(line))
    return bool(body) and len(body) <= MARKER_MAX and bool(_PAGE_TOOLS_LINE.match(body))


def is_header_marker(line: str) -> bool:
    body = P.fold(line.strip())
    return len(body) <= MARKER_MAX and bool(_HEADER_MARKER.match(body))


def is_footer_marker(line: str) -> bool:
    body = P.fold(line.strip())
    return bool(_CODE.match(body)) or len(body) <= MARKER_MAX and bool(_FOOTER_MARKER.match(body))


def _is_prose(line: str) -> bool:
    """A line that only the document body has: a sentence, a salutation, a numbered
    line, a signature date."""
    body = line.strip()
    if _CODE.match(body):
        return False
    return (
        P.is_sentence(body)
        or body.endswith((":", "：")) and not is_header_marker(body) and not is_footer_marker(body)
        or P.is_structure(body)
        or P.is_date_only(body)
    )


# A short label that ends with a colon and heads a list of links (「热点关注：」「今天是：」):
# page chrome, not a salutation (「各单位：」 starts with 各; a salutation names several
# addressees with 、 or ，). Unit of the cap: characters; range 4..10.
LINK_LABEL_MAX = 6
_LINK_LABEL = P.LazyPattern(rf"^(?!各)[^、，,]{{1,{LINK_LABEL_MAX - 1}}}[:：]$")


def _header_end(lines: list[str]) -> int:
    end = 0
    for index, line in enumerate(lines[:HEADER_SCAN_MAX]):
        if is_header_marker(line):
            end = index + 1
        elif _is_prose(line) and not _LINK_LABEL.match(P.fold(line.strip())) \
                or len(line.strip()) > MARKER_MAX:
            break
    return end


# Contact lines alone do not make a footer: a notice may end with its own 联系电话.
_CONTACT = P.LazyPattern(
    r"^(?:服务热线|咨询热线|热线电话|联系电话|咨询电话|电话|传真|邮编|邮政编码|电子邮箱|电子邮件|"
    r"邮箱|e-?mail|联系地址|地址|通讯地址)\s*[:：]",
    re.IGNORECASE,
)


def _footer_start(lines: list[str], floor: int) -> int:
    """Start of the footer: the topmost footer marker below the last line of prose,
    provided the run holds at least one marker that is not a contact line."""
    start = len(lines)
    site_chrome = False
    for index in range(len(lines) - 1, floor - 1, -1):
        line = lines[index]
        if is_footer_marker(line):
            start = index
            site_chrome = site_chrome or not _CONTACT.match(P.fold(line.strip()))
        elif _is_prose(line):
            break
    return start if site_chrome else len(lines)


def split_chrome(lines: list[str]) -> tuple[list[str], Chrome]:
    """(body lines, chrome) of a page's lines; a text without chrome comes back whole."""
    header_end = _header_end(lines)
    footer_start = _footer_start(lines, header_end)
    header, body, footer = lines[:header_end], lines[header_end:footer_start], lines[footer_start:]
    fields: dict[str, str] = {}
    headline = None
    waiting: str | None = None  # a field whose value stands on the next line
    for line in header:
        body_line = line.strip()
        bare_key = _BARE_KEY.match(P.fold(body_line))
        if bare_key:
            # 「• 发文字号:」 with its value on the next line (a list of page fields).
            waiting = _field_name(bare_key["key"])
            continue
        found = _fields(body_line)
        if waiting is not None and not found and body_line:
            fields.setdefault(waiting, body_line)
            waiting = None
            continue
        waiting = None
        for key, value in found.items():
            fields.setdefault(key, value)
        if found:
            continue
        if not is_header_marker(line) and (headline is None or P.ends_title(body_line)
                                           or not P.ends_title(headline)):
            # An unmarked line among the page data: the page headline. The last one that
            # ends like a title: navigation links that happen to end like one (「水利规划」
            # 「政策法规」) stand above the headline, an issuer or site line below it does
            # not end like a title. (Rejected: the first such line, which took a left-hand
            # navigation link for the headline.)
            headline = body_line
    return body, Chrome(tuple(header), tuple(footer), headline, fields)

