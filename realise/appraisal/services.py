"""Business rules for an initiative's economic case: options, lines, appraisal, ex post.

Years are UK financial years named by the year they start in (2025 is 2025/26), and an
option's `first_year` is year 0 of its appraisal. The Green Book arithmetic is done by
`greenbook.evaluate`; this module turns the database rows into its input.

Linked benefit lines
    A benefit line linked to a register benefit has no values of its own. Its values are
    the benefit's planned profile, summed by financial year in the database: pounds for
    money benefits (unit GBP, e.g. 1a and 1c), hours times the line's cost per hour for
    time benefits (unit hours, 1b). Other units cannot be valued and are refused. A
    dis-benefit counts as a negative benefit.

Ex post
    The same option with, for every linked benefit line, the actuals in place of the plan
    for every month that has ended: a month before the month of `as_of` counts its actual
    (the sum of every actual recorded for it, per force or for the whole collaboration;
    nothing recorded counts as nothing delivered), and the current and later months count
    their plan. So every complete financial year before today is actuals only, and the
    current financial year is its actuals to date plus its remaining plan. Costs and
    unlinked lines are unchanged.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.appraisal import words
from realise.appraisal.counterfactual import Increment, increment
from realise.appraisal.greenbook import (
    AppraisalError,
    AppraisalInput,
    Line,
    LineResult,
    Result,
    evaluate,
    resolve_optimism_bias,
)
from realise.appraisal.models import (
    BenefitLine,
    BenefitValue,
    CostLine,
    CostValue,
    Deflator,
    Option,
    fy_label,
)
from realise.benefits.models import Benefit, Measurement, PlannedValue, Unit
from realise.collaborations.models import Initiative
from realise.core.history import set_history_user
from realise.core.language import english, lazy_format
from realise.core.types import Actor, StrOrPromise

ZERO = Decimal("0")
BUSINESS_AS_USUAL = "Business as usual"
BUSINESS_AS_USUAL_DESCRIPTION = (
    "Carry on as now: the baseline against which every other option is compared."
)
PLAN = "plan"
ACTUAL = "actual"
MIXED = "actual to date and plan"
# What each year of a linked line counts in the ex post view, for people.
BASIS_LABELS: dict[str, StrOrPromise] = {
    PLAN: gettext_lazy("Plan"),
    ACTUAL: gettext_lazy("Actual"),
    MIXED: gettext_lazy("Actual to date and plan"),
}


class CaseError(Exception):
    """An option that cannot be appraised as it stands. `message` says why, in the language
    of whoever reads it; the exception's own text is in English."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(english(message))
        self.message = message


def _lower(text: StrOrPromise) -> str:
    return str(text).lower()


lower_lazy = lazy(_lower, str)


# Financial years ----------------------------------------------------------------------------


def financial_year(day: datetime.date) -> int:
    """The year in which the UK financial year (April to March) containing `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_of(field_name: str = "period") -> Case:
    """A database expression for the financial year of a date column."""
    year = ExtractYear(field_name)
    return Case(
        When(**{f"{field_name}__month__lt": 4}, then=year - Value(1)),
        default=year,
        output_field=IntegerField(),
    )


def _today(as_of: datetime.date | None) -> datetime.date:
    return timezone.localdate() if as_of is None else as_of


# Permissions -----------------------------------------------------------------------------------


def _may_edit(user: Actor | None, obj: Model) -> bool:
    return user is not None and user.has_perm("appraisal.change_option", obj)


def _require_edit(user: Actor | None, obj: Model) -> None:
    if not _may_edit(user, obj):
        raise PermissionDenied(_("You may not change this economic case."))


def _save(obj: Model, user: Actor | None) -> None:
    set_history_user(obj, user)
    obj.save()


def _delete(obj: Model, user: Actor | None) -> None:
    set_history_user(obj, user)
    obj.delete()


# Options ---------------------------------------------------------------------------------------


def _new_business_as_usual(initiative: Initiative) -> Option:
    start = initiative.start_date or timezone.localdate()
    return Option(
        initiative=initiative,
        name=BUSINESS_AS_USUAL,
        description=BUSINESS_AS_USUAL_DESCRIPTION,
        is_business_as_usual=True,
        first_year=financial_year(start),
        order=0,
    )


def business_as_usual(initiative: Initiative, *, user: Actor | None = None) -> Option:
    """The initiative's business-as-usual option, created the first time it is needed."""
    existing = Option.objects.filter(initiative=initiative, is_business_as_usual=True).first()
    if existing is not None:
        return existing
    option = _new_business_as_usual(initiative)
    while Option.objects.filter(initiative=initiative, name=option.name).exists():
        option.name += " (baseline)"
    try:
        with transaction.atomic():
            _save(option, user)
    except IntegrityError:  # created meanwhile by another request
        return Option.objects.get(initiative=initiative, is_business_as_usual=True)
    return option


