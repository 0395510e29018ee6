"""Business rules for collaborations: force shares and the stage gate."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from realise.collaborations.access import work_out_access
from realise.collaborations.bodies import bodies_of
from realise.collaborations.models import (
    Agreement,
    AgreementParty,
    AgreementReview,
    Collaboration,
    Initiative,
    InitiativeStatus,
    ReviewOutcome,
    Stage,
    StageDecision,
    next_review_due,
)
from realise.collaborations.signals import stage_moved
from realise.core.history import set_history_user
from realise.core.language import ENGLISH, english, lazy_format
from realise.core.types import StrOrPromise

if TYPE_CHECKING:
    from realise.governance.models import GovernanceBody
    from realise.organisations.models import Force


HUNDRED = Decimal("100")


def check_shares_total(percents: list[Decimal]) -> None:
    """Shares of a collaboration must sum to exactly 100%."""
    total = sum(percents, Decimal("0"))
    if percents and total != HUNDRED:
        raise ValidationError(
            _("Force shares must add up to exactly 100%%; these add up to %(total)s%%.")
            % {"total": format(total.normalize(), "f")}
        )


NOT_YOURS_TO_SEE = gettext_lazy(
    "You would not be able to see %(collaboration)s once it is saved: a private collaboration "
    "is seen only by its member forces and its programme team. Give your force a share, put "
    "it within a collaboration of yours, or choose another visibility."
)


def check_writer_sees_it(collaboration: Collaboration, user: User) -> None:
    """Refuse, naming `visibility`, a collaboration just written (within the writer's
    transaction, which the refusal undoes) that its writer could no longer see: private, and
    neither their force's nor within a collaboration of theirs. Their access is worked out
    afresh, from what is now written."""
    access = work_out_access(user)
    if access.reads_everything or collaboration.pk in (access.visible_collaborations or ()):
        return
    raise ValidationError(
        {"visibility": lazy_format(NOT_YOURS_TO_SEE, collaboration=collaboration.name)}
    )


# The stage gate ---------------------------------------------------------------------------
#
# Every way in (the stage page, a decision at a meeting, the API, `realise gate-check`, the
# register import and the benefit forms) calls these functions, so a refusal reads the same
# whichever way a person came. Its messages are lazy translations (`language.lazy_format`),
# put into words when shown: in Welsh on a Welsh page, in English in the API, the command
# and an exception's text (`as_dict`, `GateRefused`).

MOVE_BACK_REASON = gettext_lazy(
    "Moving back from %(from_label)s to %(to_label)s needs a reason: give it in the notes."
)
MOVE_BACK_WHO = gettext_lazy(
    "Only an administrator or the programme team of %(collaboration)s may move an initiative back."
)
MOVE_BACK_BODY = gettext_lazy(
    "A move back from %(from_label)s is decided by a body that decides the gate into "
    "%(from_label)s; %(body)s does not. The bodies that may decide it: %(bodies)s."
)
MOVE_BACK_NO_BODY = gettext_lazy(
    "A move back from %(from_label)s is decided by a body that decides the gate into "
    "%(from_label)s; %(body)s does not, and no governance body of %(collaboration)s does: add "
    "the stage to a body's stage gates decided."
)
DECIDED_IN_FUTURE = gettext_lazy(
    "A stage decision is recorded once it has been taken: %(day)s is in the future."
)
DECIDED_BEFORE_PREVIOUS = gettext_lazy(
    "The decision cannot be dated %(day)s, before the initiative's previous stage decision, "
    "on %(previous)s."
)
STAGE_BY_DECISION_ONLY = gettext_lazy(
    "The stage moves only through a stage decision: on the initiative's stage page, or with "
    "POST /api/v1/stage-decisions/. A new initiative starts at %(first)s."
)
CLOSED_BY_CLOSURE_ONLY = gettext_lazy(
    "An initiative is closed only through its closure (/initiatives/%(slug)s/close/), which "
    "records the lessons learned, hands its benefits over to business as usual and keeps the "
    "closure report."
)
STAYS_CLOSED = gettext_lazy("%(initiative)s is closed, and a closed initiative stays closed.")


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


# A date as '1 March 2026', in the language of whoever reads the message it goes into.
day_label = lazy(_day, str)


def stage_label(stage: int) -> StrOrPromise:
    """A stage's name, in the language of whoever reads the message it goes into."""
    return Stage(stage).label


