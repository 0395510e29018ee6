"""Business rules for the benefits register: recording actuals with their evidence."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from realise.benefits.models import Benefit, Evidence, Measurement, Nature
from realise.core import inputs, uploads


def parse_period(text: str) -> datetime.date:
    """'2026-10' -> 1 October 2026; a clear error otherwise."""
    try:
        return inputs.parse_month(text)
    except (ValueError, TypeError) as error:
        raise ValidationError(str(error)) from None


def check_evidence_file(upload, *, field: str = "evidence_file") -> None:
    """The one upload check for an evidence file: size, type by content (a program named
    `report.pdf` is refused) and archive expansion; ValidationError naming the file."""
    try:
        uploads.check_upload(upload, allowed=uploads.EVIDENCE_TYPES)
    except uploads.FileRefused as refused:
        raise ValidationError({field: str(refused)}) from refused


@transaction.atomic
def record_measurement(
    benefit: Benefit,
    period: datetime.date,
    *,
    user,
    force=None,
    value: Decimal | None = None,
    assessment: str = "",
    evidence_note: str = "",
    evidence_file=None,
) -> Measurement:
    """Record (or correct) the actual for one month, with its evidence, in one transaction."""
    period = period.replace(day=1)
    candidate = Measurement(benefit=benefit, force=force, period=period)
    if not user.has_perm("benefits.add_measurement", candidate):
        whose = force.name if force else "the whole collaboration"
        raise PermissionDenied(f"You may not record actuals for {whose} on '{benefit}'.")
    if period > timezone.localdate().replace(day=1):
        raise ValidationError(
            {"period": "Actuals can only be recorded for months that have begun."}
        )
    if benefit.nature == Nature.QUANTITATIVE and value is None:
        raise ValidationError({"value": "Enter the value delivered in the month."})
    if benefit.nature == Nature.QUALITATIVE and not assessment.strip():
        raise ValidationError({"assessment": "Describe what changed in the month."})
    if (
        force is not None
        and not benefit.initiative.collaboration.shares.filter(force=force).exists()
    ):
        raise ValidationError({"force": f"{force} is not a member of this collaboration."})
    if not (evidence_note.strip() or evidence_file):
        raise ValidationError({"evidence_note": "Give an evidence note or attach a file."})
    if evidence_file:
        check_evidence_file(evidence_file)

    measurement = Measurement.objects.filter(benefit=benefit, period=period, force=force).first()
    if measurement is None:
        measurement = Measurement(benefit=benefit, period=period, force=force)
    measurement.value = value
    measurement.assessment = assessment
    measurement.entered_by = user
    measurement.verified_by = None
    measurement.verified_at = None
    measurement._history_user = user
    measurement.full_clean()
    measurement.save()
    evidence = Evidence(
        measurement=measurement, note=evidence_note, uploaded_by=user, file=evidence_file or ""
    )
    evidence._history_user = user
    evidence.save()
    return measurement


@transaction.atomic
def verify_measurement(measurement: Measurement, *, user) -> Measurement:
    """Verification is by someone other than the person who entered the actual."""
    if measurement.entered_by_id == user.pk:
        raise ValidationError("An actual must be verified by someone other than who entered it.")
    if not user.has_perm("benefits.change_measurement", measurement):
        raise PermissionDenied("You may not verify this actual.")
    measurement.verified_by = user
    measurement.verified_at = timezone.now()
    measurement._history_user = user
    measurement.save(update_fields=["verified_by", "verified_at", "updated_at"])
    return measurement


BASELINED_PLAN = "The plan of '{benefit}' is baselined: re-profile it through a change request."


@transaction.atomic
def replace_plan(benefit: Benefit, rows: dict[datetime.date, Decimal], *, user) -> int:
    """Replace a benefit's planned profile with `rows` (month -> value), recording history."""
    if not user.has_perm("benefits.change_plannedvalue", benefit):
        raise PermissionDenied(f"You may not change the plan of '{benefit}'.")
    from realise.benefits.baselines import is_baselined

    if is_baselined(benefit):
        raise ValidationError(BASELINED_PLAN.format(benefit=benefit))
    inputs.check_months(rows)
    write_plan(benefit, rows, user=user)
    return len(rows)


def write_plan(benefit: Benefit, rows: dict[datetime.date, Decimal], *, user) -> None:
    """Make the benefit's planned values exactly `rows`, with history for `user`: months
    not in `rows` go, unchanged months are left alone. No checks: callers make them."""
    from realise.benefits.models import PlannedValue

    existing = {pv.period: pv for pv in benefit.planned_values.all()}
    for period, planned in existing.items():
        if period not in rows:
            planned._history_user = user
            planned.delete()
    for period, value in rows.items():
        planned = existing.get(period) or PlannedValue(benefit=benefit, period=period)
        if planned.pk and planned.value == value:
            continue
        planned.value = value
        planned._history_user = user
        planned.save()


# A benefit's own split between forces ------------------------------------------------------


@transaction.atomic
def replace_benefit_shares(
    benefit: Benefit, shares: dict, *, user, basis: str = "", bases: dict | None = None
) -> list:
    """Give `benefit` its own split between forces ({Force: percent}), or clear it with {}.

    `basis` says how the split was agreed; `bases` ({Force: text}) gives one per force.

    The percentages must add up to exactly 100 and every force must be a member of the
    benefit's collaboration. Without shares of its own, a benefit's collaboration-wide
    values are split by the collaboration's force shares.
    """
    from realise.benefits.models import BenefitShare
    from realise.collaborations.services import check_shares_total

    if not user.has_perm("benefits.change_benefit", benefit):
        raise PermissionDenied(f"You may not change how '{benefit}' is split between forces.")
    percents = [Decimal(str(percent)) for percent in shares.values()]
    if any(percent < 0 or percent > 100 for percent in percents):
        raise ValidationError("Each force's share must be between 0 and 100 percent.")
    check_shares_total(percents)
    members = set(benefit.initiative.collaboration.shares.values_list("force_id", flat=True))
    outsiders = sorted(force.name for force in shares if force.pk not in members)
    if outsiders:
        verb = "is not a member" if len(outsiders) == 1 else "are not members"
        raise ValidationError(
            f"{', '.join(outsiders)} {verb} of this collaboration; "
            "a benefit is split only between its collaboration's forces."
        )
    for old in benefit.force_shares.all():
        old._history_user = user
        old.delete()
    created = []
    for force, percent in shares.items():
        share = BenefitShare(
            benefit=benefit,
            force=force,
            percent=Decimal(str(percent)),
            basis=(bases or {}).get(force, basis),
        )
        share._history_user = user
        share.full_clean()
        share.save()
        created.append(share)
    return created
