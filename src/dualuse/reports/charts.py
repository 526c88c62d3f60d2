"""Bar charts drawn as SVG on the server (no JavaScript, no chart library): for the period report.

Every label is escaped (a list name or citation is data). Colours follow the
verdicts' severity as the terminal shows them.
"""

from __future__ import annotations

from markupsafe import Markup, escape

VERDICT_COLOURS = {"PROHIBITED": "#b91c1c", "REVIEW": "#d97706", "LICENSE_REQUIRED": "#ca8a04", "NOT_CONTROLLED": "#15803d"}
DEFAULT_COLOUR = "#1d4ed8"


def horizontal_bars(items: list[tuple[str, int]], colours: dict[str, str] | None = None, width: int = 480, bar: int = 16) -> Markup:
    """A horizontal bar chart of ``(label, count)`` pairs as inline SVG markup (empty markup for no items).

    Args:
        items: labels (shown as written, escaped) and non-negative counts.
        colours: optional colour per label (``#rrggbb``).
        width: drawing width in CSS pixels; the label column takes 45 %.
        bar: bar height in CSS pixels.
    """
    if not items:
        return Markup("")
    colours = colours or {}
    label_w = int(width * 0.45)
    top = max(count for _, count in items) or 1
    step = bar + 6
    height = step * len(items) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" class="chart">']
    for i, (label, count) in enumerate(items):
        y = 2 + i * step
        length = int((width - label_w - 50) * count / top)
        colour = colours.get(label, DEFAULT_COLOUR)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 4}" text-anchor="end" font-size="9">{escape(_short(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(length, 1)}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + max(length, 1) + 4}" y="{y + bar - 4}" font-size="9">{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_columns(days: dict[str, dict[str, int]], order: tuple[str, ...], width: int = 480, height: int = 160) -> Markup:
    """Columns per day, stacked by verdict (``order`` bottom to top), as inline SVG markup (empty for no days).

    Args:
        days: ``{"2026-03-18": {"PROHIBITED": 2, ...}}`` in date order.
        order: the verdicts to stack, bottom first.
    """
    if not days:
        return Markup("")
    top = max(sum(c.values()) for c in days.values()) or 1
    plot_h = height - 24
    slot = (width - 30) / len(days)
    column = max(min(slot * 0.7, 40), 2)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" class="chart">']
    parts.append(f'<text x="0" y="10" font-size="8">{top}</text><line x1="24" y1="4" x2="24" y2="{plot_h + 4}" stroke="#888" stroke-width="0.5"/>')
    label_every = max(1, len(days) // 8)
    for i, (day, counts) in enumerate(days.items()):
        x = 30 + i * slot
        y = plot_h + 4
        for verdict in order:
            n = counts.get(verdict, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{h:.1f}" fill="{VERDICT_COLOURS.get(verdict, DEFAULT_COLOUR)}"/>')
        if i % label_every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 4}" font-size="7">{escape(day[5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