def stage_labels(stages: Iterable[int]) -> StrOrPromise:
    """Stages' names separated by commas, in the language of whoever reads them."""
    labels = [stage_label(stage) for stage in stages]
    return format_lazy(", ".join("{}" for _label in labels), *labels)


@dataclass
class BenefitFailure:
    benefit: str
    benefit_id: int
    rules: list[StrOrPromise]


@dataclass
class GateResult:
    initiative: str
    from_stage: int
    to_stage: int
    failures: list[BenefitFailure] = field(default_factory=list)
    problems: list[StrOrPromise] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.failures and not self.problems

    @property
    def moves_back(self) -> bool:
        return self.to_stage < self.from_stage

    def messages(self) -> list[str]:
        """Every problem and unmet rule, one line each, in the language active now."""
        lines = [str(problem) for problem in self.problems]
        for failure in self.failures:
            lines += [
                _("Benefit '%(benefit)s': %(rule)s") % {"benefit": failure.benefit, "rule": rule}
                for rule in failure.rules
            ]
        return lines

    def as_dict(self) -> dict[str, Any]:
        """For the API and `realise gate-check --format json`: the words in English."""
        return {
            "initiative": self.initiative,
            "to_stage": self.to_stage,
            "passes": self.passes,
            "problems": [english(problem) for problem in self.problems],
            "failures": [
                {"benefit": f.benefit, "rules": [english(rule) for rule in f.rules]}
                for f in self.failures
            ],
        }


# What else the gate checks, from the apps above collaborations: each rule is called with
# the initiative, the stage it would enter (forward only) and the result, and adds its
# failures and problems to the result. The benefits app adds the benefit minimum standard.
GateRule = Callable[[Initiative, int, GateResult], None]
_gate_rules: list[GateRule] = []


def register_gate_rule(rule: GateRule) -> GateRule:
    """Add a check the gate makes on an initiative moving forward (benefits: the minimum
    standard of every benefit)."""
    if rule not in _gate_rules:
        _gate_rules.append(rule)
    return rule


def deciding_bodies(initiative: Initiative, gate: int) -> list[GovernanceBody]:
    """The governance bodies of the initiative's collaboration (or one it sits within) whose
    remit includes the gate into stage `gate`."""
    bodies = bodies_of(_collaboration_and_ancestors(initiative))
    return [body for body in bodies if gate in _remit(body)]


def _remit(body: GovernanceBody) -> set[int]:
    stages: set[int] = set()
    for stage in body.decides_stages or []:
        try:
            stages.add(int(stage))
        except (TypeError, ValueError):
            continue
    return stages


def body_problem(
    initiative: Initiative, body: GovernanceBody, gate: int, *, move_back: bool = False
) -> StrOrPromise | None:
    """Why `body` may not decide the gate into stage `gate` of `initiative`, if it may not.

    With `move_back`, `gate` is the stage being left, and the refusal says the move-back rule.
    """
    if body.collaboration_id not in _collaboration_and_ancestors(initiative):
        return lazy_format(
            gettext_lazy("%(body)s is not a governance body of this collaboration."),
            body=str(body),
        )
    if gate in _remit(body):
        return None
    allowed = deciding_bodies(initiative, gate)
    if move_back:
        if not allowed:
            return lazy_format(
                MOVE_BACK_NO_BODY,
                from_label=stage_label(gate),
                body=str(body),
                collaboration=str(initiative.collaboration),
            )
        return lazy_format(
            MOVE_BACK_BODY,
            from_label=stage_label(gate),
            body=str(body),
            bodies=", ".join(str(b) for b in allowed),
        )
    if not allowed:
        return lazy_format(
            gettext_lazy(
                "%(body)s does not decide the gate into %(stage)s, and no governance body of "
                "%(collaboration)s does: add the stage to a body's stage gates decided."
            ),
            body=str(body),
            stage=stage_label(gate),
            collaboration=str(initiative.collaboration),
        )
    return lazy_format(
        gettext_lazy(
            "%(body)s does not decide the gate into %(stage)s; the bodies that may decide it: "
            "%(bodies)s."
        ),
        body=str(body),
        stage=stage_label(gate),
        bodies=", ".join(str(b) for b in allowed),
    )


