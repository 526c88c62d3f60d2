"""Read a MOFCOM (or MFA) announcement or order as published: what it is, what it does, to whom.

Input: a :class:`~dualuse.importers.pages.Page` (the saved HTML page or its
text). Output: a :class:`Notice`:

* the instrument: designation as printed (商务部公告2026年第30号, 商务部 海关总署公告
  2025年第70号, 商务部令2026年第2号, 不可靠实体清单工作机制公告〔2025〕7号, 外交部令,
  or an unnumbered 决定 dated by its signature), issuer, number, publication
  date (the date under the signature, else the page's 发布时间), effective date
  (自公布之日起 -> publication; 自2026年8月5日起 -> that date);
* the list (出口管制管控名单 CN-ECL, 关注名单 CN-WL, 不可靠实体清单 CN-UEL,
  反制清单 / 反制措施 CN-AFSL) and the measure: ``listing`` (列入), ``removal``
  (移出, 取消…反制措施, 解除), ``suspension`` (暂停实施 … 至 / 为期一年),
  ``extension`` (继续暂停, 延长), ``resumption`` (恢复实施), ``stop`` (停止实施);
* the entities: annex rows (a table, or numbered lines ``1. 中文名（English）``,
  with an address column or ``地址：…``) for listings; for removals the annex or
  the names the body gives; the count the body states (``等14家实体``) is checked
  against them;
* for suspensions and their ends: the measures concerned (``2025年第55号、第56号…
  公告``, ``第46号公告第二项``) and the interval (start, end).

Nothing is guessed: a page whose instrument, date, list or measure cannot be
read, or whose annex disagrees with the stated count, raises
:class:`NoticeError` naming the file and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from dualuse.importers.pages import Page, clean
from dualuse.refdata.build.citations import Designation, citation_text

LIST_NAMES_ZH = {"CN-ECL": "出口管制管控名单", "CN-WL": "关注名单", "CN-UEL": "不可靠实体清单", "CN-AFSL": "反制清单"}


class NoticeError(ValueError):
    """A notice that cannot be read; the message names the file and what was expected."""


@dataclass(frozen=True)
class AnnexRow:
    """One entity of the notice.

    Attributes:
        seq: its number in the annex (1, 2 ...; the order given when the body names them).
        name_zh: the Chinese name as printed (``None`` when only a Latin name is printed).
        name_en: the Latin-script name in brackets (``None`` when only Chinese is printed).
        address: the address as printed, if any.
        country: ISO alpha-2 code from the address (or from the notice's "N家日本实体"), if any.
        where: where in the file the row was read (for error messages).
    """

    seq: int
    name_zh: str | None
    name_en: str | None
    address: str | None = None
    country: str | None = None
    where: str = ""

    @property
    def name(self) -> str:
        """The primary name: the Latin name if printed, else the Chinese."""
        return self.name_en or self.name_zh or ""


@dataclass
class Notice:
    """What one notice says (see module docstring)."""

    file: str
    designation: Designation
    citation: str
    title: str
    published: dt.date
    effective: dt.date
    list_id: str | None
    measure: str
    rows: list[AnnexRow] = field(default_factory=list)
    stated_count: int | None = None
    targets: list[str] = field(default_factory=list)
    until: dt.date | None = None
    url: str | None = None
    text: str = ""

    @property
    def changes_entities(self) -> bool:
        """True for listings and removals (entities named); False for measures on other instruments."""
        return self.measure in ("listing", "removal")


# --- numbers and dates ----------------------------------------------------------

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_SMALL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _arabic_years(text: str) -> str:
    """二〇二六年 -> 2026年 (years written in Chinese numerals)."""
    return re.sub(r"[〇○零一二三四五六七八九]{4}(?=\s*年)", lambda m: "".join(_CN_DIGITS[c] for c in m.group(0)), text)


def _small_number(text: str) -> int | None:
    """``14``, ``十四``, ``二十`` -> int (up to 99)."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_SMALL for c in text):
        return None
    if "十" not in text:
        return _CN_SMALL[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    return (_CN_SMALL[tens] if tens else 1) * 10 + (_CN_SMALL[units] if units else 0)


_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def _date(m: re.Match) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# --- the instrument -------------------------------------------------------------

_NUM = r"(\d{4})\s*年\s*第\s*(\d+)\s*号"
_DESIGNATIONS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"商务部\s*[、，,]?\s*海关总署(?:\s*[、，,]?\s*[\u4e00-\u9fff]{2,12}?)?\s*公告\s*" + _NUM), "MOFCOM/GAC", "announcement"),
    (re.compile(r"商务部\s*公告\s*" + _NUM), "MOFCOM", "announcement"),
    (re.compile(r"商务部\s*令\s*" + _NUM), "MOFCOM", "order"),
    (re.compile(r"商务部令\s*[〔\[【（(]\s*(\d{4})\s*[〕\]】）)]\s*第?\s*(\d+)\s*号"), "MOFCOM", "order"),
    (re.compile(r"不可靠实体清单工作机制\s*公告\s*[〔\[【（(]\s*(\d{4})\s*[〕\]】）)]\s*第?\s*(\d+)\s*号"), "UEL Working Mechanism", "announcement"),
    (re.compile(r"不可靠实体清单工作机制\s*公告\s*" + _NUM), "UEL Working Mechanism", "announcement"),
    (re.compile(r"外交部\s*令\s*" + _NUM), "MFA", "order"),
]
_DECISION = re.compile(r"(商务部|外交部)关于[^。\n]{2,80}?(?:反制措施|措施)的决定")
_ISSUER_ZH = {"MOFCOM": "商务部", "MOFCOM/GAC": "商务部 海关总署", "UEL Working Mechanism": "不可靠实体清单工作机制", "MFA": "外交部"}


