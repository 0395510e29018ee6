"""The cut: which benefits and months to count, as queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value

from realise.benefits.models import (
    Benefit,
    BenefitShare,
    Measurement,
    PlannedValue,
    Unit,
)
from realise.benefits.realisation.figures import HOURS, MEASURE_SUBCATEGORIES, MONEY
from realise.benefits.realisation.periods import _as_of, last_complete_month
from realise.collaborations.models import ForceShare
from realise.organisations.models import Force

# Past this many ids, a list of benefits becomes a subquery (see `_Cut.unplanned`).
_ID_LIST_LIMIT = 1000

# The cut ------------------------------------------------------------------------------------


def _pk(value: Any) -> int | None:
    if value is None:
        return None
    return value if isinstance(value, int) else value.pk


@dataclass(frozen=True)
class RealisationFilter:
    """Which benefits and months to count. Every field is optional.

    `collaboration`, `initiative` and `force` take a model instance or its primary key.
    A collaboration includes the collaborations nested in it. With a `force`, the
    benefits are those of collaborations the force belongs to (or that give it a share of
    their own) and every money and hours figure is that force's share.
    `statuses` are benefit statuses; `initiative_statuses` the initiative's.
    Periods are months (any day is taken as its month); both ends are included.
    """

    collaboration: Any = None
    initiative: Any = None
    force: Any = None
    subcategories: tuple[str, ...] = ()
    stages: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    initiative_statuses: tuple[str, ...] = ()
    cashable: bool | None = None
    identified: bool | None = None
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None

    def __post_init__(self) -> None:
        for name in ("subcategories", "stages", "statuses", "initiative_statuses"):
            value = getattr(self, name)
            if isinstance(value, str | int):
                value = (value,)
            object.__setattr__(self, name, tuple(value or ()))
        for name in ("period_from", "period_to"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, value.replace(day=1))
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise ValueError("The period starts after it ends.")

    @property
    def collaboration_id(self) -> int | None:
        return _pk(self.collaboration)

    @property
    def initiative_id(self) -> int | None:
        return _pk(self.initiative)

    @property
    def force_id(self) -> int | None:
        return _pk(self.force)

    def as_dict(self) -> dict[str, Any]:
        """The cut in plain values (slugs and codes where the instances were given)."""

        def name(value: Any, attribute: str) -> Any:
            if value is None or isinstance(value, int):
                return value
            return getattr(value, attribute)

        return {
            "collaboration": name(self.collaboration, "slug"),
            "initiative": name(self.initiative, "slug"),
            "force": name(self.force, "ons_code"),
            "subcategories": list(self.subcategories),
            "stages": list(self.stages),
            "statuses": list(self.statuses),
            "initiative_statuses": list(self.initiative_statuses),
            "cashable": self.cashable,
            "identified": self.identified,
            "from": self.period_from.strftime("%Y-%m") if self.period_from else None,
            "to": self.period_to.strftime("%Y-%m") if self.period_to else None,
        }


def collaboration_and_descendants(collaboration: Any) -> list[int]:
    """The collaboration's id and the ids of every collaboration nested in it."""
    from realise.collaborations.nesting import with_nested

    # A collaboration is always given here, so its id is never None.
    return sorted(with_nested({cast(int, _pk(collaboration))}))


def _benefit_q(
    filters: RealisationFilter, prefix: str = "", resolved: dict[str, Any] | None = None
) -> Q:
    """The cut as a Q over Benefit (or, with prefix 'benefit__', over a related model).

    `resolved` keeps the collaborations and memberships looked up, to look them up once.
    """
    own = "pk" if not prefix else prefix[:-2]
    resolved = {} if resolved is None else resolved
    q = Q()
    if filters.collaboration is not None:
        if "collaborations" not in resolved:
            resolved["collaborations"] = collaboration_and_descendants(filters.collaboration)
        ids = resolved["collaborations"]
        q &= Q(**{f"{prefix}initiative__collaboration_id__in": ids})
    if filters.initiative is not None:
        q &= Q(**{f"{prefix}initiative_id": filters.initiative_id})
    if filters.force is not None:
        if "member_of" not in resolved:
            resolved["member_of"] = list(
                ForceShare.objects.filter(force_id=cast(int, filters.force_id)).values_list(
                    "collaboration_id", flat=True
                )
            )
        member_of = resolved["member_of"]
        q &= Q(**{f"{prefix}initiative__collaboration_id__in": member_of}) | Q(
            **{
                f"{own}__in": BenefitShare.objects.filter(
                    force_id=cast(int, filters.force_id)
                ).values("benefit_id")
            }
        )
    if filters.subcategories:
        q &= Q(**{f"{prefix}subcategory__in": filters.subcategories})
    if filters.stages:
        q &= Q(**{f"{prefix}initiative__stage__in": filters.stages})
    if filters.statuses:
        q &= Q(**{f"{prefix}status__in": filters.statuses})
    if filters.initiative_statuses:
        q &= Q(**{f"{prefix}initiative__status__in": filters.initiative_statuses})
    if filters.cashable is not None:
        q &= Q(**{f"{prefix}cashable": filters.cashable})
    if filters.identified is not None:
        q &= Q(**{f"{prefix}identified_in_business_case": filters.identified})
    return q