def gate_check(
    initiative: Initiative, to_stage: int, *, body: GovernanceBody | None = None
) -> GateResult:
    """What stops `initiative` entering `to_stage`, and why. Used by pages, API and CLI.

    Forward, stages move one at a time and every benefit is held to the standard of the new
    stage. Backward (to any earlier stage) no benefit rule applies; `move_stage` asks for a
    reason and an administrator or the programme team. With `body`, the body must be one
    whose remit includes the gate (for a move back: the gate of the stage being left).
    """
    result = GateResult(initiative.slug, initiative.stage, to_stage)
    if to_stage not in Stage.values:
        result.problems.append(
            lazy_format(
                gettext_lazy("Stage %(stage)s does not exist; stages are 0 to 5."), stage=to_stage
            )
        )
        return result
    if initiative.status == InitiativeStatus.CLOSED:
        result.problems.append(gettext_lazy("The initiative is closed."))
    if to_stage == initiative.stage:
        result.problems.append(
            lazy_format(
                gettext_lazy("The initiative is already at stage %(stage)s."), stage=to_stage
            )
        )
    if to_stage > initiative.stage + 1:
        result.problems.append(
            lazy_format(
                gettext_lazy(
                    "Stages move one at a time: from %(current)s the next stage is %(next)s. "
                    "Moving to %(target)s would skip %(between)s."
                ),
                current=stage_label(initiative.stage),
                next=stage_label(initiative.stage + 1),
                target=stage_label(to_stage),
                between=stage_labels(range(initiative.stage + 1, to_stage)),
            )
        )
    if body is not None and to_stage != initiative.stage:
        back = to_stage < initiative.stage
        gate = initiative.stage if back else to_stage
        problem = body_problem(initiative, body, gate, move_back=back)
        if problem:
            result.problems.append(problem)
    if to_stage < initiative.stage:
        return result
    for rule in _gate_rules:
        rule(initiative, to_stage, result)
    return result


def move_problems(
    initiative: Initiative,
    to_stage: int,
    *,
    body: GovernanceBody | None,
    user: User | None,
    notes: str,
) -> GateResult:
    """Every reason a stage decision (forward through the gate, or back) is refused."""
    result = gate_check(initiative, to_stage, body=body)
    if result.moves_back and to_stage in Stage.values:
        if not (notes or "").strip():
            result.problems.append(
                lazy_format(
                    MOVE_BACK_REASON,
                    from_label=stage_label(initiative.stage),
                    to_label=stage_label(to_stage),
                )
            )
        if user is not None and not user.has_perm(
            "collaborations.move_back_initiative", initiative
        ):
            result.problems.append(
                lazy_format(MOVE_BACK_WHO, collaboration=str(initiative.collaboration))
            )
    return result


def duplicate_name_problem(initiative: Initiative, name: str) -> str | None:
    """Why `initiative` may not be called `name`: another initiative of its collaboration
    already is (the database's unique collaboration and name, said in words)."""
    if not initiative.collaboration_id or not name:
        return None
    taken = (
        Initiative.objects.filter(collaboration_id=initiative.collaboration_id, name=name)
        .exclude(pk=initiative.pk)
        .exists()
    )
    if not taken:
        return None
    return _("%(collaboration)s already has an initiative called '%(name)s'.") % {
        "collaboration": initiative.collaboration,
        "name": name,
    }


