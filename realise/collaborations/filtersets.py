"""Filters for the collaborations pages (django-filter).

The API's viewsets keep their own `filterset_fields` (ids and exact values; the pages
search by words).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q

from realise.core.filtersets import PageFilterSet


class CollaborationFilter(PageFilterSet):
    """Collaborations whose name or purpose contains `q`."""

    q = django_filters.CharFilter(method="search")

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(purpose__icontains=value))
