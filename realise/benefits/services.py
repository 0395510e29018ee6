"""Business rules for the benefits register: recording actuals with their evidence."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from realise.benefits.baselines import (
    baselined_field_errors,
    check_plan_open,
    is_baselined,
    write_plan,
)
from realise.benefits.contributions import link_errors
from realise.benefits.models import Benefit, BenefitShare, Evidence, Measurement, Nature
from realise.benefits.signals import measurement_returned
from realise.collaborations.models import InitiativeStatus
from realise.collaborations.services import check_shares_total
from realise.core import inputs, stored_files, uploads
from realise.core.history import set_history_user
from realise.core.language import force_name, month_year
from realise.core.models import StaleVersion
from realise.core.types import StrOrPromise

if TYPE_CHECKING:
    from django.core.files import File

    from realise.organisations.models import Force


def check_evidence_file(upload: File[bytes], *, field: str = "evidence_file") -> None:
    """The one upload check for an evidence file: size, type by content (a program named
    `report.pdf` is refused) and archive expansion; ValidationError naming the file."""
    try:
        uploads.check_upload(upload, allowed=uploads.EVIDENCE_TYPES)
    except uploads.FileRefused as refused:
        raise ValidationError({field: str(refused)}) from refused


# As many characters as a file's name may have (the limit Django's uploads keep to).
FILE_NAME_LIMIT = 255


def given_file_name(name: str) -> str:
    """The name a file was uploaded under, without any folders a client sent with it or
    unprintable characters, shortened to `FILE_NAME_LIMIT` with its extension kept."""
    name = "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())
    name = name.strip()
    if len(name) <= FILE_NAME_LIMIT:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) >= 20:
        return name[:FILE_NAME_LIMIT]
    return stem[: FILE_NAME_LIMIT - len(extension) - 1] + "." + extension


def attach_evidence_file(evidence: Evidence, upload: File[bytes]) -> None:
    """Store `upload` as the evidence's file, keeping the name it was uploaded under (it
    downloads under that name). Inside `stored_files.atomic()`: the file is removed again if
    the evidence is not saved after all."""
    evidence.original_name = given_file_name(upload.name or "")
    stored_files.store(evidence.file, evidence.original_name or "evidence", upload)


# The measurement rules: written once, used by every way in (page, API, Excel import) ---

FUTURE_MONTH = gettext_lazy("Actuals can only be recorded for months that have begun.")
NO_VALUE = gettext_lazy("Enter the value delivered in the month.")
NO_ASSESSMENT = gettext_lazy("Describe what changed in the month.")
NOT_A_MEMBER = gettext_lazy("{force} is not a member of this collaboration.")
NO_EVIDENCE = gettext_lazy("Give an evidence note or attach a file.")
# As long as an evidence note may be, however it is given (the forms, the API, the import).
EVIDENCE_NOTE_LIMIT = 2000
NOTE_TOO_LONG = gettext_lazy(
    "Keep the evidence note to {limit} characters (it has {count}); attach a file for more."
)
MAY_NOT_RECORD = gettext_lazy("You may not record actuals for {whose} on benefit {reference}.")


def measurement_problems(
    *,
    qualitative: bool,
    period: datetime.date,
    value: Decimal | None,
    assessment: str,
    force: Force | None,
    member_force_ids: Collection[int],
    has_evidence: bool,
    this_month: datetime.date | None = None,
    evidence_note: str = "",
) -> dict[str, StrOrPromise]:
    """What is wrong with an actual as it would be recorded, as {field: message}.

    Fields: `period`, `value`, `assessment`, `force`, `evidence_note`. Plain values only, so
    that the Excel import can ask about rows whose benefit is not saved yet.
    """
    this_month = this_month or timezone.localdate().replace(day=1)
    problems: dict[str, StrOrPromise] = {}
    if period > this_month:
        problems["period"] = FUTURE_MONTH
    if qualitative and not (assessment or "").strip():
        problems["assessment"] = NO_ASSESSMENT
    if not qualitative and value is None:
        problems["value"] = NO_VALUE
    if force is not None and force.pk not in member_force_ids:
        problems["force"] = NOT_A_MEMBER.format(force=force)
    if not has_evidence:
        problems["evidence_note"] = NO_EVIDENCE
    note_problem = evidence_note_problem(evidence_note)
    if note_problem:
        problems["evidence_note"] = note_problem
    return problems


def evidence_note_problem(note: str | None) -> str | None:
    """Why an evidence note cannot be kept as given (too long), or None."""
    count = len(note or "")
    if count > EVIDENCE_NOTE_LIMIT:
        return NOTE_TOO_LONG.format(limit=EVIDENCE_NOTE_LIMIT, count=count)
    return None


def record_refusal(reference: str, force: Force | None) -> str:
    """The refusal when the user may not record this actual (the rule: `add_measurement`)."""
    whose = force_name(force) if force else _("the whole collaboration")
    return MAY_NOT_RECORD.format(whose=whose, reference=reference)


# The rows `record_measurement` holds as it records an actual.
_ROWS_IN_HAND = ["benefit", "force", "entered_by", "changed_by", "verified_by", "returned_by"]


@stored_files.atomic()
def record_measurement(
    benefit: Benefit,
    period: datetime.date,
    *,
    user: User,
    force: Force | None = None,
    value: Decimal | None = None,
    assessment: str = "",
    evidence_note: str = "",
    evidence_file: File[bytes] | None = None,
) -> Measurement:
    """Record (or correct) the actual for one month, with its evidence, in one transaction.

    A correction clears any verification and any return: the returned measurement carries
    `verification_cleared` (who had verified it, or None) so that callers can say so.
    """
    period = period.replace(day=1)
    candidate = Measurement(benefit=benefit, force=force, period=period)
    if not user.has_perm("benefits.add_measurement", candidate):
        raise PermissionDenied(record_refusal(benefit.reference, force))
    problems = measurement_problems(
        qualitative=benefit.nature == Nature.QUALITATIVE,
        period=period,
        value=value,
        assessment=assessment,
        force=force,
        member_force_ids=set(
            benefit.initiative.collaboration.shares.values_list("force_id", flat=True)
        ),
        has_evidence=bool(evidence_note.strip() or evidence_file),
        evidence_note=evidence_note,
    )
    if problems:
        raise ValidationError(problems)
    if evidence_file:
        check_evidence_file(evidence_file)

    measurement = (
        Measurement.objects.select_for_update(of=("self",))
        .filter(benefit=benefit, period=period, force=force)
        .select_related("verified_by")
        .first()
    )
    if measurement is None:
        measurement = Measurement(benefit=benefit, period=period, force=force)
    else:  # the same rows, already read: the audit record names them without reading again
        measurement.benefit, measurement.force = benefit, force
    if measurement.entered_by_id is None:  # new, or its enterer is no longer known
        measurement.entered_by = user
    cleared_by = measurement.verified_by if measurement.verified_at else None
    measurement.value = value
    measurement.assessment = assessment
    measurement.changed_by = user
    clear_checks(measurement)
    set_history_user(measurement, user)
    # The values are checked. The rows it names are in hand (a query each to find them
    # again), and the one row of this benefit, month and force was read above under lock
    # (the database's unique constraints stand behind that read).
    measurement.full_clean(exclude=_ROWS_IN_HAND, validate_unique=False, validate_constraints=False)
    measurement.save()
    evidence = Evidence(measurement=measurement, note=evidence_note, uploaded_by=user)
    if evidence_file:
        attach_evidence_file(evidence, evidence_file)
    set_history_user(evidence, user)
    evidence.save()
    measurement.verification_cleared = cleared_by
    return measurement


def clear_checks(measurement: Measurement) -> None:
    """A changed actual is checked afresh: its verification and any return are cleared."""
    measurement.verified_by = None
    measurement.verified_at = None
    measurement.returned_by = None
    measurement.returned_at = None
    measurement.return_reason = ""


def evidence_changed(measurement: Measurement, *, user: User) -> Measurement:
    """Evidence of an actual was added, changed or removed: that is a change to the actual
    by `user`, so it is checked afresh (its verification and any return cleared)."""
    locked = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("verified_by")
        .get(pk=measurement.pk)
    )
    cleared_by = locked.verified_by if locked.verified_at else None
    locked.changed_by = user
    clear_checks(locked)
    set_history_user(locked, user)
    locked.save()
    locked.verification_cleared = cleared_by
    return locked


LAST_EVIDENCE = gettext_lazy(
    "This is the only evidence for the actual {actual}, and every actual needs evidence: "
    "add the evidence that replaces it first, then remove this."
)
EVIDENCE_FIXED = gettext_lazy(
    "Evidence is not changed once attached, so that what an actual was checked against "
    "stays on the record: add another evidence note or file to the actual instead."
)


@transaction.atomic
def delete_evidence(evidence: Evidence, *, user: User) -> Measurement:
    """Remove one piece of an actual's evidence, never its last: the actual is then checked
    afresh (`evidence_changed`). Returns the actual."""
    if not user.has_perm("benefits.delete_evidence", evidence):
        raise PermissionDenied(_("You may not remove this evidence."))
    # One removal at a time for an actual, so that two cannot each leave the other's last.
    measurement = Measurement.objects.select_for_update(of=("self",)).get(
        pk=evidence.measurement_id
    )
    if not Evidence.objects.filter(measurement=measurement).exclude(pk=evidence.pk).exists():
        raise ValidationError(LAST_EVIDENCE.format(actual=describe(evidence.measurement)))
    set_history_user(evidence, user)
    evidence.delete()
    return evidence_changed(measurement, user=user)


def cleared_message(measurement: Measurement) -> str:
    """What to tell the person whose change cleared a verification ('' when none did)."""
    verifier = getattr(measurement, "verification_cleared", None)
    if verifier is None:
        return ""
    name = verifier.get_full_name() or verifier.get_username()
    return _(
        "The actual had been verified by %(name)s; your change cleared that verification, "
        "so it needs verifying again."
    ) % {"name": name}


# Four-eyes verification ----------------------------------------------------------------

VERIFY_OWN = gettext_lazy(
    "You entered or last changed this actual, so someone else must verify or return it."
)
MAY_NOT_VERIFY = gettext_lazy(
    "Only the measurement owner of benefit {reference}, the programme team of its "
    "collaboration or an administrator may verify or return its actuals."
)
ALREADY_VERIFIED = gettext_lazy("This actual was already verified by {name} on {date}.")
IS_RETURNED = gettext_lazy(
    "This actual was returned for correction on {date}; it can be verified "
    "once it has been saved again."
)
ALREADY_RETURNED = gettext_lazy("This actual was already returned for correction on {date}.")
NO_REASON = gettext_lazy("Give the reason for returning the actual.")


def _name(user: User | None) -> str:
    if user is None:
        return _("someone no longer registered")
    return user.get_full_name() or user.get_username()


def check_may_verify(measurement: Measurement, *, user: User, returning: bool = False) -> None:
    """Refuse unless `user` may verify (or return) this actual now: PermissionDenied for
    who they are (not a verifier; the enterer or last editor), ValidationError for the
    state the actual is in (already verified, already returned)."""
    if user.pk is not None and user.pk in (measurement.entered_by_id, measurement.changed_by_id):
        raise PermissionDenied(VERIFY_OWN)
    if not user.has_perm("benefits.verify_measurement", measurement):
        raise PermissionDenied(MAY_NOT_VERIFY.format(reference=measurement.benefit.reference))
    if measurement.verified_at is not None:
        raise ValidationError(
            ALREADY_VERIFIED.format(
                name=_name(measurement.verified_by),
                date=date_format(timezone.localtime(measurement.verified_at), "j F Y"),
            )
        )
    if measurement.returned_at is not None:
        date = date_format(timezone.localtime(measurement.returned_at), "j F Y")
        raise ValidationError(
            ALREADY_RETURNED.format(date=date) if returning else IS_RETURNED.format(date=date)
        )


def _locked(measurement: Measurement, expected_version: int | None) -> Measurement:
    current = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("benefit__initiative__collaboration", "verified_by")
        .get(pk=measurement.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current.version)
    return current


@transaction.atomic
def verify_measurement(
    measurement: Measurement, *, user: User, expected_version: int | None = None
) -> Measurement:
    """Verify an actual: by someone other than who entered or last changed it.

    `expected_version` is the version the verifier read; if the actual changed since,
    `StaleVersion` is raised and nothing is verified.
    """
    measurement = _locked(measurement, expected_version)
    check_may_verify(measurement, user=user)
    measurement.verified_by = user
    measurement.verified_at = timezone.now()
    set_history_user(measurement, user)
    measurement.save(update_fields=["verified_by", "verified_at", "updated_at"])
    return measurement


@transaction.atomic
def verify_measurements(items: list[tuple[Measurement, int | None]], *, user: User) -> int:
    """Verify several actuals at once, all or none: each (measurement, version read).

    Every refusal is listed, naming the actual; if any is refused, none is verified.
    """
    problems = []
    for measurement, version in items:
        try:
            with transaction.atomic():
                verify_measurement(measurement, user=user, expected_version=version)
        except (PermissionDenied, ValidationError, StaleVersion) as error:
            text = error.messages[0] if isinstance(error, ValidationError) else str(error)
            if isinstance(error, StaleVersion):
                text = _("It changed since you opened this page; check it again.")
            problems.append(f"{describe(measurement)}: {text}")
    if problems:
        raise ValidationError(problems)
    return len(items)


def describe(measurement: Measurement) -> str:
    """An actual in a few words, in the language of the page: 'EK-B1 March 2026 (Essex)'."""
    who = (
        force_name(measurement.force) if measurement.force is not None else _("whole collaboration")
    )
    return f"{measurement.benefit.reference} {month_year(measurement.period)} ({who})"


@transaction.atomic
def return_measurement(
    measurement: Measurement, *, user: User, reason: str, expected_version: int | None = None
) -> Measurement:
    """Send an actual back to whoever entered it, with the reason; they are notified.

    Saving the actual again clears the return (see `record_measurement`).
    """
    measurement = _locked(measurement, expected_version)
    check_may_verify(measurement, user=user, returning=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": NO_REASON})
    measurement.returned_by = user
    measurement.returned_at = timezone.now()
    measurement.return_reason = reason
    set_history_user(measurement, user)
    measurement.save(update_fields=["returned_by", "returned_at", "return_reason", "updated_at"])
    measurement_returned.send(sender=Measurement, measurement=measurement, user=user)
    return measurement


BASELINED_PLAN = gettext_lazy(
    "The plan of '{benefit}' is baselined: re-profile it through a change request."
)


@transaction.atomic
def replace_plan(benefit: Benefit, rows: dict[datetime.date, Decimal], *, user: User) -> int:
    """Replace a benefit's planned profile with `rows` (month -> value), recording history."""
    if not user.has_perm("benefits.change_plannedvalue", benefit):
        raise PermissionDenied(
            _("You may not change the plan of '%(benefit)s'.") % {"benefit": benefit}
        )
    check_plan_open(benefit)
    inputs.check_months(rows)
    write_plan(benefit, rows, user=user)
    return len(rows)


