"""Links between the pages of a list that keep the rest of the page's query."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """This page's query string with `param` set to `number`: the force chosen, the page of
    another list on the same page and the rest stay as they are (a list shown without a
    request, as in a document, starts from no query)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param] = str(number)
    return f"?{query.urlencode()}"
