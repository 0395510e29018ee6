"""Business rules for collaborations: force shares and the stage gate."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from realise.benefits.models import BenefitStatus, Nature
from realise.collaborations.models import Initiative, InitiativeStatus, Stage, StageDecision

HUNDRED = Decimal("100")


def check_shares_total(percents: list[Decimal]) -> None:
    """Shares of a collaboration must sum to exactly 100%."""
    total = sum(percents, Decimal("0"))
    if percents and total != HUNDRED:
        raise ValidationError(
            f"Force shares must add up to exactly 100%; these add up to {total.normalize():f}%."
        )


# The stage gate ---------------------------------------------------------------------------

RULE_DIRECTION = "no direction of travel"
RULE_MEASURE = "no clear measure"
RULE_SUBCATEGORY = "no benefit category"
RULE_OWNER = "no benefit owner"
RULE_MEASUREMENT_OWNER = "no measurement owner"
RULE_BASELINE = "no baseline"
RULE_TARGET = "no target"
RULE_AGREED = "not agreed"
RULE_PROFILE = "no planned profile"


@dataclass
class BenefitFailure:
    benefit: str
    benefit_id: int
    rules: list[str]


@dataclass
class GateResult:
    initiative: str
    from_stage: int
    to_stage: int
    failures: list[BenefitFailure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.failures and not self.problems

    def messages(self) -> list[str]:
        lines = list(self.problems)
        for failure in self.failures:
            lines += [f"Benefit '{failure.benefit}': {rule}" for rule in failure.rules]
        return lines

    def as_dict(self) -> dict:
        return {
            "initiative": self.initiative,
            "to_stage": self.to_stage,
            "passes": self.passes,
            "problems": self.problems,
            "failures": [{"benefit": f.benefit, "rules": f.rules} for f in self.failures],
        }


def benefit_rules(benefit, to_stage: int, has_profile: bool) -> list[str]:
    """The minimum-standard rules a benefit fails for an initiative entering `to_stage`."""
    unmet: list[str] = []
    if to_stage < Stage.OBC:
        return unmet
    if not benefit.direction:
        unmet.append(RULE_DIRECTION)
    if not benefit.measure.strip():
        unmet.append(RULE_MEASURE)
    if not benefit.subcategory:
        unmet.append(RULE_SUBCATEGORY)
    if benefit.owner_id is None:
        unmet.append(RULE_OWNER)
    if benefit.measurement_owner_id is None:
        unmet.append(RULE_MEASUREMENT_OWNER)
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


def gate_check(initiative: Initiative, to_stage: int) -> GateResult:
    """What stops `initiative` entering `to_stage`, and why. Used by pages, API and CLI."""
    result = GateResult(initiative.slug, initiative.stage, to_stage)
    if to_stage not in Stage.values:
        result.problems.append(f"Stage {to_stage} does not exist; stages are 0 to 5.")
        return result
    if initiative.status == InitiativeStatus.CLOSED:
        result.problems.append("The initiative is closed.")
    if to_stage == initiative.stage:
        result.problems.append(f"The initiative is already at stage {to_stage}.")
    benefits = initiative.benefits.annotate(profile_rows=Count("planned_values")).order_by(
        "reference"
    )
    if to_stage >= Stage.OBC and not benefits.exists():
        result.problems.append("The initiative has no benefits; from OBC it needs at least one.")
    for benefit in benefits:
        unmet = benefit_rules(benefit, to_stage, benefit.profile_rows > 0)
        if unmet:
            result.failures.append(BenefitFailure(benefit.title, benefit.pk, unmet))
    return result


class GateRefused(Exception):
    def __init__(self, result: GateResult):
        super().__init__("; ".join(result.messages()))
        self.result = result


@transaction.atomic
def move_stage(
    initiative: Initiative,
    to_stage: int,
    *,
    body,
    decided_on: datetime.date,
    user,
    notes: str = "",
) -> StageDecision:
    """Record a stage decision, or refuse with every unmet rule."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    result = gate_check(initiative, to_stage)
    if body is not None and body.collaboration_id not in _collaboration_and_ancestors(initiative):
        result.problems.append(f"{body} is not a governance body of this collaboration.")
    if not result.passes:
        raise GateRefused(result)
    decision = StageDecision.objects.create(
        initiative=initiative,
        from_stage=initiative.stage,
        to_stage=to_stage,
        body=body,
        decided_on=decided_on,
        decided_by=user,
        notes=notes,
    )
    initiative.stage = to_stage
    initiative._history_user = user
    initiative.save(update_fields=["stage", "updated_at"])
    # Approving the full business case freezes the benefits realisation plan.
    from realise.benefits.baselines import freeze_on_full_business_case

    freeze_on_full_business_case(decision, user=user)
    return decision


def _collaboration_and_ancestors(initiative: Initiative) -> set[int]:
    collaboration = initiative.collaboration
    return {collaboration.pk, *(c.pk for c in collaboration.ancestors())}