def _designation(page: Page, head: str) -> tuple[Designation, int]:
    """The notice's own designation (the first one in the title or the first lines) and where it ends in ``head``."""
    best: tuple[int, Designation, int] | None = None
    for pattern, issuer, kind in _DESIGNATIONS:
        m = pattern.search(head)
        if m and (best is None or m.start() < best[0]):
            d = Designation(issuer, kind, int(m.group(1)), int(m.group(2)), None, clean(m.group(0)))
            best = (m.start(), d, m.end())
    if best is not None:
        return best[1], best[2]
    m = _DECISION.search(head)
    if m:
        issuer = "MOFCOM" if m.group(1) == "商务部" else "MFA"
        return Designation(issuer, "decision", None, None, None, clean(m.group(0))), m.end()
    raise NoticeError(
        f"{page.file}: no instrument designation found in the title or the first lines; expected e.g. 商务部公告2026年第30号, "
        "商务部令2026年第2号, 不可靠实体清单工作机制公告〔2025〕7号 or 外交部关于…采取反制措施的决定"
    )


def _published(page: Page, body: str) -> dt.date:
    """The date under the signature (the first date alone on its line), else the page's 发布时间/发布日期."""
    m = re.search(r"(?:发布时间|发布日期|日期)\s*[:：]\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)", body)
    meta = None
    if m:
        inner = _ISO.search(m.group(1)) or _DATE.search(m.group(1))
        meta = _date(inner) if inner else None
    signature = None
    for line in body.split("\n"):
        found = _DATE.search(line)
        if found and len(clean(line)) <= 16:  # a date on its own line: the one under the signature
            signature = _date(found)
            break
    day = signature or meta
    if day is None:
        raise NoticeError(f"{page.file}: no publication date: expected the date under the signature (2026年7月24日) or 发布时间：2026-07-24")
    return day