def filter_benefits(
    filters: RealisationFilter | None = None, base: QuerySet[Benefit] | None = None
) -> QuerySet[Benefit]:
    """The benefits in the cut, within `base` (e.g. `Benefit.objects.visible_to(user)`)."""
    filters = filters or RealisationFilter()
    queryset = Benefit.objects.all() if base is None else base
    return queryset.filter(_benefit_q(filters))


def _summable_q(prefix: str = "") -> Q:
    """Benefits whose values are summed: money (1a, 1c in GBP) and hours (1b in hours)."""
    return Q(
        **{f"{prefix}subcategory__in": MEASURE_SUBCATEGORIES[MONEY], f"{prefix}unit": Unit.GBP}
    ) | Q(**{f"{prefix}subcategory__in": MEASURE_SUBCATEGORIES[HOURS], f"{prefix}unit": Unit.HOURS})


@dataclass
class _Cut:
    """A resolved cut: the filters, the scope, the 'to date' month and the force."""

    filters: RealisationFilter
    base: QuerySet[Benefit] | None
    today: datetime.date
    to_date: datetime.date
    force: Force | None
    _q: dict[str, Q] = field(default_factory=dict, repr=False)
    _resolved: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def make(
        cls,
        filters: RealisationFilter | None,
        base: QuerySet[Benefit] | None,
        today: datetime.date | None,
    ) -> _Cut:
        filters = filters or RealisationFilter()
        today = _as_of(today)
        force = None
        if filters.force is not None:
            force = filters.force if isinstance(filters.force, Force) else None
            force = force or Force.objects.get(pk=cast(int, filters.force_id))
        return cls(filters, base, today, last_complete_month(today), force)

    def benefit_q(self, prefix: str = "") -> Q:
        """The cut's filters as a Q (worked out once: they may look up collaborations)."""
        if prefix not in self._q:
            self._q[prefix] = _benefit_q(self.filters, prefix, self._resolved)
        return self._q[prefix]

    def rows_q(self) -> Q:
        """A Q over PlannedValue, Measurement or BenefitShare selecting the rows the cut
        counts: each pound once (see `contributions.counted_q`)."""
        from realise.benefits.contributions import counted_q

        if "counted" not in self._q:
            self._q["counted"] = counted_q(self.filters, self._resolved, self.base)
        return self._q["counted"]

    def listed_rows_q(self) -> Q:
        """Like `rows_q`, but every benefit the cut lists, whole (for RAG per benefit)."""
        from realise.benefits.contributions import listed_q

        if "listed" not in self._q:
            self._q["listed"] = listed_q(self.filters, self._resolved, self.base)
        return self._q["listed"]

    def value(self, name: str = "value") -> F | Case:
        """The amount of a row the cut counts (attributed benefits: the shares claimed)."""
        from realise.benefits.contributions import claimed_value

        return claimed_value(self.filters, self._resolved, name)

    def claimant(self) -> Value | Case:
        """A row's benefit id when the benefit has attributions, else null."""
        from realise.benefits.contributions import claimant

        return claimant(self._resolved)

    def benefits(self) -> QuerySet[Benefit]:
        from realise.benefits.contributions import listed_q

        queryset = Benefit.objects.all() if self.base is None else self.base
        if "listed_benefits" not in self._q:
            self._q["listed_benefits"] = listed_q(self.filters, self._resolved, None, "")
        return queryset.filter(self._q["listed_benefits"])

    def unplanned(self) -> list[int] | QuerySet[Benefit, int]:
        """The money and hours benefits with actuals but no planned value at all: their
        actuals are "realised outside the plan", never set against the plan of others.

        Normally few (the data-quality check lists them), so looked up once per cut and
        used as a plain `id IN (...)` list; past `_ID_LIST_LIMIT` ids, a subquery.
        """
        if "unplanned" not in self._resolved:
            queryset = (
                Benefit.objects.filter(_summable_q())
                .filter(~Exists(PlannedValue.objects.filter(benefit_id=OuterRef("pk"))))
                .filter(
                    Exists(
                        Measurement.objects.filter(benefit_id=OuterRef("pk"), value__isnull=False)
                    )
                )
                .order_by()
                .values_list("pk", flat=True)
            )
            ids = list(queryset[: _ID_LIST_LIMIT + 1])
            self._resolved["unplanned"] = ids if len(ids) <= _ID_LIST_LIMIT else queryset
        unplanned: list[int] | QuerySet[Benefit, int] = self._resolved["unplanned"]
        return unplanned

    def period_q(self, upto: datetime.date | None = None, prefix: str = "") -> Q:
        """Months in the cut's range, and not after `upto` when given."""
        q = Q()
        if self.filters.period_from:
            q &= Q(**{f"{prefix}period__gte": self.filters.period_from})
        end = self.filters.period_to
        if upto is not None:
            end = upto if end is None else min(end, upto)
        if end is not None:
            q &= Q(**{f"{prefix}period__lte": end})
        return q
