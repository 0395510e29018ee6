"""The cut: which benefits and months to count, as queries."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Round

from realise.benefits.models import (
    Attribution,
    Benefit,
    BenefitShare,
    BenefitTotal,
    ContributionPath,
    TotalKind,
    Unit,
)
from realise.benefits.realisation.figures import HOURS, HUNDRED, MEASURE_SUBCATEGORIES, MONEY
from realise.benefits.realisation.periods import _as_of, last_complete_month
from realise.collaborations.models import ForceShare
from realise.collaborations.nesting import with_nested
from realise.organisations.models import Force

# Few benefits have links or attributions, or actuals but no plan. The engine's grouped
# queries scan every planned and measured month in a cut, so rather than test each row with a
# correlated subquery, the ids of such benefits are looked up once per cut and the tests
# become plain "id in (...)" lists, or vanish when there are none. Past this many ids, an
# uncorrelated subquery ("id in (select ...)") takes the list's place (see `_ids` and
# `_Cut.unplanned`).
_ID_LIST_LIMIT = 1000
_MONEY = DecimalField(max_digits=18, decimal_places=2)
_WIDE = DecimalField(max_digits=30, decimal_places=8)

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


# Counting each pound once ----------------------------------------------------------------
#
# The query parts of the rules in `realise.benefits.contributions` (docs/realisation.md,
# "Counting each pound once"): a benefit with an ancestor in the cut is not counted, and a
# benefit with attributions is counted for the shares claimed by initiatives in the cut.


def _parts(filters: RealisationFilter) -> tuple[RealisationFilter, RealisationFilter]:
    """The cut's filters about initiatives, and those about the benefit itself."""
    initiative_level = RealisationFilter(
        collaboration=filters.collaboration,
        initiative=filters.initiative,
        stages=filters.stages,
        initiative_statuses=filters.initiative_statuses,
    )
    benefit_level = dataclasses.replace(
        filters, collaboration=None, initiative=None, stages=(), initiative_statuses=()
    )
    return initiative_level, benefit_level


def _ref(prefix: str) -> str:
    return prefix[:-2] if prefix else "pk"


# A list of benefit ids, or the query giving them when it is long (see `_ID_LIST_LIMIT`).
Ids = list[int] | QuerySet[Any, Any]


def _ids(resolved: dict[str, Any], key: str, queryset: QuerySet[Any], column: str) -> Ids:
    """The distinct `column` values of `queryset` (a list, or the queryset when long),
    looked up once per cut and kept in `resolved`."""
    if key not in resolved:
        values = queryset.order_by().values_list(column, flat=True).distinct()
        ids = list(values[: _ID_LIST_LIMIT + 1])
        resolved[key] = ids if len(ids) <= _ID_LIST_LIMIT else values
    found: Ids = resolved[key]
    return found


def _none(ids: Ids) -> bool:
    return isinstance(ids, list) and not ids


def _attributed(resolved: dict[str, Any]) -> Ids:
    """The benefits that have attributions (claimed by named initiatives)."""
    return _ids(resolved, "attributed", Attribution.objects.all(), "benefit_id")


def _claimed(filters: RealisationFilter, resolved: dict[str, Any]) -> Ids:
    """The benefits claimed by an initiative in the cut."""
    if _none(_attributed(resolved)):
        return []
    claims = Attribution.objects.filter(claims_q(filters, resolved))
    return _ids(resolved, "claimed", claims, "benefit_id")


def linked_benefits(resolved: dict[str, Any]) -> list[int] | None:
    """The benefits counted other than whole somewhere (attributed, or contributing to
    another benefit), or None when there are too many to list."""
    attributed = _attributed(resolved)
    descendants = _ids(resolved, "descendants", ContributionPath.objects.all(), "descendant_id")
    if not (isinstance(attributed, list) and isinstance(descendants, list)):
        return None
    return sorted(set(attributed) | set(descendants))