def options_of(initiative: Initiative, *, user: Actor | None = None) -> list[Option]:
    """Every option of the initiative, business as usual first.

    A missing business-as-usual option is created for someone who may change the case (it
    is where their baseline costs go); for anyone else, reading never writes, and an
    unsaved business as usual with no lines stands in.
    """
    if _may_edit(user, initiative):
        business_as_usual(initiative, user=user)
    options = list(Option.objects.filter(initiative=initiative).select_related("initiative"))
    if not any(option.is_business_as_usual for option in options):
        options.insert(0, _new_business_as_usual(initiative))
    return options


def _option_name_taken(name: str) -> ValidationError:
    return ValidationError(
        {"name": _("This initiative already has an option called '%(name)s'.") % {"name": name}}
    )


def _check_option_name(option: Option) -> None:
    clash = Option.objects.filter(initiative_id=option.initiative_id, name=option.name)
    if clash.exclude(pk=option.pk).exists():
        raise _option_name_taken(option.name)


def _line_name_taken(name: str) -> ValidationError:
    return ValidationError(
        {"name": _("This option already has a line called '%(name)s'.") % {"name": name}}
    )


def _save_named(
    obj: Option | CostLine | BenefitLine,
    user: Actor | None,
    taken: Callable[[str], ValidationError],
) -> None:
    """Save a record whose name is unique among its siblings. The name was checked before;
    a twin saved meanwhile (the same form sent twice at once) is refused in the same words."""
    try:
        with transaction.atomic():
            _save(obj, user)
    except IntegrityError:
        siblings: QuerySet[Any] = (
            Option.objects.filter(initiative_id=obj.initiative_id)
            if isinstance(obj, Option)
            else type(obj).objects.filter(option_id=obj.option_id)
        )
        if not siblings.filter(name=obj.name).exclude(pk=obj.pk).exists():
            raise
        raise taken(obj.name) from None


OPTION_FIELDS = (
    "name",
    "description",
    "first_year",
    "price_base_year",
    "discount_schedule",
    "optimism_bias_capex",
    "optimism_bias_opex",
    "optimism_bias_other",
    "order",
    "is_preferred",
)


@transaction.atomic
def save_option(
    initiative: Initiative, *, user: Actor | None, option: Option | None = None, **fields: Any
) -> Option:
    """Create an option (when `option` is None) or change one; `fields` from OPTION_FIELDS."""
    _require_edit(user, initiative if option is None else option)
    business_as_usual(initiative, user=user)
    if option is None:
        option = Option(initiative=initiative)
    elif option.initiative_id != initiative.pk:
        raise ValidationError(_("The option belongs to another initiative."))
    unknown = set(fields) - set(OPTION_FIELDS)
    if unknown:
        raise TypeError(f"save_option() got unknown fields: {', '.join(sorted(unknown))}")
    before = {name: getattr(option, name) for name in fields}
    for name, value in fields.items():
        setattr(option, name, value)
    try:
        _check_option_name(option)
        option.full_clean()
        if option.pk and any(
            model.objects.filter(line__option=option, year__lt=option.first_year).exists()
            for model in (CostValue, BenefitValue)
        ):
            raise ValidationError(
                {
                    "first_year": _(
                        "Some lines have values before this year: change or remove them first."
                    )
                }
            )
    except ValidationError:
        for name, value in before.items():  # a refused change leaves the option as it was
            setattr(option, name, value)
        raise
    _save_named(option, user, _option_name_taken)
    if option.is_preferred:  # one preferred option per initiative
        for other in Option.objects.filter(initiative=initiative, is_preferred=True).exclude(
            pk=option.pk
        ):
            other.is_preferred = False
            _save(other, user)
    return option


