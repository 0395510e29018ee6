"""What every chart shares: matplotlib (Agg, object API), GOV.UK colours, the style, the
axis labels and the SVG or PNG output.

The apps draw their own charts (`reports/charts.py` for the dashboards,
`appraisal/charts.py` for the economic case) with these, so neither imports the other.
Drawing uses matplotlib's object API (no global pyplot state, safe in threaded servers).
Floats are used for drawing only; every number a person reads as a number comes from the
Decimal figures. Nothing here imports an app.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType


@functools.cache
def load_matplotlib() -> ModuleType:
    """matplotlib with its figures and the Agg backend, loaded when the first chart is drawn:
    it takes a third of a second, which every process (each command) would otherwise pay at
    start."""
    import matplotlib  # noqa: PLC0415
    import matplotlib.figure  # noqa: PLC0415

    matplotlib.use("Agg")
    return matplotlib


@contextlib.contextmanager
def drawing(settings: dict[RcKeyType, Any], width: float, height: float) -> Iterator[Figure]:
    """A new figure of `width` by `height` inches (constrained layout), to draw and save
    while `settings` (see `style`) are in force."""
    matplotlib = load_matplotlib()
    with matplotlib.rc_context(settings):
        yield matplotlib.figure.Figure(figsize=(width, height), layout="constrained")


# GOV.UK colours.
PLANNED = "#b1b4b6"
REALISED = "#1d70b8"
FORECAST = "#f47738"
BASELINE = "#505a5f"
TEXT = "#0b0c0c"
GRID = PLANNED

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def style(salt: str) -> dict[RcKeyType, Any]:
    """The matplotlib settings every chart is drawn with. `salt` keeps the SVG's element
    ids the same from one drawing to the next, and apart from another kind of chart's."""
    return {
        "svg.hashsalt": salt,
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.size": 10,
    }


def _shortened(value: float, prefix: str) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        return f"{sign}{prefix}{value / 1_000_000:,.1f}m"
    if value >= 1_000:
        return f"{sign}{prefix}{value / 1_000:,.0f}k"
    return f"{sign}{prefix}{value:,.0f}"


def pounds_axis(value: float, _position=None) -> str:
    """An axis label in pounds, shortened: £1.5m, £250k, £40."""
    return _shortened(value, "£")


def hours_axis(value: float, _position=None) -> str:
    """An axis label in hours (or any count), shortened: 1.5m, 250k, 40."""
    return _shortened(value, "")


def number(value: Decimal | None) -> float:
    """A figure as a float to draw (nothing draws as nought)."""
    return float(value) if value is not None else 0.0


def save(figure: Figure, fmt: str) -> bytes:
    """The figure as SVG (no date, so the same chart is the same bytes) or PNG (150 dpi)."""
    buffer = io.BytesIO()
    if fmt == "png":
        figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    else:
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def empty(axes: Axes, message: str) -> None:
    """Say in the middle of an empty chart why there is nothing to draw."""
    axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center")
    axes.set_xticks([])
    axes.set_yticks([])
