"""Filters for the repository's pages (django-filter).

A value the page does not know (a function, theme or kind) is ignored, as the page always
has. The API's viewsets keep their own `filterset_fields`: there a collaboration is named
by its id, on the pages by its slug.
"""

from __future__ import annotations

import django_filters

from realise.collaborations.models import ForceShare, Function
from realise.core.filtersets import PageFilterSet
from realise.knowledge.models import DocumentKind, Theme


class CatalogueFilter(PageFilterSet):
    """The catalogue's collaborations: by function, and by a force (slug) or region (slug)
    sharing in them."""

    function = django_filters.ChoiceFilter(choices=Function.choices)
    force = django_filters.CharFilter(method="shared_by", strip=False)
    region = django_filters.CharFilter(method="shared_by", strip=False)

    def shared_by(self, queryset, name, value):
        shares = ForceShare.objects.filter(**{_SHARED_BY[name]: value})
        return queryset.filter(pk__in=shares.values("collaboration_id"))


_SHARED_BY = {"force": "force__slug", "region": "force__region__slug"}


class LessonFilter(PageFilterSet):
    """Lessons by theme and by collaboration (slug)."""

    theme = django_filters.ChoiceFilter(choices=Theme.choices)
    collaboration = django_filters.CharFilter(field_name="collaboration__slug", strip=False)


class DocumentFilter(PageFilterSet):
    """Documents by kind and by collaboration (slug)."""

    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    collaboration = django_filters.CharFilter(field_name="collaboration__slug", strip=False)
