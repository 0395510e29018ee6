"""What every chart shares: matplotlib (Agg, object API), GOV.UK colours, the style, the
axis labels and the SVG or PNG output.

The apps draw their own charts (`reports/charts.py` for the dashboards,
`appraisal/charts.py` for the economic case) with these, so neither imports the other.
Drawing uses matplotlib's object API (no global pyplot state, safe in threaded servers).
Floats are used for drawing only; every number a person reads as a number comes from the
Decimal figures. A chart drawn from the same figures again is not drawn again
(`remembered`). Nothing here imports an app.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import get_language

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
    ids the same from one drawing to the next, and apart from another kind of chart's.
    Labels are words people typed (option, benefit and force names): a dollar sign in one is
    not mathematics."""
    return {
        "svg.hashsalt": salt,
        "text.parse_math": False,
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


# Drawings each process keeps (`remembered`): a chart is tens of kilobytes.
KEPT_DRAWINGS = 32
_drawings: OrderedDict[tuple, bytes] = OrderedDict()
_drawings_lock = threading.Lock()
_PLAIN = (str, int, float, Decimal, datetime.date, type(None))


def _plain(value: Any) -> Any:
    """`value` (the rows, numbers and words a chart is drawn from) as a key that equals
    another only where every value is written the same and is of the same type (so
    Decimal('1.0') is not Decimal('1.00'), nor one instant in two time zones the same);
    TypeError for anything but plain data, whose drawing is then not kept."""
    if isinstance(value, _PLAIN):
        return (type(value), repr(value))
    if isinstance(value, Promise):  # a word to translate: as it reads in this language
        return (str, str(value))
    if isinstance(value, list | tuple):
        return (type(value), *(_plain(item) for item in value))
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return (dict, *((key, _plain(item)) for key, item in value.items()))
    raise TypeError(type(value).__name__)


def remembered(draw: Callable[..., bytes]) -> Callable[..., bytes]:
    """`draw`, keeping the last `KEPT_DRAWINGS` charts it drew in this process by everything
    they were drawn from (every row and value, the title, the format and the language of its
    words): the same figures are not drawn again (a tenth of a second each), and figures that
    differ in any value are drawn anew, so a change to the data shows on the next drawing."""

    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any) -> bytes:
        try:
            key = (draw, get_language(), _plain(args), _plain(kwargs))
        except TypeError:
            return draw(*args, **kwargs)
        with _drawings_lock:
            if key in _drawings:
                _drawings.move_to_end(key)
                return _drawings[key]
        content = draw(*args, **kwargs)
        with _drawings_lock:
            _drawings[key] = content
            while len(_drawings) > KEPT_DRAWINGS:
                _drawings.popitem(last=False)
        return content

    return drawn


def empty(axes: Axes, message: str) -> None:
    """Say in the middle of an empty chart why there is nothing to draw."""
    axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center")
    axes.set_xticks([])
    axes.set_yticks([])
