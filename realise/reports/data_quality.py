"""The data-quality check: what in the register would mislead a board, and how to put it
right. One list of issues for the `realise data-quality` command and the /data-quality/
page, both calling `check()` (docs/data-quality.md).

Each rule is a database query over the benefits in scope (grouped or with EXISTS), never
a loop over every planned value or measurement. Rule names are stable: other tools read
them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Lower, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from realise.benefits.maps import orphan_benefits
from realise.benefits.models import (
    Benefit,
    BenefitStatus,
    Contribution,
    ContributionPath,
    Evidence,
    Measurement,
    Nature,
    NotDuplicate,
    PlannedValue,
)
from realise.benefits.standard import RULE_PROFILE, benefit_rules
from realise.collaborations.models import InitiativeStatus, Stage
from realise.core.language import english, is_welsh, lazy_format, month_year
from realise.core.types import StrOrPromise
from realise.governance.reminders import overdue_rows
from realise.organisations.models import Force

NO_PLAN = "no-plan"
NO_EVIDENCE = "no-evidence"
UNVERIFIED = "unverified"
OVERDUE = "overdue"
SUSPECTED_DUPLICATE = "suspected-duplicate"
BELOW_STANDARD = "below-standard"
ORPHAN = "orphan"
CHILDREN_EXCEED_PARENT = "children-exceed-parent"
# What each rule is called on the page (the rule's name itself never changes).
RULES = {
    NO_PLAN: _("Identified in the business case but not planned"),
    NO_EVIDENCE: _("Actuals with no evidence"),
    UNVERIFIED: _("Actuals not verified"),
    OVERDUE: _("Measurements overdue"),
    SUSPECTED_DUPLICATE: _("Suspected duplicate"),
    BELOW_STANDARD: _("Below the minimum standard"),
    ORPHAN: _("Orphan in the benefits map"),
    CHILDREN_EXCEED_PARENT: _("Children plan more than their parent"),
}
# Where each rule is put right: the page, and the permission a reader needs on the benefit
# for that page not to refuse them.
FIX_PAGES = {
    NO_PLAN: (
        "benefits.change_plannedvalue",
        lambda i: reverse("benefit-plan", args=[i.benefit_id]),
    ),
    NO_EVIDENCE: ("benefits.view_benefit", lambda i: i.benefit_url + "#actuals"),
    UNVERIFIED: ("benefits.view_benefit", lambda i: reverse("measurement-verification")),
    OVERDUE: ("benefits.view_benefit", lambda i: i.benefit_url + "#actuals"),
    SUSPECTED_DUPLICATE: (
        "benefits.view_benefit",
        lambda i: reverse("benefit-detail", args=[i.other_id]),
    ),
    BELOW_STANDARD: (
        "benefits.change_benefit",
        lambda i: reverse("benefit-edit", args=[i.benefit_id]),
    ),
    ORPHAN: (
        "benefits.view_benefit",
        lambda i: reverse("initiative-map", args=[i.initiative]) + "#orphans",
    ),
    CHILDREN_EXCEED_PARENT: (
        "benefits.change_plannedvalue",
        lambda i: reverse("benefit-plan", args=[i.benefit_id]),
    ),
}
UNVERIFIED_AFTER_DAYS = 60
_MONEY = DecimalField(max_digits=20, decimal_places=2)
# Taken out of titles before comparing them (with spaces and force names). SQLite parses
# some thirty nested functions at most: the punctuation and the force names named in
# titles (at most `_FORCE_NAMES`, the longest first) share that depth.
_PUNCTUATION = ".,;:'\"()-–/&"
_FORCE_NAMES = 18


@dataclass(frozen=True)
class Issue:
    rule: str
    benefit_id: int
    reference: str
    title: str
    initiative: str  # slug
    initiative_name: str
    # Put into words when shown: in Welsh on a Welsh page, in English in the command's
    # output and its JSON (`as_dict`).
    problem: StrOrPromise
    fix: StrOrPromise
    other_id: int | None = None  # suspected duplicates: the other benefit
    other_reference: str = ""

    @property
    def rule_label(self) -> StrOrPromise:
        return RULES[self.rule]

    @property
    def benefit_url(self) -> str:
        return reverse("benefit-detail", args=[self.benefit_id])

    @property
    def fix_permission(self) -> str:
        """What the reader needs on the benefit to use `fix_url`."""
        return FIX_PAGES[self.rule][0]

    @property
    def fix_url(self) -> str:
        """The page where the issue is put right."""
        return FIX_PAGES[self.rule][1](self)

    @property
    def message(self) -> StrOrPromise:
        return lazy_format(
            _("%(problem)s To put it right: %(fix)s"), problem=self.problem, fix=self.fix
        )

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "benefit": self.reference,
            "initiative": self.initiative,
            "message": english(self.message),
        }


@dataclass
class Report:
    as_at: datetime.date
    issues: list[Issue] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RULES, 0)
        for issue in self.issues:
            counts[issue.rule] += 1
        return counts

    def as_dict(self) -> dict:
        return {
            "as_at": self.as_at.isoformat(),
            "counts": self.counts,
            "issues": [issue.as_dict() for issue in self.issues],
        }


def _short_month(day: datetime.date) -> str:
    """'Jan 2026' in English, 'Ionawr 2026' in Welsh (which has no short month names)."""
    return month_year(day) if is_welsh() else f"{day:%b %Y}"


_lazy_month = lazy(_short_month, str)


def _joined(*items: StrOrPromise) -> str:
    return ", ".join(str(item) for item in items)


_lazy_joined = lazy(_joined, str)


def _months(count: int, earliest: datetime.date, latest: datetime.date) -> StrOrPromise:
    if count == 1 or earliest == latest:
        return lazy_format(
            _("%(count)s in %(month)s"),
            count=count,
            month=_lazy_month(earliest),
        )
    return lazy_format(
        _("%(count)s between %(first)s and %(last)s"),
        count=count,
        first=_lazy_month(earliest),
        last=_lazy_month(latest),
    )


# The most benefit ids one query names.
_IDS_AT_ONCE = 10_000


def _parts(ids: Iterable[int]) -> Iterator[list[int]]:
    """`ids` in order, `_IDS_AT_ONCE` at a time."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), _IDS_AT_ONCE):
        yield ordered[start : start + _IDS_AT_ONCE]


