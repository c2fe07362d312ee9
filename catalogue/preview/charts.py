"""Charts as server-rendered SVG: no JavaScript, no chart library, readable without colour.

Every chart carries a ``<title>`` and a ``<desc>`` for screen readers; the pages also give
the numbers as a table next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from catalogue.preview.series import Series

# Colours with at least 3:1 contrast against white (WCAG 1.4.11 non-text contrast).
PALETTE = ("#1f5fa8", "#b3261e", "#2e7d32")
DASHES = ("", "6 3", "2 3")  # lines also differ by dash, not only by colour
MAX_POINTS = 400  # per line: more than the chart has pixels for


def _number(value: float) -> str:
    return f"{value:.4g}"


def line_chart_svg(series: Series, *, title: str, width: int = 640, height: int = 260,
                   format_time: Callable[[datetime], str] | None = None) -> str:
    """A line per numeric column of ``series`` against time."""
    fmt = format_time or (lambda t: t.strftime("%d/%m/%Y"))
    left, right, top, bottom = 56, 12, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for col in series.columns.values() for v in col if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        high, low = high + 1, low - 1
    start = series.times[0]
    span = (series.times[-1] - start).total_seconds() or 1.0
    step = max(1, len(series.times) // MAX_POINTS)

    def x(t: datetime) -> float:
        return left + (t - start).total_seconds() / span * plot_w

    def y(v: float) -> float:
        return top + (high - v) / (high - low) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="chart-title chart-desc" class="chart">',
             f'<title id="chart-title">{escape(title)}</title>',
             f'<desc id="chart-desc">{escape(", ".join(series.columns))}: '
             f'{escape(fmt(series.times[0]))} – {escape(fmt(series.times[-1]))}</desc>',
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" '
             f'stroke="#767676"/>']
    for i in range(5):
        v = low + (high - low) * i / 4
        parts.append(f'<text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{escape(_number(v))}</text>')
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#e0e0e0"/>')
    for t, anchor in ((series.times[0], "start"), (series.times[-1], "end")):
        parts.append(f'<text x="{x(t):.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}" '
                     f'font-size="11">{escape(fmt(t))}</text>')
    for n, (name, col) in enumerate(series.columns.items()):
        points = [f"{x(t):.1f},{y(v):.1f}" for t, v in
                  zip(series.times[::step], col[::step], strict=True) if v is not None]
        dash = f' stroke-dasharray="{DASHES[n]}"' if DASHES[n] else ""
        parts.append(f'<polyline fill="none" stroke="{PALETTE[n]}" stroke-width="2"{dash} '
                     f'points="{" ".join(points)}"/>')
        lx = left + n * (plot_w // max(1, len(series.columns)))
        parts.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{height - 8}" y2="{height - 8}" '
                     f'stroke="{PALETTE[n]}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{lx + 22}" y="{height - 4}" font-size="11">'
                     f'{escape(name[:40])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(items: Sequence[tuple[str, float]], *, title: str, width: int = 640,
                  bar_height: int = 20, format_value: Callable[[float], str] | None = None
                  ) -> str:
    """Horizontal bars, one per (label, value), labels on the left and values at the end."""
    fmt = format_value or _number
    label_w, gap, top = 220, 6, 4
    height = top + len(items) * (bar_height + gap) + 4
    biggest = max([v for _, v in items] + [1.0])
    plot_w = width - label_w - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" class="chart"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        w = max(1.0, value / biggest * plot_w) if value else 0
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_height - 6}" text-anchor="end" '
                     f'font-size="12">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                     f'fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height - 6}" '
                     f'font-size="12">{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart_svg(items: Sequence[tuple[str, float]], *, title: str, width: int = 640,
                     height: int = 220, format_value: Callable[[float], str] | None = None
                     ) -> str:
    """Vertical columns over time (months, years), every few labels shown."""
    fmt = format_value or _number
    left, bottom, top = 40, 28, 18
    plot_h = height - top - bottom
    n = max(1, len(items))
    step = (width - left - 8) / n
    biggest = max([v for _, v in items] + [1.0])
    every = max(1, n // 12)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" class="chart"><title>{escape(title)}</title>',
             f'<line x1="{left}" x2="{width - 8}" y1="{top + plot_h}" y2="{top + plot_h}" '
             f'stroke="#767676"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11">'
             f'{escape(fmt(biggest))}</text>']
    for i, (label, value) in enumerate(items):
        h = value / biggest * plot_h
        x = left + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" '
                     f'width="{max(1.0, step - 2):.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
                     f'<title>{escape(label)}: {escape(fmt(value))}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 10}" text-anchor="middle" '
                         f'font-size="10">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
