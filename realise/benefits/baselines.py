"""Baselined benefits realisation plans and change control.

Approving the full business case (an initiative's move to stage 3, see
`collaborations.services.move_stage`) freezes every planned profile of the initiative's
benefits as the baseline. From then on the plan is re-profiled only through a change
request: who asked, why, the proposed profile, and the governance body that decided it.
Approving a request replaces the benefit's plan and re-baselines that benefit; every
earlier baseline is kept, so the plan approved at the full business case can always be
compared with today's.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from realise.benefits.models import (
    BaselineValue,
    Benefit,
    ChangeRequest,
    ChangeRequestStatus,
    ChangeRequestValue,
    Measurement,
    PlanBaseline,
    PlannedValue,
)
from realise.benefits.realisation.forces import force_month_parts, is_split
from realise.benefits.realisation.rag import month_level
from realise.collaborations.models import Stage, StageDecision
from realise.core import inputs
from realise.core.history import set_history_user
from realise.core.types import StrOrPromise

ZERO = Decimal("0")


def _baselines_of(benefit: Benefit):
    """Every baseline that covers `benefit`: its initiative's whole plan, or it alone."""
    return PlanBaseline.objects.filter(
        Q(initiative_id=benefit.initiative_id, benefit__isnull=True) | Q(benefit=benefit)
    ).order_by("approved_on", "pk")


def is_baselined(benefit: Benefit) -> bool:
    """Once baselined, a benefit's plan changes only through an approved change request."""
    return benefit.pk in baselined_among([benefit])


BASELINED_PLAN = gettext_lazy(
    "The plan of '{benefit}' is baselined: re-profile it through a change request."
)


def baselined_among(benefits: Iterable[Benefit]) -> set[int]:
    """The ids of those of `benefits` whose plans are baselined (as `is_baselined`), in one
    query."""
    benefits = list(benefits)
    if not benefits:
        return set()
    found = PlanBaseline.objects.filter(
        Q(initiative_id__in={b.initiative_id for b in benefits}, benefit__isnull=True)
        | Q(benefit_id__in=[b.pk for b in benefits])
    ).values_list("initiative_id", "benefit_id")
    whole: set[int] = set()
    alone: set[int] = set()
    for initiative_id, benefit_id in found:
        if benefit_id is None:
            whole.add(initiative_id)
        else:
            alone.add(benefit_id)
    return {b.pk for b in benefits if b.initiative_id in whole or b.pk in alone}


def plan_closed_refusal(benefit: Benefit) -> ValidationError:
    """The refusal of a re-profile of `benefit`'s baselined plan."""
    return ValidationError(BASELINED_PLAN.format(benefit=benefit))


def check_plan_open(benefit: Benefit) -> None:
    """The baselined-plan guard, written once: the plan page, the API, the register import
    and `services.replace_plan` all refuse a re-profile of a baselined plan with it."""
    if is_baselined(benefit):
        raise plan_closed_refusal(benefit)


# Where a baselined benefit's money is counted ------------------------------------------------

# The fields that decide which cuts a benefit's figures are counted in (the realisation
# engine's and the monthly totals'), each as the refusal names it.
COUNTED_BY: dict[str, StrOrPromise] = {
    "subcategory": gettext_lazy("sub-category"),
    "unit": gettext_lazy("unit"),
    "is_disbenefit": gettext_lazy("dis-benefit flag"),
    "cashable": gettext_lazy("cashable flag"),
    "identified_in_business_case": gettext_lazy("'identified in business case' flag"),
}

# A change request carries a new profile only, so it cannot move a benefit's figures to
# another cut: the refusal says how to count them differently.
BASELINED_FIELD = gettext_lazy(
    "The plan of '{benefit}' is baselined, so its {field} cannot change: it decides where "
    "the benefit's figures are counted. A change request re-profiles the plan only; to "
    "count the benefit differently, re-profile it to nothing through a change request, "
    "set its status to Closed, and add a new benefit in its place."
)


def counted_by_changes(stored: Benefit, proposed: Benefit) -> list[str]:
    """The fields of `COUNTED_BY` that `proposed` changes from `stored`."""
    return [name for name in COUNTED_BY if getattr(proposed, name) != getattr(stored, name)]