class _Benefits:
    """Reference, title and initiative of the benefits named by the rules, read once."""

    def __init__(self):
        self.ids: set[int] = set()
        self.rows: dict[int, Mapping[str, Any]] = {}

    def load(self) -> None:
        # In parts: one statement takes at most 65,535 values on PostgreSQL.
        for part in _parts(self.ids - set(self.rows)):
            for row in Benefit.objects.filter(pk__in=part).values(
                "pk", "reference", "title", "initiative__slug", "initiative__name"
            ):
                self.rows[row["pk"]] = row

    def issue(
        self, rule: str, benefit_id: int, problem: StrOrPromise, fix: StrOrPromise, other=None
    ) -> Issue:
        row = self.rows[benefit_id]
        other_row = self.rows.get(other) if other else None
        return Issue(
            rule=rule,
            benefit_id=benefit_id,
            reference=row["reference"],
            title=row["title"],
            initiative=row["initiative__slug"],
            initiative_name=row["initiative__name"],
            problem=problem,
            fix=fix,
            other_id=other,
            other_reference=other_row["reference"] if other_row else "",
        )


# The rules ----------------------------------------------------------------------------------


def _no_plan(benefits: QuerySet) -> list[tuple]:
    rows = (
        benefits.filter(
            identified_in_business_case=True,
            nature=Nature.QUANTITATIVE,
            initiative__stage__gte=Stage.IMPLEMENTATION,
            initiative__status=InitiativeStatus.ACTIVE,
        )
        .exclude(status=BenefitStatus.CLOSED)
        .exclude(Exists(PlannedValue.objects.filter(benefit_id=OuterRef("pk"))))
        .values_list("pk", "initiative__stage")
    )
    return [
        (
            NO_PLAN,
            pk,
            lazy_format(
                _(
                    "Identified in the business case, and its initiative is at stage "
                    "%(stage)s, but it has no planned profile: its actuals count as realised "
                    "outside the plan and nothing measures it against the business case."
                ),
                stage=stage,
            ),
            _(
                "Enter its planned profile month by month (its plan page, or the Plan sheet "
                "of the register)."
            ),
        )
        for pk, stage in rows
    ]


