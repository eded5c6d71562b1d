"""The README picture: the first screen of an organisation report, drawn as a PNG.

    python -m pipelines.domain.report.picture data/marts/tandem.duckdb docs/img/demo-org-report.png

It is drawn from the same document the reports are made of (title, summary, scores and the
balance chart), with matplotlib and vl-convert, so no browser is needed. The PNG carries
the SHA-256 of what it shows (`tandem-source`), and a test recomputes it from the demo's
marts: when the demo's report changes, the picture must be made again, so it cannot drift.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import textwrap
from pathlib import Path

from . import charts
from .build import build_document
from .load import Marts, scope_data
from .model import Bullets, Chart, Document, Table

SOURCE_KEY = "tandem-source"
WIDTH_IN, HEIGHT_IN, DPI = 11.0, 12.5, 100


def org_document(marts_path: Path, wave: str | None = None, **params: float) -> Document:
    """The organisation report's document of a wave (default: the latest)."""
    k = int(params.get("k", 5))
    marts = Marts.open(marts_path, k)
    wave = wave or marts.waves[-1]
    threshold = float(params.get("threshold", 60.0))
    data = scope_data(marts, wave, "org", marts.org_id(wave) or "", threshold)
    return build_document(
        data, k=k, comment_k=int(params.get("comment_k", 10)), threshold=threshold
    )


def content(doc: Document) -> dict:
    """What the picture shows: the title, the summary, the scores and the balance chart."""
    summary = next(s for s in doc.sections if s.anchor == "summary")
    scores = next(s for s in doc.sections if s.anchor == "scores")
    balance = next(s for s in doc.sections if s.anchor == "balance")
    table = next(b for b in scores.blocks if isinstance(b, Table))
    chart = next((b for b in balance.blocks if isinstance(b, Chart)), None)
    return {
        "title": doc.title,
        "subtitle": doc.subtitle,
        "summary": [i for b in summary.blocks if isinstance(b, Bullets) for i in b.items],
        "columns": table.columns[:3],
        "rows": [[c.text for c in row[:3]] for row in table.rows],
        "chart": chart.spec if chart else None,
    }


def source_digest(doc: Document) -> str:
    text = json.dumps(content(doc), sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def draw(doc: Document) -> bytes:
    """The PNG (1100 x 1250 px), with the digest of its content in a text chunk."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image, PngImagePlugin

    shown = content(doc)
    fig = plt.figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    fig.patch.set_facecolor("white")
    y = 0.965
    fig.text(0.05, y, shown["title"], fontsize=22, weight="bold", color="#1f2933")
    fig.text(0.05, y - 0.03, shown["subtitle"], fontsize=12, color="#52606d")
    fig.add_artist(plt.Line2D([0.05, 0.95], [y - 0.042] * 2, color="#1b6ca8", linewidth=2))
    y -= 0.08
    fig.text(0.05, y, "Summary", fontsize=15, weight="bold", color="#1f2933")
    y -= 0.028
    for item in shown["summary"]:
        lines = textwrap.wrap(item, 118)
        fig.text(0.06, y, "•\n" + "\n" * (len(lines) - 1), fontsize=10.5, va="top")
        fig.text(0.075, y, "\n".join(lines), fontsize=10.5, va="top", color="#1f2933")
        y -= 0.0185 * len(lines) + 0.006
    y -= 0.012
    fig.text(0.05, y, "Scores at a glance", fontsize=15, weight="bold", color="#1f2933")
    y -= 0.03
    for i, row in enumerate([shown["columns"], *shown["rows"]]):
        weight = "bold" if i == 0 else "normal"
        for x, text in zip((0.06, 0.34, 0.55), row, strict=False):
            fig.text(x, y, text, fontsize=10.5, weight=weight, color="#1f2933", va="top")
        y -= 0.02
    if shown["chart"] is not None and y > 0.3:
        png = charts.to_png(shown["chart"], scale=1.5)
        image = Image.open(io.BytesIO(png))
        height = y - 0.03
        ax = fig.add_axes((0.05, 0.01, 0.9, height))
        ax.imshow(image)
        ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    plt.close(fig)
    info = PngImagePlugin.PngInfo()
    info.add_text(SOURCE_KEY, source_digest(doc))
    out = io.BytesIO()
    Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").save(
        out, "PNG", pnginfo=info, optimize=True
    )
    return out.getvalue()


def digest_of_png(path: Path) -> str | None:
    from PIL import Image

    with Image.open(path) as image:
        return image.text.get(SOURCE_KEY)  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the README picture from published marts.")
    parser.add_argument("marts", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--wave", help="default: the latest wave")
    args = parser.parse_args(argv)
    args.out.write_bytes(draw(org_document(args.marts, args.wave)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
