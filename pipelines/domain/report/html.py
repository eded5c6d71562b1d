"""Render a Document as one self-contained HTML file (inline CSS and SVG, no scripts)."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from string import Template

from pipelines.domain.comments.clean import strip_invisible

from . import charts
from .model import Bullets, Cell, Chart, Document, Paragraph, Quote, Subheading, Table

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _template() -> Template:
    return Template((TEMPLATES / "page.html").read_text(encoding="utf-8"))


@cache
def css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def esc(text: object) -> str:
    """Every string the HTML shows or puts in an attribute: inert text, never markup."""
    return escape(strip_invisible(str(text), keep="\n\t"), quote=True)


def inert_spec(spec: object) -> object:
    """A chart spec with every string stripped of invisible characters (its labels come
    from the marts); the SVG renderer escapes markup itself."""
    if isinstance(spec, str):
        return strip_invisible(spec, keep="\n\t")
    if isinstance(spec, dict):
        return {key: inert_spec(value) for key, value in spec.items()}
    if isinstance(spec, list):
        return [inert_spec(value) for value in spec]
    return spec


def page(title: str, body: str, footer: str) -> str:
    return _template().substitute(title=esc(title), css=css(), body=body, footer=esc(footer))


def _cell(cell: Cell, tag: str = "td") -> str:
    classes = []
    if cell.suppressed:
        classes.append("suppressed")
    else:
        classes += {"right": ["r"], "center": ["c"]}.get(cell.align, [])
    if cell.bold:
        classes.append("b")
    if cell.indent:
        classes.append(f"i{min(cell.indent, 1)}")
    attrs = "".join(f' data-{esc(k)}="{esc(v)}"' for k, v in cell.attrs.items())
    if classes:
        attrs += f' class="{" ".join(classes)}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.fill and not cell.suppressed:
        attrs += f' style="background:{esc(cell.fill)}"'
    text = f'<a href="{esc(cell.href)}">{esc(cell.text)}</a>' if cell.href else esc(cell.text)
    return f"<{tag}{attrs}>{text}</{tag}>"


def _table(table: Table) -> str:
    if table.kind == "legend":
        swatches = "".join(
            f'<span class="sw" style="background:{esc(c.fill or "#fff")}">{esc(c.text)}</span>'
            for c in table.rows[0]
        )
        return f'<div class="legend"><span>{esc(table.columns[0])}:</span>{swatches}</div>'
    attrs = "".join(f' data-{esc(k)}="{esc(v)}"' for k, v in table.attrs.items())
    parts = [f'<table class="{esc(table.kind)}"{attrs}>']
    if table.caption:
        parts.append(f"<caption>{esc(table.caption)}</caption>")
    cls = {"right": ' class="r"', "center": ' class="c"'}
    heads = "".join(
        f"<th{cls.get(a, '')}>{esc(c)}</th>"
        for c, a in zip(table.columns, table.header_aligns(), strict=True)
    )
    parts.append(f"<thead><tr>{heads}</tr></thead><tbody>")
    for row in table.rows:
        parts.append("<tr>" + "".join(_cell(c) for c in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _block(block: object) -> str:
    if isinstance(block, Paragraph):
        cls = f' class="{block.style}"' if block.style != "body" else ""
        return f"<p{cls}>{esc(block.text)}</p>"
    if isinstance(block, Bullets):
        cls = f' class="{block.style}"' if block.style != "body" else ""
        return f"<ul{cls}>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Subheading):
        return f"<h3>{esc(block.text)}</h3>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        return (
            f'<figure role="img" aria-label="{esc(block.alt)}">{charts.to_svg(inert_spec(block.spec))}</figure>'
        )
    if isinstance(block, Quote):
        return (
            f"<blockquote><p>“{esc(block.text)}”</p><footer>{esc(block.meta)}</footer></blockquote>"
        )
    raise TypeError(f"unknown block {type(block).__name__}")


def render_html(doc: Document) -> str:
    sections = [s for s in doc.sections if "html" in s.formats]
    toc = " ".join(f'<a href="#{esc(s.anchor)}">{esc(s.title)}</a>' for s in sections)
    body = [
        f'<header class="report"><h1>{esc(doc.title)}</h1><p>{esc(doc.subtitle)}</p></header>',
        f'<nav class="toc">{toc}</nav>',
    ]
    for section in sections:
        body.append(f'<section id="{esc(section.anchor)}"><h2>{esc(section.title)}</h2>')
        body += [_block(b) for b in section.blocks]
        body.append("</section>")
    footer = f"Tandem · {doc.title} · wave {doc.wave} · figures from the published marts"
    return page(f"{doc.title} · {doc.wave}", "\n".join(body), footer)


def render_index(waves: list[tuple[str, list[tuple[str, str, list[str]]]]]) -> str:
    """waves: [(wave, [(label, stem, [extensions])])], latest wave first."""
    body = [
        '<header class="report"><h1>Tandem reports</h1>'
        "<p>One report per organisation, department and team, for each survey wave.</p>"
        "</header>"
    ]
    if not waves:
        body.append('<p class="note">No survey waves in the marts yet.</p>')
    for wave, reports in waves:
        body.append(f'<section id="wave-{esc(wave)}"><h2>Wave {esc(wave)}</h2><ul class="reports">')
        for label, stem, exts in reports:
            links = " · ".join(
                f'<a href="{esc(wave)}/{esc(stem)}.{esc(e)}">{esc(e.upper())}</a>' for e in exts
            )
            body.append(f"<li>{esc(label)}: {links}</li>")
        body.append("</ul></section>")
    return page("Tandem reports", "\n".join(body), "Tandem · generated from the published marts")
