from django.urls import path

from realise.benefits import views
from realise.benefits.ipa.urls import urlpatterns as ipa_urlpatterns
from realise.benefits.views import verification

urlpatterns = [
    path(
        "initiatives/<slug:slug>/benefits/new/",
        views.BenefitCreateView.as_view(),
        name="benefit-create",
    ),
    path("benefits/<int:pk>/", views.BenefitDetailView.as_view(), name="benefit-detail"),
    path("actuals/month/", views.RecordMonthView.as_view(), name="record-month"),
    path("benefits/<int:pk>/edit/", views.BenefitUpdateView.as_view(), name="benefit-edit"),
    path("benefits/<int:pk>/plan/", views.PlanUpdateView.as_view(), name="benefit-plan"),
    path(
        "benefits/<int:pk>/actuals/new/",
        views.MeasurementCreateView.as_view(),
        name="measurement-create",
    ),
    path(
        "benefits/verification/",
        verification.VerificationListView.as_view(),
        name="measurement-verification",
    ),
    path(
        "benefits/verification/<int:pk>/return/",
        verification.ReturnView.as_view(),
        name="measurement-return",
    ),
    path("benefits/<int:pk>/history/", views.BenefitHistoryView.as_view(), name="benefit-history"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
]

urlpatterns += ipa_urlpatterns
