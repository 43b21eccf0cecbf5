"""The dashboard's HTML: one Jinja2 template (autoescaped), its stylesheet, and the view model.

The stylesheet is allowed by its hash in the Content-Security-Policy; nothing else may load or
run (no script, no remote font: the font stack names the Korean fonts a machine has, Noto Sans
CJK KR first, which Debian's fonts-noto-cjk provides).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from dart_assets.api.dashboard import charts

DART_VIEWER = "https://dart.fss.or.kr/dsaf001/main.do?rcpNo={}"

LABELS_KO = {
    "extreme fear": "극단적 공포",
    "fear": "공포",
    "neutral": "중립",
    "greed": "탐욕",
    "extreme greed": "극단적 탐욕",
}
# Component -> (Korean name, what it measures): the fear_greed_index model's column descriptions.
COMPONENTS: dict[str, tuple[str, str]] = {
    "momentum": ("모멘텀", "KOSPI vs its 125-day mean"),
    "strength": ("주가 강도", "52-week highs minus lows"),
    "breadth": ("시장 폭", "McClellan summation"),
    "put_call": ("풋/콜 비율", "5-day put/call ratio, flipped"),
    "volatility": ("변동성", "VKOSPI vs its 50-day mean, flipped"),
    "safe_haven": ("안전자산 수요", "20-day stock minus bond return"),
    "junk_bond": ("정크본드 수요", "junk spread, flipped"),
    "disclosure_sentiment": ("공시 심리", "decayed daily disclosure sentiment"),
}
MODIFIERS_KO = {
    "amendment": "정정",
    "withdrawn": "철회",
    "subsidiary": "종속회사",
    "exchange_action": "거래소 조치",
    "size": "기업 규모",
    "routine": "정례 공시",
}

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --card: #fff; --bg: #f5f7fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic",
    system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; line-height: 1.45; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; padding: 14px 20px 4px; }
header h1 { font-size: 20px; margin: 0; }
header p { margin: 0; color: var(--muted); }
main { display: grid; gap: 14px; padding: 12px 20px 24px; grid-template-columns: minmax(0, 1fr);
  max-width: 1400px; margin: 0 auto; }
@media (min-width: 1000px) {
  main { grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); }
  .wide { grid-column: 1 / -1; }
}
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  min-width: 0; }
h2 { font-size: 15px; margin: 0 0 8px; }
h2 small, .muted { color: var(--muted); font-weight: normal; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
.gauge-box { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: center; }
.gauge { margin: 0; text-align: center; flex: 1 1 240px; max-width: 340px; }
.gauge-svg { width: 100%; height: auto; display: block; }
.gauge-value { font-size: 40px; font-weight: 700; line-height: 1; margin-top: -6px;
  font-variant-numeric: tabular-nums; }
.gauge-label { font-size: 17px; font-weight: 600; }
.compare { flex: 1 1 220px; }
.chip { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
.chart { width: 100%; height: auto; display: block; }
.chart-narrow { display: none; }
@media (max-width: 600px) { .chart-wide { display: none; } .chart-narrow { display: block; } }
.ranges { display: flex; gap: 4px; margin-bottom: 6px; flex-wrap: wrap; }
.ranges input { position: absolute; opacity: 0; pointer-events: none; }
.ranges label { border: 1px solid var(--line); border-radius: 4px; padding: 2px 10px; cursor: pointer;
  user-select: none; }
.range-chart { display: none; }
{range_rules}
.legend { display: flex; flex-wrap: wrap; gap: 2px 14px; color: var(--muted); font-size: 12px; margin-top: 4px; }
.legend i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 4px; }
.why { color: var(--muted); font-size: 12px; }
.why code { color: var(--ink); font-size: 12px; }
a { color: #0b62c4; text-decoration: none; }
a:hover { text-decoration: underline; }
.score { font-weight: 700; }
.ok { color: #2e7d32; } .bad { color: #c0392b; } .warn { color: #b9770e; }
.status-grid { display: grid; gap: 12px 24px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); }
ul.plain { margin: 0; padding-left: 18px; }
.nowrap { white-space: nowrap; }
@media (max-width: 600px) {
  header, main { padding-left: 8px; padding-right: 8px; }
  section { padding: 10px; }
  .movers td.title { min-width: 9em; }
  svg.bar { width: 56px; }
  .gauge { max-width: 280px; margin: 0 auto; }
  .movers th.why-col, .movers td.why-cell { display: none; }
  .movers .why-inline { display: block; }
}
.why-inline { display: none; }
h2.gap { margin-top: 12px; }
"""

