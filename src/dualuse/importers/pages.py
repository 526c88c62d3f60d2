"""Read a saved notice page - the HTML as saved from the browser, or its text - into lines and table rows.

MOFCOM and MFA pages put the notice in paragraphs (``<p>``) and the annex in a
table or in numbered paragraphs; the page around it (navigation, scripts,
footers) is noise. :func:`read_page` keeps the text of block elements as
lines, table rows as lists of cell texts, the page title and the page's own
URL when the saved page names it (``<link rel="canonical">``, ``og:url``,
the ``<!-- saved from url=... -->`` comment browsers write). A text file is
read line by line; a line with tab-separated cells counts as a table row.

Encodings: UTF-8, GB18030/GBK (MOFCOM pages are often GB2312) and the others
:func:`dualuse.input.encoding.decode_bytes` detects.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from dualuse.input.encoding import decode_bytes

BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "title", "tr", "table", "section", "article", "center", "span_block"}
SKIP = {"script", "style", "noscript", "head_meta", "nav", "footer", "header", "select", "option", "button", "form", "iframe"}
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")
_SPACE = re.compile(r"[ \t\u3000\xa0]+")


@dataclass
class Page:
    """A notice page as text.

    Attributes:
        file: the file read.
        title: the page title (``<title>``, or the first line of a text file).
        lines: the text of block elements in order (tables included, cells joined by a tab).
        tables: the tables, each a list of rows, each a list of cell texts.
        url: the page's own URL when the saved file names it, else ``None``.
        is_html: True when the file was HTML.
    """

    file: str
    title: str = ""
    lines: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    url: str | None = None
    is_html: bool = False

    @property
    def text(self) -> str:
        """All lines joined by newlines."""
        return "\n".join(self.lines)


def clean(text: str) -> str:
    """NFC, spaces collapsed (full-width and non-breaking spaces included), stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lines: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.title = ""
        self.url: str | None = None
        self._buf: list[str] = []
        self._skip = 0
        self._in_title = False
        self._rows: list[list[list[str]]] = []  # stack of tables being read
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    # --- text -------------------------------------------------------------
    def _flush(self) -> None:
        text = clean("".join(self._buf))
        self._buf = []
        if text and self._cell is None:
            self.page_lines.append(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIP:
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
        if tag == "link" and (attrs.get("rel") or "").lower() == "canonical" and attrs.get("href"):
            self.url = self.url or attrs["href"].strip()
        if tag == "meta" and (attrs.get("property") or attrs.get("name") or "").lower() in ("og:url", "url") and attrs.get("content"):
            self.url = self.url or attrs["content"].strip()
        if tag == "table":
            self._flush()
            self._rows.append([])
        elif tag == "tr" and self._rows:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in BLOCKS or tag == "br":
            if self._cell is not None:
                self._cell.append(" ")
            else:
                self._flush()

    def handle_endtag(self, tag):
        if tag in SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(clean("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._rows:
            if any(self._row):
                self._rows[-1].append(self._row)
                self.page_lines.append("\t".join(self._row))
            self._row = None
        elif tag == "table" and self._rows:
            rows = self._rows.pop()
            if rows:
                self.tables.append(rows)
        elif tag in BLOCKS and self._cell is None:
            self._flush()

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self._buf.append(data)

    def handle_comment(self, data):
        m = _SAVED_FROM.search(data)
        if m and not self.url:
            self.url = m.group(1)

    def close(self):
        super().close()
        self._flush()


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document (or fragment with block tags)."""
    head = text.lstrip()[:2000].lower()
    return head.startswith("<!doctype html") or "<html" in head or bool(re.search(r"<(p|div|table|body)[\s>]", head))


def parse_text(text: str, file: str = "<text>") -> Page:
    """A :class:`Page` from already-decoded HTML or plain text."""
    if looks_like_html(text):
        reader = _Reader()
        reader.feed(text)
        reader.close()
        return Page(file=file, title=clean(reader.title), lines=reader.page_lines, tables=reader.tables, url=reader.url, is_html=True)
    lines = [clean(line) for line in text.splitlines()]
    rows: list[list[str]] = []
    tables: list[list[list[str]]] = []
    out: list[str] = []
    url = None
    for raw, line in zip(text.splitlines(), lines):
        if not line:
            if rows:
                tables.append(rows)
                rows = []
            continue
        if url is None:
            m = re.match(r"^(?:URL|网址|来源|链接)\s*[:：]\s*(https?://\S+)$", line, re.IGNORECASE)
            if m:
                url = m.group(1)
                continue
        out.append(line if "\t" not in raw else "\t".join(clean(c) for c in raw.split("\t")))
        if "\t" in raw:
            rows.append([clean(c) for c in raw.split("\t")])
        elif rows:
            tables.append(rows)
            rows = []
    if rows:
        tables.append(rows)
    return Page(file=file, title=out[0] if out else "", lines=out, tables=tables, url=url, is_html=False)


def read_page(path: str | Path) -> Page:
    """Read a saved page (HTML or text) from ``path``.

    Raises:
        dualuse.input.InputError: the file cannot be read or decoded.
    """
    data = Path(path).read_bytes() if Path(path).is_file() else None
    if data is None:
        from dualuse.input import InputError

        raise InputError.single(str(path), "no such file (expected the saved HTML page or the text of a notice)")
    text, _ = decode_bytes(data, str(path))
    return parse_text(text, str(path))
