"""The shape every document's content takes: a plain dict that both renderers read.

A document is::

    {"kind": "highlight" | "board_pack" | "closure", "title": str, "subtitle": str,
     "marking": "OFFICIAL" | "OFFICIAL-SENSITIVE", "filename": str (no extension),
     "produced_on": date, "facts": [(label, text)], "contents": bool,
     "sections": [{"id": str, "title": str, "blocks": [block, ...]}]}

and a block is one of::

    {"type": "paragraph", "text": str}            # blank lines split paragraphs
    {"type": "subheading", "text": str}
    {"type": "facts", "rows": [(label, text)]}
    {"type": "bullets", "items": [str]}
    {"type": "table", "caption": str, "columns": [column], "rows": [[str]], "empty": str}
    {"type": "chart", "caption": str, "png": bytes, "alt": str, "table": table block}

with `column = {"label": str, "numeric": bool, "rag": bool}` (a RAG column's cells are
"Red", "Amber", "Green" or "Not rated"). Every cell is text, formatted once in
`realise.documents.formats`, so the PDF and the Word file say exactly the same thing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from realise.documents.formats import measure_value


def column(label: str, *, numeric: bool = False, rag: bool = False) -> dict:
    return {"label": label, "numeric": numeric, "rag": rag}


def table(caption: str, columns: list[dict], rows: list[list[str]], empty: str = "") -> dict:
    return {
        "type": "table",
        "caption": caption,
        "columns": columns,
        "rows": rows,
        "empty": empty or _("Nothing to show."),
    }


def series_table(
    title: str, measure: str, rows: list[dict], period: str, *, forecast: bool = True
) -> dict:
    """The figures behind a chart over time (`dashboards.period_rows`): planned, realised,
    forecast when asked for, and both cumulatives, for each period."""
    names = ["planned", "actual", *(["forecast"] if forecast else [])]
    names += ["cumulative_planned", "cumulative_actual"]
    labels = {
        "planned": _("Planned"),
        "actual": _("Realised"),
        "forecast": _("Forecast"),
        "cumulative_planned": _("Planned, cumulative"),
        "cumulative_actual": _("Realised, cumulative"),
    }
    return table(
        _("%(title)s: the chart's figures") % {"title": title},
        [column(period), *(column(labels[name], numeric=True) for name in names)],
        [[row["period"], *(measure_value(measure, row[name]) for name in names)] for row in rows],
    )


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def subheading(text: str) -> dict:
    return {"type": "subheading", "text": text}


def facts(rows: list[tuple[str, str]]) -> dict:
    return {"type": "facts", "rows": rows}


def bullets(items: list[str]) -> dict:
    return {"type": "bullets", "items": items}


def chart(caption: str, png: bytes, alt: str, data: dict) -> dict:
    return {"type": "chart", "caption": caption, "png": png, "alt": alt, "table": data}


def section(number: int, title: str, blocks: list[dict]) -> dict:
    return {"id": f"section-{number}", "title": title, "blocks": blocks}


def sections(*items: tuple[str, list[dict]]) -> list[dict]:
    """Numbered sections from (title, blocks) pairs."""
    return [section(index, title, blocks) for index, (title, blocks) in enumerate(items, 1)]


def narrative(text: str, missing: str) -> list[dict]:
    """Free text written by the programme team, one paragraph per blank-line block."""
    parts = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n")]
    parts = [part for part in parts if part]
    return [paragraph(part) for part in parts] if parts else [paragraph(missing)]