@transaction.atomic
def delete_option(option: Option, *, user: Actor | None) -> None:
    """Delete an option with its lines and values; business as usual is never deleted."""
    _require_edit(user, option)
    if option.is_business_as_usual:
        raise ValidationError(
            _(
                "Business as usual cannot be deleted: every economic case compares its options "
                "against it."
            )
        )
    for line in list(option.cost_lines.all()) + list(option.benefit_lines.all()):
        _delete_line_rows(line, user)
    for deflator in option.deflators.all():
        _delete(deflator, user)
    _delete(option, user)


# Lines ----------------------------------------------------------------------------------------


def _replace_values(
    line: CostLine | BenefitLine,
    value_model: Callable[..., CostValue | BenefitValue],
    values: Mapping[int, Decimal],
    user: Actor | None,
) -> None:
    existing = {row.year: row for row in line.values.all()}
    for year, row in existing.items():
        if year not in values:
            _delete(row, user)
    for year, amount in values.items():
        row = existing.get(year) or value_model(line=line, year=year)
        if row.pk and row.amount == amount:
            continue
        row.amount = amount
        row.full_clean(exclude=["line"])
        _save(row, user)


def _check_years(option: Option, values: Mapping[int, Decimal]) -> None:
    early = sorted(year for year in values if year < option.first_year)
    if early:
        raise ValidationError(
            {
                "values": _("%(year)s is before the option's first year, %(first_year)s.")
                % {"year": fy_label(early[0]), "first_year": fy_label(option.first_year)}
            }
        )


def _check_name(
    option: Option,
    model: type[CostLine] | type[BenefitLine],
    line: CostLine | BenefitLine | None,
    name: str,
) -> None:
    clash = model.objects.filter(option=option, name=name)
    if line is not None and line.pk:
        clash = clash.exclude(pk=line.pk)
    if clash.exists():
        raise _line_name_taken(name)


@transaction.atomic
def save_cost_line(
    option: Option,
    *,
    user: Actor | None,
    line: CostLine | None = None,
    name: str,
    kind: str,
    prices: str = "real",
    values: Mapping[int, Decimal] | None = None,
    order: int | None = None,
) -> CostLine:
    """Create or change a cost line and replace its yearly values."""
    _require_edit(user, option)
    values = dict(values or {})
    _check_years(option, values)
    _check_name(option, CostLine, line, name)
    line = line or CostLine(option=option)
    if line.option_id != option.pk:
        raise ValidationError(_("The line belongs to another option."))
    line.name, line.kind, line.prices = name, kind, prices
    if order is not None:
        line.order = order
    elif not line.pk:
        line.order = option.cost_lines.count()
    line.full_clean()
    _save_named(line, user, _line_name_taken)
    _replace_values(line, CostValue, values, user)
    return line


def check_linkable(benefit: Benefit, option: Option, cost_per_hour: Decimal | None) -> None:
    """Can `benefit` give the values of a line in `option`? ValidationError says why not."""
    if benefit.initiative_id != option.initiative_id:
        raise ValidationError({"benefit": _("Link a benefit of this initiative.")})
    if benefit.unit == Unit.HOURS:
        if cost_per_hour is None:
            raise ValidationError(
                {
                    "cost_per_hour": _(
                        "'%(title)s' is measured in hours: give the value of one hour in pounds."
                    )
                    % {"title": benefit.title}
                }
            )
    elif benefit.unit != Unit.GBP:
        raise ValidationError(
            {
                "benefit": _(
                    "'%(title)s' is measured as %(unit)s, which has no value in pounds. "
                    "Link a benefit measured in pounds or hours, or enter the line's "
                    "values yourself."
                )
                % {"title": benefit.title, "unit": str(benefit.get_unit_display()).lower()}
            }
        )


