"""Legal citations in the form each language writes them.

The engine writes citations in English (``MOFCOM Announcement 2026 No. 11;
Export Control Law Art. 18``). :func:`localise_citation` rewrites each
``;``-separated part into the form used in Chinese or Japanese documents:

=========================================  ======================================  ======================================
English                                    中文                                     日本語
=========================================  ======================================  ======================================
MOFCOM Announcement 2026 No. 11            商务部公告2026年第11号                    商務部公告2026年第11号
MOFCOM/GAC Announcement 2025 No. 18        商务部 海关总署公告2025年第18号            商務部・税関総署公告2025年第18号
MOFCOM Order 2026 No. 2                    商务部令2026年第2号                       商務部令2026年第2号
UEL Working Mechanism Announcement 2025    不可靠实体清单工作机制公告〔2025〕2号       信頼できないエンティティ・リスト工作メカニズム公告〔2025〕2号
No. 2
Export Control Law Art. 12(3)              《出口管制法》第十二条第三款               輸出管理法第12条第3項
Regulations ... Arts. 28-29                《两用物项出口管制条例》第二十八条至第二十九条  両用品目輸出管理条例第28条～第29条
=========================================  ======================================  ======================================

Chinese statutes are cited with book-title marks and Chinese numerals
(第十八条), Japanese ones with Arabic numerals (第18条), as the official
Chinese texts and Japanese translations (JETRO, METI) do. Sources: the
citation forms printed on MOFCOM's announcements (e.g. 商务部公告2026年第11号)
and the UEL working-mechanism notices (不可靠实体清单工作机制公告〔2025〕2号).
A part that is not recognised is left as written, never dropped.
"""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """``18`` -> ``十八``, ``49`` -> ``四十九``, ``105`` -> ``一百零五`` (1..9999, as statutes number articles).

    Raises:
        ValueError: ``number`` outside 1..9999.
    """
    if not 1 <= number <= 9999:
        raise ValueError(f"article number {number} outside 1..9999")
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out = ""
    rest = number
    pending_zero = False
    for size, name in units:
        digit, rest = divmod(rest, size)
        if digit:
            if pending_zero:
                out += "零"
                pending_zero = False
            out += ("" if (size == 10 and digit == 1 and not out) else _DIGITS[digit]) + name
        elif out:
            pending_zero = True
    if rest:
        if pending_zero:
            out += "零"
        out += _DIGITS[rest]
    return out


# English statute name -> (Chinese, Japanese)
STATUTES = {
    "Export Control Law": ("出口管制法", "輸出管理法"),
    "Regulations on Export Control of Dual-Use Items": ("两用物项出口管制条例", "両用品目輸出管理条例"),
    "Anti-Foreign Sanctions Law": ("反外国制裁法", "反外国制裁法"),
    "Provisions on the Unreliable Entity List": ("不可靠实体清单规定", "信頼できないエンティティ・リスト規定"),
    "Regulations": ("两用物项出口管制条例", "両用品目輸出管理条例"),
}
ISSUERS = {
    "MOFCOM": ("商务部", "商務部"),
    "MOFCOM/GAC": ("商务部 海关总署", "商務部・税関総署"),
    "MOFCOM/GAC/SASTIND": ("商务部 海关总署 国家国防科技工业局", "商務部・税関総署・国家国防科技工業局"),
    "UEL Working Mechanism": ("不可靠实体清单工作机制", "信頼できないエンティティ・リスト工作メカニズム"),
}

_ANNOUNCEMENT = re.compile(r"^(?P<issuer>[A-Za-z/ ]+?) (?P<kind>Announcement|Order) (?P<year>\d{4}) No\. (?P<number>\d+)(?P<tail>.*)$")
_DECISION = re.compile(r"^(?P<issuer>[A-Za-z/ ]+?) (?P<kind>decision|Announcement) of (?P<date>\d{4}-\d{2}-\d{2})$")
_ARTICLES = re.compile(r"^(?P<statute>[A-Za-z\- ]+?)(?: \((?P<inner>[^)]*)\))? Arts?\. (?P<articles>[\d()\-, ]+)$")
_ITEM = re.compile(r"^ (?:item|clause) \((?P<n>\d+)\)$|^ clause (?P<m>\d+)$")


def _article(text: str, lang: str) -> str:
    """``12(3)`` -> ``第十二条第三款`` / ``第12条第3項``."""
    match = re.fullmatch(r"(\d+)(?:\((\d+)\))?", text.strip())
    if match is None:
        return text
    number, paragraph = int(match.group(1)), match.group(2)
    if lang == "zh":
        out = f"第{chinese_numeral(number)}条"
        return out + (f"第{chinese_numeral(int(paragraph))}款" if paragraph else "")
    return f"第{number}条" + (f"第{paragraph}項" if paragraph else "")


def _articles(text: str, lang: str) -> str | None:
    """``28-29`` / ``2, 49`` / ``12(3)`` in the language's form, or None when not recognised."""
    pieces = [p.strip() for p in text.split(",")]
    out = []
    for piece in pieces:
        if "-" in piece:
            first, _, last = piece.partition("-")
            between = "至" if lang == "zh" else "～"
            out.append(_article(first, lang) + between + _article(last, lang))
        elif re.fullmatch(r"\d+(?:\(\d+\))?", piece):
            out.append(_article(piece, lang))
        else:
            return None
    return "、".join(out)


def _date(text: str) -> str:
    year, month, day = (int(p) for p in text.split("-"))
    return f"{year}年{month}月{day}日"


def _part(part: str, lang: str) -> str:
    zh = lang == "zh"
    match = _ANNOUNCEMENT.match(part)
    if match and match.group("issuer") in ISSUERS:
        issuer = ISSUERS[match.group("issuer")][0 if zh else 1]
        year, number = match.group("year"), match.group("number")
        if match.group("issuer") == "UEL Working Mechanism":
            head = f"{issuer}公告〔{year}〕{number}号"
        else:
            head = f"{issuer}{'令' if match.group('kind') == 'Order' else '公告'}{year}年第{number}号"
        tail = match.group("tail")
        if not tail:
            return head
        item = _ITEM.match(tail)
        if item:
            n = item.group("n") or item.group("m")
            return head + (f"第（{chinese_numeral(int(n))}）项" if zh and item.group("n") else f"第{chinese_numeral(int(n))}条" if zh else f"第{n}項")
        return head + tail
    match = _DECISION.match(part)
    if match and match.group("issuer") in ISSUERS:
        issuer = ISSUERS[match.group("issuer")][0 if zh else 1]
        word = ("决定" if zh else "決定") if match.group("kind") == "decision" else "公告"
        return f"{issuer}{_date(match.group('date'))}{word}"
    match = _ARTICLES.match(part)
    if match and match.group("statute") in STATUTES:
        name = STATUTES[match.group("statute")][0 if zh else 1]
        articles = _articles(match.group("articles"), lang)
        if articles is not None:
            inner = f"（{localise_citation(match.group('inner'), lang)}）" if match.group("inner") else ""
            return (f"《{name}》" if zh else name) + inner + articles
    return part


def localise_citation(citation: str, lang: str) -> str:
    """``citation`` (the engine's English form) as written in ``lang`` (``en``, ``zh`` or ``ja``).

    Each ``;``-separated part is rewritten on its own; parts that are not
    recognised stay as written. English is returned unchanged.
    """
    if lang == "en" or not citation:
        return citation
    separator = "；" if lang == "zh" else "、"
    return separator.join(_part(part.strip(), lang) for part in citation.split(";"))
