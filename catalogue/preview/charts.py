"""Charts as server-rendered SVG: no JavaScript, no chart library, readable without colour.

Every chart carries a ``<title>`` and a ``<desc>`` for screen readers; the pages also give
the numbers as a table next to it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from catalogue.preview.series import Series

# Colours with at least 3:1 contrast against white (WCAG 1.4.11 non-text contrast).
PALETTE = ("#1f5fa8", "#b3261e", "#2e7d32", "#6a1b9a", "#8a5a00", "#00695c")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")  # lines differ by dash, not only colour
MAX_POINTS = 400  # per line: more than the chart has pixels for
# Drawn narrow and scaled up on wide screens (the stylesheet caps it at 36rem), so the
# 13-unit text stays about 11 px on a 390 px phone.
WIDTH = 420
FONT = 13
LINE = FONT + 4  # one line of text
CHARS = 46  # characters per line of a label before it wraps (never cut)


def wrapped(text: str, chars: int = CHARS) -> list[str]:
    """A label as whole lines of at most ``chars`` characters (long words kept whole)."""
    return textwrap.wrap(text, chars, break_long_words=False) or [""]


def _text(x: float, y: float, lines: list[str], extra: str = "") -> str:
    """An SVG <text> of several lines."""
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{spans}</text>'


def _number(value: float) -> str:
    return f"{value:.4g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering ``low``..``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _time_ticks(times: Sequence[datetime], count: int = 3) -> list[datetime]:
    """First, last and the times of the data nearest to evenly spaced points between
    (distinct, in order): a tick names a time the table has (a table of years showed
    31/12/2021, halfway from 2020 to 2024)."""
    if len(times) <= count:
        return list(dict.fromkeys(times))
    start, end = times[0], times[-1]
    picks = [start + (end - start) * i / (count - 1) for i in range(count)]
    def nearest(point: datetime) -> datetime:
        return min(times, key=lambda t: abs(t - point))

    return list(dict.fromkeys(nearest(p) for p in picks))


def line_chart_svg(series: Series, *, title: str, width: int = WIDTH, height: int = 240,
                   format_time: Callable[[datetime], str] | None = None,
                   format_value: Callable[[float], str] | None = None) -> str:
    """A line per column of ``series`` against time: round ticks on both axes, the measure
    named above the axis, and a legend with one whole label per row below the chart."""
    fmt = format_time or (lambda t: t.strftime("%d/%m/%Y"))
    number = format_value or _number
    names = list(series.columns)
    labels = [wrapped(name, CHARS - 6) for name in names]
    legend_h = sum(len(lines) * LINE + 6 for lines in labels) + 8
    measure = wrapped(series.value_label, CHARS + 10) if series.value_label else []
    left, right, top, bottom = 64, 12, 16 + LINE * len(measure), 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for col in series.columns.values() for v in col if v is not None]
    ticks = nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    low, high = ticks[0], ticks[-1]
    start = series.times[0]
    span = (series.times[-1] - start).total_seconds() or 1.0
    step = max(1, len(series.times) // MAX_POINTS)
    total_h = height + legend_h

    def x(t: datetime) -> float:
        return left + (t - start).total_seconds() / span * plot_w

    def y(v: float) -> float:
        return top + (high - v) / ((high - low) or 1) * plot_h

    row = height + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_h}" '
             f'role="img" aria-labelledby="chart-title chart-desc" class="chart" '
             f'font-size="{FONT}">',
             f'<title id="chart-title">{escape(title)}</title>',
             f'<desc id="chart-desc">{escape(", ".join(names))}: '
             f'{escape(fmt(series.times[0]))} – {escape(fmt(series.times[-1]))}</desc>',
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" '
             f'stroke="#767676"/>']
    if measure:  # the grouped lines' measure, above the axis
        parts.append(_text(4, FONT + 2, measure))
    for v in ticks:
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
                     f'{escape(number(v))}</text>')
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#e0e0e0"/>')
    marks = _time_ticks(series.times)
    for i, t in enumerate(marks):
        anchor = "start" if i == 0 else "end" if i == len(marks) - 1 else "middle"
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top + plot_h}" '
                     f'y2="{top + plot_h + 4}" stroke="#767676"/>')
        parts.append(f'<text x="{x(t):.1f}" y="{top + plot_h + 18}" text-anchor="{anchor}">'
                     f'{escape(fmt(t))}</text>')
    for n, col in enumerate(series.columns.values()):
        colour, dash = PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        points = [f"{x(t):.1f},{y(v):.1f}" for t, v in
                  zip(series.times[::step], col[::step], strict=True) if v is not None]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dashed} '
                     f'points="{" ".join(points)}"/>')
        if len(points) == 1:  # a lone value is a dot, not an invisible line
            cx, cy = points[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        parts.append(f'<line x1="12" x2="36" y1="{row}" y2="{row}" '
                     f'stroke="{colour}" stroke-width="3"{dashed}/>')
        parts.append(_text(42, row + 4, labels[n]))
        row += len(labels[n]) * LINE + 6
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(items: Sequence[tuple[str, float]], *, title: str, width: int = WIDTH,
                  bar_height: int = 16, format_value: Callable[[float], str] | None = None
                  ) -> str:
    """Horizontal bars, one per (label, value): the whole label above its bar (agency names
    are long; cut, they stop naming the agency), the value at the bar's end."""
    fmt = format_value or _number
    gap, top = 10, 4
    labels = [wrapped(label) for label, _ in items]
    height = top + sum(len(lines) * LINE + 2 + bar_height + gap for lines in labels)
    biggest = max([v for _, v in items] + [1.0])
    plot_w = width - 80
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" class="chart" font-size="{FONT}"><title>{escape(title)}</title>']
    y = top
    for lines, (_label, value) in zip(labels, items, strict=True):
        w = max(1.0, value / biggest * plot_w) if value else 0
        parts.append(_text(0, y + FONT, lines))
        bar_y = y + len(lines) * LINE + 2
        parts.append(f'<rect x="0" y="{bar_y}" width="{w:.1f}" height="{bar_height}" '
                     f'fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{w + 6:.1f}" y="{bar_y + bar_height - 3}">'
                     f'{escape(fmt(value))}</text>')
        y = bar_y + bar_height + gap
    parts.append("</svg>")
    return "".join(parts)


def column_chart_svg(items: Sequence[tuple[str, float]], *, title: str, width: int = WIDTH,
                     height: int = 220, format_value: Callable[[float], str] | None = None
                     ) -> str:
    """Vertical columns over time (months, years), at most six labels shown."""
    fmt = format_value or _number
    left, bottom, top = 64, 28, 18
    plot_h = height - top - bottom
    n = max(1, len(items))
    step = (width - left - 8) / n
    biggest = max([v for _, v in items] + [1.0])
    every = max(1, -(-n // 6))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" class="chart" font-size="{FONT}"><title>{escape(title)}</title>',
             f'<line x1="{left}" x2="{width - 8}" y1="{top + plot_h}" y2="{top + plot_h}" '
             f'stroke="#767676"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">'
             f'{escape(fmt(biggest))}</text>']
    for i, (label, value) in enumerate(items):
        h = value / biggest * plot_h
        x = left + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" '
                     f'width="{max(1.0, step - 2):.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
                     f'<title>{escape(label)}: {escape(fmt(value))}</title></rect>')
        if i % every == 0:  # the edge labels lean inwards so they are never cut
            anchor, at = (("start", x) if i == 0 else ("end", x + step) if i + every >= n
                          else ("middle", x + step / 2))
            parts.append(f'<text x="{at:.1f}" y="{height - 8}" text-anchor="{anchor}">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