# A benefit's classification and its removal ---------------------------------------------


def benefit_change_errors(stored: Benefit, proposed: Benefit) -> dict[str, list[str]]:
    """{field: [refusal]} for a change to a stored benefit that would move its figures to
    another cut when it may not: its plan is baselined (`baselines.baselined_field_errors`),
    or it is linked to a benefit counted in the cut it leaves (`contributions.link_errors`).
    The benefit pages, the API and the admin refuse with these."""
    errors = baselined_field_errors(stored, proposed)
    for name, messages in link_errors(stored, proposed).items():
        if name not in errors:
            errors[name] = messages
    return errors


def check_benefit_change(stored: Benefit, proposed: Benefit) -> None:
    errors = benefit_change_errors(stored, proposed)
    if errors:
        raise ValidationError(errors)


HAS_ACTUALS = gettext_lazy(
    "'{benefit}' has actuals recorded, so it cannot be deleted: its actuals and their "
    "evidence stay on the record. Set its status to Closed instead."
)
HAS_BASELINE = gettext_lazy(
    "The plan of '{benefit}' is baselined, so it cannot be deleted: re-profile it through a "
    "change request and set its status to Closed instead."
)
INITIATIVE_CLOSED = gettext_lazy(
    "'{benefit}' belongs to the closed initiative '{initiative}', so it cannot be deleted."
)


