"""The API's filter backend: django-filter's, with each view's filter set built once.

Given `filterset_fields`, django-filter builds a new FilterSet class on every request, and
building one costs more than the query it filters. The class depends only on the view and
the model, so it is kept per (view class, model); each request still makes its own filter
set instance (filters are copied per instance, so no query result is shared).
"""

from __future__ import annotations

import threading

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
