"""Links between the pages of a list that keep the rest of the page's query."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """This page's query string with `param` set to `number`: the force chosen, the page of
    another list on the same page and the rest stay as they are."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