@transaction.atomic
def save_benefit_line(
    option: Option,
    *,
    user: Actor | None,
    line: BenefitLine | None = None,
    name: str,
    prices: str = "real",
    benefit: Benefit | None = None,
    cost_per_hour: Decimal | None = None,
    values: Mapping[int, Decimal] | None = None,
    order: int | None = None,
) -> BenefitLine:
    """Create or change a benefit line. A linked line keeps no values of its own."""
    _require_edit(user, option)
    values = dict(values or {})
    if benefit is not None:
        check_linkable(benefit, option, cost_per_hour)
        if values:
            raise ValidationError(
                {
                    "values": _(
                        "A line linked to a register benefit takes its values from the "
                        "benefit's planned profile: leave the values empty, or unlink the benefit."
                    )
                }
            )
        clash = BenefitLine.objects.filter(option=option, benefit=benefit)
        if line is not None and line.pk:
            clash = clash.exclude(pk=line.pk)
        if clash.exists():
            raise ValidationError(
                {
                    "benefit": _("'%(title)s' is already linked to another line of this option.")
                    % {"title": benefit.title}
                }
            )
        if benefit.unit != Unit.HOURS:
            cost_per_hour = None
    else:
        _check_years(option, values)
        cost_per_hour = None
    _check_name(option, BenefitLine, line, name)
    line = line or BenefitLine(option=option)
    if line.option_id != option.pk:
        raise ValidationError(_("The line belongs to another option."))
    line.name, line.prices, line.benefit, line.cost_per_hour = name, prices, benefit, cost_per_hour
    if order is not None:
        line.order = order
    elif not line.pk:
        line.order = option.benefit_lines.count()
    line.full_clean()
    _save_named(line, user, _line_name_taken)
    _replace_values(line, BenefitValue, values, user)
    return line


def _delete_line_rows(line: CostLine | BenefitLine, user: Actor | None) -> None:
    for row in line.values.all():
        _delete(row, user)
    _delete(line, user)


@transaction.atomic
def delete_line(line: CostLine | BenefitLine, *, user: Actor | None) -> None:
    _require_edit(user, line.option)
    _delete_line_rows(line, user)


@transaction.atomic
def replace_deflators(
    initiative: Initiative,
    rows: Mapping[int, Decimal],
    *,
    user: Actor | None,
    option: Option | None = None,
) -> int:
    """Replace the deflator series of the initiative's case (or of one option in it)."""
    _require_edit(user, option or initiative)
    if option is not None and option.initiative_id != initiative.pk:
        raise ValidationError(_("The option belongs to another initiative."))
    rows_now = Deflator.objects.filter(initiative=initiative, option=option)
    existing = {row.year: row for row in rows_now}
    for year, row in existing.items():
        if year not in rows:
            _delete(row, user)
    for year, index in rows.items():
        if index <= 0:
            raise ValidationError(
                _("The deflator for %(year)s must be greater than 0.") % {"year": fy_label(year)}
            )
        row = existing.get(year) or Deflator(initiative=initiative, option=option, year=year)
        if row.pk and row.index == index:
            continue
        row.index = index
        try:
            row.full_clean(exclude=["initiative", "option"])
        except ValidationError as error:  # e.g. more digits than an index is kept with
            raise ValidationError(
                _("The deflator for %(year)s: %(problem)s")
                % {"year": fy_label(year), "problem": " ".join(error.messages)}
            ) from None
        _save(row, user)
    return len(rows)


def deflators_for(option: Option) -> dict[int, Decimal]:
    """The option's deflator series: the initiative's, with the option's own years on top."""
    own = Q(option=option) if option.pk is not None else Q(pk__in=[])
    rows = Deflator.objects.filter(
        Q(option__isnull=True) | own, initiative_id=option.initiative_id
    ).values_list("year", "index", "option_id")
    series: dict[int, Decimal] = {}
    for year, index, _option_id in sorted(rows, key=lambda row: row[2] is not None):
        series[year] = index
    return series


# Values of linked lines ---------------------------------------------------------------------


def _by_benefit_and_year(rows: Iterable[Mapping[str, Any]]) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        out[row["benefit_id"]][row["fy"]] = row["total"]
    return out


