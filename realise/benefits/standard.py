"""The benefit minimum standard: what a benefit needs at each stage of its initiative.

The benefit forms, the API, the Excel register import, the data-quality check and the stage
gate all use these rules, so a refusal reads the same whichever way a person came. The gate
itself is `collaborations.services.gate_check`; `BenefitsConfig.ready()` registers
`gate_benefits` with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from realise.benefits.models import Benefit, BenefitStatus, Evidence, Nature, PlannedValue
from realise.collaborations.models import Initiative, Stage
from realise.collaborations.services import BenefitFailure, GateResult
from realise.core.language import english, lazy_format
from realise.core.types import StrOrPromise

# Each rule reads in the language of whoever reads it: a Welsh page in Welsh; the API, the
# commands' JSON and what is stored in English (`language.english`).
RULE_DIRECTION = _("no direction of travel")
RULE_MEASURE = _("no clear measure")
RULE_SUBCATEGORY = _("no benefit category")
RULE_OWNER = _("no benefit owner")
RULE_MEASUREMENT_OWNER = _("no measurement owner")
RULE_BASELINE = _("no baseline")
RULE_TARGET = _("no target")
RULE_AGREED = _("not agreed")
RULE_PROFILE = _("no planned profile")
RULE_EVIDENCE = _("no actual recorded with evidence")

# The benefit field each rule is about (None: not a field of the benefit form). The rules
# are lazy translations, so a rule is found here by identity, not by a hash of its words.
RULE_FIELDS: tuple[tuple[StrOrPromise, str | None], ...] = (
    (RULE_DIRECTION, "direction"),
    (RULE_MEASURE, "measure"),
    (RULE_SUBCATEGORY, "subcategory"),
    (RULE_OWNER, "owner"),
    (RULE_MEASUREMENT_OWNER, "measurement_owner"),
    (RULE_BASELINE, "baseline_value"),
    (RULE_TARGET, "target_value"),
    (RULE_AGREED, "status"),
    (RULE_PROFILE, None),
    (RULE_EVIDENCE, None),
)


def rule_field(rule: StrOrPromise) -> str | None:
    """The benefit field a rule of `benefit_rules` is about, or None."""
    return next((name for known, name in RULE_FIELDS if known is rule), None)


def benefit_rules(
    benefit: Benefit, to_stage: int, has_profile: bool, has_evidence: bool = False
) -> list[StrOrPromise]:
    """The minimum-standard rules a benefit fails for an initiative at (or entering) `to_stage`.

    From OBC every benefit needs a direction of travel, a clear measure, a category and both
    owners. A benefit identified in the business case (a dis-benefit too) needs, when
    quantitative, a baseline and a target; from FBC it must be agreed and from
    implementation it needs a planned profile. A benefit the business case never identified
    needs no baseline, target, agreement or profile, since nothing planned it: it needs an
    actual recorded with its evidence instead.
    """
    unmet: list[StrOrPromise] = []
    if to_stage < Stage.OBC:
        return unmet
    if not benefit.direction:
        unmet.append(RULE_DIRECTION)
    if not (benefit.measure or "").strip():
        unmet.append(RULE_MEASURE)
    if not benefit.subcategory:
        unmet.append(RULE_SUBCATEGORY)
    if benefit.owner_id is None:
        unmet.append(RULE_OWNER)
    if benefit.measurement_owner_id is None:
        unmet.append(RULE_MEASUREMENT_OWNER)
    if not benefit.identified_in_business_case:
        if not has_evidence:
            unmet.append(RULE_EVIDENCE)
        return unmet
    quantitative = benefit.nature == Nature.QUANTITATIVE
    if quantitative and benefit.baseline_value is None:
        unmet.append(RULE_BASELINE)
    if quantitative and benefit.target_value is None:
        unmet.append(RULE_TARGET)
    if to_stage >= Stage.FBC and benefit.status == BenefitStatus.PROPOSED:
        unmet.append(RULE_AGREED)
    if to_stage >= Stage.IMPLEMENTATION and quantitative and not has_profile:
        unmet.append(RULE_PROFILE)
    return unmet


def standard_message(rule: StrOrPromise, stage: int) -> StrOrPromise:
    """The refusal of a benefit write that falls below the standard of the initiative's stage
    (in the language of whoever reads it)."""
    return lazy_format(
        _("Below the minimum standard of an initiative at %(stage)s: %(rule)s."),
        stage=Stage(stage).label,
        rule=rule,
    )


def standard_errors(benefit: Benefit, stage: int) -> dict[str, list[StrOrPromise]]:
    """Field errors of a benefit about to be created or changed in an initiative at `stage`:
    the rules of the minimum standard that are about its own fields."""
    errors: dict[str, list[StrOrPromise]] = {}
    for rule in benefit_rules(benefit, stage, has_profile=True, has_evidence=True):
        name = rule_field(rule)
        if name is not None:
            errors.setdefault(name, []).append(standard_message(rule, stage))
    return errors


def check_benefit_standard(benefit: Benefit, stage: int | None = None) -> None:
    """Refuse (ValidationError by field) a benefit write below its initiative's standard."""
    if stage is None:
        stage = benefit.initiative.stage
    errors = standard_errors(benefit, stage)
    if errors:
        raise ValidationError(errors)


