"""Filters for the register's lists (django-filter), rendered as GOV.UK forms."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from realise.benefits.models import Measurement
from realise.collaborations.models import Collaboration, Initiative
from realise.core.filtersets import FilterForm, MonthFilter
from realise.organisations.models import Force


def _collaborations(request):
    return Collaboration.objects.visible_to(request.user).order_by("name")


def _initiatives(request):
    return Initiative.objects.visible_to(request.user).order_by("name")


class VerificationFilter(django_filters.FilterSet):
    """The actuals awaiting verification: by collaboration, initiative, force and month."""

    collaboration = django_filters.ModelChoiceFilter(
        field_name="benefit__initiative__collaboration",
        queryset=_collaborations,
        empty_label=_("All collaborations"),
    )
    initiative = django_filters.ModelChoiceFilter(
        field_name="benefit__initiative", queryset=_initiatives, empty_label=_("All initiatives")
    )
    force = django_filters.ModelChoiceFilter(
        queryset=Force.objects.order_by("name"), empty_label=_("All forces")
    )
    month = MonthFilter(field_name="period", label=_("Month (YYYY-MM)"))

    class Meta:
        model = Measurement
        fields = ["collaboration", "initiative", "force", "month"]
        form = FilterForm