TEMPLATE = """<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>KOSPI 공포·탐욕 지수 — dart-fg</title>
<style>{{ style }}</style>
</head>
<body>
<header>
  <h1>KOSPI 공포·탐욕 지수 <span class="muted">Fear &amp; Greed</span></h1>
  <p>{% if latest %}기준일 {{ latest.date }} · {% endif %}as of {{ today }} (Asia/Seoul) ·
    generated {{ generated_at }} · <a href="/api/dart/docs">API</a></p>
</header>
<main>
<section id="today">
  <h2>오늘의 지수 <small>today's index</small></h2>
  {% if latest %}
  <div class="gauge-box">
    <figure class="gauge">
      {{ gauge }}
      <div class="gauge-value"
        id="gauge-value" data-value="{{ latest.value }}" data-date="{{ latest.date }}">{{ fmt2(latest.value) }}</div>
      <div class="gauge-label" id="gauge-label" data-label="{{ latest.label }}">{{ ko(latest.label) }}
        <span class="muted">{{ latest.label }}</span></div>
    </figure>
    <table class="compare" id="compare">
      <thead><tr><th></th><th class="num">값</th><th>구간</th><th class="num">변화</th></tr></thead>
      <tbody>
      {% for c in compare %}
      <tr data-compare="{{ c.en }}"><td>{{ c.ko }} <span class="muted">{{ c.en }}</span>
        {% if c.row %}<br><span class="muted">{{ c.row.date }}</span>{% endif %}</td>
        {% if c.row %}
        <td class="num">{{ fmt2(c.row.value) }}</td>
        <td><span class="chip" data-band="{{ c.row.label }}"></span>{{ ko(c.row.label) }}</td>
        <td class="num">{{ delta(latest.value, c.row.value) }}</td>
        {% else %}<td class="num muted">–</td><td class="muted">no data</td><td></td>{% endif %}
      </tr>
      {% endfor %}
      </tbody>
    </table>
  </div>
  {% else %}
  <p class="muted" id="no-index">No index value yet{% if 'fear_greed_index' in missing %}
    (dart_marts.fear_greed_index is not built: run market_daily){% endif %}.</p>
  {% endif %}
</section>

<section id="components">
  <h2>구성 요소 <small>components: score (0–100) and weight</small></h2>
  {% if components %}
  <div class="scroll"><table>
    <thead><tr><th>요소</th><th class="num">점수</th><th></th><th class="num">가중치</th></tr></thead>
    <tbody>
    {% for c in components %}
    <tr data-component="{{ c.name }}"><td>{{ c.ko }} <span class="muted">{{ c.name }}</span>
        <br><span class="why">{{ c.what }}</span>
        {% if c.name == 'disclosure_sentiment' %}<br><span class="why" id="disclosure-quality">품질 quality
          {{ fmt4(c.quality) }} = coverage {{ fmt4(c.coverage) }} × completeness {{ fmt4(c.completeness) }}
          {% if c.note %}· {{ c.note }}{% endif %}</span>{% endif %}</td>
      <td class="num score" data-score="{{ c.score if c.score is not none else '' }}">{{ fmt1(c.score) }}</td>
      <td>{{ c.bar }}</td>
      <td class="num" data-weight="{{ c.weight if c.weight is not none else '' }}">{{ pct(c.weight) }}</td></tr>
    {% endfor %}
    </tbody>
  </table></div>
  {% else %}<p class="muted">No component weights yet.</p>{% endif %}
</section>

<section id="history" class="wide">
  <h2>지수 추이 <small>index history, KOSPI on the right axis</small></h2>
  {% if history_charts %}
  <div class="ranges" role="radiogroup" aria-label="range">
    {% for r in history_charts %}
    <input type="radio" name="range" id="range-{{ r.name }}" value="{{ r.name }}"
      {% if r.name == default_range %}checked{% endif %}>
    <label for="range-{{ r.name }}">{{ r.name }}</label>
    {% endfor %}
    <div class="range-charts">
    {% for r in history_charts %}<div class="range-chart" id="chart-{{ r.name }}" data-points="{{ r.points }}">
      {{- r.svg }}</div>{% endfor %}
    </div>
  </div>
  <div class="legend"><span><i class="l-index"></i>공포·탐욕 지수 (left)</span>
    <span><i class="l-kospi"></i>KOSPI 종가 (right)</span>
    {% for low, high, name, colour in bands %}<span><span class="chip band-{{ loop.index }}"></span>
      {{- ko(name) }} {{ low }}–{{ high }}</span>{% endfor %}</div>
  {% else %}<p class="muted">No index history yet.</p>{% endif %}
</section>

<section id="movers" class="wide">
  <h2>오늘의 주요 공시 <small>market-moving disclosures{% if filing_day %} of {{ filing_day }}{% endif %},
    by |impact − 50|</small></h2>
  {% if movers %}
  <div class="scroll"><table class="movers" id="movers-table">
    <thead><tr><th>회사</th><th>공시 제목</th><th class="num">영향 점수</th>
      <th class="why-col">근거 why</th></tr></thead>
    <tbody>
    {% for m in movers %}
    <tr data-rcept-no="{{ m.rcept_no }}">
      <td class="company">{{ m.company }}</td>
      <td class="title"><a href="{{ m.url }}" target="_blank" rel="noopener noreferrer">{{ m.title }}</a>
        <span class="why why-inline">{{ m.why }}</span></td>
      <td class="num score" data-impact="{{ m.impact_score }}">
        <span class="{{ 'ok' if m.impact_score > 50 else 'bad' }}">{{ fmt2(m.impact_score) }}</span></td>
      <td class="why why-cell">{{ m.why }}</td>
    </tr>
    {% endfor %}
    </tbody>
  </table></div>
  {% elif filing_day %}<p class="muted" id="no-movers">No filing of {{ filing_day }} moves the score from neutral.</p>
  {% else %}<p class="muted" id="no-movers">No scored filings yet.</p>{% endif %}
  {% if events %}
  <h2 class="gap">탐지된 이벤트 <small>market-moving events detected that day</small></h2>
  <ul class="plain" id="events">{% for e in events %}<li><code>{{ e.kind }}</code>
    {{ e.get('description') or e.event_id }}
    {% if e.get('z_score') is not none %}<span class="muted">z {{ fmt2(e.z_score) }}</span>{% endif %}</li>
    {%- endfor %}</ul>
  {% endif %}
</section>

<section id="sentiment">
  <h2>공시 심리 <small>daily disclosure sentiment and filings</small></h2>
  {% if sentiment_chart %}
  {{ sentiment_chart }}
  <div class="legend"><span><i class="l-sent"></i>sentiment_score (left)</span>
    <span><i class="l-decay"></i>decayed (index input)</span>
    <span><i class="l-count"></i>filings per day (right)</span></div>
  {% if sentiment_last %}<p class="muted">{{ sentiment_last.date }}: {{ sentiment_last.n_disclosures }} filings,
    sentiment {{ fmt2(sentiment_last.sentiment_score) }}</p>{% endif %}
  {% else %}<p class="muted">No disclosure sentiment yet.</p>{% endif %}
</section>

<section id="pipeline">
  <h2>파이프라인 상태 <small>pipeline status</small></h2>
  <div class="status-grid">
  <div class="scroll"><table id="loads">
    <thead><tr><th>asset</th><th>last partition</th><th class="num">loaded</th></tr></thead>
    <tbody>
    {% for l in loads %}<tr data-asset="{{ l.asset_key }}"><td>{{ l.asset_key }}</td>
      <td class="nowrap">{{ l.last_partition }}</td>
      <td class="num">{{ ago(l.last_loaded_at) }}</td></tr>
    {% else %}<tr><td colspan="3" class="muted">nothing loaded yet</td></tr>{% endfor %}
    </tbody></table></div>
  <div>
    <p id="incidents-count"><strong class="{{ 'bad' if incidents else 'ok' }}">{{ incidents|length }}</strong>
      open incident(s)</p>
    {% if incidents %}<ul class="plain" id="incidents">
      {%- for i in incidents %}<li><code>{{ i.kind }}</code> {{ i.summary }}
      <span class="muted">since {{ ago(i.opened_at) }}</span></li>{% endfor %}</ul>{% endif %}
    <p id="quota"><strong>API calls today</strong> ({{ today }}):
      {% for q in quota %}<br><code>{{ q.key_id }}</code> {{ "{:,}".format(q.calls) }}
      {%- if q.budget %} / {{ "{:,}".format(q.budget) }}
        ({{ pct(q.calls / q.budget) }}){% endif %}{% if q.exhausted %} <span class="bad">exhausted</span>{% endif %}
      {% else %}<span class="muted">none</span>{% endfor %}</p>
    <p>dead letters: {% for s, n in dead_letters.items() %}{{ s }} {{ n }}{{ ", " if not loop.last }}
      {%- else %}<span class="ok">none</span>{% endfor %}
      · breaker: {% for b in breakers %}{{ b.name }} <span class="{{ 'bad' if b.state != 'closed' else 'ok' }}">
      {{- b.state }}</span>{{ ", " if not loop.last }}{% else %}<span class="ok">closed</span>{% endfor %}</p>
  </div>
  </div>
  {% if missing %}<p class="warn">Not built yet: {{ missing|join(", ") }}.</p>{% endif %}
</section>
</main>
</body>
</html>
"""


