"""Charts as Vega-Lite specs (built with Altair), rendered offline by vl-convert.

HTML gets inline SVG (namespaces stripped, element ids made unique per chart so
several SVGs can share a page); the PDF gets PNG. No chart ever loads anything.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import OrderedDict

import altair as alt
import vl_convert as vlc

FONT = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
QUADRANT_COLOURS = {
    "In tandem": "#2e7d32",
    "Chaos risk": "#e65100",
    "Stagnation risk": "#1565c0",
    "Adrift": "#c62828",
    "Unclear": "#757575",
    "Not placed": "#bdbdbd",
}
CONSTRUCT_COLOURS = ["#1b6ca8", "#2e9e6b", "#d9822b", "#8e44ad", "#607d8b", "#c0392b"]
_counter = itertools.count(1)
_SVG_CACHE: OrderedDict[str, str] = OrderedDict()
_PNG_CACHE: OrderedDict[str, bytes] = OrderedDict()
_ENGINE = {"started": False}  # vl-convert runs threads: a process that used it must not fork


def engine_started() -> bool:
    """Whether this process has started vl-convert (then a forked child could hang)."""
    return _ENGINE["started"]


_CACHE_SIZE = 64


def _config(chart: alt.TopLevelMixin, **datasets: list[dict]) -> dict:
    """The Vega-Lite spec. Row data is passed as named `datasets` and joined after Altair
    has built the spec: Altair deep-copies inline values into every layer, which made the
    balance chart alone cost about a second a report."""
    spec = (
        chart.configure(font=FONT, background="white")
        .configure_mark(
            aria=False  # no per-mark descriptions: they would carry unrounded values
        )
        .configure_view(stroke="#cccccc")
        .configure_axis(labelFontSize=11, titleFontSize=12, gridColor="#eeeeee")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom", columns=3)
        .to_dict(validate=False)
    )
    spec.pop("$schema", None)
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def _domain(values: list[float], threshold: float) -> list[float]:
    low = min([threshold - 20, *values]) if values else threshold - 20
    return [max(0.0, (int(low) // 10) * 10.0), 100.0]


def quadrant_chart(points: list[dict], threshold: float, crowded: bool = False) -> dict:
    """Leadership index (y) against management index (x), with intervals and the lines."""
    xs = [p[k] for p in points for k in ("x", "x_lo") if p.get(k) is not None]
    ys = [p[k] for p in points for k in ("y", "y_lo") if p.get(k) is not None]
    x_dom, y_dom = _domain(xs, threshold), _domain(ys, threshold)
    x_scale = alt.Scale(domain=x_dom, nice=False, zero=False)
    y_scale = alt.Scale(domain=y_dom, nice=False, zero=False)

    def xq(name: str) -> alt.X:
        return alt.X(
            f"{name}:Q",
            scale=x_scale,
            title="Management index (clarity of expectations, accountability)",
        )

    def yq(name: str) -> alt.Y:
        return alt.Y(f"{name}:Q", scale=y_scale, title="Leadership index (trust, empowerment)")

    x, y = xq("x"), yq("y")
    pad_x, pad_y = (x_dom[1] - x_dom[0]) * 0.02, (y_dom[1] - y_dom[0]) * 0.035
    corners = [
        {"x": x_dom[1] - pad_x, "y": y_dom[1] - pad_y, "t": "In tandem", "a": "right", "b": "top"},
        {
            "x": x_dom[0] + pad_x,
            "y": y_dom[1] - pad_y,
            "t": "Chaos risk:\nvision without execution",
            "a": "left",
            "b": "top",
        },
        {
            "x": x_dom[1] - pad_x,
            "y": y_dom[0] + pad_y,
            "t": "Stagnation risk:\norder without inspiration",
            "a": "right",
            "b": "bottom",
        },
        {"x": x_dom[0] + pad_x, "y": y_dom[0] + pad_y, "t": "Adrift", "a": "left", "b": "bottom"},
    ]
    layers = []
    for align in ("left", "right"):
        for baseline in ("top", "bottom"):
            rows = [c for c in corners if c["a"] == align and c["b"] == baseline]
            layers.append(
                alt.Chart(alt.Data(values=rows))
                .mark_text(
                    align=align,
                    baseline=baseline,
                    fontSize=11,
                    color="#666666",
                    fontStyle="italic",
                    lineBreak="\n",
                )
                .encode(x=x, y=y, text="t:N")
            )
    lines = alt.Data(values=[{"v": threshold}])
    layers.append(alt.Chart(lines).mark_rule(strokeDash=[5, 4], color="#555555").encode(x=xq("v")))
    layers.append(alt.Chart(lines).mark_rule(strokeDash=[5, 4], color="#555555").encode(y=yq("v")))
    data = alt.Data(name="points")
    bar_opacity = 0.35 if crowded else 1.0
    layers.append(
        alt.Chart(data)
        .mark_rule(color="#888888", opacity=bar_opacity)
        .encode(x=xq("x_lo"), x2="x_hi:Q", y=y)
    )
    layers.append(
        alt.Chart(data)
        .mark_rule(color="#888888", opacity=bar_opacity)
        .encode(y=yq("y_lo"), y2="y_hi:Q", x=x)
    )
    present = [q for q in QUADRANT_COLOURS if any(p["quadrant"] == q for p in points)]
    colour = alt.Color(
        "quadrant:N",
        title="Most likely quadrant (hollow: uncertain)",
        scale=alt.Scale(domain=present, range=[QUADRANT_COLOURS[q] for q in present]),
        legend=alt.Legend(titleLimit=420, symbolStrokeWidth=2),
    )
    for certain in (True, False):  # hollow dots: an interval crosses a line
        layers.append(
            alt.Chart(data)
            .mark_point(filled=certain, opacity=1, strokeWidth=2)
            .encode(
                x=x,
                y=y,
                color=colour,
                size=alt.Size("size:Q", legend=None, scale=None),
            )
            .transform_filter(f"datum.certain == {str(certain).lower()}")
        )
    for weight in ("normal", "bold"):
        layers.append(
            alt.Chart(data)
            .mark_text(
                align="left",
                dx=7,
                dy=-7,
                fontSize=11,
                fontWeight=weight,
            )
            .encode(x=x, y=y, text="label:N")
            .transform_filter(f"datum.weight == '{weight}'")
        )
    chart = alt.layer(*layers).properties(width=440, height=360)
    return _config(chart, points=points)


def trend_chart(rows: list[dict], waves: list[str]) -> dict:
    """Score per construct across waves, with each wave's interval."""
    data = alt.Data(name="rows")
    x = alt.X("wave:N", sort=waves, title="Wave", axis=alt.Axis(labelAngle=0))
    colour = alt.Color(
        "construct:N",
        title=None,
        scale=alt.Scale(range=CONSTRUCT_COLOURS),
        sort=list(dict.fromkeys(r["construct"] for r in rows)),
        legend=alt.Legend(symbolOpacity=1, symbolType="circle"),
    )
    lows = [r[k] for r in rows for k in ("lo", "score") if r.get(k) is not None]
    highs = [r[k] for r in rows for k in ("hi", "score") if r.get(k) is not None]
    domain = [max(0, (int(min(lows)) // 10 - 1) * 10), min(100, (int(max(highs)) // 10 + 2) * 10)]
    y = alt.Y(
        "score:Q", scale=alt.Scale(domain=domain, zero=False, nice=False), title="Score (0–100)"
    )
    base = alt.Chart(data)
    chart = alt.layer(
        base.mark_line(point=alt.OverlayMarkDef(size=50, filled=True)).encode(
            x=x, y=y, color=colour
        ),
        base.mark_rule(opacity=0.45, strokeWidth=2).encode(
            x=x,
            y=alt.Y("lo:Q", scale=alt.Scale(domain=domain, zero=False, nice=False)),
            y2="hi:Q",
            color=colour,
        ),
    ).properties(width=440, height=220)
    return _config(chart, rows=rows)


def enps_domain(rows: list[dict]) -> list[float]:
    """The eNPS axis: the data and zero, with at least a point of room, to the next 10,
    within -100..100."""
    values = [0.0] + [
        float(r[k]) for r in rows for k in ("enps", "lo", "hi") if r.get(k) is not None
    ]
    low = max(-100.0, math.floor((min(values) - 1) / 10) * 10.0)
    high = min(100.0, math.ceil((max(values) + 1) / 10) * 10.0)
    return [low, high]


def enps_chart(rows: list[dict], waves: list[str]) -> dict:
    data = alt.Data(name="rows")
    x = alt.X("wave:N", sort=waves, title="Wave", axis=alt.Axis(labelAngle=0))
    scale = alt.Scale(domain=enps_domain(rows), nice=False, zero=False)
    base = alt.Chart(data)
    zero = (
        alt.Chart(alt.Data(values=[{"v": 0}]))
        .mark_rule(color="#999999")
        .encode(y=alt.Y("v:Q", scale=scale))
    )
    chart = alt.layer(
        zero,
        base.mark_rule(color="#1b6ca8", strokeWidth=2).encode(
            x=x, y=alt.Y("lo:Q", scale=scale), y2="hi:Q"
        ),
        base.mark_point(filled=True, size=70, color="#1b6ca8").encode(
            x=x, y=alt.Y("enps:Q", scale=scale, title="eNPS")
        ),
    ).properties(width=440, height=180)
    return _config(chart, rows=rows)


def favourable_chart(rows: list[dict]) -> dict:
    """Stacked % favourable / neutral / unfavourable per construct."""
    order = {"Favourable": 0, "Neutral": 1, "Unfavourable": 2}
    data = alt.Data(name="rows")
    chart = (
        alt.Chart(data)
        .mark_bar(height=18)
        .encode(
            y=alt.Y(
                "construct:N", title=None, sort=list(dict.fromkeys(r["construct"] for r in rows))
            ),
            x=alt.X("pct:Q", stack="zero", title="% of answers", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "part:N",
                title=None,
                sort=list(order),
                scale=alt.Scale(domain=list(order), range=["#2e7d32", "#bdbdbd", "#c62828"]),
            ),
            order=alt.Order("o:Q"),
        )
        .properties(width=440, height=alt.Step(26))
    )
    return _config(chart, rows=[r | {"o": order[r["part"]]} for r in rows])


def raw_svg(spec: dict) -> str:
    """vl-convert's SVG for a spec, cached: HTML and PDF of one report share each chart."""
    key = json.dumps(spec, sort_keys=True, default=str)
    if key in _SVG_CACHE:
        _SVG_CACHE.move_to_end(key)
        return _SVG_CACHE[key]
    _ENGINE["started"] = True
    svg = vlc.vegalite_to_svg(spec)
    _SVG_CACHE[key] = svg
    if len(_SVG_CACHE) > _CACHE_SIZE:
        _SVG_CACHE.popitem(last=False)
    return svg


def to_svg(spec: dict) -> str:
    """Inline-ready SVG: no XML namespaces (HTML5 infers them) and page-unique ids."""
    svg = raw_svg(spec)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    prefix = f"c{next(_counter)}-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    return svg


def to_png(spec: dict, scale: float = 2.0) -> bytes:
    """The chart as PNG, cached: the PDF measures a chart before it draws it."""
    key = json.dumps([spec, scale], sort_keys=True, default=str)
    if key in _PNG_CACHE:
        _PNG_CACHE.move_to_end(key)
        return _PNG_CACHE[key]
    png = vlc.svg_to_png(raw_svg(spec), scale=scale)
    _PNG_CACHE[key] = png
    if len(_PNG_CACHE) > 8:
        _PNG_CACHE.popitem(last=False)
    return png