def _effective(body: str, published: dt.date) -> dt.date:
    m = re.search(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起", body)
    if m and not re.search(r"自公布之日起", body[: m.start()]):
        return _date(_DATE.search(m.group(1))) or published
    return published


# --- list and measure ------------------------------------------------------------

def _list_of(body: str) -> str | None:
    if "不可靠实体清单" in body:
        return "CN-UEL"
    if "管控名单" in body:
        return "CN-ECL"
    if "关注名单" in body:
        return "CN-WL"
    if "反制清单" in body or "反制措施" in body or "反外国制裁法" in body:
        return "CN-AFSL"
    return None


def _measure(body: str) -> str:
    if re.search(r"恢复(?:实施|执行)", body):
        return "resumption"
    if re.search(r"继续暂停|延长[^。]{0,20}暂停|暂停[^。]{0,40}(?:延长|延期)至", body):
        return "extension"
    if re.search(r"暂停(?:实施|执行|适用)", body):
        return "suspension"
    if re.search(r"停止(?:实施|执行)", body):
        return "stop"
    if re.search(r"移出|移除|取消[^。]{0,80}(?:反制措施|措施)|解除[^。]{0,40}措施", body):
        return "removal"
    if "列入" in body or re.search(r"采取[^。]{0,10}反制措施", body):
        return "listing"
    raise NoticeError("no measure found: expected 列入 (listing), 移出 / 取消 (removal), 暂停实施 (suspension), 继续暂停 (extension), 恢复实施 or 停止实施")


_REF_SERIES = re.compile(
    r"(?P<prefix>商务部\s*令|商务部[^。，；]{0,12}?公告|工作机制公告|公告)?\s*(?P<year>\d{4})\s*年\s*(?P<nums>第\s*\d+\s*号(?:\s*[、，,和及与]\s*(?:第\s*)?\d+\s*号)*)\s*(?P<tail>公告|令)?(?P<clause>\s*第\s*(?:[一二三四五六七八九十]+|\d+)\s*(?:项|条|款))?"
)
_BRACKET_REF = re.compile(r"工作机制公告\s*[〔\[【（(]\s*(\d{4})\s*[〕\]】）)]\s*第?\s*(\d+)\s*号")


def _targets(body: str, own: Designation) -> list[str]:
    """Citations of the instruments (or clauses) a suspension-type notice concerns, in order."""
    out: list[str] = []
    for m in _REF_SERIES.finditer(body):
        year = int(m.group("year"))
        prefix = (m.group("prefix") or "") + (m.group("tail") or "")
        issuer, kind = "MOFCOM", "announcement"
        if "令" in prefix:
            kind = "order"
        elif "工作机制" in prefix:
            issuer = "UEL Working Mechanism"
        for number in map(int, re.findall(r"(\d+)\s*号", m.group("nums"))):
            if (year, number) == (own.year, own.number) and kind == own.kind:
                continue
            citation = citation_text(issuer, kind, year, number, None)
            clause = m.group("clause")
            if clause:
                n = re.search(r"([一二三四五六七八九十]+|\d+)", clause).group(1)  # type: ignore[union-attr]
                citation += f" clause {_small_number(n)}"
            if citation not in out:
                out.append(citation)
    for m in _BRACKET_REF.finditer(body):
        citation = citation_text("UEL Working Mechanism", "announcement", int(m.group(1)), int(m.group(2)), None)
        if (int(m.group(1)), int(m.group(2))) != (own.year, own.number) and citation not in out:
            out.append(citation)
    return out


def _until(body: str, start: dt.date) -> dt.date | None:
    """The end of a suspension: 至2026年11月10日 / 为期一年 (one year from its start)."""
    m = re.search(r"(?:至|到|截至)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)", body)
    if m:
        return _date(_DATE.search(m.group(1)))  # type: ignore[arg-type]
    m = re.search(r"为期\s*([一二三两]|\d+)\s*年", body)
    if m:
        years = {"一": 1, "二": 2, "两": 2, "三": 3}.get(m.group(1)) or int(m.group(1))
        try:
            return start.replace(year=start.year + years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + years, day=28)
    return None


# --- entities ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _territories() -> list[tuple[str, str]]:
    """(name, ISO code) of every territory in Chinese and English (Babel/CLDR), longest first."""
    from babel import Locale

    names: dict[str, str] = {}
    for locale in ("zh", "zh_Hant", "en"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "ZZ", "QO"):
                names.setdefault(name, code)
    names.setdefault("美利坚合众国", "US")
    return sorted(names.items(), key=lambda kv: -len(kv[0]))


def country_of(address: str | None) -> str | None:
    """ISO code of the country an address names: at its start (日本东京都…) or as its last part (…, Italy, 30027)."""
    if not address:
        return None
    text = address.strip()
    for name, code in _territories():
        if text.startswith(name):
            return code
    parts = [p.strip() for p in re.split(r"[,，]", text) if p.strip() and not re.fullmatch(r"[A-Z]{0,2}-?\d[\d\- ]*", p.strip())]
    if parts:
        for name, code in _territories():
            if parts[-1].casefold() in (name.casefold(), f"the {name}".casefold()):
                return code
    return None


_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u3400-\u9fff]")


def split_name(text: str) -> tuple[str | None, str | None]:
    """``拉法特集团（LAFERT S.P.A.）`` -> (``拉法特集团``, ``LAFERT S.P.A.``); a Latin-only name -> (None, name)."""
    text = clean(text).rstrip("；;。，,")
    m = re.match(r"^(?P<zh>.*?[^\s（(])\s*[（(](?P<en>[^（()）]*[A-Za-z][^（()）]*(?:\([^()]*\)[^（()）]*)*)[）)]$", text)
    if m and _HAN.search(m.group("zh")):
        return clean(m.group("zh")), clean(m.group("en"))
    if _HAN.search(text):
        return text, None
    return None, text if _LATIN.search(text) else None


