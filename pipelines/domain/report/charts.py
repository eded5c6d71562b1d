"""Charts as Vega-Lite specs (plain dicts), rendered offline by vl-convert.

HTML gets inline SVG (namespaces stripped, element ids made unique per chart so
several SVGs can share a page); the PDF gets PNG. No chart ever loads anything.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import OrderedDict

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


def _spec(body: dict, **datasets: list[dict]) -> dict:
    """A whole Vega-Lite spec: the shared look, then the chart. Row data is passed as named
    `datasets`, so each layer names it instead of carrying a copy."""
    config = {
        "axis": {"gridColor": "#eeeeee", "labelFontSize": 11, "titleFontSize": 12},
        "background": "white",
        "font": FONT,
        "legend": {"columns": 3, "labelFontSize": 11, "orient": "bottom", "titleFontSize": 11},
        "mark": {"aria": False},  # no per-mark descriptions: they would carry unrounded values
        "view": {"continuousHeight": 300, "continuousWidth": 300, "stroke": "#cccccc"},
    }
    spec = {"config": config, **body}
    if datasets:
        spec["datasets"] = datasets
    return spec


def _field(name: str, kind: str | None = None, **more: object) -> dict:
    """One encoding channel: a field, its type (none for x2/y2) and any options."""
    channel: dict[str, object] = {"field": name}
    if kind:
        channel["type"] = kind
    return channel | more


def _domain(values: list[float], threshold: float) -> list[float]:
    low = min([threshold - 20, *values]) if values else threshold - 20
    return [max(0.0, (int(low) // 10) * 10.0), 100.0]


def quadrant_chart(points: list[dict], threshold: float, crowded: bool = False) -> dict:
    """Leadership index (y) against management index (x), with intervals and the lines."""
    xs = [p[k] for p in points for k in ("x", "x_lo") if p.get(k) is not None]
    ys = [p[k] for p in points for k in ("y", "y_lo") if p.get(k) is not None]
    x_dom, y_dom = _domain(xs, threshold), _domain(ys, threshold)

    def axis(domain: list, title: str):
        def field(name: str) -> dict:
            scale = {"domain": domain, "nice": False, "zero": False}
            return _field(name, "quantitative", scale=scale, title=title)

        return field

    xq = axis(x_dom, "Management index (clarity of expectations, accountability)")
    yq = axis(y_dom, "Leadership index (trust, empowerment)")

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
    layers: list[dict] = []
    for align in ("left", "right"):
        for baseline in ("top", "bottom"):
            rows = [c for c in corners if c["a"] == align and c["b"] == baseline]
            mark = {"type": "text", "align": align, "baseline": baseline, "fontSize": 11}
            mark |= {"color": "#666666", "fontStyle": "italic", "lineBreak": "\n"}
            encoding = {"text": _field("t", "nominal"), "x": xq("x"), "y": yq("y")}
            layers.append({"data": {"values": rows}, "encoding": encoding, "mark": mark})
    for channel, axis in (("x", xq), ("y", yq)):
        layers.append(
            {
                "data": {"values": [{"v": threshold}]},
                "encoding": {channel: axis("v")},
                "mark": {"type": "rule", "color": "#555555", "strokeDash": [5, 4]},
            }
        )
    data = {"name": "points"}
    bar = {"type": "rule", "color": "#888888", "opacity": 0.35 if crowded else 1.0}
    layers.append(
        {
            "data": data,
            "encoding": {"x": xq("x_lo"), "x2": _field("x_hi"), "y": yq("y")},
            "mark": bar,
        }
    )
    layers.append(
        {
            "data": data,
            "encoding": {"y": yq("y_lo"), "y2": _field("y_hi"), "x": xq("x")},
            "mark": bar,
        }
    )
    present = [q for q in QUADRANT_COLOURS if any(p["quadrant"] == q for p in points)]
    colour = _field(
        "quadrant",
        "nominal",
        title="Most likely quadrant (hollow: uncertain)",
        scale={"domain": present, "range": [QUADRANT_COLOURS[q] for q in present]},
        legend={"titleLimit": 420, "symbolStrokeWidth": 2},
    )
    size = _field("size", "quantitative", legend=None, scale=None)
    for certain in (True, False):  # hollow dots: an interval crosses a line
        layers.append(
            {
                "data": data,
                "encoding": {"x": xq("x"), "y": yq("y"), "color": colour, "size": size},
                "mark": {"type": "point", "filled": certain, "opacity": 1, "strokeWidth": 2},
                "transform": [{"filter": f"datum.certain == {str(certain).lower()}"}],
            }
        )
    for weight in ("normal", "bold"):
        layers.append(
            {
                "data": data,
                "encoding": {"x": xq("x"), "y": yq("y"), "text": _field("label", "nominal")},
                "mark": {"type": "text", "align": "left", "dx": 7, "dy": -7, "fontSize": 11}
                | {"fontWeight": weight},
                "transform": [{"filter": f"datum.weight == '{weight}'"}],
            }
        )
    return _spec({"layer": layers, "width": 440, "height": 360}, points=points)


def _wave_axis(waves: list[str]) -> dict:
    return _field("wave", "nominal", sort=waves, title="Wave", axis={"labelAngle": 0})


def trend_chart(rows: list[dict], waves: list[str]) -> dict:
    """Score per construct across waves, with each wave's interval."""
    colour = _field(
        "construct",
        "nominal",
        title=None,
        scale={"range": CONSTRUCT_COLOURS},
        sort=list(dict.fromkeys(r["construct"] for r in rows)),
        legend={"symbolOpacity": 1, "symbolType": "circle"},
    )
    lows = [r[k] for r in rows for k in ("lo", "score") if r.get(k) is not None]
    highs = [r[k] for r in rows for k in ("hi", "score") if r.get(k) is not None]
    domain = [max(0, (int(min(lows)) // 10 - 1) * 10), min(100, (int(max(highs)) // 10 + 2) * 10)]
    scale = {"domain": domain, "zero": False, "nice": False}
    line = {
        "encoding": {
            "x": _wave_axis(waves),
            "y": _field("score", "quantitative", scale=scale, title="Score (0–100)"),
            "color": colour,
        },
        "mark": {"type": "line", "point": {"size": 50, "filled": True}},
    }
    interval = {
        "encoding": {
            "x": _wave_axis(waves),
            "y": _field("lo", "quantitative", scale=dict(scale)),
            "y2": _field("hi"),
            "color": colour,
        },
        "mark": {"type": "rule", "opacity": 0.45, "strokeWidth": 2},
    }
    body = {"data": {"name": "rows"}, "layer": [line, interval], "width": 440, "height": 220}
    return _spec(body, rows=rows)


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
    scale = {"domain": enps_domain(rows), "nice": False, "zero": False}
    data = {"name": "rows"}
    zero = {
        "data": {"values": [{"v": 0}]},
        "encoding": {"y": _field("v", "quantitative", scale=scale)},
        "mark": {"type": "rule", "color": "#999999"},
    }
    interval = {
        "data": data,
        "encoding": {
            "x": _wave_axis(waves),
            "y": _field("lo", "quantitative", scale=scale),
            "y2": _field("hi"),
        },
        "mark": {"type": "rule", "color": "#1b6ca8", "strokeWidth": 2},
    }
    point = {
        "data": data,
        "encoding": {
            "x": _wave_axis(waves),
            "y": _field("enps", "quantitative", scale=scale, title="eNPS"),
        },
        "mark": {"type": "point", "filled": True, "size": 70, "color": "#1b6ca8"},
    }
    return _spec({"layer": [zero, interval, point], "width": 440, "height": 180}, rows=rows)


def favourable_chart(rows: list[dict]) -> dict:
    """Stacked % favourable / neutral / unfavourable per construct."""
    order = {"Favourable": 0, "Neutral": 1, "Unfavourable": 2}
    encoding = {
        "y": _field(
            "construct",
            "nominal",
            title=None,
            sort=list(dict.fromkeys(r["construct"] for r in rows)),
        ),
        "x": _field(
            "pct", "quantitative", stack="zero", title="% of answers", scale={"domain": [0, 100]}
        ),
        "color": _field(
            "part",
            "nominal",
            title=None,
            sort=list(order),
            scale={"domain": list(order), "range": ["#2e7d32", "#bdbdbd", "#c62828"]},
        ),
        "order": _field("o", "quantitative"),
    }
    body = {
        "data": {"name": "rows"},
        "encoding": encoding,
        "mark": {"type": "bar", "height": 18},
        "width": 440,
        "height": {"step": 26},
    }
    return _spec(body, rows=[r | {"o": order[r["part"]]} for r in rows])


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