def baselined_field_errors(
    stored: Benefit, proposed: Benefit, *, baselined: bool | None = None
) -> dict[str, list[str]]:
    """{field: [refusal]} for each field of `COUNTED_BY` that `proposed` changes on a
    benefit whose plan is baselined. `baselined` is `is_baselined(stored)` when already
    known (the register import asks for a chunk of benefits at once, `baselined_among`)."""
    changed = counted_by_changes(stored, proposed)
    if not changed:
        return {}
    if baselined is None:
        baselined = is_baselined(stored)
    if not baselined:
        return {}
    return {
        name: [BASELINED_FIELD.format(benefit=stored, field=COUNTED_BY[name])] for name in changed
    }


def write_plan(benefit: Benefit, rows: dict[datetime.date, Decimal], *, user: User | None) -> None:
    """Make the benefit's planned values exactly `rows`, with history for `user`: months
    not in `rows` go, unchanged months are left alone. No checks: callers make them."""
    existing = {pv.period: pv for pv in benefit.planned_values.all()}
    for period, planned in existing.items():
        if period not in rows:
            set_history_user(planned, user)
            planned.delete()
    for period, value in rows.items():
        planned = existing.get(period) or PlannedValue(benefit=benefit, period=period)
        if planned.pk and planned.value == value:
            continue
        planned.value = value
        set_history_user(planned, user)
        planned.save()


def original_baseline(benefit: Benefit) -> PlanBaseline | None:
    return _baselines_of(benefit).first()


def current_baseline(benefit: Benefit) -> PlanBaseline | None:
    return _baselines_of(benefit).last()


def _check_body(initiative, body) -> None:
    if body is None:
        return
    collaboration = initiative.collaboration
    allowed = {collaboration.pk, *(c.pk for c in collaboration.ancestors())}
    if body.collaboration_id not in allowed:
        raise ValidationError(
            _("%(body)s is not a governance body of this collaboration.") % {"body": body}
        )


@transaction.atomic
def freeze_baseline(
    initiative,
    *,
    approved_on: datetime.date,
    user,
    body=None,
    stage_decision=None,
    note: str = "",
) -> PlanBaseline:
    """Freeze every planned value of the initiative's benefits as its baseline."""
    baseline = PlanBaseline(
        initiative=initiative,
        approved_on=approved_on,
        body=body,
        stage_decision=stage_decision,
        note=note or "Benefits realisation plan approved with the full business case.",
        recorded_by=user,
    )
    set_history_user(baseline, user)
    baseline.save()
    rows = [
        BaselineValue(baseline=baseline, benefit_id=benefit_id, period=period, value=value)
        for benefit_id, period, value in PlannedValue.objects.filter(
            benefit__initiative=initiative
        ).values_list("benefit_id", "period", "value")
    ]
    if rows:
        bulk_create_with_history(rows, BaselineValue, default_user=user)
    return baseline


def freeze_on_full_business_case(
    decision: StageDecision, *, user: User | None
) -> PlanBaseline | None:
    """Called on the stage gate's `stage_moved`: a move into the FBC stage freezes the
    plan, once."""
    if not (decision.from_stage < Stage.FBC <= decision.to_stage):
        return None
    initiative = decision.initiative
    if PlanBaseline.objects.filter(initiative=initiative, benefit__isnull=True).exists():
        return None
    return freeze_baseline(
        initiative,
        approved_on=decision.decided_on,
        body=decision.body,
        stage_decision=decision,
        user=user,
    )


def on_stage_moved(
    sender: type, *, decision: StageDecision, user: User | None, **kwargs: Any
) -> None:
    """Receives `collaborations.signals.stage_moved`."""
    freeze_on_full_business_case(decision, user=user)


# Change requests -----------------------------------------------------------------------------


