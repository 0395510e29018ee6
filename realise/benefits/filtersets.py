"""Filters for the register's lists (django-filter), rendered as GOV.UK forms, and the
API's filters of planned values and actuals."""

from __future__ import annotations

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from realise.benefits.models import Measurement, PlannedValue
from realise.collaborations.models import Collaboration, Initiative
from realise.core.filtersets import ApiFilterSet, FilterForm, MonthFilter
from realise.core.forms import PeriodField
from realise.core.language import force_name
from realise.organisations.models import Force


def _collaborations(request):
    return Collaboration.objects.visible_to(request.user).order_by("name")


def _initiatives(request):
    return Initiative.objects.visible_to(request.user).order_by("name")


class ForceChoiceField(django_filters.fields.ModelChoiceField):
    """A force, named in the language of the page ('Heddlu Gwent' in Welsh)."""

    def label_from_instance(self, obj):
        return force_name(obj)


class ForceFilter(django_filters.ModelChoiceFilter):
    field_class = ForceChoiceField


class VerificationFilter(django_filters.FilterSet):
    """The actuals awaiting verification: by collaboration, initiative, force and month."""

    collaboration = django_filters.ModelChoiceFilter(
        field_name="benefit__initiative__collaboration",
        queryset=_collaborations,
        label=_("Collaboration"),
        empty_label=_("All collaborations"),
    )
    initiative = django_filters.ModelChoiceFilter(
        field_name="benefit__initiative",
        queryset=_initiatives,
        label=_("Initiative"),
        empty_label=_("All initiatives"),
    )
    force = ForceFilter(
        queryset=Force.objects.order_by("name"), label=_("Force"), empty_label=_("All forces")
    )
    month = MonthFilter(field_name="period", label=_("Month (YYYY-MM)"))

    class Meta:
        model = Measurement
        fields = ["collaboration", "initiative", "force", "month"]
        form = FilterForm


# The API ----------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$",
        "example": "2026-04",
        "description": "A month as YYYY-MM (a day as YYYY-MM-DD is taken as its month).",
    }
)
class PeriodFilter(django_filters.Filter):
    """A period filter of the API: a month as YYYY-MM, as the API writes periods, or a day
    of it as YYYY-MM-DD; either is its month."""

    field_class = PeriodField


class PeriodFilterSet(ApiFilterSet):
    """The API's filters of a model with a `period` (a month): `period`, `period__gte` and
    `period__lte` take a month."""

    class Meta:
        filter_overrides = {models.DateField: {"filter_class": PeriodFilter}}


class PlannedValueApiFilter(PeriodFilterSet):
    class Meta(PeriodFilterSet.Meta):
        model = PlannedValue
        fields = {"benefit": ["exact"], "period": ["exact", "gte", "lte"]}


class MeasurementApiFilter(PeriodFilterSet):
    class Meta(PeriodFilterSet.Meta):
        model = Measurement
        fields = {
            "benefit": ["exact"],
            "benefit__initiative": ["exact"],
            "benefit__initiative__collaboration": ["exact"],
            "force": ["exact", "isnull"],
            "period": ["exact", "gte", "lte"],
            "verified_at": ["isnull"],
        }