def deletion_refusal(benefit: Benefit) -> str | None:
    """Why `benefit` may not be deleted, or None: once it has actuals, its plan is
    baselined or its initiative is closed, it stays on the record."""
    if benefit.initiative.status == InitiativeStatus.CLOSED:
        return INITIATIVE_CLOSED.format(benefit=benefit, initiative=benefit.initiative)
    if benefit.measurements.exists():
        return HAS_ACTUALS.format(benefit=benefit)
    if is_baselined(benefit):
        return HAS_BASELINE.format(benefit=benefit)
    return None


@transaction.atomic
def delete_benefit(benefit: Benefit, *, user: User) -> None:
    """Delete a benefit that has left no record yet (`deletion_refusal`)."""
    if not user.has_perm("benefits.delete_benefit", benefit):
        raise PermissionDenied(_("You may not delete '%(benefit)s'.") % {"benefit": benefit})
    # Held, so that no actual is recorded for it while it goes.
    Benefit.objects.select_for_update().filter(pk=benefit.pk).first()
    refusal = deletion_refusal(benefit)
    if refusal:
        raise ValidationError(refusal)
    set_history_user(benefit, user)
    benefit.delete()


# A benefit's own split between forces ------------------------------------------------------


@transaction.atomic
def replace_benefit_shares(
    benefit: Benefit,
    shares: Mapping[Force, Decimal | int | str],
    *,
    user: User,
    basis: str = "",
    bases: Mapping[Force, str] | None = None,
) -> list[BenefitShare]:
    """Give `benefit` its own split between forces ({Force: percent}), or clear it with {}.

    `basis` says how the split was agreed; `bases` ({Force: text}) gives one per force.

    The percentages must add up to exactly 100 and every force must be a member of the
    benefit's collaboration. Without shares of its own, a benefit's collaboration-wide
    values are split by the collaboration's force shares.
    """
    if not user.has_perm("benefits.change_benefit", benefit):
        raise PermissionDenied(
            _("You may not change how '%(benefit)s' is split between forces.")
            % {"benefit": benefit}
        )
    percents = [Decimal(str(percent)) for percent in shares.values()]
    if any(percent < 0 or percent > 100 for percent in percents):
        raise ValidationError(_("Each force's share must be between 0 and 100 percent."))
    check_shares_total(percents)
    members = set(benefit.initiative.collaboration.shares.values_list("force_id", flat=True))
    outsiders = sorted(force.name for force in shares if force.pk not in members)
    if outsiders:
        raise ValidationError(
            ngettext(
                "%(outsiders)s is not a member of this collaboration; a benefit is split only "
                "between its collaboration's forces.",
                "%(outsiders)s are not members of this collaboration; a benefit is split only "
                "between its collaboration's forces.",
                len(outsiders),
            )
            % {"outsiders": ", ".join(outsiders)}
        )
    for old in benefit.force_shares.all():
        set_history_user(old, user)
        old.delete()
    created: list[BenefitShare] = []
    for force, percent in shares.items():
        share = BenefitShare(
            benefit=benefit,
            force=force,
            percent=Decimal(str(percent)),
            basis=(bases or {}).get(force, basis),
        )
        set_history_user(share, user)
        share.full_clean()
        share.save()
        created.append(share)
    return created