def _range_rules(names: Sequence[str]) -> str:
    chips = "".join(f".band-{i} {{ background: {c}; }}\n" for i, (_, _, _, c) in enumerate(charts.BANDS, start=1))
    rules = "".join(
        f"#range-{n}:checked ~ .range-charts #chart-{n} {{ display: block; }}\n"
        f"#range-{n}:checked + label {{ background: {charts.INDEX_COLOUR}; color: #fff; "
        f"border-color: {charts.INDEX_COLOUR}; }}\n"
        for n in names
    )
    lines = (
        f".l-index {{ background: {charts.INDEX_COLOUR}; }} .l-kospi {{ background: {charts.KOSPI_COLOUR}; }}\n"
        f".l-sent {{ background: {charts.INDEX_COLOUR}; opacity: .75; }} .l-decay {{ background: #d35400; }}\n"
        f".l-count {{ background: {charts.COUNT_COLOUR}; height: 8px !important; }}\n"
        ".range-charts { flex-basis: 100%; }\n"
    )
    return chips + rules + lines


def _band_chip_rules() -> str:
    return "".join(f'.chip[data-band="{name}"] {{ background: {c}; }}\n' for _, _, name, c in charts.BANDS)


RANGE_NAMES = ("1M", "3M", "6M", "1Y", "All")
STYLESHEET = STYLE.replace("{range_rules}", _range_rules(RANGE_NAMES) + _band_chip_rules())
_HASH = base64.b64encode(hashlib.sha256(STYLESHEET.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{_HASH}'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

_env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_template = _env.from_string(TEMPLATE)


def _num(v: Any) -> float | None:
    if v is None:
        return None
    return float(v) if isinstance(v, (int, float, Decimal)) else None


def fmt(v: Any, digits: int) -> str:
    n = _num(v)
    return "–" if n is None else f"{n:.{digits}f}"


def _pct(v: Any) -> str:
    n = _num(v)
    return "–" if n is None else f"{n * 100:.1f}%"


def _delta(now: Any, then: Any) -> Markup:
    a, b = _num(now), _num(then)
    if a is None or b is None:
        return Markup("")
    d = a - b
    cls = "ok" if d > 0 else "bad" if d < 0 else "muted"
    return Markup(f'<span class="{cls}">{d:+.2f}</span>')


def _ago(at: Any, now: datetime) -> str:
    if not isinstance(at, datetime):
        return "–"
    seconds = (now - at).total_seconds()
    if seconds < 90:
        return f"{max(0, round(seconds))} s ago"
    if seconds < 5400:
        return f"{round(seconds / 60)} min ago"
    if seconds < 172800:
        return f"{round(seconds / 3600)} h ago"
    return f"{round(seconds / 86400)} d ago"


def _why(row: dict[str, Any]) -> str:
    """The rule and the facts behind a filing's score, from its disclosure_impact_scores row."""
    parts = [str(row.get("event_type") or "other")]
    if row.get("event_condition"):
        parts[0] += f" ({row['event_condition']})"
    if row.get("taxonomy_priority") is not None:
        parts.append(f"taxonomy rule {row['taxonomy_priority']}")
    base, final = _num(row.get("base_expected_ar_pct")), _num(row.get("expected_ar_pct"))
    if final is not None:
        changed = base is not None and base != final
        parts.append(f"expected AR {base:+.2f}% → {final:+.2f}%" if changed else f"expected AR {final:+.2f}%")
    mods = [m.strip() for m in (row.get("modifiers") or "").split(",") if m.strip()]
    if mods:
        text = ", ".join(f"{MODIFIERS_KO.get(m, m)} {m}" for m in mods)
        size = _num(row.get("size_factor"))
        if "size" in mods and size is not None:
            text += f" ×{size:.2f}"
        parts.append(f"modifiers: {text}")
    if row.get("half_life_days") is not None:
        parts.append(f"half-life {fmt(row['half_life_days'], 0)} d")
    return " · ".join(parts)


def _components(latest: dict[str, Any], weights: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_name = {w["component"]: w for w in weights}
    names = [c for c in COMPONENTS if c in by_name or f"{c}_score" in latest]
    names += [c for c in by_name if c not in names]
    out = []
    for name in names:
        ko, what = COMPONENTS.get(name, (name, ""))
        w = by_name.get(name, {})
        score = _num(latest.get(f"{name}_score"))
        note = ""
        if name == "disclosure_sentiment":
            if score is None:
                note = "no score on this date"
            elif not _num(w.get("weight")):
                note = "quality below the minimum: weight 0"
        out.append(
            {
                "name": name,
                "ko": ko,
                "what": what,
                "score": score,
                "weight": _num(w.get("weight")),
                "quality": w.get("quality"),
                "coverage": w.get("coverage"),
                "completeness": w.get("completeness"),
                "note": note,
                "bar": charts.bar(score),
            }
        )
    return out


def _history(data: dict[str, Any], ranges: Sequence[tuple[str, int | None]]) -> list[dict[str, Any]]:
    history = [(r["date"], float(r["value"])) for r in data.get("history") or []]
    if not history:
        return []
    kospi = [(r["date"], float(r["close"])) for r in data.get("kospi") or []]
    end = history[-1][0]
    out = []
    for name, days in ranges:
        start = history[0][0] if days is None else max(history[0][0], date.fromordinal(end.toordinal() - days))
        if start >= end:
            start = date.fromordinal(end.toordinal() - 1)
        points = sum(1 for d, _ in history if start <= d <= end)
        svg = Markup("").join(
            charts.history_chart(history, kospi, start=start, end=end, label=f"index and KOSPI, {name}", size=size)
            for size in charts.SIZES
        )
        out.append({"name": name, "svg": svg, "points": points})
    return out


def _sentiment(data: dict[str, Any]) -> tuple[Markup | None, dict[str, Any] | None]:
    rows = data.get("sentiment") or []
    if not rows:
        return None, None
    start, end = data["sentiment_range"]
    series = [
        (r["date"], float(r["sentiment_score"]), int(r["n_disclosures"]), _num(r.get("decayed_sentiment_score")))
        for r in rows
    ]
    return charts.sentiment_chart(series, start=start, end=end, label="disclosure sentiment"), rows[-1]


def render(data: dict[str, Any], *, ranges: Sequence[tuple[str, int | None]], default_range: str) -> str:
    assert tuple(n for n, _ in ranges) == RANGE_NAMES, "the stylesheet's range rules name these ranges"
    now = data.get("generated_at") or datetime.now(UTC)
    latest = data.get("latest")
    movers = [
        {
            **m,
            "company": m.get("corp_name") or m.get("filer_corp_name") or m["corp_code"],
            "title": (
                m.get("report_nm") or m.get("filed_report_nm") or m.get("event_title") or m["event_type"]
            ).strip(),
            "url": DART_VIEWER.format(m["rcept_no"]),
            "why": _why(m),
        }
        for m in data.get("movers") or []
    ]
    budgets = data.get("budgets") or {}
    quota = [{**q, "budget": budgets.get("market" if ":" in q["key_id"] else "dart")} for q in data.get("quota") or []]
    sentiment_svg, sentiment_last = _sentiment(data)
    return _template.render(
        style=Markup(STYLESHEET),
        today=data["today"],
        generated_at=now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        latest=latest,
        gauge=charts.gauge(float(latest["value"]), latest["label"]) if latest else "",
        compare=data.get("compare") or [],
        components=_components(latest, data.get("weights") or []) if latest else [],
        history_charts=_history(data, ranges),
        default_range=default_range,
        bands=charts.BANDS,
        filing_day=data.get("filing_day"),
        movers=movers,
        events=data.get("events") or [],
        sentiment_chart=sentiment_svg,
        sentiment_last=sentiment_last,
        loads=data.get("loads") or [],
        incidents=data.get("incidents") or [],
        quota=quota,
        dead_letters=data.get("dead_letters") or {},
        breakers=data.get("breakers") or [],
        missing=data.get("missing") or [],
        ko=lambda label: LABELS_KO.get(label, label),
        fmt1=lambda v: fmt(v, 1),
        fmt2=lambda v: fmt(v, 2),
        fmt4=lambda v: fmt(v, 4),
        pct=_pct,
        delta=_delta,
        ago=lambda at: _ago(at, now),
    )