def _grouped_measurements(benefits: QuerySet, q: Q | Combinable) -> QuerySet:
    return (
        Measurement.objects.filter(benefit__in=benefits, value__isnull=False)
        .filter(q)
        .values("benefit_id")
        .annotate(count=Count("pk"), earliest=Min("period"), latest=Max("period"))
        .order_by()
    )


def _no_evidence(benefits: QuerySet) -> list[tuple]:
    rows = _grouped_measurements(
        benefits, ~Exists(Evidence.objects.filter(measurement_id=OuterRef("pk")))
    )
    return [
        (
            NO_EVIDENCE,
            row["benefit_id"],
            lazy_format(
                _("Actuals with no evidence: %(months)s."),
                months=_months(row["count"], row["earliest"], row["latest"]),
            ),
            _("Attach the evidence to each actual (a file or a note saying where it is kept)."),
        )
        for row in rows
    ]


def _unverified(benefits: QuerySet, today: datetime.date) -> list[tuple]:
    since = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=UNVERIFIED_AFTER_DAYS), datetime.time.min
        )
    )
    rows = _grouped_measurements(benefits, Q(verified_at__isnull=True, created_at__lt=since))
    return [
        (
            UNVERIFIED,
            row["benefit_id"],
            lazy_format(
                _("Actuals recorded more than %(days)s days ago and never verified: %(months)s."),
                days=UNVERIFIED_AFTER_DAYS,
                months=_months(row["count"], row["earliest"], row["latest"]),
            ),
            _(
                "Ask someone other than the person who recorded them to check them against "
                "the evidence and verify them."
            ),
        )
        for row in rows
    ]


def _overdue(benefits: QuerySet, today: datetime.date) -> list[tuple]:
    return [
        (
            OVERDUE,
            row["benefit"],
            lazy_format(
                _("Actuals overdue: %(months)s."),
                months=_months(row["months"], row["earliest"], row["latest"]),
            ),
            _("The measurement owner records the actuals for those months, with their evidence."),
        )
        for row in overdue_rows(today, benefits)
    ]


def _normalised_title(forces: list[str]):
    """Lower case, without punctuation, spaces or force names, as a database expression."""
    expression: Func = Lower("title")
    for name in sorted(forces, key=len, reverse=True):
        expression = Replace(expression, Value(name.lower()), Value(""))
    for character in (*_PUNCTUATION, " "):
        expression = Replace(expression, Value(character), Value(""))
    return expression


