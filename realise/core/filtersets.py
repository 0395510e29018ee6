"""The pieces every app's filter sets (django-filter) are made of, and the audit trail's.

An app's list pages and its API filter through the filter sets in `<app>/filtersets.py`.
A page binds its filter set to the query only when the query names something (`request.GET
or None`), so a first visit shows the form as it starts. What a page does with a value that
does not validate is the filter set's `when_invalid`: `IGNORE` the field (django-filter's
way, and the API's), `ALL` (apply no filter, show the form's errors) or `NOTHING` (match
nothing, show the form's errors).
"""

from __future__ import annotations

import datetime
import threading

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet
from django_filters import rest_framework as api_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from realise.core.forms import DateInput, GovukForm, MonthField
from realise.core.inputs import yes_or_no
from realise.core.models import AuditAction

IGNORE, ALL, NOTHING = "ignore", "all", "nothing"


class FilterForm(GovukForm, forms.Form):
    """A filter form: GOV.UK markup, every field optional."""


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class PageFilterSet(django_filters.FilterSet):
    """A filter set for a page: declared filters only, rendered as a GOV.UK form."""

    when_invalid = IGNORE

    class Meta:
        form = FilterForm

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            if self.is_bound and self.when_invalid != IGNORE and not self.is_valid():
                everything = self.queryset.all()
                self._qs = everything.none() if self.when_invalid == NOTHING else everything
            else:
                return super().qs
        return self._qs


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


class AuditFilter(PageFilterSet):
    """The audit trail, by kind of record (those the reader may see), user, change and
    dates (whole days in the local time zone). A bad value matches nothing."""

    when_invalid = NOTHING

    model = django_filters.ChoiceFilter(label=_("Kind of record"), choices=(), empty_label=_("Any"))
    username = django_filters.CharFilter(label=_("User name"), lookup_expr="iexact", max_length=150)
    action = django_filters.ChoiceFilter(
        label=_("Change"), choices=AuditAction.choices, empty_label=_("Any")
    )
    date_from = django_filters.DateFilter(
        label=_("From (date)"), widget=DateInput(), method="recorded_from"
    )
    date_to = django_filters.DateFilter(
        label=_("To (date)"), widget=DateInput(), method="recorded_to"
    )

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        models = self.queryset.order_by("model").values_list("model", flat=True).distinct()
        self.filters["model"].extra["choices"] = [(m, m) for m in models]

    def recorded_from(self, queryset, name, value):
        return queryset.filter(recorded_at__gte=_day_start(value))

    def recorded_to(self, queryset, name, value):
        return queryset.filter(recorded_at__lt=_day_start(value + datetime.timedelta(days=1)))


# The API's filter sets: a yes-or-no parameter (`cashable`, `force__isnull`...) takes true or
# false (or 1 or 0), and a list of choices (`status__in`) only the field's choices; anything
# else is refused with 400 naming it. django-filter's own reads any other yes-or-no value as
# "not given", so `?cashable=yes` would answer every record, and a list of choices as text,
# so `?status__in=agred` would answer none.


class BooleanValueField(forms.NullBooleanField):
    widget = forms.TextInput  # the value as sent, so that a wrong one can be named

    def to_python(self, value):
        if value in (None, ""):
            return None
        found = yes_or_no(value)
        if found is None:
            raise ValidationError(_("Give true or false."), code="invalid")
        return found

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = BooleanValueField


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`status__in=agreed,realising`: each value one of the field's choices, as `status=`."""


class ApiFilterSet(api_filters.FilterSet):
    """The base of every API filter set (`FilterBackend.filterset_base`, and those an app
    declares for the API)."""

    FILTER_DEFAULTS = {
        **api_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A record named in a filter (?collaboration=4) is chosen among those the reader may
        # see: one they may not is refused as one that does not exist, never told apart by
        # an empty list.
        user = getattr(self.request, "user", None)
        for found in self.filters.values():
            queryset = getattr(found, "queryset", None)
            if user is not None and isinstance(queryset, models.QuerySet):
                manager = queryset.model._default_manager
                if hasattr(manager, "visible_to"):
                    found.queryset = queryset.filter(pk__in=manager.visible_to(user).values("pk"))

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if lookup_type == "in" and getattr(field, "choices", None):
            return ChoiceInFilter, {"choices": field.choices}
        return super().filter_for_lookup(field, lookup_type)


# The API's filter backend: django-filter's, with each view's filter set built once. It is
# named in settings' REST_FRAMEWORK and lives here, not in core.api, because DRF imports it
# while its own generic views are still loading (core.api imports those views).
#
# Given `filterset_fields`, django-filter builds a new FilterSet class on every request, and
# building one costs more than the query it filters. The class depends only on the view and
# the model, so it is kept per (view class, model); each request still makes its own filter
# set instance (filters are copied per instance, so no query result is shared).
#
# A request that names none of the filter set's parameters (most reads of one object, and
# lists read page by page) is not filtered at all: a filter given no value leaves the
# queryset as it is, so building and validating the filter set would change nothing.


class FilterBackend(DjangoFilterBackend):
    filterset_base = ApiFilterSet
    _classes: dict = {}
    _lock = threading.Lock()

    def get_filterset_class(self, view, queryset=None):
        if getattr(view, "filterset_class", None) or not getattr(view, "filterset_fields", None):
            return super().get_filterset_class(view, queryset)
        key = (type(view), None if queryset is None else queryset.model)
        built = self._classes.get(key)
        if built is None:
            built = super().get_filterset_class(view, queryset)
            with self._lock:
                self._classes[key] = built
        return built

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _names_a_filter(request, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(request, filterset_class) -> bool:
    """The request carries a parameter of this filter set (range filters add suffixes such
    as `_after` or `_min`, so a parameter that starts with a filter's name counts), or the
    filter set filters in its own way whatever the parameters."""
    if filterset_class.filter_queryset is not FilterSet.filter_queryset:
        return True
    names = tuple(filterset_class.base_filters)
    return any(key.startswith(names) for key in request.query_params)


class Ordering(OrderingFilter):
    """DRF's `?ordering=`, refusing (400, naming `ordering` and what it takes) a field it
    cannot order by, where DRF's own ignores it and answers in another order than asked."""

    def choices(self, view, queryset=None, request=None) -> list[str]:
        context = {"request": request}
        return sorted(name for name, _label in self.get_valid_fields(queryset, view, context))

    def remove_invalid_fields(self, queryset, fields, view, request):
        fields = [term for term in fields if term]
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        wrong = [term for term in fields if term not in valid]
        if wrong:
            names = ", ".join(self.choices(view, queryset, request))
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(repr(t) for t in wrong)}. Order by "
                        f"{names} (a leading - for descending; several separated by commas)."
                    ]
                }
            )
        return valid

    def get_schema_operation_parameters(self, view):
        try:
            names = ", ".join(self.choices(view))
        except Exception:  # noqa: BLE001 - a view whose fields need a request: the plain text
            names = ""
        parameters = super().get_schema_operation_parameters(view)
        if names:
            parameters[0]["description"] = (
                f"Order by one of: {names}. A leading - sorts descending; separate several "
                "with commas. Any other value is refused (400)."
            )
        return parameters
