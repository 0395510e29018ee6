"""The site's URLs with single sign-on switched on, as settings.py does when
REALISE_OIDC_CLIENT_ID is set (the test settings leave it off)."""

from django.urls import include, path

from realise import urls as site

urlpatterns = [path("oidc/", include("mozilla_django_oidc.urls")), *site.urlpatterns]
handler403, handler404, handler500 = site.handler403, site.handler404, site.handler500
