"""Bytes -> str: byte-order marks, binary refusal, UTF-8 first, then CJK legacy encodings.

Order of detection (principled, cheapest and most certain first):

1. a byte-order mark: UTF-32 (LE/BE), UTF-8 (``utf-8-sig``), UTF-16 (LE/BE);
2. refusal of binary input: a known magic number (PDF, ZIP/OFD/DOCX, PNG, ...), NUL
   bytes, or too many C0 control bytes;
3. strict UTF-8 (the common case; legacy CJK byte strings are almost never valid UTF-8);
4. the legacy Chinese encodings GB18030 and Big5 (plus charset-normalizer's own guess):
   each candidate is decoded *strictly* and scored by how plausible the result is as
   Chinese text (`plausibility`: share of characters common in that encoding's family -
   GB2312 for GB18030, Big5 level 1 for Big5 - and of the most frequent hanzi, penalties
   for private-use, kana, box drawing ... that a wrong legacy decoding produces); ties go
   to GB18030.  charset-normalizer alone is not
   trusted for short texts: it can pick Big5 for a 10-character GBK string.
5. otherwise charset-normalizer's best guess over all encodings, if any.

Anything detected as GBK/GB2312/CP936 is decoded as GB18030, its superset (the seed holds
``•`` and ``©``, which GBK lacks).
"""

from __future__ import annotations

import codecs
import functools
import unicodedata

from policydiff.errors import BadInputError

# Magic numbers of formats that are not text, with what the user should do instead.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP container (DOCX, OFD, XLSX or ZIP)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (DOC/XLS)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"{\\rtf", "an RTF document"),
)

# Share of C0 control bytes (other than TAB, LF, VT, FF, CR, ESC) above which the input is
# treated as binary. Unit: fraction of the first _SNIFF_BYTES bytes; range 0..1.
# Real text has none; 0.02 leaves room for a stray control character or two.
_CONTROL_RATIO_MAX = 0.02
_SNIFF_BYTES = 65536
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
# Every byte that is not a control byte of binary data (one below 0x20 and not a text
# control): deleting them (bytes.translate, C) leaves the control bytes to be counted.
# A Python loop over the 64 KiB sniffed was ~2.5 ms of every file read (issue 14).
_NOT_BINARY_CONTROLS = bytes(byte for byte in range(256) if byte >= 0x20 or byte in _TEXT_CONTROLS)

# Legacy CJK encodings tried in this order when the bytes are not UTF-8. Big5 files written
# on Windows are CP950 (a superset with a few more characters); HKSCS adds more still.
_CJK_CANDIDATES = ("gb18030", "big5", "cp950", "big5hkscs")

# Names that mean "GB18030 or a subset of it": decoded as GB18030.
_GB_ALIASES = frozenset({"gb18030", "gbk", "gb2312", "cp936", "ms936", "euc_cn", "hz"})

# The most frequent Chinese characters (simplified, then the traditional forms that
# differ). A correct decoding of Chinese prose has roughly half or more of its ideographs
# here; a wrong legacy decoding (GBK read as Big5 or the reverse) yields characters spread
# almost uniformly over a few thousand code points, so ~10 % at most.
_COMMON_HANZI = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都"
    "两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
    "新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
    "已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知"
    "较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造"
    "百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白"
    "教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿"
    "千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
    "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该"
    "铁价严施措创园企支持促推服务财鼓励项目申请审核批准执罚款违责任依据规范监督"
    "這個國們時來會發動過說產種後學經進電裡實現兩體當點從業還開應於與關間樣數線變條沒結問題義無"
    "係軍員長頭資邊級圖統較將組見計別幾區強決戰則處隊給門導壓爭濟階極聯認權證轉單風帶場車務萬達"
    "積議聲報鬥類離華確張馬節話況溫傳許記織觀裝響約歷構稱準號維劃選標寫親養層專狀廠識適屬圓調滿"
    "縣參紅細聽該鐵價嚴創園勵項審罰違責範監督請"
)


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _is_suspicious(ch: str) -> bool:
    """Characters a wrong legacy-CJK decoding produces but Chinese policy text rarely has."""
    code = ord(ch)
    return (
        ch == "\ufffd"
        or unicodedata.category(ch) in ("Co", "Cn", "Cc") and ch not in "\t\n\r\x0b\x0c"
        or 0x3040 <= code <= 0x30FF  # kana
        or 0x0370 <= code <= 0x04FF  # Greek, Cyrillic
        or 0x2500 <= code <= 0x259F  # box drawing, blocks
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0x20000 <= code  # CJK extensions B+ (rare; GB18030 four-byte misreads land here)
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
    )


