"""The API's own front door (`/api/v1/`) and its schema as a browser shows it.

The landing says what the API offers (every resource, with its address), where its
documentation, schema and tokens are, and how to authenticate; browsers get it as a page,
programs as JSON. The schema is served as YAML for programs and, to a browser that asks
for a page, as plain text it can display instead of downloading.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.routers import APIRootView

# What each resource holds, in a sentence (resources not listed are described by name).
RESOURCES = {
    "regions": "The police regions of England and Wales.",
    "forces": "The 43 territorial forces, with their ONS codes.",
    "people": "Owners, SROs and board members named in the register.",
    "collaborations": "Collaborations, their member forces and shares.",
    "shares": "Each force's agreed share of a collaboration's costs and benefits.",
    "agreements": "Section 22A agreements and when they are due for review.",
    "initiatives": "Initiatives and the business-case stage each stands at.",
    "stage-decisions": "Stage-gate decisions.",
    "benefits": "The benefits register.",
    "planned-values": "Planned profiles, a month a row.",
    "measurements": "Actuals, a month a row, with who entered and verified them.",
    "evidence": "Evidence behind each actual.",
}


def _absolute(request, name: str) -> str | None:
    try:
        return request.build_absolute_uri(reverse(name))
    except NoReverseMatch:
        return None


class RealiseAPIRoot(APIRootView):
    """Realise API, version 1: the resources it offers and where to start."""

    renderer_classes = [JSONRenderer, TemplateHTMLRenderer]
    template_name = "core/api_root.html"

    def get(self, request, *args, **kwargs):
        listing = super().get(request, *args, **kwargs).data
        resources = [
            {"name": name, "url": url, "description": RESOURCES.get(name, "")}
            for name, url in listing.items()
        ]
        extra = ("search", "realisation")
        namespace = request.resolver_match.namespace if request.resolver_match else ""
        prefix = f"{namespace}:" if namespace else ""
        for name in extra:
            url = _absolute(request, f"{prefix}api-{name}")
            if url:
                resources.append({"name": name, "url": url, "description": ""})
        data = {
            "name": settings.SPECTACULAR_SETTINGS["TITLE"],
            "version": settings.SPECTACULAR_SETTINGS["VERSION"],
            "description": settings.SPECTACULAR_SETTINGS["DESCRIPTION"],
            "documentation": _absolute(request, f"{prefix}api-docs"),
            "schema": _absolute(request, f"{prefix}api-schema"),
            "tokens": _absolute(request, "account"),
            "authentication": "Send 'Authorization: Token YOUR_TOKEN' (create a token on your "
            "account page), or sign in and use the session.",
            "resources": resources,
        }
        return Response(data)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: YAML for programs, plain text a browser shows rather than saves."""

    schema = None  # not itself a resource of the API

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        accepts = request.META.get("HTTP_ACCEPT", "")
        if "text/html" in accepts and "format" not in request.query_params:

            def as_text(rendered):
                rendered["Content-Type"] = "text/plain; charset=utf-8"
                rendered["Content-Disposition"] = 'inline; filename="realise-api.yaml"'
                return rendered

            response.add_post_render_callback(as_text)
        return response
