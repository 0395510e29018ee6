"""`{% may_request_inspection_pack collaboration as name %}`: whether the reader may ask
for the collaboration's inspection pack (so pages of lower layers can offer the link
without importing documents)."""

from django import template

from realise.documents.inspection import may_request

register = template.Library()


@register.simple_tag(takes_context=True)
def may_request_inspection_pack(context, collaboration) -> bool:
    request = context.get("request")
    return request is not None and may_request(request.user, collaboration)
