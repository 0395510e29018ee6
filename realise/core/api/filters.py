"""The API's filter backend: django-filter's, with each view's filter set built once.

Given `filterset_fields`, django-filter builds a new FilterSet class on every request, and
building one costs more than the query it filters. The class depends only on the view and
the model, so it is kept per (view class, model); each request still makes its own filter
set instance (filters are copied per instance, so no query result is shared).

A request that names none of the filter set's parameters (most reads of one object, and
lists read page by page) is not filtered at all: a filter given no value leaves the
queryset as it is, so building and validating the filter set would change nothing.
"""

from __future__ import annotations

import threading

from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
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
