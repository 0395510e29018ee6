"""Filters for the governance pages (django-filter).

The API's viewsets keep their own `filterset_fields`: there a body is named by its id, on
the pages by its slug.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q

from realise.core.filtersets import PageFilterSet


class BodyFilter(PageFilterSet):
    """Governance bodies whose name, or whose collaboration's name, contains `q`."""

    q = django_filters.CharFilter(method="search")

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(collaboration__name__icontains=value))


class DecisionFilter(PageFilterSet):
    """The decisions log: `q` searches the decision, its rationale, body, initiative and
    actions; `body` is a body's slug; `status` a decision status."""

    q = django_filters.CharFilter(method="search")
    body = django_filters.CharFilter(field_name="body__slug")
    status = django_filters.CharFilter()

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(text__icontains=value)
            | Q(rationale__icontains=value)
            | Q(body__name__icontains=value)
            | Q(initiative__name__icontains=value)
            | Q(actions__text__icontains=value)
        ).distinct()
