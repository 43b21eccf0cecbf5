"""Inline SVG for the dashboard, drawn on the server: the gauge, the dual-axis history, bars.

No script and no charting library: the page is one HTML document whose charts are SVG markup
(presentation attributes only, so a strict Content-Security-Policy holds). Every text that
reaches the markup goes through `escape`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

# CNN's half-open bands (the fear_greed_index model's label macro): lower bound, label, colour.
BANDS: tuple[tuple[float, float, str, str], ...] = (
    (0, 25, "extreme fear", "#c0392b"),
    (25, 45, "fear", "#e67e22"),
    (45, 55, "neutral", "#b0b7bd"),
    (55, 75, "greed", "#7cb342"),
    (75, 100, "extreme greed", "#2e7d32"),
)
INDEX_COLOUR = "#1f2933"
KOSPI_COLOUR = "#1565c0"
COUNT_COLOUR = "#9fb3c8"
FONT = 13


def band_colour(value: float) -> str:
    for _low, high, _, colour in BANDS:
        if value < high:
            return colour
    return BANDS[-1][3]


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def gauge(value: float, label: str) -> Markup:
    """A half-circle gauge from 0 (left) to 100 (right) with the five bands and a needle."""
    cx, cy, r, width = 150.0, 150.0, 118.0, 26.0

    def point(v: float, radius: float) -> tuple[float, float]:
        angle = math.pi * (1 - v / 100)
        return cx + radius * math.cos(angle), cy - radius * math.sin(angle)

    parts = [f'<svg class="gauge-svg" viewBox="-14 0 328 170" role="img" aria-label="{escape(label)} {_f(value)}">']
    for low, high, name, colour in BANDS:
        (x1, y1), (x2, y2) = point(low + 0.4, r), point(high - 0.4, r)
        parts.append(
            f'<path d="M{_f(x1)} {_f(y1)} A{_f(r)} {_f(r)} 0 0 1 {_f(x2)} {_f(y2)}" fill="none" '
            f'stroke="{colour}" stroke-width="{_f(width)}"><title>{escape(name)} {low:g}–{high:g}</title></path>'
        )
    for tick in (0, 25, 45, 55, 75, 100):
        x, y = point(tick, r + width / 2 + 9)
        anchor = "end" if tick < 40 else "start" if tick > 60 else "middle"
        parts.append(
            f'<text x="{_f(x)}" y="{_f(y + 4)}" font-size="11" fill="#52606d" text-anchor="{anchor}">{tick}</text>'
        )
    nx, ny = point(min(max(value, 0.0), 100.0), r - width / 2 - 8)
    parts.append(
        f'<line x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(nx)}" y2="{_f(ny)}" stroke="{INDEX_COLOUR}" '
        'stroke-width="5" stroke-linecap="round"/>'
        f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="9" fill="{INDEX_COLOUR}"/></svg>'
    )
    return Markup("".join(parts))


def bar(value: float | None, *, maximum: float = 100, colour: str | None = None, width: int = 120) -> Markup:
    """A small horizontal bar (component scores, weights); empty outline when there is no value."""
    h = 10
    inner = ""
    if value is not None:
        w = max(0.0, min(1.0, value / maximum)) * width
        inner = f'<rect x="0" y="0" width="{_f(w)}" height="{h}" rx="2" fill="{colour or band_colour(value)}"/>'
    return Markup(
        f'<svg class="bar" viewBox="0 0 {width} {h}" width="{width}" height="{h}" aria-hidden="true">'
        f'<rect x="0" y="0" width="{width}" height="{h}" rx="2" fill="#eef1f4"/>{inner}</svg>'
    )


def _nice_range(lo: float, hi: float) -> tuple[float, float, float]:
    """Axis bounds and step around [lo, hi]: about five ticks at 1, 2 or 5 x 10^n."""
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _thin(points: Sequence[tuple[date, float]], most: int) -> list[tuple[date, float]]:
    """At most `most` points, evenly spaced, always keeping the last."""
    if len(points) <= most:
        return list(points)
    k = math.ceil(len(points) / most)
    kept = list(points[::k])
    if kept[-1] != points[-1]:
        kept.append(points[-1])
    return kept


def _date_ticks(start: date, end: date, n: int) -> list[date]:
    span = (end - start).days
    if span <= 0:
        return [start]
    return [date.fromordinal(start.toordinal() + round(span * i / (n - 1))) for i in range(n)]


# Chart sizes (viewBox width, height): wide for a desktop card, narrow for a phone, whose
# text stays legible once the SVG is scaled to the screen. The page shows one by media query.
SIZES = {"wide": (1100.0, 300.0), "narrow": (460.0, 300.0)}


class _Frame:
    """Plot area and scales of a dual-axis time chart."""

    LEFT, RIGHT, TOP, BOTTOM = 40.0, 62.0, 14.0, 30.0

    def __init__(self, start: date, end: date, size: str = "wide") -> None:
        self.start, self.end, self.size = start, end, size
        self.W, self.H = SIZES[size]
        self.x0, self.x1 = self.LEFT, self.W - self.RIGHT
        self.y0, self.y1 = self.H - self.BOTTOM, self.TOP

    def x(self, d: date) -> float:
        span = max((self.end - self.start).days, 1)
        return self.x0 + (self.x1 - self.x0) * (d - self.start).days / span

    def y(self, v: float, lo: float, hi: float) -> float:
        return self.y0 - (self.y0 - self.y1) * (v - lo) / ((hi - lo) or 1)


def _path(frame: _Frame, points: Sequence[tuple[date, float]], lo: float, hi: float) -> str:
    return " ".join(
        f"{'M' if i == 0 else 'L'}{_f(frame.x(d))} {_f(frame.y(v, lo, hi))}" for i, (d, v) in enumerate(points)
    )


def _x_axis(frame: _Frame) -> list[str]:
    fmt = "%Y-%m" if (frame.end - frame.start).days > 200 else "%m-%d"
    parts = [
        f'<line x1="{_f(frame.x0)}" y1="{_f(frame.y0)}" x2="{_f(frame.x1)}" y2="{_f(frame.y0)}" stroke="#9aa5b1"/>'
    ]
    for i, d in enumerate(_date_ticks(frame.start, frame.end, 5 if frame.size == "wide" else 3)):
        anchor = "start" if i == 0 else "end" if d == frame.end else "middle"
        parts.append(
            f'<text x="{_f(frame.x(d))}" y="{_f(frame.y0 + 18)}" font-size="{FONT}" fill="#52606d" '
            f'text-anchor="{anchor}">{escape(d.strftime(fmt))}</text>'
        )
    return parts


def _right_axis(frame: _Frame, lo: float, hi: float, step: float, colour: str, fmt: str = "{:,.0f}") -> list[str]:
    parts = []
    v = lo
    while v <= hi + step / 2:
        y = frame.y(v, lo, hi)
        parts.append(
            f'<text x="{_f(frame.x1 + 6)}" y="{_f(y + 4)}" font-size="{FONT}" fill="{colour}">'
            f"{escape(fmt.format(v))}</text>"
        )
        v += step
    return parts


def _left_index_axis(frame: _Frame) -> list[str]:
    parts = []
    for low, high, name, colour in BANDS:
        parts.append(
            f'<rect x="{_f(frame.x0)}" y="{_f(frame.y(high, 0, 100))}" width="{_f(frame.x1 - frame.x0)}" '
            f'height="{_f(frame.y(low, 0, 100) - frame.y(high, 0, 100))}" fill="{colour}" fill-opacity="0.10">'
            f"<title>{escape(name)}</title></rect>"
        )
    for v in (0, 25, 50, 75, 100):
        y = frame.y(v, 0, 100)
        parts.append(
            f'<line x1="{_f(frame.x0)}" y1="{_f(y)}" x2="{_f(frame.x1)}" y2="{_f(y)}" '
            'stroke="#d9e2ec" stroke-width="0.6"/>'
            f'<text x="{_f(frame.x0 - 6)}" y="{_f(y + 4)}" font-size="{FONT}" fill="#52606d" '
            f'text-anchor="end">{v}</text>'
        )
    return parts


def history_chart(
    index: Sequence[tuple[date, float]],
    kospi: Sequence[tuple[date, float]],
    *,
    start: date,
    end: date,
    label: str,
    size: str = "wide",
) -> Markup:
    """The index (left axis, 0-100 over its bands) and the KOSPI close (right axis)."""
    frame = _Frame(start, end, size)
    parts = [
        (
            f'<svg class="chart chart-{size}" viewBox="0 0 {_f(frame.W)} {_f(frame.H)}" role="img" '
            f'aria-label="{escape(label)}">'
        ),
        *_left_index_axis(frame),
        *_x_axis(frame),
    ]
    most = 450 if size == "wide" else 230
    kospi = _thin([p for p in kospi if start <= p[0] <= end], most)
    if kospi:
        lo, hi, step = _nice_range(min(v for _, v in kospi), max(v for _, v in kospi))
        parts += _right_axis(frame, lo, hi, step, KOSPI_COLOUR)
        parts.append(
            f'<path d="{_path(frame, kospi, lo, hi)}" fill="none" stroke="{KOSPI_COLOUR}" stroke-width="1.4" '
            'stroke-opacity="0.85"/>'
        )
    index = _thin([p for p in index if start <= p[0] <= end], most)
    if index:
        parts.append(
            f'<path d="{_path(frame, index, 0, 100)}" fill="none" stroke="{INDEX_COLOUR}" stroke-width="2" '
            'stroke-linejoin="round"/>'
        )
        d, v = index[-1]
        parts.append(
            f'<circle cx="{_f(frame.x(d))}" cy="{_f(frame.y(v, 0, 100))}" r="4" fill="{band_colour(v)}" '
            f'stroke="{INDEX_COLOUR}"><title>{escape(d.isoformat())}: {v:.2f}</title></circle>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def sentiment_chart(
    rows: Sequence[tuple[date, float, int, float | None]], *, start: date, end: date, label: str, size: str = "narrow"
) -> Markup:
    """Filings per day as bars (right axis) under the day's sentiment and its decayed value (left, 0-100).

    rows: (date, sentiment_score, n_disclosures, decayed_sentiment_score or None).
    """
    frame = _Frame(start, end, size)
    parts = [
        f'<svg class="chart" viewBox="0 0 {_f(frame.W)} {_f(frame.H)}" role="img" aria-label="{escape(label)}">',
        *_left_index_axis(frame),
        *_x_axis(frame),
    ]
    rows = [r for r in rows if start <= r[0] <= end]
    if rows:
        lo, hi, step = _nice_range(0, max(max(r[2] for r in rows), 1))
        lo = 0
        parts += _right_axis(frame, lo, hi, step, "#627d98")
        days = max((end - start).days, 1)
        w = max(0.8, (frame.x1 - frame.x0) / days * 0.7)
        for d, _, n, _ in rows:
            y = frame.y(n, lo, hi)
            parts.append(
                f'<rect x="{_f(frame.x(d) - w / 2)}" y="{_f(y)}" width="{_f(w)}" height="{_f(frame.y0 - y)}" '
                f'fill="{COUNT_COLOUR}"/>'
            )
        parts.append(
            f'<path d="{_path(frame, [(r[0], r[1]) for r in rows], 0, 100)}" fill="none" stroke="{INDEX_COLOUR}" '
            'stroke-width="1.2" stroke-opacity="0.75"/>'
        )
        decayed = [(r[0], r[3]) for r in rows if r[3] is not None]
        if decayed:
            parts.append(f'<path d="{_path(frame, decayed, 0, 100)}" fill="none" stroke="#d35400" stroke-width="2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
