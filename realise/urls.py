from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    # The API's names live in their own namespace ("api:collaboration-detail"), apart from
    # the pages' ("collaboration-detail"). First, as its paths are asked for most: Django
    # tries the patterns in order.
    path("api/v1/", include(("realise.api_urls", "api"), namespace="api")),
    path("", include("realise.core.urls")),
    path("", include("realise.organisations.urls")),
    path("", include("realise.collaborations.urls")),
    path("", include("realise.benefits.urls")),
    path("", include("realise.appraisal.urls")),
    path("", include("realise.governance.urls")),
    path("", include("realise.knowledge.urls")),
    path("", include("realise.pipeline.urls")),
    path("", include("realise.reports.urls")),
    path("", include("realise.reports.dashboards.urls")),
    path("", include("realise.documents.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "realise.core.api.bad_request"
handler403 = "realise.core.errors.permission_denied"
handler404 = "realise.core.api.not_found"
handler500 = "realise.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