_ROW = re.compile(r"^\s*(?P<seq>\d{1,3})\s*(?:[.、．:：)）]|\t|\s)\s*(?P<rest>.+)$")
_ADDR = re.compile(r"[，,;；]?\s*(?:地址|住所|address)\s*[:：]\s*", re.IGNORECASE)
_HEADER = re.compile(r"序号|名称|地址|国家|英文|中文|No\.|Name", re.IGNORECASE)


def _row_from_cells(cells: list[str], header: list[str] | None, where: str) -> AnnexRow | None:
    cells = [c for c in cells]
    if not cells or not re.fullmatch(r"\d{1,3}", cells[0].strip().rstrip(".、")):
        return None
    seq = int(cells[0].strip().rstrip(".、"))
    rest = cells[1:]
    zh = en = address = None
    if header and len(header) == len(cells):
        for name, value in zip(header[1:], rest):
            if not value:
                continue
            if "地址" in name or "address" in name.lower():
                address = value
            elif "英文" in name or "english" in name.lower():
                en = value
            elif "名称" in name or "name" in name.lower() or "实体" in name:
                zh, en2 = split_name(value)
                en = en or en2
    else:
        if rest:
            zh, en = split_name(rest[0])
        for value in rest[1:]:
            if value and _HAN.search(value) is None and en is None and not re.search(r"\d", value):
                en = value
            elif value:
                address = value
    if not (zh or en):
        return None
    return AnnexRow(seq, zh, en, address, country_of(address), where)


def _row_from_line(line: str, where: str) -> AnnexRow | None:
    m = _ROW.match(line)
    if not m:
        return None
    rest = m.group("rest")
    if "\t" in line:
        return _row_from_cells([m.group("seq"), *[c for c in rest.split("\t")]], None, where)
    address = None
    parts = _ADDR.split(rest, maxsplit=1)
    if len(parts) == 2:
        rest, address = parts[0], clean(parts[1]).rstrip("。；;")
    zh, en = split_name(rest)
    if not (zh or en) or "。" in rest or len(rest) > 160:
        return None  # a numbered sentence of the body, not an entity
    return AnnexRow(int(m.group("seq")), zh, en, address, country_of(address), where)


def _annex_rows(page: Page, annex_at_line: int) -> list[AnnexRow]:
    """Rows of the annex: the first table with numbered rows, else numbered lines after the annex heading."""
    for t, table in enumerate(page.tables):
        header = next((row for row in table if _HEADER.search(" ".join(row)) and not re.fullmatch(r"\d{1,3}", row[0].strip())), None)
        rows = [r for i, cells in enumerate(table) if (r := _row_from_cells(cells, header, f"table {t + 1}, row {i + 1}")) is not None]
        if rows:
            return rows
    rows = []
    for n, line in enumerate(page.lines[annex_at_line:], start=annex_at_line + 1):
        row = _row_from_line(line, f"line {n}")
        if row is not None:
            rows.append(row)
    return rows


_STATED = re.compile(r"(?:等|以下)\s*(\d+|[一二三四五六七八九十]+)\s*(?:家|个|名)")
_GROUP_COUNTRY = re.compile(r"(\d+|[一二三四五六七八九十]+)\s*家\s*(?P<country>[\u4e00-\u9fff]{2,6}?)(?:实体|企业|机构|公司|组织)")


def _named_in_body(body: str, list_id: str | None) -> list[str]:
    """Names the body gives for a removal (将A（a）、B（b）移出… / 取消对A、B采取的反制措施)."""
    patterns = [
        r"将\s*(?P<names>.+?)\s*(?:移出|从)",
        r"取消对\s*(?P<names>.+?)\s*(?:采取|实施)",
        r"解除对\s*(?P<names>.+?)\s*(?:采取|实施|的)",
    ]
    for pattern in patterns:
        m = re.search(pattern, body)
        if m:
            text = re.sub(r"等\s*(?:\d+|[一二三四五六七八九十]+)\s*(?:家|个|名)[^、，]*$", "", m.group("names"))
            text = re.sub(r"^(?:[^、，（(]{0,12}?)(?:的|：|:)", "", text) if len(text) > 200 else text
            names, depth, buf = [], 0, []
            for ch in text:
                if ch in "（(":
                    depth += 1
                elif ch in "）)":
                    depth -= 1
                if depth == 0 and ch in "、，," or (depth == 0 and ch == "和" and buf and buf[-1] in "）)"):
                    names.append("".join(buf))
                    buf = []
                else:
                    buf.append(ch)
            names.append("".join(buf))
            return [clean(n) for n in names if clean(n)]
    return []


# --- the whole notice ---------------------------------------------------------------