def planned_by_year(
    benefit_ids: Iterable[int], *, from_month: datetime.date | None = None
) -> dict[int, dict[int, Decimal]]:
    """Planned values summed by benefit and financial year (from `from_month` on, if given)."""
    rows = PlannedValue.objects.filter(benefit_id__in=list(benefit_ids))
    if from_month is not None:
        rows = rows.filter(period__gte=from_month)
    return _by_benefit_and_year(
        rows.annotate(fy=financial_year_of("period"))
        .values("benefit_id", "fy")
        .annotate(total=Sum("value"))
        .order_by()
    )


def actual_by_year(
    benefit_ids: Iterable[int], *, before_month: datetime.date
) -> dict[int, dict[int, Decimal]]:
    """Actuals (every force and the whole collaboration) by benefit and financial year,
    for months before `before_month`."""
    return _by_benefit_and_year(
        Measurement.objects.filter(
            benefit_id__in=list(benefit_ids), period__lt=before_month, value__isnull=False
        )
        .annotate(fy=financial_year_of("period"))
        .values("benefit_id", "fy")
        .annotate(total=Sum("value"))
        .order_by()
    )


def _in_pounds(line: BenefitLine, amounts: Mapping[int, Decimal]) -> dict[int, Decimal]:
    benefit = cast(Benefit, line.benefit)  # a linked line
    rate = line.cost_per_hour if benefit.unit == Unit.HOURS else Decimal(1)
    if rate is None:
        raise CaseError(
            lazy_format(
                gettext_lazy("Line '%(line)s' is linked to hours but has no cost per hour."),
                line=line.name,
            )
        )
    if benefit.unit not in (Unit.GBP, Unit.HOURS):
        raise CaseError(
            lazy_format(
                gettext_lazy(
                    "Line '%(line)s' is linked to '%(benefit)s', which is measured as %(unit)s "
                    "and has no value in pounds."
                ),
                line=line.name,
                benefit=benefit.title,
                unit=lower_lazy(Unit(benefit.unit).label),
            )
        )
    sign = -1 if benefit.is_disbenefit else 1
    return {year: amount * rate * sign for year, amount in sorted(amounts.items())}


# A line of either kind.
L = TypeVar("L", CostLine, BenefitLine)


@dataclass
class LineFigures(Generic[L]):
    """A line with the values that go into the appraisal (pounds by financial year)."""

    line: L
    values: dict[int, Decimal]
    result: LineResult | None = None

    @property
    def is_cost(self) -> bool:
        return isinstance(self.line, CostLine)


def _own_values(
    model: type[CostValue] | type[BenefitValue], lines: Sequence[CostLine | BenefitLine]
) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for line_id, year, amount in model.objects.filter(
        line_id__in=[line.pk for line in lines]
    ).values_list("line_id", "year", "amount"):
        out[line_id][year] = amount
    return out


def line_figures(
    option: Option, *, ex_post_as_of: datetime.date | None = None
) -> tuple[list[LineFigures[CostLine]], list[LineFigures[BenefitLine]]]:
    """The option's cost and benefit lines with their values, as two lists of LineFigures.

    With `ex_post_as_of`, linked benefit lines use actuals for the months before that
    date's month and plan from it on (see the module's description).
    """
    if option.pk is None:  # business as usual, not yet set up: no lines
        return [], []
    cost_lines = list(option.cost_lines.all())
    benefit_lines = list(option.benefit_lines.select_related("benefit"))
    cost_values = _own_values(CostValue, cost_lines)
    benefit_values = _own_values(BenefitValue, [b for b in benefit_lines if not b.is_linked])
    linked_ids = {line.benefit_id for line in benefit_lines if line.benefit_id is not None}
    if ex_post_as_of is None:
        planned = planned_by_year(linked_ids) if linked_ids else {}
        actual: dict[int, dict[int, Decimal]] = {}
    else:
        cutoff = ex_post_as_of.replace(day=1)
        planned = planned_by_year(linked_ids, from_month=cutoff) if linked_ids else {}
        actual = actual_by_year(linked_ids, before_month=cutoff) if linked_ids else {}

    costs = [LineFigures(line, dict(cost_values.get(line.pk, {}))) for line in cost_lines]
    benefits: list[LineFigures[BenefitLine]] = []
    for line in benefit_lines:
        if line.benefit_id is None:  # not linked
            benefits.append(LineFigures(line, dict(benefit_values.get(line.pk, {}))))
            continue
        plan = planned.get(line.benefit_id, {})
        done = actual.get(line.benefit_id, {})
        amounts = {year: plan.get(year, ZERO) + done.get(year, ZERO) for year in {*plan, *done}}
        benefits.append(LineFigures(line, _in_pounds(line, amounts)))
    return costs, benefits