def decision_date_problem(
    initiative: Initiative, decided_on: datetime.date, *, today: datetime.date | None = None
) -> StrOrPromise | None:
    """Why a stage decision of `initiative` may not be dated `decided_on`, if it may not: a
    decision is recorded once taken (not in the future), and not before the initiative's
    previous stage decision."""
    if decided_on > (today or timezone.localdate()):
        return lazy_format(DECIDED_IN_FUTURE, day=day_label(decided_on))
    previous = (
        StageDecision.objects.filter(initiative=initiative)
        .order_by("-decided_on")
        .values_list("decided_on", flat=True)
        .first()
    )
    if previous is not None and decided_on < previous:
        return lazy_format(
            DECIDED_BEFORE_PREVIOUS, day=day_label(decided_on), previous=day_label(previous)
        )
    return None


def check_decision_date(initiative: Initiative, decided_on: datetime.date) -> None:
    """Refuse a stage decision's date (`decision_date_problem`), naming `decided_on`."""
    problem = decision_date_problem(initiative, decided_on)
    if problem is not None:
        raise ValidationError({"decided_on": problem})


def initiative_change_problems(
    initiative: Initiative, *, stage: Any = None, status: str | None = None
) -> dict[str, StrOrPromise]:
    """What is refused in writing `stage` or `status` (None: not written) to `initiative` (as
    it stands; unsaved for a new one) by editing it, on its page or through the API.

    The stage moves only through a stage decision (`move_stage`), so an edit may only repeat
    it (a new initiative starts at stage 0). Closing is the closure's (the documents app's
    `close_initiative`): an edit may move an initiative between active and on hold, never to
    closed, and a closed initiative stays closed.
    """
    problems: dict[str, StrOrPromise] = {}
    current_stage = initiative.stage if initiative.pk else Stage.STRATEGIC_ASSESSMENT
    if stage is not None and str(stage).strip() != str(current_stage):
        problems["stage"] = lazy_format(
            STAGE_BY_DECISION_ONLY, first=stage_label(Stage.STRATEGIC_ASSESSMENT)
        )
    closed = bool(initiative.pk) and initiative.status == InitiativeStatus.CLOSED
    if status is not None and status != InitiativeStatus.CLOSED and closed:
        problems["status"] = lazy_format(STAYS_CLOSED, initiative=str(initiative))
    elif status == InitiativeStatus.CLOSED and not closed:
        problems["status"] = lazy_format(CLOSED_BY_CLOSURE_ONLY, slug=initiative.slug)
    return problems


def check_initiative_change(
    initiative: Initiative, *, stage: Any = None, status: str | None = None
) -> None:
    """Refuse what `initiative_change_problems` refuses, naming each field."""
    problems = initiative_change_problems(initiative, stage=stage, status=status)
    if problems:
        raise ValidationError(problems)


class GateRefused(Exception):
    """The gate refuses: `result` holds every reason, for a page to show in its language;
    the exception's own text (the API's `detail`, a log) is in English."""

    def __init__(self, result: GateResult) -> None:
        with translation.override(ENGLISH):
            super().__init__("; ".join(result.messages()))
        self.result = result


@transaction.atomic
def move_stage(
    initiative: Initiative,
    to_stage: int,
    *,
    body: GovernanceBody,
    decided_on: datetime.date,
    user: User | None,
    notes: str = "",
) -> StageDecision:
    """Record a stage decision, or refuse with every unmet rule.

    Forward one stage at a time through the gate; back to any earlier stage with a reason,
    by an administrator or the programme team, recorded as a move back. Either way the
    deciding body's remit must include the gate. A date in the future or before the
    initiative's previous stage decision is refused first (`ValidationError` naming
    `decided_on`); the gate's refusal is `GateRefused`.
    """
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    check_decision_date(initiative, decided_on)
    result = move_problems(initiative, to_stage, body=body, user=user, notes=notes)
    if not result.passes:
        raise GateRefused(result)
    decision = StageDecision.objects.create(
        initiative=initiative,
        from_stage=initiative.stage,
        to_stage=to_stage,
        body=body,
        decided_on=decided_on,
        decided_by=user,
        notes=notes.strip(),
        move_back=result.moves_back,
    )
    initiative.stage = to_stage
    set_history_user(initiative, user)
    initiative.save(update_fields=["stage", "updated_at"])
    # Approving the full business case freezes the benefits realisation plan (benefits).
    stage_moved.send(sender=StageDecision, decision=decision, user=user)
    return decision


