"""Server-side SVG charts (no JavaScript): horizontal bars and a stacked column series.

The SVG is built from escaped text and presentation attributes only (no
``style`` attributes), so it passes a Content-Security-Policy without
``'unsafe-inline'``. Returned as :class:`markupsafe.Markup` for templates.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#b42318", "#b54708", "#1d4ed8", "#067647", "#6941c6", "#475467", "#c11574", "#0e7090")
VERDICT_COLOURS = {"PROHIBITED": "#b42318", "REVIEW": "#b54708", "LICENSE_REQUIRED": "#1d4ed8", "NOT_CONTROLLED": "#067647"}


def bars(rows: Sequence[tuple[str, float]], title: str, colours: Sequence[str] | None = None, width: int = 460, label_width: int = 170) -> Markup:
    """A horizontal bar chart: one ``(label, value)`` per bar, value written at the bar's end.

    An empty ``rows`` gives a chart that says there is nothing (``—``).
    """
    bar_h, gap, top = 22, 8, 28
    height = top + max(1, len(rows)) * (bar_h + gap) + 4
    biggest = max((v for _, v in rows), default=0) or 1
    room = width - label_width - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="600" fill="#101828">{escape(title)}</text>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="{top + 16}" font-size="13" fill="#475467">—</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        colour = (colours[i] if colours and i < len(colours) else PALETTE[i % len(PALETTE)])
        length = max(2, room * value / biggest) if value else 0
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" font-size="12" text-anchor="end" fill="#344054">{escape(_clip(label, int(label_width / 6.5)))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_h}" rx="3" fill="{colour}"><title>{escape(label)}: {value:g}</title></rect>')
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" font-size="12" fill="#101828">{value:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(periods: Sequence[str], series: dict[str, Sequence[float]], title: str, width: int = 620, height: int = 240) -> Markup:
    """Stacked columns: one column per period, one colour per series, with a legend.

    ``series`` maps a series name to one value per period.
    """
    left, top, bottom, legend_w = 36, 28, 40, 150
    plot_w = width - left - legend_w - 10
    plot_h = height - top - bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(periods))]
    biggest = max(totals, default=0) or 1
    step = plot_w / max(1, len(periods))
    col_w = max(4.0, step * 0.7)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="600" fill="#101828">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#98a2b3"/>',
        f'<text x="{left - 4}" y="{top + 10}" font-size="11" text-anchor="end" fill="#475467">{biggest:g}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="11" text-anchor="end" fill="#475467">0</text>',
    ]
    if not periods:
        parts.append(f'<text x="{left + 8}" y="{top + 40}" font-size="13" fill="#475467">—</text>')
    for i, period in enumerate(periods):
        x = left + i * step + (step - col_w) / 2
        y = top + plot_h
        for j, (name, values) in enumerate(series.items()):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / biggest
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(period)} · {escape(name)}: {value:g}</title></rect>')
        parts.append(f'<text x="{x + col_w / 2:.1f}" y="{top + plot_h + 14}" font-size="10" text-anchor="middle" fill="#475467">{escape(period)}</text>')
    for j, name in enumerate(series):
        y = top + j * 18
        lx = left + plot_w + 14
        parts.append(f'<rect x="{lx}" y="{y}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{y + 10}" font-size="11" fill="#344054">{escape(_clip(name, 20))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _clip(text: str, limit: int = 26) -> str:
    """``text`` cut to ``limit`` columns (a Chinese or Japanese character takes two), with an ellipsis when cut."""
    import unicodedata

    used = 0
    for i, ch in enumerate(text):
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > limit:
            return text[: max(0, i - 1)] + "…"
    return text