# Appraisal ---------------------------------------------------------------------------------------


def build_input(
    option: Option,
    costs: Sequence[LineFigures[CostLine]],
    benefits: Sequence[LineFigures[BenefitLine]],
) -> AppraisalInput:
    """The engine's input for an option whose lines' figures are given (see line_figures)."""
    bias = {}
    for kind, given in option.optimism_bias().items():
        try:
            bias[kind] = resolve_optimism_bias(given, kind)
        except AppraisalError as error:
            raise CaseError(
                lazy_format(
                    gettext_lazy("optimism bias on %(kind)s: %(problem)s"),
                    kind=kind,
                    problem=words.problem(error),
                )
            ) from None
    every: tuple[LineFigures[CostLine] | LineFigures[BenefitLine], ...] = (*costs, *benefits)
    for figures in every:
        early = sorted(year for year in figures.values if year < option.first_year)
        if early:
            raise CaseError(
                lazy_format(
                    gettext_lazy(
                        "Line '%(line)s' has a value in %(year)s, before the option's first "
                        "year %(first_year)s."
                    ),
                    line=figures.line.name,
                    year=fy_label(early[0]),
                    first_year=fy_label(option.first_year),
                )
            )
    return AppraisalInput(
        first_year=option.first_year,
        price_base_year=option.price_base_year,
        discount_schedule=str(option.discount_schedule),
        optimism_bias=bias,
        deflators=deflators_for(option),
        costs=tuple(
            Line(f.line.name, f.values, kind=f.line.kind, prices=f.line.prices) for f in costs
        ),
        benefits=tuple(Line(f.line.name, f.values, prices=f.line.prices) for f in benefits),
    )


@dataclass
class OptionAppraisal:
    option: Option
    costs: list[LineFigures[CostLine]]
    benefits: list[LineFigures[BenefitLine]]
    result: Result | None = None
    # Why the option cannot be appraised, in the language of whoever reads it.
    error: StrOrPromise | None = None
    relative_npsv: Decimal | None = None
    # Figures relative to business as usual (None for business as usual itself).
    increment: Increment | None = None

    @property
    def lines(self) -> list[LineFigures[CostLine] | LineFigures[BenefitLine]]:
        return [*self.costs, *self.benefits]

    @property
    def years(self) -> list[int]:
        """Every financial year from the first to the last with a value."""
        if self.result is not None and self.result.years:
            return [y.year for y in self.result.years]
        found = {year for figures in self.lines for year in figures.values}
        if not found:
            return []
        return list(range(min(self.option.first_year, *found), max(found) + 1))


def appraise_option(
    option: Option, *, ex_post_as_of: datetime.date | None = None
) -> OptionAppraisal:
    """Appraise one option; a case that cannot be appraised gives `error`, not an exception."""
    try:
        costs, benefits = line_figures(option, ex_post_as_of=ex_post_as_of)
    except CaseError as error:
        return OptionAppraisal(option, [], [], error=error.message)
    appraisal = OptionAppraisal(option, costs, benefits)
    try:
        result = evaluate(build_input(option, costs, benefits))
    except CaseError as error:
        appraisal.error = error.message
        return appraisal
    except AppraisalError as error:
        appraisal.error = words.error_text(error)
        return appraisal
    appraisal.result = result
    for figures, line_result in zip(appraisal.lines, result.lines, strict=True):
        figures.result = line_result
    return appraisal