def _collaboration_and_ancestors(initiative: Initiative) -> set[int]:
    collaboration = initiative.collaboration
    return {collaboration.pk, *(c.pk for c in collaboration.ancestors())}


# Section 22A agreements --------------------------------------------------------------------


def _check_agreement_body(
    agreement: Agreement, body: GovernanceBody | None, field_name: str
) -> None:
    if body is None:
        return
    tree = {agreement.collaboration_id, *(c.pk for c in agreement.collaboration.ancestors())}
    if body.collaboration_id not in tree:
        raise ValidationError(
            {
                field_name: _("%(body)s is not a governance body of %(collaboration)s.")
                % {"body": body, "collaboration": agreement.collaboration}
            }
        )


REVIEW_STAYS_DUE = gettext_lazy(
    "The review of %(agreement)s fell due on %(due)s and is overdue: the date moves on only "
    "when the review is recorded (Record a review), which sets the next."
)


def review_due_problem(
    agreement: Agreement, *, today: datetime.date | None = None
) -> StrOrPromise | None:
    """Why `agreement` (as it is about to be saved) may not have its review date, if it may
    not: while the stored agreement's review is overdue, an edit does not move the date on,
    so that the review stays on reminders and agendas until one is recorded."""
    if agreement.pk is None:
        return None
    stored = Agreement.objects.filter(pk=agreement.pk).first()
    if stored is None or not stored.review_overdue(today or timezone.localdate()):
        return None
    proposed = agreement.review_due
    if proposed is None and agreement.signed_on:  # left empty: a year after signing
        proposed = next_review_due(agreement.signed_on)
    assert stored.review_due is not None  # an overdue review has a date
    if proposed is not None and proposed <= stored.review_due:
        return None
    return lazy_format(REVIEW_STAYS_DUE, agreement=str(stored), due=day_label(stored.review_due))


def check_review_due(agreement: Agreement) -> None:
    """Refuse what `review_due_problem` refuses, naming `review_due`."""
    problem = review_due_problem(agreement)
    if problem is not None:
        raise ValidationError({"review_due": problem})


@transaction.atomic
def save_agreement(
    agreement: Agreement,
    *,
    user: User,
    parties: list[tuple[Force, str]] | None = None,
    documents: Iterable[Any] | None = None,
) -> Agreement:
    """Add or change an agreement, its parties ([(force, role)]) and its documents.

    Parties are member forces' policing bodies or Chief Constables; documents are the
    collaboration's own documents in the repository.
    """
    permission = (
        "collaborations.change_agreement" if agreement.pk else "collaborations.add_agreement"
    )
    target = agreement if agreement.pk else agreement.collaboration
    if not user.has_perm(permission, target):
        raise PermissionDenied(
            _("You may not change the agreements of %(collaboration)s.")
            % {"collaboration": agreement.collaboration}
        )
    _check_agreement_body(agreement, agreement.review_body, "review_body")
    if agreement.pk:  # held, so that no review is recorded between the check and the save
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    check_review_due(agreement)
    if parties is not None:
        members = set(agreement.collaboration.shares.values_list("force_id", flat=True))
        outsiders = sorted({force.name for force, _ in parties if force.pk not in members})
        if outsiders:
            raise ValidationError(
                {
                    "parties": ngettext(
                        "%(outsiders)s is not a member of %(collaboration)s.",
                        "%(outsiders)s are not members of %(collaboration)s.",
                        len(outsiders),
                    )
                    % {"outsiders": ", ".join(outsiders), "collaboration": agreement.collaboration}
                }
            )
    if documents is not None:
        strangers = [d.title for d in documents if d.collaboration_id != agreement.collaboration_id]
        if strangers:
            raise ValidationError(
                {
                    "documents": _("'%(value)s' is not a document of %(collaboration)s.")
                    % {"value": strangers[0], "collaboration": agreement.collaboration}
                }
            )
    set_history_user(agreement, user)
    agreement.full_clean()
    agreement.save()
    if parties is not None:
        wanted = {(force.pk, role) for force, role in parties}
        for party in agreement.parties.all():
            if (party.force_id, party.role) not in wanted:
                set_history_user(party, user)
                party.delete()
                continue
            wanted.discard((party.force_id, party.role))
        for force_id, role in sorted(wanted):
            party = AgreementParty(agreement=agreement, force_id=force_id, role=role)
            set_history_user(party, user)
            party.save()
    if documents is not None:
        agreement.documents.set(documents)
    return agreement


