"""The dashboards' charts: matplotlib (Agg), SVG for pages and PNG for documents.

Every chart is drawn from the same rows as the table printed beside it, and is served from
its own URL (no inline data). Floats are used for drawing only; every number a person
reads as a number comes from the Decimal figures in the tables.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext

from realise.core.charts import (
    BASELINE,
    FORECAST,
    FORMATS,
    GRID,
    PLANNED,
    REALISED,
    TEXT,
    drawing,
    empty,
    hours_axis,
    number,
    pounds_axis,
    remembered,
    save,
    style,
)

__all__ = ["FORMATS", "by_force", "cumulative", "over_time"]

STYLE = style("realise-dashboards")


@remembered
def over_time(rows: list[dict], *, measure: str, title: str, fmt: str = "svg") -> bytes:
    """Planned and realised by period, with the forecast of periods not yet complete.

    `rows` are `dashboards.period_rows(...)`: period, planned, actual, forecast, complete.
    """
    unit = pounds_axis if measure == "money" else hours_axis
    with drawing(STYLE, 9, 4.5) as figure:
        axes = figure.subplots()
        if not rows:
            empty(axes, gettext("Nothing planned or realised in this selection"))
        else:
            labels = [row["period"] for row in rows]
            positions = list(range(len(rows)))
            width = 0.4
            axes.bar(
                [p - width / 2 for p in positions],
                [number(row["planned"]) for row in rows],
                width,
                label=gettext("Planned"),
                color=PLANNED,
                edgecolor=TEXT,
                linewidth=0.4,
            )
            axes.bar(
                [p + width / 2 for p in positions],
                [number(row["actual"]) for row in rows],
                width,
                label=gettext("Realised"),
                color=REALISED,
            )
            pending = [
                (p, row) for p, row in zip(positions, rows, strict=True) if not row["complete"]
            ]
            if pending:
                axes.plot(
                    [p for p, _ in pending],
                    [number(row["forecast"]) for _, row in pending],
                    linestyle="none",
                    marker="D",
                    color=FORECAST,
                    label=gettext("Forecast (periods not yet complete)"),
                )
            step = max(len(labels) // 16, 1)
            axes.set_xticks(
                positions[::step],
                labels[::step],
                rotation=45 if step > 1 or len(labels) > 8 else 0,
                ha="right" if len(labels) > 8 else "center",
            )
            axes.yaxis.set_major_formatter(unit)
            axes.axhline(0, color=TEXT, linewidth=0.6)
            axes.grid(axis="y", color=GRID, linewidth=0.5)
            axes.set_axisbelow(True)
            figure.legend(loc="outside lower center", ncols=3, frameon=False)
        axes.set_title(title)
        axes.set_ylabel(gettext("Pounds") if measure == "money" else gettext("Hours"))
        axes.spines[["top", "right"]].set_visible(False)
        return save(figure, fmt)


@remembered
def by_force(rows: list[dict], *, measure: str, title: str, fmt: str = "svg") -> bytes:
    """Each force's planned to date and realised to date, as horizontal bars.

    `rows` are `dashboards.force_rows(...)`.
    """
    unit = pounds_axis if measure == "money" else hours_axis
    rows = [row for row in rows if row["ons_code"]]
    height = max(2.5, 0.32 * len(rows) + 1.2)
    with drawing(STYLE, 9, height) as figure:
        axes = figure.subplots()
        if not rows:
            empty(axes, gettext("No force shares in this selection"))
        else:
            names = [row["force"] for row in rows]
            positions = list(range(len(rows)))
            size = 0.4
            axes.barh(
                [p - size / 2 for p in positions],
                [number(row[f"{measure}_planned_to_date"]) for row in rows],
                size,
                label=gettext("Planned to date"),
                color=PLANNED,
                edgecolor=TEXT,
                linewidth=0.4,
            )
            axes.barh(
                [p + size / 2 for p in positions],
                [number(row[f"{measure}_actual_to_date"]) for row in rows],
                size,
                label=gettext("Realised to date"),
                color=REALISED,
            )
            axes.set_yticks(positions, names)
            axes.invert_yaxis()
            axes.xaxis.set_major_formatter(unit)
            axes.grid(axis="x", color=GRID, linewidth=0.5)
            axes.set_axisbelow(True)
            figure.legend(loc="outside lower center", ncols=2, frameon=False)
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
        return save(figure, fmt)


@remembered
def cumulative(
    rows: list[dict], *, unit: str, title: str, fmt: str = "svg", level: bool = False
) -> bytes:
    """A benefit's running totals month by month: the baseline (when it has one), today's
    plan and the actuals. `rows` are `benefits.profile.monthly_series(...)["months"]`.
    With `level` (a count, a percentage, a score: never added up), each month's levels,
    a month without a figure left as a gap rather than drawn as nought."""
    suffix = "" if level else "_to_date"

    def values(name: str) -> list[float]:
        if level:
            return [float("nan") if row[name] is None else number(row[name]) for row in rows]
        return [number(row[name]) for row in rows]

    with drawing(STYLE, 9, 4.5) as figure:
        axes = figure.subplots()
        if not rows:
            empty(axes, gettext("No plan or actuals yet"))
        else:
            labels = [date_format(row["period"], "M Y") for row in rows]  # 'Ebr 2026' in Welsh
            positions = list(range(len(rows)))
            if any(row[f"baseline{suffix}"] is not None for row in rows):
                axes.step(
                    positions,
                    values(f"baseline{suffix}"),
                    where="mid",
                    color=BASELINE,
                    linestyle="--",
                    label=gettext("Baseline"),
                )
            axes.step(
                positions,
                values(f"planned{suffix}"),
                where="mid",
                color=FORECAST,
                label=gettext("Current plan"),
            )
            axes.plot(
                positions,
                values(f"actual{suffix}"),
                color=REALISED,
                marker="o",
                markersize=3,
                label=gettext("Actual"),
            )
            step = max(len(labels) // 16, 1)
            axes.set_xticks(
                positions[::step],
                labels[::step],
                rotation=45 if len(labels) > 8 else 0,
                ha="right" if len(labels) > 8 else "center",
            )
            if unit == "GBP":
                axes.yaxis.set_major_formatter(pounds_axis)
            elif unit == "hours":
                axes.yaxis.set_major_formatter(hours_axis)
            axes.axhline(0, color=TEXT, linewidth=0.6)
            axes.grid(axis="y", color=GRID, linewidth=0.5)
            axes.set_axisbelow(True)
            figure.legend(loc="outside lower center", ncols=3, frameon=False)
        axes.set_title(title)
        if level:
            axes.set_ylabel(gettext("Level"))
        else:
            axes.set_ylabel(
                {"GBP": gettext("Pounds to date"), "hours": gettext("Hours to date")}.get(
                    unit, gettext("To date")
                )
            )
        axes.spines[["top", "right"]].set_visible(False)
        return save(figure, fmt)