@dataclass
class Comparison:
    """Every option of an initiative appraised, with NPSV relative to business as usual."""

    initiative: object
    appraisals: list[OptionAppraisal]
    ex_post_as_of: datetime.date | None = None

    @property
    def business_as_usual(self) -> OptionAppraisal:
        return next(a for a in self.appraisals if a.option.is_business_as_usual)

    @property
    def comparable(self) -> bool:
        """Do the options share a first year, price base year and discount schedule?"""
        keys = {
            (a.option.first_year, a.option.base_year, a.option.discount_schedule)
            for a in self.appraisals
        }
        return len(keys) <= 1

    @property
    def years(self) -> list[int]:
        found = {year for a in self.appraisals for year in a.years}
        return sorted(found)


def compare_options(
    initiative: Initiative,
    *,
    user: Actor | None = None,
    ex_post_as_of: datetime.date | None = None,
) -> Comparison:
    appraisals = [
        appraise_option(option, ex_post_as_of=ex_post_as_of)
        for option in options_of(initiative, user=user)
    ]
    comparison = Comparison(initiative, appraisals, ex_post_as_of)
    baseline = comparison.business_as_usual.result
    for appraisal in appraisals:
        if appraisal.result is not None and baseline is not None:
            appraisal.relative_npsv = appraisal.result.npsv - baseline.npsv
            if not appraisal.option.is_business_as_usual:
                appraisal.increment = increment(appraisal.result, baseline)
    return comparison


@dataclass
class LinkedYear:
    year: int
    business_case: Decimal
    ex_post: Decimal
    basis: str

    @property
    def basis_label(self) -> StrOrPromise:
        """The basis in words, in the language of the page."""
        return BASIS_LABELS[self.basis]


@dataclass
class ExPostRow:
    """One option: its business-case appraisal beside its ex post appraisal."""

    business_case: OptionAppraisal
    ex_post: OptionAppraisal
    current_year: int

    @property
    def option(self) -> Option:
        return self.business_case.option

    @property
    def linked(self) -> list[tuple[BenefitLine, list[LinkedYear]]]:
        """Each linked benefit line with its values by year, planned and ex post."""
        out: list[tuple[BenefitLine, list[LinkedYear]]] = []
        for planned, actual in zip(self.business_case.benefits, self.ex_post.benefits, strict=True):
            if not planned.line.is_linked:
                continue
            years = sorted({*planned.values, *actual.values})
            rows = [
                LinkedYear(
                    year,
                    planned.values.get(year, ZERO),
                    actual.values.get(year, ZERO),
                    ACTUAL
                    if year < self.current_year
                    else MIXED
                    if year == self.current_year
                    else PLAN,
                )
                for year in years
            ]
            out.append((planned.line, rows))
        return out


@dataclass
class ExPost:
    as_of: datetime.date
    rows: list[ExPostRow]

    @property
    def current_year(self) -> int:
        return financial_year(self.as_of)

    @property
    def has_actuals(self) -> bool:
        return any(
            year.basis != PLAN for row in self.rows for _, years in row.linked for year in years
        )


def ex_post(
    initiative: Initiative, *, user: Actor | None = None, as_of: datetime.date | None = None
) -> ExPost:
    """Each option appraised as in the business case and again with actuals (see above)."""
    as_of = _today(as_of)
    planned = compare_options(initiative, user=user)
    actual = compare_options(initiative, user=user, ex_post_as_of=as_of)
    current = financial_year(as_of)
    return ExPost(
        as_of,
        [
            ExPostRow(p, a, current)
            for p, a in zip(planned.appraisals, actual.appraisals, strict=True)
        ],
    )


def missing_actuals(option: Option, *, as_of: datetime.date | None = None) -> dict[int, int]:
    """For the option's linked benefit lines: planned months that have ended with no actual
    recorded, counted by line id."""
    cutoff = _today(as_of).replace(day=1)
    counts: dict[int, int] = {}
    if option.pk is None:  # business as usual, not yet set up: no lines
        return counts
    for line in option.benefit_lines.filter(benefit__isnull=False):
        if line.benefit_id is None:  # never: the query keeps linked lines
            continue
        counts[line.pk] = (
            PlannedValue.objects.filter(benefit_id=line.benefit_id, period__lt=cutoff)
            .exclude(
                period__in=Measurement.objects.filter(
                    benefit_id=line.benefit_id, value__isnull=False
                ).values("period")
            )
            .count()
        )
    return counts
