from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from realise.core import account_views, audit_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html",
            redirect_authenticated_user=True,
            extra_context={"oidc_enabled": settings.OIDC_ENABLED},
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account_views.AccountView.as_view(), name="account"),
    path("audit/", audit_views.AuditListView.as_view(), name="audit-list"),
    path("audit/export.csv", audit_views.AuditExportView.as_view(), name="audit-export"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="core/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="core/privacy.html"), name="privacy"),
    path("cookies/", views.CookiesView.as_view(), name="cookies"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
