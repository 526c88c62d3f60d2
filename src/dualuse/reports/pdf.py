"""HTML reports to PDF with WeasyPrint (BSD), the CJK font embedded as a subset.

WeasyPrint lays the page out with Pango and finds fonts through fontconfig;
it embeds the glyphs used (OpenType/CFF fonts such as Noto Sans CJK, which
reportlab cannot embed). The CJK font is a system font: Debian/Ubuntu
``fonts-noto-cjk`` (SIL Open Font License 1.1), or Adobe's Source Han Sans.
When none is installed the report is refused with the way to install it -
a PDF whose Chinese prints as empty boxes must not go into a licence file.

The bytes depend only on the HTML: the document date comes from the record
(``dcterms.created``), WeasyPrint writes no random identifier, so the same
records give the same file (with the same WeasyPrint and font versions).
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from dualuse.reports.gather import ReportError
from dualuse.reports.html import FONT_ORDER

FONT_HELP = (
    "no CJK font for the PDF report: install Noto Sans CJK (Debian/Ubuntu: apt-get install fonts-noto-cjk; "
    "Fedora: dnf install google-noto-sans-cjk-fonts; macOS: brew install --cask font-noto-sans-cjk) or Source Han Sans, "
    "or write the report as XLSX (--format xlsx)"
)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts", Path.home() / ".fonts", Path("/Library/Fonts"))
FONT_FILE_STEMS = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "NotoSansSC", "NotoSansJP")


@lru_cache(maxsize=1)
def cjk_families() -> frozenset[str]:
    """Font families installed that the reports can use for Chinese and Japanese (via fontconfig's ``fc-list``).

    Without ``fc-list``, the font directories are searched for Noto CJK or
    Source Han files, and the families are assumed from the file names.
    """
    wanted = {name for names in FONT_ORDER.values() for name in names}
    if shutil.which("fc-list"):
        try:
            listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            listing = ""
        found = {family.strip() for line in listing.splitlines() for family in line.split(",")}
        return frozenset(found & wanted)
    for folder in FONT_DIRS:
        if folder.is_dir() and any(path.name.startswith(FONT_FILE_STEMS) for path in folder.rglob("*.[ot]t[fc]")):
            return frozenset(wanted)
    return frozenset()


def require_cjk_font() -> None:
    """Raise :class:`ReportError` (status 503) with the way to install one when no CJK font is available."""
    if not cjk_families():
        raise ReportError(FONT_HELP, 503)


def html_to_pdf(html: str) -> bytes:
    """Render an HTML report to PDF bytes.

    Raises:
        ReportError: WeasyPrint or its system libraries (Pango) are missing,
            or no CJK font is installed (status 503).
    """
    require_cjk_font()
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: the Pango libraries are missing
        raise ReportError(
            f"PDF reports need WeasyPrint and Pango (pip install weasyprint; Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0): {error}",
            503,
        ) from None
    return weasyprint.HTML(string=html, base_url=None).write_pdf()