@functools.lru_cache(maxsize=65536)
def _common_in(ch: str, family: str) -> bool:
    """Is `ch` a common character of the encoding family it was decoded with?

    gb: encodable in GB2312 (the 7445 characters of everyday simplified text).
    big5: a Big5 symbol or a level-1 (常用字, lead bytes A4-C6) character.
    A wrong decoding lands on rare characters (GBK extensions, Big5 level 2) or on
    symbols that _is_suspicious catches.
    """
    if family == "gb":
        try:
            ch.encode("gb2312")
            return True
        except UnicodeEncodeError:
            # a traditional text saved as GBK/GB18030: common Big5 characters count too
            return _common_in(ch, "big5")
    try:
        encoded = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and (encoded[0] < 0xA4 or encoded[0] <= 0xC6)


# Characters scored per candidate decoding. Unit: characters; range 1000..1e6.
_SCORE_CHARS = 20000


def plausibility(text: str, encoding: str) -> float:
    """How plausible `text` is as Chinese decoded with `encoding`; higher is better.

    Per non-ASCII character: +1 when common in the encoding's family (see _common_in),
    +0.5 when among the most frequent hanzi, -3 when suspicious (kana, box drawing,
    private use ...); averaged. Range -3..1.5; correct decodings of policy text score
    above 1, wrong ones below 0.5. ASCII is ignored (it decodes alike everywhere).
    """
    family = "gb" if encoding == "gb18030" else "big5" if "big5" in encoding or encoding == "cp950" \
        else "other"
    non_ascii = [ch for ch in text[:_SCORE_CHARS] if ord(ch) > 0x7F]
    if not non_ascii:
        return 0.0
    total = 0.0
    for ch in non_ascii:
        if _is_suspicious(ch):
            total -= 3
            continue
        if family != "other" and _common_in(ch, family):
            total += 1
        if ch in _COMMON_HANZI:
            total += 0.5
    return total / len(non_ascii)


def canonical_encoding(name: str) -> str:
    """Python's codec name for `name`; GBK and its subsets become gb18030.

    >>> canonical_encoding("GBK"), canonical_encoding("UTF8"), canonical_encoding("Big5")
    ('gb18030', 'utf-8', 'big5')
    """
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a name with a NUL character
        info = None
    # bytes-to-bytes codecs (base64, rot13, zlib...) and the always-failing 'undefined' are
    # Python codecs but no text encodings
    if info is None or not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        what = "unknown encoding" if info is None else "not a text encoding:"
        raise BadInputError(
            f"{what} {name!r}; use a name such as utf-8, gb18030, big5 or utf-16"
        )
    codec = info.name
    return "gb18030" if codec.replace("-", "_") in _GB_ALIASES else codec


def _refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BadInputError(
                f"input is {what}, not text; extract its text first and add that as a "
                ".txt, .html or .md file"
            )
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise BadInputError(
            "input contains NUL bytes and looks binary; give a text, HTML or Markdown file "
            "(if it is UTF-16 without a byte-order mark, pass --encoding utf-16-le)"
        )
    controls = len(head.translate(None, _NOT_BINARY_CONTROLS))
    if controls > _CONTROL_RATIO_MAX * len(head):
        raise BadInputError(
            f"input has {controls} control bytes in its first {len(head)} and looks binary; "
            "give a text, HTML or Markdown file"
        )


# UTF-8 with at most this share of invalid sequences is damaged UTF-8, not another
# encoding (GBK or Big5 bytes read as UTF-8 are invalid almost everywhere). Unit: invalid
# sequences per non-ASCII character; range 0..0.2.
_DAMAGED_UTF8_MAX = 0.01


def _refuse_damaged_utf8(data: bytes) -> None:
    replaced = data.decode("utf-8", errors="replace")
    invalid = replaced.count("\ufffd")
    non_ascii = sum(1 for ch in replaced if ord(ch) > 0x7F)
    if non_ascii >= 20 and invalid <= _DAMAGED_UTF8_MAX * non_ascii:
        raise BadInputError(
            f"input is UTF-8 except for {invalid} invalid byte sequence(s) "
            f"({_offset_message(data, 'utf-8')}); repair the file, or pass --encoding if it "
            "is not UTF-8"
        )


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeError, LookupError):  # UnicodeError: codecs such as idna raise its base
        return None


