"""A month's actuals in one go: the lines a person may record for (each benefit, for their
force or the whole collaboration), with the month's plan and the previous month's actual
beside each, saved all or nothing through `services.record_measurement`. A force's line
shows the force's part of the plan, split as every figure splits it
(`realisation.forces.month_plan_parts`)."""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from realise.benefits import services
from realise.benefits.measured import led_lines
from realise.benefits.models import Benefit, BenefitStatus, Measurement, Nature, PlannedValue
from realise.benefits.realisation.forces import month_plan_parts
from realise.collaborations.models import InitiativeStatus
from realise.core import stored_files
from realise.core.language import force_name
from realise.core.permissions import access_for
from realise.organisations.models import Force

MAX_LINES = 300


@dataclass
class MonthLine:
    key: str  # "benefit id-force id" (force 0 for the whole collaboration)
    benefit: Benefit
    force: Force | None
    plan: Decimal | None  # the force's part on a force's line (levels: the whole plan)
    previous: Decimal | None
    current: Decimal | None
    # The plan shown on a force's line is the whole collaboration's (a level, never split).
    whole_plan: bool = False

    @property
    def whose(self) -> str:
        return force_name(self.force) if self.force else _("Whole collaboration")


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def _key(benefit_id: int, force_id: int | None) -> str:
    return f"{benefit_id}-{force_id or 0}"


def lines_for(
    user, month: datetime.date, *, collaboration=None, initiative=None
) -> tuple[list[MonthLine], bool]:
    """The lines `user` may record for `month` (at most MAX_LINES), and whether there were
    more. A force benefits lead records their force's line of every benefit of their
    force's collaborations (of those named on their membership, when it names any); a
    measurement owner, benefit owner or programme team member the whole collaboration's
    line of the benefits they answer for (an administrator, of every benefit)."""
    access = access_for(user)
    benefits = (
        Benefit.objects.visible_to(user)
        .filter(
            Q(initiative__status=InitiativeStatus.ACTIVE)
            | Q(initiative__status=InitiativeStatus.CLOSED, status=BenefitStatus.REALISING),
            nature=Nature.QUANTITATIVE,
        )
        .exclude(status=BenefitStatus.CLOSED)
        .select_related("initiative__collaboration")
        .order_by("initiative__collaboration__name", "initiative__name", "reference")
    )
    if collaboration is not None:
        benefits = benefits.filter(initiative__collaboration=collaboration)
    if initiative is not None:
        benefits = benefits.filter(initiative=initiative)
    answerable = Q(measurement_owner__user=user) | Q(owner__user=user)
    answerable |= Q(initiative__collaboration_id__in=access.programme_collaborations)
    wanted: list[tuple[Benefit, Force | None]] = []
    led = led_lines(access)
    lead_forces = {
        f.pk: f for f in Force.objects.filter(pk__in={f for _, forces in led for f in forces})
    }
    if led:
        members = benefits.filter(reduce(operator.or_, (where for where, _ in led))).distinct()
        for benefit in members[: MAX_LINES + 1]:
            collaboration = benefit.initiative.collaboration
            member_ids = collaboration.shares.values_list("force_id", flat=True)
            for force_id in sorted(set(member_ids) & access.leads_in(collaboration.pk)):
                wanted.append((benefit, lead_forces[force_id]))
    # Administrators answer for every benefit: the whole collaboration's line of each.
    own = benefits if access.administrator else benefits.filter(answerable)
    for benefit in own.distinct()[: MAX_LINES + 1]:
        wanted.append((benefit, None))
    allowed = [
        (b, f)
        for b, f in wanted
        if user.has_perm("benefits.add_measurement", Measurement(benefit=b, force=f, period=month))
    ]
    more = len(allowed) > MAX_LINES
    allowed = allowed[:MAX_LINES]
    ids = {b.pk for b, _ in allowed}
    plans = dict(
        PlannedValue.objects.filter(benefit_id__in=ids, period=month).values_list(
            "benefit_id", "value"
        )
    )
    actuals: dict[tuple[int, int | None, datetime.date], Decimal | None] = {
        (benefit_id, force_id, period): value
        for benefit_id, force_id, period, value in Measurement.objects.filter(
            benefit_id__in=ids, period__in=[month, previous_month(month)]
        ).values_list("benefit_id", "force_id", "period", "value")
    }
    parts = month_plan_parts([(b, f) for b, f in allowed if f is not None], month)
    before = previous_month(month)
    lines = []
    for b, f in allowed:
        plan = plans.get(b.pk)
        part = parts.get((b.pk, f.pk)) if f is not None else None
        lines.append(
            MonthLine(
                key=_key(b.pk, f.pk if f else None),
                benefit=b,
                force=f,
                plan=plan if part is None else part,
                previous=actuals.get((b.pk, f.pk if f else None, before)),
                current=actuals.get((b.pk, f.pk if f else None, month)),
                whole_plan=f is not None and part is None and plan is not None,
            )
        )
    return lines, more


class MonthRefused(Exception):
    """Some lines were refused; nothing was saved. `errors` maps line key to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("Some lines were refused.")
        self.errors = errors


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error)]
    if hasattr(error, "message_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def record_month(
    month: datetime.date,
    entries: list[tuple[MonthLine, Decimal, str]],
    *,
    user,
    batch_note: str = "",
    evidence_file=None,
) -> list[Measurement]:
    """Record every entry (line, value, its own evidence note) for `month` in one
    transaction: all are saved, or none and MonthRefused names each refused line.
    Recording a month again corrects its actuals rather than adding to them."""
    errors: dict[str, list[str]] = {}
    saved = []
    with stored_files.atomic():  # a refused line takes every line's copy of the file with it
        for line, value, note in entries:
            try:
                with transaction.atomic():
                    saved.append(
                        services.record_measurement(
                            line.benefit,
                            month,
                            user=user,
                            force=line.force,
                            value=value,
                            evidence_note=(note or batch_note).strip(),
                            evidence_file=evidence_file,
                        )
                    )
            except (ValidationError, PermissionDenied) as error:
                errors[line.key] = _messages(error)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise MonthRefused(errors)
    return saved