@dataclass
class StandardStatus:
    """Whether a benefit meets the minimum standard of its initiative's stage, and what it lacks."""

    stage: int
    applies: bool
    lacks: list[StrOrPromise]

    @property
    def meets(self) -> bool:
        return not self.lacks

    @property
    def stage_label(self) -> str:
        """The stage's name in the language of the page."""
        return str(Stage(self.stage).label)

    def as_dict(self) -> dict[str, Any]:
        """For the API: the rules in English."""
        return {
            "stage": self.stage,
            "applies": self.applies,
            "meets": self.meets,
            "lacks": [english(rule) for rule in self.lacks],
        }


def benefit_profiles() -> dict[str, Exists]:
    """Annotations for benefit querysets: whether each has a plan and evidenced actuals."""
    return {
        "has_profile": Exists(PlannedValue.objects.filter(benefit=OuterRef("pk"))),
        "has_evidence": Exists(Evidence.objects.filter(measurement__benefit=OuterRef("pk"))),
    }


def benefit_standard(benefit: Benefit) -> StandardStatus:
    """The benefit against the standard of its initiative's current stage (for its page and
    the API). Uses the `benefit_profiles()` annotations when the queryset has them."""
    stage = benefit.initiative.stage
    has_profile = getattr(benefit, "has_profile", None)
    if has_profile is None:
        has_profile = benefit.planned_values.exists()
    has_evidence = getattr(benefit, "has_evidence", None)
    if has_evidence is None:
        has_evidence = Evidence.objects.filter(measurement__benefit=benefit).exists()
    lacks = benefit_rules(benefit, stage, has_profile, has_evidence)
    return StandardStatus(stage=stage, applies=stage >= Stage.OBC, lacks=lacks)


def gate_benefits(initiative: Initiative, to_stage: int, result: GateResult) -> None:
    """The gate's benefit checks (registered with `collaborations.services.register_gate_rule`):
    from OBC an initiative needs a benefit, and every benefit meets the standard of the
    stage it would enter."""
    profiles = benefit_profiles()
    benefits = initiative.benefits.annotate(
        has_profile=profiles["has_profile"], has_evidence=profiles["has_evidence"]
    ).order_by("reference")
    if to_stage >= Stage.OBC and not benefits.exists():
        result.problems.append(_("The initiative has no benefits; from OBC it needs at least one."))
    for benefit in benefits:
        unmet = benefit_rules(benefit, to_stage, benefit.has_profile, benefit.has_evidence)
        if unmet:
            result.failures.append(BenefitFailure(benefit.title, benefit.pk, unmet))