def _pairs(rows: list[dict], key) -> set[tuple[int, int]]:
    """Pairs of benefits of different initiatives sharing a key (ids ordered)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    out = set()
    for members in groups.values():
        for i, one in enumerate(members):
            for other in members[i + 1 :]:
                if one["initiative_id"] != other["initiative_id"]:
                    out.add(tuple(sorted((one["pk"], other["pk"]))))
    return out


def _suspected_duplicates(benefits: QuerySet) -> list[tuple]:
    """Same unit, baseline and target; or the same title once case, punctuation, spaces and
    force names are taken out. Across initiatives (and so across collaborations). Pairs
    already linked (one contributes to the other) or judged distinct are left out."""
    columns = ("pk", "initiative_id", "unit", "baseline_value", "target_value", "norm")
    named = (
        Force.objects.filter(Exists(Benefit.objects.filter(title__icontains=OuterRef("name"))))
        .values_list("name", flat=True)
        .order_by()
    )
    forces = sorted(named, key=len, reverse=True)[:_FORCE_NAMES]
    pool = Benefit.objects.exclude(status=BenefitStatus.CLOSED).annotate(
        norm=_normalised_title(forces)
    )
    same_values = pool.filter(baseline_value__isnull=False, target_value__isnull=False).filter(
        Exists(
            Benefit.objects.filter(
                unit=OuterRef("unit"),
                baseline_value=OuterRef("baseline_value"),
                target_value=OuterRef("target_value"),
            )
            .exclude(initiative_id=OuterRef("initiative_id"))
            .exclude(status=BenefitStatus.CLOSED)
        )
    )
    titles = (
        pool.exclude(norm="")
        .values("norm")
        .annotate(initiatives=Count("initiative_id", distinct=True))
        .filter(initiatives__gt=1)
        .values("norm")
    )
    same_title = pool.filter(norm__in=Subquery(titles))
    by_values = list(same_values.values(*columns))
    by_title = list(same_title.values(*columns))
    pairs = _pairs(by_values, lambda row: (row["unit"], row["baseline_value"], row["target_value"]))
    reasons: dict[tuple[int, int], StrOrPromise] = dict.fromkeys(
        pairs, _("the same unit, baseline and target")
    )
    for pair in _pairs(by_title, lambda row: row["norm"]):
        reasons[pair] = (
            _(
                "the same title (leaving aside case, punctuation and force names) and the "
                "same unit, baseline and target"
            )
            if pair in reasons
            else _("the same title (leaving aside case, punctuation and force names)")
        )
    if not reasons:
        return []
    # Read a part of the ids at a time: one statement takes at most 65,535 values on
    # PostgreSQL, and a register may suspect more benefits than that.
    ids = {pk for pair in reasons for pk in pair}
    in_scope: set[int] = set()
    linked: set[tuple[int, int]] = set()
    dismissed: set[tuple[int, int]] = set()
    for part in _parts(ids):
        in_scope.update(benefits.filter(pk__in=part).values_list("pk", flat=True))
        paths = ContributionPath.objects.filter(descendant_id__in=part)
        linked.update(
            (min(pair), max(pair))
            for pair in paths.values_list("descendant_id", "ancestor_id")
            if pair[1] in ids
        )
        judged = NotDuplicate.objects.filter(first_id__in=part)
        dismissed.update(
            row for row in judged.values_list("first_id", "second_id") if row[1] in ids
        )
    out = []
    for (first, second), why in sorted(reasons.items()):
        if (first, second) in linked or (first, second) in dismissed:
            continue
        if first not in in_scope or second not in in_scope:
            continue  # the reader may not see both: nothing to say about the pair
        out.append(
            (
                SUSPECTED_DUPLICATE,
                first,
                why,  # put into a sentence once the other benefit is named (`check`)
                _(
                    "If one is part of the other, link it as a contribution so that each "
                    "pound counts once; if they are different benefits, dismiss the suspicion "
                    "with the reason."
                ),
                second,
            )
        )
    return out


def _below_standard(benefits: QuerySet) -> list[tuple]:
    """The gate-check rules, for initiatives past the outline business case (their current
    stage). A planned profile is left to `no-plan`."""
    quantitative = Q(nature=Nature.QUANTITATIVE)
    may_fail = (
        Q(direction="")
        | Q(measure="")
        | Q(subcategory="")
        | Q(owner__isnull=True)
        | Q(measurement_owner__isnull=True)
        | (quantitative & (Q(baseline_value__isnull=True) | Q(target_value__isnull=True)))
        | Q(status=BenefitStatus.PROPOSED)
    )
    candidates = (
        benefits.filter(initiative__stage__gt=Stage.OBC)
        .exclude(initiative__status=InitiativeStatus.CLOSED)
        .filter(may_fail)
        .select_related("initiative")
    )
    out = []
    for benefit in candidates:
        unmet = [
            rule
            for rule in benefit_rules(benefit, benefit.initiative.stage, has_profile=True)
            if rule is not RULE_PROFILE
        ]
        if unmet:
            out.append(
                (
                    BELOW_STANDARD,
                    benefit.pk,
                    lazy_format(
                        _("Below the minimum standard for stage %(stage)s: %(unmet)s."),
                        stage=benefit.initiative.stage,
                        unmet=_lazy_joined(*unmet),
                    ),
                    _(
                        "Complete the benefit's profile (edit the benefit) so that it meets "
                        "the standard its initiative has passed."
                    ),
                )
            )
    return out


def _orphans(benefits: QuerySet) -> list[tuple]:
    return [
        (
            ORPHAN,
            pk,
            _("Serves no objective on its collaboration's benefits map."),
            _(
                "Link it to the objective it serves on the benefits map, or ask whether it "
                "belongs in the programme."
            ),
        )
        for pk in orphan_benefits(benefits.exclude(status=BenefitStatus.CLOSED)).values_list(
            "pk", flat=True
        )
    ]


def _children_exceed_parent(benefits: QuerySet, readable: QuerySet) -> list[tuple]:
    """Children the reader may not see (outside `readable`) are left out: neither their
    plans nor a sum holding them is shown."""

    def planned(ref: str, among: QuerySet):
        return Coalesce(
            Subquery(
                PlannedValue.objects.filter(**{ref: OuterRef("pk")}, benefit__in=among)
                .values(ref)
                .annotate(total=Sum("value"))
                .values("total")[:1],
                output_field=_MONEY,
            ),
            Value(Decimal("0"), output_field=_MONEY),
        )

    rows = (
        benefits.filter(
            Exists(Contribution.objects.filter(parent_id=OuterRef("pk"), child__in=readable))
        )
        .annotate(
            own=planned("benefit_id", Benefit.objects.all()),
            children=planned("benefit__contribution__parent", readable),
        )
        .filter(children__gt=F("own"))
        .values_list("pk", "own", "children")
    )
    return [
        (
            CHILDREN_EXCEED_PARENT,
            pk,
            lazy_format(
                _(
                    "The benefits contributing to it plan %(children)s in total, more than "
                    "its own %(own)s: its plan no longer holds theirs."
                ),
                children=f"£{children:,.2f}",
                own=f"£{own:,.2f}",
            ),
            _(
                "Raise a change request for the parent's plan, or correct the children's "
                "plans or links."
            ),
        )
        for pk, own, children in rows
    ]


# The check ----------------------------------------------------------------------------------


def check(
    benefits: QuerySet | None = None,
    *,
    today: datetime.date | None = None,
    readable: QuerySet | None = None,
) -> Report:
    """Every issue among `benefits` (default: the whole register), ordered by rule, then
    initiative and benefit. `readable` is every benefit the reader may see (default: all):
    an issue never counts in, or names, a benefit outside it."""
    today = today or datetime.date.today()
    benefits = Benefit.objects.all() if benefits is None else benefits
    readable = Benefit.objects.all() if readable is None else readable
    found = [
        *_no_plan(benefits),
        *_no_evidence(benefits),
        *_unverified(benefits, today),
        *_overdue(benefits, today),
        *_suspected_duplicates(benefits),
        *_below_standard(benefits),
        *_orphans(benefits),
        *_children_exceed_parent(benefits, readable),
    ]
    names = _Benefits()
    for row in found:
        names.ids.add(row[1])
        if len(row) > 4:
            names.ids.add(row[4])
    names.load()
    issues = []
    for rule, pk, problem, fix, *other in found:
        other_id = other[0] if other else None
        if other_id:
            other_row = names.rows[other_id]
            problem = lazy_format(
                _(
                    "May be the same benefit as %(other)s: %(why)s. Counted in both, each "
                    "pound would count twice."
                ),
                other=f"{other_row['reference']} '{other_row['title']}' "
                f"({other_row['initiative__name']})",
                why=problem,
            )
        issues.append(names.issue(rule, pk, problem, fix, other_id))
    order = {rule: position for position, rule in enumerate(RULES)}
    issues.sort(key=lambda i: (order[i.rule], i.initiative, i.reference, i.other_reference))
    return Report(as_at=today, issues=issues)


__all__ = ["RULES", "Issue", "Report", "check"]