_DECIDES = re.compile(r"决定(?=[^\n。]{2})(?P<what>[^。\n]{2,600})")


def _decision_sentence(body: str) -> str:
    """The operative sentence (``商务部决定将…列入…``, ``决定暂停实施…``); empty when there is none.

    Measure words elsewhere (a watch-list notice says a listed party may apply to be
    移出 after verification) must not decide what the notice does.
    """
    m = _DECIDES.search(body)
    return m.group("what") if m else ""


def parse_notice(page: Page, url: str | None = None) -> Notice:
    """Read one notice (see module docstring).

    Args:
        page: the page read by :func:`dualuse.importers.pages.read_page`.
        url: the notice's official URL, when the page does not name it.

    Raises:
        NoticeError: what could not be read, naming the file.
    """
    lines = [_arabic_years(line) for line in page.lines]
    title = _arabic_years(page.title or (lines[0] if lines else ""))
    text = "\n".join(lines)
    head = title + "\n" + "\n".join(lines[:12])
    designation, _ = _designation(page, head)
    # the annex heading may be announced in the body ("附件：出口管制管控名单") and repeated before the table
    annex_heads = [i for i, line in enumerate(lines) if re.match(r"^附\s*件\s*\d?\s*[:：]?", line)]
    body_end = annex_heads[-1] if annex_heads else len(lines)
    annex_line = annex_heads[-1] if annex_heads else 0
    body = "\n".join(lines[:body_end])
    published = _published(page, text)
    decided = _decision_sentence(body)
    effective = _effective(decided + "\n" + body, published)
    try:
        measure = _measure(decided) if decided else _measure(body)
    except NoticeError:
        try:
            measure = _measure(body)
        except NoticeError as error:
            raise NoticeError(f"{page.file}: {error}") from None
    list_id = _list_of(decided) or _list_of(body)
    if designation.kind == "decision" and designation.number is None:
        designation = Designation(designation.issuer, "decision", published.year, None, published, designation.printed, designation.description)
    citation = citation_text(designation.issuer, designation.kind, designation.year, designation.number, designation.date)
    notice = Notice(
        file=page.file,
        designation=designation,
        citation=citation,
        title=clean(title),
        published=published,
        effective=effective,
        list_id=list_id,
        measure=measure,
        url=url or page.url,
        text=text,
    )
    m = _STATED.search(body)
    if m:
        notice.stated_count = _small_number(m.group(1))
    group = _GROUP_COUNTRY.search(body)
    group_country = None
    if group:
        for name, code in _territories():
            if group.group("country").startswith(name):
                group_country = code
                break
    if measure in ("listing", "removal"):
        if list_id is None:
            raise NoticeError(f"{page.file}: a {measure} notice, but no list named: expected 出口管制管控名单, 关注名单, 不可靠实体清单 or 反制清单/反制措施")
        rows = _annex_rows(page, annex_line)
        if not rows and measure == "removal":
            rows = [AnnexRow(i, *split_name(name), where="body") for i, name in enumerate(_named_in_body(decided or body, list_id), start=1)]
        if not rows:
            raise NoticeError(f"{page.file}: a {measure} notice with no entities: expected an annex table or numbered lines (1. 中文名（English name）)")
        seqs = [r.seq for r in rows]
        if seqs != list(range(1, len(rows) + 1)):
            raise NoticeError(f"{page.file}: annex numbers {seqs} are not 1..{len(rows)}: a row is missing or repeated")
        if notice.stated_count is not None and notice.stated_count != len(rows):
            raise NoticeError(f"{page.file}: the notice states {notice.stated_count} entities, the annex has {len(rows)} rows ({rows[-1].where} is the last)")
        if group_country:
            rows = [r if r.country else AnnexRow(r.seq, r.name_zh, r.name_en, r.address, group_country, r.where) for r in rows]
        notice.rows = rows
    else:
        notice.targets = _targets(decided, designation) or _targets(body, designation)
        if not notice.targets:
            raise NoticeError(f"{page.file}: a {measure} notice that names no instrument: expected e.g. 暂停实施2025年第55号、第56号公告 or 商务部公告2024年第46号第二项")
        start = effective
        notice.until = _until(decided, start) or _until(body, start)
        if measure in ("suspension", "extension") and notice.until is None and "无限期" not in body:
            raise NoticeError(f"{page.file}: a {measure} without an end: expected 至2026年11月10日 or 为期一年 (or 无限期)")
    return notice


def issuer_zh(issuer: str) -> str:
    """The Chinese name of an issuer (for titles)."""
    return _ISSUER_ZH.get(issuer, issuer)