def claims_q(filters: RealisationFilter, resolved: dict[str, Any]) -> Q:
    """A Q over Attribution: the claims of initiatives in the cut."""
    initiative_level, _ = _parts(filters)
    return _benefit_q(initiative_level, "", resolved)


def in_cut_q(
    filters: RealisationFilter,
    resolved: dict[str, Any],
    base: QuerySet[Benefit] | None,
    prefix: str = "benefit__",
) -> Q:
    """The benefits a cut takes in, before double counting (`prefix` '' for Benefit, else
    the path to the benefit): those matching the cut through their own initiative and
    claimed by nobody, and those claimed by an initiative in the cut."""
    _, benefit_level = _parts(filters)
    ref = _ref(prefix)
    q = _benefit_q(filters, prefix, resolved)
    attributed = _attributed(resolved)
    if not _none(attributed):
        q &= ~Q(**{f"{ref}__in": attributed})
        claimed = _claimed(filters, resolved)
        if not _none(claimed):
            own = _benefit_q(benefit_level, prefix, resolved)
            q |= own & Q(**{f"{ref}__in": claimed})
    if base is not None:
        q &= Q(**{f"{ref}__in": base.values("pk")})
    return q


def counted_q(
    filters: RealisationFilter,
    resolved: dict[str, Any],
    base: QuerySet[Benefit] | None,
    prefix: str = "benefit__",
) -> Q:
    """The benefits a cut counts: those it takes in, less any with an ancestor in it.

    `resolved` belongs to one cut, and so to one `base`."""
    ref = _ref(prefix)
    q = in_cut_q(filters, resolved, base, prefix)
    ancestor_inside = ContributionPath.objects.filter(
        in_cut_q(filters, resolved, base, "ancestor__")
    )
    covered = _ids(resolved, "covered", ancestor_inside, "descendant_id")
    if not _none(covered):
        q &= ~Q(**{f"{ref}__in": covered})
    return q


def listed_q(
    filters: RealisationFilter,
    resolved: dict[str, Any],
    base: QuerySet[Benefit] | None,
    prefix: str = "benefit__",
) -> Q:
    """The benefits a cut lists (RAG, exceptions): its own, and those claimed in it."""
    _, benefit_level = _parts(filters)
    ref = _ref(prefix)
    home = _benefit_q(filters, prefix, resolved)
    claimed = _claimed(filters, resolved)
    # An empty Q takes in every benefit (and would vanish from an "or").
    q = home
    if home and not _none(claimed):
        q = home | (_benefit_q(benefit_level, prefix, resolved) & Q(**{f"{ref}__in": claimed}))
    if base is not None:
        q &= Q(**{f"{ref}__in": base.values("pk")})
    return q


def claimed_value(
    filters: RealisationFilter,
    resolved: dict[str, Any],
    field: str = "value",
    ref: str = "benefit",
    attributed: Ids | None = None,
) -> F | Case:
    """The amount of a row the cut counts: the whole value, or for a benefit with
    attributions the value times the shares claimed in the cut, rounded to the penny.

    `attributed`: the benefits with attributions whose rows may be summed (default: all)."""
    attributed = _attributed(resolved) if attributed is None else attributed
    if _none(attributed):
        return F(field)
    share = Subquery(
        Attribution.objects.filter(Q(benefit=OuterRef(ref)) & claims_q(filters, resolved))
        .order_by()
        .values("benefit")
        .annotate(total=Sum("percent"))
        .values("total")[:1]
    )
    claimed = Round(
        ExpressionWrapper(F(field) * share / Value(HUNDRED), output_field=_WIDE),
        2,
        output_field=_MONEY,
    )
    is_attributed = Q(**{f"{ref}__in": attributed})
    return Case(When(is_attributed, then=claimed), default=F(field), output_field=_MONEY)