@transaction.atomic
def raise_change_request(
    benefit: Benefit,
    rows: dict[datetime.date, Decimal],
    *,
    reason: str,
    user,
    requested_by=None,
    body=None,
) -> ChangeRequest:
    """Ask to re-profile a baselined benefit: the whole new profile, month by month."""
    if not user.has_perm("benefits.add_changerequest", benefit):
        raise PermissionDenied(
            _("You may not ask to change the plan of '%(benefit)s'.") % {"benefit": benefit}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the profile should change.")})
    inputs.check_months(rows)
    _check_body(benefit.initiative, body)
    request = ChangeRequest(
        benefit=benefit, reason=reason, requested_by=requested_by, body=body, entered_by=user
    )
    set_history_user(request, user)
    request.save()
    values = [
        ChangeRequestValue(change_request=request, period=period.replace(day=1), value=value)
        for period, value in sorted(rows.items())
    ]
    if values:
        bulk_create_with_history(values, ChangeRequestValue, default_user=user)
    return request


def proposed_rows(request: ChangeRequest) -> dict[datetime.date, Decimal]:
    return dict(request.values.values_list("period", "value"))


def replaced_rows(request: ChangeRequest) -> dict[datetime.date, Decimal] | None:
    """The plan an approved request replaced: the baseline in force before its own (a
    baselined plan changes only through change requests); None unless approved."""
    own = PlanBaseline.objects.filter(change_request=request).first()
    if own is None:
        return None
    before = _baselines_of(request.benefit).filter(pk__lt=own.pk).order_by("pk").last()
    if before is None:
        return {}
    return dict(
        BaselineValue.objects.filter(baseline=before, benefit=request.benefit).values_list(
            "period", "value"
        )
    )


@transaction.atomic
def decide_change_request(
    request: ChangeRequest,
    *,
    approve: bool,
    decided_on: datetime.date,
    user,
    body=None,
    note: str = "",
) -> ChangeRequest:
    """Approve (re-profile and re-baseline the benefit) or reject a pending request."""
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    benefit = request.benefit
    if not user.has_perm("benefits.decide_changerequest", benefit):
        raise PermissionDenied(
            _("You may not decide change requests for '%(benefit)s'.") % {"benefit": benefit}
        )
    if request.status != ChangeRequestStatus.PENDING:
        raise ValidationError(
            _("This request was already approved.")
            if request.status == ChangeRequestStatus.APPROVED
            else _("This request was already rejected.")
        )
    body = body or request.body
    if body is None:
        raise ValidationError({"body": _("Name the governance body that decided the request.")})
    _check_body(benefit.initiative, body)
    request.body = body
    request.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED
    request.decided_on = decided_on
    request.decided_by = user
    request.decision_note = note
    set_history_user(request, user)
    request.save()
    if approve:
        _apply(request, user)
    return request


def _apply(request: ChangeRequest, user) -> None:
    """Replace the benefit's plan by the approved profile and re-baseline the benefit."""
    assert request.decided_on is not None  # `decide_change_request` has just set it
    benefit = request.benefit
    rows = proposed_rows(request)
    write_plan(benefit, rows, user=user)
    baseline = PlanBaseline(
        initiative=benefit.initiative,
        benefit=benefit,
        approved_on=request.decided_on,
        body=request.body,
        change_request=request,
        note=f"Re-baselined by change request {request.pk}.",
        recorded_by=user,
    )
    set_history_user(baseline, user)
    baseline.save()
    values = [
        BaselineValue(baseline=baseline, benefit=benefit, period=period, value=value)
        for period, value in sorted(rows.items())
    ]
    if values:
        bulk_create_with_history(values, BaselineValue, default_user=user)


# Comparing baseline, plan and actual ---------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    period: datetime.date
    original: Decimal | None
    baseline: Decimal | None
    planned: Decimal | None
    actual: Decimal | None

    @property
    def actual_against_baseline(self) -> Decimal | None:
        if self.actual is None:
            return None
        return self.actual - (self.baseline or ZERO)

    @property
    def actual_against_plan(self) -> Decimal | None:
        if self.actual is None:
            return None
        return self.actual - (self.planned or ZERO)

    @property
    def plan_against_baseline(self) -> Decimal | None:
        if self.planned is None and self.baseline is None:
            return None
        return (self.planned or ZERO) - (self.baseline or ZERO)


@dataclass(frozen=True)
class Comparison:
    original: PlanBaseline | None
    current: PlanBaseline | None
    rows: list[ComparisonRow]
    # Every month's sum, for pounds and hours; None for a level (a count, a percentage, a
    # score), which is never added up.
    totals: ComparisonRow | None
    # One force's part of the baselines and the plan (a force was given, and the benefit's
    # amounts are split between forces); with a force and not split, a level: the whole
    # collaboration's, never split.
    force_part: bool = False

    @property
    def rebaselined(self) -> bool:
        return (
            self.original is not None
            and self.current is not None
            and self.original.pk != self.current.pk
        )


def _by_period(queryset) -> dict[datetime.date, Decimal]:
    return {
        period: Decimal(str(total)).quantize(Decimal("0.01"))
        for period, total in queryset.values("period")
        .annotate(total=Sum("value"))
        .values_list("period", "total")
        .order_by()
        if total is not None
    }


def _levels_by_period(measurements, unit: str) -> dict[datetime.date, Decimal]:
    """Each month's actual level, by the engine's rule (`rag.month_level`)."""
    rows = (
        measurements.values("period")
        .annotate(
            total=Sum("value"),
            count=Count("pk"),
            wide=Sum("value", filter=Q(force__isnull=True)),
        )
        .values_list("period", "total", "count", "wide")
        .order_by()
    )
    out = {}
    for period, total, count, wide in rows:
        level = month_level(unit, wide, total, count)
        if level is not None:
            out[period] = level.quantize(Decimal("0.01"))
    return out


def compare(benefit: Benefit, *, force=None, verified_only: bool = False) -> Comparison:
    """Month by month: the original baseline, the current baseline, today's plan and the
    actuals (the verified ones only with `verified_only`, as the public are shown them),
    summed in the database: all forces and the collaboration together, or, when
    `force` is given, that force's part, as its own dashboard view counts it (its share of
    each baseline and of the plan, and its own actuals plus its share of those recorded for
    the whole collaboration, each split to the penny by `forces.force_month_parts`). A level
    is never split: beside one force's actuals it keeps the whole collaboration's plan; and
    a level's month is its level (`rag.month_level`: the collaboration's value, else the
    forces' added up or averaged), never added up over months (no totals)."""
    original = original_baseline(benefit)
    current = current_baseline(benefit)
    first = (
        _by_period(BaselineValue.objects.filter(baseline=original, benefit=benefit))
        if original
        else {}
    )
    latest = (
        _by_period(BaselineValue.objects.filter(baseline=current, benefit=benefit))
        if current
        else {}
    )
    planned = _by_period(PlannedValue.objects.filter(benefit=benefit))
    measurements = Measurement.objects.filter(benefit=benefit, value__isnull=False)
    if verified_only:
        measurements = measurements.filter(verified_at__isnull=False)
    force_part = False
    level = not is_split(benefit)
    if force is None:
        actual = (
            _levels_by_period(measurements, benefit.unit) if level else _by_period(measurements)
        )
    else:
        actual = _by_period(measurements.filter(force=force))
        wide = _by_period(measurements.filter(force__isnull=True))
        parts = force_month_parts(
            benefit,
            force,
            {"original": first, "baseline": latest, "planned": planned, "wide": wide},
        )
        if parts is not None:
            force_part = True
            first, latest, planned = parts["original"], parts["baseline"], parts["planned"]
            for period, part in parts["wide"].items():
                actual[period] = actual.get(period, ZERO) + part
    periods = sorted(set(first) | set(latest) | set(planned) | set(actual))
    rows = [
        ComparisonRow(
            period,
            first.get(period),
            latest.get(period),
            planned.get(period),
            actual.get(period),
        )
        for period in periods
    ]
    totals = None
    if rows and not level:
        totals = ComparisonRow(
            periods[-1],
            sum(first.values(), ZERO) if original else None,
            sum(latest.values(), ZERO) if current else None,
            sum(planned.values(), ZERO),
            sum(actual.values(), ZERO) if actual else None,
        )
    return Comparison(original, current, rows, totals, force_part)


def plan_as_at(benefit: Benefit, day: datetime.date) -> tuple[list, Decimal]:
    """The benefit's planned profile as it stood at the end of `day` (from its history):
    ([(month, value)], total)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    snapshot = PlannedValue.history.as_of(moment).filter(benefit_id=benefit.pk)
    rows = sorted((row.period, row.value) for row in snapshot)
    total = snapshot.aggregate(total=Sum("value"))["total"]
    return rows, Decimal(str(total or 0)).quantize(Decimal("0.01"))