@transaction.atomic
def record_agreement_review(
    agreement: Agreement,
    *,
    reviewed_on: datetime.date,
    body: GovernanceBody | None,
    outcome: str,
    user: User,
    notes: str = "",
) -> AgreementReview:
    """Record a review of an agreement; the next review falls due
    REALISE_AGREEMENT_REVIEW_MONTHS (12) months on, unless the review terminates it. A
    review dated before the latest one recorded is kept as history and leaves the next
    review as the latest set it (it may not terminate the agreement)."""
    given, agreement = agreement, Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not user.has_perm("collaborations.add_agreementreview", agreement):
        raise PermissionDenied(
            _("You may not record reviews of %(agreement)s.") % {"agreement": agreement}
        )
    if agreement.is_terminated:
        assert agreement.terminated_on is not None  # what "terminated" means
        raise ValidationError(
            _("%(agreement)s was terminated on %(terminated_on)s.")
            % {
                "agreement": agreement,
                "terminated_on": date_format(agreement.terminated_on, "j F Y"),
            }
        )
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Choose continue, vary or terminate.")})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("A review is recorded once it has taken place.")})
    if reviewed_on < agreement.signed_on:
        raise ValidationError(
            {"reviewed_on": _("The review cannot be before the agreement was signed.")}
        )
    if body is None:
        raise ValidationError({"body": _("Choose the governance body that reviewed it.")})
    _check_agreement_body(agreement, body, "body")
    if outcome != ReviewOutcome.CONTINUE and not notes.strip():
        raise ValidationError({"notes": _("Say how the agreement is varied or why it ends.")})
    terminated = outcome == ReviewOutcome.TERMINATE
    # A review dated before one already recorded is history: the later review still sets
    # when the next falls due, and the agreement went on after it.
    later = (
        agreement.reviews.filter(reviewed_on__gt=reviewed_on)
        .order_by("-reviewed_on", "-recorded_at")
        .first()
    )
    if later is not None and terminated:
        raise ValidationError(
            {
                "outcome": _(
                    "%(agreement)s was reviewed again on %(later)s, after this date, and "
                    "continued: record a review that terminates it on or after that date."
                )
                % {"agreement": agreement, "later": date_format(later.reviewed_on, "j F Y")}
            }
        )
    review = AgreementReview(
        agreement=agreement,
        reviewed_on=reviewed_on,
        body=body,
        outcome=outcome,
        notes=notes.strip(),
        next_review_due=None if terminated else next_review_due(reviewed_on),
        recorded_by=user,
    )
    set_history_user(review, user)
    review.save()
    if later is None:
        if terminated:
            agreement.terminated_on = reviewed_on
        elif review.next_review_due is not None:  # always set when the agreement goes on
            agreement.review_due = review.next_review_due
        set_history_user(agreement, user)
        agreement.save()
    given.refresh_from_db()
    return review


def overdue_agreements(today: datetime.date) -> QuerySet[Agreement]:
    """Agreements whose review is overdue: past due, not terminated, not yet reviewed."""
    return Agreement.objects.in_force().filter(review_due__lt=today)
