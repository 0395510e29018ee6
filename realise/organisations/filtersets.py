"""Filters for the access and people pages and the memberships API (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as api_filters

from realise.core.filtersets import NOTHING, PageFilterSet
from realise.organisations.forms import collaborations_for
from realise.organisations.models import ROLE_NAMES, Force, Membership, Role


def _grantable_collaborations(request):
    return collaborations_for(request.user)


class AccessFilter(PageFilterSet):
    """The roles on the access page: by user name (part of it), role, force and
    collaboration (one the reader manages). A bad value matches nothing."""

    when_invalid = NOTHING

    user = django_filters.CharFilter(
        label=_("User name"), field_name="user__username", lookup_expr="icontains", max_length=150
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=_("Any"))
    force = django_filters.ModelChoiceFilter(
        label=_("Force"),
        queryset=Force.objects.order_by("name"),
        empty_label=_("Any"),
        to_field_name="slug",
    )
    collaboration = django_filters.ModelChoiceFilter(
        label=_("Collaboration"),
        field_name="collaborations",
        queryset=_grantable_collaborations,
        empty_label=_("Any"),
        to_field_name="slug",
    )

    def filter_queryset(self, queryset):
        if not self.data.keys() - {"page", "sort"}:
            return queryset
        return super().filter_queryset(queryset).distinct()


class PeopleFilter(PageFilterSet):
    """The named people: by part of their name, role or email address, and by force."""

    when_invalid = NOTHING

    name = django_filters.CharFilter(
        label=_("Name, role or email"), method="by_words", max_length=200
    )
    force = django_filters.ModelChoiceFilter(
        label=_("Force"),
        queryset=Force.objects.order_by("name"),
        empty_label=_("Any"),
        to_field_name="slug",
    )

    def by_words(self, queryset, name, value):
        words = value.strip()
        return queryset.filter(
            Q(name__icontains=words) | Q(role_title__icontains=words) | Q(email__icontains=words)
        )


class MembershipFilter(api_filters.FilterSet):
    """The memberships API's filters: roles by their command-line names, the force by slug
    or ONS code."""

    user = api_filters.CharFilter(field_name="user__username", lookup_expr="iexact")
    role = api_filters.ChoiceFilter(choices=[(n, n) for n in ROLE_NAMES], method="by_role")
    force = api_filters.CharFilter(method="by_force", help_text=_("Slug or ONS code."))
    collaboration = api_filters.CharFilter(field_name="collaborations__slug", lookup_expr="iexact")

    class Meta:
        model = Membership
        fields = ["user", "role", "force", "collaboration"]

    def by_role(self, queryset, name, value):
        return queryset.filter(role=ROLE_NAMES[value])

    def by_force(self, queryset, name, value):
        return queryset.filter(Q(force__slug__iexact=value) | Q(force__ons_code__iexact=value))
