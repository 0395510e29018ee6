"""Paging of the HTML lists: a page number past the end shows the last page and one that is
not a number the first (Django's `Paginator.get_page`), as the lists paged by hand and the
tables already do, so that an old link to a list that has since shrunk still shows the
list. The API's paging is DRF's and keeps its documented 404 for a page that is not there.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.generic.list import MultipleObjectMixin


class LastPageMixin(MultipleObjectMixin):
    """For a `ListView` (and django-tables2's `SingleTableView`): its paging, without the
    404 Django's `MultipleObjectMixin` answers for a page out of range or not a number."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        asked = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(paginator.num_pages if asked == "last" else asked)
        return paginator, page, page.object_list, page.has_other_pages()
