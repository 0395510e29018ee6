"""The economic case's chart: discounted net flows by financial year, one line per option.

Drawn to SVG with the shared chart style and helpers in `core/charts.py` (matplotlib's
object API: no global pyplot state, safe in threaded servers). Floats are used for drawing
only; every figure shown as a number comes from the Decimal results.
"""

from __future__ import annotations

from django.utils.translation import gettext

from realise.appraisal.models import fy_label
from realise.core.charts import GRID, TEXT, drawing, pounds_axis, save, style

# GOV.UK colours, distinguishable for the common kinds of colour blindness with the markers.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#b58840"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def net_flows_svg(comparison, *, title: str | None = None) -> bytes:
    """An SVG line chart of each appraised option's present value of net flows by year,
    with its words in the language of the page."""
    if title is None:
        title = gettext("Discounted net flows by option")
    with drawing(style("realise-economic-case"), 8, 5) as figure:
        from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - loaded by `drawing`

        axes = figure.subplots()
        years = comparison.years
        lines, names = [], []
        for index, appraisal in enumerate(comparison.appraisals):
            if appraisal.result is None or not appraisal.result.years:
                continue
            points = [(y.year, float(y.pv_net)) for y in appraisal.result.years]
            (line,) = axes.plot(
                [year for year, _ in points],
                [value for _, value in points],
                label=appraisal.option.name,
                color=COLOURS[index % len(COLOURS)],
                marker=MARKERS[index % len(MARKERS)],
                linewidth=2,
            )
            lines.append(line)
            names.append(appraisal.option.name)
        axes.axhline(0, color=TEXT, linewidth=0.8)
        axes.set_title(title)
        axes.set_ylabel(gettext("Present value of net flow"))
        axes.set_xlabel(gettext("Financial year"))
        axes.yaxis.set_major_formatter(pounds_axis)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
        axes.xaxis.set_major_formatter(lambda x, _p: fy_label(int(round(x))))
        axes.grid(axis="y", color=GRID, linewidth=0.5)
        axes.spines[["top", "right"]].set_visible(False)
        if lines:
            # Handles and labels given, so that a name starting "_" is not left out.
            figure.legend(
                lines, names, loc="outside lower center", ncols=min(len(lines), 3), frameon=False
            )
        else:
            axes.text(
                0.5,
                0.5,
                gettext("No option can be charted yet"),
                transform=axes.transAxes,
                ha="center",
                va="center",
            )
        if years:
            axes.set_xlim(min(years) - 0.5, max(years) + 0.5)
        return save(figure, "svg")
