from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from django.views.generic import TemplateView

from realise.core import language, views
from realise.core.forms import (
    GovukPasswordChangeForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
)
from realise.core.views import account, audit

urlpatterns: list[URLPattern | URLResolver] = [
    path("language/", language.set_language, name="set-language"),
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
    # Local accounts: change a password, reset a forgotten one by email (Django's views).
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="core/password_change.html",
            form_class=GovukPasswordChangeForm,
            success_url=reverse_lazy("password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="core/password_reset.html",
            form_class=GovukPasswordResetForm,
            email_template_name="core/password_reset_email.txt",
            subject_template_name="core/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html",
            form_class=GovukSetPasswordForm,
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("account/", account.AccountView.as_view(), name="account"),
    path("audit/", audit.AuditListView.as_view(), name="audit-list"),
    path("audit/export.csv", audit.AuditExportView.as_view(), name="audit-export"),
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