def claimant(
    resolved: dict[str, Any], ref: str = "benefit", attributed: Ids | None = None
) -> Value | Case:
    """The benefit's id when it has attributions, else null: to group claimed rows.

    `attributed`: the benefits with attributions whose rows may be grouped (default: all)."""
    attributed = _attributed(resolved) if attributed is None else attributed
    if _none(attributed):
        return Value(None, output_field=IntegerField())
    is_attributed = Q(**{f"{ref}__in": attributed})
    return Case(When(is_attributed, then=F(ref)), default=None, output_field=IntegerField())


def claims_in_cut(
    filters: RealisationFilter, resolved: dict[str, Any], benefit_ids: Iterable[int]
) -> dict[int, dict[int, tuple[Decimal, int]]]:
    """{benefit id: {initiative id: (percent, collaboration id)}} for the claims in the cut."""
    ids = list(benefit_ids)
    if not ids:
        return {}
    out: dict[int, dict[int, tuple[Decimal, int]]] = {}
    rows = (
        Attribution.objects.filter(Q(benefit_id__in=ids) & claims_q(filters, resolved))
        .values_list("benefit_id", "initiative_id", "percent", "initiative__collaboration_id")
        .order_by()
    )
    for benefit_id, initiative_id, percent, collaboration_id in rows:
        out.setdefault(benefit_id, {})[initiative_id] = (percent, collaboration_id)
    return out


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

    def _listed_ids(self, key: str, benefits_q: Callable[[], Q]) -> list[int] | None:
        """The ids of the benefits `benefits_q()` (over Benefit) selects, read once, when the
        cut is narrow (a collaboration, an initiative, a force or a reader's scope) and
        they are at most `_ID_LIST_LIMIT`; else None. The cut's conditions (the reader's
        scope above all) are then tested once, not again in each of the engine's queries,
        which test "id in (...)" instead."""
        if key not in self._resolved:
            filters = self.filters
            narrow = self.base is not None or any(
                value is not None
                for value in (filters.collaboration, filters.initiative, filters.force)
            )
            ids = None
            if narrow:
                found = list(
                    Benefit.objects.filter(benefits_q())
                    .order_by()
                    .values_list("pk", flat=True)[: _ID_LIST_LIMIT + 1]
                )
                # None for no benefit too: an empty list cannot be put in a query.
                ids = found if 0 < len(found) <= _ID_LIST_LIMIT else None
            self._resolved[key] = ids
        listed: list[int] | None = self._resolved[key]
        return listed

    def _counted_ids(self) -> list[int] | None:
        return self._listed_ids(
            "counted_ids", lambda: counted_q(self.filters, self._resolved, self.base, "")
        )

    def rows_q(self) -> Q:
        """A Q over PlannedValue, Measurement or BenefitShare selecting the rows the cut
        counts: each pound once (see `counted_q`)."""
        if "counted" not in self._q:
            ids = self._counted_ids()
            self._q["counted"] = (
                Q(benefit_id__in=ids)
                if ids is not None
                else counted_q(self.filters, self._resolved, self.base)
            )
        return self._q["counted"]

    def counted_benefits_q(self) -> Q:
        """Like `rows_q`, but a Q over Benefit itself."""
        if "counted_benefits" not in self._q:
            ids = self._counted_ids()
            self._q["counted_benefits"] = (
                Q(pk__in=ids)
                if ids is not None
                else counted_q(self.filters, self._resolved, self.base, "")
            )
        return self._q["counted_benefits"]

    def _listed_benefit_ids(self) -> list[int] | None:
        return self._listed_ids(
            "listed_ids", lambda: listed_q(self.filters, self._resolved, self.base, "")
        )

    def listed_rows_q(self) -> Q:
        """Like `rows_q`, but every benefit the cut lists, whole (for RAG per benefit)."""
        if "listed" not in self._q:
            ids = self._listed_benefit_ids()
            self._q["listed"] = (
                Q(benefit_id__in=ids)
                if ids is not None
                else listed_q(self.filters, self._resolved, self.base)
            )
        return self._q["listed"]

    def value(self, name: str = "value") -> F | Case:
        """The amount of a row the cut counts (attributed benefits: the shares claimed).

        Built once per cut: an expression is left as it is when a query takes it in (the
        query resolves a copy), so every query of the cut can use the same one."""
        key = f"value:{name}"
        if key not in self._resolved:
            self._resolved[key] = claimed_value(
                self.filters, self._resolved, name, attributed=self.counted_attributed()
            )
        value: F | Case = self._resolved[key]
        return value

    def value_among(self, benefit_ids: Ids) -> F | Case:
        """`value()` for the rows of the benefits `benefit_ids` alone (a sum filtered to
        them): the whole value when none of them has attributions the cut counts."""
        attributed = self.counted_attributed()
        if (
            isinstance(benefit_ids, list)
            and isinstance(attributed, list)
            and set(benefit_ids).isdisjoint(attributed)
        ):
            return F("value")
        return self.value()

    def claimant(self) -> Value | Case:
        """A row's benefit id when the benefit has attributions, else null (built once)."""
        if "claimant" not in self._resolved:
            self._resolved["claimant"] = claimant(
                self._resolved, attributed=self.counted_attributed()
            )
        found: Value | Case = self._resolved["claimant"]
        return found

    def benefits(self) -> QuerySet[Benefit]:
        """The benefits the cut lists (RAG, exceptions), within its scope."""
        ids = self._listed_benefit_ids()
        if ids is not None:
            return Benefit.objects.filter(pk__in=ids)
        queryset = Benefit.objects.all() if self.base is None else self.base
        if "listed_benefits" not in self._q:
            self._q["listed_benefits"] = listed_q(self.filters, self._resolved, None, "")
        return queryset.filter(self._q["listed_benefits"])

    def forces(self) -> list[tuple[int, str, str]]:
        """Every force as (id, ONS code, name), by name: read once per cut."""
        if "forces" not in self._resolved:
            self._resolved["forces"] = list(Force.objects.values_list("pk", "ons_code", "name"))
        forces: list[tuple[int, str, str]] = self._resolved["forces"]
        return forces

    def attributed(self) -> Ids:
        """The benefits with attributions (a list, or a query when long: see `_ids`)."""
        return _attributed(self._resolved)

    def counted_attributed(self) -> Ids:
        """The benefits with attributions whose rows the cut may count (`rows_q`): when the
        cut's counted benefits are listed (`_counted_ids`), those among them, often none;
        else all of them (`attributed`). The rows the cut counts are those of its counted
        benefits alone, so testing a row's benefit against this list or against every
        attributed benefit comes to the same, and an empty list needs no test at all."""
        if "counted_attributed" not in self._resolved:
            attributed = self.attributed()
            if isinstance(attributed, list) and attributed:
                counted = self._counted_ids()
                if counted is not None:
                    kept = set(counted)
                    attributed = [pk for pk in attributed if pk in kept]
            self._resolved["counted_attributed"] = attributed
        found: Ids = self._resolved["counted_attributed"]
        return found

    def unplanned(self) -> list[int] | QuerySet[Benefit, int]:
        """The money and hours benefits with actuals but no planned value at all: their
        actuals are "realised outside the plan", never set against the plan of others.

        Normally few (the data-quality check lists them), so looked up once per cut and
        used as a plain `id IN (...)` list; past `_ID_LIST_LIMIT` ids, a subquery.
        """
        if "unplanned" not in self._resolved:
            # Read from the per-benefit totals: a benefit's row counts its planned values,
            # and its measurements with a value, over every month.
            kept = BenefitTotal.objects.filter(benefit_id=OuterRef("pk"), rows__gt=0)
            queryset = (
                Benefit.objects.filter(_summable_q())
                .filter(~Exists(kept.filter(kind=TotalKind.PLANNED)))
                .filter(Exists(kept.filter(kind=TotalKind.ACTUAL)))
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
