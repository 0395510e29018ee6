"""Green Book discounted cash-flow appraisal engine.

Pure Python (standard library only) so it can be used from the management
command, from the web application (building the input from database rows) and
from tests without Django.

The entry point for JSON-shaped data is :func:`appraise`.  Programmatic callers
can build an :class:`AppraisalInput` of :class:`Line` objects and call
:func:`evaluate`, which returns a :class:`Result` holding unrounded
:class:`~decimal.Decimal` figures; :meth:`Result.to_dict` produces the rounded,
JSON-ready output.

Method
------
* Discounting uses the HM Treasury Green Book social time preference rate
  (STPR) schedules.  Year ``t`` counts from ``first_year`` (``t = 0`` is not
  discounted).  Growth from year ``t - 1`` to year ``t`` uses the rate of the
  band containing year ``t``, so with the standard schedule
  ``DF(31) = 1 / (1.035**30 * 1.03)``.
* Nominal lines are converted to real terms in the price base year with a
  deflator index: ``real = nominal * deflator[base] / deflator[year]``.
* Optimism bias is a fraction added to every cost line of a kind
  (``capex``, ``opex``, ``other``).
* Arithmetic is done with :data:`PRECISION` significant digits; rounding
  (ROUND_HALF_UP) happens only when producing output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any

from realise.core.digits import number_problem

__all__ = [
    "BENEFIT",
    "COST",
    "COST_KINDS",
    "DISCOUNT_SCHEDULES",
    "MAX_HORIZON",
    "OPTIMISM_BIAS_PROJECT_TYPES",
    "PRECISION",
    "PRICE_BASES",
    "PROBLEMS",
    "AppraisalError",
    "AppraisalInput",
    "Line",
    "LineResult",
    "ProjectType",
    "Result",
    "YearResult",
    "appraise",
    "discount_factor",
    "discount_rate",
    "evaluate",
    "format_decimal",
    "parse_input",
    "render_table",
    "resolve_optimism_bias",
    "to_decimal",
    "validate_input",
    "vfm_category",
]

PRECISION = 60
"""Significant digits used for every internal calculation."""

MAX_HORIZON = 1000
"""Largest number of years after ``first_year`` an appraisal may cover."""

MAX_AMOUNT = Decimal("1e18")
"""Amounts and deflators must be smaller than this in magnitude."""

MAX_OPTIMISM_BIAS = Decimal("2")
"""Largest optimism bias fraction accepted (200%, the highest upper bound)."""

MIN_YEAR = 1
MAX_YEAR = 9999

COST = "cost"
BENEFIT = "benefit"
COST_KINDS = ("capex", "opex", "other")
PRICE_BASES = ("real", "nominal")

# Each schedule is a tuple of (last year of band, annual rate).  The final band
# has no upper limit (``None``).  Year numbers count from first_year (year 0).
DISCOUNT_SCHEDULES: dict[str, tuple[tuple[int | None, Decimal], ...]] = {
    # Green Book STPR: 3.5% for years 0-30, declining thereafter.
    "standard": (
        (30, Decimal("0.035")),
        (75, Decimal("0.030")),
        (125, Decimal("0.025")),
        (200, Decimal("0.020")),
        (300, Decimal("0.015")),
        (None, Decimal("0.010")),
    ),
    # Green Book health discount rate (STPR without the wealth effect).
    "health": (
        (30, Decimal("0.015")),
        (75, Decimal("0.0129")),
        (125, Decimal("0.0107")),
        (200, Decimal("0.0086")),
        (300, Decimal("0.0064")),
        (None, Decimal("0.0043")),
    ),
}


@dataclass(frozen=True)
class ProjectType:
    """Optimism bias upper bounds for one project type (fractions, not %)."""

    key: str
    label: str
    works_duration: Decimal | None
    capital_expenditure: Decimal | None
    operating_expenditure: Decimal | None = None

    @property
    def cost_bias(self) -> Decimal:
        """The bias applied to a cost kind when this project type is named.

        The capital expenditure upper bound for the capital project types;
        the operating expenditure upper bound for outsourcing, which has no
        capital bound.
        """
        if self.capital_expenditure is not None:
            return self.capital_expenditure
        assert self.operating_expenditure is not None
        return self.operating_expenditure


# Upper bound optimism bias figures from HM Treasury, "Supplementary Green Book
# Guidance: Optimism Bias" (2003).  Works duration is recorded for
# reference only; the engine applies the expenditure bound (see
# ProjectType.cost_bias).
OPTIMISM_BIAS_PROJECT_TYPES: dict[str, ProjectType] = {
    pt.key: pt
    for pt in (
        ProjectType("standard_buildings", "Standard buildings", Decimal("0.04"), Decimal("0.24")),
        ProjectType(
            "non_standard_buildings", "Non-standard buildings", Decimal("0.39"), Decimal("0.51")
        ),
        ProjectType(
            "standard_civil_engineering",
            "Standard civil engineering",
            Decimal("0.20"),
            Decimal("0.44"),
        ),
        ProjectType(
            "non_standard_civil_engineering",
            "Non-standard civil engineering",
            Decimal("0.25"),
            Decimal("0.66"),
        ),
        ProjectType(
            "equipment_development", "Equipment/development", Decimal("0.54"), Decimal("2.00")
        ),
        ProjectType("outsourcing", "Outsourcing", None, None, Decimal("0.41")),
    )
}

_TOP_LEVEL_KEYS = (
    "first_year",
    "price_base_year",
    "discount_schedule",
    "prices",
    "optimism_bias",
    "deflators",
    "costs",
    "benefits",
)
_COST_LINE_KEYS = ("name", "kind", "prices", "values")
_BENEFIT_LINE_KEYS = ("name", "prices", "values")
_YEAR_RE = re.compile(r"[0-9]+")


# What can be wrong with an input, by a stable code: the English of an AppraisalError's
# message after its path, with %(name)s placeholders filled from the error's params. An
# application that shows the error in another language words each code itself.
PROBLEMS: dict[str, str] = {
    "before_first_year": "year %(year)s is before first_year %(first_year)s",
    "benefit_kind": "benefit lines have no kind",
    "beyond_horizon": "year %(year)s is more than %(most)s years after first_year %(first_year)s",
    "bias_mapping": "must be a mapping of cost kind to fraction",
    "bias_object": "must be an object with keys from %(kinds)s",
    "bias_range": "must be a fraction from 0 to %(most)s (e.g. 0.24 for 24%%)",
    "business_as_usual_flag": "must be true or false",
    "deflator_base_missing": "missing price_base_year %(year)s for nominal line %(line)s",
    "deflator_missing": "missing year %(year)s for nominal line %(line)s",
    "deflators_required": "required for nominal line %(line)s",
    "digits": "%(value)s is not a number: write it with the digits 0 to 9",
    "duplicate_year": "duplicate year %(year)s",
    "json_object": "must be a JSON object",
    "list": "must be a list",
    "name_required": "must be a non-empty string",
    "name_taken": "'%(name)s' is used by another option",
    "not_a_bias": "%(value)s is not a number or a project type (one of %(types)s)",
    "not_a_decimal": "%(value)s is not a Decimal",
    "not_a_line": "must be a Line",
    "not_a_number": "%(value)s is not a number",
    "not_a_year": "%(value)s is not a year",
    "not_finite": "%(value)s is not a finite number",
    "not_positive": "must be greater than 0",
    "object": "must be an object",
    "one_business_as_usual": "only one option may be business as usual",
    "one_of": "must be one of %(choices)s",
    "options_list": "must be a non-empty list of options",
    "required": "required",
    "too_large": "%(value)s is too large",
    "unknown_cost_kind": "unknown cost kind (one of %(kinds)s)",
    "unknown_key": "unknown key (allowed: %(allowed)s)",
    "unknown_key_beside_options": "unknown key beside options (allowed: options)",
    "year_map": "must be an object of year to amount",
    "year_mapping": "must be a mapping of year to amount",
    "year_offset": "must be an integer from 0 to %(most)s",
    "year_range": "year %(year)s is out of range %(first)s-%(last)s",
}


class AppraisalError(ValueError):
    """Invalid appraisal input.  The message is one line naming the field: ``path: problem``.

    ``path`` names the field, ``code`` the problem (a key of :data:`PROBLEMS`) and
    ``params`` fill its placeholders, so that an application can word the problem in the
    language of its reader; the message itself is in English.
    """

    def __init__(self, path: str, code: str, **params: Any) -> None:
        self.path = path
        self.code = code
        self.params = params
        super().__init__(f"{path}: {PROBLEMS[code] % params}")

    def within(self, prefix: str) -> AppraisalError:
        """The same problem, its path inside ``prefix`` (``options[1].costs[0]...``)."""
        return AppraisalError(f"{prefix}.{self.path}", self.code, **self.params)


def _context() -> Context:
    ctx = Context(prec=PRECISION)
    return ctx


def _show(value: Any) -> str:
    text = str(value) if isinstance(value, Decimal) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


# --------------------------------------------------------------------------- #
# Discounting
# --------------------------------------------------------------------------- #


def _schedule_bands(schedule: str) -> tuple[tuple[int | None, Decimal], ...]:
    try:
        return DISCOUNT_SCHEDULES[schedule]
    except (KeyError, TypeError):
        raise AppraisalError(
            "discount_schedule", "one_of", choices=", ".join(DISCOUNT_SCHEDULES)
        ) from None


def _check_t(t: Any) -> int:
    if isinstance(t, bool) or not isinstance(t, int) or t < 0 or t > MAX_HORIZON:
        raise AppraisalError("year offset", "year_offset", most=MAX_HORIZON)
    return t


def discount_rate(t: int, schedule: str = "standard") -> Decimal:
    """Annual rate of the band containing year ``t`` (years since first_year)."""
    _check_t(t)
    for last, rate in _schedule_bands(schedule):
        if last is None or t <= last:
            return rate
    raise AssertionError("unreachable")  # pragma: no cover


@lru_cache(maxsize=4096)
def _discount_factor(t: int, schedule: str) -> Decimal:
    with localcontext(_context()):
        growth = Decimal(1)
        first = 1
        for last, rate in _schedule_bands(schedule):
            upper = t if last is None else min(t, last)
            years = upper - first + 1
            if years <= 0:
                break
            growth *= (1 + rate) ** years
            if last is None:
                break
            first = last + 1
        return Decimal(1) / growth


def discount_factor(t: int, schedule: str = "standard") -> Decimal:
    """Discount factor for year ``t`` counted from first_year (``DF(0) == 1``).

    Each year's growth uses the rate of the band containing that year, so for
    the standard schedule ``DF(30) = 1/1.035**30`` and
    ``DF(31) = 1/(1.035**30 * 1.03)``.
    """
    _check_t(t)
    _schedule_bands(schedule)
    return _discount_factor(t, schedule)


# --------------------------------------------------------------------------- #
# Value conversion helpers
# --------------------------------------------------------------------------- #


def to_decimal(value: Any, path: str) -> Decimal:
    """Convert a JSON number or numeric string to Decimal, naming ``path`` on error.

    Floats are converted through ``str()`` so ``0.1`` becomes ``Decimal("0.1")``.
    """
    if isinstance(value, bool) or value is None:
        raise AppraisalError(path, "not_a_number", value=_show(value))
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        if number_problem(value):
            raise AppraisalError(path, "digits", value=f"'{value}'")
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise AppraisalError(path, "not_a_number", value=_show(value)) from None
    else:
        raise AppraisalError(path, "not_a_number", value=_show(value))
    if not result.is_finite():
        raise AppraisalError(path, "not_finite", value=_show(value))
    if abs(result) >= MAX_AMOUNT:
        raise AppraisalError(path, "too_large", value=_show(value))
    return result


def _to_year(value: Any, path: str) -> int:
    if isinstance(value, bool):
        year = None
    elif isinstance(value, int):
        year = value
    elif isinstance(value, str) and _YEAR_RE.fullmatch(value):
        year = int(value)
    else:
        year = None
    if year is None:
        raise AppraisalError(path, "not_a_year", value=_show(value))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise AppraisalError(path, "year_range", year=year, first=MIN_YEAR, last=MAX_YEAR)
    return year


def _year_map(raw: Any, path: str) -> dict[int, Decimal]:
    if not isinstance(raw, Mapping):
        raise AppraisalError(path, "year_map")
    out: dict[int, Decimal] = {}
    for key, amount in raw.items():
        year = _to_year(key, path)
        if year in out:
            raise AppraisalError(path, "duplicate_year", year=year)
        out[year] = to_decimal(amount, f"{path}.{year}")
    return out


def resolve_optimism_bias(value: Any, path: str) -> Decimal:
    """Turn a bias fraction or a project-type key into a fraction.

    A project-type key (see :data:`OPTIMISM_BIAS_PROJECT_TYPES`) gives that
    type's :attr:`ProjectType.cost_bias`.
    """
    if isinstance(value, str) and value.strip() in OPTIMISM_BIAS_PROJECT_TYPES:
        return OPTIMISM_BIAS_PROJECT_TYPES[value.strip()].cost_bias
    try:
        fraction = to_decimal(value, path)
    except AppraisalError:
        raise AppraisalError(
            path, "not_a_bias", value=_show(value), types=", ".join(OPTIMISM_BIAS_PROJECT_TYPES)
        ) from None
    _check_bias(fraction, path)
    return fraction


def _check_bias(fraction: Any, path: str) -> None:
    if (
        not isinstance(fraction, Decimal)
        or not fraction.is_finite()
        or not 0 <= fraction <= MAX_OPTIMISM_BIAS
    ):
        raise AppraisalError(path, "bias_range", most=MAX_OPTIMISM_BIAS)


def format_decimal(value: Decimal | None, places: int) -> str | None:
    """Round half-up to ``places`` decimals and return a plain string (or None)."""
    if value is None:
        return None
    exponent = Decimal(1).scaleb(-places)
    digits = max(value.adjusted(), 0) + places + 5
    with localcontext(Context(prec=max(digits, PRECISION))):
        rounded = value.quantize(exponent, rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)
    return f"{rounded:f}"


def _money(value: Decimal) -> str:
    text = format_decimal(value, 2)
    assert text is not None
    return text


# --------------------------------------------------------------------------- #
# Data model
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Line:
    """One cost or benefit line.  ``values`` maps calendar year to amount.

    ``kind`` is required for cost lines (one of :data:`COST_KINDS`) and must be
    None for benefit lines.  ``prices`` is ``"real"`` or ``"nominal"``.
    """

    name: str
    values: Mapping[int, Decimal] = field(default_factory=dict)
    kind: str | None = None
    prices: str = "real"


@dataclass(frozen=True)
class AppraisalInput:
    """A validated-shape appraisal.  ``optimism_bias`` maps kind to fraction."""

    first_year: int
    costs: tuple[Line, ...] = ()
    benefits: tuple[Line, ...] = ()
    price_base_year: int | None = None
    discount_schedule: str = "standard"
    optimism_bias: Mapping[str, Decimal] = field(default_factory=dict)
    deflators: Mapping[int, Decimal] = field(default_factory=dict)

    @property
    def base_year(self) -> int:
        return self.first_year if self.price_base_year is None else self.price_base_year


@dataclass(frozen=True)
class LineResult:
    """Unrounded results for one line.

    For cost lines ``pv`` includes the line's optimism bias and
    ``optimism_bias_pv`` is that bias on its own; ``real_values`` are the real
    amounts by year including bias.
    """

    name: str
    type: str
    kind: str | None
    pv: Decimal
    pv_before_bias: Decimal
    optimism_bias_pv: Decimal
    switching_value_pct: Decimal | None
    real_values: Mapping[int, Decimal]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "pv": _money(self.pv),
            "switching_value_pct": format_decimal(self.switching_value_pct, 2),
        }


@dataclass(frozen=True)
class YearResult:
    """Unrounded figures for one year (real prices, costs including bias)."""

    year: int
    t: int
    discount_factor: Decimal
    costs: Decimal
    benefits: Decimal
    net: Decimal
    pv_net: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "discount_factor": format_decimal(self.discount_factor, 4),
            "costs": _money(self.costs),
            "benefits": _money(self.benefits),
            "net": _money(self.net),
            "pv_net": _money(self.pv_net),
        }


@dataclass(frozen=True)
class Result:
    """Unrounded appraisal results; :meth:`to_dict` gives the output contract."""

    first_year: int
    price_base_year: int
    discount_schedule: str
    pv_costs: Decimal
    pv_benefits: Decimal
    npsv: Decimal
    bcr: Decimal | None
    vfm_category: str | None
    optimism_bias_pv: Decimal
    lines: tuple[LineResult, ...]
    years: tuple[YearResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pv_costs": _money(self.pv_costs),
            "pv_benefits": _money(self.pv_benefits),
            "npsv": _money(self.npsv),
            "bcr": format_decimal(self.bcr, 2),
            "vfm_category": self.vfm_category,
            "optimism_bias_pv": _money(self.optimism_bias_pv),
            "lines": [line.to_dict() for line in self.lines],
            "years": [year.to_dict() for year in self.years],
        }


# --------------------------------------------------------------------------- #
# Parsing and validation
# --------------------------------------------------------------------------- #


def _parse_lines(raw: Any, path: str, line_type: str, default_prices: str) -> tuple[Line, ...]:
    if not isinstance(raw, list):
        raise AppraisalError(path, "list")
    allowed = _COST_LINE_KEYS if line_type == COST else _BENEFIT_LINE_KEYS
    lines = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            raise AppraisalError(item_path, "object")
        for key in item:
            if key not in allowed:
                raise AppraisalError(
                    f"{item_path}.{key}", "unknown_key", allowed=", ".join(allowed)
                )
        if "name" not in item:
            raise AppraisalError(f"{item_path}.name", "required")
        kind = None
        if line_type == COST:
            if "kind" not in item:
                raise AppraisalError(f"{item_path}.kind", "required")
            kind = item["kind"]
        values = _year_map(item.get("values", {}), f"{item_path}.values")
        lines.append(
            Line(
                name=item["name"],
                values=values,
                kind=kind,
                prices=item.get("prices", default_prices),
            )
        )
    return tuple(lines)


def parse_input(data: Any) -> AppraisalInput:
    """Check the shape of JSON-style ``data`` and build an :class:`AppraisalInput`.

    Cross-field checks (years, deflators, kinds) are done by
    :func:`validate_input`, which :func:`evaluate` always calls.
    """
    if not isinstance(data, Mapping):
        raise AppraisalError("input", "json_object")
    for key in data:
        if key not in _TOP_LEVEL_KEYS:
            raise AppraisalError(key, "unknown_key", allowed=", ".join(_TOP_LEVEL_KEYS))
    for key in ("first_year", "costs", "benefits"):
        if key not in data:
            raise AppraisalError(key, "required")

    first_year = _to_year(data["first_year"], "first_year")
    price_base_year = None
    if data.get("price_base_year") is not None:
        price_base_year = _to_year(data["price_base_year"], "price_base_year")

    schedule = data.get("discount_schedule", "standard")
    if not isinstance(schedule, str) or schedule not in DISCOUNT_SCHEDULES:
        raise AppraisalError("discount_schedule", "one_of", choices=", ".join(DISCOUNT_SCHEDULES))

    default_prices = data.get("prices", "real")
    if not isinstance(default_prices, str) or default_prices not in PRICE_BASES:
        raise AppraisalError("prices", "one_of", choices=", ".join(PRICE_BASES))

    bias: dict[str, Decimal] = {}
    raw_bias = data.get("optimism_bias")
    if raw_bias is not None:
        if not isinstance(raw_bias, Mapping):
            raise AppraisalError("optimism_bias", "bias_object", kinds=", ".join(COST_KINDS))
        for kind, value in raw_bias.items():
            if kind not in COST_KINDS:
                raise AppraisalError(
                    f"optimism_bias.{kind}", "unknown_cost_kind", kinds=", ".join(COST_KINDS)
                )
            bias[kind] = resolve_optimism_bias(value, f"optimism_bias.{kind}")

    deflators: dict[int, Decimal] = {}
    if data.get("deflators") is not None:
        deflators = _year_map(data["deflators"], "deflators")

    inp = AppraisalInput(
        first_year=first_year,
        costs=_parse_lines(data["costs"], "costs", COST, default_prices),
        benefits=_parse_lines(data["benefits"], "benefits", BENEFIT, default_prices),
        price_base_year=price_base_year,
        discount_schedule=schedule,
        optimism_bias=bias,
        deflators=deflators,
    )
    validate_input(inp)
    return inp


def _check_year_map(values: Any, path: str) -> None:
    if not isinstance(values, Mapping):
        raise AppraisalError(path, "year_mapping")
    for year, amount in values.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise AppraisalError(path, "not_a_year", value=_show(year))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise AppraisalError(path, "year_range", year=year, first=MIN_YEAR, last=MAX_YEAR)
        if not isinstance(amount, Decimal):
            raise AppraisalError(f"{path}.{year}", "not_a_decimal", value=_show(amount))
        if not amount.is_finite():
            raise AppraisalError(f"{path}.{year}", "not_finite", value=_show(amount))
        if abs(amount) >= MAX_AMOUNT:
            raise AppraisalError(f"{path}.{year}", "too_large", value=_show(amount))


def validate_input(inp: AppraisalInput) -> None:
    """Raise :class:`AppraisalError` unless ``inp`` can be appraised."""
    for path, year in (("first_year", inp.first_year), ("price_base_year", inp.price_base_year)):
        if year is None and path == "price_base_year":
            continue
        if isinstance(year, bool) or not isinstance(year, int):
            raise AppraisalError(path, "not_a_year", value=_show(year))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise AppraisalError(path, "year_range", year=year, first=MIN_YEAR, last=MAX_YEAR)
    _schedule_bands(inp.discount_schedule)

    if not isinstance(inp.optimism_bias, Mapping):
        raise AppraisalError("optimism_bias", "bias_mapping")
    for kind, fraction in inp.optimism_bias.items():
        if kind not in COST_KINDS:
            raise AppraisalError(
                f"optimism_bias.{kind}", "unknown_cost_kind", kinds=", ".join(COST_KINDS)
            )
        _check_bias(fraction, f"optimism_bias.{kind}")

    _check_year_map(inp.deflators, "deflators")
    for year, index in inp.deflators.items():
        if index <= 0:
            raise AppraisalError(f"deflators.{year}", "not_positive")

    base_year = inp.base_year
    for group, line_type in (("costs", COST), ("benefits", BENEFIT)):
        lines = getattr(inp, group)
        if not isinstance(lines, tuple | list):
            raise AppraisalError(group, "list")
        for position, line in enumerate(lines):
            path = f"{group}[{position}]"
            if not isinstance(line, Line):
                raise AppraisalError(path, "not_a_line")
            if not isinstance(line.name, str) or not line.name.strip():
                raise AppraisalError(f"{path}.name", "name_required")
            if line_type == COST:
                if line.kind not in COST_KINDS:
                    raise AppraisalError(f"{path}.kind", "one_of", choices=", ".join(COST_KINDS))
            elif line.kind is not None:
                raise AppraisalError(f"{path}.kind", "benefit_kind")
            if line.prices not in PRICE_BASES:
                raise AppraisalError(f"{path}.prices", "one_of", choices=", ".join(PRICE_BASES))
            _check_year_map(line.values, f"{path}.values")
            for year in sorted(line.values):
                if year < inp.first_year:
                    raise AppraisalError(
                        f"{path}.values", "before_first_year", year=year, first_year=inp.first_year
                    )
                if year - inp.first_year > MAX_HORIZON:
                    raise AppraisalError(
                        f"{path}.values",
                        "beyond_horizon",
                        year=year,
                        most=MAX_HORIZON,
                        first_year=inp.first_year,
                    )
            if line.prices == "nominal":
                label = _show(line.name)
                if not inp.deflators:
                    raise AppraisalError("deflators", "deflators_required", line=label)
                if base_year not in inp.deflators:
                    raise AppraisalError(
                        "deflators", "deflator_base_missing", year=base_year, line=label
                    )
                for year in sorted(line.values):
                    if year not in inp.deflators:
                        raise AppraisalError("deflators", "deflator_missing", year=year, line=label)


# --------------------------------------------------------------------------- #
# Evaluation
# --------------------------------------------------------------------------- #


def vfm_category(bcr: Decimal | None) -> str | None:
    """Value-for-money category for an (unrounded) benefit-cost ratio."""
    if bcr is None:
        return None
    if bcr < 0:
        return "negative"
    if bcr < 1:
        return "poor"
    if bcr < Decimal("1.5"):
        return "low"
    if bcr < 2:
        return "medium"
    if bcr < 4:
        return "high"
    return "very high"


def _real_values(line: Line, inp: AppraisalInput) -> dict[int, Decimal]:
    if line.prices == "real":
        return {year: +amount for year, amount in line.values.items()}
    base = inp.deflators[inp.base_year]
    return {year: amount * base / inp.deflators[year] for year, amount in line.values.items()}


def _pv(values: Mapping[int, Decimal], first_year: int, schedule: str) -> Decimal:
    total = Decimal(0)
    for year in sorted(values):
        total += values[year] * discount_factor(year - first_year, schedule)
    return total


def evaluate(inp: AppraisalInput) -> Result:
    """Validate ``inp`` and compute unrounded results."""
    validate_input(inp)
    schedule = inp.discount_schedule
    with localcontext(_context()):
        pending: list[tuple[Line, str, Decimal, Decimal, dict[int, Decimal]]] = []
        cost_by_year: dict[int, Decimal] = {}
        benefit_by_year: dict[int, Decimal] = {}
        for lines, line_type, by_year in (
            (inp.costs, COST, cost_by_year),
            (inp.benefits, BENEFIT, benefit_by_year),
        ):
            for line in lines:
                real = _real_values(line, inp)
                pv_before = _pv(real, inp.first_year, schedule)
                bias = Decimal(0)
                if line_type == COST and line.kind is not None:
                    bias = inp.optimism_bias.get(line.kind, Decimal(0))
                if bias:
                    real = {year: amount * (1 + bias) for year, amount in real.items()}
                bias_pv = pv_before * bias
                for year, amount in real.items():
                    by_year[year] = by_year.get(year, Decimal(0)) + amount
                pending.append((line, line_type, pv_before, bias_pv, real))

        pv_costs = Decimal(0)
        pv_benefits = Decimal(0)
        optimism_bias_pv = Decimal(0)
        for _, line_type, pv_before, bias_pv, _ in pending:
            if line_type == COST:
                pv_costs += pv_before + bias_pv
                optimism_bias_pv += bias_pv
            else:
                pv_benefits += pv_before
        npsv = pv_benefits - pv_costs
        bcr = None if pv_costs.is_zero() else pv_benefits / pv_costs

        line_results = []
        for line, line_type, pv_before, bias_pv, real in pending:
            pv = pv_before + bias_pv
            if pv.is_zero():
                switching = None
            elif line_type == COST:
                switching = npsv / pv * 100
            else:
                switching = -npsv / pv * 100
            line_results.append(
                LineResult(
                    name=line.name,
                    type=line_type,
                    kind=line.kind,
                    pv=pv,
                    pv_before_bias=pv_before,
                    optimism_bias_pv=bias_pv,
                    switching_value_pct=switching,
                    real_values=real,
                )
            )

        year_results = []
        all_years = set(cost_by_year) | set(benefit_by_year)
        if all_years:
            for year in range(inp.first_year, max(all_years) + 1):
                t = year - inp.first_year
                df = discount_factor(t, schedule)
                costs = cost_by_year.get(year, Decimal(0))
                benefits = benefit_by_year.get(year, Decimal(0))
                net = benefits - costs
                year_results.append(
                    YearResult(
                        year=year,
                        t=t,
                        discount_factor=df,
                        costs=costs,
                        benefits=benefits,
                        net=net,
                        pv_net=net * df,
                    )
                )

    return Result(
        first_year=inp.first_year,
        price_base_year=inp.base_year,
        discount_schedule=schedule,
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npsv=npsv,
        bcr=bcr,
        vfm_category=vfm_category(bcr),
        optimism_bias_pv=optimism_bias_pv,
        lines=tuple(line_results),
        years=tuple(year_results),
    )


def appraise(data: Mapping[str, Any]) -> dict[str, Any]:
    """Appraise JSON-style input and return the JSON-ready output dictionary."""
    return evaluate(parse_input(data)).to_dict()


def render_table(output: Mapping[str, Any]) -> str:
    """Render the output of :func:`appraise` as a plain-text table."""

    def grid(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        out = []
        for row in [header, *rows]:
            cells = [row[0].ljust(widths[0])]
            cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
            out.append("  ".join(cells).rstrip())
        return out

    def text(value: Any) -> str:
        return "-" if value is None else str(value)

    summary = [
        ("Present value of costs (incl. optimism bias)", text(output["pv_costs"])),
        ("  of which optimism bias", text(output["optimism_bias_pv"])),
        ("Present value of benefits", text(output["pv_benefits"])),
        ("Net present social value (NPSV)", text(output["npsv"])),
        ("Benefit-cost ratio (BCR)", text(output["bcr"])),
        ("Value for money category", text(output["vfm_category"])),
    ]
    label_width = max(len(label) for label, _ in summary)
    value_width = max(len(value) for _, value in summary)
    lines = [f"{label.ljust(label_width)}  {value.rjust(value_width)}" for label, value in summary]

    if output["lines"]:
        lines.append("")
        lines += grid(
            ("Line", "Type", "PV", "Switching value %"),
            [
                (
                    str(line["name"]),
                    line["type"],
                    line["pv"],
                    text(line["switching_value_pct"]),
                )
                for line in output["lines"]
            ],
        )
    if output["years"]:
        lines.append("")
        lines += grid(
            ("Year", "Discount factor", "Costs", "Benefits", "Net", "PV net"),
            [
                (
                    str(year["year"]),
                    year["discount_factor"],
                    year["costs"],
                    year["benefits"],
                    year["net"],
                    year["pv_net"],
                )
                for year in output["years"]
            ],
        )
    return "\n".join(lines) + "\n"