# Below this plausibility no CJK decoding is accepted (charset-normalizer's guess over all
# encodings is tried instead). Unit: plausibility(); range 0..1.
_PLAUSIBLE_MIN = 0.6


def _charset_normalizer_order(data: bytes) -> list[str]:
    """charset-normalizer's ranking of the CJK candidates (best first); [] if it has none."""
    try:
        from charset_normalizer import from_bytes

        matches = from_bytes(data[:_SNIFF_BYTES], cp_isolation=list(_CJK_CANDIDATES))
        return [canonical_encoding(match.encoding) for match in matches]
    except Exception:  # noqa: BLE001 - advisory only; our own scoring decides
        return []


def _guess_cjk(data: bytes) -> tuple[str, str] | None:
    """Best plausible strict decoding among GB18030 and the Big5 family, or None.

    Scored by plausibility(); on a tie (two-character inputs can be truly ambiguous),
    charset-normalizer's order, then GB18030 first.
    """
    candidates: list[tuple[str, str]] = []
    gb_text = _strict(data, "gb18030")
    if gb_text is not None:
        candidates.append(("gb18030", gb_text))
    for name in _CJK_CANDIDATES[1:]:  # big5, then its supersets cp950, big5hkscs
        text = _strict(data, name)
        if text is not None:
            candidates.append((name, text))
            break
    if not candidates:
        return None
    preferred = _charset_normalizer_order(data) if len(candidates) > 1 else []

    def rank(name: str) -> int:
        family = "gb18030" if name == "gb18030" else "big5"
        for index, guess in enumerate(preferred):
            if (guess == "gb18030") == (family == "gb18030"):
                return index
        return len(preferred) + (0 if family == "gb18030" else 1)

    scored = sorted((-plausibility(text, name), rank(name), name, text) for name, text in candidates)
    score, _rank, name, text = scored[0]
    # Sanity floor. Unit: plausibility(); range -3..1.5. Real Chinese text scores > 1.
    if -score < _PLAUSIBLE_MIN and any(ord(ch) > 0x7F for ch in text):
        return None
    return text, name


def _detect_other(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:_SNIFF_BYTES]).best()
    if guess is None:
        return None
    name = canonical_encoding(guess.encoding)
    text = _strict(data, name)
    return (text, name) if text is not None else None


def _offset_message(data: bytes, encoding: str) -> str:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        bad = data[error.start:error.start + 2].hex(" ")
        return f"bytes {bad} at offset {error.start}"
    except (UnicodeError, LookupError):
        pass
    return "undecodable bytes"


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode `data`; return (text, encoding name). Raises BadInputError when impossible.

    With `encoding`, only that encoding is tried (GBK names decode as GB18030).

    >>> decode("测试".encode("gbk"))
    ('测试', 'gb18030')
    >>> decode(b"\\xef\\xbb\\xbfabc")
    ('abc', 'utf-8-sig')
    """
    if encoding is not None:
        name = canonical_encoding(encoding)
        if not name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
            _refuse_binary(data)
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            name = "utf-8-sig"
        text = _strict(data, name)
        if text is None:
            detected = None
            try:
                detected = decode(data)[1]
            except BadInputError:
                pass
            hint = f"try --encoding {detected}" if detected and detected != name else (
                "try --encoding utf-8, gb18030 or big5, or leave --encoding out to detect it")
            raise BadInputError(
                f"input is not valid {encoding} ({_offset_message(data, name)}); {hint}"
            )
        return text, name

    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        boms = (("utf-32", codecs.BOM_UTF32_LE), ("utf-32", codecs.BOM_UTF32_BE))
    else:
        boms = (("utf-8-sig", codecs.BOM_UTF8), ("utf-16", codecs.BOM_UTF16_LE),
                ("utf-16", codecs.BOM_UTF16_BE))
    for name, bom in boms:
        if data.startswith(bom):
            text = _strict(data, name)
            if text is None:
                raise BadInputError(
                    f"input starts with a {name} byte-order mark but is not valid {name} "
                    f"({_offset_message(data, name)}); fix the file or pass --encoding"
                )
            return text, name

    _refuse_binary(data)
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    _refuse_damaged_utf8(data)
    found = _guess_cjk(data) or _detect_other(data)
    if found is None:
        raise BadInputError(
            "cannot tell the input's encoding (not UTF-8, GB18030 or Big5); "
            "pass --encoding NAME"
        )
    return found
